"""The reader pane: one Static inside a scroll container, updated in place."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static


class ReaderPane(VerticalScroll, can_focus=True):
    """Shows one story; keeps its scroll position when the same story is re-rendered."""

    BINDINGS = [
        Binding(
            "j,down", "scroll_down", "Scroll the reader down (reader focused)", show=False, id="reader.down"
        ),
        Binding("k,up", "scroll_up", "Scroll the reader up (reader focused)", show=False, id="reader.up"),
        Binding("g,home", "scroll_home", "Top of the story (reader focused)", show=False, id="reader.top"),
        Binding("G,end", "scroll_end", "End of the story (reader focused)", show=False, id="reader.bottom"),
    ]

    DEFAULT_CSS = """
    ReaderPane { padding: 0 2; }
    ReaderPane > Static { width: 100%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.story_id: int | None = None
        self._body = Static(Text("Select a story and press Enter to read it.", style="dim"), expand=True)

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._body

    def show(self, story_id: int | None, renderable: RenderableType) -> None:
        """Show a story; the same story re-rendered (article arrived) keeps its scroll offset."""
        same = story_id is not None and story_id == self.story_id
        offset = self.scroll_y if same else 0
        self.story_id = story_id
        self._body.update(renderable)
        if same:
            self.call_after_refresh(self.scroll_to, y=offset, animate=False)
        else:
            self.scroll_home(animate=False)

    @property
    def body(self) -> Static:
        """The Static holding the rendered story (tests read its content)."""
        return self._body

    def page_down(self) -> None:
        """Scroll one screenful (space)."""
        self.scroll_page_down(animate=False)
