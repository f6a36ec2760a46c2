"""A server that is down, refuses us, fails, stalls or answers garbage: one line, nothing lost."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.greader_server import GReaderServer
from tests.sync.conftest import PASSWORD, farm
from tuinews import paths
from tuinews.cli import main
from tuinews.core.models import View
from tuinews.sync.greader import LoginRefused, SyncError


def run(service, **kwargs):  # type: ignore[no-untyped-def]
    return asyncio.run(service.sync(**kwargs))


def marked(service, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    """Mark the n newest stories read here; returns their ids."""
    ids = [r.id for r in service.rows(View())][:n]
    service.set_read(ids, True)
    assert service.pending_count() == n
    return ids


@pytest.mark.parametrize(
    ("mode", "words", "kept"),
    [
        ("down", "closed the connection", 3),
        ("5xx", "HTTP 503", 3),
        # edit-tag answers "OK" as text: the marks went through before the JSON broke
        ("malformed", "not valid JSON", 0),
        ("huge", "larger than 10,000,000 bytes", 0),
    ],
)
def test_a_failing_server_is_one_line_and_keeps_pending_marks(
    greader: GReaderServer, sync_config, synced, capsys, mode: str, words: str, kept: int
) -> None:
    farm(greader, 2, 5)
    path = sync_config()
    service = synced(path)
    run(service)
    ids = marked(service, 3)
    greader.mode = mode
    with pytest.raises(SyncError) as info:
        run(service)
    assert words in info.value.message and "\n" not in info.value.message
    assert service.pending_count() == kept
    assert all(r.read for r in service.rows_by_ids(ids))
    assert main(["sync", "--config", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0], err
    greader.mode = None
    report = run(service)
    assert report.pushed.get("read", 0) == kept and service.pending_count() == 0
    assert sum(e.read for e in greader.account.entries.values()) == 3


def test_a_server_that_is_not_there(sync_config, synced, tmp_path: Path, capsys) -> None:
    path = sync_config()
    text = path.read_text()
    import re

    path.write_text(re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:9", text))
    assert main(["sync", "--config", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "login: connection refused" in err[0]


def test_a_stalled_server_gives_up_at_the_timeout(greader, sync_config, synced) -> None:
    farm(greader, 1, 2)
    service = synced(sync_config(extra="timeout_seconds = 1\n"))
    greader.mode, greader.delay = "slow", 3.0
    started = time.monotonic()
    with pytest.raises(SyncError) as info:
        run(service)
    assert "took longer than 1 s" in info.value.message
    assert time.monotonic() - started < 2.5


def test_an_expired_token_logs_in_again_once(greader, sync_config, synced) -> None:
    farm(greader, 1, 3)
    service = synced(sync_config())
    run(service)
    service.sync_engine._auth = "alice/expired"
    greader.log.clear()
    report = run(service)
    assert report.new_ids == []
    assert [e for _, e in greader.log].count("ClientLogin") == 1


def test_a_401_after_logging_in_again_is_said_and_keeps_marks(greader, sync_config, synced, capsys) -> None:
    farm(greader, 1, 3)
    path = sync_config()
    service = synced(path)
    run(service)
    marked(service, 2)
    greader.mode = "401"
    with pytest.raises(LoginRefused) as info:
        run(service)
    assert "refused 'alice' (HTTP 401) after logging in again" in info.value.message
    assert [e for _, e in greader.log].count("ClientLogin") == 2  # the first sync's and the one retry
    assert service.pending_count() == 2
    greader.mode = "refuse"
    assert main(["sync", "--config", str(path)]) == 1
    err = capsys.readouterr().err
    assert "login: the server refused 'alice' (HTTP 401)" in err and err.count("\n") == 1


def test_kill_9_mid_sync_loses_nothing_and_duplicates_nothing(greader, sync_config, synced) -> None:
    farm(greader, 3, 20)
    path = sync_config()
    service = synced(path)
    run(service)
    ids = marked(service, 20)
    service.close()
    db = paths.db_path()
    code = "import sys; from tuinews.cli import main; sys.exit(main(sys.argv[1:]))"

    def sync_and_kill(watch: str, until) -> None:  # type: ignore[no-untyped-def]
        proc = subprocess.Popen([sys.executable, "-c", code, "sync", "--config", str(path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while not until() and time.monotonic() < deadline:
                assert proc.poll() is None, proc.communicate()
                time.sleep(0.02)
            assert until(), f"the sync never reached {watch}"
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.wait()

    # 1: killed while the server holds the push (it applies it after we are gone)
    greader.slow_paths = {"edit-tag": 3.0}
    greader.seen.clear()
    greader.watch = "edit-tag"
    sync_and_kill("edit-tag", greader.seen.is_set)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM sync_pending").fetchone()[0] == 20
    # 2: killed between two stored batches of new stories
    greader.slow_paths = {}
    for feed in list(greader.account.feeds.values()):
        greader.add_entries(feed, 200, start=20)

    def stored() -> int:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT count(*) FROM sync_items").fetchone()[0]

    before = stored()
    release = threading.Event()
    greader.holds = {"stream/items/contents": (1, release)}  # one batch answered, the others held
    sync_and_kill("contents", lambda: stored() > before)
    release.set()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # the killed run pushed the marks before it was killed: sent once more, then forgotten
        assert conn.execute("SELECT count(*) FROM sync_pending").fetchone()[0] == 0
        assert before < stored() < 660
    mid = stored()
    greader.slow_paths, greader.holds = {}, {}
    again = synced(path)
    report = run(again)
    assert again.pending_count() == 0 and len(report.new_ids) == 660 - mid
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM stories").fetchone()[0] == 660
        assert conn.execute("SELECT count(*) FROM sync_items").fetchone()[0] == 660
        assert conn.execute("SELECT count(DISTINCT link) FROM stories").fetchone()[0] == 660
    assert all(r.read for r in again.rows_by_ids(ids))
    assert sum(e.read for e in greader.account.entries.values()) == 20
    assert len(asyncio.run(again.sync()).new_ids) == 0


def test_the_password_never_reaches_the_database_or_the_terminal(
    greader, sync_config, tmp_path: Path
) -> None:
    farm(greader, 2, 3)
    code = "import sys; from tuinews.cli import main; sys.exit(main(sys.argv[1:]))"
    out = b""
    helper = tmp_path / "pw.sh"
    helper.write_text(f"#!/bin/sh\necho '{PASSWORD}'\n")
    helper.chmod(0o755)
    env = dict(os.environ, TUINEWS_SYNC_PASSWORD=PASSWORD)
    for line in (f'password = "{PASSWORD}"', None, f'password_command = ["{helper}"]', ""):
        path = sync_config(password_line=line)
        for args in (
            ["sync"],
            ["sync", "--full"],
            ["stories"],
            ["mark", "1", "--star"],
            ["mark", "99999", "--read"],
        ):
            done = subprocess.run(
                [sys.executable, "-c", code, *args, "--config", str(path)], capture_output=True, env=env
            )
            out += done.stdout + done.stderr
        greader.mode = "refuse"
        done = subprocess.run(
            [sys.executable, "-c", code, "sync", "--config", str(path)], capture_output=True, env=env
        )
        assert done.returncode == 1
        out += done.stdout + done.stderr
        greader.mode = None
    assert b"stories: 6 new" in out and b"refused 'alice'" in out
    assert PASSWORD.encode() not in out
    for suffix in ("", "-wal", "-shm"):
        file = paths.db_path().with_name(paths.db_path().name + suffix)
        if file.exists():
            assert PASSWORD.encode() not in file.read_bytes()
