"""Fetch a story's web page, reduce it to the article, clean it, cache it.

Uses the refresh's HTTP client and per-host gate (same caps and timeouts,
`max_article_bytes` for size).  One deadline (`timeout_seconds`) covers the
fetch and the extraction: extraction runs in a worker process
(`tuinews.io.extract_pool`) that is killed when the rest of the deadline runs
out.  Results and failures are both stored, so a story opened once opens
offline, and a page that failed is not refetched on every keypress.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tuinews.core.links import is_web_url
from tuinews.core.models import Story
from tuinews.errors import ExtractError, FetchError, TuinewsError
from tuinews.io.extract_pool import ExtractPool
from tuinews.io.http import HostGate, Limits, fetch
from tuinews.io.store import CachedArticle, Store

PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
RETRY_FAILED_AFTER = 3600.0
MIN_EXTRACT_SECONDS = 0.5  # what extraction gets when the fetch used (nearly) all of the deadline


@dataclass(frozen=True)
class ArticleResult:
    """The article of a story, or why the reader keeps the feed's text."""

    story_id: int
    article: CachedArticle | None
    error: str | None
    cached: bool


class ArticleFetcher:
    """Fetches and extracts articles; one per service."""

    def __init__(
        self,
        store: Store,
        limits: Limits,
        client: Callable[[], object],
        gate: Callable[[], HostGate],
        write: Callable[..., object],
        pool: ExtractPool | None = None,
    ) -> None:
        self.store = store
        self.limits = limits
        self._client = client
        self._gate = gate
        self._write = write
        self.pool = pool or ExtractPool()
        self._inflight: dict[int, asyncio.Future[ArticleResult]] = {}
        self._hurried: set[int] = set()  # prefetches the reader is now waiting for

    async def aclose(self) -> None:
        """Let the extraction processes leave."""
        await self.pool.aclose()

    def shutdown(self) -> None:
        """Stop the extraction processes now."""
        self.pool.shutdown()

    async def get(self, story: Story, *, refetch: bool = False, urgent: bool = True) -> ArticleResult:
        """The stored article, or fetch it now (concurrent requests for one story share a fetch).

        `urgent` (the story the reader opens) extracts before pages being prefetched.
        """
        loop = asyncio.get_running_loop()
        cached = await loop.run_in_executor(None, self.store.article, story.id)
        if cached is not None and not refetch:
            if cached.error is None:
                return ArticleResult(story.id, cached, None, True)
            if cached.fetched_at > _now() - RETRY_FAILED_AFTER:
                return ArticleResult(story.id, None, cached.error, True)
        pending = self._inflight.get(story.id)
        if pending is not None:
            if urgent:  # the reader waits for a page being prefetched: it goes first now
                self._hurried.add(story.id)
                self.pool.hurry(story.id)
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise  # we were cancelled ourselves
                # the fetch we joined was cancelled (a prefetch moved on): fetch it ourselves
        future: asyncio.Future[ArticleResult] = loop.create_future()
        self._inflight[story.id] = future
        try:
            result = await self._fetch(story, urgent)
            future.set_result(result)
            return result
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        finally:
            if self._inflight.get(story.id) is future:
                del self._inflight[story.id]
                self._hurried.discard(story.id)

    async def _fetch(self, story: Story, urgent: bool) -> ArticleResult:
        if not story.link or not is_web_url(story.link):
            return ArticleResult(story.id, None, "this story has no web page to fetch", False)
        gate = self._gate()
        deadline = self.limits.total_seconds
        try:
            async with gate.overall, gate.host(story.link):
                self.pool.prestart()  # a worker starts while the page downloads
                started = time.monotonic()
                resp = await fetch(self._client(), story.link, self.limits, accept=PAGE_ACCEPT)  # type: ignore[arg-type]
            content_type = resp.headers.get("content-type", "")
            ctype = content_type.split(";")[0].strip().lower()
            if ctype and not any(t in ctype for t in ("html", "xml", "text/plain")):
                raise ExtractError(f"the link is not a web page ({ctype})")
            left = max(deadline - (time.monotonic() - started), MIN_EXTRACT_SECONDS)
            extracted = await self.pool.extract(
                resp.body,
                resp.url,
                content_type,
                left,
                urgent=urgent or story.id in self._hurried,
                key=story.id,
                deadline=deadline,
            )
        except (FetchError, ExtractError) as exc:
            message = exc.message
            await self._write(lambda: self.store.save_article(story.id, story.link, error=message))
            return ArticleResult(story.id, None, exc.message, False)
        except TuinewsError as exc:
            return ArticleResult(story.id, None, exc.message, False)
        await self._write(
            lambda: self.store.save_article(
                story.id,
                resp.url,
                title=extracted.title,
                byline=extracted.byline,
                published=extracted.published,
                html=extracted.html,
                text=extracted.text,
            )
        )
        article = await asyncio.get_running_loop().run_in_executor(None, self.store.article, story.id)
        return ArticleResult(story.id, article, None, False)

    async def prefetch(self, stories: Sequence[Story]) -> int:
        """Fetch articles of stories that have none yet; returns how many were fetched."""
        missing = set(
            await asyncio.get_running_loop().run_in_executor(
                None, self.store.missing_articles, [s.id for s in stories]
            )
        )
        todo = [s for s in stories if s.id in missing]
        results = await asyncio.gather(*(self.get(s, urgent=False) for s in todo), return_exceptions=True)
        return sum(1 for r in results if isinstance(r, ArticleResult) and r.article is not None)


def _now() -> float:
    return time.time()
