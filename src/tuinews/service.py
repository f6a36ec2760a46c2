"""The facade the UI and the CLI share: refresh, list, read, mark, relate.

Everything here is synchronous except `refresh`; the UI calls it from workers
(never on the event loop thread for blocking calls), the CLI calls it directly.
Heavy dependencies (httpx, feedparser) are imported on first use so the app's
first paint does not wait for them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tuinews.config import Config
from tuinews.core.document import Document
from tuinews.core.models import FeedInfo, FeedOutcome, Related, Story, StoryRow, View
from tuinews.core.query import SearchQuery, parse_query
from tuinews.io.store import CachedArticle, Store, StoryFilter

if TYPE_CHECKING:
    import httpx

    from tuinews.io.articles import ArticleFetcher
    from tuinews.io.refresh import Refresher
    from tuinews.io.related import RelatedEngine
    from tuinews.sync.engine import Progress, SyncEngine, SyncReport
    from tuinews.sync.store import SyncStore


class Service:
    """One user's news: config + store + network."""

    def __init__(
        self, config: Config, store: Store, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.config = config
        self.store = store
        self._transport = transport
        self._refresher: Refresher | None = None
        self._articles: ArticleFetcher | None = None
        self._related: RelatedEngine | None = None
        self._sync: SyncEngine | None = None
        # True while another process (the app's sync) is storing stories and will group and
        # index them itself: the sidebar then answers from what is grouped so far.
        self.upkeep_elsewhere = False
        self._sync_state: SyncStore | None = None
        if config.sync is not None:
            self.sync_state.install()  # marks of synced stories wait in sync_pending for the server

    @classmethod
    def open(
        cls, config: Config, db_path: Path, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> Service:
        """Open (or create) the database and make it follow the config."""
        store = Store(db_path, config.topics)
        try:
            store.sync_feeds(config.feeds, keep_server_feeds=config.sync is not None)
            store.set_filters(config.filters)
            store.ensure_topics()
        except BaseException:
            store.close()
            raise
        return cls(config, store, transport=transport)

    def reload_config(self, config: Config) -> None:
        """Follow an edited config (feeds added by an import): sync feeds, keep everything else."""
        self.store.sync_feeds(config.feeds, keep_server_feeds=config.sync is not None)
        self.store.set_filters(config.filters)
        self.config = config
        if self._sync is not None:
            self._sync.config = config
        if self._refresher is not None:
            self._refresher.settings = config.settings

    def close(self) -> None:
        """Release the database (call after `aclose` when a refresh ran)."""
        if self._articles is not None:
            self._articles.shutdown()
        if self._refresher is not None:
            self._refresher.shutdown()
            self._refresher = None
            self._articles = None
        self.store.close()

    async def aclose(self) -> None:
        """Release the network client and worker processes (the service stays usable: they restart on demand)."""
        if self._articles is not None:
            await self._articles.aclose()
        if self._refresher is not None:
            await self._refresher.aclose()

    # -- refresh -------------------------------------------------------------

    @property
    def refresher(self) -> Refresher:
        """The refresher, built on first use (it imports httpx)."""
        if self._refresher is None:
            from tuinews.io.refresh import Refresher

            self._refresher = Refresher(
                self.store, self.config.settings, transport=self._transport, topics=self.config.topics
            )
        return self._refresher

    async def refresh(
        self, urls: Iterable[str] | None = None, *, force: bool = False
    ) -> AsyncIterator[FeedOutcome]:
        """Refresh feeds, yielding one outcome per feed as it finishes.

        With [sync], a [[feeds]] entry the server also has is not fetched here: it is one
        feed, the server's, and its outcome says so.
        """
        if self.config.sync is not None:
            server = self.sync_state.server_feeds()
            wanted = list(urls) if urls is not None else [f.url for f in self.config.feeds]
            titles = {f.url: f.title or f.url for f in self.config.feeds}
            for url in wanted:
                if url in server:
                    yield FeedOutcome(url, titles.get(url, url), "skipped", error=SERVER_FEED)
            urls = [u for u in wanted if u not in server]
        async for outcome in self.refresher.run(urls, force=force):
            yield outcome
        settings = self.config.settings
        if settings.keep_days or settings.max_stories_per_feed:
            await self.refresher.write(self.store.prune, settings.keep_days, settings.max_stories_per_feed)
        await self.refresher.write(self.store.index_pending)  # the new stories, in one batch
        await self.refresher.write(self.store.optimize)  # planner statistics follow the data

    # -- articles ------------------------------------------------------------

    @property
    def articles(self) -> ArticleFetcher:
        """The article fetcher (shares the refresher's client, gate and writer)."""
        if self._articles is None:
            from tuinews.io.articles import ArticleFetcher
            from tuinews.io.refresh import limits_from

            refresher = self.refresher
            self._articles = ArticleFetcher(
                self.store,
                limits_from(self.config.settings, article=True),
                lambda: refresher.client,
                lambda: refresher.gate,
                refresher.write,
            )
        return self._articles

    def document(self, story: Story) -> Document:
        """What the reader shows first: the stored article when there is one, else the feed's text."""
        cached = self.store.article(story.id)
        if cached is not None and cached.error is None and cached.html:
            return self.article_document(story, cached)
        return self.feed_document(story)

    async def article(self, story_id: int, *, refetch: bool = False) -> tuple[Story, Document] | None:
        """Fetch (or load) the article and return the document the reader should show."""
        story = await asyncio.to_thread(self.store.story, story_id)
        if story is None:
            return None
        result = await self.articles.get(story, refetch=refetch)
        if result.article is not None:
            return story, self.article_document(story, result.article)
        doc = self.feed_document(story)
        note = f"Article unavailable: {result.error}. Showing the feed's text."
        return story, replace(doc, note=note)

    async def prefetch(self, story_ids: Sequence[int]) -> int:
        """Fetch and store the articles of these stories in the background."""
        stories = [s for s in await asyncio.to_thread(lambda: [self.store.story(i) for i in story_ids]) if s]
        return await self.articles.prefetch(stories)

    def article_document(self, story: Story, cached: CachedArticle) -> Document:
        """A stored article as a reader document."""
        from tuinews.io.html_doc import html_blocks

        blocks, links = html_blocks(cached.html, cached.url or story.link)
        return Document(
            title=story.title or cached.title,
            outlet=story.feed_title,
            byline=cached.byline or story.author,
            published=story.published or cached.published or story.ts,
            url=story.link,
            blocks=tuple(blocks),
            links=tuple(links),
            source="article",
        )

    # -- lists ---------------------------------------------------------------

    def feeds(self) -> list[FeedInfo]:
        """Feeds with health and counts."""
        return self.store.feeds()

    def tags(self) -> list[str]:
        """Every tag used by a feed, in first-use order (the sync server's folders after the config's)."""
        seen: dict[str, None] = {}
        for feed in self.config.feeds:
            for tag in feed.tags:
                seen.setdefault(tag, None)
        if self.config.sync is not None:
            for _, _, _, tags in self.store.feed_index():
                for tag in tags:
                    seen.setdefault(tag, None)
        return list(seen)

    def filter_for(self, view: View) -> StoryFilter:
        """The store filter of a view (tags resolve to their feeds; old stories hidden per the settings)."""
        min_ts = self.min_ts()
        if view.kind == "unread":
            return StoryFilter(unread=True, min_ts=min_ts)
        if view.kind == "starred":
            return StoryFilter(starred=True)
        if view.kind == "topic":
            return StoryFilter(topic=view.value, min_ts=min_ts)
        if view.kind in ("feed", "tag"):
            feeds = self.store.feed_index()
            if view.kind == "feed":
                ids = tuple(i for i, url, _, _ in feeds if url == view.value)
            else:
                ids = tuple(i for i, _, _, tags in feeds if view.value in tags)
            return StoryFilter(feed_ids=ids, min_ts=min_ts)
        return StoryFilter(min_ts=min_ts)

    def search(self, text: str, limit: int = 200) -> tuple[list[StoryRow], SearchQuery]:
        """Stories matching a search (see `tuinews.core.query`), best first."""
        query = parse_query(text)
        feeds = self.store.feed_index()
        feed_ids: tuple[int, ...] | None = None
        if query.feed:
            needle = query.feed.casefold()
            feed_ids = tuple(
                i for i, url, title, _ in feeds if needle in title.casefold() or needle in url.casefold()
            )
        if query.tag:
            wanted = query.tag.casefold()
            tagged = tuple(i for i, _, _, tags in feeds if wanted in (t.casefold() for t in tags))
            feed_ids = tagged if feed_ids is None else tuple(i for i in feed_ids if i in tagged)
        topic = None
        if query.topic:
            names = {t.name.casefold(): t.name for t in self.config.topics}
            topic = names.get(query.topic.casefold(), query.topic)
        filt = StoryFilter(feed_ids=feed_ids, topic=topic, is_starred=query.starred, min_ts=self.min_ts())
        if query.unread is not None:
            filt = replace(filt, is_read=not query.unread)
        if (
            not query.has_text
            and not any((query.feed, query.tag, query.topic))
            and query.unread is None
            and query.starred is None
        ):
            return [], query
        return self.store.search(query.fts(), filt, limit), query

    def min_ts(self) -> float | None:
        """Stories older than this are hidden (the hide_older_than_days setting)."""
        days = self.config.settings.hide_older_than_days
        return time.time() - days * 86400 if days else None

    def view_counts(self) -> dict[tuple[str, str | None], tuple[int, int]]:
        """(total, unread) of each topic and saved search, for the feed picker."""
        counts: dict[tuple[str, str | None], tuple[int, int]] = {}
        for topic in self.config.topics:
            filt = self.filter_for(View("topic", topic.name))
            counts[("topic", topic.name)] = (
                self.store.count(filt),
                self.store.count(replace(filt, is_read=False)),
            )
        for saved in self.config.searches:
            rows, _ = self.search(saved.query, limit=1000)
            counts[("search", saved.query)] = (len(rows), sum(1 for r in rows if not r.read))
        return counts

    def rows(self, view: View, after: tuple[float, int] | None = None, limit: int = 500) -> list[StoryRow]:
        """One page of list rows of a view, newest first."""
        return self.store.story_rows(self.filter_for(view), after, limit)

    def unread_ids(self, view: View) -> list[int]:
        """Every unread story of a view."""
        return self.store.ids(replace(self.filter_for(view), is_read=False))

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

    @property
    def related_engine(self) -> RelatedEngine:
        """The engine behind the sidebar (built on first use)."""
        if self._related is None:
            from tuinews.io.related import RelatedEngine

            self._related = RelatedEngine(self.store)
        return self._related

    def related(self, story_id: int) -> Related:
        """The sidebar for a story: other outlets' reports of it, related stories, watched topics."""
        if not self.upkeep_elsewhere:
            if self.store.has_pending_clusters():
                self.store.cluster_pending()
            if self.store.has_pending_index():
                self.store.index_pending()
        return self.related_engine.answer(story_id)

    def cached_related(self, story_id: int) -> Related | None:
        """The sidebar for a story if it was already worked out (no query runs), else None."""
        return self._related.cached(story_id) if self._related is not None else None

    def cluster_pending(self) -> list[int]:
        """Group newly stored reports into events (after a refresh); returns the stories that changed."""
        return self.store.cluster_pending()

    # -- sync ----------------------------------------------------------------

    @property
    def sync_state(self) -> SyncStore:
        """Sync's tables (server ids, subscriptions, pending changes)."""
        if self._sync_state is None:
            from tuinews.sync.store import SyncStore

            self._sync_state = SyncStore(self.store)
        return self._sync_state

    @property
    def sync_engine(self) -> SyncEngine:
        """The sync engine (only with a [sync] table; built on first use: it imports httpx)."""
        if self._sync is None:
            from tuinews.errors import ConfigError
            from tuinews.sync.engine import SyncEngine

            if self.config.sync is None:
                where = self.config.path or "the config"
                raise ConfigError(
                    f"{where}: no [sync] table: add one to sync with FreshRSS, Miniflux or another "
                    "Google Reader API server (see tuinews.toml.example)"
                )
            self._sync = SyncEngine(self.store, self.config, transport=self._transport)
        return self._sync

    async def sync(self, *, full: bool = False, progress: Progress | None = None) -> SyncReport:
        """Sync with the server: push local marks, pull subscriptions, new stories and state."""
        return await self.sync_engine.run(full=full, progress=progress)

    async def push(self) -> dict[str, int]:
        """Send the marks the server has not accepted yet (no pull)."""
        return await self.sync_engine.push()

    def server_feed_urls(self) -> set[str]:
        """URLs of the feeds the sync server fetches (empty without [sync])."""
        return set(self.sync_state.server_feeds()) if self.config.sync is not None else set()

    def last_sync(self) -> float | None:
        """When the last sync finished, if ever."""
        return self.sync_state.last_sync() if self.config.sync is not None else None

    def pending_count(self) -> int:
        """Marks waiting for the sync server."""
        return self.sync_state.pending_count() if self.config.sync is not None else 0


SERVER_FEED = "on the sync server too: one feed, synced from there (not fetched here)"
