"""The same checks against a real Google Reader API server (FreshRSS, Miniflux…), when one is given.

Set TUINEWS_TEST_GREADER_URL, TUINEWS_TEST_GREADER_USER and TUINEWS_TEST_GREADER_PASSWORD
to a *test account* that has some unread stories: the test marks three of them, checks the
marks through the API, and puts their state back.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from tuinews.config import load
from tuinews.core.models import View
from tuinews.io.http import Limits, make_client
from tuinews.service import Service
from tuinews.sync.greader import READ, READING_LIST, STARRED, GReaderClient

URL = os.environ.get("TUINEWS_TEST_GREADER_URL", "")
USER = os.environ.get("TUINEWS_TEST_GREADER_USER", "")
PASSWORD = os.environ.get("TUINEWS_TEST_GREADER_PASSWORD", "")

pytestmark = pytest.mark.skipif(
    not (URL and USER and PASSWORD),
    reason="no real server: set TUINEWS_TEST_GREADER_URL, _USER and _PASSWORD (a test account)",
)


async def server_state() -> tuple[set[int], set[int], GReaderClient]:
    http = make_client(Limits(total_seconds=60, max_bytes=50_000_000))
    client = GReaderClient(URL, USER, lambda: PASSWORD, http, Limits(total_seconds=60, max_bytes=50_000_000))
    unread = set(await client.item_ids(READING_LIST, exclude=READ))
    starred = set(await client.item_ids(STARRED))
    return unread, starred, client


def test_a_real_server_syncs_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUINEWS_SYNC_PASSWORD", PASSWORD)
    config = tmp_path / "tuinews.toml"
    config.write_text(f'[settings]\nrefresh_minutes = 0\n\n[sync]\nurl = "{URL}"\nusername = "{USER}"\n')
    service = Service.open(load(config), tmp_path / "tuinews.db")
    try:
        first = asyncio.run(service.sync())
        assert first.subscriptions.total > 0 and service.store.count() > 0
        again = Service.open(load(config), tmp_path / "tuinews.db")
        second = asyncio.run(again.sync())
        again.close()
        assert second.requests <= 5 and second.new_ids == []
        unread_before, starred_before, _ = asyncio.run(server_state())
        rows = [r for r in service.rows(View(), None, 50) if not r.read and not r.starred][:3]
        assert len(rows) == 3, "the test account needs three unread, unstarred stories"
        items = service.sync_state.item_ids_of([r.id for r in rows])
        a, b, c = (items[r.id] for r in rows)
        service.set_read([rows[0].id], True)
        service.set_starred(rows[1].id, True)
        asyncio.run(service.sync())

        async def on_server_and_back() -> tuple[set[int], set[int]]:
            unread, starred, client = await server_state()
            await client.edit_tag([c], add=STARRED)  # "another device" stars the third
            await client.http.aclose()
            return unread, starred

        unread, starred = asyncio.run(on_server_and_back())
        assert a not in unread and b in starred
        report = asyncio.run(service.sync())
        assert report.pulled.get("starred") == 1
        assert service.story(rows[2].id).starred
    finally:

        async def restore() -> None:
            _, _, client = await server_state()
            if a in unread_before:
                await client.edit_tag([a], remove=READ)
            await client.edit_tag([b, c], remove=STARRED)
            await client.http.aclose()

        if "c" in locals():
            asyncio.run(restore())
        service.close()
