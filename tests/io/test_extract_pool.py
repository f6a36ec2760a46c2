"""The extraction pool: real worker processes, their order, their reuse, and the thread fallback."""

from __future__ import annotations

import asyncio
import time

import pytest

import tuinews.io.extract_pool as extract_pool
from tuinews.errors import ExtractError
from tuinews.io.extract_pool import ExtractPool

PROSE = "The council confirmed on Tuesday that the bridge will close for two years while engineers work. " * 4


def page(title: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body><article><p>{PROSE}</p></article></body></html>".encode()


PARA = "<p>" + "Words of a sentence that goes on, with commas, and more words. " * 3 + "</p>"
SLOWISH = (
    "<html><body><article>" + ("<div>" * 20 + PARA + "</div>" * 20) * 600 + "</article></body></html>"
).encode()


async def test_pages_come_back_extracted_and_the_worker_is_reused() -> None:
    pool = ExtractPool(workers=1)
    try:
        first = await pool.extract(page("One page title"), "http://127.0.0.1/a", "text/html", 20)
        worker = next(iter(pool._all))
        second = await pool.extract(page("Two page title"), "http://127.0.0.1/b", "text/html", 20)
        assert (first.title, second.title) == ("One page title", "Two page title")
        assert pool._all == {worker} and pool.kind == "process"
        with pytest.raises(ExtractError, match="no article text"):
            await pool.extract(b"<html><body></body></html>", None, "text/html", 20)
        assert pool._all == {worker}  # an expected failure keeps the worker
    finally:
        await pool.aclose()


async def test_the_page_the_reader_opens_goes_before_prefetched_ones() -> None:
    pool = ExtractPool(workers=1)
    done: list[str] = []

    async def one(name: str, urgent: bool, key: object = None) -> None:
        await pool.extract(page(name), None, "text/html", 30, urgent=urgent, key=key)
        done.append(name)

    try:
        busy = asyncio.ensure_future(one("first", False))
        await asyncio.sleep(0.05)  # holds the only worker
        queued = [asyncio.ensure_future(one(f"prefetch {i}", False, key=i)) for i in range(3)]
        await asyncio.sleep(0)
        opened = asyncio.ensure_future(one("opened", True))
        await asyncio.sleep(0)
        pool.hurry(2)  # the reader now waits for a page being prefetched
        await asyncio.gather(busy, *queued, opened)
    finally:
        await pool.aclose()
    # urgent ones in the order they were queued, then the prefetches in theirs
    assert done == ["first", "prefetch 2", "opened", "prefetch 0", "prefetch 1"]


async def test_an_abandoned_page_finishes_and_its_worker_is_kept() -> None:
    """A prefetch the reader moved past is not killed (a new worker costs ~0.3 s of CPU)."""
    pool = ExtractPool(workers=1)
    try:
        task = asyncio.ensure_future(pool.extract(SLOWISH, None, "text/html", 30))
        await asyncio.sleep(0.3)
        worker = next(iter(pool._all))
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        got = await pool.extract(page("After the abandoned one"), None, "text/html", 30)
        assert got.title == "After the abandoned one"
        assert pool._all == {worker} and not worker.dead
    finally:
        await pool.aclose()


async def test_where_processes_cannot_start_pages_are_read_in_a_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def no_process(module: str) -> None:
        return None

    monkeypatch.setattr(extract_pool, "start_worker", no_process)
    pool = ExtractPool(workers=1)
    try:
        got = await pool.extract(page("Thread page title"), None, "text/html", 20)
        assert got.title == "Thread page title" and pool.kind == "thread"
        started = time.monotonic()
        with pytest.raises(ExtractError, match=r"took longer than 0\.2 s"):
            await pool.extract(SLOWISH * 3, None, "text/html", 0.2)
        assert time.monotonic() - started < 1.0  # the reader stops waiting (the thread runs on)
    finally:
        pool.shutdown()
