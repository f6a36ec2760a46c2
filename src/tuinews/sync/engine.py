"""One sync with the server: push what changed here, pull subscriptions, new stories and state.

The order is chosen so that nothing is lost and nothing is fetched twice:

1. log in (the auth token stays in memory for the next sync of this session);
2. push pending read/starred changes, batched, and forget each batch only once
   the server answered OK (a crash or a refusal keeps them for the next sync);
3. subscription list -> feeds (folders become tags; a [[feeds]] entry with the
   same URL is the same feed);
4. ids of the reading list since the newest crawl time stored (continuation
   pages), of every unread item and of every starred item;
5. contents of the ids never stored, in batches, each batch stored in one
   transaction with its id mapping (a kill -9 between batches loses nothing:
   the next sync asks again for what has no mapping);
6. read/starred of every synced story follow the server's unread and starred
   sets, except fields with a change still pending here (local unpushed wins).

A sync with nothing new is five requests: login, subscription list, reading-list
ids, unread ids, starred ids (four in the app, which keeps the login).
"""

from __future__ import annotations

import asyncio
import html
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import aclosing, asynccontextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from tuinews.config import Config, FeedConfig
from tuinews.core.dates import checked_date
from tuinews.core.topics import Topic
from tuinews.io.feed_parse import make_item
from tuinews.io.http import make_client
from tuinews.io.refresh import limits_from
from tuinews.io.store import Store
from tuinews.sync.credentials import resolve_password
from tuinews.sync.greader import (
    CONTENTS_BATCH,
    EDIT_BATCH,
    NEW_PAGE,
    READ,
    READING_LIST,
    STARRED,
    GReaderClient,
    SyncError,
    state_of,
    to_int,
)
from tuinews.sync.store import ServerItem, SubscriptionsResult, SyncStore

Progress = Callable[[str, int, int], None]
CONTENT_FETCHES = 4  # contents requests in flight at once
SINCE_SLACK = 600.0  # seconds re-read before the newest crawl time: items commit after they are timed


@dataclass
class SyncReport:
    """What one sync did, for `tuinews sync`, the app and the benches."""

    subscriptions: SubscriptionsResult = field(default_factory=SubscriptionsResult)
    new_ids: list[int] = field(default_factory=list)
    updated: int = 0
    matched: int = 0
    skipped: int = 0
    too_large: int = 0
    pushed: dict[str, int] = field(default_factory=dict)
    pulled: dict[str, int] = field(default_factory=dict)
    changed_ids: list[int] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    reset: bool = False

    def lines(self) -> list[str]:
        """One line per part, as `tuinews sync` prints them."""
        subs = self.subscriptions
        out = [f"subscriptions: {subs.total:,} ({subs.new:,} new, {subs.removed:,} removed)"]
        for url in subs.both:
            out.append(f"  {url}: also in [[feeds]]; one feed, synced from the server (not fetched here)")
        extra = []
        if self.matched:
            extra.append(f"{self.matched:,} already stored from [[feeds]]")
        if self.updated:
            extra.append(f"{self.updated:,} updated")
        if self.skipped:
            extra.append(f"{self.skipped:,} from feeds not in the subscription list, skipped")
        if self.too_large:
            extra.append(f"{self.too_large:,} too large to download, skipped")
        out.append(f"stories: {len(self.new_ids):,} new" + (f" ({', '.join(extra)})" if extra else ""))
        out.append(f"state: {_counts('pushed', self.pushed)}; {_counts('pulled', self.pulled)}")
        return out


def report_to_dict(report: SyncReport) -> dict[str, Any]:
    """A report as plain data (the app's sync process sends it as JSON)."""
    return asdict(report)


def report_from_dict(data: dict[str, Any]) -> SyncReport:
    """The report `report_to_dict` made."""
    data = dict(data)
    data["subscriptions"] = SubscriptionsResult(**data.get("subscriptions", {}))
    return SyncReport(**data)


def _counts(verb: str, counts: dict[str, int]) -> str:
    parts = [f"{n:,} {name}" for name, n in counts.items() if n]
    return f"{verb} " + (", ".join(parts) if parts else "nothing")


class SyncEngine:
    """Syncs one store with the configured server; one instance per app or CLI run.

    Runs may come from different threads (the app syncs and pushes in workers);
    one lock makes them take turns, so a push never lands between a sync's state
    download and its apply.
    """

    def __init__(
        self, store: Store, config: Config, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        assert config.sync is not None
        self.store = store
        self.state = SyncStore(store)
        self.config = config
        self.sync = config.sync
        self._transport = transport
        self._lock = threading.Lock()
        self._auth: str | None = None
        self._token: str | None = None
        self.topics: tuple[Topic, ...] = store.topics

    def identity(self) -> str:
        """Which account the stored ids belong to."""
        return f"{self.sync.service} {self.sync.url} {self.sync.username}"

    @property
    def busy(self) -> bool:
        """True while a sync or push runs."""
        return self._lock.locked()

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[GReaderClient]:
        while not self._lock.acquire(blocking=False):
            await asyncio.sleep(0.05)
        http = make_client(
            limits_from(self.config.settings), self._transport, proxy=self.config.settings.proxy
        )
        client = GReaderClient(
            self.sync.url,
            self.sync.username,
            lambda: resolve_password(self.sync),
            http,
            limits_from(self.config.settings),
            auth=self._auth,
            token=self._token,
        )
        try:
            yield client
        finally:
            self._auth, self._token = client.auth, client.token
            try:
                await http.aclose()
            finally:
                self._lock.release()

    # -- a whole sync ------------------------------------------------------------

    async def run(self, *, full: bool = False, progress: Progress | None = None) -> SyncReport:
        """Push, then pull subscriptions, new stories and state (see the module docstring)."""
        started = time.monotonic()
        say = progress or (lambda phase, done, total: None)
        report = SyncReport()
        async with self._session() as gr:
            try:
                report.reset = self.state.check_server(self.identity())
                if gr.auth is None:
                    say("logging in", 0, 0)
                    await gr.login()
                report.pushed = await self._push(gr, say)
                say("subscriptions", 0, 0)
                subs = await gr.subscriptions()
                report.subscriptions = self.state.apply_subscriptions(subs, self.config.feeds)
                since = None if full else self.state.since()
                say("new stories", 0, 0)
                reading = await self._new_ids(gr, self._ot(since, full), walk_all=full or since is None)
                unread = set(await gr.item_ids(READING_LIST, exclude=READ, what="unread item ids"))
                starred = set(await gr.item_ids(STARRED, what="starred item ids"))
                wanted = self.state.unknown([*reading, *sorted(unread), *sorted(starred)])
                newest = await self._download(gr, wanted, report, say)
                say("state", 0, 0)
                report.changed_ids, report.pulled = self.state.apply_state(unread, starred)
                if report.new_ids:  # nothing stored, nothing to prune or index
                    self._housekeeping()
                self.state.finish(max(newest, since or 0.0) if newest is not None else since)
            finally:
                report.requests = gr.requests
        report.seconds = time.monotonic() - started
        return report

    async def _new_ids(self, gr: GReaderClient, ot: int | None, walk_all: bool) -> list[int]:
        """Ids of the reading list since `ot`, newest first; after a completed sync the walk stops
        at the first page with nothing new (everything older was stored then)."""
        out: list[int] = []
        size = None if walk_all else NEW_PAGE
        pages = gr.item_id_pages(READING_LIST, since=ot, what="new item ids", page_size=size)
        async with aclosing(pages):
            async for page in pages:
                out.extend(page)
                if not walk_all and not self.state.unknown(page):
                    break
        return out

    def _ot(self, since: float | None, full: bool) -> int | None:
        """`ot` of the reading-list walk: a little before the newest crawl time stored, else the
        keep_days window (older stories would be pruned), else everything."""
        if since is not None and not full:
            return max(1, int(since - SINCE_SLACK))
        days = self.config.settings.keep_days
        return int(time.time() - days * 86400) if days else None

    async def _download(
        self, gr: GReaderClient, wanted: list[int], report: SyncReport, say: Progress
    ) -> float | None:
        """Fetch and store the contents of these ids; returns the newest crawl time stored."""
        if not wanted:
            return None
        feeds = self.state.feeds_by_stream()
        batches = [wanted[i : i + CONTENTS_BATCH] for i in range(0, len(wanted), CONTENTS_BATCH)]
        gate = asyncio.Semaphore(CONTENT_FETCHES)
        done = 0
        newest: float | None = None
        say("stories", 0, len(wanted))

        async def fetch(batch: list[int]) -> tuple[list[dict[str, Any]], int]:
            async with gate:
                return await gr.contents(batch)

        tasks = [asyncio.ensure_future(fetch(b)) for b in batches]
        try:
            for next_done in asyncio.as_completed(tasks):
                raw, big = await next_done
                report.too_large += big
                items = [it for it in (server_item(r, self.topics) for r in raw) if it is not None]
                result = self.state.ingest(items, feeds)
                report.new_ids.extend(result.new_ids)
                report.updated += result.updated
                report.matched += result.matched
                report.skipped += result.skipped
                for it in items:
                    if it.crawled is not None and (newest is None or it.crawled > newest):
                        newest = it.crawled
                done += len(raw) + big
                say("stories", min(done, len(wanted)), len(wanted))
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return newest

    def _housekeeping(self) -> None:
        settings = self.config.settings
        if settings.keep_days or settings.max_stories_per_feed:
            self.store.prune(settings.keep_days, settings.max_stories_per_feed)
        self.store.index_pending()

    # -- pushing -------------------------------------------------------------------

    async def push(self, progress: Progress | None = None) -> dict[str, int]:
        """Send pending changes only (the app, a few seconds after a mark)."""
        if not self.state.pending_count():
            return {}
        async with self._session() as gr:
            self.state.check_server(self.identity())
            return await self._push(gr, progress or (lambda phase, done, total: None))

    async def _push(self, gr: GReaderClient, say: Progress) -> dict[str, int]:
        changes = self.state.pending()
        counts = {"read": 0, "unread": 0, "starred": 0, "unstarred": 0}
        if not changes:
            return {}
        say("pushing", 0, len(changes))
        groups: dict[tuple[str, bool], list] = {}
        for change in changes:
            groups.setdefault((change.field, change.value), []).append(change)
        done = 0
        for (name, value), group in groups.items():
            stream = READ if name == "read" else STARRED
            label = (name if value else "un" + name) if name == "starred" else ("read" if value else "unread")
            for start in range(0, len(group), EDIT_BATCH):
                batch = group[start : start + EDIT_BATCH]
                ids = [c.item_id for c in batch]
                if value:
                    await gr.edit_tag(ids, add=stream)
                else:
                    await gr.edit_tag(ids, remove=stream)
                self.state.accept(batch)
                counts[label] += len(batch)
                done += len(batch)
                say("pushing", done, len(changes))
        return counts

    # -- subscriptions -------------------------------------------------------------

    async def subscribe(
        self, feeds: Sequence[FeedConfig], progress: Callable[[FeedConfig, str | None], None] | None = None
    ) -> tuple[list[FeedConfig], list[FeedConfig], list[tuple[FeedConfig, str]]]:
        """Subscribe the server to these feeds (the first tag is the folder).

        Returns (subscribed, already there, failed with the reason).
        """
        added: list[FeedConfig] = []
        present: list[FeedConfig] = []
        failed: list[tuple[FeedConfig, str]] = []
        async with self._session() as gr:
            self.state.check_server(self.identity())
            known = {s.url for s in await gr.subscriptions()}
            for feed in feeds:
                if feed.url in known:
                    present.append(feed)
                    continue
                try:
                    await gr.subscribe(feed.url, feed.title, feed.tags[0] if feed.tags else None)
                except SyncError as exc:
                    if exc.status in (None, 401, 403) or exc.status >= 500:
                        raise  # the server, not this feed
                    failed.append((feed, exc.message))
                    if progress:
                        progress(feed, exc.message)
                    continue
                known.add(feed.url)
                added.append(feed)
                if progress:
                    progress(feed, None)
            self.state.apply_subscriptions(await gr.subscriptions(), self.config.feeds)
        return added, present, failed

    async def unsubscribe(self, url: str) -> None:
        """Drop the server's subscription to this feed URL (its stories stay here)."""
        stream = self.state.server_feeds().get(url)
        if stream is None:
            raise SyncError(f"{url} is not a subscription on the sync server")
        async with self._session() as gr:
            await gr.unsubscribe(stream)
            self.state.forget_subscription(stream, self.config.feeds)


def server_item(raw: dict[str, Any], topics: Sequence[Topic] = ()) -> ServerItem | None:
    """A server's item as a cleaned story (the same cleaning as a fetched feed's), or None."""
    try:
        item_id = to_int(str(raw.get("id", "")))
    except ValueError:
        return None
    origin = raw.get("origin")
    stream = origin.get("streamId") if isinstance(origin, dict) else None
    if not isinstance(stream, str):
        return None
    read, starred = state_of(raw.get("categories") or [])
    summary = _content(raw.get("summary"))
    content = _content(raw.get("content"))
    if content and summary and content.strip() == summary.strip():
        summary = ""
    link = _href(raw.get("canonical")) or _href(raw.get("alternate"))
    title = raw.get("title")
    author = raw.get("author")
    item = make_item(
        guid=None,
        link=link,
        title=html.unescape(title) if isinstance(title, str) else "",
        summary_html=summary if content else "",
        content_html=content or summary,
        author=html.unescape(author) if isinstance(author, str) else "",
        published=checked_date(_number(raw.get("published"))),
        topics=topics,
    )
    crawled = _number(raw.get("crawlTimeMsec"))
    return ServerItem(
        item_id=item_id,
        stream_id=stream,
        crawled=crawled / 1000 if crawled is not None else None,
        read=read,
        starred=starred,
        item=item,
    )


def _content(value: Any) -> str:
    if isinstance(value, dict):
        text = value.get("content")
        return text if isinstance(text, str) else ""
    return ""


def _href(value: Any) -> str | None:
    if isinstance(value, list):
        for link in value:
            if isinstance(link, dict) and isinstance(link.get("href"), str) and link["href"].strip():
                return link["href"].strip()
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None
