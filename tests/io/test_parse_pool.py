"""Parser worker processes: answers, errors, a worker killed mid-feed, and no orphans."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tests.feeds import Feed, Item
from tuinews.errors import ParseError
from tuinews.io.parse_pool import DIED, ParsePool

RSS = Feed(
    "Pool", items=[Item(f"Story {n}", f"g{n}", f"https://example.org/{n}", "<p>Text.</p>") for n in range(3)]
)
HEADERS = {"content-type": "application/rss+xml"}


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie is gone too
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


async def test_feeds_and_their_errors_come_back_through_the_pipes() -> None:
    pool = ParsePool(workers=2)
    try:
        parsed = await asyncio.gather(
            *[pool.parse(RSS.rss(), HEADERS, "https://example.org/f") for _ in range(6)]
        )
        assert [len(p.items) for p in parsed] == [3] * 6
        assert pool.kind == "process"
        with pytest.raises(ParseError, match="HTML page"):
            await pool.parse(b"<html><body>hi</body></html>", {"content-type": "text/html"}, "https://x/")
        assert len((await pool.parse(RSS.rss(), HEADERS, "https://example.org/f")).items) == 3
    finally:
        await pool.aclose()


async def test_a_worker_killed_mid_feed_fails_that_feed_only() -> None:
    pool = ParsePool(workers=1)
    try:
        await pool.parse(RSS.rss(), HEADERS, "https://example.org/f")
        (worker,) = pool._all
        big = Feed(
            "Big", items=[Item(f"S{n}", f"g{n}", f"https://e.org/{n}", "<p>x</p>" * 50) for n in range(900)]
        )
        pending = asyncio.ensure_future(pool.parse(big.rss(), HEADERS, "https://example.org/big"))
        await asyncio.sleep(0.01)  # sent (a 1,000-item feed takes the worker ~0.1 s)
        os.kill(worker.proc.pid, signal.SIGKILL)
        with pytest.raises(ParseError) as info:
            await pending
        assert info.value.message == DIED
        assert len((await pool.parse(RSS.rss(), HEADERS, "https://example.org/f")).items) == 3  # a new worker
    finally:
        await pool.aclose()


def test_workers_leave_when_tuinews_is_killed(tmp_path) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        sys.path.insert(0, {os.getcwd()!r})
        from tests.io.test_parse_pool import RSS, HEADERS
        from tuinews.io.parse_pool import ParsePool

        async def main():
            pool = ParsePool(workers=1)
            await pool.parse(RSS.rss(), HEADERS, "https://example.org/f")
            print(*[w.proc.pid for w in pool._all], flush=True)
            await asyncio.sleep(60)

        asyncio.run(main())
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(proc.stdout.readline())  # type: ignore[union-attr]
        assert alive(worker)
        proc.kill()  # kill -9: no clean-up code runs
        proc.wait()
        deadline = time.monotonic() + 5
        while alive(worker) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not alive(worker)  # its input ended, so it left
    finally:
        proc.kill()


async def test_where_processes_cannot_start_parsing_runs_in_a_thread(monkeypatch) -> None:
    async def refuse(*args, **kwargs):
        raise OSError("no processes here")

    monkeypatch.setattr(asyncio, "create_subprocess_exec", refuse)
    pool = ParsePool(workers=2)
    try:
        pool.prestart()
        parsed = await pool.parse(RSS.rss(), HEADERS, "https://example.org/f")
        assert len(parsed.items) == 3 and pool.kind == "thread"
        with pytest.raises(ParseError, match="HTML page"):
            await pool.parse(b"<html><body>hi</body></html>", {"content-type": "text/html"}, "https://x/")
    finally:
        await pool.aclose()
        pool.shutdown()
