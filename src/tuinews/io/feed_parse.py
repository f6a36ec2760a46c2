"""Feed bytes to ParsedFeed: feedparser for XML, our own mapping for JSON Feed.

Runs off the event loop (thread or process pool).  Every text field leaves
here cleaned for the terminal and capped in size, so the store never holds
anything a screen could choke on.
"""

from __future__ import annotations

import calendar
import io
import re
from collections.abc import Sequence
from functools import lru_cache, partial
from typing import Any

from tuinews.config import TopicConfig
from tuinews.core.dates import checked_date
from tuinews.core.keys import content_hash, story_key
from tuinews.core.links import web_url
from tuinews.core.models import ParsedFeed, ParsedItem
from tuinews.core.text import clean_line, clean_text, strip_controls
from tuinews.core.topics import Topic, matching_topics
from tuinews.errors import ParseError
from tuinews.io.fast_parse import parse_fast
from tuinews.io.feed_bytes import cap_items, drop_internal_subset, to_utf8
from tuinews.io.html_text import html_to_text, looks_like_html
from tuinews.io.jsonfeed import is_json_feed, parse_json_feed

MAX_ITEMS = 1000
MAX_TITLE = 500
MAX_SUMMARY = 5_000
MAX_CONTENT = 200_000
MAX_FIELD = 2_000


def parse_feed(
    body: bytes, headers: dict[str, str], url: str, topics: Sequence[TopicConfig] = ()
) -> ParsedFeed:
    """Parse a feed body; raise ParseError with a human reason when it is not a feed.

    With `topics`, each item also carries the watched topics it matches, so that
    matching runs here, in a parse worker, instead of on the database writer.
    """
    return _parse(body, headers, url, _compiled(tuple(topics)) if topics else ())


@lru_cache(maxsize=8)
def _compiled(topics: tuple[TopicConfig, ...]) -> tuple[Topic, ...]:
    return tuple(Topic.compile(t.name, t.terms, t.exclude) for t in topics)


def _parse(body: bytes, headers: dict[str, str], url: str, topics: tuple[Topic, ...]) -> ParsedFeed:
    if is_json_feed(body, headers.get("content-type", "")):
        return parse_json_feed(body, url, partial(make_item, topics=topics))
    headers = {k.lower(): v for k, v in headers.items()}
    headers.setdefault("content-location", url)
    original_type = headers.get("content-type", "")
    raw = body
    body, headers["content-type"], _ = to_utf8(body, original_type)
    body = drop_internal_subset(body)  # DTD entities are never expanded, whichever parser reads it
    body, found = cap_items(body, MAX_ITEMS)
    # Plain RSS 2.0 / Atom 1.0 read by lxml, with feedparser's exact result; None: feedparser reads it.
    result = parse_fast(body, headers)
    if result is None:
        import feedparser  # deferred: ~100 ms and ~6 MB, only for feeds the fast path declines

        result = feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    entries = result.get("entries") or []
    feed = result.get("feed") or {}
    warning = None
    if result.get("bozo"):
        import feedparser  # only feedparser's results are ever bozo

        exc = result.get("bozo_exception")
        harmless = isinstance(exc, feedparser.ThingsNobodyCaresAboutButMe)
        if not entries and not result.get("version") and not feed.get("title"):
            raise ParseError(_not_a_feed_reason(raw, original_type, exc))
        if not harmless:
            warning = f"malformed feed, read leniently ({_exc_text(exc)})"
    elif not entries and not result.get("version"):
        raise ParseError(_not_a_feed_reason(raw, original_type, None))
    items = [item for e in entries[:MAX_ITEMS] if (item := _entry(e, topics, url)) is not None]
    found = found or len(entries)
    if found > MAX_ITEMS:
        note = f"kept the first {MAX_ITEMS} of {found:,} items"
        warning = f"{warning}; {note}" if warning else note
    return ParsedFeed(
        title=clean_line(_text_of(feed, "title"), MAX_TITLE),
        link=web_url(feed.get("link"), url),
        items=tuple(_unique(items)),
        warning=warning,
    )


def make_item(
    *,
    guid: str | None,
    link: str | None,
    title: str,
    summary_html: str,
    content_html: str,
    author: str,
    published: float | None,
    topics: Sequence[Topic] = (),
) -> ParsedItem:
    """Build a cleaned, capped item (shared by the XML and JSON Feed paths).

    With `topics`, the item also carries the names of the watched topics it matches.
    """
    guid = clean_line(guid, MAX_FIELD) or None
    link = _url(link)
    title = clean_line(title, MAX_TITLE)
    summary_src = summary_html or content_html
    summary = clean_text(html_to_text(summary_src[: MAX_SUMMARY * 4]), MAX_SUMMARY)
    # The reader renders `content` (HTML, links kept); fall back to an HTML summary.
    body = content_html or (summary_html if looks_like_html(summary_html) else "")
    content = strip_controls(body[: MAX_CONTENT * 2])[:MAX_CONTENT]
    author = clean_line(author, 200)
    if not title:
        title = clean_line(summary, 120) or "(untitled)"
    key = story_key(guid, link, title, published)
    digest = content_hash(title, link, summary, content, author, published)
    return ParsedItem(
        key=key,
        guid=guid,
        link=link,
        title=title,
        summary=summary,
        content=content,
        author=author,
        published=published,
        content_hash=digest,
        topics=matching_topics(topics, f"{title}\n{summary}") if topics else None,
    )


def _entry(entry: Any, topics: Sequence[Topic] = (), url: str | None = None) -> ParsedItem | None:
    title = _text_of(entry, "title")
    summary = entry.get("summary") or ""
    contents = entry.get("content") or []
    content = max((c.get("value") or "" for c in contents), key=len, default="")
    if content and summary and content.strip() == summary.strip():
        summary = ""
    return make_item(
        guid=entry.get("id") or entry.get("guid"),
        # feedparser resolved links against xml:base and Content-Location; one still relative
        # (that base was relative too) is resolved against the address the feed came from
        link=web_url(entry.get("link") or _first_href(entry), url),
        title=title,
        summary_html=summary,
        content_html=content,
        author=entry.get("author") or "",
        published=_date(entry),
        topics=topics,
    )


def _text_of(obj: Any, key: str) -> str:
    value = (obj.get(key) or "")[: MAX_TITLE * 8]  # a 5 MB title is cut before any work on it
    detail = obj.get(f"{key}_detail") or {}
    if "html" in (detail.get("type") or "") or looks_like_html(value):
        value = html_to_text(value)
    return value


def _first_href(entry: Any) -> str | None:
    links = entry.get("links")
    if not isinstance(links, list):  # a stray <links>text</links> element lands here as a string
        return None
    for link in links:
        if isinstance(link, dict) and link.get("href") and link.get("rel", "alternate") == "alternate":
            return link["href"]
    return None


def _date(entry: Any) -> float | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = dict.get(entry, key)  # not FeedParserDict.get: it maps keys with a deprecation warning
        if parsed:
            try:
                value = float(calendar.timegm(parsed))
            except (TypeError, ValueError, OverflowError):
                continue
            return checked_date(value)
    return None


def _url(value: Any) -> str | None:
    """Only absolute http(s) links are stored: `javascript:`, `data:`, `file:` and the like become None."""
    return web_url(value)


def _unique(items: list[ParsedItem]) -> list[ParsedItem]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item.key not in seen:
            seen.add(item.key)
            out.append(item)
    return out


_EXPAT = re.compile(r"^<unknown>:(\d+):(\d+):\s*(.*)$", re.DOTALL)


def _exc_text(exc: BaseException | None) -> str:
    """A parser exception as words: expat's '<unknown>:2:5: msg' becomes 'msg at line 2, column 6'."""
    if exc is None:
        return "unknown problem"
    text = str(exc)
    m = _EXPAT.match(text)
    if m:
        text = f"{m.group(3)} at line {m.group(1)}, column {int(m.group(2)) + 1}"
    return clean_line(text, 160) or exc.__class__.__name__


def _looks_binary(body: bytes) -> bool:
    """NULs or mostly control bytes in the first 1 KB: an image, an archive, junk."""
    head = body[:1024]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return b"\x00" in head or controls > len(head) // 10


def _not_a_feed_reason(body: bytes, content_type: str, exc: BaseException | None) -> str:
    head = body[:2048].lstrip().lower()
    ctype = content_type.split(";")[0].strip().lower()
    if not body.strip():
        return "empty response"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or ctype == "text/html":
        return "not a feed: the server sent an HTML page"
    if _looks_binary(body):
        return f"not a feed: the server sent binary data ({ctype or 'no content type'})"
    if exc is not None:
        return f"not a feed: {_exc_text(exc)}"
    return f"not a feed (content type {ctype or 'unknown'})"
