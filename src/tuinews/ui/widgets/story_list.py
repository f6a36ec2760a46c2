"""The story list: a Line-API ScrollView that stays instant at 50,000 rows.

No widget per row: `render_line` draws only the visible lines from a plain
list of StoryRow, and rendered strips are cached by everything that affects
them.  Rows arrive in pages and in refresh batches; the cursor stays on the
same story and the viewport does not jump when rows are inserted above it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tuinews.core.dates import age
from tuinews.core.models import StoryRow

OUTLET_WIDTH = 16
AGE_WIDTH = 4


def _fit(text: str, width: int) -> str:
    """Pad or cut text to exactly `width` terminal cells, with an ellipsis when cut."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class StoryList(ScrollView, can_focus=True):
    """Newest-first stories, one line each: unread dot, star, title, outlet, age."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Next story", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Previous story", show=False, id="list.up"),
        Binding("g,home", "first", "First story", show=False, id="list.top"),
        Binding("G,end", "last", "Last story", show=False, id="list.bottom"),
        Binding("pagedown", "page_down", "A screen down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "A screen up", show=False, id="list.page_up"),
        Binding(
            "enter", "open", "Open", tooltip="Open the story in the reader and mark it read", id="list.open"
        ),
    ]

    COMPONENT_CLASSES = {
        "story-list--cursor",
        "story-list--unread",
        "story-list--read",
        "story-list--meta",
        "story-list--marker",
        "story-list--topic",
    }

    DEFAULT_CSS = """
    StoryList { background: $surface; }
    StoryList > .story-list--cursor { background: $boost; }
    StoryList:focus > .story-list--cursor { background: $accent 40%; }
    StoryList > .story-list--unread { text-style: bold; }
    StoryList > .story-list--read { color: $text-muted; }
    StoryList > .story-list--meta { color: $text-muted; }
    StoryList > .story-list--marker { color: $accent; }
    StoryList > .story-list--topic { color: $warning; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        """The cursor moved to a story."""

        def __init__(self, row: StoryRow) -> None:
            super().__init__()
            self.row = row

    class Selected(Message):
        """The user asked to open a story."""

        def __init__(self, row: StoryRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[StoryRow] = []
        self._keys: list[tuple[float, int]] = []  # negated (ts, id): ascending for bisect
        self._index: dict[int, int] = {}
        self._strips: LRUCache[tuple, Strip] = LRUCache(1024)
        self.empty_text = "No stories yet."
        # Until the user picks a story, the cursor stays on the newest one as rows stream in.
        self.user_moved = False

    # -- data ------------------------------------------------------------------

    @property
    def current(self) -> StoryRow | None:
        """The story under the cursor."""
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def set_rows(self, rows: Sequence[StoryRow], *, keep: bool = True) -> None:
        """Replace all rows; keep the cursor on the same story when it is still there."""
        keep_id = self.current.id if keep and self.current and self.user_moved else None
        if not keep:
            self.user_moved = False
        self.rows = list(rows)
        self._reindex()
        self._strips.clear()
        target = self._index.get(keep_id, 0) if keep_id is not None else 0
        self._sync_size()
        self._move(min(target, max(len(self.rows) - 1, 0)), announce=keep_id is None or target == 0)
        self.refresh()

    def append_rows(self, rows: Sequence[StoryRow]) -> None:
        """Add older rows at the end (the next keyset page)."""
        if not rows:
            return
        start = len(self.rows)
        fresh = [r for r in rows if r.id not in self._index]
        self.rows.extend(fresh)
        for i, row in enumerate(fresh, start):
            self._index[row.id] = i
            self._keys.append((-row.ts, -row.id))
        self._sync_size()
        if start == 0:
            self._move(0, announce=True)
        self.refresh()

    def insert_rows(self, rows: Sequence[StoryRow]) -> int:
        """Merge new rows in order; the cursor story and the visible rows stay put."""
        fresh = sorted((r for r in rows if r.id not in self._index), key=lambda r: (-r.ts, -r.id))
        if not fresh:
            return 0
        had_rows = bool(self.rows)
        current_id = self.current.id if self.current and self.user_moved else None
        top = int(self.scroll_y)
        above_view = 0
        for row in fresh:
            pos = bisect_left(self._keys, (-row.ts, -row.id))
            self._keys.insert(pos, (-row.ts, -row.id))
            self.rows.insert(pos, row)
            if pos <= top and had_rows:
                above_view += 1
                top += 1
        self._reindex()
        self._sync_size()
        if current_id is not None:
            self.cursor = self._index[current_id]
        else:
            self._move(0, announce=True)
        if above_view and self.scroll_y > 0 and current_id is not None:
            self.scroll_to(y=self.scroll_y + above_view, animate=False, immediate=True)
        self._strips.clear()
        self.refresh()
        return len(fresh)

    def update_rows(self, rows: Sequence[StoryRow]) -> None:
        """Replace rows in place (read/starred changes)."""
        for row in rows:
            i = self._index.get(row.id)
            if i is not None:
                self.rows[i] = row
                self._refresh_row(i)

    def remove_ids(self, ids: Sequence[int]) -> None:
        """Drop rows (e.g. read stories leaving an unread view)."""
        gone = set(ids) & self._index.keys()
        if not gone:
            return
        current = self.current
        self.rows = [r for r in self.rows if r.id not in gone]
        self._reindex()
        self._strips.clear()
        self._sync_size()
        if current and current.id in self._index:
            self.cursor = self._index[current.id]
        else:
            self._move(min(self.cursor, max(len(self.rows) - 1, 0)), announce=True)
        self.refresh()

    def index_of(self, story_id: int) -> int | None:
        """Position of a story in the list."""
        return self._index.get(story_id)

    def select_id(self, story_id: int) -> bool:
        """Move the cursor to a story; False when it is not in the list."""
        i = self._index.get(story_id)
        if i is None:
            return False
        self.user_moved = True
        self._move(i, announce=True)
        return True

    def _reindex(self) -> None:
        self._index = {row.id: i for i, row in enumerate(self.rows)}
        self._keys = [(-r.ts, -r.id) for r in self.rows]

    def _sync_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows))

    # -- cursor ----------------------------------------------------------------

    def _user_move(self, index: int) -> None:
        self.user_moved = True
        self._move(index, announce=False)

    def _move(self, index: int, *, announce: bool = True) -> None:
        if not self.rows:
            self.cursor = 0
            return
        index = max(0, min(index, len(self.rows) - 1))
        changed = index != self.cursor
        self.cursor = index
        self.scroll_to_cursor()
        if announce or changed:
            self.post_message(self.Highlighted(self.rows[index]))

    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)

    def _refresh_row(self, index: int) -> None:
        y = index - int(self.scroll_y)
        if 0 <= y < self.size.height:
            self.refresh_line(y)

    def scroll_to_cursor(self) -> None:
        """Keep the cursor visible with a line of context."""
        height = max(self.scrollable_content_region.height, 1)
        top = int(self.scroll_y)
        if self.cursor < top + 1:
            self.scroll_to(y=max(self.cursor - 1, 0), animate=False, immediate=True)
        elif self.cursor >= top + height - 1:
            self.scroll_to(y=self.cursor - height + 2, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        """Next story."""
        self._user_move(self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Previous story."""
        self._user_move(self.cursor - 1)

    def action_first(self) -> None:
        """First story."""
        self._user_move(0)

    def action_last(self) -> None:
        """Last story."""
        self._user_move(len(self.rows) - 1)

    def action_page_down(self) -> None:
        """A screenful down."""
        self._user_move(self.cursor + max(self.scrollable_content_region.height - 1, 1))

    def action_page_up(self) -> None:
        """A screenful up."""
        self._user_move(self.cursor - max(self.scrollable_content_region.height - 1, 1))

    def action_open(self) -> None:
        """Open the story under the cursor."""
        self.user_moved = True
        if self.current:
            self.post_message(self.Selected(self.current))

    def on_click(self, event: events.Click) -> None:
        """Click selects; a double click opens."""
        index = int(self.scroll_y) + event.y
        if 0 <= index < len(self.rows):
            self._user_move(index)
            if event.chain >= 2:
                self.action_open()

    # -- rendering -------------------------------------------------------------

    def on_resize(self) -> None:
        self._strips.clear()
        self._sync_size()

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if index >= len(self.rows):
            if index == 0 and not self.rows:
                style = self.get_component_rich_style("story-list--meta")
                return Strip([Segment(_fit(" " + self.empty_text, width), style)], width)
            return Strip.blank(width, self.rich_style)
        row = self.rows[index]
        selected = index == self.cursor
        key = (row, selected, width, self.has_focus, age(row.ts))
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(row, selected, width)
            self._strips[key] = strip
        return strip

    def on_focus(self) -> None:
        self._refresh_row(self.cursor)

    def on_blur(self) -> None:
        self._refresh_row(self.cursor)

    def _render_row(self, row: StoryRow, selected: bool, width: int) -> Strip:
        base = self.rich_style
        title_style = self.get_component_rich_style("story-list--read" if row.read else "story-list--unread")
        meta = self.get_component_rich_style("story-list--meta")
        marker = self.get_component_rich_style("story-list--marker")
        topic_style = self.get_component_rich_style("story-list--topic")
        if selected:
            cursor = self.get_component_rich_style("story-list--cursor")
            base, title_style, meta, marker, topic_style = (
                base + cursor,
                title_style + cursor,
                meta + cursor,
                marker + cursor,
                topic_style + cursor,
            )
        outlet_w = OUTLET_WIDTH if width >= 48 else 0
        tag = f" {row.topics[0]}" if row.topics and width >= 60 else ""
        group = f" +{row.cluster_size - 1}" if row.cluster_size > 1 else ""
        fixed = 3 + (outlet_w + 1 if outlet_w else 0) + AGE_WIDTH + 1 + len(tag) + len(group)
        title_w = max(width - fixed, 1)
        segments = [
            Segment(" ●" if not row.read else "  ", marker + Style(bold=False)),
            Segment("★" if row.starred else " ", marker),
            Segment(_fit(row.title, title_w), title_style),
        ]
        if group:
            segments.append(Segment(group, meta))
        if tag:
            segments.append(Segment(tag, topic_style))
        if outlet_w:
            segments.append(Segment(" " + _fit(row.feed_title, outlet_w), meta))
        segments.append(Segment(" " + age(row.ts).rjust(AGE_WIDTH), meta))
        return Strip(segments).adjust_cell_length(width, base)
