"""The main screen: story list, reader pane and related-coverage sidebar.

This screen is the only place that talks to the service, and only from
workers; workers post messages and the handlers here update widgets.  Stale
results (a story no longer under the cursor, an old view) are dropped.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input
from textual.worker import Worker, WorkerState

from tuinews.core.models import FeedOutcome, Story, StoryRow, View
from tuinews.errors import TuinewsError
from tuinews.ui.idle_gc import IdleCollector
from tuinews.ui.messages import (
    RefreshFinished,
    RefreshProgress,
    RelatedReady,
    RowsChanged,
    RowsLoaded,
    SearchResults,
    StoryReady,
)
from tuinews.ui.sync import SyncMixin
from tuinews.ui.widgets.reader_pane import ReaderPane
from tuinews.ui.widgets.related_sidebar import RelatedSidebar
from tuinews.ui.widgets.story_list import StoryList

if TYPE_CHECKING:
    from tuinews.service import Service
    from tuinews.ui.screens.errors import FeedHealth

FIRST_PAGE = 200
PAGE = 5000
RELATED_DEBOUNCE = 0.06
FLUSH_EVERY = 0.25
SEARCH_DEBOUNCE = 0.12
NARROW = 100  # below this many columns the sidebar folds away
TINY = 70  # below this the list and the reader take turns on the full width


class MainScreen(SyncMixin, Screen[None]):
    """Three panes and every reading action."""

    BINDINGS = [
        Binding("space", "page_reader", "Page", tooltip="Page the reader down", id="reader.page"),
        Binding("n", "next_unread", "Next unread", id="story.next_unread"),
        Binding("m", "toggle_read", "Read/unread", id="story.toggle_read"),
        Binding("s", "toggle_star", "Star", id="story.star"),
        Binding(
            "A",
            "mark_all_read",
            "All read",
            tooltip="Mark every story in this view read (u undoes)",
            id="view.mark_all_read",
        ),
        Binding("u", "undo", "Undo", tooltip="Undo the last mark-all-read", show=False, id="view.undo"),
        Binding("o", "open_link", "Open in browser", id="story.open_link"),
        Binding(
            "l", "pick_link", "Links", tooltip="Open link N of the story in the browser", id="story.links"
        ),
        Binding("R", "refetch_article", "Reload article", show=False, id="story.refetch"),
        Binding(
            "c",
            "toggle_sidebar_focus",
            "Coverage",
            tooltip="Jump to the related-coverage sidebar and back",
            id="app.sidebar",
        ),
        Binding(
            "Z",
            "toggle_grouping",
            "Group",
            tooltip="Group reports of the same event (on/off)",
            show=False,
            id="list.grouping",
        ),
        Binding("r", "refresh", "Refresh", id="app.refresh"),
        Binding("f", "pick_view", "Feeds", id="app.feeds"),
        Binding(
            "slash",
            "search",
            "Search",
            tooltip="Search everything stored (Esc closes)",
            id="app.search",
            priority=True,  # handled as it arrives, so keys typed right after it find the box focused
        ),
        Binding(
            "e",
            "show_errors",
            "Feed health",
            tooltip="Every feed's health; retry failing feeds",
            id="app.health",
        ),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("escape", "escape", "Back", show=False, id="app.escape"),
    ]

    def __init__(
        self, service: Service, *, refresh_on_start: bool = True, first_rows: list[StoryRow] | None = None
    ) -> None:
        """`first_rows`: the first page of the all-stories view, read before the app started, so
        that the first paint already shows stories instead of waiting for a worker's answer."""
        super().__init__()
        self.service = service
        self.view = View()
        self.generation = 0
        self.total: int | None = None
        self.reader_story: Story | None = None
        self.reader_links: tuple[str, ...] = ()
        self.refreshing = False
        self.progress = ""
        self.refresh_on_start = refresh_on_start
        self._related_timer: Timer | None = None
        self._pending_open: int | None = None
        self._pending_rows: list[StoryRow] = []
        self._pending_updates: list[StoryRow] = []
        self._flush_timer: Timer | None = None
        self._search_timer: Timer | None = None
        self._undo: list[list[int]] = []
        self._before_search: View | None = None
        self._started = False
        self._first_paint = threading.Event()
        self._first_rows = first_rows
        self._collector = IdleCollector()  # set once the first rows are on screen

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        with Horizontal(id="panes"):
            with Vertical(id="list-pane"):
                yield Input(
                    placeholder='Search: words  word*  "a phrase"  -word  feed: tag: topic: unread: starred:',
                    id="search",
                )
                yield StoryList(id="stories", grouped=self.service.config.settings.group_same_story)
            yield ReaderPane(id="reader")
            yield RelatedSidebar(id="sidebar")
        yield Footer()

    @property
    def story_list(self) -> StoryList:
        """The story list widget."""
        return self.query_one(StoryList)

    @property
    def reader(self) -> ReaderPane:
        """The reader pane."""
        return self.query_one(ReaderPane)

    @property
    def sidebar(self) -> RelatedSidebar:
        """The related-coverage sidebar."""
        return self.query_one(RelatedSidebar)

    def on_mount(self) -> None:
        self.story_list.border_title = "Stories"
        self.reader.border_title = "Reader"
        self.story_list.focus()
        self.story_list.on_highlight = self._show_known_related
        self.sidebar.show(None)
        self.sync_setup()
        first, self._first_rows = self._first_rows, None
        self.load_view(self.view, first)
        minutes = self.service.config.settings.refresh_minutes
        if minutes:
            self.set_interval(minutes * 60, self.action_refresh)

    def on_key(self) -> None:
        self._collector.touched()

    def on_unmount(self) -> None:
        self._collector.stop()
        self.sync_teardown()

    def on_resize(self) -> None:
        """Narrow terminals: the sidebar folds away under 100 columns; under 70 the reader takes the screen."""
        width = self.size.width
        self.set_class(width < NARROW, "-narrow")
        self.set_class(width < TINY, "-tiny")
        if width >= TINY:
            self.remove_class("-reading")
        if width >= NARROW:
            self.remove_class("-show-sidebar")

    def _update_status(self) -> None:
        parts = [self.view.label]
        if self.total is not None:
            parts.append(f"{self.total:,} {'story' if self.total == 1 else 'stories'}")
        if self.progress:
            parts.append(self.progress)
        if getattr(self, "sync_status", ""):
            parts.append(self.sync_status)
        self.app.sub_title = " · ".join(parts)

    # -- list loading --------------------------------------------------------------

    def load_view(self, view: View, first: list[StoryRow] | None = None) -> None:
        """Show a view: first page at once, the rest in keyset pages behind it.

        `first`: the view's first page when it is already at hand (start-up).
        """
        if self._before_search is not None and view.kind != "search":
            self._before_search = None
            self.query_one("#list-pane").remove_class("-searching")
            self.search_input.value = ""
        if view.kind != "search":
            self.story_list.set_highlight([])
        self.view = view
        self.generation += 1
        self.total = None
        self._update_status()
        if first is not None:
            self._rows_loaded(RowsLoaded(self.generation, first, True))
        self._load_rows(view, self.generation, first)

    @work(thread=True, group="list", exclusive=True, exit_on_error=False)
    def _load_rows(self, view: View, generation: int, first: list[StoryRow] | None = None) -> None:
        worker = self._current_worker()
        if view.kind == "search":  # a saved search: ranked results, one page
            rows, query = self.service.search(view.value or "", limit=1000)
            self.app.call_from_thread(self.story_list.set_highlight, query.highlight)
            self.post_message(RowsLoaded(generation, rows, True, len(rows)))
            return
        given = first is not None  # handed over with an unknown page size: always look further
        if first is None:
            first = self.service.rows(view, None, FIRST_PAGE)
            self.post_message(RowsLoaded(generation, first, True))
        # At start-up the rest waits for the first paint: building rows holds the GIL, and the
        # user is waiting to see the first screen, not the 50,000th row.
        self._first_paint.wait(timeout=1.0)
        total = len(first)
        after = (first[-1].ts, first[-1].id) if first and (given or len(first) == FIRST_PAGE) else None
        while after is not None and not (worker and worker.is_cancelled):
            page = self.service.rows(view, after, PAGE)
            total += len(page)
            if page:
                self.post_message(RowsLoaded(generation, page, False))
            after = (page[-1].ts, page[-1].id) if len(page) == PAGE else None
        self.post_message(RowsLoaded(generation, [], False, total))

    # -- search ------------------------------------------------------------------

    @property
    def search_input(self) -> Input:
        """The search box above the story list."""
        return self.query_one("#search", Input)

    def action_search(self) -> None:
        """Open the search box (the list shows results as you type)."""
        if self.app.focused is self.search_input:  # a "/" typed into the query itself: in the
            # box's own queue, so it lands after the keys typed before it that wait there
            self.search_input.call_later(self.search_input.insert_text_at_cursor, "/")
            return
        if self._before_search is None:
            self._before_search = self.view if self.view.kind != "search" else View()
        pane = self.query_one("#list-pane")
        pane.add_class("-searching")
        # Show and focus the box now, not on the next loop turn: "/strike" typed or pasted in
        # one go must land in the box, not star a story and open feed health on the way.
        self.app.stylesheet.update(pane)
        self.app.set_focus(self.search_input)

    def close_search(self) -> None:
        """Close the search box and go back to the view shown before."""
        if self._before_search is None:
            return
        previous, self._before_search = self._before_search, None
        self.query_one("#list-pane").remove_class("-searching")
        self.search_input.value = ""
        self.story_list.set_highlight([])
        self.story_list.focus()
        self.load_view(previous)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        text = event.value
        self._search_timer = self.set_timer(SEARCH_DEBOUNCE, lambda: self._run_search(text))

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.story_list.focus()

    @work(thread=True, group="search", exclusive=True, exit_on_error=False)
    def _run_search(self, text: str) -> None:
        rows, query = self.service.search(text) if text.strip() else ([], None)
        self.post_message(
            SearchResults(text, rows, query.highlight if query else [], query.problems if query else [])
        )

    @on(SearchResults)
    def _search_results(self, message: SearchResults) -> None:
        if self._before_search is None or message.text != self.search_input.value:
            return  # typed on since, or search closed
        self.generation += 1  # pages of an older view must not land in the results
        if not message.text.strip():
            self.view = self._before_search
            self.load_view(self.view)
            self.story_list.set_highlight([])
            return
        self.view = View("search", message.text, f"Search: {message.text}")
        self.story_list.set_highlight(message.highlight)
        self.story_list.set_rows(message.rows, keep=False)
        self.story_list.empty_text = (
            "No stories match." if not message.problems else "; ".join(message.problems)
        )
        self.total = len(message.rows)
        self._update_status()

    def action_escape(self) -> None:
        """Esc: leave the full-screen reader or sidebar on narrow screens, else close the search."""
        if self.has_class("-reading") or self.has_class("-show-sidebar"):
            self.remove_class("-reading", "-show-sidebar")
            self.story_list.focus()
        elif self._before_search is not None:
            self.close_search()

    def _after_first_paint(self) -> None:
        """Start-up work that is not needed to show the first screen: the rest of the list,
        clustering what a cron refresh stored since the last run, the start-up refresh."""
        self._first_paint.set()
        self._cluster_pending()
        if self.refresh_on_start:
            self.action_refresh()

    def _current_worker(self) -> Worker | None:
        from textual.worker import get_current_worker

        try:
            return get_current_worker()
        except RuntimeError:
            return None

    @on(RowsLoaded)
    def _rows_loaded(self, message: RowsLoaded) -> None:
        if message.generation != self.generation:
            return
        if message.first:
            self.story_list.empty_text = (
                "No stories yet — refreshing…"
                if self.refreshing or (self.refresh_on_start and not self._started)
                else "No stories in this view."
            )
            self.story_list.set_rows(message.rows, keep=True)
            if not self._started:
                self._started = True
                self.call_after_refresh(self._after_first_paint)
        else:
            self.story_list.append_rows(message.rows)
        if message.total is not None:
            self.total = message.total
            self._update_status()
            # Tens of thousands of rows are now loaded and long-lived: keep them out of the
            # collector's full passes, which otherwise stall key repeat for 50-90 ms.
            gc.freeze()
            if not self._collector.active:  # and collect between keystrokes, not inside them
                self._collector.start()
                self.set_interval(0.1, self._collector.tick)

    # -- selection, sidebar, reader --------------------------------------------------

    @on(StoryList.Highlighted)
    def _highlighted(self, message: StoryList.Highlighted) -> None:
        if self._related_timer is not None:
            self._related_timer.stop()
        story_id = message.row.id
        self._related_timer = self.set_timer(RELATED_DEBOUNCE, lambda: self._load_related(story_id))

    def _show_known_related(self, row: StoryRow) -> None:
        """The list's on_highlight: a sidebar worked out ahead (a neighbour of the last story)
        is shown in the cursor's own frame; others wait for the debounce in _highlighted."""
        self._collector.touched()
        known = self.service.cached_related(row.id)
        if known is not None:
            if self.sidebar.shown is not known:
                self.sidebar.show(known)
            # then the next one, so that a run of j stays ahead; after the repaint, because the
            # worker holds the GIL for a few milliseconds
            self.call_after_refresh(self._warm_neighbours, row.id)

    @work(thread=True, group="related", exclusive=True, exit_on_error=False)
    def _load_related(self, story_id: int) -> None:
        current = self.story_list.current
        if current is None or current.id != story_id:
            return
        self.post_message(RelatedReady(self.service.related(story_id)))
        self.app.call_from_thread(self._prefetch_neighbours, story_id)

    def _prefetch_neighbours(self, story_id: int) -> None:
        index = self.story_list.index_of(story_id)
        if index is None:
            return
        rows = self.story_list.rows
        ids = [rows[i].id for i in (index, index + 1, index - 1, index + 2) if 0 <= i < len(rows)]
        self._prefetch(ids, group="prefetch-near")
        self._warm_neighbours(story_id)

    def _warm_neighbours(self, story_id: int) -> None:
        index = self.story_list.index_of(story_id)
        if index is None:
            return
        rows = self.story_list.rows
        ids = [rows[i].id for i in (index + 1, index - 1) if 0 <= i < len(rows)]
        ids = [i for i in ids if self.service.cached_related(i) is None]
        if ids:
            self._warm_related(ids)

    @work(thread=True, group="related-near", exclusive=True, exit_on_error=False)
    def _warm_related(self, ids: list[int]) -> None:
        """Work out the sidebars of the stories next to the current one, so j and k show theirs at once."""
        worker = self._current_worker()
        for story_id in ids:
            if worker is not None and worker.is_cancelled:
                return
            self.service.related(story_id)

    def _prefetch(self, ids: list[int], group: str) -> None:
        async def run() -> None:
            await self.service.prefetch(ids)

        self.run_worker(run, group=group, exclusive=True, exit_on_error=False)

    @on(RelatedReady)
    def _related_ready(self, message: RelatedReady) -> None:
        current = self.story_list.current
        if (
            current is not None
            and current.id == message.related.story_id
            and self.sidebar.shown is not message.related
        ):
            self.sidebar.show(message.related)

    @on(StoryList.Selected)
    def _selected(self, message: StoryList.Selected) -> None:
        self.open_story(message.row.id)

    @on(RelatedSidebar.OpenStory)
    def _open_from_sidebar(self, message: RelatedSidebar.OpenStory) -> None:
        self.open_story(message.story_id)

    def open_story(self, story_id: int) -> None:
        """Show a story in the reader (feed text at once, the article when it arrives) and mark it read."""
        self._pending_open = story_id
        self._load_story(story_id)

    def action_refetch_article(self) -> None:
        """Fetch the reader's article again."""
        if self.reader_story is not None:
            self._pending_open = self.reader_story.id
            self._load_story(self.reader_story.id, True)

    def action_pick_link(self) -> None:
        """Choose one of the reader's numbered links to open."""
        if not self.reader_links:
            self.notify("The story in the reader has no links.", markup=False)
            return

        def chosen(number: int | None) -> None:
            if number is not None:
                self.action_open_link(number)

        from tuinews.ui.screens.links import LinkPicker

        self.app.push_screen(LinkPicker(self.reader_links), chosen)

    @work(thread=True, group="reader", exclusive=True, exit_on_error=False)
    def _load_story(self, story_id: int, refetch: bool = False) -> None:
        from tuinews.render import document_renderable

        story = self.service.story(story_id)
        if story is None:
            return
        doc = self.service.document(story)
        if doc.source == "feed" or refetch:
            doc = replace(doc, note="Fetching the full article…")
            self.app.call_from_thread(self._load_article, story_id, refetch)
        self.post_message(StoryReady(story, document_renderable(doc), doc.links))
        ids = [story_id]
        if self.service.config.settings.mark_group_read:
            ids += [r.id for r, _ in self.service.store.cluster_rows(story_id) if not r.read]
        if not story.read or len(ids) > 1:
            self.service.set_read(ids, True)
            self.post_message(RowsChanged(self.service.rows_by_ids(ids)))

    @work(group="article", exclusive=True, exit_on_error=False)
    async def _load_article(self, story_id: int, refetch: bool = False) -> None:
        from tuinews.render import document_renderable

        result = await self.service.article(story_id, refetch=refetch)
        if result is None:
            return
        story, doc = result
        renderable = await asyncio.to_thread(document_renderable, doc)
        self.post_message(StoryReady(story, renderable, doc.links))

    @on(StoryReady)
    def _story_ready(self, message: StoryReady) -> None:
        if message.story.id != self._pending_open:
            return  # a late result for a story the user has left
        if self.has_class("-tiny") and not self.has_class("-reading"):
            self.add_class("-reading")
            self.reader.focus()
        self.reader_story = message.story
        self.reader_links = message.links
        self.reader.show(message.story.id, message.renderable)

    @on(RowsChanged)
    def _rows_changed(self, message: RowsChanged) -> None:
        self.story_list.update_rows(message.rows)

    # -- actions ---------------------------------------------------------------

    def current_id(self) -> int | None:
        """The story the user means: the reader's when it has focus, the sidebar's, else the list's."""
        focused = self.focused
        if isinstance(focused, ReaderPane) and self.reader_story is not None:
            return self.reader_story.id
        if isinstance(focused, RelatedSidebar) and focused.highlighted_story is not None:
            return focused.highlighted_story
        current = self.story_list.current
        return current.id if current else None

    def action_toggle_sidebar_focus(self) -> None:
        """Focus the sidebar, or go back to the list from it (on narrow screens it takes the reader's place)."""
        if isinstance(self.focused, RelatedSidebar):
            self.remove_class("-show-sidebar")
            self.story_list.focus()
        else:
            if self.has_class("-narrow"):
                self.remove_class("-reading")
                self.add_class("-show-sidebar")
            self.sidebar.focus()

    def action_toggle_grouping(self) -> None:
        """Group reports of one event into one row, or list every report."""
        self.story_list.set_grouped(not self.story_list.grouped)
        state = "grouped by event" if self.story_list.grouped else "one row per report"
        self.notify(f"Story list: {state}.", markup=False, timeout=2)

    def action_page_reader(self) -> None:
        """Scroll the reader one page."""
        self.reader.page_down()

    def action_next_unread(self) -> None:
        """Move to the next unread story (wrapping) and open it."""
        rows = self.story_list.rows
        if not rows:
            return
        start = self.story_list.cursor
        n = len(rows)
        for step in range(1, n + 1):
            i = (start + step) % n
            if not rows[i].read:
                self.story_list.select_id(rows[i].id)
                self.open_story(rows[i].id)
                return
        self.notify("No unread stories in this view.", markup=False)

    def action_toggle_read(self) -> None:
        """Flip read/unread."""
        story_id = self.current_id()
        row = self._row(story_id)
        if story_id is None:
            return
        read = not row.read if row else True
        self._write_state(story_id, read=read)

    def action_mark_all_read(self) -> None:
        """Mark every story of the current view read; `u` puts them back."""
        self._mark_view_read(self.view)

    @work(thread=True, group="state", exit_on_error=False)
    def _mark_view_read(self, view: View) -> None:
        if view.kind == "search":
            ids = [r.id for r in self.service.search(view.value or "")[0] if not r.read]
        else:
            ids = self.service.unread_ids(view)
        if ids:
            self.service.set_read(ids, True)
        self.app.call_from_thread(self._marked, ids, True)

    def _marked(self, ids: list[int], read: bool) -> None:
        self.story_list.set_read_state(set(ids), read)
        if read and ids:
            self._undo.append(ids)
            self.notify(
                f"Marked {len(ids):,} {'story' if len(ids) == 1 else 'stories'} read. Press u to undo.",
                markup=False,
                timeout=6,
            )
        elif read:
            self.notify("Nothing unread in this view.", markup=False, timeout=2)
        else:
            self.notify(f"Undone: {len(ids):,} back to unread.", markup=False, timeout=3)

    def action_undo(self) -> None:
        """Undo the last mark-all-read."""
        if not self._undo:
            self.notify("Nothing to undo.", markup=False, timeout=2)
            return
        self._unmark(self._undo.pop())

    @work(thread=True, group="state", exit_on_error=False)
    def _unmark(self, ids: list[int]) -> None:
        self.service.set_read(ids, False)
        self.app.call_from_thread(self._marked, ids, False)

    def action_toggle_star(self) -> None:
        """Flip starred."""
        story_id = self.current_id()
        if story_id is None:
            return
        row = self._row(story_id)
        starred = not row.starred if row else True
        self._write_state(story_id, starred=starred)
        self.notify("Starred." if starred else "Unstarred.", markup=False, timeout=1.5)

    def _row(self, story_id: int | None) -> StoryRow | None:
        if story_id is None:
            return None
        i = self.story_list.index_of(story_id)
        return self.story_list.rows[i] if i is not None else None

    @work(thread=True, group="state", exit_on_error=False)
    def _write_state(self, story_id: int, *, read: bool | None = None, starred: bool | None = None) -> None:
        if read is not None:
            self.service.set_read([story_id], read)
        if starred is not None:
            self.service.set_starred(story_id, starred)
        self.post_message(RowsChanged(self.service.rows_by_ids([story_id])))

    def action_open_link(self, number: int | None = None) -> None:
        """Open the story's link (or reference N of the reader) in the browser."""
        story_id = self.current_id()
        if number is not None:
            if not 1 <= number <= len(self.reader_links):
                self.notify(f"No link [{number}] in this story.", markup=False)
                return
            self.app.open_link(self.reader_links[number - 1])  # type: ignore[attr-defined]
            return
        if self.reader_story is not None and story_id == self.reader_story.id:
            link = self.reader_story.link
        else:
            row = self._row(story_id)
            link = row.link if row else None
        if not link:
            self.notify("This story has no link.", markup=False)
            return
        self.app.open_link(link)  # type: ignore[attr-defined]

    def action_help(self) -> None:
        """Show every key."""
        from tuinews.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.app.help_sections(), self.app.keymap_view()))  # type: ignore[attr-defined]

    def action_quit(self) -> None:
        """Leave tuinews."""
        self.app.exit()

    # -- feed picker and errors ------------------------------------------------------

    def action_pick_view(self) -> None:
        """Choose a feed, tag, topic or state to show."""
        self._open_picker()

    @work(thread=True, group="picker", exclusive=True, exit_on_error=False)
    def _open_picker(self) -> None:
        from tuinews.ui.screens.feeds import picker_entries

        feeds = self.service.feeds()
        entries = picker_entries(
            feeds,
            self.service.tags(),
            [t.name for t in self.service.config.topics],
            self.service.starred_count(),
            [(s.name, s.query) for s in self.service.config.searches],
            self.service.view_counts(),
        )
        self.app.call_from_thread(self._show_picker, entries)

    def _show_picker(self, entries: list) -> None:
        from tuinews.ui.screens.feeds import FeedPicker

        def chosen(view: View | None) -> None:
            if view is not None and (view.kind, view.value) != (self.view.kind, self.view.value):
                self.story_list.set_rows([], keep=False)
                self.load_view(view)

        self.app.push_screen(FeedPicker(entries, self.view), chosen)

    def action_show_errors(self) -> None:
        """List failing feeds and why."""
        self._open_errors()

    @work(thread=True, group="errors", exclusive=True, exit_on_error=False)
    def _open_errors(self) -> None:
        from tuinews.ui.screens.errors import FeedHealth

        feeds = self.service.feeds()
        server = self.service.server_feed_urls()
        screen = FeedHealth(feeds, self.retry_feeds, server=server, unsubscribe=self.unsubscribe_feed)
        self.app.call_from_thread(self.app.push_screen, screen)

    @work(thread=True, group="errors", exit_on_error=False)
    def _reload_health(self, screen: FeedHealth) -> None:
        feeds = self.service.feeds()
        self.app.call_from_thread(screen.show, feeds)

    def retry_feeds(self, urls: list[str]) -> None:
        """Fetch these feeds now, ignoring back-off (from the feed health screen)."""
        if self.refreshing:
            self.notify("A refresh is already running.", markup=False, timeout=2)
            return
        self.refreshing = True
        self._refresh(urls, force=True)

    # -- refresh -----------------------------------------------------------------

    def action_refresh(self) -> None:
        """Fetch all feeds in the background (and sync with the [sync] server, if any)."""
        synced = self.start_sync()
        if self.refreshing:
            if not synced:
                self.notify("A refresh is already running.", markup=False, timeout=2)
            return
        if not self.service.config.feeds:
            if self.service.config.sync is None:
                self.notify(
                    "No feeds configured: add [[feeds]] to your config.", markup=False, severity="warning"
                )
            return
        self.refreshing = True
        self._refresh()

    @work(group="refresh", exclusive=True, exit_on_error=False)
    async def _refresh(self, urls: list[str] | None = None, force: bool = False) -> None:
        started = time.monotonic()
        outcomes: list[FeedOutcome] = []
        total = len(urls) if urls is not None else len(self.service.config.feeds)
        self.post_message(RefreshProgress(None, [], 0, total))
        view = self.view
        try:
            async for outcome in self.service.refresh(urls, force=force):
                outcomes.append(outcome)
                rows, seeds = await asyncio.to_thread(self._new_rows, list(outcome.new_ids), view)
                self.post_message(RefreshProgress(outcome, rows, len(outcomes), total, seeds))
        finally:
            self.post_message(RefreshFinished(outcomes, time.monotonic() - started))

    def _new_rows(self, ids: list[int], view: View) -> tuple[list[StoryRow], list[StoryRow]]:
        """Rows of new stories in the view, and the rows of older stories they joined as an event."""
        if not ids or view.kind == "search":
            return [], []  # search results are ranked; new stories do not slide into them
        rows = self.service.rows_by_ids(ids, view)
        seeds = {r.cluster_id for r in rows if r.cluster_id is not None} - set(ids)
        return rows, self.service.rows_by_ids(sorted(seeds), view) if seeds else []

    @on(RefreshProgress)
    def _refresh_progress(self, message: RefreshProgress) -> None:
        self.progress = f"Refreshing {message.done}/{message.total}"
        self._pending_rows.extend(message.rows)
        self._pending_updates.extend(message.updated)
        if (message.rows or message.updated) and self._flush_timer is None:
            self._flush_timer = self.set_timer(FLUSH_EVERY, self._flush_rows)
        self._update_status()

    def _flush_rows(self) -> None:
        """Apply new rows in batches: the list regroups once per batch, not once per feed."""
        self._flush_timer = None
        rows, self._pending_rows = self._pending_rows, []
        updates, self._pending_updates = self._pending_updates, []
        if rows:
            added = self.story_list.insert_rows(rows)
            if self.total is not None:
                self.total += added
        if updates:  # after inserting: an update may be for a row of this same batch
            self.story_list.update_rows(updates)
        self._update_status()

    @work(thread=True, group="cluster", exclusive=True, exit_on_error=False)
    def _cluster_pending(self) -> None:
        """Group newly stored reports into events, then let the list regroup the rows that changed."""
        changed = self.service.cluster_pending()
        if changed:
            self.post_message(RowsChanged(self.service.rows_by_ids(changed, self.view)))

    @on(RefreshFinished)
    def _refresh_finished(self, message: RefreshFinished) -> None:
        if self._flush_timer is not None:
            self._flush_timer.stop()
        self._flush_rows()
        if any(o.new_count for o in message.outcomes):
            self._cluster_pending()
        self.refreshing = False
        self.progress = ""
        from tuinews.ui.screens.errors import FeedHealth

        if isinstance(self.app.screen, FeedHealth):
            self._reload_health(self.app.screen)
        failed = [o for o in message.outcomes if o.kind == "error"]
        new = sum(o.new_count for o in message.outcomes)
        if self.service.config.settings.prefetch_articles and new:
            self._prefetch([i for o in message.outcomes for i in o.new_ids], group="prefetch-new")
        self.story_list.empty_text = "No stories in this view."
        self.story_list.refresh()
        self._update_status()
        if failed:
            names = ", ".join(o.title for o in failed[:2]) + (" …" if len(failed) > 2 else "")
            self.notify(
                f"{len(failed)} of {len(message.outcomes)} feeds failed ({names}). Press e to see why.",
                severity="warning",
                markup=False,
                timeout=8,
            )
        elif new:
            self.notify(f"{new} new {'story' if new == 1 else 'stories'}.", markup=False, timeout=3)
        elif message.outcomes:
            self.notify("Up to date: no new stories.", markup=False, timeout=3)

    # -- import / export (command palette) -----------------------------------------

    def ask_import(self) -> None:
        """Ask for a subscription file, then add its feeds to the config and fetch them."""

        def chosen(path: str | None) -> None:
            if path:
                self._import(path)

        from tuinews.ui.screens.prompt import Prompt

        self.app.push_screen(
            Prompt("Import feeds", "Path of an OPML file, a newsboat urls file or nom's config.yml:"), chosen
        )

    @work(thread=True, group="import", exit_on_error=False)
    def _import(self, path: str) -> None:
        from pathlib import Path

        from tuinews.config import load
        from tuinews.config_edit import add_feeds
        from tuinews.io.subscriptions import read_subscriptions

        config_path = self.service.config.path
        if config_path is None:
            raise TuinewsError("this session has no config file to add feeds to (the demo)")
        source = Path(path).expanduser()
        try:
            text = source.read_bytes().decode("utf-8-sig", errors="replace")
        except OSError as exc:
            raise TuinewsError(f"{source}: cannot read: {exc.strerror or exc}") from None
        result = read_subscriptions(text, str(source))
        added, duplicates = add_feeds(config_path, result.feeds)
        self.service.reload_config(load(config_path))
        message = (
            f"Imported {len(added)} feed{'s' if len(added) != 1 else ''} from {source.name} "
            f"({len(duplicates)} already there, {len(result.skipped)} skipped)."
        )
        self.app.call_from_thread(self._imported, message, [f.url for f in added])

    def _imported(self, message: str, urls: list[str]) -> None:
        self.notify(message, markup=False, timeout=6)
        if urls and not self.refreshing:
            self.refreshing = True
            self._refresh(urls)

    def ask_export(self) -> None:
        """Ask where to write the feeds as OPML."""

        def chosen(path: str | None) -> None:
            if path:
                self._export(path)

        from tuinews.ui.screens.prompt import Prompt

        self.app.push_screen(
            Prompt("Export feeds as OPML", "Write the OPML file to:", "~/tuinews-feeds.opml"), chosen
        )

    @work(thread=True, group="import", exit_on_error=False)
    def _export(self, path: str) -> None:
        from pathlib import Path

        from tuinews.config_edit import write_atomically
        from tuinews.io.subscriptions import write_opml

        target = Path(path).expanduser()
        write_atomically(target, write_opml(self.service.config.feeds))
        count = len(self.service.config.feeds)
        self.app.call_from_thread(self.notify, f"Wrote {count} feeds to {target}.", markup=False, timeout=5)

    # -- worker errors -------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One place for unexpected worker failures: a readable notification, never a crash."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if event.worker.group == "refresh":
            self.refreshing = False
            self.progress = ""
            self._update_status()
        if isinstance(error, TuinewsError):
            self.notify(error.message, title=error.title, severity="error", markup=False)
        else:
            self.notify(
                f"{error.__class__.__name__}: {error}",
                title="Unexpected error",
                severity="error",
                markup=False,
            )
