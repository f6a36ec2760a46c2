"""The story list: a Line-API ScrollView that stays instant at 50,000 rows.

No widget per row: `render_line` draws only the visible lines from a plain
list of StoryRow, and rendered strips are cached by everything that affects
them.  Rows arrive in pages and in refresh batches; the cursor stays on the
same story and the viewport does not jump when rows are inserted above it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import replace

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
from tuinews.core.query import highlight_spans

OUTLET_WIDTH = 16
AGE_WIDTH = 4


def _order(row: StoryRow) -> tuple[float, int]:
    """Sort key: newest first, ties by id."""
    return (-row.ts, -row.id)


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
        Binding(
            "z",
            "toggle_group",
            "Expand",
            tooltip="Expand or collapse an event's other reports",
            id="list.expand",
        ),
    ]

    COMPONENT_CLASSES = {
        "story-list--cursor",
        "story-list--unread",
        "story-list--read",
        "story-list--meta",
        "story-list--marker",
        "story-list--topic",
        "story-list--match",
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
    StoryList > .story-list--match { color: $warning; text-style: bold underline; }
    """

    # repaint=False: a cursor move repaints its two lines (watch_cursor), not the whole list
    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)

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

    def __init__(self, *, id: str | None = None, grouped: bool = True) -> None:
        super().__init__(id=id)
        self.rows: list[StoryRow] = []  # what is shown, in order
        self._all: list[StoryRow] = []  # every loaded story, newest first
        self._keys: list[tuple[float, int]] = []  # negated (ts, id) of _all: ascending for bisect
        self._ids: set[int] = set()
        self._index: dict[int, int] = {}  # story id -> position in self.rows
        self._members: dict[int, list[StoryRow]] = {}  # cluster id -> its loaded stories, newest first
        self._children: set[int] = set()  # stories shown indented under their group's row
        self.grouped = grouped
        self.expanded: set[int] = set()
        self.highlight: list[str] = []
        self._strips: LRUCache[tuple, Strip] = LRUCache(1024)
        self.empty_text = "No stories yet."
        # Until the user picks a story, the cursor stays on the newest one as rows stream in.
        self.user_moved = False
        # Called in the same event as a cursor move, before the Highlighted message goes out,
        # so that whatever it updates lands in the same frame as the cursor (see MainScreen).
        self.on_highlight: Callable[[StoryRow], None] | None = None

    # -- data ------------------------------------------------------------------

    @property
    def current(self) -> StoryRow | None:
        """The story under the cursor."""
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    @property
    def loaded(self) -> int:
        """Stories loaded (shown or folded into a group)."""
        return len(self._all)

    def group_of(self, row: StoryRow) -> list[StoryRow]:
        """Every loaded report of the row's event (just the row when it has none)."""
        if row.cluster_id is None:
            return [row]
        return self._members.get(row.cluster_id, [row])

    def set_rows(self, rows: Sequence[StoryRow], *, keep: bool = True) -> None:
        """Replace all rows; keep the cursor on the same story when it is still there."""
        keep_id = self.current.id if keep and self.current and self.user_moved else None
        if not keep:
            self.user_moved = False
            self.expanded.clear()
        self._all = sorted(rows, key=_order)
        self._rebuild(keep_id)

    def append_rows(self, rows: Sequence[StoryRow]) -> None:
        """Add older rows (the next keyset page)."""
        fresh = [r for r in rows if r.id not in self._ids]
        if not fresh:
            return
        was_empty = not self._all
        self._all.extend(fresh)
        if self._keys and _order(fresh[0]) < self._keys[-1]:
            self._all.sort(key=_order)
        self._rebuild(self.current.id if self.current and not was_empty else None)

    def insert_rows(self, rows: Sequence[StoryRow]) -> int:
        """Merge new rows in order; the cursor story and the visible rows stay put."""
        fresh = sorted((r for r in rows if r.id not in self._ids), key=_order)
        if not fresh:
            return 0
        current_id = self.current.id if self.current and self.user_moved else None
        top_id = (
            self.rows[int(self.scroll_y)].id if self.rows and int(self.scroll_y) < len(self.rows) else None
        )
        for row in fresh:
            pos = bisect_left(self._keys, _order(row))
            self._keys.insert(pos, _order(row))
            self._all.insert(pos, row)
        self._rebuild(current_id, keys_valid=True)
        if current_id is not None and top_id is not None and top_id in self._index:
            self.scroll_to(y=self._index[top_id], animate=False, immediate=True)
        return len(fresh)

    def update_rows(self, rows: Sequence[StoryRow]) -> None:
        """Replace rows in place (read/starred changes, a story joining an event)."""
        regroup = False
        by_id = {r.id: r for r in rows if r.id in self._ids}
        if not by_id:
            return
        for i, row in enumerate(self._all):
            new = by_id.get(row.id)
            if new is not None:
                regroup |= new.cluster_id != row.cluster_id
                self._all[i] = new
        if regroup:
            self._rebuild(self.current.id if self.current else None, keys_valid=True)
            return
        for cluster in {r.cluster_id for r in by_id.values() if r.cluster_id is not None}:
            self._members[cluster] = [by_id.get(m.id, m) for m in self._members.get(cluster, [])]
        for story_id, row in by_id.items():
            i = self._index.get(story_id)
            if i is not None:
                self.rows[i] = row
                self._refresh_row(i)
            if row.cluster_id is not None:
                head = self._members.get(row.cluster_id, [row])[0]
                if head.id in self._index:
                    self._refresh_row(self._index[head.id])

    def set_read_state(self, ids: set[int], read: bool) -> None:
        """Mark many loaded stories read or unread at once (mark all read, undo)."""
        if not ids:
            return
        self._all = [replace(r, read=read) if r.id in ids else r for r in self._all]
        self._rebuild(self.current.id if self.current else None, keys_valid=True)

    def index_of(self, story_id: int) -> int | None:
        """Position of a story in the list."""
        return self._index.get(story_id)

    def select_id(self, story_id: int) -> bool:
        """Move the cursor to a story (opening its group if needed); False when it is not loaded."""
        if story_id not in self._ids:
            return False
        if story_id not in self._index:
            row = next(r for r in self._all if r.id == story_id)
            if row.cluster_id is not None:
                self.expanded.add(row.cluster_id)
                self._rebuild(None, keys_valid=True)
        self.user_moved = True
        self._move(self._index[story_id], announce=True)
        return True

    def set_grouped(self, grouped: bool) -> None:
        """Show reports of one event as one row (or every story on its own row)."""
        self.grouped = grouped
        self._rebuild(self.current.id if self.current else None, keys_valid=True)

    def toggle_group(self) -> bool:
        """Expand or collapse the event under the cursor; False when it is a single story."""
        row = self.current
        if row is None or row.cluster_id is None or len(self.group_of(row)) < 2 or not self.grouped:
            return False
        cluster = row.cluster_id
        head = self._members[cluster][0]
        if cluster in self.expanded:
            self.expanded.discard(cluster)
            self._rebuild(head.id, keys_valid=True)
        else:
            self.expanded.add(cluster)
            self._rebuild(row.id, keys_valid=True)
        return True

    def _rebuild(self, keep_id: int | None, *, keys_valid: bool = False) -> None:
        """Recompute the shown rows from all rows (O(n); called per batch, not per key)."""
        if not keys_valid:
            self._keys = [_order(r) for r in self._all]
        self._ids = {r.id for r in self._all}
        members: dict[int, list[StoryRow]] = {}
        for row in self._all:
            if row.cluster_id is not None:
                members.setdefault(row.cluster_id, []).append(row)
        self._members = members
        shown: list[StoryRow] = []
        children: set[int] = set()
        for row in self._all:
            group = members.get(row.cluster_id) if self.grouped and row.cluster_id is not None else None
            if group is None or len(group) < 2:
                shown.append(row)
            elif group[0] is row:
                shown.append(row)
                if row.cluster_id in self.expanded:
                    shown.extend(group[1:])
                    children.update(m.id for m in group[1:])
        self.rows = shown
        self._children = children
        self._index = {row.id: i for i, row in enumerate(shown)}
        self._strips.clear()
        self._sync_size()
        target = 0
        if keep_id is not None:
            if keep_id in self._index:
                target = self._index[keep_id]
            else:  # folded into a group: stay on the group's row
                row = next((r for r in self._all if r.id == keep_id), None)
                if row is not None and row.cluster_id in members:
                    target = self._index.get(members[row.cluster_id][0].id, 0)
        if shown:
            self._move(min(target, len(shown) - 1), announce=keep_id is None or self.cursor != target)
        else:
            self.cursor = 0
        self.refresh()

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
            if self.on_highlight is not None:
                self.on_highlight(self.rows[index])
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

    def action_toggle_group(self) -> None:
        """Show or fold the other outlets' reports of the event under the cursor."""
        self.user_moved = True
        self.toggle_group()

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
        key = (
            row,
            selected,
            width,
            self.has_focus,
            age(row.ts),
            self.grouped,
            row.id in self._children,
            row.cluster_id in self.expanded,
            tuple(self.group_of(row)) if self.grouped else (),
        )
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(row, selected, width)
            self._strips[key] = strip
        return strip

    def on_focus(self) -> None:
        self._refresh_row(self.cursor)

    def on_blur(self) -> None:
        self._refresh_row(self.cursor)

    def _title_segments(self, title: str, style: Style, selected: bool) -> list[Segment]:
        """The title, with search terms marked."""
        spans = highlight_spans(title, self.highlight)
        if not spans:
            return [Segment(title, style)]
        mark = style + self.get_component_rich_style("story-list--match")
        if selected:
            mark += self.get_component_rich_style("story-list--cursor")
        out = []
        pos = 0
        for start, end in spans:
            if start > pos:
                out.append(Segment(title[pos:start], style))
            out.append(Segment(title[start:end], mark))
            pos = end
        if pos < len(title):
            out.append(Segment(title[pos:], style))
        return out

    def set_highlight(self, words: list[str]) -> None:
        """Mark these words in titles (search terms); an empty list clears."""
        self.highlight = list(words)
        self._strips.clear()
        self.refresh()

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
        group = self.group_of(row) if self.grouped else [row]
        child = row.id in self._children
        extra = ""
        if len(group) > 1 and not child:
            others = len({m.feed_id for m in group} - {row.feed_id}) or len(group) - 1
            extra = f" +{others} outlet{'s' if others != 1 else ''}"
            if row.cluster_id in self.expanded:
                extra += " ▾"
        unread = not row.read if child or len(group) < 2 else any(not m.read for m in group)
        indent = "  ↳ " if child else ""
        fixed = 3 + len(indent) + (outlet_w + 1 if outlet_w else 0) + AGE_WIDTH + 1 + len(tag) + len(extra)
        title_w = max(width - fixed, 1)
        segments = [
            Segment(" ●" if unread else "  ", marker + Style(bold=False)),
            Segment("★" if row.starred else " ", marker),
            Segment(indent, meta),
            *self._title_segments(_fit(row.title, title_w), title_style, selected),
        ]
        if extra:
            segments.append(Segment(extra, meta))
        if tag:
            segments.append(Segment(tag, topic_style))
        if outlet_w:
            segments.append(Segment(" " + _fit(row.feed_title, outlet_w), meta))
        segments.append(Segment(" " + age(row.ts).rjust(AGE_WIDTH), meta))
        return Strip(segments).adjust_cell_length(width, base)
