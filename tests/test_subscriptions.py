"""Switching from another reader: OPML, newsboat urls and nom files import; OPML export round-trips."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tuinews.config import FeedConfig, load
from tuinews.io.subscriptions import read_subscriptions, write_opml

FIXTURES = Path(__file__).parent / "fixtures" / "subscriptions"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuinews.cli", *args], capture_output=True, text=True, timeout=60
    )


def read(name: str):  # type: ignore[no-untyped-def]
    return read_subscriptions((FIXTURES / name).read_bytes().decode("utf-8", errors="replace"), name)


def test_opml2_spec_list_with_folders_and_categories() -> None:
    result = read("subscriptionList.opml")
    assert result.format == "opml"
    feeds = {f.url: f for f in result.feeds}
    assert list(feeds) == [
        "http://news.com.com/2547-1_3-0-5.xml",
        "http://www.washingtonpost.com/wp-srv/politics/rssheadlines.xml",
        "https://feeds.bbci.co.uk/news/rss.xml",
        "https://www.theguardian.com/uk/rss",
        "https://www.aljazeera.com/xml/rss/all.xml",
        "http://scripting.com/rss.xml",
    ]
    assert feeds["http://news.com.com/2547-1_3-0-5.xml"].title == "CNET News.com"
    assert feeds["http://www.washingtonpost.com/wp-srv/politics/rssheadlines.xml"].tags == ("Politics", "US")
    assert feeds["https://feeds.bbci.co.uk/news/rss.xml"].tags == ("News", "UK")
    assert feeds["https://www.theguardian.com/uk/rss"].tags == ("News", "UK", "Morning reads")
    assert feeds["https://www.aljazeera.com/xml/rss/all.xml"].tags == ("News",)
    assert result.skipped == ["ftp://files.example.com/feed.xml: is not an http(s) URL"]


def test_opml1() -> None:
    result = read("opml1.opml")
    assert [(f.url, f.title, f.tags) for f in result.feeds] == [
        ("https://feeds.arstechnica.com/arstechnica/index", "Ars Technica", ("Tech",)),
        ("https://lwn.net/headlines/rss", "LWN.net", ("Tech",)),
        ("https://news.ycombinator.com/rss", "Hacker News", ()),
    ]


def test_newsboat_urls_file() -> None:
    result = read("urls")
    assert result.format == "newsboat"
    assert [(f.url, f.title, f.tags) for f in result.feeds] == [
        ("https://feeds.bbci.co.uk/news/rss.xml", None, ("news", "uk")),
        ("https://www.theguardian.com/uk/rss", "The Guardian (UK)", ("news", "uk politics")),
        ("https://lwn.net/headlines/rss", None, ("tech", "linux")),
        ("http://www.example.com/private.xml", None, ("tech",)),
    ]
    assert len(result.skipped) == 4
    assert result.skipped[0].startswith("line 10: query feeds")
    assert result.skipped[2].startswith("line 12: exec:") and result.skipped[3].startswith("line 13: filter:")


def test_nom_config() -> None:
    result = read("nom-config.yml")
    assert result.format == "nom"
    assert [(f.url, f.title) for f in result.feeds] == [
        ("https://dropbox.tech/feed", "dropbox"),
        ("https://snyk.io/blog/feed", None),
        ("https://www.theguardian.com/uk/rss", "Guardian UK"),
    ]


def test_import_appends_keeps_comments_and_skips_duplicates(tmp_path: Path) -> None:
    config = tmp_path / "tuinews.toml"
    shutil.copy(FIXTURES / "commented.toml", config)
    before = config.read_text()
    result = run("--config", str(config), "import", str(FIXTURES / "urls"))
    assert result.returncode == 0, result.stderr
    assert (
        "added 3 feeds" in result.stdout
        and "1 already there" in result.stdout
        and "4 skipped" in result.stdout
    )
    after = config.read_text()
    for line in before.splitlines():
        assert line in after  # every original line, comments included, is still there
    loaded = load(config)
    assert loaded.feeds[0].url == "https://feeds.bbci.co.uk/news/rss.xml"
    assert len(loaded.feeds) == 4 and loaded.topics[0].name == "Strikes"
    guardian = next(f for f in loaded.feeds if "guardian" in f.url)
    assert guardian.title == "The Guardian (UK)" and guardian.tags == ("news", "uk politics")
    again = run("--config", str(config), "import", str(FIXTURES / "urls"))
    assert "added 0 feeds" in again.stdout and config.read_text() == after


def test_import_into_a_missing_config_creates_it(tmp_path: Path) -> None:
    config = tmp_path / "new" / "tuinews.toml"
    result = run("--config", str(config), "import", str(FIXTURES / "nom-config.yml"))
    assert result.returncode == 0, result.stderr
    assert len(load(config).feeds) == 3


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "tuinews.toml"
    shutil.copy(FIXTURES / "commented.toml", config)
    before = config.read_text()
    result = run("--config", str(config), "import", "--dry-run", str(FIXTURES / "subscriptionList.opml"))
    assert "would add 5 feeds" in result.stdout and "1 already there" in result.stdout
    assert config.read_text() == before


def test_export_import_export_is_stable(tmp_path: Path) -> None:
    config = tmp_path / "tuinews.toml"
    assert run("--config", str(config), "import", str(FIXTURES / "subscriptionList.opml")).returncode == 0
    first = run("--config", str(config), "export", "--opml").stdout
    again = tmp_path / "again.toml"
    out = tmp_path / "exported.opml"
    out.write_text(first)
    assert run("--config", str(again), "import", str(out)).returncode == 0
    second = run("--config", str(again), "export", "--opml").stdout

    def body(text: str) -> list[str]:
        return [line for line in text.splitlines() if "dateCreated" not in line]

    assert body(first) == body(second)
    assert load(config).feeds == load(again).feeds


def test_export_escapes_and_round_trips_odd_titles() -> None:
    feeds = (FeedConfig("https://a.example/f?x=1&y=2", 'Q&A "<news>"', ("a/b", "c,d")),)
    text = write_opml(feeds)
    back = read_subscriptions(text).feeds[0]
    assert back.url == feeds[0].url and back.title == feeds[0].title and back.tags == ("a-b", "c d")


@pytest.mark.parametrize("junk", ["<opml><body><outline", "feeds: [", "\x00\x01\x02"])
def test_broken_files_are_one_clear_line(tmp_path: Path, junk: str) -> None:
    path = tmp_path / "broken"
    path.write_text(junk)
    result = run("--config", str(tmp_path / "c.toml"), "import", str(path))
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr
    assert result.stderr.count("\n") <= 1
