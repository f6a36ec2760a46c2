"""The fetcher against a real loopback server: validators, failures as values, limits."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.feeds import Feed, Item, numbered
from tuinews.core.models import FeedOutcome
from tuinews.demo.server import LoopbackServer, Route
from tuinews.service import Service

FAST = "[settings]\ntimeout_seconds = 2\n"


async def refresh(service: Service, **kwargs) -> dict[str, FeedOutcome]:
    out = {}
    try:
        async for outcome in service.refresh(**kwargs):
            out[outcome.url] = outcome
    finally:
        await service.aclose()
    return out


async def test_refresh_stores_once_then_sends_conditional_requests(server, write_config, open_service):
    url = server.add("/feed.xml", body=Feed(items=numbered(20)).rss())
    service = open_service(write_config([url]))
    first = await refresh(service)
    assert first[url].kind == "new" and first[url].new_count == 20
    second = await refresh(service)
    assert second[url].kind == "not_modified"
    assert server.conditional_hits["/feed.xml"] == 1
    assert service.count(service_view()) == 20


def service_view():
    from tuinews.core.models import View

    return View()


async def test_last_modified_alone_is_used(server, write_config, open_service):
    body = Feed(items=numbered(3)).rss()
    url = server.add("/lm.xml", body=body)
    route = server.routes["/lm.xml"]

    def no_etag(handler: BaseHTTPRequestHandler) -> None:
        from email.utils import formatdate, parsedate_to_datetime

        lm = formatdate(route.last_modified, usegmt=True)
        ims = handler.headers.get("If-Modified-Since")
        if ims and parsedate_to_datetime(ims).timestamp() >= int(route.last_modified):
            handler.send_response(304)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("Last-Modified", lm)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    route.handler = no_etag
    service = open_service(write_config([url]))
    assert (await refresh(service))[url].new_count == 3
    assert (await refresh(service))[url].kind == "not_modified"


async def test_unchanged_body_without_validators_is_skipped_by_hash(server, write_config, open_service):
    url = server.add("/plain.xml", body=Feed(items=numbered(3)).rss(), validators=False)
    service = open_service(write_config([url]))
    assert (await refresh(service))[url].new_count == 3
    assert (await refresh(service))[url].kind == "not_modified"


async def test_changed_feed_adds_only_new_items_and_keeps_vanished(server, write_config, open_service):
    url = server.add("/f.xml", body=Feed(items=numbered(5)).rss())
    service = open_service(write_config([url]))
    await refresh(service)
    server.routes["/f.xml"].body = Feed(items=numbered(5, start=3)).rss()
    second = await refresh(service)
    assert second[url].new_count == 3
    assert service.count(service_view()) == 8


async def test_failures_are_values_and_do_not_stop_other_feeds(server, write_config, open_service):
    good = server.add("/good.xml", body=Feed(items=numbered(4)).rss())
    missing = server.url("/missing.xml")
    broken = server.add("/500.xml", status=500, body=b"oops", content_type="text/plain")
    html = server.add(
        "/page.html", body=b"<!doctype html><html><body><p>Hi</p></body></html>", content_type="text/html"
    )
    refused = "http://127.0.0.1:1/feed.xml"
    service = open_service(write_config([good, missing, broken, html, refused]))
    out = await refresh(service)
    assert out[good].kind == "new" and out[good].new_count == 4
    assert out[missing].error == "HTTP 404 Not Found"
    assert out[broken].error == "HTTP 500 Internal Server Error"
    assert out[html].error == "not a feed: the server sent an HTML page"
    assert out[refused].error == "connection refused"
    health = {f.url: f for f in service.feeds()}
    assert health[missing].last_status == 404 and health[missing].last_error == "HTTP 404 Not Found"
    assert health[good].last_error is None and health[good].last_success_at


async def test_slow_server_hits_the_deadline(server, write_config, open_service):
    url = server.add("/slow.xml", body=Feed(items=numbered(2)).rss(), delay=3.0)
    good = server.add("/ok.xml", body=Feed(items=numbered(2)).rss())
    service = open_service(write_config([url, good], extra="[settings]\ntimeout_seconds = 1\n"))
    started = time.monotonic()
    out = await refresh(service)
    assert time.monotonic() - started < 2.5
    assert out[url].kind == "error" and (
        "took longer than 1 s" in out[url].error or "read timeout" in out[url].error
    )
    assert out[good].new_count == 2


async def test_trickling_server_cannot_hold_the_refresh(server, write_config, open_service):
    body = Feed(items=numbered(50)).rss()
    url = server.add("/trickle.xml", body=body, trickle=(64, 0.2))
    service = open_service(write_config([url], extra="[settings]\ntimeout_seconds = 1\n"))
    started = time.monotonic()
    out = await refresh(service)
    assert time.monotonic() - started < 2.0
    assert out[url].error == "took longer than 1 s, gave up"


async def test_redirects_followed_and_limited(server, write_config, open_service):
    target = server.add("/real.xml", body=Feed(items=numbered(2)).rss())
    moved = server.add("/moved.xml", status=301, headers={"Location": "/real.xml"}, validators=False)
    loop_a = server.add("/loop-a", status=302, headers={"Location": "/loop-b"}, validators=False)
    server.add("/loop-b", status=302, headers={"Location": "/loop-a"}, validators=False)
    to_file = server.add("/to-file", status=302, headers={"Location": "file:///etc/passwd"}, validators=False)
    service = open_service(write_config([moved, loop_a, to_file]))
    out = await refresh(service)
    assert out[moved].new_count == 2 and target
    assert out[loop_a].error == "more than 5 redirects"
    assert out[to_file].error.startswith("redirected to a non-http(s) address")


async def test_malformed_xml_is_read_leniently_with_a_warning(server, write_config, open_service):
    body = Feed(items=numbered(3)).rss().replace(b"</channel>", b"<broken></channel>")
    url = server.add("/bad.xml", body=body)
    service = open_service(write_config([url]))
    out = await refresh(service)
    assert out[url].kind == "new" and out[url].new_count == 3
    assert out[url].warning and "malformed" in out[url].warning


async def test_huge_body_is_cut_off_not_loaded(server, write_config, open_service):
    items = [Item(title=f"t{i}", guid=f"g{i}", summary="x" * 5000) for i in range(400)]
    url = server.add("/huge.xml", body=Feed(items=items).rss())  # ~2 MB
    service = open_service(write_config([url], extra="[settings]\nmax_feed_bytes = 200000\n"))
    out = await refresh(service)
    assert out[url].kind == "new"
    assert 0 < out[url].new_count < 400
    assert "cut off at 200,000 bytes" in out[url].warning


async def test_gzip_is_decoded(server, write_config, open_service):
    url = server.add("/gz.xml", body=Feed(items=numbered(3)).rss(), gzip=True)
    service = open_service(write_config([url]))
    assert (await refresh(service))[url].new_count == 3


async def test_per_host_concurrency_is_bounded(server, write_config, open_service):
    active = 0
    peak = 0
    lock = threading.Lock()
    body = Feed(items=numbered(1)).rss()

    def slow(handler: BaseHTTPRequestHandler) -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.15)
        with lock:
            active -= 1
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    urls = [server.add(f"/c{i}.xml", Route(handler=slow)) for i in range(8)]
    service = open_service(write_config(urls, extra="[settings]\nper_host_concurrency = 2\n"))
    out = await refresh(service)
    assert all(o.kind == "new" for o in out.values())
    assert peak == 2


async def test_refresh_streams_outcomes_as_they_finish(server, write_config, open_service):
    slow = server.add("/slow.xml", body=Feed(items=numbered(1)).rss(), delay=0.5)
    fast = server.add("/fast.xml", body=Feed(items=numbered(1)).rss())
    service = open_service(write_config([slow, fast]))
    order = []
    async for outcome in service.refresh():
        order.append(outcome.url)
    await service.aclose()
    assert order == [fast, slow]


def test_refresh_writes_nothing_twice_for_100_feeds(tmp_path: Path, write_config, open_service) -> None:
    import asyncio

    with LoopbackServer() as srv:
        urls = [
            srv.add(f"/f{i}.xml", body=Feed(items=numbered(50, prefix=f"f{i}")).rss()) for i in range(100)
        ]
        service = open_service(write_config(urls))
        first = asyncio.run(refresh(service))
        assert sum(o.new_count for o in first.values()) == 5000
        second = asyncio.run(refresh(service))
        assert all(o.kind == "not_modified" for o in second.values())
        assert sum(srv.conditional_hits.values()) == 100
        assert service.count(service_view()) == 5000


async def test_prefetch_stores_articles_and_their_text_is_searchable(server, write_config, open_service):
    page = b"<html><body><article><h1>T</h1><p>The quokka census found four hundred animals on the island this spring, more than ever.</p></article></body></html>"
    items = [
        Item(
            "Island census", "g1", server.add("/a.html", body=page, content_type="text/html"), "<p>Short.</p>"
        )
    ]
    url = server.add("/f.xml", body=Feed(items=items).rss())
    service = open_service(write_config([url], extra="[settings]\nprefetch_articles = true\n"))
    out = await refresh(service)
    assert out[url].new_count == 1
    fetched = await service.prefetch(list(out[url].new_ids))
    await service.aclose()
    assert fetched == 1
    hits = service.store.db.conn.execute(
        "SELECT rowid FROM story_fts WHERE story_fts MATCH 'quokka'"
    ).fetchall()
    assert hits == [(out[url].new_ids[0],)]


def test_a_stray_links_element_does_not_crash_the_feed() -> None:
    from tuinews.io.feed_parse import parse_feed

    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>One</title><guid>g1</guid><links>not a list</links></item></channel></rss>"
    )
    parsed = parse_feed(body, {"content-type": "application/rss+xml"}, "http://127.0.0.1:9/f.xml")
    assert [i.title for i in parsed.items] == ["One"]
