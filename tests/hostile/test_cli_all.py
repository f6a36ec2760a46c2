"""`tuinews refresh` against every hostile case at once: exit 0, one line per feed, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.hostile.cases import CASES, DANGEROUS_LINKS
from tests.hostile.conftest import build_all, write_hostile_config
from tuinews.config import load
from tuinews.demo.server import LoopbackServer
from tuinews.io.store import Store


def test_refresh_command_lists_every_bad_feed_and_stores_the_good(tmp_path: Path) -> None:
    env = {**os.environ, "TUINEWS_DATA_DIR": str(tmp_path / "data"), "NO_COLOR": "1"}
    with LoopbackServer() as server:
        built = build_all(server)
        config = write_hostile_config(tmp_path / "all.toml", [b.url for b in built.values()])
        proc = subprocess.run(
            [sys.executable, "-m", "tuinews.cli", "--config", str(config), "refresh"],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = dict(line.split(": ", 1) for line in proc.stdout.splitlines())
    assert set(lines) == {b.url for b in built.values()}
    for name, case in CASES.items():
        line = lines[built[name].url]
        assert line.startswith("error: ") == case.bad, (name, line)
        assert "\n" not in line and len(line) < 300
    summary = proc.stderr.strip().splitlines()[-1]
    bad = sum(c.bad for c in CASES.values())
    assert summary.endswith(f"0 not modified, 0 skipped, {bad} failed"), summary
    # Every item of the good feeds is stored beside the bad ones.
    store = Store(tmp_path / "data" / "tuinews.db")
    try:
        counts = dict(
            store.db.conn.execute(
                "SELECT f.url, count(s.id) FROM feeds f LEFT JOIN stories s ON s.feed_id = f.id GROUP BY f.url"
            ).fetchall()
        )
    finally:
        store.close()
    for name, case in CASES.items():
        url = built[name].url
        if case.bad:
            assert counts[url] == 0, name
        else:
            assert counts[url] == int(lines[url].split()[1].rstrip(",")), (name, lines[url])
    assert counts[built["ten-thousand-items"].url] == 1000
    assert load(config).feeds  # the config itself stays valid


def test_stories_json_hands_scripts_only_http_links(tmp_path: Path) -> None:
    """A script opening every link of `stories --json` never gets javascript:, data:, vbscript: or file:."""
    env = {**os.environ, "TUINEWS_DATA_DIR": str(tmp_path / "data"), "NO_COLOR": "1"}
    with LoopbackServer() as server:
        built = CASES["dangerous-links"].build(server)
        config = write_hostile_config(tmp_path / "links.toml", [built.url])
        cli = [sys.executable, "-m", "tuinews.cli", "--config", str(config)]
        refresh = subprocess.run([*cli, "refresh"], capture_output=True, text=True, timeout=60, env=env)
        assert refresh.returncode == 0, refresh.stderr
    listed = subprocess.run([*cli, "stories", "--json"], capture_output=True, text=True, timeout=60, env=env)
    stories = json.loads(listed.stdout)
    links = {s["title"]: s["link"] for s in stories}
    assert set(links) == {*DANGEROUS_LINKS, "web", "permalink"}  # every item kept
    assert links == {
        **dict.fromkeys(DANGEROUS_LINKS, None),
        "web": "https://example.org/a",
        "permalink": None,
    }
