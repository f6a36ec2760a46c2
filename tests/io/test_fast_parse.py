"""The lxml fast path yields feedparser's stories exactly, or declines (issue 7).

Identity is checked three ways: on every feed of the shared corpus the fast
path accepts, on generated feeds that mix the constructs it reads with the ones
it must decline, and piece by piece (dates, URL joins, feedparser's tables)
against feedparser's own functions.  Timing lives in bench/parse.py.
"""

from __future__ import annotations

import calendar
import codecs
import os
import random
import re
import time
from html import escape
from pathlib import Path

import feedparser
import pytest
from feedparser.datetimes import _parse_date as feedparser_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin as feedparser_urljoin

import tuinews.io.feed_parse as feed_parse
from tuinews.errors import ParseError
from tuinews.io import fast_parse
from tuinews.io.fast_parse import parse_fast

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
if os.environ.get("TUINEWS_CORPUS"):
    CORPUS = Path(os.environ["TUINEWS_CORPUS"])
URL = "http://127.0.0.1:8097/tests/feed.xml"


def both_paths(raw: bytes, headers: dict[str, str], url: str = URL) -> tuple[bool, object, object]:
    """(fast path accepted?, parse_feed with the fast path, parse_feed with feedparser only)."""
    accepted: list[bool] = []

    def spy(body: bytes, hdrs: dict[str, str]) -> dict | None:
        try:  # parse_fast turns any surprise into None; here a surprise is a bug
            result = fast_parse._parse(body, hdrs)
        except fast_parse._Decline:
            result = None
        accepted.append(result is not None)
        return result

    def outcome(fast) -> object:
        saved = feed_parse.parse_fast
        feed_parse.parse_fast = fast
        try:
            return feed_parse.parse_feed(raw, dict(headers), url)
        except Exception as exc:  # both paths must fail alike too
            return (type(exc).__name__, str(exc))
        finally:
            feed_parse.parse_fast = saved

    fast = outcome(spy)
    slow = outcome(lambda body, hdrs: None)
    assert accepted or fast == slow, f"the fast path raised {fast}"
    return bool(accepted and accepted[0]), fast, slow


def fast_result(xml: str, url: str = URL, content_type: str = "application/rss+xml") -> dict | None:
    """parse_fast on the bytes and headers parse_feed would hand it."""
    seen: list[dict | None] = []

    def spy(body: bytes, hdrs: dict[str, str]) -> dict | None:
        seen.append(parse_fast(body, hdrs))
        return seen[-1]

    saved = feed_parse.parse_fast
    feed_parse.parse_fast = spy
    try:
        feed_parse.parse_feed(xml.encode(), {"Content-Type": content_type}, url)
    except ParseError:
        pass
    finally:
        feed_parse.parse_fast = saved
    return seen[0] if seen else None


# --- the shared corpus -----------------------------------------------------------------------------


def corpus_headers(raw: bytes) -> dict[str, str]:
    """The `Header:` lines of a feedparser test file (in UTF-16/32 files they are in that encoding)."""
    text = None
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00<", "utf-16-be"),
        (b"<\x00", "utf-16-le"),
    ):
        if raw.startswith(bom):
            text = raw.decode(codec, "replace")
            break
    text = text if text is not None else raw.decode("latin-1")
    found = re.findall(r"^Header:\s*([\w-]+):\s*(.*?)\s*$", text, re.MULTILINE)
    return dict(found) or {"Content-Type": "application/xml"}


@pytest.mark.parametrize(("folder", "at_least"), [("real", 16), ("feedparser-tests", 780)])
def test_corpus_feeds_read_alike_on_both_paths(folder: str, at_least: int) -> None:
    """Every corpus feed the fast path accepts gives feedparser's ParsedFeed, field for field.

    At the time of writing it accepts 16 of the 29 real feeds and 784 of the 2,107
    feedparser test feeds; `at_least` guards against losing coverage unnoticed.
    """
    root = CORPUS / "feeds" / folder
    if not root.is_dir():
        pytest.skip(f"shared test corpus not found at {root} (set TUINEWS_CORPUS to its location)")
    accepted, differ = 0, []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".tsv"):
        raw = path.read_bytes()
        took, fast, slow = both_paths(raw, corpus_headers(raw))
        accepted += took
        if took and fast != slow:
            differ.append(path.name)
    assert not differ, f"fast path differs from feedparser on {differ}"
    assert accepted >= at_least, f"fast path accepted only {accepted} feeds in {folder}/"


# --- hand-written feeds ----------------------------------------------------------------------------

PLAIN_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Example News</title>
  <link>https://news.example/</link>
  <atom:link href="https://news.example/feed.xml" rel="self" type="application/rss+xml"/>
  <description>All the news</description>
  <language>en</language>
  <lastBuildDate>Wed, 11 Jun 2003 10:00:00 GMT</lastBuildDate>
  <item>
    <title>Council approves budget</title>
    <link>https://news.example/budget?id=1&amp;src=rss</link>
    <guid isPermaLink="false">news-1</guid>
    <pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>
    <dc:creator>Ann Writer</dc:creator>
    <category>Politics</category>
    <description><![CDATA[<p>The council <b>approved</b> it.</p>]]></description>
    <content:encoded><![CDATA[<p>Full text.</p>]]></content:encoded>
  </item>
  <item>
    <title>Storm warning</title>
    <guid>https://news.example/storm</guid>
    <pubDate>Wed, 11 Jun 2003 09:30:00 +0200</pubDate>
    <author>desk@news.example (News Desk)</author>
    <description>Heavy rain &amp; wind.</description>
  </item>
</channel>
</rss>
"""

PLAIN_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title type="text">Example Atom</title>
  <link href="https://atom.example/"/>
  <link rel="self" href="https://atom.example/feed.atom"/>
  <id>tag:atom.example,2024:feed</id>
  <updated>2024-01-02T03:04:05Z</updated>
  <author><name>Feed Owner</name></author>
  <entry>
    <title type="html">Rates &amp;amp; prices</title>
    <link rel="alternate" type="text/html" href="https://atom.example/rates"/>
    <link rel="enclosure" href="https://atom.example/rates.mp3" length="1" type="audio/mpeg"/>
    <id>tag:atom.example,2024:1</id>
    <published>2024-01-02T03:04:05+01:00</published>
    <updated>2024-01-03T00:00:00Z</updated>
    <author><name>Bo Reporter</name><email>bo@atom.example</email></author>
    <summary>Short.</summary>
    <content type="html">&lt;p&gt;Long.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>No link</title>
    <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
    <updated>2024-01-04</updated>
  </entry>
</feed>
"""


def utc(*fields: int) -> time.struct_time:
    return time.gmtime(calendar.timegm((*fields, 0, 0, 0)))


def test_plain_rss_is_read_exactly() -> None:
    result = fast_result(PLAIN_RSS)
    assert result is not None
    assert result["feed"] == {"title": "Example News", "link": "https://news.example/"}
    first, second = result["entries"]
    assert first == {
        "title": "Council approves budget",
        "links": [{"rel": "alternate", "href": "https://news.example/budget?id=1&src=rss"}],
        "link": "https://news.example/budget?id=1&src=rss",
        "id": "news-1",
        "guid": "news-1",
        "published_parsed": utc(2003, 6, 10, 4, 0, 0),
        "author": "Ann Writer",
        "summary": "<p>The council <b>approved</b> it.</p>",
        "content": [{"value": "<p>Full text.</p>"}],
    }
    # A permalink guid stands in for the link; feedparser keeps "email (Name)" as the author.
    assert second["link"] == second["id"] == "https://news.example/storm"
    assert second["author"] == "desk@news.example (News Desk)"
    assert second["published_parsed"] == utc(2003, 6, 11, 7, 30, 0)
    assert second["summary"] == "Heavy rain & wind."
    took, fast, slow = both_paths(PLAIN_RSS.encode(), {"Content-Type": "application/rss+xml"})
    assert took and fast == slow
    assert [item.key for item in fast.items] == ["g:news-1", "g:https://news.example/storm"]


def test_plain_atom_is_read_exactly() -> None:
    result = fast_result(PLAIN_ATOM, content_type="application/atom+xml")
    assert result is not None
    assert result["feed"] == {"title": "Example Atom", "link": "https://atom.example/"}
    first, second = result["entries"]
    assert first["title"] == "Rates &amp; prices"  # type="html": feedparser leaves the markup
    assert first["link"] == "https://atom.example/rates"
    assert first["id"] == "tag:atom.example,2024:1"
    assert first["author"] == "Bo Reporter (bo@atom.example)"
    assert first["published_parsed"] == utc(2024, 1, 2, 2, 4, 5)
    assert first["updated_parsed"] == utc(2024, 1, 3, 0, 0, 0)
    assert first["summary"] == "Short."
    assert first["content"] == [{"value": "<p>Long.</p>"}]
    # An Atom id counts as a permalink: without an HTML alternate link it becomes the link.
    assert second["link"] == "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6"
    assert second["updated_parsed"] == utc(2024, 1, 4, 0, 0, 0)
    took, fast, slow = both_paths(PLAIN_ATOM.encode(), {"Content-Type": "application/atom+xml"})
    assert took and fast == slow
    assert fast.items[0].title == "Rates & prices"


def test_feedparser_quirks_are_reproduced() -> None:
    """Replicated, not fixed: each of these is what feedparser returns."""
    item = """<item><title>caf\u00c3\u00a9 au lait</title><link>http://x.example/a?b=1&amp;amp;c;=2</link>
      <description>\u0093one\u0094</description><itunes:summary>two</itunes:summary>
      <pubDate>Wed, 02 Oct 2024 10:00:00 CEST</pubDate><guid>tag:x,2024:1</guid></item>"""
    xml = (
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
        f"<title>t</title>{item}</channel></rss>"
    )
    entry = fast_result(xml)["entries"][0]
    assert entry["title"] == "café au lait"  # UTF-8 read as Latin-1 is undone
    assert entry["link"] == "http://x.example/a?b=1&c=2"  # "&amp;" and "&c;" undone in links
    assert entry["summary"] == "\u201cone\u201d"  # C1 controls read as cp1252
    assert entry["content"] == [{"value": "two"}]  # a second summary-like element becomes content
    assert entry["published_parsed"] == utc(2024, 10, 2, 10, 0, 0)  # unknown zone names read as UTC
    took, fast, slow = both_paths(xml.encode(), {"Content-Type": "application/rss+xml"})
    assert took and fast == slow


RSS_ITEM = '<rss version="2.0"><channel><title>t</title><item>{}</item></channel></rss>'


@pytest.mark.parametrize(
    "xml",
    [
        pytest.param(
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY n "news">]>'
            + RSS_ITEM.format("<title>&n;</title>"),
            id="doctype-entities",
        ),
        pytest.param(
            '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "x.dtd">'
            + RSS_ITEM.format("<title>x</title>"),
            id="doctype",
        ),
        pytest.param(RSS_ITEM.format("<title>&nbsp;</title>"), id="undefined-entity"),
        pytest.param(RSS_ITEM.format('<title xml:base="http://b.example/">x</title>'), id="xml-base"),
        pytest.param(RSS_ITEM.format("<link>/news/1</link>"), id="relative-link"),
        pytest.param(RSS_ITEM.format("<guid>1559104147038</guid>"), id="relative-permalink-guid"),
        pytest.param(
            '<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="/a"/></entry></feed>',
            id="relative-href",
        ),
        pytest.param(RSS_ITEM.format("<pubDate>yesterday</pubDate>"), id="unparseable-date"),
        pytest.param(RSS_ITEM.format("<pubDate>Wed, 30 Feb 2024 10:00:00 GMT</pubDate>"), id="invalid-date"),
        pytest.param(RSS_ITEM.format("<pubDate>Wed, 02 Oct 2024 10:00:00 GMT+1</pubDate>"), id="odd-zone"),
        pytest.param(RSS_ITEM.format("<title>unclosed</item>"), id="malformed"),
        pytest.param("\n" + '<?xml version="1.0"?>' + RSS_ITEM.format(""), id="declaration-not-first"),
        pytest.param(RSS_ITEM.format("<title>a</title><title>b</title>"), id="two-titles"),
        pytest.param(RSS_ITEM.format("<title><b>bold</b></title>"), id="markup-in-title"),
        pytest.param(
            '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="xhtml">'
            '<div xmlns="http://www.w3.org/1999/xhtml">x</div></title></entry></feed>',
            id="xhtml-title",
        ),
        pytest.param(RSS_ITEM.format("<image><url>x</url></image>"), id="image-in-item"),
        pytest.param(
            '<rss version="2.0" xmlns:dc="http://example.com/not-dc"><channel><item>'
            "<dc:creator>x</dc:creator></item></channel></rss>",
            id="borrowed-prefix",
        ),
        pytest.param(
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
            "<channel><title>t</title></channel></rdf:RDF>",
            id="rss-1.0",
        ),
    ],
)
def test_declines_what_it_cannot_be_sure_of(xml: str) -> None:
    assert fast_result(xml) is None
    took, fast, slow = both_paths(xml.encode(), {"Content-Type": "application/rss+xml"})
    assert not took and fast == slow


# --- the pieces, against feedparser's own functions ------------------------------------------------

DATES = [
    "Mon, 01 Jan 2024 10:00:00 GMT",
    "01 Jan 2024 10:00:00 -0500",
    "1 Oct 2024 10:00:00 +0530",
    "Thu, 1 Oct 24 10:00:00 EST",
    "Thu, 01 Oct 99 10:00 PDT",
    "Wed, 02 Oct 2024 10:00:00 +05:30",
    "Wednesday, 02 October 2024 10:00:00 CEST",
    "Wed, 02 Sept 2024 10:00:00 met",
    "Sat, 29 Feb 2020 23:59:59 Y",
    "2024-01-01T10:00:00Z",
    "2024-01-01T10:00:00.123456-05:00",
    "2024-01-01t10:00z",
    "2024-01-01T10:00:00",
    "2024-01-01",
    "2018-09-18 14:38:10",
    "2018-09-18 14:38:10 +08:00",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "2024-01-01T10:00:00+0530",
    "2024-01-01T10:00:00.9999999999999999999Z",
    "Wed, 02 Oct 2024 10:00:00 Etc/GMT",
    "Wed,02 Oct 2024 10:00:00 GMT",
    "Oct 02 2024 10:00:00 GMT",
    "mer, 16 nov 2022 00:38:15 +0100",
    "20240101T100000Z",
    "",
]


def generated_dates(rng: random.Random, n: int) -> list[str]:
    days = ["Mon", "tue", "WED", "Thursday", "Fri,", "Sat,", "sun,", "Xyz,", ""]
    months = ["Jan", "feb", "MAR", "April", "Sept", "Mai", "jun", "Dec"]
    zones = [
        "GMT",
        "gmt",
        "Z",
        "UT",
        "EST",
        "edt",
        "CEST",
        "a",
        "+0000",
        "-0130",
        "+05:30",
        "+5",
        "GMT+2",
        "",
    ]
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            day = rng.choice(days)
            parts = (
                [day + ("," if day and not day.endswith(",") and rng.random() < 0.7 else "")] if day else []
            )
            parts += [
                str(rng.randint(0, 32)),
                rng.choice(months),
                rng.choice(["2024", "99", "89", "1989", "0024"]),
            ]
            parts += [rng.choice(["10:00:00", "23:59", "24:00:00", "1:2:3", "10:00:60"]), rng.choice(zones)]
            out.append(rng.choice([" ", "  ", "\t"]).join(p for p in parts if p))
        else:
            date = f"{rng.choice(['2024', '1999', '0001', '9999'])}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}"
            clock = rng.choice(["", "T10:00", "T10:00:00", "t23:59:59.5", " 10:00:00", "T24:00:00"])
            zone = rng.choice(["", "Z", "z", "+01:00", "-05:30", "+0100", " +08:00"]) if clock else ""
            out.append(date + clock + zone)
    return out


def test_dates_match_feedparser() -> None:
    samples = DATES + generated_dates(random.Random(7), 3000)
    accepted = 0
    for text in samples:
        try:
            mine = fast_parse._parse_date(text)
        except fast_parse._Decline:
            continue
        accepted += 1
        assert mine == feedparser_date(text), text
    assert accepted > len(samples) // 4


def test_url_joins_match_feedparser() -> None:
    bases = ["http://127.0.0.1:8097/tests/feed.xml", "https://example.com/dir/feed?x=1", "", "feed://x/y"]
    uris = [
        "https://example.com/a",
        "HTTP://Example.COM/Path",
        "http:///three.example/x",
        "http://example.com/a?",
        "https://example.com/./b/../c",
        "tag:example.com,2024:1",
        "urn:uuid:1",
        "http://[::1",
        "https://exämple.com/ü a",
        "mailto:a@example.com",
    ]
    for base in bases:
        for uri in uris:
            assert fast_parse._urljoin(base, uri) == feedparser_urljoin(base, uri)


def test_tables_match_installed_feedparser() -> None:
    """The namespace map, handler list and cp1252 table copied from feedparser are still its own."""
    namespaces = {uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()}
    assert namespaces == fast_parse._KNOWN_NAMESPACES
    handlers = {
        name.split("_", 2)[2].lower()
        for name in dir(_FeedParserMixin)
        if name.startswith(("_start_", "_end_"))
    }
    assert handlers == fast_parse._HANDLED
    assert _cp1252 == fast_parse._CP1252
    # Every handled element the fast path passes over was read in feedparser's source.
    assert {name.replace(":", "_") for name in fast_parse._HARMLESS} <= handlers


# --- generated feeds -------------------------------------------------------------------------------

TEXTS = [
    "Plain words",
    "  padded  ",
    "\n\tnewlines\n",
    "AT&amp;T &amp; Q&amp;A",
    "&lt;b&gt;escaped&lt;/b&gt; html",
    "<![CDATA[<p>cdata <b>html</b> &amp; more</p>]]>",
    "caf\u00c3\u00a9",
    "\u0093smart\u0094",
    "\u00a0nbsp\u00a0",
    "K\u00f6ln \U0001f600",
    "&#233;&#147;refs&#148;",
    "&amp;nbsp; twice",
    "a&amp;foo_bar;b",
    "",
]
GOOD_DATES = DATES[:15] + ["", "  Wed, 02  Oct\t2024 10:00:00 GMT \n"]
GOOD_LINKS = [
    "https://example.com/a",
    "http://example.com/a?b=1&amp;c=2",
    "http://example.com/a?b=1&amp;amp;c=2",
    "HTTP://Example.COM/Path",
    "http://example.com/a?",
    "https://example.com/./b/../c",
    "https://exämple.com/ü a",
]
BAD_LINKS = ["/relative", "relative", "", "  https://example.com/padded  ", "http:///x", "javascript:x"]
GUIDS = [
    "https://example.com/g/1",
    "tag:example.com,2024:1",
    "urn:uuid:1",
    "",
    "HTTP://EXAMPLE.com/G",
    "12345",
]
AUTHORS = ["bob@example.com (Bob Smith)", "Bob <bob@example.com>", "Bob", "", "Jos\u00c3\u00a9"]
TYPES = ["text", "html", "xhtml", "text/html", "TEXT", "application/octet-stream", "plain"]
NAMESPACES = (
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom"'
    ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:foo="http://foo.example/ns"'
    ' xmlns:slash="http://purl.org/rss/1.0/modules/slash/" xmlns:dcterms="http://purl.org/dc/terms/"'
)
EXTRAS = [
    "<category>News</category>",
    '<enclosure url="http://x/a.mp3" length="1" type="audio/mpeg"/>',
    "<comments>http://example.com/c</comments>",
    '<source url="http://s/">Src</source>',
    "<slash:comments>3</slash:comments>",
    "<foo:bar>baz</foo:bar>",
    "<byline>Someone</byline>",
    "<itunes:duration>10:00</itunes:duration>",
    '<media:thumbnail url="http://x/t.jpg"/>',
    "<contributor><name>C</name></contributor>",
    "<links>oops</links>",
    "<image><url>x</url></image>",
    "<expirationDate>Mon, 01 Jan 2024 10:00:00 GMT</expirationDate>",
    "<xhtml:body><p>x</p></xhtml:body>",
]


class FeedMaker:
    """Random feeds mixing what the fast path reads with what it must decline."""

    def __init__(self, seed: int) -> None:
        self.rng = rng = random.Random(seed)
        self.dirty = rng.choice([0.0, 0.0, 0.05, 0.15])

    def pick(self, good: list[str], bad: list[str]) -> str:
        return self.rng.choice(bad if bad and self.rng.random() < self.dirty else good)

    def text(self) -> str:
        return self.rng.choice(TEXTS)

    def leaf(self, tag: str, text: str, typed: bool = False) -> str:
        rng, attrs = self.rng, ""
        if rng.random() < 0.1:
            attrs += ' xml:lang="en"'
        if rng.random() < self.dirty / 3:
            attrs += ' xml:base="http://base.example/"'
        if typed and rng.random() < 0.1:
            attrs += f' type="{rng.choice(TYPES)}"'
        inner = text + ("<!-- c -->" if rng.random() < self.dirty / 3 else "")
        return f"<{tag}{attrs}>{inner}</{tag}>"

    def author(self, atom: bool, tag: str) -> str:
        rng = self.rng
        if atom and rng.random() < 0.7:
            parts = [f"<name>{escape(rng.choice(AUTHORS))}</name>"] if rng.random() < 0.8 else []
            parts += ["<email>bob@example.com</email>"] if rng.random() < 0.5 else []
            parts += ["<uri>/me</uri>"] if rng.random() < 0.3 else []
            rng.shuffle(parts)
            return f"<{tag}>{''.join(parts)}</{tag}>"
        return f"<{tag}>{escape(rng.choice(AUTHORS))}</{tag}>"

    def entry(self, atom: bool) -> str:
        rng, parts = self.rng, []
        for _ in range(rng.choices([0, 1, 2], [1, 12, 1])[0]):
            parts.append(self.leaf(rng.choice(["title", "title", "dc:title"]), self.text(), typed=True))
        if atom:
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                rel = rng.choice(
                    ["", ' rel="alternate"', ' rel="self"', ' rel="enclosure"', ' rel="Alternate"']
                )
                kind = rng.choice(["", ' type="text/html"', ' type="application/pdf"', ' type="html"'])
                parts.append(f'<link href="{escape(self.pick(GOOD_LINKS, BAD_LINKS))}"{rel}{kind}/>')
            parts += [f"<id>{escape(self.pick(GUIDS[:5], GUIDS))}</id>"] if rng.random() < 0.9 else []
        else:
            for _ in range(rng.choices([0, 1, 2], [2, 10, 1])[0]):
                parts.append(f"<link>{escape(self.pick(GOOD_LINKS + [''], BAD_LINKS))}</link>")
            if rng.random() < 0.15:
                rel = rng.choice(["alternate", "self", "related"])
                parts.append(f'<atom:link rel="{rel}" href="{escape(self.pick(GOOD_LINKS, BAD_LINKS))}"/>')
            if rng.random() < 0.8:
                permalink = rng.choice(
                    ["", ' isPermaLink="false"', ' isPermaLink="true"', ' isPermaLink="TRUE"']
                )
                parts.append(f"<guid{permalink}>{escape(self.pick(GUIDS[:5], GUIDS))}</guid>")
        summaries = ["summary", "media:description"] if atom else ["description", "itunes:summary", "summary"]
        for _ in range(rng.choice([0, 1, 1, 1, 2])):
            parts.append(self.leaf(rng.choice(summaries), self.text(), typed=True))
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            parts.append(self.leaf("content" if atom else "content:encoded", self.text(), typed=True))
        dates = (
            ["updated", "published"]
            if atom
            else ["pubDate", "dc:date", "dcterms:modified", "dcterms:created"]
        )
        for _ in range(rng.choice([0, 1, 1, 2])):
            tag = rng.choice(dates)
            parts.append(f"<{tag}>{escape(self.pick(GOOD_DATES, DATES))}</{tag}>")
        for _ in range(rng.choice([0, 1, 1, 1, 1, 2])):
            parts.append(
                self.author(atom, "author" if atom else rng.choice(["author", "dc:creator", "itunes:author"]))
            )
        if rng.random() < 0.3:
            inner = [f"<media:title>{self.text()}</media:title>"] if rng.random() < 0.6 else []
            inner += [f"<media:description>{self.text()}</media:description>"] if rng.random() < 0.4 else []
            inner += ["<media:credit>AP</media:credit>"] if rng.random() < 0.3 else []
            media = f'<media:content url="http://x/v.mp4">{"".join(inner)}</media:content>'
            parts.append(f"<media:group>{media}</media:group>" if rng.random() < 0.3 else media)
        if rng.random() < 0.1:
            parts.append(f"<media:title>{self.text()}</media:title>")
        for _ in range(rng.choice([0, 1, 2, 3])):
            parts.append(rng.choice(EXTRAS if rng.random() < self.dirty * 5 else EXTRAS[:10]))
        rng.shuffle(parts)
        return "".join(parts)

    def feed(self) -> tuple[bytes, dict[str, str], str]:
        rng = self.rng
        atom = rng.random() < 0.35
        top = [
            self.leaf("title", self.text(), typed=True) for _ in range(rng.choices([0, 1, 2], [1, 12, 1])[0])
        ]
        if atom:
            top += (
                [f'<link href="{escape(self.pick(GOOD_LINKS, BAD_LINKS))}"/>'] if rng.random() < 0.7 else []
            )
            top += [f"<id>{escape(self.pick(GUIDS[:5], GUIDS))}</id>"] if rng.random() < 0.7 else []
            top += [self.author(True, "author")] if rng.random() < 0.3 else []
        else:
            top += [f"<link>{escape(self.pick(GOOD_LINKS, BAD_LINKS))}</link>"] if rng.random() < 0.8 else []
            top += ['<atom:link href="https://example.com/f" rel="self"/>'] if rng.random() < 0.4 else []
            for _ in range(rng.choice([0, 1, 1, 2])):
                top.append(self.leaf(rng.choice(["description", "itunes:summary"]), self.text()))
            top += [f"<content:encoded>{self.text()}</content:encoded>"] if rng.random() < 0.1 else []
            top += ["<image><url>http://i/x.png</url><title>i</title><link>http://i/</link></image>"] * (
                rng.random() < 0.3
            )
        entries = [self.entry(atom) for _ in range(rng.choice([0, 1, 2, 3, 5]))]
        tag = "entry" if atom else "item"
        body = "".join(top) + "".join(f"<{tag}>{e}</{tag}>" for e in entries)
        if rng.random() < 0.2:
            body += self.leaf("title", self.text())  # a title after the items
        if atom:
            text = f'<feed xmlns="http://www.w3.org/2005/Atom"{NAMESPACES}>{body}</feed>'
        else:
            text = f'<rss version="2.0"{NAMESPACES}><channel>{body}</channel></rss>'
        head = rng.choice(['<?xml version="1.0" encoding="UTF-8"?>\n', "", "\n", '<?xml version="1.1"?>'])
        text = head + text
        if rng.random() < 0.15:  # feedparser lower-cases element and attribute names
            for name in rng.sample(["title", "link", "pubDate", "guid", "item", "channel", "entry", "id"], 3):
                cased = "".join(c.upper() if rng.random() < 0.5 else c for c in name)
                text = re.sub(rf"<(/?){name}\b", lambda m, cased=cased: f"<{m.group(1)}{cased}", text)
            text = text.replace("isPermaLink", "ISPERMALINK")
        content_type = rng.choice(
            ["application/rss+xml", "text/xml", "text/html", "application/octet-stream", ""]
        )
        url = rng.choice([URL, "https://example.com/dir/feed?x=1", "", "HTTP://Example.com:80/f"])
        return text.encode(), ({"Content-Type": content_type} if content_type else {}), url


@pytest.mark.parametrize("chunk", range(4))
def test_generated_feeds_read_alike_on_both_paths(chunk: int) -> None:
    accepted = 0
    for seed in range(chunk * 250, chunk * 250 + 250):
        raw, headers, url = FeedMaker(seed).feed()
        took, fast, slow = both_paths(raw, headers, url)
        accepted += took
        assert not took or fast == slow, f"seed {seed}: {raw.decode()}"
    assert accepted >= 40  # the generator must keep exercising the fast path


def test_parse_feed_uses_the_fast_path_and_feedparser_is_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_feedparser(*args, **kwargs):
        raise AssertionError("feedparser ran on a plain feed")

    monkeypatch.setattr(feedparser, "parse", no_feedparser)
    parsed = feed_parse.parse_feed(PLAIN_RSS.encode(), {"Content-Type": "application/rss+xml"}, URL)
    assert parsed.title == "Example News" and len(parsed.items) == 2 and parsed.warning is None
    with pytest.raises(AssertionError):
        feed_parse.parse_feed(RSS_ITEM.format("<link>/rel</link>").encode(), {}, URL)
