"""The "Related coverage" sidebar: grouped rows of other stories, selectable."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tuinews.core.dates import age
from tuinews.core.models import Related, Scored

HEADER = Style(bold=True)
META = Style(dim=True)
UNREAD = Style(color="cyan")


def _row_text(item: Scored) -> Text:
    row = item.row
    text = Text(no_wrap=False)
    text.append("● " if not row.read else "  ", UNREAD)
    text.append(row.title)
    text.append("\n  ")
    text.append(f"{row.feed_title} · {age(row.ts)}", META)
    return text


class RelatedSidebar(OptionList):
    """Same story / related / topic groups for the story under the list cursor."""

    BINDINGS = [
        Binding("j", "cursor_down", "Next related story", show=False, id="sidebar.down"),
        Binding("k", "cursor_up", "Previous related story", show=False, id="sidebar.up"),
    ]

    class OpenStory(Message):
        """Open this story in the reader."""

        def __init__(self, story_id: int) -> None:
            super().__init__()
            self.story_id = story_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.border_title = "Related coverage"
        self.story_id: int | None = None
        self.shown: Related | None = None  # the answer on show, to skip re-showing the same one
        self.ids: list[int] = []

    def show(self, related: Related | None, *, waiting: str = "") -> None:
        """Replace the groups (None: nothing selected)."""
        self.shown = related
        self.story_id = related.story_id if related else None
        options: list[Option | None] = []
        self.ids = []
        if related is None or related.is_empty():
            note = waiting or (
                "No related coverage for this story."
                if related
                else "Select a story to see related coverage."
            )
            self.set_options([Option(Text(note, style=META), disabled=True)])
            return
        groups = [("Same story", related.same_story), ("Related", related.related)]
        groups += [(f"Topic: {name}", rows) for name, rows in related.topics]
        for title, rows in groups:
            if not rows:
                continue
            if options:
                options.append(None)
            options.append(Option(Text(f"{title} ({len(rows)})", style=HEADER), disabled=True))
            for item in rows:
                options.append(Option(_row_text(item), id=f"{title}:{item.row.id}"))
                self.ids.append(item.row.id)
        self.set_options(options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.OpenStory(int(event.option.id.rsplit(":", 1)[1])))

    @property
    def highlighted_story(self) -> int | None:
        """The story of the highlighted row, if any."""
        option = self.highlighted_option
        if option is None or not option.id:
            return None
        return int(option.id.rsplit(":", 1)[1])
