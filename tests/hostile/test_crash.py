"""Killed processes, two writers at once, and database files that are not ours.

Real subprocesses against a real loopback server and a real SQLite file:
`kill -9` mid-refresh and mid-prefetch must leave a database that opens,
passes `PRAGMA integrity_check`, keeps everything committed before, and lets
the next run finish without duplicates.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.feeds import Feed, Item, numbered
from tuinews.config import load
from tuinews.demo.server import LoopbackServer
from tuinews.service import Service

PER_FEED = 50


def _env(data: Path) -> dict[str, str]:
    return {**os.environ, "TUINEWS_DATA_DIR": str(data), "NO_COLOR": "1"}


def _cli(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "tuinews.cli", "--config", str(config), *args]


def _config(path: Path, urls: list[str], extra: str = "") -> Path:
    path.write_text(
        "".join(f'[[feeds]]\nurl = "{u}"\n' for u in urls)
        + "[settings]\ntimeout_seconds = 10\nconcurrency = 64\nper_host_concurrency = 64\n"
        + extra,
        encoding="utf-8",
    )
    return path


def _check_db(db: Path) -> dict[str, int]:
    """integrity_check passes; returns stories per feed URL."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        dupes = conn.execute(
            "SELECT count(*) - count(DISTINCT feed_id || ' ' || key) FROM stories"
        ).fetchone()[0]
        assert dupes == 0
        rows = conn.execute(
            "SELECT f.url, count(s.id) FROM feeds f LEFT JOIN stories s ON s.feed_id = f.id GROUP BY f.url"
        )
        return dict(rows.fetchall())
    finally:
        conn.close()


def _kill_after_lines(proc: subprocess.Popen[str], lines: int) -> list[str]:
    """Read `lines` outcome lines (each printed after its feed committed), then SIGKILL."""
    seen: list[str] = []
    assert proc.stdout is not None
    while len(seen) < lines:
        line = proc.stdout.readline()
        assert line, "refresh ended before the kill"
        seen.append(line.rstrip("\n"))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    return seen


def test_kill_9_mid_refresh_loses_nothing_committed_and_the_next_run_completes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with LoopbackServer() as server:
        urls = [
            server.add(
                f"/f{i}.xml", body=Feed(items=numbered(PER_FEED, prefix=f"f{i}")).rss(), delay=0.08 * i
            )
            for i in range(40)
        ]
        config = _config(tmp_path / "kill.toml", urls)
        for kill_after in (6, 18):
            proc = subprocess.Popen(
                _cli(config, "refresh"),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=_env(data),
            )
            printed = _kill_after_lines(proc, kill_after)
            counts = _check_db(data / "tuinews.db")
            for line in printed:
                url, outcome = line.split(": ", 1)
                assert outcome.startswith(("new ", "not modified")), line
                assert counts[url] == PER_FEED  # committed before the kill: all there
            assert set(counts.values()) <= {0, PER_FEED}  # a feed is all in or all out
        done = subprocess.run(
            _cli(config, "refresh"), capture_output=True, text=True, env=_env(data), timeout=60
        )
        assert done.returncode == 0 and "Traceback" not in done.stderr
        counts = _check_db(data / "tuinews.db")
        assert counts == dict.fromkeys(urls, PER_FEED)
        # Feeds committed before a kill were asked conditionally, not downloaded again as new.
        assert sum(server.conditional_hits.values()) >= 18


PREFETCH = """
import asyncio, sys
from pathlib import Path
from tuinews.config import load
from tuinews.service import Service
service = Service.open(load(Path(sys.argv[1])), Path(sys.argv[2]))
ids = [r[0] for r in service.store.db.conn.execute("SELECT id FROM stories ORDER BY id")]
print("started", flush=True)
asyncio.run(service.prefetch(ids))
"""


def _page(n: int) -> bytes:
    words = " ".join(f"word{n}x{i}" for i in range(120))
    return f"<html><body><article><h1>Story {n}</h1><p>{words}.</p><p>{words}.</p></article></body></html>".encode()


def test_kill_9_mid_article_prefetch_keeps_stored_articles(tmp_path: Path) -> None:
    db = tmp_path / "prefetch.db"
    with LoopbackServer() as server:
        items = []
        for n in range(20):
            slow = (2, 0.2) if n % 2 else None  # odd pages trickle for a long time
            link = server.add(f"/a/{n}.html", body=_page(n), content_type="text/html", trickle=slow)
            items.append(Item(f"Story {n}", f"s{n}", link, "<p>Summary.</p>"))
        url = server.add("/feed.xml", body=Feed(items=items).rss())
        config = _config(tmp_path / "prefetch.toml", [url])
        service = Service.open(load(config), db)
        asyncio.run(_drain(service))
        service.close()

        proc = subprocess.Popen(
            [sys.executable, "-c", PREFETCH, str(config), str(db)], stdout=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 20
        stored = 0
        while time.monotonic() < deadline and stored < 10:
            time.sleep(0.05)
            with sqlite3.connect(db) as conn:
                stored = conn.execute("SELECT count(*) FROM articles WHERE error IS NULL").fetchone()[0]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert stored >= 10, "the fast pages were not stored before the kill"
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            kept = conn.execute(
                "SELECT count(*) FROM articles WHERE error IS NULL AND html != ''"
            ).fetchone()[0]
        assert kept >= 10

        for n in range(1, 20, 2):
            server.routes[f"/a/{n}.html"].trickle = None
        service = Service.open(load(config), db)
        try:
            ids = [r[0] for r in service.store.db.conn.execute("SELECT id FROM stories")]
            fetched = asyncio.run(_prefetch(service, ids))
            assert fetched == 20 - kept
            rows = service.store.db.conn.execute(
                "SELECT count(*) FROM articles WHERE error IS NULL"
            ).fetchone()
            assert rows[0] == 20
        finally:
            service.close()


async def _drain(service: Service) -> None:
    async for _ in service.refresh():
        pass
    await service.aclose()


async def _prefetch(service: Service, ids: list[int]) -> int:
    try:
        return await service.prefetch(ids)
    finally:
        await service.aclose()


def test_a_cron_refresh_and_the_app_write_at_once_without_locking(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = data / "tuinews.db"
    counter = iter(range(1_000_000))
    lock = threading.Lock()

    def changing(i: int):  # type: ignore[no-untyped-def]
        def body() -> bytes:
            with lock:
                n = next(counter)
            return Feed(items=numbered(20, prefix=f"c{i}-{n}")).rss()

        return body

    with LoopbackServer() as server:
        urls = [server.add(f"/c{i}.xml", body=changing(i)) for i in range(20)]
        config = _config(tmp_path / "both.toml", urls)
        service = Service.open(load(config), db)
        try:
            asyncio.run(_drain(service))
            cron = subprocess.Popen(
                ["bash", "-c", " && ".join([" ".join(_cli(config, "refresh", "--force"))] * 4)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=_env(data),
            )
            writes = 0
            while cron.poll() is None:
                rows = service.store.story_rows(limit=50)
                service.set_read([r.id for r in rows[:25]], read=writes % 2 == 0)
                service.set_starred(rows[0].id, writes % 2 == 0)
                writes += 1
                if writes % 20 == 0:
                    asyncio.run(_drain(service))  # the app's own refresh, too
            out, err = cron.communicate(timeout=60)
        finally:
            service.close()
    assert cron.returncode == 0, err
    assert "locked" not in (out + err).lower() and "Traceback" not in err
    assert "error" not in out
    assert writes > 20
    assert _check_db(db)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("kind", ["random-bytes", "foreign-sqlite", "truncated-tuinews"])
def test_a_corrupt_or_foreign_database_gets_one_clear_line_and_is_never_overwritten(
    kind: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = data / "tuinews.db"
    if kind == "random-bytes":
        db.write_bytes(os.urandom(64 * 1024))
        expected = "not a usable database"
    elif kind == "foreign-sqlite":
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
            conn.execute("INSERT INTO invoices (total) VALUES (9.5)")
        conn.close()
        expected = "is another program's SQLite database"
    else:
        config = _config(tmp_path / "seed.toml", ["http://127.0.0.1:9/x.xml"])
        Service.open(load(config), db).close()
        whole = db.read_bytes()
        db.write_bytes(whole[: len(whole) // 3] + b"\xff" * 4096)
        expected = "not a usable database"
    before = _sha(db)
    config = _config(tmp_path / "c.toml", ["http://127.0.0.1:9/feed.xml"])
    proc = subprocess.run(_cli(config, "refresh"), capture_output=True, text=True, env=_env(data), timeout=30)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"tuinews: {db}: "), proc.stderr
    assert expected in lines[0] and "untouched" in lines[0]
    assert _sha(db) == before
    if kind == "foreign-sqlite":
        assert not (data / "tuinews.db-wal").exists()  # not even switched to WAL
