"""Sync against the loopback Google Reader server: pull, push, incremental walks, state both ways."""

from __future__ import annotations

import asyncio
import sqlite3

from tests.greader_server import GReaderServer
from tests.sync.conftest import farm
from tuinews.core.models import View
from tuinews.sync import greader as protocol


def run(service, **kwargs):  # type: ignore[no-untyped-def]
    return asyncio.run(service.sync(**kwargs))


def test_first_sync_stores_every_story_once_under_the_servers_feeds(
    greader: GReaderServer, sync_config, synced
) -> None:
    farm(greader, 4, 25, "World News")
    service = synced(sync_config())
    report = run(service)
    assert len(report.new_ids) == 100
    assert report.subscriptions.total == 4 and report.subscriptions.new == 4
    feeds = service.feeds()
    assert sorted(f.title for f in feeds) == [f"Outlet {n}" for n in range(4)]
    assert all(f.total == 25 and f.tags == ("World News",) for f in feeds)
    assert "World News" in service.tags()
    assert service.count(View("tag", "World News")) == 100
    lines = report.lines()
    assert lines[0] == "subscriptions: 4 (4 new, 0 removed)"
    assert lines[1] == "stories: 100 new"
    # Searchable and with topics like fetched stories: the index caught up.
    rows, _ = service.search("Outlet 2 story 7")
    assert rows and rows[0].title.startswith("Outlet 2 story 7")


def test_second_sync_with_nothing_new_is_five_requests_and_stores_nothing(
    greader, sync_config, synced
) -> None:
    farm(greader, 3, 10)
    path = sync_config()
    run(synced(path))
    before = greader.count()
    again = synced(path)  # a new run, as `tuinews sync` is: it logs in again
    report = run(again)
    assert report.new_ids == [] and report.requests <= 5
    assert greader.count() - before == report.requests
    assert report.lines()[1] == "stories: 0 new"
    db = sqlite3.connect(again.store.path)
    assert db.execute("SELECT count(*) FROM stories").fetchone()[0] == 30
    assert db.execute("SELECT count(*) FROM sync_items").fetchone()[0] == 30


def test_incremental_sync_follows_continuation_pages(greader, sync_config, synced, monkeypatch) -> None:
    monkeypatch.setattr(protocol, "IDS_PAGE", 7)
    monkeypatch.setattr("tuinews.sync.engine.NEW_PAGE", 5)
    feed = greader.add_feed("http://127.0.0.1:9/a.xml", "Alpha", "News")
    greader.add_entries(feed, 30)
    service = synced(sync_config())
    assert len(run(service).new_ids) == 30
    greader.log.clear()
    greader.add_entries(feed, 12, start=30)
    report = run(service)
    assert len(report.new_ids) == 12
    walked = [e for _, e in greader.log if e == "stream/items/ids"]
    # the reading list since the last sync: 5 + 5 + 2 new, then a page of known ones ends the walk;
    # the unread list (42 ids) in pages of 7; the starred list (empty)
    assert len(walked) == 4 + 7 + 1
    titles = {r.title for r in service.rows(View())}
    assert {f"Alpha story {n}" for n in range(42)} == titles


def test_read_and_star_go_both_ways(greader, sync_config, synced) -> None:
    feed = greader.add_feed("http://127.0.0.1:9/a.xml", "Alpha")
    entries = greader.add_entries(feed, 5)
    service = synced(sync_config())
    run(service)
    ids = service.sync_state.item_ids_of([r.id for r in service.rows(View())])
    story = {item: sid for sid, item in ids.items()}
    # here -> server
    service.set_read([story[entries[0].id]], True)
    service.set_starred(story[entries[1].id], True)
    assert service.pending_count() == 2
    report = run(service)
    assert report.pushed == {"read": 1, "unread": 0, "starred": 1, "unstarred": 0}
    assert greader.entry(entries[0].id).read and greader.entry(entries[1].id).starred
    assert service.pending_count() == 0
    # server -> here
    greader.entry(entries[2].id).read = True
    greader.entry(entries[3].id).starred = True
    greader.entry(entries[0].id).read = False
    report = run(service)
    assert report.pulled == {"read": 1, "unread": 1, "starred": 1, "unstarred": 0}
    rows = {r.id: r for r in service.rows(View())}
    assert rows[story[entries[2].id]].read and rows[story[entries[3].id]].starred
    assert not rows[story[entries[0].id]].read
    assert report.lines()[2] == "state: pushed nothing; pulled 1 read, 1 unread, 1 starred"


def test_a_mark_not_yet_pushed_wins_over_the_servers_older_state(greader, sync_config, synced) -> None:
    feed = greader.add_feed("http://127.0.0.1:9/a.xml", "Alpha")
    entries = greader.add_entries(feed, 3)
    service = synced(sync_config())
    run(service)
    sid = service.sync_state.item_ids_of([r.id for r in service.rows(View())])
    story = {item: s for s, item in sid.items()}
    service.set_read([story[entries[0].id]], True)
    # The server's lists say unread; the pending mark keeps this story read.
    changed, _ = service.sync_state.apply_state({e.id for e in entries}, set())
    assert story[entries[0].id] not in changed
    assert service.story(story[entries[0].id]).read


def test_a_thousand_marks_take_at_most_ten_requests(greader, sync_config, synced) -> None:
    farm(greader, 10, 100)
    service = synced(sync_config())
    run(service)
    ids = service.unread_ids(View())
    assert len(ids) == 1000
    service.set_read(ids, True)
    greader.log.clear()
    pushed = asyncio.run(service.push())
    assert pushed["read"] == 1000
    assert greader.count() <= 10, greader.log
    assert all(e.read for e in greader.account.entries.values())
