"""A loopback feed farm: N RSS 2.0 feeds x M items, each item linking to a ~30 KB article page.

Run on its own, it serves until interrupted:

    .venv/bin/python bench/farm.py --feeds 500 --items 50 [--latency 0.05] [--port 0]

The benches start it as a separate process (`FarmProcess`), so the farm's CPU
is never counted in a measured client's rusage -- it still shares the
machine's cores with the client, which the benches report.

Why not `tuinews.demo.server.LoopbackServer`: it is a `ThreadingHTTPServer`,
one thread per connection with the socketserver default listen backlog of 5.
Sixteen or more clients connecting at once overflow that backlog, and Linux
then drops SYNs, which the client retries only after a second: a stall that
would be charged to the client being measured.  This farm is one asyncio
process with a deep backlog and keep-alive; its latency is an `asyncio.sleep`
and costs no thread.

Content is deterministic (seeded per feed and item); only the publication
times are anchored to when the farm starts, so stories look recent.  Feed
bodies (plain and gzip) are built before the farm says READY, so serving a
feed is a dictionary lookup.  Every feed answers conditional requests: ETag /
If-None-Match and Last-Modified / If-Modified-Since give 304.

Control paths (for the benches, on the same port):
  /_farm/stats             JSON counters since the last reset
  /_farm/reset             zero the counters
  /_farm/latency?s=0.05    set the per-request latency
  /_farm/epoch?n=3         advance every feed to epoch n (ROLL newer items each)
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from html import escape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROLL = 2  # items each feed gains per epoch
ITEM_SPACING = 1800.0  # seconds between a feed's items
SLACK_EPOCHS = 20  # epochs that still publish in the past

WORDS = (
    "council plan budget minister report talks union strike ballot vote election court trial police "
    "hospital school teachers nurses doctors workers staff pay offer dispute deal market shares profits "
    "prices energy water housing rents transport rail train bus airport flights port harbour bridge road "
    "storm flood heat drought fire rescue weather climate emissions science study research data survey "
    "team match goal league cup final coach season transfer injury club stadium fans festival music film "
    "book award gallery museum theatre exhibition launch company chief executive investors regulator "
    "inquiry review evidence witness verdict appeal sentence charge arrest warning protest march campaign "
    "community residents families children parents village town city region county coast valley island "
    "government opposition party leader spokesperson statement decision meeting agreement contract "
    "record increase fall rise cut plans proposals scheme funding grant support cost money millions "
    "officials committee board members chairman mayor governor senator ambassador envoy border trade "
    "tariff exports imports factory plant jobs hiring layoffs pension benefits tax reform law rules"
).split()
FILLER = (
    "the a an of to in on for with at by from after before over under about as and but or while "
    "said says would could will may new old first last next early late more most other this that"
).split()
SYLLABLES = "ka ren dor vel mar ash ton bri sel quin hal ford mere wick lan tor ves ara lin cas ber".split()
SECTIONS = ("Politics", "Business", "World", "Local", "Sport", "Science", "Culture", "Weather", "Health")
OUTLETS = ("Times", "Herald", "Post", "Gazette", "Courier", "Wire", "Chronicle", "Observer", "Echo")


def _name(rng: random.Random, parts: int = 2) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) if rng.random() < 0.6 else rng.choice(FILLER) for _ in range(n)]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), _name(rng, 3))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int, base: str) -> str:
    parts = []
    for _ in range(sentences):
        s = escape(_sentence(rng, rng.randint(8, 22)))
        roll = rng.random()
        if roll < 0.12:
            w = s.split(" ", 3)
            s = f'{w[0]} <a href="{base}/topic/{rng.choice(WORDS)}">{" ".join(w[1:3])}</a> {" ".join(w[3:])}'
        elif roll < 0.2:
            s = f"<em>{s}</em>"
        elif roll < 0.25:
            s = f"<strong>{s}</strong>"
        parts.append(s)
    return "<p>" + " ".join(parts) + "</p>"


@dataclass(frozen=True)
class Item:
    """One story of one feed; `seq` grows with time."""

    feed: int
    seq: int
    title: str
    author: str
    categories: tuple[str, ...]
    description: str
    published: float


@dataclass
class FeedBody:
    """A feed as served at one epoch."""

    plain: bytes
    gz: bytes
    etag: str
    last_modified: float


@dataclass
class Farm:
    """The farm's content: feeds, items and article pages, all derived from (seed, feed, seq)."""

    feeds: int
    items: int
    base: str
    seed: int = 7
    anchor: float = field(default_factory=lambda: float(int(time.time())))
    epoch: int = 0
    _bodies: dict[int, FeedBody] = field(default_factory=dict)
    _items: dict[tuple[int, int], str] = field(default_factory=dict)

    def feed_url(self, feed: int) -> str:
        """The URL of feed `feed`."""
        return f"{self.base}/feed/{feed}.xml"

    def feed_title(self, feed: int) -> str:
        """A feed's title: a stable prefix the benches can look for, then an outlet name."""
        rng = random.Random(f"{self.seed}:title:{feed}")
        return f"Farm Feed {feed:04d} {_name(rng)} {rng.choice(OUTLETS)}"

    def item(self, feed: int, seq: int) -> Item:
        """Item `seq` of `feed` (deterministic)."""
        rng = random.Random(f"{self.seed}:item:{feed}:{seq}")
        title = " ".join(
            [_name(rng, 2) if rng.random() < 0.25 else rng.choice(WORDS) for _ in range(rng.randint(6, 11))]
        ).capitalize()
        base = self.base
        paragraphs = [_paragraph(rng, rng.randint(2, 4), base) for _ in range(rng.randint(3, 5))]
        if rng.random() < 0.4:
            paragraphs.insert(
                1,
                f'<img src="{base}/img/{feed}/{seq}.jpg" alt="{escape(title[:40])}" width="640" height="360">',
            )
        offset = random.Random(f"{self.seed}:offset:{feed}").random() * ITEM_SPACING
        oldest = self.anchor - (self.items + ROLL * SLACK_EPOCHS) * ITEM_SPACING
        return Item(
            feed=feed,
            seq=seq,
            title=title,
            author=f"{_name(rng)} {_name(rng, 3)}",
            categories=tuple(rng.sample(SECTIONS, rng.randint(1, 3))),
            description="\n".join(paragraphs),
            published=oldest + seq * ITEM_SPACING + offset,
        )

    def article_url(self, feed: int, seq: int) -> str:
        """Where an item's article page is served."""
        return f"{self.base}/article/{feed}/{seq}.html"

    def _item_xml(self, feed: int, seq: int) -> str:
        key = (feed, seq)
        cached = self._items.get(key)
        if cached is None:
            it = self.item(feed, seq)
            cats = "".join(f"<category>{c}</category>" for c in it.categories)
            cached = (
                f"<item><title>{escape(it.title)}</title>"
                f"<link>{self.article_url(feed, seq)}</link>"
                f'<guid isPermaLink="false">farm-{self.seed}-{feed}-{seq}</guid>'
                f"<pubDate>{formatdate(it.published, usegmt=True)}</pubDate>"
                f"<dc:creator>{escape(it.author)}</dc:creator>{cats}"
                f"<description><![CDATA[{it.description}]]></description></item>\n"
            )
            self._items[key] = cached
        return cached

    def body(self, feed: int) -> FeedBody:
        """Feed `feed` at the current epoch: its newest `items` items, newest first."""
        cached = self._bodies.get(feed)
        if cached is not None:
            return cached
        first = self.epoch * ROLL
        seqs = range(first + self.items - 1, first - 1, -1)
        newest = self.item(feed, seqs[0]).published if self.items else self.anchor
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
            f"<title>{escape(self.feed_title(feed))}</title>\n<link>{self.base}/</link>\n"
            f"<description>Synthetic news feed {feed} of the tuinews bench farm</description>\n"
            f"<language>en-gb</language><lastBuildDate>{formatdate(newest, usegmt=True)}</lastBuildDate>\n"
        )
        text = head + "".join(self._item_xml(feed, s) for s in seqs) + "</channel>\n</rss>\n"
        plain = text.encode("utf-8")
        body = FeedBody(
            plain=plain,
            gz=gzip.compress(plain, compresslevel=6, mtime=0),
            etag='"' + hashlib.sha1(plain).hexdigest()[:20] + '"',
            last_modified=float(int(newest)),
        )
        self._bodies[feed] = body
        return body

    def set_epoch(self, epoch: int) -> None:
        """Move every feed on: each gains ROLL newer items and drops its oldest."""
        if epoch != self.epoch:
            self.epoch = epoch
            self._bodies.clear()
            first = epoch * ROLL
            self._items = {k: v for k, v in self._items.items() if k[1] >= first}
            self.build()

    def build(self) -> None:
        """Render every feed of the current epoch (before serving, so serving is a lookup)."""
        for feed in range(self.feeds):
            self.body(feed)

    def article(self, feed: int, seq: int) -> bytes:
        """The item's article page: ~30 KB of a typical news site's HTML."""
        return _article_page(self, feed, seq)


@lru_cache(maxsize=512)
def _article_cached(seed: int, base: str, anchor: float, items: int, feed: int, seq: int) -> bytes:
    farm = Farm(feeds=0, items=items, base=base, seed=seed, anchor=anchor)
    it = farm.item(feed, seq)
    rng = random.Random(f"{seed}:page:{feed}:{seq}")
    nav = "".join(f'<li><a href="{base}/section/{s.lower()}">{s}</a></li>' for s in SECTIONS * 4)
    body = [f"<p class='lead'>{escape(_sentence(rng, 30))}</p>", it.description]
    while sum(len(b) for b in body) < 20_000:
        body.append(_paragraph(rng, rng.randint(3, 6), base))
        if rng.random() < 0.15:
            body.append(f"<h2>{escape(_sentence(rng, 6)[:-1])}</h2>")
        if rng.random() < 0.1:
            body.append(f"<blockquote><p>{escape(_sentence(rng, 18))}</p></blockquote>")
    related = "".join(
        f'<li><a href="{farm.article_url(feed, max(0, seq - k))}">{escape(_sentence(rng, 7))}</a></li>'
        for k in range(1, 9)
    )
    script = "var _cfg=" + json.dumps({"k": [rng.random() for _ in range(120)]}) + ";"
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(it.title)} | {escape(farm.feed_title(feed))}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{escape(_sentence(rng, 20))}">
<meta property="og:title" content="{escape(it.title)}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{formatdate(it.published, usegmt=True)}">
<meta name="author" content="{escape(it.author)}">
<link rel="stylesheet" href="{base}/static/site.css">
<script>{script}</script>
</head><body>
<header class="masthead"><a class="logo" href="{base}/">{escape(farm.feed_title(feed))}</a>
<nav class="sections"><ul>{nav}</ul></nav>
<form class="search" action="{base}/search"><input name="q" placeholder="Search"></form></header>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
<main><article class="story">
<h1>{escape(it.title)}</h1>
<p class="byline">By <a rel="author" href="{base}/people/{it.author.replace(" ", "-").lower()}">{escape(it.author)}</a>
 &middot; <time datetime="{formatdate(it.published, usegmt=True)}">{formatdate(it.published, usegmt=True)}</time></p>
<div class="article-body">
{"".join(body)}
</div>
<div class="share"><a href="#">Share</a> <a href="#">Tweet</a> <a href="#">Email</a></div>
</article>
<aside class="related"><h3>Most read</h3><ol>{related}</ol></aside></main>
<footer><p>&copy; Bench Farm Media. All rights reserved.</p><ul>{nav}</ul></footer>
<script>(function(){{var a=document.querySelectorAll('a');for(var i=0;i<a.length;i++){{a[i].dataset.t=i;}}}})();</script>
</body></html>
"""
    return page.encode("utf-8")


def _article_page(farm: Farm, feed: int, seq: int) -> bytes:
    return _article_cached(farm.seed, farm.base, farm.anchor, farm.items, feed, seq)


# -- the server ---------------------------------------------------------------------


class FarmServer:
    """HTTP/1.1 with keep-alive, conditional GET and gzip, on 127.0.0.1."""

    def __init__(self, farm: Farm, latency: float = 0.0) -> None:
        self.farm = farm
        self.latency = latency
        self.stats: Counter[str] = Counter()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.stats["connections"] += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                if len(parts) != 3:
                    return
                method, target, version = parts
                headers = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
                status, extra, body = await self.respond(method, target, headers)
                out = [f"HTTP/1.1 {status} {_REASONS.get(status, 'OK')}"]
                out += [f"{k}: {v}" for k, v in extra.items()]
                out.append(f"Content-Length: {len(body) if status != 304 else 0}")
                out.append(f"Date: {formatdate(usegmt=True)}")
                if not keep:
                    out.append("Connection: close")
                writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1"))
                if method != "HEAD" and status != 304:
                    writer.write(body)
                    self.stats["bytes"] += len(body)
                await writer.drain()
                if not keep:
                    return
        except ConnectionError:
            return
        finally:
            writer.close()

    async def respond(self, method: str, target: str, headers: dict[str, str]) -> tuple[int, dict, bytes]:
        url = urlsplit(target)
        path = url.path
        if path.startswith("/_farm/"):
            return self.control(path, parse_qs(url.query))
        self.stats["requests"] += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        if method not in ("GET", "HEAD"):
            return 405, {}, b""
        parts = path.strip("/").split("/")
        try:
            if len(parts) == 2 and parts[0] == "feed" and parts[1].endswith(".xml"):
                feed = int(parts[1][:-4])
                if 0 <= feed < self.farm.feeds:
                    return self.feed(feed, headers)
            if len(parts) == 3 and parts[0] == "article" and parts[2].endswith(".html"):
                self.stats["articles"] += 1
                page = self.farm.article(int(parts[1]), int(parts[2][:-5]))
                return 200, {"Content-Type": "text/html; charset=utf-8"}, page
        except ValueError:
            pass
        self.stats["404"] += 1
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def feed(self, feed: int, headers: dict[str, str]) -> tuple[int, dict, bytes]:
        body = self.farm.body(feed)
        extra = {
            "Content-Type": "application/rss+xml; charset=utf-8",
            "ETag": body.etag,
            "Last-Modified": formatdate(body.last_modified, usegmt=True),
            "Vary": "Accept-Encoding",
        }
        inm = headers.get("if-none-match")
        ims = headers.get("if-modified-since")
        if inm or ims:
            self.stats["conditional"] += 1
        if _fresh(body, inm, ims):
            self.stats["304"] += 1
            return 304, {"ETag": body.etag}, b""
        self.stats["200"] += 1
        if "gzip" in headers.get("accept-encoding", ""):
            self.stats["gzip"] += 1
            extra["Content-Encoding"] = "gzip"
            return 200, extra, body.gz
        return 200, extra, body.plain

    def control(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict, bytes]:
        if path == "/_farm/reset":
            self.stats.clear()
        elif path == "/_farm/latency":
            self.latency = float(query["s"][0])
        elif path == "/_farm/epoch":
            self.farm.set_epoch(int(query["n"][0]))
        elif path != "/_farm/stats":
            return 404, {}, b""
        info = {**self.stats, "latency": self.latency, "epoch": self.farm.epoch}
        return 200, {"Content-Type": "application/json"}, json.dumps(info).encode()


_REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found", 405: "Method Not Allowed"}


def _fresh(body: FeedBody, inm: str | None, ims: str | None) -> bool:
    if inm is not None:
        return body.etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
    if ims:
        try:
            return parsedate_to_datetime(ims).timestamp() >= body.last_modified
        except (TypeError, ValueError):
            return False
    return False


async def _serve(args: argparse.Namespace) -> None:
    server_box: dict[str, FarmServer] = {}

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server_box["s"].handle(reader, writer)

    server = await asyncio.start_server(handler, "127.0.0.1", args.port, backlog=4096, limit=1 << 16)
    port = server.sockets[0].getsockname()[1]
    started = time.perf_counter()
    farm = Farm(feeds=args.feeds, items=args.items, base=f"http://127.0.0.1:{port}", seed=args.seed)
    farm.build()
    server_box["s"] = FarmServer(farm, args.latency)
    total = sum(len(farm.body(f).plain) for f in range(args.feeds))
    print(
        f"READY {farm.base} feeds={args.feeds} items={args.items} bytes={total} "
        f"built_s={time.perf_counter() - started:.2f}",
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    async def orphaned() -> None:  # the bench that started us is gone (killed): stop too
        parent = os.getppid()
        while os.getppid() == parent:
            await asyncio.sleep(1)
        stop.set()

    watcher = asyncio.create_task(orphaned())
    async with server:
        await stop.wait()
    watcher.cancel()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every request")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(_serve(args))
    return 0


# -- the benches' handle on a farm process -------------------------------------------


class FarmProcess:
    """A farm in its own process: start, control, read its CPU time, stop."""

    def __init__(self, feeds: int, items: int, latency: float = 0.0, seed: int = 7) -> None:
        self.feeds, self.items, self.seed = feeds, items, seed
        self._initial_latency = latency
        self.proc: subprocess.Popen[str] | None = None
        self.base = ""
        self.built_s = 0.0

    def start(self) -> FarmProcess:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--feeds", str(self.feeds)]
        cmd += ["--items", str(self.items), "--latency", str(self._initial_latency), "--seed", str(self.seed)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, start_new_session=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("READY "):
            self.stop()
            raise RuntimeError(f"the feed farm did not start: {line!r}")
        fields = line.split()
        self.base = fields[1]
        self.built_s = float(dict(f.split("=") for f in fields[2:])["built_s"])
        return self

    def __enter__(self) -> FarmProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def url(self, feed: int) -> str:
        return f"{self.base}/feed/{feed}.xml"

    def urls(self) -> list[str]:
        return [self.url(f) for f in range(self.feeds)]

    def title(self, feed: int) -> str:
        return Farm(feeds=0, items=self.items, base=self.base, seed=self.seed).feed_title(feed)

    def _control(self, path: str) -> dict:
        with urllib.request.urlopen(self.base + path, timeout=120) as resp:
            return json.loads(resp.read())

    def stats(self) -> dict:
        return self._control("/_farm/stats")

    def reset(self) -> None:
        self._control("/_farm/reset")

    def set_latency(self, seconds: float) -> None:
        self._control(f"/_farm/latency?s={seconds}")

    def set_epoch(self, epoch: int) -> None:
        self._control(f"/_farm/epoch?n={epoch}")

    def cpu_seconds(self) -> float:
        """User + system CPU the farm process has used so far."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    sys.exit(main())
