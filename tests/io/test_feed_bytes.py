"""The bytes every parser sees: one charset rule (feeds and pages), DTD declarations gone.

The hostile catalogue (`tests/hostile/cases.py`) runs these through the real
fetch path; here each rule is checked on its own, and the DTD rule on every
path a feed can take (lxml fast path, feedparser's expat parser, feedparser's
lenient parser).
"""

from __future__ import annotations

import codecs

import feedparser.api
import pytest

import tuinews.io.feed_parse as feed_parse
from tests.hostile.cases import blowup_feed
from tuinews.io.charset import choose_encoding, codec_for, decode
from tuinews.io.extract import decode_page
from tuinews.io.feed_bytes import drop_internal_subset, to_utf8

NEWS = "新闻 Café “quotes” ニュース — €5"


@pytest.mark.parametrize(
    ("body", "declared", "expected"),
    [
        # UTF-8 with multi-byte characters wins over any declaration ...
        (NEWS.encode(), ["gb2312"], "utf-8"),
        (NEWS.encode(), ["windows-1252", "shift_jis"], "utf-8"),
        (NEWS.encode(), ["iso-8859-1"], "utf-8"),
        # ... a BOM wins over everything ...
        (codecs.BOM_UTF8 + "Grüße".encode(), ["windows-1252"], "utf-8-sig"),
        ("Grüße".encode("utf-16"), ["utf-8"], "utf-16"),
        # ... and the declaration decides when the bytes are not UTF-8, read as browsers read it.
        ("Café “quotes” — €5".encode("cp1252"), ["iso-8859-1"], "cp1252"),
        ("中文新闻".encode("gb2312"), ["gb2312"], "gb18030"),
        ("日本語のニュース".encode("shift_jis"), ["Shift_JIS"], "cp932"),
        ("Привет".encode("koi8-r"), ["utf-8", "koi8-r"], "koi8-r"),
        # A declaration that cannot be right (the bytes do not decode) is passed over for the next one.
        ("日本語のニュースです。".encode("shift_jis"), ["euc-jp", "windows-1252", "shift_jis"], "cp932"),
        # Plain ASCII: a 7-bit declaration (ISO-2022-JP) still decides; otherwise it is UTF-8.
        ("ニュース".encode("iso2022_jp"), ["iso-2022-jp"], "iso2022_jp"),
        (b"plain ascii", [], "utf-8"),
    ],
)
def test_one_charset_rule(body: bytes, declared: list[str], expected: str) -> None:
    assert choose_encoding(body, declared) == expected


@pytest.mark.parametrize("label", ["utf-16", "UTF-16LE", "utf-32", "utf-7", "cp037", "no-such-charset", ""])
def test_labels_that_would_misread_markup_are_never_trusted(label: str) -> None:
    assert codec_for(label) is None
    assert decode(b"<p>plain</p>", [label])[0] == "<p>plain</p>"


@pytest.mark.parametrize("declared", ["gb2312", "windows-1252", "shift_jis", "iso-8859-1", "euc-kr"])
def test_utf8_feeds_and_pages_with_a_stale_declaration_read_alike(declared: str) -> None:
    """The same mechanism for a feed's XML declaration and a page's <meta charset>."""
    feed = f'<?xml version="1.0" encoding="{declared}"?><rss><title>{NEWS}</title></rss>'.encode()
    body, _, encoding = to_utf8(feed, "application/rss+xml")
    assert encoding == "utf-8" and NEWS in body.decode("utf-8")
    page = f'<meta http-equiv="Content-Type" content="text/html; charset={declared}"><p>{NEWS}</p>'
    assert NEWS in decode_page(page.encode(), f"text/html; charset={declared}")


def test_a_page_named_only_by_its_http_charset() -> None:
    page = "<html><body><p>Привет, мир</p></body></html>".encode("koi8-r")
    assert "Привет, мир" in decode_page(page, "text/html; charset=KOI8-R")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "x">\n]>\n<rss/>',
            b'<?xml version="1.0"?>\n<!DOCTYPE rss >\n<rss/>',
        ),
        # quotes and comments are read as such: a ">" or "]>" inside them does not end the subset
        (b'<!DOCTYPE rss [<!ENTITY a "x>]y"><!-- ]> -->]><rss>&a;</rss>', b"<!DOCTYPE rss ><rss>&a;</rss>"),
        # a comment with a tag in it before the DOCTYPE does not hide it
        (b'<!-- <b> --><!DOCTYPE rss [<!ENTITY a "x">]><rss/>', b"<!-- <b> --><!DOCTYPE rss ><rss/>"),
        # external identifiers stay (nothing fetches them); no subset, nothing to do
        (b'<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "http://x/rss.dtd">\n<rss/>',) * 2,
        # a DOCTYPE inside the document is text, not ours to touch
        (b'<rss><title>&lt;!DOCTYPE x [<!ENTITY a "b">]></title></rss>',) * 2,
        # an unterminated quote: cut to the root element
        (b'<!DOCTYPE rss [<!ENTITY a "open>\n<rss>&a;</rss>', b"<!DOCTYPE rss ><rss>&a;</rss>"),
    ],
)
def test_drop_internal_subset(body: bytes, expected: bytes) -> None:
    assert drop_internal_subset(body) == expected


def _titles(body: bytes, path: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    if path != "fast":
        monkeypatch.setattr(feed_parse, "parse_fast", lambda body, headers: None)
    if path == "lenient":
        monkeypatch.setattr(feedparser.api, "_XML_AVAILABLE", False)
    parsed = feed_parse.parse_feed(body, {"content-type": "application/rss+xml"}, "http://127.0.0.1/f.xml")
    return [i.title for i in parsed.items] + [i.summary for i in parsed.items]


@pytest.mark.parametrize("path", ["fast", "feedparser", "lenient"])
@pytest.mark.parametrize(("size", "uses"), [(10_000, 10_000), (1_000, 1_000), (10, 3)])
def test_dtd_entities_are_never_expanded_on_any_parse_path(
    path: str, size: int, uses: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small enough for expat to expand, large enough that expat gives up and the lenient parser
    would expand it by hand, or tiny: every path leaves the reference literal."""
    texts = _titles(blowup_feed(size, uses), path, monkeypatch)
    assert texts[0] == ("Blowup: " + "&big;" * uses)[:499] + ("…" if len("&big;") * uses > 491 else "")
    assert not any("AAAAAAAAAA" in t for t in texts)
    assert "Entity at the end &big;" in texts
