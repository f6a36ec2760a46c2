"""Feed parsing in worker processes driven straight from the event loop.

feedparser (and the item cleaning around any parser) is CPU-bound Python;
parsing hundreds of feeds in threads would serialise on the GIL and make the
UI stutter.  Each worker is `python -m tuinews.io.parse_worker`, talking over
its stdin and stdout pipes with asyncio -- no executor threads, no forkserver,
no semaphore tracker, so a refresh costs two processes, not five.  There is
one worker per core less the one the main process needs for the network and
the database (at least one).  A worker leaves when its input ends, including
when tuinews is killed.  A worker that dies on a feed fails that feed only;
the next feed starts a new one.  Where processes cannot be started, parsing
runs in a thread, so a refresh still completes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import signal
import sys
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from tuinews.config import TopicConfig
from tuinews.core.models import ParsedFeed
from tuinews.errors import ParseError
from tuinews.io.parse_worker import HEAD, frame

DIED = "the parser process died on this feed (too large or malformed)"
STOP_SECONDS = 2.0
DEPTH = 2  # requests queued in a worker's pipe: the next feed is there when it finishes one


def default_workers() -> int:
    """Cores less one (the main process fetches and writes), at least one."""
    return max(1, (os.cpu_count() or 2) - 1)


class _Died(Exception):
    """The worker's pipe broke: it was killed or crashed."""


class _Worker:
    """One worker process; requests are pipelined, answers come back in order."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.pending: deque[asyncio.Future[tuple[object, ...]]] = deque()
        self.dead = False
        self._reader = asyncio.ensure_future(self._read_answers())

    async def parse(self, request: bytes) -> tuple[object, ...]:
        if self.dead:
            raise _Died
        stdin = self.proc.stdin
        assert stdin is not None
        answer: asyncio.Future[tuple[object, ...]] = asyncio.get_running_loop().create_future()
        self.pending.append(answer)
        try:
            stdin.write(request)
            await stdin.drain()
        except (ConnectionError, OSError):
            self._fail()
        # A caller cancelled here leaves its answer to arrive unread: the pipe stays in step.
        return await asyncio.shield(answer)

    async def _read_answers(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            while True:
                (size,) = HEAD.unpack(await stdout.readexactly(HEAD.size))
                answer = pickle.loads(await stdout.readexactly(size))
                if self.pending:
                    done = self.pending.popleft()
                    if not done.done():
                        done.set_result(answer)
        except (asyncio.IncompleteReadError, ConnectionError, OSError, pickle.UnpicklingError):
            self._fail()

    def _fail(self) -> None:
        self.dead = True
        while self.pending:
            waiting = self.pending.popleft()
            if not waiting.done():
                waiting.set_exception(_Died())

    def kill(self) -> None:
        self.dead = True
        self._reader.cancel()
        with contextlib.suppress(ProcessLookupError, OSError):
            os.kill(self.proc.pid, signal.SIGKILL)


async def start_worker(module: str) -> _Worker | None:
    """`python -m module` as a worker on pipes; None where processes cannot be started."""
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,  # never onto the terminal the app draws on
        )
    except (OSError, NotImplementedError, ValueError):
        return None
    return _Worker(proc)


async def stop_workers(workers: Sequence[_Worker]) -> None:
    """Let workers finish and leave (end of input), killing any that lingers past STOP_SECONDS."""
    for worker in workers:
        if worker.proc.stdin is not None:
            worker.proc.stdin.close()
    for worker in workers:
        try:
            await asyncio.wait_for(worker.proc.wait(), STOP_SECONDS)
        except TimeoutError:
            worker.kill()


class ParsePool:
    """Parser processes for one event loop, started on first use."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or default_workers())
        self.kind = "none"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._room: asyncio.Semaphore | None = None  # requests in flight, over all workers
        self._all: set[_Worker] = set()
        self._starting = 0
        self._spawning: set[asyncio.Future[None]] = set()
        self._thread: ThreadPoolExecutor | None = None

    async def parse(
        self, body: bytes, headers: dict[str, str], url: str, topics: Sequence[TopicConfig] = ()
    ) -> ParsedFeed:
        """Parse in a worker; raise ParseError (with the worker's reason) when the feed cannot be read."""
        request = frame(pickle.dumps((body, headers, url, tuple(topics)), protocol=pickle.HIGHEST_PROTOCOL))
        self._bind()
        assert self._room is not None
        async with self._room:
            worker = await self._take()
            if worker is None:  # no processes here: a thread
                return await self._in_thread(body, headers, url, topics)
            try:
                kind, value = await worker.parse(request)
            except _Died:
                self._drop(worker)
                raise ParseError(DIED) from None
        if kind == "ok":
            return value  # type: ignore[return-value]
        if kind == "expected":
            raise ParseError(str(value))
        raise ParseError(f"could not parse ({value})")

    def prestart(self) -> None:
        """Start the workers now (a refresh calls this before its first fetch returns)."""
        self._bind()
        self._all = {w for w in self._all if not w.dead}
        while self.kind != "thread" and len(self._all) + self._starting < self.workers:
            self._starting += 1
            task = asyncio.ensure_future(self._spawn_idle())
            self._spawning.add(task)
            task.add_done_callback(self._spawning.discard)

    async def _spawn_idle(self) -> None:
        await self._spawn()

    async def _take(self) -> _Worker | None:
        """The least busy live worker, starting one while there are fewer than `workers`."""
        self._all = {w for w in self._all if not w.dead}
        live = list(self._all)
        busy = not live or min(len(w.pending) for w in live) > 0
        if busy and len(live) + self._starting < self.workers and self.kind != "thread":
            self._starting += 1
            worker = await self._spawn()
            if worker is not None:
                return worker
            live = [w for w in self._all if not w.dead]
        if not live and self._spawning:  # prestarted workers are on their way
            await asyncio.wait(list(self._spawning))
            live = [w for w in self._all if not w.dead]
        if not live:
            return None
        return min(live, key=lambda w: len(w.pending))

    async def _spawn(self) -> _Worker | None:
        try:
            worker = await start_worker("tuinews.io.parse_worker")
        finally:
            self._starting -= 1
        if worker is None:
            self.kind = "thread"
            return None
        self.kind = "process"
        self._all.add(worker)
        return worker

    def _drop(self, worker: _Worker) -> None:
        worker.kill()
        self._all.discard(worker)

    def _bind(self) -> None:
        """Workers belong to the loop that started them: another loop starts afresh."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self.shutdown()
            self._loop = loop
            self._room = asyncio.Semaphore(self.workers * DEPTH)

    async def _in_thread(
        self, body: bytes, headers: dict[str, str], url: str, topics: Sequence[TopicConfig]
    ) -> ParsedFeed:
        from tuinews.io.feed_parse import parse_feed

        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tuinews-parse")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, parse_feed, body, headers, url, topics)

    async def aclose(self) -> None:
        """Let the workers finish and leave (end of input), killing any that lingers."""
        workers, self._all = list(self._all), set()
        await stop_workers(workers)

    def shutdown(self) -> None:
        """Stop the workers now (no event loop needed)."""
        workers, self._all = list(self._all), set()
        for worker in workers:
            worker.kill()
        if self._thread is not None:
            self._thread.shutdown(wait=False)
            self._thread = None


_shared: ParsePool | None = None


def shared_pool() -> ParsePool:
    """The process's parse pool, shared by every refresh (workers outlive one refresh)."""
    global _shared
    if _shared is None:
        _shared = ParsePool()
    return _shared


__all__ = ["ParsePool", "default_workers", "shared_pool", "start_worker", "stop_workers"]
