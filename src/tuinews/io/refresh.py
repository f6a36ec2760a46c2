"""Refresh feeds concurrently and stream one FeedOutcome per feed.

Network I/O runs on the event loop; parsing runs in an executor (never on the
loop); every database write goes through one writer thread, so the UI's
connection is never blocked by a refresh and SQLite never sees two writers of
ours at once.  A feed's failure is a value in the stream, never an exception
that aborts the others.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import datetime

import httpx

from tuinews.config import Settings, TopicConfig
from tuinews.core import schedule
from tuinews.core.models import FeedOutcome, ParsedFeed
from tuinews.errors import ParseError, TuinewsError
from tuinews.io.http import HostGate, Limits, fetch, header, make_client
from tuinews.io.parse_pool import shared_pool
from tuinews.io.store import FeedState, Fetched, Store

FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)

ParseFunc = Callable[[bytes, dict[str, str], str], ParsedFeed]
# New stories between full-text index passes during a refresh: big enough that FTS5
# indexes cheaply, small enough that the pass overlaps with fetching and parsing
# instead of all of it waiting for the end.
INDEX_EVERY = 4000


def limits_from(settings: Settings, *, article: bool = False) -> Limits:
    """HTTP limits from the settings (feeds and articles differ only in size)."""
    return Limits(
        total_seconds=float(settings.timeout_seconds),
        max_bytes=settings.max_article_bytes if article else settings.max_feed_bytes,
        max_redirects=settings.max_redirects,
        user_agent=settings.user_agent,
    )


class Refresher:
    """Fetches, parses and stores feeds; one instance per app or CLI run."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        parse: ParseFunc | None = None,
        parse_executor: Executor | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        topics: Sequence[TopicConfig] = (),
    ) -> None:
        self.store = store
        self.settings = settings
        self.limits = limits_from(settings)
        # None: feedparser in the shared worker processes, which also match watched topics there.
        self._parse = parse
        self._parse_executor = parse_executor
        self._topics = tuple(topics)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tuinews-writer")
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._gate: HostGate | None = None
        self._unindexed = 0
        self._index_jobs: list[asyncio.Future[object]] = []

    @property
    def client(self) -> httpx.AsyncClient:
        """The shared HTTP client (created on first use, on the running loop)."""
        if self._client is None or self._client.is_closed:
            self._client = make_client(self.limits, self._transport, proxy=self.settings.proxy)
            self._gate = None
        return self._client

    @property
    def gate(self) -> HostGate:
        """Global and per-host concurrency, shared by feed and article fetches."""
        if self._gate is None:
            self._gate = HostGate(self.settings.concurrency, self.settings.per_host_concurrency)
        return self._gate

    async def aclose(self) -> None:
        """Close the HTTP client and let the parser processes leave (the writer thread stays usable)."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None
            self._gate = None
        if self._parse is None:
            await shared_pool().aclose()

    def shutdown(self) -> None:
        """Stop the writer thread (after the last write) and any parser process still running."""
        self._writer.shutdown(wait=True)
        shared_pool().shutdown()

    async def write(self, func: Callable, *args: object) -> object:
        """Run a store write on the single writer thread."""
        return await asyncio.get_running_loop().run_in_executor(self._writer, func, *args)

    async def run(
        self, urls: Iterable[str] | None = None, *, force: bool = False
    ) -> AsyncIterator[FeedOutcome]:
        """Refresh feeds (all active ones, or `urls`), yielding outcomes as they finish."""
        states: list[FeedState] = await self.write(
            self.store.feed_states, list(urls) if urls is not None else None
        )  # type: ignore[assignment]
        titles = {url: title for _, url, title, _ in await self.write(self.store.feed_index)}  # type: ignore[attr-defined]
        gate = self.gate
        if self._parse is None and any(not (s.etag or s.last_modified or s.body_hash) for s in states):
            shared_pool().prestart()  # new feeds: parsers start while the first requests are in flight
        # Unchanged feeds only need "fetched at, status": one transaction for all of them, at the end.
        unchanged: list[tuple[int, int, float | None]] = []
        tasks = [
            asyncio.ensure_future(self._one(state, titles.get(state.url, state.url), gate, force, unchanged))
            for state in states
        ]
        try:
            for next_done in asyncio.as_completed(tasks):
                yield await next_done
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if unchanged:
                await self.write(self.store.record_unchanged, unchanged)
            jobs, self._index_jobs = self._index_jobs, []
            await asyncio.gather(*jobs, return_exceptions=True)  # a failed pass is redone by the next

    async def _one(
        self,
        state: FeedState,
        title: str,
        gate: HostGate,
        force: bool,
        unchanged: list[tuple[int, int, float | None]],
    ) -> FeedOutcome:
        now = time.time()
        if not force and state.next_fetch_at and state.next_fetch_at > now:
            when = datetime.fromtimestamp(state.next_fetch_at).strftime("%H:%M")
            why = schedule.waiting_reason(state.error_count)
            return FeedOutcome(state.url, title, "skipped", error=f"waiting until {when} {why}")
        try:
            async with gate.overall, gate.host(state.url):
                return await self._fetch_and_store(state, title, unchanged)
        except asyncio.CancelledError:
            raise
        except TuinewsError as exc:
            status = getattr(exc, "status", None)
            headers = getattr(exc, "headers", {})
            next_at = schedule.after_failure(status, headers, state.error_count, time.time())
            await self.write(self._record_error, state.id, status, exc.message, next_at)
            return FeedOutcome(state.url, title, "error", error=exc.message, status=status)
        except Exception as exc:  # a bug must not abort the other feeds
            message = f"unexpected error ({exc.__class__.__name__}: {exc})"[:300]
            await self.write(self._record_error, state.id, None, message, None)
            return FeedOutcome(state.url, title, "error", error=message)

    def _record_error(self, feed_id: int, status: int | None, message: str, next_at: float | None) -> None:
        try:
            self.store.record_fetch(feed_id, status=status, error=message, next_fetch_at=next_at)
        except TuinewsError:
            pass  # the outcome still reports the feed's failure

    async def _fetch_and_store(
        self, state: FeedState, title: str, unchanged: list[tuple[int, int, float | None]]
    ) -> FeedOutcome:
        resp = await fetch(
            self.client,
            state.url,
            self.limits,
            etag=state.etag,
            last_modified=state.last_modified,
            accept=FEED_ACCEPT,
        )
        now = time.time()
        next_at = schedule.after_success(resp.headers, now)
        if resp.not_modified:
            unchanged.append((state.id, resp.status, next_at))
            return FeedOutcome(state.url, title, "not_modified", status=304)
        etag = header(resp.headers, "etag")
        last_modified = header(resp.headers, "last-modified")
        digest = hashlib.sha1(resp.body).hexdigest()
        if not etag and not last_modified and state.body_hash == digest:
            unchanged.append((state.id, resp.status, next_at))
            return FeedOutcome(state.url, title, "not_modified", status=resp.status)
        try:
            if self._parse is None:
                parsed = await shared_pool().parse(resp.body, resp.headers, resp.url, self._topics)
            else:
                loop = asyncio.get_running_loop()
                parsed = await loop.run_in_executor(
                    self._parse_executor, self._parse, resp.body, resp.headers, resp.url
                )
        except ParseError:
            raise
        except Exception as exc:  # parser crash on hostile bytes: the feed fails, not the refresh
            raise ParseError(f"could not parse ({exc.__class__.__name__})") from None
        fetched = Fetched(resp.status, etag, last_modified, digest, parsed.title, parsed.link, next_at)
        # One transaction per feed: its new and changed stories together with its validators.
        new_ids, updated = await self.write(
            lambda: self.store.save_items(state.id, parsed.items, fetched=fetched)
        )  # type: ignore[misc]
        self._unindexed += len(new_ids)
        if self._unindexed >= INDEX_EVERY:
            self._unindexed = 0
            loop = asyncio.get_running_loop()
            self._index_jobs.append(loop.run_in_executor(self._writer, self.store.index_pending))
        warning = parsed.warning
        if resp.truncated:
            cut = f"response cut off at {self.limits.max_bytes:,} bytes"
            warning = f"{cut}; {warning}" if warning else cut
        shown = title if title != state.url else (parsed.title or state.url)
        return FeedOutcome(
            state.url,
            shown,
            "new",
            new_count=len(new_ids),
            updated_count=updated,
            item_count=len(parsed.items),
            warning=warning,
            status=resp.status,
            new_ids=tuple(new_ids),
        )
