"""Feed parsing in worker processes, one per core.

feedparser is pure Python and CPU-bound (tens of milliseconds for a 50-item
feed); parsing hundreds of feeds in threads would serialise on the GIL and
make the UI stutter.  Worker processes come from a forkserver that has
already imported the parser, so a worker starts in milliseconds and the app's
own threads are never forked.  If processes cannot be started here, parsing
falls back to a thread, so a refresh still completes.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

PRELOAD = ["tuinews.io.feed_parse"]
WATCH_SECONDS = 2.0


def _warm(owner: int) -> None:
    """Import the parser in each worker, and leave when the process that owns the pool is gone.

    A `kill -9` of tuinews would otherwise orphan the workers: each holds pipe
    ends the others wait on, so none of them ever sees end-of-file.
    """
    import tuinews.io.feed_parse  # noqa: F401

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="tuinews-owner-watch", daemon=True).start()


class ParsePool:
    """A lazily started pool of parser processes (or a thread when processes are unavailable)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._executor: Executor | None = None
        self._lock = threading.Lock()
        self.kind = "none"

    def executor(self) -> Executor:
        """The executor, started on first use."""
        with self._lock:
            if self._executor is None:
                self._executor = self._start()
            return self._executor

    def _start(self) -> Executor:
        try:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=_warm, initargs=(os.getpid(),)
            )
            self.kind = "process"
            return pool
        except (OSError, ValueError, ImportError, NotImplementedError):
            self.kind = "thread"
            return ThreadPoolExecutor(max_workers=1, thread_name_prefix="tuinews-parse")

    def broken(self) -> None:
        """A worker died (killed, out of memory): start afresh on the next feed."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        """Stop the workers."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


_shared: ParsePool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> ParsePool:
    """The process's parse pool, shared by every refresh (workers outlive one refresh)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ParsePool()
        return _shared


__all__ = ["BrokenProcessPool", "ParsePool", "shared_pool"]
