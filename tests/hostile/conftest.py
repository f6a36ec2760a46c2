"""One refresh of every hostile case at once, shared by the checks of `test_cases.py`."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hostile.cases import CASES, SETTINGS, Built, Check, Result
from tuinews.config import load
from tuinews.core.models import FeedOutcome
from tuinews.demo.server import LoopbackServer
from tuinews.io import refresh as refresh_module
from tuinews.service import Service


@dataclass
class HostileRun:
    """Results and checks by case name, plus how long each fetch and each refresh took."""

    results: dict[str, Result]
    checks: dict[str, Check]
    fetch_seconds: dict[str, list[float]]
    refresh_seconds: list[float]


def write_hostile_config(path: Path, urls: list[str]) -> Path:
    """A config with every hostile feed and the hostile settings."""
    path.write_text("".join(f'[[feeds]]\nurl = "{u}"\n' for u in urls) + SETTINGS, encoding="utf-8")
    return path


def build_all(server: LoopbackServer) -> dict[str, Built]:
    """Register every case's routes on `server`."""
    return {name: case.build(server) for name, case in CASES.items()}


async def _refresh(service: Service) -> dict[str, FeedOutcome]:
    out: dict[str, FeedOutcome] = {}
    try:
        async for outcome in service.refresh():
            out[outcome.url] = outcome
    finally:
        await service.aclose()
    return out


def _stories(service: Service, feed_id: int) -> list[dict[str, object]]:
    conn = service.store.db.conn
    cols = ("id", "guid", "link", "title", "summary", "content", "author", "published", "ts", "key")
    rows = conn.execute(f"SELECT {', '.join(cols)} FROM stories WHERE feed_id = ? ORDER BY id", (feed_id,))
    stories = [dict(zip(cols, r, strict=True)) for r in rows]
    return sorted(stories, key=lambda s: str(s["title"]))  # feed order is not store order


@pytest.fixture(scope="session")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileRun]:
    """Refresh every case twice (with each case's change in between) through the real Service."""
    tmp = tmp_path_factory.mktemp("hostile")
    fetch_seconds: dict[str, list[float]] = defaultdict(list)
    real_fetch = refresh_module.fetch

    async def timed_fetch(client, url, limits, **kwargs):  # type: ignore[no-untyped-def]
        started = time.monotonic()
        try:
            return await real_fetch(client, url, limits, **kwargs)
        finally:
            fetch_seconds[url].append(time.monotonic() - started)

    with LoopbackServer() as server, pytest.MonkeyPatch.context() as mp:
        mp.setattr(refresh_module, "fetch", timed_fetch)
        built = build_all(server)
        config = write_hostile_config(tmp / "hostile.toml", [b.url for b in built.values()])
        service = Service.open(load(config), tmp / "hostile.db")
        try:
            started = time.time()
            t0 = time.monotonic()
            first = asyncio.run(_refresh(service))
            t1 = time.monotonic()
            for b in built.values():
                if b.then is not None:
                    b.then(server)
            second = asyncio.run(_refresh(service))
            t2 = time.monotonic()
            feeds = {f.url: f for f in service.feeds()}
            results = {
                name: Result(
                    url=b.url,
                    first=first[b.url],
                    second=second.get(b.url),
                    stories=_stories(service, feeds[b.url].id),
                    feed=feeds[b.url],
                    hits=server.hits[b.url.removeprefix(server.base)],
                    server=server,
                    started=started,
                )
                for name, b in built.items()
            }
            checks = {name: b.check for name, b in built.items()}
            yield HostileRun(results, checks, dict(fetch_seconds), [t1 - t0, t2 - t1])
        finally:
            service.close()
