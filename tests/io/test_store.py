"""The SQLite store: identity, state across refreshes, vanished stories, safety of the file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tuinews.config import FeedConfig, TopicConfig
from tuinews.core.keys import content_hash, story_key
from tuinews.core.models import ParsedItem
from tuinews.errors import StorageError
from tuinews.io.store import Store, StoryFilter


def item(
    n: int,
    *,
    guid: str | None = "auto",
    link: str | None = "auto",
    title: str | None = None,
    summary: str = "",
) -> ParsedItem:
    guid = f"g{n}" if guid == "auto" else guid
    link = f"http://example.org/{n}" if link == "auto" else link
    title = title or f"Story {n}"
    published = 1_700_000_000.0 + n
    return ParsedItem(
        key=story_key(guid, link, title, published),
        guid=guid,
        link=link,
        title=title,
        summary=summary,
        content="",
        author="",
        published=published,
        content_hash=content_hash(title, link, summary, published),
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "t.db", [TopicConfig("Strikes", ("strike",), ("air strike",))])
    s.sync_feeds([FeedConfig("http://a.example/feed"), FeedConfig("http://b.example/feed")])
    s.ensure_topics()
    yield s
    s.close()


def feed_id(store: Store, url: str = "http://a.example/feed") -> int:
    return next(f.id for f in store.feeds() if f.url == url)


def test_saving_twice_never_duplicates(store: Store) -> None:
    fid = feed_id(store)
    new, updated = store.save_items(fid, [item(i) for i in range(10)])
    assert len(new) == 10 and updated == 0
    new, updated = store.save_items(fid, [item(i) for i in range(10)])
    assert new == [] and updated == 0
    assert store.count() == 10


def test_same_guid_in_two_feeds_is_two_stories(store: Store) -> None:
    store.save_items(feed_id(store), [item(1)])
    store.save_items(feed_id(store, "http://b.example/feed"), [item(1)])
    assert store.count() == 2


def test_identity_falls_back_to_link_then_title_and_date(store: Store) -> None:
    fid = feed_id(store)
    store.save_items(fid, [item(1, guid=None), item(2, guid=None, link=None)])
    store.save_items(fid, [item(1, guid=None), item(2, guid=None, link=None)])
    assert store.count() == 2
    keys = {r[0] for r in store.db.conn.execute("SELECT key FROM stories")}
    assert any(k.startswith("l:") for k in keys) and any(k.startswith("h:") for k in keys)


def test_read_and_starred_survive_updates(store: Store) -> None:
    fid = feed_id(store)
    ids, _ = store.save_items(fid, [item(1), item(2)])
    store.set_read([ids[0]])
    store.set_starred(ids[1], True)
    new, updated = store.save_items(fid, [item(1, title="Story 1 (corrected)"), item(2)])
    assert new == [] and updated == 1
    rows = {r.id: r for r in store.story_rows()}
    assert rows[ids[0]].read and rows[ids[0]].title == "Story 1 (corrected)"
    assert rows[ids[1]].starred


def test_vanished_items_stay(store: Store) -> None:
    fid = feed_id(store)
    store.save_items(fid, [item(i) for i in range(5)])
    store.save_items(fid, [item(i) for i in range(5, 8)])
    assert store.count() == 8


def test_rows_are_newest_first_and_page_by_keyset(store: Store) -> None:
    store.save_items(feed_id(store), [item(i) for i in range(25)])
    first = store.story_rows(limit=10)
    second = store.story_rows(after=(first[-1].ts, first[-1].id), limit=10)
    third = store.story_rows(after=(second[-1].ts, second[-1].id), limit=10)
    titles = [r.title for r in first + second + third]
    assert titles == [f"Story {i}" for i in range(24, -1, -1)]


def test_filters(store: Store) -> None:
    ids, _ = store.save_items(feed_id(store), [item(1), item(2)])
    store.save_items(feed_id(store, "http://b.example/feed"), [item(3)])
    store.set_read([ids[0]])
    store.set_starred(ids[1], True)
    assert store.count(StoryFilter(unread=True)) == 2
    assert store.count(StoryFilter(starred=True)) == 1
    assert store.count(StoryFilter(feed_ids=(feed_id(store),))) == 2


def test_topics_are_matched_on_save_and_exclusions_hold(store: Store) -> None:
    fid = feed_id(store)
    ids, _ = store.save_items(
        fid,
        [
            item(1, title="Rail workers strike"),
            item(2, title="Air strike hits city"),
            item(3, title="Dockers strike", summary="pickets"),
        ],
    )
    assert store.topics_of(ids[0]) == ["Strikes"]
    assert store.topics_of(ids[1]) == []
    others = store.topic_rows("Strikes", exclude_id=ids[0])
    assert [r.title for r in others] == ["Dockers strike"]


def _fts(store: Store, word: str) -> list[int]:
    return [
        r[0] for r in store.db.conn.execute("SELECT rowid FROM story_fts WHERE story_fts MATCH ?", (word,))
    ]


def test_fts_index_catches_up_in_one_pass_and_follows_updates(store: Store) -> None:
    fid = feed_id(store)
    ids, _ = store.save_items(fid, [item(1, title="Kwarteng rejects e-ballots"), item(2, title="Dock vote")])
    assert store.has_pending_index() and _fts(store, "kwarteng") == []  # saved, not indexed yet
    assert store.index_pending() == 2
    assert not store.has_pending_index() and store.index_pending() == 0
    assert _fts(store, "kwarteng") == [ids[0]]
    store.save_items(fid, [item(1, title="Minister rejects e-ballots")])
    assert _fts(store, "kwarteng") == [] and _fts(store, "minister") == [ids[0]]


def test_search_and_sidebar_never_miss_a_story_the_index_has_not_caught_up_with(store: Store) -> None:
    fid = feed_id(store)
    ids, _ = store.save_items(fid, [item(1, title="Quokka census")])
    store.save_article(ids[0], url="https://x/1", text="wombat numbers fall")  # before it is indexed
    assert [r.id for r in store.search("quokka", StoryFilter())] == ids
    assert [r.id for r in store.search("wombat", StoryFilter())] == ids  # the article text joined in


def test_pruning_the_newest_story_does_not_leave_its_reused_id_unindexed(store: Store) -> None:
    fid = feed_id(store)
    old, _ = store.save_items(fid, [item(1, title="Old quokka")], now=1000.0)
    store.index_pending()
    assert store.prune(keep_days=1, max_per_feed=0, now=10 * 86400.0) == 1
    new, _ = store.save_items(fid, [item(2, title="New wombat")], now=10 * 86400.0)
    assert new == old  # SQLite hands the freed id out again
    store.index_pending()
    assert _fts(store, "wombat") == new and _fts(store, "quokka") == []


def test_removed_feed_is_hidden_not_deleted(store: Store) -> None:
    store.save_items(feed_id(store, "http://b.example/feed"), [item(1)])
    store.sync_feeds([FeedConfig("http://a.example/feed")])
    assert store.count() == 0
    store.sync_feeds([FeedConfig("http://a.example/feed"), FeedConfig("http://b.example/feed")])
    assert store.count() == 1


def test_schema_version_and_wal(tmp_path: Path) -> None:
    from tuinews.io.schema import APPLICATION_ID, MIGRATIONS

    Store(tmp_path / "v.db").close()
    conn = sqlite3.connect(tmp_path / "v.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_foreign_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="another program's SQLite database"):
        Store(path)
    assert path.read_bytes() == before


def test_corrupt_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database at all" * 100)
    before = path.read_bytes()
    with pytest.raises(StorageError, match="not a usable database"):
        Store(path)
    assert path.read_bytes() == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    Store(tmp_path / "n.db").close()
    conn = sqlite3.connect(tmp_path / "n.db")
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="newer tuinews"):
        Store(tmp_path / "n.db")


def test_connections_are_per_thread(store: Store) -> None:
    import threading

    seen = []
    t = threading.Thread(target=lambda: seen.append(store.db.conn))
    t.start()
    t.join()
    assert seen[0] is not store.db.conn


def test_killfile_hides_or_marks_read_and_follows_rule_changes(tmp_path: Path) -> None:
    from tuinews.config import FilterConfig

    store = Store(tmp_path / "k.db")
    store.sync_feeds([FeedConfig("http://a.example/feed"), FeedConfig("http://b.example/feed")])
    a, b = feed_id(store), feed_id(store, "http://b.example/feed")
    store.set_filters(
        [
            FilterConfig(title="(?i)horoscope"),
            FilterConfig(url="/live/", action="read", feeds=("http://b.example/feed",)),
        ]
    )
    store.save_items(
        a, [item(1, title="Your horoscope today"), item(2, title="Budget", link="http://x/live/1")]
    )
    store.save_items(b, [item(3, title="Live: budget", link="http://x/live/2")])
    rows = {r.title: r for r in store.story_rows()}
    assert "Your horoscope today" not in rows  # hidden
    assert not rows["Budget"].read  # the url rule is limited to feed b
    assert rows["Live: budget"].read
    store.set_filters([])  # rules removed: hidden stories come back
    assert "Your horoscope today" in {r.title for r in store.story_rows()}
    store.close()


def test_prune_keeps_starred_and_pruned_stories_never_come_back(store: Store) -> None:
    fid = feed_id(store)
    long_ago = 1_600_000_000.0
    ids, _ = store.save_items(fid, [item(i) for i in range(10)], now=long_ago)
    store.set_starred(ids[0], True)
    assert store.prune(keep_days=30, max_per_feed=0) == 9
    assert [r.id for r in store.story_rows()] == [ids[0]]
    new, _ = store.save_items(fid, [item(i) for i in range(10)])  # the feed still lists them
    assert new == []
    assert store.count() == 1


def test_max_stories_per_feed(store: Store) -> None:
    fid = feed_id(store)
    ids, _ = store.save_items(fid, [item(i) for i in range(20)])
    store.set_starred(ids[19], True)  # the oldest, but starred
    assert store.prune(keep_days=0, max_per_feed=5) == 15
    left = {r.id for r in store.story_rows()}
    assert ids[19] in left and len(left) == 5


def test_database_stays_bounded_over_months_of_refreshes(tmp_path: Path) -> None:
    store = Store(tmp_path / "months.db")
    store.sync_feeds([FeedConfig("http://a.example/feed")])
    fid = feed_id(store)
    day = 86400.0
    start = 1_700_000_000.0
    counts = []
    for d in range(120):  # four months, 40 new stories a day
        now = start + d * day
        items = [item(d * 100 + i, title=f"Day {d} story {i}") for i in range(40)]
        store.save_items(fid, items, now=now)
        store.prune(keep_days=14, max_per_feed=10_000, now=now)
        counts.append(store.count())
    assert max(counts[30:]) == counts[-1] <= 15 * 40
    before, after = store.vacuum()
    assert after <= before
    store.close()
