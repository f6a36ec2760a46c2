"""A small world of feeds for Pilot tests: strike coverage, a non-industrial strike, hostile titles."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import STRIKES_TOPIC
from tests.feeds import Feed, Item
from tuinews.demo.server import LoopbackServer
from tuinews.service import Service
from tuinews.ui.app import TuinewsApp, build_app

NOW_TS = time.time()


def courier_items() -> list[Item]:
    return [
        Item("Minister rejects electronic strike ballots", "c1", "http://courier.example/1",
             "<p>The business secretary rejected <a href='https://example.org/review'>e-ballots</a> for unions.</p>"
             "<p>Second paragraph of the story.</p>", ts=NOW_TS - 600),
        Item("Air strike hits bridge in border town", "c2", "http://courier.example/2",
             "<p>Jets attacked the bridge overnight.</p>", ts=NOW_TS - 1200),
        Item("[bold red]PWNED[/] and [@click=app.quit]x[/]", "c3", "http://courier.example/3",
             "<p>Markup in a title must show literally.</p>", ts=NOW_TS - 1800),
        Item("Village fete raises record sum", "c4", "javascript:alert(1)", "<p>Cakes sold out.</p>", ts=NOW_TS - 2400),
    ]  # fmt: skip


def ledger_items() -> list[Item]:
    return [
        Item("Rail drivers announce 48-hour walkout", "l1", "http://ledger.example/1",
             "<p>Train drivers will strike next week.</p>", ts=NOW_TS - 900),
        Item("Interest rates held at 4%", "l2", "http://ledger.example/2", "<p>The bank held rates.</p>",
             ts=NOW_TS - 3000),
    ]  # fmt: skip


class World:
    """The server, config and an app factory for one test."""

    def __init__(self, server: LoopbackServer, config: Path, service: Service, opened: list[str]) -> None:
        self.server = server
        self.config = config
        self.service = service
        self.opened = opened

    def app(self, **kwargs: object) -> TuinewsApp:
        kwargs.setdefault("refresh_on_start", False)
        return build_app(self.service, open_url=self.opened.append, **kwargs)


@pytest.fixture
def world(server: LoopbackServer, write_config: Callable[..., Path], open_service) -> World:
    courier = server.add("/courier.xml", body=Feed("The Courier", items=courier_items()).rss())
    ledger = server.add("/ledger.xml", body=Feed("The Ledger", items=ledger_items()).rss())
    broken = server.url("/gone.xml")
    path = write_config([courier, ledger, broken], extra=STRIKES_TOPIC + "[settings]\nrefresh_minutes = 0\n")
    service = open_service(path)

    async def first_refresh() -> None:
        async for _ in service.refresh():
            pass
        await service.aclose()

    asyncio.run(first_refresh())
    return World(server, path, service, [])
