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


PAGE = """<!doctype html><html><head><title>{title}</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>{title}</h1><p class="byline">By A Reporter</p>{body}</article>
<footer>Copyright The Courier</footer></body></html>"""


def article_page(title: str, paragraphs: list[str]) -> bytes:
    """A small but real article page."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return PAGE.format(title=title, body=body).encode()


def courier_items(base: str = "http://127.0.0.1:9") -> list[Item]:
    return [
        Item("Minister rejects electronic strike ballots", "c1", f"{base}/a/1.html",
             "<p>The business secretary rejected <a href='https://example.org/review'>e-ballots</a> for unions.</p>"
             "<p>Second paragraph of the story.</p>", ts=NOW_TS - 600),
        Item("Air strike hits bridge in border town", "c2", f"{base}/a/2.html",
             "<p>Jets attacked the bridge overnight.</p>", ts=NOW_TS - 1200),
        Item("[bold red]PWNED[/] and [@click=app.quit]x[/]", "c3", f"{base}/a/3.html",
             "<p>Markup in a title must show literally.</p>", ts=NOW_TS - 1800),
        Item("Village fete raises record sum", "c4", "javascript:alert(1)", "<p>Cakes sold out.</p>", ts=NOW_TS - 2400),
    ]  # fmt: skip


def ledger_items(base: str = "http://127.0.0.1:9") -> list[Item]:
    return [
        Item("Rail drivers announce 48-hour walkout", "l1", f"{base}/b/1.html",
             "<p>Train drivers will strike next week.</p>", ts=NOW_TS - 900),
        Item("Interest rates held at 4%", "l2", f"{base}/b/2.html", "<p>The bank held rates.</p>",
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
    courier = server.add("/courier.xml", body=Feed("The Courier", items=courier_items(server.base)).rss())
    ledger = server.add("/ledger.xml", body=Feed("The Ledger", items=ledger_items(server.base)).rss())
    server.add(
        "/a/1.html",
        body=article_page(
            "Minister rejects electronic strike ballots",
            [
                "The business secretary has rejected electronic strike ballots for unions.",
                "He said the votes could be open to a malevolent attack.",
                "Union leaders called the decision <a href='https://example.org/reaction'>a pretext</a>.",
            ],
        ),
        content_type="text/html; charset=utf-8",
    )
    server.add("/b/1.html", status=404, body=b"gone", content_type="text/plain")
    broken = server.url("/gone.xml")
    path = write_config([courier, ledger, broken], extra=STRIKES_TOPIC + "[settings]\nrefresh_minutes = 0\n")
    service = open_service(path)

    async def first_refresh() -> None:
        async for _ in service.refresh():
            pass
        await service.aclose()

    asyncio.run(first_refresh())
    return World(server, path, service, [])
