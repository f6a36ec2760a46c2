"""Article extraction under a time limit: worker processes that can be stopped.

readability-lxml and the cleaning passes are pure Python over lxml: a thread
running them cannot be interrupted, so a page built to be slow (or one that
is merely huge) would hold the reader for as long as it takes.  Extraction
runs instead in `python -m tuinews.io.extract_worker` processes, one page at
a time each, driven from the event loop over the feed parsers' pipe protocol.
A page that is not done by its deadline gets its worker killed (SIGKILL: the
limit bounds wall time, not just the waiting) and an `ExtractError` saying
so; the next page gets a fresh worker.  Pages the reader opens go before
prefetched ones.  Where processes cannot be started, extraction runs in a
thread and the deadline only stops the waiting.
"""

from __future__ import annotations

import asyncio
import pickle
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from tuinews.errors import ExtractError
from tuinews.io.extract import Extracted
from tuinews.io.parse_pool import _Died, _Worker, default_workers, start_worker, stop_workers
from tuinews.io.parse_worker import frame

DIED = "the extraction process died on this page"


def too_slow(seconds: float) -> str:
    """The one-line reason for a page that was not read in time."""
    return f"reading the page took longer than {seconds:g} s, gave up"


@dataclass(eq=False)
class _Ticket:
    """A request waiting for a worker."""

    future: asyncio.Future[None]
    key: object
    urgent: bool = field(default=False)


class ExtractPool:
    """Extraction processes for one event loop, started on first use."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or default_workers())
        self.kind = "none"  # "process" once one started, "thread" where none can
        self._loop: asyncio.AbstractEventLoop | None = None
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._spawning = 0
        self._prestarting: asyncio.Future[None] | None = None
        self._tasks: set[asyncio.Future[None]] = set()  # prestarts and pages finishing unwatched
        self._busy = 0
        self._waiting: list[_Ticket] = []
        self._thread: ThreadPoolExecutor | None = None

    async def extract(
        self,
        body: bytes,
        url: str | None,
        content_type: str,
        limit: float,
        *,
        urgent: bool = True,
        key: object = None,
        deadline: float | None = None,
    ) -> Extracted:
        """The article of a page, or ExtractError with the reason, within `limit` seconds of starting it.

        Waiting for a free worker is not counted, as waiting for a connection
        slot is not counted against a fetch; `urgent` requests (and ones
        `hurry(key)` names) wait in front.  `deadline` is the limit the error
        quotes when `limit` is what was left of it.  A caller that gives up (a
        prefetch the reader moved past) leaves its page to finish under the
        same limit, so the worker is reused rather than killed and restarted.
        """
        self._bind()
        request = frame(pickle.dumps((body, url, content_type), protocol=pickle.HIGHEST_PROTOCOL))
        slow = ExtractError(too_slow(deadline or limit))
        await self._turn(urgent, key)
        handed_over = False
        try:
            worker = await self._worker()
            if worker is None:
                return await self._in_thread(body, url, content_type, limit, slow)
            ends = time.monotonic() + limit
            job = asyncio.ensure_future(worker.parse(request))
            try:
                kind, value = await asyncio.wait_for(asyncio.shield(job), limit)
            except TimeoutError:
                self._kill(worker, job)
                raise slow from None
            except _Died:
                self._kill(worker, job)
                raise ExtractError(DIED) from None
            except asyncio.CancelledError:
                handed_over = True
                self._finish_unwatched(worker, job, ends)
                raise
            self._idle.append(worker)
        finally:
            if not handed_over:
                self._release()
        if kind == "ok":
            return value  # type: ignore[return-value]
        if kind == "expected":
            raise ExtractError(str(value))
        raise ExtractError(f"could not read the page ({value})")

    def hurry(self, key: object) -> None:
        """Move a waiting request for `key` to the front (the reader opened a page being prefetched)."""
        for ticket in self._waiting:
            if ticket.key == key:
                ticket.urgent = True

    def prestart(self) -> None:
        """Start a worker now if none is free, so the next page does not wait for one to start."""
        self._bind()
        free = len(self._idle) + self._spawning
        if self.kind == "thread" or free or len(self._all) + self._spawning >= self.workers:
            return
        self._spawning += 1
        self._prestarting = asyncio.ensure_future(self._prestarted())
        self._track(self._prestarting)

    async def _prestarted(self) -> None:
        worker = await self._spawn()
        if worker is not None:
            self._idle.append(worker)

    # -- slots ---------------------------------------------------------------------

    async def _turn(self, urgent: bool, key: object) -> None:
        """Wait until fewer than `workers` pages are being extracted."""
        if self._busy < self.workers and not self._waiting:
            self._busy += 1
            return
        assert self._loop is not None
        ticket = _Ticket(self._loop.create_future(), key, urgent)
        self._waiting.append(ticket)
        try:
            await ticket.future  # _release hands its slot over: _busy already counts us
        except asyncio.CancelledError:
            if ticket.future.done() and not ticket.future.cancelled():
                self._release()  # the slot reached us as we were cancelled: pass it on
            elif ticket in self._waiting:
                self._waiting.remove(ticket)
            raise

    def _release(self) -> None:
        while self._waiting:
            ticket = next((t for t in self._waiting if t.urgent), self._waiting[0])
            self._waiting.remove(ticket)
            if not ticket.future.done():
                ticket.future.set_result(None)
                return
        self._busy -= 1

    # -- workers -------------------------------------------------------------------

    async def _worker(self) -> _Worker | None:
        if not self._idle and self._prestarting is not None and not self._prestarting.done():
            await asyncio.shield(self._prestarting)  # one is on its way: wait for it, start no other
        while self._idle:
            worker = self._idle.pop()
            if not worker.dead and worker.proc.returncode is None:
                return worker
            self._all.discard(worker)
        if self.kind == "thread":
            return None
        self._spawning += 1
        return await self._spawn()

    async def _spawn(self) -> _Worker | None:
        try:
            worker = await start_worker("tuinews.io.extract_worker")
        finally:
            self._spawning -= 1
        if worker is None:
            self.kind = "thread"
            return None
        self.kind = "process"
        self._all.add(worker)
        return worker

    def _finish_unwatched(
        self, worker: _Worker, job: asyncio.Future[tuple[object, ...]], ends: float
    ) -> None:
        """Let an abandoned page finish (or be killed at its deadline), then free its worker and slot."""

        async def finish() -> None:
            try:
                await asyncio.wait_for(job, max(0.0, ends - time.monotonic()))
                self._idle.append(worker)
            except (TimeoutError, _Died, asyncio.CancelledError):
                self._kill(worker, job)
            finally:
                self._release()

        self._track(asyncio.ensure_future(finish()))

    def _track(self, task: asyncio.Future[None]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _kill(self, worker: _Worker, job: asyncio.Future[tuple[object, ...]]) -> None:
        worker.kill()
        self._all.discard(worker)
        job.cancel()

    async def _in_thread(
        self, body: bytes, url: str | None, content_type: str, limit: float, slow: ExtractError
    ) -> Extracted:
        from tuinews.io.extract import extract

        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="tuinews-extract")
        job = asyncio.get_running_loop().run_in_executor(self._thread, extract, body, url, content_type)
        try:
            return await asyncio.wait_for(job, limit)
        except TimeoutError:
            raise slow from None
        except ExtractError:
            raise
        except Exception as exc:  # a parser crash on a hostile page fails this article only
            raise ExtractError(f"could not read the page ({exc.__class__.__name__})") from None

    def _bind(self) -> None:
        """Workers belong to the loop that started them: another loop starts afresh."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self.shutdown()
            self._loop = loop
            self._busy, self._spawning, self._waiting, self._prestarting = 0, 0, [], None

    async def aclose(self) -> None:
        """Let the workers leave (end of input), killing any that lingers."""
        for task in list(self._tasks):
            task.cancel()
        workers, self._all, self._idle = self._all, set(), []
        await stop_workers(list(workers))

    def shutdown(self) -> None:
        """Stop the workers now, busy ones too (no event loop needed)."""
        workers, self._all, self._idle = self._all, set(), []
        for worker in workers:
            worker.kill()
        if self._thread is not None:
            self._thread.shutdown(wait=False)
            self._thread = None
