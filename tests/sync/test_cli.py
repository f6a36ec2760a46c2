"""`tuinews sync`, `mark`, `import --to-server`, a feed both local and on the server, [sync] config errors."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from tests.feeds import Feed, Item
from tests.greader_server import GReaderServer
from tests.sync.conftest import PASSWORD, farm
from tuinews import paths
from tuinews.cli import main
from tuinews.config import ConfigError, load


def test_sync_prints_one_line_per_part(greader: GReaderServer, sync_config, capsys) -> None:
    farm(greader, 3, 4, "Local")
    path = sync_config()
    assert main(["sync", "--config", str(path)]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "subscriptions: 3 (3 new, 0 removed)",
        "stories: 12 new",
        "state: pushed nothing; pulled nothing",
    ]
    assert "requests" in out.err
    greader.account.feeds.pop(1)
    assert main(["sync", "--config", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "subscriptions: 2 (0 new, 1 removed)"


def test_a_feed_both_local_and_on_the_server_is_one_feed(
    greader, server, sync_config, synced, capsys
) -> None:
    shared = server.url("/shared.xml")
    items = [Item(f"Shared story {n}", f"guid-{n}", f"{server.base}/article/1/{n}.html") for n in range(5)]
    server.add("/shared.xml", body=Feed("Shared", items=items).rss())
    path = sync_config([shared])
    # fetched here first, before the server had it
    assert main(["refresh", "--config", str(path)]) == 0
    assert "new 5" in capsys.readouterr().out
    feed = greader.add_feed(shared, "Shared (server)", "News")
    greader.add_entries(feed, 5)
    for n, entry in enumerate(sorted(greader.account.entries.values(), key=lambda e: e.id)):
        entry.link = f"{server.base}/article/1/{n}.html"
    assert main(["sync", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "also in [[feeds]]; one feed, synced from the server" in out
    assert "stories: 0 new (5 already stored from [[feeds]])" in out
    assert main(["refresh", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{shared}: skipped: on the sync server too: one feed, synced from there" in out
    with sqlite3.connect(paths.db_path()) as conn:
        assert conn.execute("SELECT count(*) FROM feeds WHERE url = ?", (shared,)).fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM stories").fetchone()[0] == 5
        assert conn.execute("SELECT count(*) FROM sync_items WHERE story_id IS NOT NULL").fetchone()[0] == 5
    # and its state follows the server
    first = min(greader.account.entries)
    greader.entry(first).starred = True
    service = synced(path)
    asyncio.run(service.sync())
    assert service.starred_count() == 1


def test_mark_marks_and_pushes(greader, sync_config, synced, capsys) -> None:
    farm(greader, 1, 3)
    path = sync_config()
    assert main(["sync", "--config", str(path)]) == 0
    capsys.readouterr()
    ids = [r.id for r in synced(path).rows(__import__("tuinews.core.models", fromlist=["View"]).View())]
    assert main(["mark", str(ids[0]), str(ids[1]), "--read", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "marked 2 stories read" in out and "told of 2 changes" in out
    assert sum(e.read for e in greader.account.entries.values()) == 2
    greader.mode = "5xx"
    assert main(["mark", str(ids[2]), "--star", "--config", str(path)]) == 0
    err = capsys.readouterr().err
    assert "not sent to the sync server yet" in err and "next sync sends it" in err
    greader.mode = None
    assert main(["sync", "--config", str(path)]) == 0
    assert "pushed 1 starred" in capsys.readouterr().out
    assert main(["mark", "999999", "--read", "--config", str(path)]) == 2


def test_mark_works_without_sync(write_config, capsys) -> None:
    path = write_config([])
    assert main(["mark", "1", "--read", "--config", str(path)]) == 2
    assert "no story with id 1" in capsys.readouterr().err


def test_import_to_server_subscribes_with_folders(greader, sync_config, tmp_path: Path, capsys) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        """<?xml version="1.0"?><opml version="2.0"><body>
        <outline text="Tech"><outline type="rss" text="A" xmlUrl="http://127.0.0.1:9/a.xml"/>
        <outline type="rss" text="B" xmlUrl="http://127.0.0.1:9/b.xml"/></outline>
        <outline type="rss" text="C" xmlUrl="http://127.0.0.1:9/c.xml"/></body></opml>"""
    )
    greader.add_feed("http://127.0.0.1:9/c.xml", "C", "Old")
    path = sync_config()
    before = path.read_text()
    assert main(["import", str(opml), "--to-server", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "subscribed" in out and "to 2 feeds, 1 already there, 0 refused" in out
    assert path.read_text() == before  # the config is not touched
    feeds = {f.url: f.category for f in greader.account.feeds.values()}
    assert feeds == {
        "http://127.0.0.1:9/a.xml": "Tech",
        "http://127.0.0.1:9/b.xml": "Tech",
        "http://127.0.0.1:9/c.xml": "Old",
    }


def test_unsubscribe_drops_the_servers_feed(greader, sync_config, synced) -> None:
    farm(greader, 2, 2)
    service = synced(sync_config())
    asyncio.run(service.sync())
    url = "http://127.0.0.1:9/feeds/0.xml"
    assert url in service.server_feed_urls()
    asyncio.run(service.sync_engine.unsubscribe(url))
    assert [f.url for f in greader.account.feeds.values()] == ["http://127.0.0.1:9/feeds/1.xml"]
    assert url not in {f.url for f in service.feeds()}


@pytest.mark.parametrize(
    ("table", "line", "words"),
    [
        ('[sync]\nusername = "a"\n', 1, "[sync] needs 'url'"),
        ('[sync]\nurl = "ftp://x/"\nusername = "a"\n', 2, "'url' is not an http(s) URL"),
        ('[sync]\nurl = "http://x/"\nusername = "a"\nservice = "fever"\n', 4, "'service' must be"),
        ('[sync]\nurl = "http://x/"\nusername = "a"\npasword = "x"\n', 4, "did you mean 'password'"),
        ('[sync]\nurl = "http://x/"\nusername = "a"\npassword_command = 5\n', 4, "must be a command"),
        ('[sync]\nurl = "http://x/"\nusername = "a"\npassword = "p"\npassword_file = "f"\n', 4, "keep one"),
    ],
)
def test_sync_config_errors_name_the_line(tmp_path: Path, table: str, line: int, words: str) -> None:
    path = tmp_path / "tuinews.toml"
    path.write_text(table)
    with pytest.raises(ConfigError) as info:
        load(path)
    assert info.value.message.startswith(f"{path}:{line}: ") and words in info.value.message


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('password_command = ["/nonexistent/pw-helper"]', "command not found"),
        ('password_command = "false"', "failed (exit status 1)"),
        ('password_file = "/nonexistent/pw"', "no such file"),
        ("", "has no password"),
    ],
)
def test_password_problems_are_config_errors(greader, sync_config, capsys, line: str, words: str) -> None:
    path = sync_config(password_line=line)
    assert main(["sync", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and f"{path}:" in err and err.count("\n") == 0
    assert PASSWORD not in err


def test_plain_password_is_accepted_with_a_warning(greader, sync_config, capsys) -> None:
    path = sync_config(password_line=f'password = "{PASSWORD}"')
    assert main(["sync", "--config", str(path)]) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "plain text" in err and PASSWORD not in err


def test_sync_without_a_sync_table_is_a_config_error(write_config, capsys) -> None:
    path = write_config([])
    assert main(["sync", "--config", str(path)]) == 2
    assert "no [sync] table" in capsys.readouterr().err
