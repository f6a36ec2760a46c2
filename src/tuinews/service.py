"""The facade the UI and the CLI share: refresh, list, read, mark, relate.

Everything here is synchronous except `refresh`; the UI calls it from workers
(never on the event loop thread for blocking calls), the CLI calls it directly.
Heavy dependencies (httpx, feedparser) are imported on first use so the app's
first paint does not wait for them.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tuinews.config import Config
from tuinews.core.document import Document
from tuinews.core.models import FeedInfo, FeedOutcome, Related, Scored, Story, StoryRow, View
from tuinews.io.store import Store, StoryFilter

if TYPE_CHECKING:
    import httpx

    from tuinews.io.refresh import Refresher

SIDEBAR_TOPIC_ROWS = 20


class Service:
    """One user's news: config + store + network."""

    def __init__(
        self, config: Config, store: Store, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.config = config
        self.store = store
        self._transport = transport
        self._refresher: Refresher | None = None

    @classmethod
    def open(
        cls, config: Config, db_path: Path, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> Service:
        """Open (or create) the database and make it follow the config."""
        store = Store(db_path, config.topics)
        try:
            store.sync_feeds(config.feeds)
            store.ensure_topics()
        except BaseException:
            store.close()
            raise
        return cls(config, store, transport=transport)

    def close(self) -> None:
        """Release the database (call after `aclose` when a refresh ran)."""
        self.store.close()

    async def aclose(self) -> None:
        """Release the network client."""
        if self._refresher is not None:
            await self._refresher.aclose()
            self._refresher = None

    # -- refresh -------------------------------------------------------------

    @property
    def refresher(self) -> Refresher:
        """The refresher, built on first use (it imports httpx)."""
        if self._refresher is None:
            from tuinews.io.refresh import Refresher

            self._refresher = Refresher(self.store, self.config.settings, transport=self._transport)
        return self._refresher

    async def refresh(
        self, urls: Iterable[str] | None = None, *, force: bool = False
    ) -> AsyncIterator[FeedOutcome]:
        """Refresh feeds, yielding one outcome per feed as it finishes."""
        async for outcome in self.refresher.run(urls, force=force):
            yield outcome

    # -- lists ---------------------------------------------------------------

    def feeds(self) -> list[FeedInfo]:
        """Feeds with health and counts."""
        return self.store.feeds()

    def tags(self) -> list[str]:
        """Every tag used by a feed, in first-use order."""
        seen: dict[str, None] = {}
        for feed in self.config.feeds:
            for tag in feed.tags:
                seen.setdefault(tag, None)
        return list(seen)

    def filter_for(self, view: View) -> StoryFilter:
        """The store filter of a view (tags resolve to their feeds)."""
        if view.kind == "unread":
            return StoryFilter(unread=True)
        if view.kind == "starred":
            return StoryFilter(starred=True)
        if view.kind == "topic":
            return StoryFilter(topic=view.value)
        if view.kind in ("feed", "tag"):
            feeds = self.store.feeds()
            if view.kind == "feed":
                ids = tuple(f.id for f in feeds if f.url == view.value)
            else:
                ids = tuple(f.id for f in feeds if view.value in f.tags)
            return StoryFilter(feed_ids=ids)
        return StoryFilter()

    def rows(self, view: View, after: tuple[float, int] | None = None, limit: int = 500) -> list[StoryRow]:
        """One page of list rows of a view, newest first."""
        return self.store.story_rows(self.filter_for(view), after, limit)

    def count(self, view: View) -> int:
        """Stories in a view."""
        return self.store.count(self.filter_for(view))

    def rows_by_ids(self, ids: Sequence[int], view: View | None = None) -> list[StoryRow]:
        """List rows of these stories (only those in `view`, when given), newest first."""
        if not ids:
            return []
        return self.store.rows_by_ids(ids, self.filter_for(view) if view else None)

    def starred_count(self) -> int:
        """Starred stories."""
        return self.store.count(StoryFilter(starred=True))

    def story(self, story_id: int) -> Story | None:
        """Everything the reader shows of one story."""
        return self.store.story(story_id)

    def feed_document(self, story: Story) -> Document:
        """The story as its feed tells it: full content when given, else the summary."""
        from tuinews.io.html_doc import html_blocks, text_blocks

        blocks, links = html_blocks(story.content, story.link) if story.content else ([], [])
        if not blocks and story.summary:
            blocks, links = text_blocks(story.summary), []
        note = "" if blocks else "The feed gives no text for this story; press o to open it in the browser."
        return Document(
            title=story.title,
            outlet=story.feed_title,
            byline=story.author,
            published=story.published or story.ts,
            url=story.link,
            blocks=tuple(blocks),
            links=tuple(links),
            source="feed",
            note=note,
        )

    # -- state ---------------------------------------------------------------

    def set_read(self, ids: Sequence[int], read: bool = True) -> None:
        """Mark stories read or unread."""
        self.store.set_read(ids, read)

    def set_starred(self, story_id: int, starred: bool) -> None:
        """Star or unstar a story."""
        self.store.set_starred(story_id, starred)

    # -- related -------------------------------------------------------------

    def related(self, story_id: int) -> Related:
        """The sidebar for a story: the newest stories of each watched topic it matches."""
        groups = []
        now = time.time()
        for topic in self.store.topics_of(story_id):
            rows = self.store.topic_rows(topic, exclude_id=story_id, limit=SIDEBAR_TOPIC_ROWS)
            groups.append((topic, tuple(Scored(r, _recency(r.ts, now)) for r in rows)))
        return Related(story_id=story_id, topics=tuple(groups))


def _recency(ts: float, now: float) -> float:
    """1.0 for now, halving every day."""
    return round(0.5 ** (max(now - ts, 0.0) / 86400), 4)
