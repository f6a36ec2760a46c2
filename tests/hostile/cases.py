"""The hostile feed catalogue: what a bad server sends, and what tuinews must do about it.

Each case registers routes on a LoopbackServer and returns the feed URL, a
check of the outcome, and optionally a change to make before a second refresh.
The same catalogue drives the in-process suite (`test_cases.py`) and the
`tuinews refresh` run against every case at once (`test_cli_all.py`).
"""

from __future__ import annotations

import random
import socket
import struct
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler

from tests.feeds import Feed, Item, numbered
from tuinews.core.models import FeedInfo, FeedOutcome
from tuinews.demo.server import LoopbackServer, Route

DEADLINE = 2.0  # timeout_seconds of every hostile config (1 s flakes on a loaded machine)
MAX_BYTES = 8_000_000
MAX_REDIRECTS = 3
SETTINGS = f"""
[settings]
timeout_seconds = {DEADLINE:g}
max_feed_bytes = {MAX_BYTES}
max_redirects = {MAX_REDIRECTS}
concurrency = 128
per_host_concurrency = 64
refresh_minutes = 0
"""
GAVE_UP = f"took longer than {DEADLINE:g} s, gave up"
RSS3 = Feed(items=numbered(3)).rss()


@dataclass
class Result:
    """What one case produced, gathered after the refreshes."""

    url: str
    first: FeedOutcome
    second: FeedOutcome | None
    stories: list[dict[str, object]]
    feed: FeedInfo
    hits: int
    server: LoopbackServer
    started: float  # time.time() before the first refresh

    @property
    def titles(self) -> list[str]:
        return [str(s["title"]) for s in self.stories]


Check = Callable[[Result], None]
Then = Callable[[LoopbackServer], None]


@dataclass
class Built:
    url: str
    check: Check
    then: Then | None = None


@dataclass
class Case:
    name: str
    expect: str  # the expected behaviour in one line (the README points here)
    build: Callable[[LoopbackServer], Built]
    bad: bool = field(default=True)  # `tuinews refresh` reports it as an error line


CASES: dict[str, Case] = {}


def case(name: str, expect: str, *, bad: bool = True) -> Callable[[Callable[[LoopbackServer], Built]], None]:
    def register(build: Callable[[LoopbackServer], Built]) -> None:
        assert name not in CASES, name
        CASES[name] = Case(name, expect, build, bad)

    return register


def raw(status: int, body: bytes, headers: dict[str, str]) -> Callable[[BaseHTTPRequestHandler], None]:
    """A handler that sends exactly these headers (no Content-Length unless given)."""

    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        for name, value in headers.items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(body)
        h.wfile.flush()
        h.close_connection = True

    return handle


def error_is(expected: str) -> Check:
    def check(r: Result) -> None:
        assert r.first.kind == "error", r.first
        assert r.first.error == expected
        assert r.stories == []
        assert r.feed.last_error == expected

    return check


def bomb(head: bytes, megabytes: int, wbits: int, fill: bytes = b" ") -> bytes:
    """`head` followed by `megabytes` MB of `fill`, compressed (~1000:1) without holding it all."""
    co = zlib.compressobj(9, zlib.DEFLATED, wbits)
    parts = [co.compress(head)]
    chunk = fill * (1 << 20)
    parts.extend(co.compress(chunk) for _ in range(megabytes))
    parts.append(co.flush())
    return b"".join(parts)


BOMB_HEAD = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Bomb</title>'
    b"<item><title>before the bomb</title><guid isPermaLink='false'>b1</guid></item><item><title>inside</title><description>"
)

# -- network ---------------------------------------------------------------------------


@case("slow-headers", f"headers after 4 s: error '{GAVE_UP}' within the deadline")
def _(srv: LoopbackServer) -> Built:
    return Built(srv.add("/slow-headers.xml", body=RSS3, delay=4.0), error_is(GAVE_UP))


@case("trickle", f"64 bytes every 0.2 s: error '{GAVE_UP}'")
def _(srv: LoopbackServer) -> Built:
    body = Feed(items=numbered(50)).rss()
    return Built(srv.add("/trickle.xml", body=body, trickle=(64, 0.2)), error_is(GAVE_UP))


@case("stall-mid-body", f"half the body, then silence: error '{GAVE_UP}'")
def _(srv: LoopbackServer) -> Built:
    def stall(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(len(RSS3)))
        h.end_headers()
        h.wfile.write(RSS3[:300])
        h.wfile.flush()
        time.sleep(4)

    return Built(srv.add("/stall.xml", Route(handler=stall)), error_is(GAVE_UP))


@case(
    "gzip-bomb",
    "200 MB of gzip in 200 KB: decoding stops at max_feed_bytes, the items before it are kept",
    bad=False,
)
def _(srv: LoopbackServer) -> Built:
    body = bomb(BOMB_HEAD, 200, 31)
    handler = raw(200, body, {"Content-Encoding": "gzip", "Content-Length": str(len(body))})

    def check(r: Result) -> None:
        assert r.first.kind == "new"
        assert r.first.warning and r.first.warning.startswith(f"response cut off at {MAX_BYTES:,} bytes")
        assert "before the bomb" in r.titles
        assert all(len(str(s["summary"])) <= 5000 for s in r.stories)

    return Built(srv.add("/gzip-bomb.xml", Route(handler=handler)), check)


@case(
    "deflate-bomb",
    "200 MB of raw deflate (no zlib header): cut off the same way, items before it kept",
    bad=False,
)
def _(srv: LoopbackServer) -> Built:
    body = bomb(BOMB_HEAD, 200, -15)
    handler = raw(200, body, {"Content-Encoding": "deflate", "Content-Length": str(len(body))})

    def check(r: Result) -> None:
        assert r.first.kind == "new"
        assert r.first.warning and r.first.warning.startswith(f"response cut off at {MAX_BYTES:,} bytes")
        assert "before the bomb" in r.titles

    return Built(srv.add("/deflate-bomb.xml", Route(handler=handler)), check)


@case("gzip-of-zeros", "100 MB of NUL bytes in gzip: cut off, then 'not a feed: … binary data'")
def _(srv: LoopbackServer) -> Built:
    body = bomb(b"", 100, 31, fill=b"\0")
    handler = raw(200, body, {"Content-Encoding": "gzip", "Content-Length": str(len(body))})
    return Built(
        srv.add("/zeros", Route(handler=handler)),
        error_is("not a feed: the server sent binary data (no content type)"),
    )


@case("corrupt-gzip", "Content-Encoding gzip over garbage: 'response body is corrupt (bad compression)'")
def _(srv: LoopbackServer) -> Built:
    url = srv.add(
        "/corrupt-gzip.xml", body=b"\x1f\x8b\x08\x00garbage, not gzip", headers={"Content-Encoding": "gzip"}
    )
    return Built(url, error_is("response body is corrupt (bad compression)"))


@case("unknown-encoding", "Content-Encoding br (never asked for): 'unsupported content encoding 'br''")
def _(srv: LoopbackServer) -> Built:
    url = srv.add("/brotli.xml", body=RSS3, headers={"Content-Encoding": "br"})
    return Built(url, error_is("unsupported content encoding 'br'"))


@case("redirect-loop", f"A -> B -> A …: 'more than {MAX_REDIRECTS} redirects'")
def _(srv: LoopbackServer) -> Built:
    url = srv.add("/loop-a", status=302, headers={"Location": "/loop-b"}, validators=False)
    srv.add("/loop-b", status=302, headers={"Location": "/loop-a"}, validators=False)
    return Built(url, error_is(f"more than {MAX_REDIRECTS} redirects"))


@case("redirect-to-file", "302 to file:///etc/passwd: refused, nothing read")
def _(srv: LoopbackServer) -> Built:
    url = srv.add("/to-file", status=302, headers={"Location": "file:///etc/passwd"}, validators=False)
    return Built(url, error_is("redirected to a non-http(s) address (file:///etc/passwd)"))


@case("redirect-to-ftp", "302 to ftp://: refused")
def _(srv: LoopbackServer) -> Built:
    url = srv.add("/to-ftp", status=302, headers={"Location": "ftp://127.0.0.1/feed.xml"}, validators=False)
    return Built(url, error_is("redirected to a non-http(s) address (ftp://127.0.0.1/feed.xml)"))


@case("redirect-to-data", "302 to data:: refused")
def _(srv: LoopbackServer) -> Built:
    url = srv.add("/to-data", status=302, headers={"Location": "data:text/xml,<rss/>"}, validators=False)
    return Built(url, error_is("redirected to an address that is not a valid http(s) URL"))


@case("redirect-chain", f"{MAX_REDIRECTS} relative redirects (the limit): followed, items stored", bad=False)
def _(srv: LoopbackServer) -> Built:
    url = srv.add("/hop0", status=301, headers={"Location": "/hop1"}, validators=False)
    srv.add("/hop1", status=302, headers={"Location": "hop2"}, validators=False)
    srv.add("/hop2", status=307, headers={"Location": srv.url("/hop-final.xml")}, validators=False)
    srv.add("/hop-final.xml", body=RSS3)

    def check(r: Result) -> None:
        assert r.first.kind == "new" and r.first.new_count == 3
        assert r.titles == ["item 0", "item 1", "item 2"]

    return Built(url, check)


@case("content-length-too-long", "Content-Length larger than the body, then close: 'closed … mid-response'")
def _(srv: LoopbackServer) -> Built:
    handler = raw(200, RSS3, {"Content-Length": str(len(RSS3) + 5000)})
    return Built(
        srv.add("/cl-long.xml", Route(handler=handler)),
        error_is("the server closed the connection mid-response"),
    )


@case("content-length-too-short", "Content-Length 100 for a longer body: only 100 bytes read, not a feed")
def _(srv: LoopbackServer) -> Built:
    handler = raw(200, RSS3, {"Content-Length": "100"})
    return Built(
        srv.add("/cl-short.xml", Route(handler=handler)),
        error_is("not a feed: unclosed token at line 2, column 1"),
    )


@case("connection-reset", "TCP reset mid-body: 'the connection was reset while reading'")
def _(srv: LoopbackServer) -> Built:
    def reset(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(len(RSS3)))
        h.end_headers()
        h.wfile.write(RSS3[:300])
        h.wfile.flush()
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.connection.close()
        h.close_connection = True

    return Built(
        srv.add("/reset.xml", Route(handler=reset)), error_is("the connection was reset while reading")
    )


@case("empty-body", "200 with no body: 'empty response'")
def _(srv: LoopbackServer) -> Built:
    return Built(srv.add("/empty.xml", body=b""), error_is("empty response"))


@case("html-page", "an HTML page where the feed was: 'not a feed: the server sent an HTML page'")
def _(srv: LoopbackServer) -> Built:
    page = b"<!doctype html><html><head><title>Welcome</title></head><body><p>Hi</p></body></html>"
    url = srv.add("/page.xml", body=page, content_type="text/html; charset=utf-8")
    return Built(url, error_is("not a feed: the server sent an HTML page"))


@case("binary-junk", "4 KB of random bytes labelled RSS: 'not a feed: the server sent binary data …'")
def _(srv: LoopbackServer) -> Built:
    junk = random.Random(5).randbytes(4096)
    return Built(
        srv.add("/junk.xml", body=junk),
        error_is("not a feed: the server sent binary data (application/rss+xml)"),
    )


@case("http-429", "429 with Retry-After: 120: error now, next fetch waits 2 minutes, no request meanwhile")
def _(srv: LoopbackServer) -> Built:
    url = srv.add(
        "/429.xml", status=429, body=b"slow down", headers={"Retry-After": "120"}, content_type="text/plain"
    )

    def check(r: Result) -> None:
        assert r.first.error == "HTTP 429 Too Many Requests" and r.first.status == 429
        assert r.feed.next_fetch_at is not None
        assert 110 < r.feed.next_fetch_at - r.started < 130
        assert r.second is not None and r.second.kind == "skipped"
        assert r.second.error and r.second.error.endswith("as the server asked")
        assert r.hits == 1

    return Built(url, check)


@case("http-503-date", "503 with an HTTP-date Retry-After 10 min ahead: next fetch waits until then")
def _(srv: LoopbackServer) -> Built:
    when = formatdate(time.time() + 600, usegmt=True)
    url = srv.add(
        "/503.xml", status=503, body=b"down", headers={"Retry-After": when}, content_type="text/plain"
    )

    def check(r: Result) -> None:
        assert r.first.error == "HTTP 503 Service Unavailable"
        assert r.feed.next_fetch_at is not None and 590 < r.feed.next_fetch_at - r.started < 610
        assert r.second is not None and r.second.kind == "skipped" and r.hits == 1

    return Built(url, check)


@case("cache-control", "Cache-Control: max-age=600: stored, and not fetched again for 10 minutes", bad=False)
def _(srv: LoopbackServer) -> Built:
    url = srv.add("/cached.xml", body=RSS3, headers={"Cache-Control": "public, max-age=600"})

    def check(r: Result) -> None:
        assert r.first.new_count == 3
        assert r.feed.next_fetch_at is not None and 590 < r.feed.next_fetch_at - r.started < 610
        assert r.second is not None and r.second.kind == "skipped" and r.hits == 1

    return Built(url, check)


@case("expires", "Expires 15 minutes after Date: not fetched again before then", bad=False)
def _(srv: LoopbackServer) -> Built:
    now = time.time()
    headers = {"Expires": formatdate(now + 900, usegmt=True), "Date": formatdate(now, usegmt=True)}
    url = srv.add("/expires.xml", body=RSS3, headers=headers)

    def check(r: Result) -> None:
        assert r.first.new_count == 3
        assert r.feed.next_fetch_at is not None and 880 < r.feed.next_fetch_at - r.started < 910
        assert r.second is not None and r.second.kind == "skipped" and r.hits == 1

    return Built(url, check)


@case("failing-backoff", "500 twice: retried once at once, then backs off 5 minutes (stored, shown in `e`)")
def _(srv: LoopbackServer) -> Built:
    url = srv.add("/500.xml", status=500, body=b"oops", content_type="text/plain")

    def check(r: Result) -> None:
        from tuinews.ui.screens.errors import health_rows

        assert r.first.error == "HTTP 500 Internal Server Error"
        assert r.second is not None and r.second.error == "HTTP 500 Internal Server Error"
        assert r.feed.error_count == 2 and r.hits == 2
        assert r.feed.next_fetch_at is not None and 290 < r.feed.next_fetch_at - time.time() <= 300
        (_, cells), *_ = health_rows([r.feed])
        assert cells[5].plain in ("in 4m", "in 5m")
        assert "2 failures in a row" in cells[6].plain

    return Built(url, check)


# -- parsing ---------------------------------------------------------------------------

LOL = "".join(
    f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' if n else '<!ENTITY lol0 "lol">'
    for n in range(10)
)


@case("billion-laughs", "nested entities (10^9 'lol'): never expanded, the title shows '&lol9;'", bad=False)
def _(srv: LoopbackServer) -> Built:
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [{LOL}]>\n<rss version="2.0"><channel><title>Laughs</title>'
        "<item><title>&lol9;</title><guid isPermaLink='false'>b1</guid><description>&lol9;</description></item>"
        "<item><title>Plain</title><guid isPermaLink='false'>b2</guid></item></channel></rss>"
    ).encode()

    def check(r: Result) -> None:
        assert r.first.kind == "new" and r.first.new_count == 2
        assert r.titles == ["&lol9;", "Plain"]
        assert all(len(str(s["summary"])) < 100 for s in r.stories)

    return Built(srv.add("/laughs.xml", body=body), check)


@case("quadratic-blowup", "a 50 KB entity used 5,000 times: not expanded, nothing over the caps", bad=False)
def _(srv: LoopbackServer) -> Built:
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY big "{"A" * 50_000}">]>\n'
        '<rss version="2.0"><channel><title>Q</title>'
        f"<item><title>q &big;</title><guid isPermaLink='false'>q1</guid><description>{'&big;' * 5000}</description></item>"
        "</channel></rss>"
    ).encode()

    def check(r: Result) -> None:
        assert r.first.kind == "new" and r.titles == ["q &big;"]
        assert len(str(r.stories[0]["summary"])) <= 5000 and "AAAA" not in str(r.stories[0]["summary"])

    return Built(srv.add("/quadratic.xml", body=body), check)


def blowup_feed(size: int, uses: int, name: str = "big") -> bytes:
    """The shape feedparser expands: one entity per line of the DTD (its "safe entity" pattern)."""
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY {name} "{"A" * size}">\n]>\n'
        '<rss version="2.0"><channel><title>Blowup feed</title>'
        f"<item><title>Blowup: {f'&{name};' * uses}</title><guid isPermaLink='false'>q1</guid>"
        f"<description>Entity at the end &{name};</description></item>"
        "<item><title>Plain neighbour</title><guid isPermaLink='false'>q2</guid></item></channel></rss>"
    ).encode()


@case(
    "quadratic-blowup-own-line",
    "a 10,000-character entity on its own DTD line, used 10,000 times in a title: stays literal '&big;'",
    bad=False,
)
def _(srv: LoopbackServer) -> Built:
    def check(r: Result) -> None:
        assert r.first.kind == "new" and r.first.new_count == 2
        blown = next(s for s in r.stories if s["guid"] == "q1")
        assert str(blown["title"]).startswith("Blowup: &big;&big;") and "AAA" not in str(blown["title"])
        assert "AAA" not in str(blown["summary"]) and "&big;" in str(blown["summary"])

    return Built(srv.add("/blowup-own-line.xml", body=blowup_feed(10_000, 10_000)), check)


@case(
    "entity-within-expat-limits",
    "a 1,000-character entity used 1,000 times (expat would expand it): stays literal '&kb;'",
    bad=False,
)
def _(srv: LoopbackServer) -> Built:
    def check(r: Result) -> None:
        assert r.first.kind == "new" and r.first.new_count == 2
        assert all("AAA" not in str(v) for s in r.stories for v in s.values())
        assert "Blowup: &kb;&kb;" in " ".join(r.titles)

    return Built(srv.add("/entity-small.xml", body=blowup_feed(1_000, 1_000, "kb")), check)


@case(
    "xxe-file",
    "<!ENTITY xxe SYSTEM 'file:///etc/passwd'>: never resolved, no local file in the store",
    bad=False,
)
def _(srv: LoopbackServer) -> Built:
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b'<rss version="2.0"><channel><title>XXE</title><item><title>a &xxe; b</title>'
        b"<guid isPermaLink='false'>x1</guid>"
        b"<description>&xxe;</description></item></channel></rss>"
    )

    def check(r: Result) -> None:
        assert r.first.kind == "new" and r.titles == ["a &xxe; b"]
        assert not any("root:" in str(v) for s in r.stories for v in s.values())

    return Built(srv.add("/xxe.xml", body=body), check)


@case(
    "xxe-external-dtd",
    "DOCTYPE SYSTEM pointing at a DTD on the server: the DTD is never requested",
    bad=False,
)
def _(srv: LoopbackServer) -> Built:
    dtd = srv.add("/evil.dtd", body=b'<!ENTITY ext "EXTERNAL">', content_type="application/xml-dtd")
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{dtd}">\n<rss version="2.0"><channel><title>DTD</title>'
        "<item><title>a &ext; b</title><guid isPermaLink='false'>x1</guid></item></channel></rss>"
    ).encode()

    def check(r: Result) -> None:
        assert r.titles == ["a &ext; b"] and r.server.hits["/evil.dtd"] == 0

    return Built(srv.add("/xxe-dtd.xml", body=body), check)


@case("xxe-parameter-entity", "a parameter entity loading a remote DTD: never requested", bad=False)
def _(srv: LoopbackServer) -> Built:
    dtd = srv.add("/evil-pe.dtd", body=b'<!ENTITY ext "EXTERNAL">', content_type="application/xml-dtd")
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY % pe SYSTEM "{dtd}"> %pe;]>\n'
        '<rss version="2.0"><channel><title>PE</title>'
        "<item><title>a &ext; b</title><guid isPermaLink='false'>x1</guid></item></channel></rss>"
    ).encode()

    def check(r: Result) -> None:
        assert r.titles == ["a &ext; b"] and r.server.hits["/evil-pe.dtd"] == 0

    return Built(srv.add("/xxe-pe.xml", body=body), check)


@case(
    "ten-thousand-items",
    "10,000 items: the first 1,000 stored, warning 'kept the first 1000 of 10,000 items'",
    bad=False,
)
def _(srv: LoopbackServer) -> Built:
    url = srv.add("/10k.xml", body=Feed(items=numbered(10_000)).rss())

    def check(r: Result) -> None:
        assert r.first.kind == "new" and r.first.new_count == 1000
        assert r.first.warning == "kept the first 1000 of 10,000 items"
        assert set(r.titles) == {f"item {i}" for i in range(1000)}

    return Built(url, check)


@case("five-megabyte-title", "a 5 MB title: stored as its first 499 characters and '…'", bad=False)
def _(srv: LoopbackServer) -> Built:
    url = srv.add(
        "/5mb-title.xml", body=Feed(items=[Item("T" * 5_000_000, "big"), Item("normal", "n")]).rss()
    )

    def check(r: Result) -> None:
        assert r.first.new_count == 2
        big = next(s for s in r.stories if s["guid"] == "big")
        assert big["title"] == "T" * 499 + "…"
        assert "normal" in r.titles

    return Built(url, check)


@case("duplicate-guids", "three items with one guid: stored once (the first)", bad=False)
def _(srv: LoopbackServer) -> Built:
    url = srv.add(
        "/dups.xml",
        body=Feed(items=[Item("First", "same"), Item("Second", "same"), Item("Third", "same")]).rss(),
    )

    def check(r: Result) -> None:
        assert r.first.new_count == 1 and r.titles == ["First"]

    return Built(url, check)


@case(
    "no-guid-no-link",
    "items with neither guid nor link: stored, and not duplicated by the next fetch",
    bad=False,
)
def _(srv: LoopbackServer) -> Built:
    items = [Item("Anonymous one", ts=None), Item("Anonymous two", ts=None)]
    url = srv.add("/anon.xml", body=Feed(items=items).rss())

    def then(s: LoopbackServer) -> None:
        s.routes["/anon.xml"].body = Feed("Renamed", items=items).rss()  # a new body, same items

    def check(r: Result) -> None:
        assert r.first.new_count == 2
        assert r.second is not None and r.second.kind == "new" and r.second.new_count == 0
        assert sorted(r.titles) == ["Anonymous one", "Anonymous two"]

    return Built(url, check, then)


@case(
    "relative-links-xml-base",
    "Atom links relative to xml:base (feed and entry level): made absolute",
    bad=False,
)
def _(srv: LoopbackServer) -> Built:
    body = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://base.example/news/">'
        b"<title>Rel</title><id>r</id>"
        b'<entry xml:base="sub/"><id>e1</id><title>one</title><link href="story1.html"/>'
        b"<updated>2025-01-01T00:00:00Z</updated></entry>"
        b'<entry><id>e2</id><title>two</title><link href="/abs/story2.html"/>'
        b"<updated>2025-01-01T00:00:00Z</updated></entry></feed>"
    )
    url = srv.add("/xmlbase.xml", body=body, content_type="application/atom+xml")

    def check(r: Result) -> None:
        links = {s["title"]: s["link"] for s in r.stories}
        assert links == {
            "one": "http://base.example/news/sub/story1.html",
            "two": "http://base.example/abs/story2.html",
        }

    return Built(url, check)


@case(
    "relative-links-rss", "RSS links '/a/1.html' and 'b/2.html': resolved against the feed's URL", bad=False
)
def _(srv: LoopbackServer) -> Built:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>R</title>'
        b"<item><title>r1</title><link>/a/1.html</link></item>"
        b"<item><title>r2</title><link>b/2.html</link></item></channel></rss>"
    )
    url = srv.add("/dir/relative.xml", body=body)

    def check(r: Result) -> None:
        links = {s["title"]: s["link"] for s in r.stories}
        assert links == {"r1": r.server.url("/a/1.html"), "r2": r.server.url("/dir/b/2.html")}

    return Built(url, check)


DANGEROUS_LINKS = {
    "js": "javascript:alert(document.cookie)",
    "js-upper-spaced": "   JavaScript:alert(1)",
    "js-tab": "java\tscript:alert(1)",
    "data": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript": "VBScript:MsgBox(1)",
    "file": "file:///etc/passwd",
    "file-upper": " FILE:/etc/shadow",
    "mailto": "mailto:someone@example.org",
}


@case(
    "dangerous-links",
    "item links javascript:/data:/vbscript:/file: (any case, leading spaces): item kept, link stored as null",
    bad=False,
)
def _(srv: LoopbackServer) -> Built:
    from xml.sax.saxutils import escape

    items = "".join(
        f"<item><title>{key}</title><link>{escape(link)}</link><guid isPermaLink='false'>{key}</guid></item>"
        for key, link in DANGEROUS_LINKS.items()
    )
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Links</title><link>javascript:void(0)</link>'
        f"{items}<item><title>web</title><link>https://example.org/a</link></item>"
        "<item><title>permalink</title><guid>javascript:alert(2)</guid></item></channel></rss>"
    ).encode()

    def check(r: Result) -> None:
        links = {s["title"]: s["link"] for s in r.stories}
        assert links == {
            **dict.fromkeys(DANGEROUS_LINKS, None),
            "web": "https://example.org/a",
            "permalink": None,
        }
        assert r.second is not None and r.second.new_count == 0  # identity kept by guid or hash

    return Built(srv.add("/dangerous-links.xml", body=body), check)


@case(
    "bad-dates",
    "dates in year 1, 9999, 2999 and 'yesterday-ish': no date kept, listed as first seen",
    bad=False,
)
def _(srv: LoopbackServer) -> Built:
    dates = ["Mon, 01 Jan 0001 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "yesterday-ish at noon",
             "Tue, 01 Jan 2999 00:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT"]  # fmt: skip
    items = "".join(
        f"<item><title>d{i}</title><guid isPermaLink='false'>d{i}</guid><pubDate>{d}</pubDate></item>"
        for i, d in enumerate(dates)
    )
    body = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>D</title>{items}</channel></rss>'.encode()
    )

    def check(r: Result) -> None:
        assert r.first.new_count == 5
        assert all(s["published"] is None for s in r.stories)
        assert all(abs(float(s["ts"]) - r.started) < 60 for s in r.stories)  # type: ignore[arg-type]

    return Built(srv.add("/dates.xml", body=body), check)


@case("items-vanish", "5 items, then a feed with none: the 5 stay stored, nothing breaks", bad=False)
def _(srv: LoopbackServer) -> Built:
    url = srv.add("/vanish.xml", body=Feed(items=numbered(5)).rss())

    def then(s: LoopbackServer) -> None:
        s.routes["/vanish.xml"].body = Feed(items=[]).rss()

    def check(r: Result) -> None:
        assert r.first.new_count == 5
        assert r.second is not None and r.second.kind == "new" and r.second.item_count == 0
        assert len(r.stories) == 5

    return Built(url, check, then)


@case(
    "truncated-xml",
    "XML cut in the middle of an item: the complete items stored, warning 'malformed feed'",
    bad=False,
)
def _(srv: LoopbackServer) -> Built:
    url = srv.add("/truncated.xml", body=RSS3[: len(RSS3) // 2])

    def check(r: Result) -> None:
        assert r.first.kind == "new"
        assert r.first.warning and r.first.warning.startswith("malformed feed, read leniently (")
        assert "item 0" in r.titles

    return Built(url, check)


@case(
    "json-feed",
    "application/feed+json: mapped; a title with OSC 52 and a lone surrogate is cleaned",
    bad=False,
)
def _(srv: LoopbackServer) -> Built:
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "JSON \\u001b]0;PWNED\\u0007Feed",'
        b' "items": [{"id": "j1", "url": "/j/1", "title": "\\u001b]52;c;aGk=\\u0007Hello \\ud800world",'
        b' "content_text": "Body text.", "date_published": "2025-11-20T10:00:00Z"},'
        b' {"id": "j2", "title": "Second", "content_html": "<p>Hi</p>"}]}'
    )
    url = srv.add("/feed.json", body=body, content_type="application/feed+json")

    def check(r: Result) -> None:
        assert r.first.new_count == 2
        assert r.titles == ["Hello world", "Second"]
        assert r.feed.title == "JSON Feed"
        assert r.stories[0]["published"] == 1763632800.0

    return Built(url, check)


@case("json-feed-invalid", "truncated JSON Feed: 'not a feed: invalid JSON (…)'")
def _(srv: LoopbackServer) -> Built:
    url = srv.add(
        "/broken.json",
        body=b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
        content_type="application/feed+json",
    )
    return Built(url, error_is("not a feed: invalid JSON (Expecting value: line 1 column 59 (char 58))"))


# -- encodings -------------------------------------------------------------------------


def encoded(title: str, encoding: str, declare: str | None, bom: bytes = b"") -> bytes:
    decl = f'<?xml version="1.0" encoding="{declare}"?>\n' if declare else ""
    text = (
        f'{decl}<rss version="2.0"><channel><title>{title}</title>'
        f"<item><title>{title}</title><guid isPermaLink='false'>e1</guid><description>{title}</description></item></channel></rss>"
    )
    return bom + text.encode(encoding)


def encoding_case(name: str, title: str, encoding: str, declare: str | None, *, bom: bytes = b"",
                  content_type: str = "application/rss+xml", what: str) -> None:  # fmt: skip
    @case(name, f"{what}: the title reads '{title}'", bad=False)
    def _(srv: LoopbackServer) -> Built:
        url = srv.add(
            f"/enc-{name}.xml", body=encoded(title, encoding, declare, bom), content_type=content_type
        )

        def check(r: Result) -> None:
            assert r.titles == [title]
            assert r.stories[0]["summary"] == title
            assert r.feed.title == title

        return Built(url, check)


encoding_case("windows-1252", "Café “quotes” — €5", "cp1252", "windows-1252", what="windows-1252, declared")
encoding_case(
    "latin-1-undeclared",
    "Café naïve façade",
    "latin-1",
    None,
    what="ISO-8859-1 with no declaration or charset",
)
encoding_case("koi8-r", "Привет, мир", "koi8-r", "KOI8-R", what="KOI8-R, declared")
encoding_case("koi8-r-header-only", "Новости дня", "koi8-r", None, content_type="application/rss+xml; charset=koi8-r",
              what="KOI8-R named only by the HTTP charset")  # fmt: skip
encoding_case("shift-jis", "日本語のニュース", "shift_jis", "Shift_JIS", what="Shift_JIS, declared")
encoding_case("gb2312", "中文新闻", "gb2312", "GB2312", what="GB2312, declared")
encoding_case("utf-8-bom", "Café ünïcode", "utf-8", "utf-8", bom=b"\xef\xbb\xbf", what="UTF-8 with a BOM")
encoding_case("utf-16-bom", "Grüße ☃", "utf-16", "utf-16", what="UTF-16 with a BOM")
encoding_case(
    "declared-utf8-is-cp1252", "Café “quotes”", "cp1252", "utf-8", what="declares utf-8, is windows-1252"
)
encoding_case(
    "declared-latin1-is-utf8",
    "Café “quotes” 日本",
    "utf-8",
    "iso-8859-1",
    what="declares iso-8859-1, is UTF-8",
)
encoding_case("declared-gb2312-is-utf8", "新闻 Café “quotes”", "utf-8", "gb2312",
              what="re-saved as UTF-8, the declaration still says gb2312")  # fmt: skip
encoding_case("declared-shift-jis-is-utf8", "ニュース — “quotes”", "utf-8", "shift_jis",
              what="re-saved as UTF-8, the declaration still says Shift_JIS")  # fmt: skip
encoding_case("utf-8-bom-beats-declaration", "Grüße “quotes”", "utf-8", "windows-1252", bom=b"\xef\xbb\xbf",
              what="UTF-8 with a BOM declaring windows-1252")  # fmt: skip
encoding_case("header-wrong", "Привет", "koi8-r", "koi8-r", content_type="application/rss+xml; charset=utf-8",
              what="HTTP says utf-8, the document (rightly) KOI8-R")  # fmt: skip

# -- terminal --------------------------------------------------------------------------

INJECTIONS = {
    "osc-title": ("\x1b]0;PWNED\x07Window title", "Window title"),
    "osc-52": ("\x1b]52;c;aGk=\x07Clipboard", "Clipboard"),
    "osc-8": ("\x1b]8;;http://evil.example/\x1b\\Link text\x1b]8;;\x1b\\", "Link text"),
    "csi-clear": ("\x1b[2J\x1b[HClear screen", "Clear screen"),
    "alt-screen": ("\x1b[?1049lAlternate screen", "Alternate screen"),
    "dcs": ("\x1bP+q544e\x1b\\Device control", "Device control"),
    # feedparser's lenient parser reads C1 bytes as windows-1252 (0x9B is "›"), so the CSI
    # arrives as a harmless visible character; JSON Feed's C1 CSI is stripped (test_terminal).
    "c1-csi": ("\x9b31mEight-bit CSI", "›31mEight-bit CSI"),
    "bidi": ("\u202eevil\u202c and \u2067isolate\u2069", "evil and isolate"),
    "nul-del-bell": ("A\x00B\x7fC\x07D\x08E", "ABCDE"),
    "markup": ("[bold red]PWNED[/] [@click=app.quit]x[/]", "[bold red]PWNED[/] [@click=app.quit]x[/]"),
}


@case(
    "terminal-injection",
    "ESC/OSC/CSI/DCS/C1/bidi/NUL in titles: removed at the store; markup kept as text",
    bad=False,
)
def _(srv: LoopbackServer) -> Built:
    from xml.sax.saxutils import escape

    items = "".join(
        f"<item><title>{escape(raw_title)}</title><guid isPermaLink='false'>{key}</guid>"
        f"<description>{escape('<p>' + raw_title + '</p>')}</description></item>"
        for key, (raw_title, _) in INJECTIONS.items()
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
    # XML 1.0 cannot carry C0 controls; real servers send them anyway, so the bytes go out raw.
    url = srv.add("/inject.xml", body=body.encode("utf-8"))

    def check(r: Result) -> None:
        got = {s["guid"]: (s["title"], s["summary"]) for s in r.stories}
        assert got == {key: (clean, clean) for key, (_, clean) in INJECTIONS.items()}

    return Built(url, check)
