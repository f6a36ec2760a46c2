"""Sync in the real app: start-up sync, marks pushed in the background, header, offline, unsubscribe."""

from __future__ import annotations

import asyncio
import time

from tests.greader_server import GReaderServer
from tests.sync.conftest import farm
from tests.ui.helpers import screen_text, settle
from tuinews.ui.app import build_app
from tuinews.ui.screens.errors import FeedHealth
from tuinews.ui.widgets.story_list import StoryList

SIZE = (160, 40)


async def wait_for(pilot, check, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await settle(pilot)
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(
        "timed out: "
        + screen_text(pilot.app)[:600]
        + repr([(n.title, n.message) for n in pilot.app._notifications])
    )


def rows(app):  # type: ignore[no-untyped-def]
    return app.screen.query_one(StoryList).rows


async def test_start_up_syncs_and_a_mark_is_pushed_within_seconds(
    greader: GReaderServer, sync_config, synced
) -> None:
    farm(greader, 2, 3, "World")
    service = synced(sync_config(extra="group_same_story = false\n"))
    app = build_app(service, refresh_on_start=True, open_url=lambda url: None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: len(rows(app)) == 6)
        await wait_for(pilot, lambda: "Synced just now" in screen_text(app))
        assert "Outlet 1 story 0" in screen_text(app)
        first = rows(app)[0]
        await pilot.press("s")  # star it
        await wait_for(pilot, lambda: any(e.starred for e in greader.account.entries.values()), 5)
        starred = [e for e in greader.account.entries.values() if e.starred]
        assert len(starred) == 1 and starred[0].title == first.title
        # a change on the server shows after r
        other = next(e for e in greader.account.entries.values() if not e.starred)
        other.read = True
        await pilot.press("r")
        await wait_for(pilot, lambda: any(r.title == other.title and r.read for r in rows(app)))


async def test_a_server_that_fails_is_one_notification_and_the_app_goes_on(
    greader, sync_config, synced
) -> None:
    farm(greader, 1, 3)
    service = synced(sync_config(extra="group_same_story = false\n"))
    await service.sync()
    greader.mode = "5xx"
    app = build_app(service, refresh_on_start=True, open_url=lambda url: None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: "Sync: offline" in screen_text(app))
        notes = [n for n in app._notifications if "Sync failed" in (n.title or "")]
        assert len(notes) == 1 and "HTTP 503" in notes[0].message
        assert len(rows(app)) == 3  # everything stored is still there
        await pilot.press("m")  # marks still work, and wait for the server
        await wait_for(pilot, lambda: service.pending_count() == 1)
        assert len([n for n in app._notifications if "Sync failed" in (n.title or "")]) == 1
        greader.mode = None
        await pilot.press("r")
        await wait_for(pilot, lambda: service.pending_count() == 0 and "Synced just now" in screen_text(app))
        assert sum(e.read for e in greader.account.entries.values()) == 1


async def test_feed_health_unsubscribes_a_server_feed_after_confirmation(
    greader, sync_config, synced
) -> None:
    farm(greader, 2, 1)
    service = synced(sync_config(extra="group_same_story = false\n"))
    await service.sync()
    app = build_app(service, refresh_on_start=False, open_url=lambda url: None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FeedHealth))
        assert "sync server" in screen_text(app)
        await pilot.press("d")
        await settle(pilot)
        assert "Unsubscribe from Outlet" in screen_text(app)
        await pilot.press("n")  # no: nothing happens
        await settle(pilot)
        assert len(greader.account.feeds) == 2
        await pilot.press("d", "y")
        await wait_for(pilot, lambda: len(greader.account.feeds) == 1)
        await wait_for(pilot, lambda: len(app.screen.feeds) == 1)
