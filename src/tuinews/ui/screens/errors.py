"""Per-feed errors (`e`): which feeds failed, when, and why, in words."""

from __future__ import annotations

import time

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tuinews.core.dates import age, duration
from tuinews.core.models import FeedInfo

META = Style(dim=True)


def errors_table(feeds: list[FeedInfo]) -> Table | Text:
    """Failing feeds with their last error, HTTP status and next attempt."""
    failing = [f for f in feeds if f.last_error]
    if not failing:
        return Text("No feed is failing.", style="green")
    table = Table.grid(padding=(0, 1))
    table.add_column(ratio=1)
    now = time.time()
    for f in failing:
        text = Text(f.title, style="bold")
        text.append("\n")
        text.append(f.url, META)
        text.append("\n")
        text.append(f"{f.last_error}", style="red")
        details = []
        if f.last_status:
            details.append(f"HTTP {f.last_status}")
        if f.last_fetch_at:
            details.append(f"tried {age(f.last_fetch_at, now)} ago")
        if f.last_success_at:
            details.append(f"last success {age(f.last_success_at, now)} ago")
        if f.error_count > 1:
            details.append(f"{f.error_count} failures in a row")
        if f.next_fetch_at and f.next_fetch_at > now:
            details.append(f"next try in {duration(f.next_fetch_at - now)}")
        if details:
            text.append("\n")
            text.append(" · ".join(details), META)
        table.add_row(text)
        table.add_row(Text(""))
    return table


class FeedErrors(ModalScreen[None]):
    """The failing feeds; Esc closes."""

    BINDINGS = [Binding("escape,q,e", "dismiss", "Close", id="errors.close")]

    DEFAULT_CSS = """
    FeedErrors { align: center middle; }
    FeedErrors > VerticalScroll {
        width: 90; max-width: 95%; height: 80%;
        border: round $error; background: $panel; padding: 0 1;
    }
    """

    def __init__(self, feeds: list[FeedInfo]) -> None:
        super().__init__()
        self.feeds = feeds

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Feed errors — Esc to close"
            yield Static(errors_table(self.feeds), id="errors-table")
