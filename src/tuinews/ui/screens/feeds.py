"""The feed picker (`f`): choose what the story list shows, with counts per view."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tuinews.core.models import FeedInfo, View

META = Style(dim=True)
ERROR = Style(color="red")


def _label(name: str, total: int, unread: int, error: str | None = None) -> Text:
    text = Text(name)
    text.append(f"  {unread} unread / {total}", META)
    if error:
        text.append("  ⚠ failing", ERROR)
    return text


def picker_entries(
    feeds: list[FeedInfo],
    tags: list[str],
    topics: list[str],
    starred: int,
    searches: Sequence[tuple[str, str]] = (),
    counts: dict[tuple[str, str | None], tuple[int, int]] | None = None,
) -> list[tuple[View, Text] | None]:
    """Views in picker order: all, unread, starred, tags, topics, saved searches, then each feed."""
    counts = counts or {}
    total = sum(f.total for f in feeds)
    unread = sum(f.unread for f in feeds)
    out: list[tuple[View, Text] | None] = [
        (View("all", None, "All stories"), _label("All stories", total, unread)),
        (View("unread", None, "Unread"), _label("Unread", unread, unread)),
        (View("starred", None, "Starred"), Text("Starred").append(f"  {starred}", META)),
    ]
    if tags:
        out.append(None)
        for tag in tags:
            members = [f for f in feeds if tag in f.tags]
            out.append(
                (
                    View("tag", tag, f"#{tag}"),
                    _label(f"#{tag}", sum(f.total for f in members), sum(f.unread for f in members)),
                )
            )
    if topics:
        out.append(None)
        for topic in topics:
            total_t, unread_t = counts.get(("topic", topic), (0, 0))
            out.append(
                (View("topic", topic, f"Topic: {topic}"), _label(f"Topic: {topic}", total_t, unread_t))
            )
    if searches:
        out.append(None)
        for name, query in searches:
            total_s, unread_s = counts.get(("search", query), (0, 0))
            out.append(
                (View("search", query, f"Search: {name}"), _label(f"Search: {name}", total_s, unread_s))
            )
    out.append(None)
    for f in feeds:
        out.append((View("feed", f.url, f.title), _label(f.title, f.total, f.unread, f.last_error)))
    return out


class FeedPicker(ModalScreen[View | None]):
    """A list of views; Enter chooses, Esc cancels."""

    BINDINGS = [Binding("escape,q", "dismiss(None)", "Cancel", id="picker.close")]

    DEFAULT_CSS = """
    FeedPicker { align: center middle; }
    FeedPicker > OptionList {
        width: 80; max-width: 95%; height: auto; max-height: 85%;
        border: round $accent; background: $panel;
    }
    """

    def __init__(self, entries: list[tuple[View, Text] | None], current: View) -> None:
        super().__init__()
        self.entries = entries
        self.current = current
        self.views: dict[str, View] = {}

    def compose(self) -> ComposeResult:
        options: list[Option | None] = []
        highlight = 0
        for entry in self.entries:
            if entry is None:
                options.append(None)
                continue
            view, label = entry
            key = f"v{len(self.views)}"
            self.views[key] = view
            if (view.kind, view.value) == (self.current.kind, self.current.value):
                highlight = len(self.views) - 1
            options.append(Option(label, id=key))
        picker = OptionList(*options, markup=False, id="feed-picker")
        picker.border_title = "Show — Enter to choose, Esc to cancel"
        self._highlight = highlight
        yield picker

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        picker.highlighted = picker.get_option_index(f"v{self._highlight}")
        picker.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.dismiss(self.views[event.option.id])
