"""Feed health (`e`): every feed, failing ones first, with what went wrong in words.

From here a feed (or every failing feed) can be retried at once, ignoring
back-off.  The screen asks its owner to do the refresh (it does no I/O itself)
and is handed fresh feed data when it is done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from tuinews.core.dates import ago, duration
from tuinews.core.models import FeedInfo

META = Style(dim=True)
BAD = Style(color="red")
GOOD = Style(color="green")
COLUMNS = ("", "Feed", "Stories", "Last success", "HTTP", "Next fetch", "Problem")


def health_rows(
    feeds: list[FeedInfo], now: float | None = None, server: Collection[str] = ()
) -> list[tuple[str, tuple[Text, ...]]]:
    """(feed url, cells) per feed: failing feeds first, then by title; `server`: URLs the sync server fetches."""
    now = time.time() if now is None else now
    ordered = sorted(feeds, key=lambda f: (f.last_error is None, f.title.casefold()))
    rows = []
    for f in ordered:
        if f.last_error:
            mark = Text("✗", BAD)
        elif f.last_success_at:
            mark = Text("✓", GOOD)
        else:
            mark = Text("·", META)
        success = Text(ago(f.last_success_at, now) if f.last_success_at else "never", META)
        status = Text(
            str(f.last_status) if f.last_status else "—", BAD if (f.last_status or 0) >= 400 else META
        )
        if f.url in server:
            upcoming = Text("sync server", META)
        elif f.next_fetch_at and f.next_fetch_at > now:
            upcoming = Text(f"in {duration(f.next_fetch_at - now)}", META)
        else:
            upcoming = Text("next refresh", META)
        problem = Text(f.last_error or "", BAD)
        if f.error_count > 1:
            problem.append(f" ({f.error_count} failures in a row)", META)
        rows.append(
            (f.url, (mark, Text(f.title), Text(f"{f.unread}/{f.total}"), success, status, upcoming, problem))
        )
    return rows


class FeedHealth(ModalScreen[None]):
    """A table of feeds; r retries the selected feed, R every failing feed, Esc closes."""

    BINDINGS = [
        Binding("escape,q,e", "dismiss", "Close", id="health.close"),
        Binding("r", "retry", "Retry feed", id="health.retry"),
        Binding("R", "retry_failed", "Retry all failing", id="health.retry_failed"),
        Binding("d", "unsubscribe", "Unsubscribe (sync server)", id="health.unsubscribe"),
    ]

    DEFAULT_CSS = """
    FeedHealth { align: center middle; }
    FeedHealth > Vertical {
        width: 95%; height: 85%;
        border: round $accent; background: $panel;
    }
    FeedHealth DataTable { height: 1fr; }
    FeedHealth #health-summary { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(
        self,
        feeds: list[FeedInfo],
        retry: Callable[[list[str]], None],
        *,
        server: Collection[str] = (),
        unsubscribe: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.feeds = feeds
        self._retry = retry
        self.server = set(server)
        self._unsubscribe = unsubscribe

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Feed health — r retry feed · R retry all failing · Esc close" + (
                " · d unsubscribe" if self.server else ""
            )
            yield Static(id="health-summary")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="health-table")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        self.show(self.feeds)
        table.focus()

    def show(self, feeds: list[FeedInfo]) -> None:
        """Fill (or refill) the table."""
        self.feeds = feeds
        table = self.query_one(DataTable)
        table.clear()
        for url, cells in health_rows(feeds, server=self.server):
            table.add_row(*cells, key=url)
        failing = sum(1 for f in feeds if f.last_error)
        summary = Text(f"{len(feeds)} feeds, ")
        summary.append(f"{failing} failing", BAD if failing else GOOD)
        self.query_one("#health-summary", Static).update(summary)

    def action_retry(self) -> None:
        """Fetch the selected feed now."""
        table = self.query_one(DataTable)
        if not self.feeds:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        if row_key.value:
            if row_key.value in self.server:
                self.notify("The sync server fetches this feed; r on the main screen syncs.", markup=False)
                return
            self._retry([row_key.value])
            self.notify("Retrying the feed…", markup=False, timeout=2)

    def action_unsubscribe(self) -> None:
        """Drop the selected feed's subscription on the sync server, after a confirmation."""
        table = self.query_one(DataTable)
        if not self.feeds:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        url = row_key.value
        if not url or url not in self.server or self._unsubscribe is None:
            self.notify("Only a feed of the sync server can be unsubscribed here.", markup=False, timeout=3)
            return
        from tuinews.ui.screens.confirm import Confirm

        title = next((f.title for f in self.feeds if f.url == url), url)
        unsubscribe = self._unsubscribe

        def answered(yes: bool | None) -> None:
            if yes:
                unsubscribe(url)
                self.notify("Unsubscribing…", markup=False, timeout=2)

        self.app.push_screen(
            Confirm(
                "Unsubscribe",
                f"Unsubscribe from {title} ({url}) on the sync server? The server deletes its "
                "stories; those stored here stay until they age out.",
            ),
            answered,
        )

    def action_retry_failed(self) -> None:
        """Fetch every failing feed now."""
        urls = [f.url for f in self.feeds if f.last_error and f.url not in self.server]
        if not urls:
            self.notify("No feed is failing.", markup=False, timeout=2)
            return
        self._retry(urls)
        self.notify(f"Retrying {len(urls)} failing feeds…", markup=False, timeout=2)
