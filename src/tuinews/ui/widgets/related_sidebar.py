"""The "Related coverage" sidebar: grouped rows of other stories, selectable.

A Line API widget that keeps its own scroll offset: `show` lays an answer out
as plain wrapped lines once, painting a line is a cache lookup, and a new
answer is a repaint of the sidebar alone.  An OptionList (or any widget with a
virtual size) asks for a layout pass of the whole screen whenever its content
height changes -- every answer -- which cost ~7 ms per j in the story list.
When the answer is longer than the pane, the last line says how much is below.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tuinews.core.dates import age
from tuinews.core.models import Related, Scored


@dataclass(frozen=True, slots=True)
class _Line:
    """One painted line: its text, what kind of line it is, and the selectable row it belongs to."""

    text: str
    kind: str  # "note", "header", "rule", "title", "meta"
    row: int | None = None  # index into RelatedSidebar.ids
    unread: bool = False


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap to `width` terminal cells; a word longer than a line is cut."""
    width = max(width, 1)
    lines: list[str] = []
    current = ""
    for word in text.split():
        while cell_len(word) > width:
            if current:
                lines.append(current)
                current = ""
            head = set_cell_size(word, width)
            lines.append(head)
            word = word[len(head.rstrip()) :] if head.rstrip() else word[1:]
        candidate = f"{current} {word}" if current else word
        if cell_len(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


_STYLE_OF = {"header": "header", "meta": "meta", "rule": "meta", "note": "meta"}


class RelatedSidebar(Widget, can_focus=True):
    """Same story / related / topic groups for the story under the list cursor."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Next related story", show=False, id="sidebar.down"),
        Binding("k,up", "cursor_up", "Previous related story", show=False, id="sidebar.up"),
        Binding("g,home", "first", "First related story", show=False, id="sidebar.top"),
        Binding("G,end", "last", "Last related story", show=False, id="sidebar.bottom"),
        Binding(
            "pagedown", "page_down", "A screen of related stories down", show=False, id="sidebar.page_down"
        ),
        Binding("pageup", "page_up", "A screen of related stories up", show=False, id="sidebar.page_up"),
        Binding("enter", "select", show=False),
    ]

    COMPONENT_CLASSES = {
        "related-sidebar--cursor",
        "related-sidebar--header",
        "related-sidebar--meta",
        "related-sidebar--unread",
    }

    DEFAULT_CSS = """
    RelatedSidebar { background: $surface; }
    RelatedSidebar > .related-sidebar--cursor { background: $boost; }
    RelatedSidebar:focus > .related-sidebar--cursor { background: $accent 40%; }
    RelatedSidebar > .related-sidebar--header { text-style: bold; }
    RelatedSidebar > .related-sidebar--meta { color: $text-muted; }
    RelatedSidebar > .related-sidebar--unread { color: cyan; }
    """

    class OpenStory(Message):
        """Open this story in the reader."""

        def __init__(self, story_id: int) -> None:
            super().__init__()
            self.story_id = story_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Related coverage"
        self.story_id: int | None = None
        self.shown: Related | None = None  # the answer on show, to skip re-showing the same one
        self.ids: list[int] = []  # the selectable rows' stories, top to bottom
        self.cursor: int | None = None  # index into ids
        self._note = ""
        self._groups: list[tuple[str, tuple[Scored, ...]]] = []
        self._lines: list[_Line] = []
        self._first_line: list[int] = []  # row index -> its first line
        self._strips: LRUCache[tuple, Strip] = LRUCache(512)
        self._styles: dict[tuple[str, bool], Style] = {}
        self._laid_out_width = 0
        self._top = 0  # first line shown
        self._height = 1  # lines the pane shows (its content height, kept by on_resize)

    # -- content ---------------------------------------------------------------

    def show(self, related: Related | None, *, waiting: str = "") -> None:
        """Replace the groups (None: nothing selected)."""
        self.shown = related
        self.story_id = related.story_id if related else None
        self.ids = []
        self.cursor = None
        self._note = ""
        self._groups = []
        if related is None or related.is_empty():
            self._note = waiting or (
                "No related coverage for this story."
                if related
                else "Select a story to see related coverage."
            )
        else:
            groups = [("Same story", related.same_story), ("Related", related.related)]
            groups += [(f"Topic: {name}", rows) for name, rows in related.topics]
            self._groups = [(title, tuple(rows)) for title, rows in groups if rows]
            self.ids = [item.row.id for _, rows in self._groups for item in rows]
        self._top = 0
        self._layout()

    def _layout(self) -> None:
        width = max(self.content_region.width, 8)
        self._laid_out_width = width
        lines: list[_Line] = []
        first: list[int] = []
        if self._note:
            lines += [_Line(text, "note") for text in wrap(self._note, width)]
        else:
            for title, rows in self._groups:
                if lines:
                    lines.append(_Line("─" * width, "rule"))
                lines.append(_Line(f"{title} ({len(rows)})", "header"))
                for item in rows:
                    first.append(len(lines))
                    lines += self._row_lines(item, len(first) - 1, width)
        self._lines = lines
        self._first_line = first
        self._strips.clear()
        self.refresh()

    @staticmethod
    def _row_lines(item: Scored, index: int, width: int) -> list[_Line]:
        row = item.row
        unread = not row.read
        title = wrap(row.title, width - 2)
        out = [_Line(("● " if unread else "  ") + title[0], "title", index, unread)]
        out += [_Line("  " + more, "title", index) for more in title[1:]]
        out.append(_Line("  " + f"{row.feed_title} · {age(row.ts)}", "meta", index))
        return out

    # -- selection -------------------------------------------------------------

    @property
    def highlighted_story(self) -> int | None:
        """The story of the highlighted row, if any."""
        return self.ids[self.cursor] if self.cursor is not None else None

    def _select(self, index: int | None) -> None:
        if not self.ids:
            index = None
        elif index is not None:
            index = max(0, min(index, len(self.ids) - 1))
        if index == self.cursor:
            return
        self.cursor = index
        self._strips.clear()
        self.refresh()
        if index is not None:
            self._scroll_to_row(index)

    def _scroll_to_row(self, index: int) -> None:
        first = self._first_line[index]
        top = first - 1 if first and self._lines[first - 1].kind == "header" else first  # with its header
        last = self._first_line[index + 1] - 1 if index + 1 < len(self._first_line) else len(self._lines) - 1
        while last > first and self._lines[last].kind == "rule":
            last -= 1
        if top < self._top:
            self._scroll(top)
        elif last >= self._top + self._room():
            self._scroll(last - max(self._height - 1, 1) + 1)

    def _room(self) -> int:
        """Lines of content shown from `_top` (the last line says "more below" when it must)."""
        height = self._height
        return height if self._top + height >= len(self._lines) else max(height - 1, 1)

    def _scroll(self, top: int) -> None:
        height = self._height
        top = max(0, min(top, max(len(self._lines) - height, 0)))
        if top != self._top:
            self._top = top
            self.refresh()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self._scroll(self._top + 2)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self._scroll(self._top - 2)

    def action_cursor_down(self) -> None:
        """Next related story."""
        self._select(0 if self.cursor is None else self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Previous related story."""
        self._select(len(self.ids) - 1 if self.cursor is None else self.cursor - 1)

    def action_first(self) -> None:
        """First related story."""
        self._select(0)

    def action_last(self) -> None:
        """Last related story."""
        self._select(len(self.ids) - 1)

    def action_page_down(self) -> None:
        """The first row below the lines shown."""
        self._select(self._row_at(self._top + self._room(), after=True))

    def action_page_up(self) -> None:
        """The row a screen above the top one."""
        self._select(self._row_at(max(self._top - self._room(), 0), after=False))

    def _row_at(self, line: int, *, after: bool) -> int | None:
        """The row on `line`, or the nearest row after (or before) it."""
        if not self._first_line:
            return None
        steps = range(line, len(self._lines)) if after else range(min(line, len(self._lines) - 1), -1, -1)
        for y in steps:
            if self._lines[y].row is not None:
                return self._lines[y].row
        return len(self.ids) - 1 if after else 0

    def action_select(self) -> None:
        """Open the highlighted story."""
        if self.cursor is not None:
            self.post_message(self.OpenStory(self.ids[self.cursor]))

    def on_click(self, event: events.Click) -> None:
        """Click opens that story."""
        y = self._top + event.y
        if event.y < self._room() and 0 <= y < len(self._lines) and self._lines[y].row is not None:
            self._select(self._lines[y].row)
            self.action_select()

    # -- painting --------------------------------------------------------------

    def on_resize(self) -> None:
        self._height = max(self.content_region.height, 1)
        if self.content_region.width != self._laid_out_width:
            self._layout()
        self._strips.clear()

    def on_focus(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._strips.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = self._top + y
        width = self._laid_out_width
        if index >= len(self._lines):
            return Strip.blank(width, self._style("base"))
        if y == self._room():  # the pane is full: say what is below instead of cutting a row short
            below = len({line.row for line in self._lines[index:] if line.row is not None})
            return self._render(_Line(f"  ↓ {below} more" if below else "  ↓ more", "meta"), False, width)
        line = self._lines[index]
        selected = line.row is not None and line.row == self.cursor
        key = (index, selected, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render(line, selected, width)
            self._strips[key] = strip
        return strip

    def notify_style_update(self) -> None:
        """A theme or focus change: drop painted lines and resolved styles."""
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    def _style(self, name: str) -> Style:
        """A component style, resolved once per focus state (resolving costs more than painting)."""
        key = (name, self.has_focus)
        style = self._styles.get(key)
        if style is None:
            style = (
                self.rich_style
                if name == "base"
                else self.get_component_rich_style(f"related-sidebar--{name}")
            )
            self._styles[key] = style
        return style

    def _render(self, line: _Line, selected: bool, width: int) -> Strip:
        base = self._style("base")
        style = self._style(_STYLE_OF[line.kind]) if line.kind in _STYLE_OF else Style()
        if selected:
            cursor = self._style("cursor")
            base, style = base + cursor, style + cursor
        text = set_cell_size(line.text, width)  # padded or cut to the pane: no second pass
        if line.kind == "title" and line.unread:
            marker = self._style("unread") + (style if selected else Style())
            segments = [Segment(text[:2], marker), Segment(text[2:], base + style)]
        else:
            segments = [Segment(text, base + style)]
        return Strip(segments, width)
