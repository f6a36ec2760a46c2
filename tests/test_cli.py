"""The command line as a user runs it: real subprocesses, real files, real server."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.feeds import Feed, numbered
from tuinews import __version__


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuinews.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=120,
    )


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"tuinews {__version__}"


@pytest.mark.parametrize("command", [[], ["refresh"], ["stories"]])
def test_help_on_each_command(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0 and "usage:" in result.stdout


def test_missing_config_says_where_it_looked_and_how_to_start(tmp_path: Path) -> None:
    result = run("stories")
    assert result.returncode == 2
    expected = tmp_path / "xdg-config" / "tuinews" / "tuinews.toml"
    assert result.stderr.count("\n") == 1
    assert str(expected) in result.stderr and "tuinews --init" in result.stderr
    assert_no_traceback(result)


def test_init_writes_the_example_then_refuses_to_overwrite(tmp_path: Path) -> None:
    result = run("--init")
    path = tmp_path / "xdg-config" / "tuinews" / "tuinews.toml"
    assert result.returncode == 0 and path.exists()
    assert path.read_text() == (Path(__file__).parents[1] / "tuinews.toml.example").read_text()
    again = run("--init")
    assert again.returncode == 2 and "already exists" in again.stderr


def test_broken_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[feeds]]\nurl = "https://ok.example/feed"\n\n[settings]\nconcurency = 3\n')
    result = run("--config", str(path), "refresh")
    assert result.returncode == 2
    assert (
        result.stderr
        == f"tuinews: {path}:5: unknown key 'concurency' in [settings] (did you mean 'concurrency'?)\n"
    )
    env_result = run("stories", env={"TUINEWS_CONFIG": str(path)})
    assert env_result.returncode == 2 and f"{path}:5:" in env_result.stderr


def test_refresh_prints_a_line_per_feed_and_stories_json_matches_the_store(
    server, write_config, tmp_path: Path
) -> None:
    good = server.add("/good.xml", body=Feed("Good Feed", items=numbered(5)).rss())
    missing = server.url("/missing.xml")
    refused = "http://127.0.0.1:1/feed.xml"
    config = write_config([good, missing, refused])
    result = run("--config", str(config), "refresh")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert sorted(lines) == sorted(
        [f"{good}: new 5", f"{missing}: error: HTTP 404 Not Found", f"{refused}: error: connection refused"]
    )
    assert "3 feeds in" in result.stderr and "5 new stories" in result.stderr
    assert_no_traceback(result)

    second = run("--config", str(config), "refresh")
    assert f"{good}: not modified" in second.stdout.splitlines()

    listed = run("--config", str(config), "stories", "--json")
    assert listed.returncode == 0
    stories = json.loads(listed.stdout)
    assert len(stories) == 5
    db = sqlite3.connect(tmp_path / "xdg-data" / "tuinews" / "tuinews.db")
    stored = {r[0]: r for r in db.execute("SELECT id, title, link, read, starred FROM stories")}
    for s in stories:
        assert set(s) >= {"id", "feed_url", "feed_title", "title", "link", "published", "read", "starred"}
        _, title, link, read, starred = stored[s["id"]]
        assert (s["title"], s["link"], s["read"], s["starred"]) == (title, link, bool(read), bool(starred))
        assert s["feed_url"] == good and s["feed_title"] == "Good Feed"
        assert s["published"].endswith("Z") and s["published"].startswith("2025-")
    assert [s["title"] for s in stories] == [f"item {i}" for i in range(5)]

    db.execute("UPDATE stories SET read = 1 WHERE id = ?", (stories[0]["id"],))
    db.commit()
    unread = json.loads(run("--config", str(config), "stories", "--json", "--unread").stdout)
    assert len(unread) == 4
    limited = json.loads(run("--config", str(config), "stories", "--json", "--limit", "2").stdout)
    assert len(limited) == 2
    by_feed = json.loads(run("--config", str(config), "stories", "--json", "--feed", good).stdout)
    assert len(by_feed) == 5
    plain = run("--config", str(config), "stories")
    assert "item 0" in plain.stdout and plain.returncode == 0


def test_unknown_feed_filter_is_a_clear_error(write_config) -> None:
    config = write_config(["https://a.example/feed"])
    result = run("--config", str(config), "stories", "--feed", "https://b.example/feed")
    assert result.returncode == 2 and "is not a feed in" in result.stderr
    assert_no_traceback(result)


def test_bad_arguments_exit_2_in_one_line() -> None:
    result = run("stories", "--limit", "zero")
    assert result.returncode == 2 and result.stderr.count("\n") == 1


def test_corrupt_database_is_a_clear_error(tmp_path: Path, write_config) -> None:
    db = tmp_path / "xdg-data" / "tuinews" / "tuinews.db"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"garbage" * 1000)
    result = run("--config", str(write_config(["https://a.example/feed"])), "stories")
    assert result.returncode == 1
    assert "not a usable database" in result.stderr and result.stderr.count("\n") == 1
    assert db.read_bytes() == b"garbage" * 1000


def test_extract_prints_what_the_reader_shows(tmp_path: Path, server) -> None:
    from tuinews.demo.content import article_templates, fill

    page = fill(article_templates()["arvane-glacier-retreat-globe-review"], server.base)
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    text = run("extract", str(path), "--width", "80")
    assert text.returncode == 0, text.stderr
    assert "An icon of" not in text.stdout and "Share on" not in text.stdout
    assert all(len(line) <= 80 for line in text.stdout.splitlines())
    assert "Links" in text.stdout and "[1] https://example.org/arvane-glaciers/survey" in text.stdout

    markdown = run("extract", str(path), "--format", "markdown")
    assert (
        markdown.stdout.startswith("# ") and "(https://example.org/arvane-glaciers/survey)" in markdown.stdout
    )

    url = server.add("/page.html", body=page.encode(), content_type="text/html; charset=utf-8")
    as_json = json.loads(run("extract", url, "--format", "json").stdout)
    assert as_json["url"] == url and as_json["links"] == ["https://example.org/arvane-glaciers/survey"]
    assert as_json["title"] and "An icon of" not in as_json["text"] and as_json["reading_minutes"] >= 1


def test_extract_errors_are_one_line(tmp_path: Path, server) -> None:
    missing = run("extract", str(tmp_path / "nope.html"))
    assert missing.returncode == 2 and "no such file" in missing.stderr and missing.stderr.count("\n") == 1
    gone = run("extract", server.url("/gone.html"))
    assert gone.returncode == 1 and "HTTP 404 Not Found" in gone.stderr and gone.stderr.count("\n") == 1
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body></body></html>")
    blank = run("extract", str(empty))
    assert blank.returncode == 1 and blank.stderr.count("\n") == 1
    assert_no_traceback(blank)


def test_related_json_lists_the_three_groups(server, write_config) -> None:
    from tests.feeds import Item

    base = "The business secretary Alistair Penhale rejected electronic strike ballots for unions, citing a malevolent attack."
    a = Feed(
        "Wire", items=[Item("Penhale rejects electronic strike ballots", "w1", "http://w.example/1", base)]
    ).rss()
    b = Feed("Courier", items=[
        Item("Penhale rejects electronic strike ballots", "c1", "http://c.example/1", base + " (Wire)"),
        Item("Nurses strike over pay", "c2", "http://c.example/2", "Nurses walk out at the infirmary."),
        Item("Air strike hits depot", "c3", "http://c.example/3", "Jets hit a fuel depot."),
    ]).rss()  # fmt: skip
    config = write_config([server.add("/a.xml", body=a), server.add("/b.xml", body=b)], extra=STRIKES)
    assert run("--config", str(config), "refresh").returncode == 0
    stories = {s["title"]: s for s in json.loads(run("--config", str(config), "stories", "--json").stdout)}
    wire_id = next(
        s["id"]
        for s in json.loads(run("--config", str(config), "stories", "--json").stdout)
        if s["feed_title"] == "Wire"
    )
    result = run("--config", str(config), "related", str(wire_id), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"same_story", "related", "topics"}
    assert [r["feed_title"] for r in data["same_story"]] == ["Courier"]
    assert [r["title"] for r in data["topics"]["Strikes"]] == ["Nurses strike over pay"]
    for row in data["same_story"] + data["topics"]["Strikes"]:
        assert set(row) >= {"id", "title", "link", "feed_title", "published", "score"}
    assert "Air strike hits depot" not in result.stdout
    assert stories["Air strike hits depot"]
    text = run("--config", str(config), "related", str(wire_id))
    assert "Same story (1)" in text.stdout and "Topic: Strikes (1)" in text.stdout
    missing = run("--config", str(config), "related", "99999")
    assert missing.returncode == 2 and "no story with id 99999" in missing.stderr


STRIKES = """
[[topics]]
name = "Strikes"
terms = ["strike", "walkout", "union", "ballot"]
exclude = ["air strike"]
"""


def test_vacuum_prunes_and_compacts(server, write_config, tmp_path: Path) -> None:
    url = server.add("/f.xml", body=Feed(items=numbered(30)).rss())
    config = write_config([url], extra="[settings]\nmax_stories_per_feed = 10\n")
    assert run("--config", str(config), "refresh").returncode == 0
    listed = json.loads(run("--config", str(config), "stories", "--json").stdout)
    assert len(listed) == 10  # pruned right after the refresh
    result = run("--config", str(config), "vacuum")
    assert result.returncode == 0 and "10 remain" in result.stdout and "MB ->" in result.stdout
