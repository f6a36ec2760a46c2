"""JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1) mapped to ParsedFeed.

feedparser 6 does not read JSON Feed, so we map the handful of fields we use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tuinews.core.dates import checked_date
from tuinews.core.links import web_url
from tuinews.core.models import ParsedFeed, ParsedItem
from tuinews.core.text import clean_line
from tuinews.errors import ParseError

MAX_ITEMS = 1000


def is_json_feed(body: bytes, content_type: str) -> bool:
    """JSON Feed by content type, or a JSON body that names a jsonfeed.org version."""
    ctype = content_type.split(";")[0].strip().lower()
    if ctype in ("application/feed+json", "application/json"):
        return body.lstrip()[:1] == b"{"
    head = body.lstrip()[:300]
    return head[:1] == b"{" and b"jsonfeed.org/version" in head


def parse_json_feed(body: bytes, url: str, make_item: Callable[..., ParsedItem]) -> ParsedFeed:
    """Parse JSON Feed bytes; raise ParseError when it is not one."""
    try:
        data, raw_items, found = _load(body.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"not a feed: invalid JSON ({clean_line(str(exc), 120)})") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith("https://jsonfeed.org/"):
        raise ParseError("not a feed: JSON without a jsonfeed.org version")
    if raw_items is None:
        raise ParseError("not a feed: JSON Feed without an items list")
    items: list[ParsedItem] = []
    seen: set[str] = set()
    for raw in raw_items:
        if not isinstance(raw, dict):
            continue
        item = make_item(
            guid=_str(raw.get("id")),
            link=web_url(raw.get("url"), url) or web_url(raw.get("external_url"), url),
            title=_str(raw.get("title")) or "",
            summary_html=_str(raw.get("summary")) or "",
            content_html=_str(raw.get("content_html")) or _escape(_str(raw.get("content_text")) or ""),
            author=_author(raw) or _author(data) or "",
            published=_date(raw.get("date_published")) or _date(raw.get("date_modified")),
        )
        if item.key not in seen:
            seen.add(item.key)
            items.append(item)
    warning = f"kept the first {MAX_ITEMS} of {found:,} items" if found > MAX_ITEMS else None
    return ParsedFeed(
        title=clean_line(_str(data.get("title")) or "", 500),
        link=web_url(data.get("home_page_url"), url),
        items=tuple(items),
        warning=warning,
    )


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


def _load(text: str) -> tuple[Any, list[Any] | None, int]:
    """The top-level value, its first MAX_ITEMS items, and how many items there were.

    The items array is decoded one item at a time and items past the cap are
    dropped as soon as they are read, so a 10 MB feed of tiny items costs the
    memory of a thousand of them, not of a million Python dicts.
    """
    pos = _SPACE.match(text).end()  # type: ignore[union-attr]
    if not text.startswith("{", pos):
        value, _ = _DECODER.raw_decode(text, pos)
        return value, None, 0
    data: dict[str, Any] = {}
    items: list[Any] | None = None
    found = 0
    pos = _skip(text, pos + 1)
    while not text.startswith("}", pos):
        key, pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, _expect(text, _skip(text, pos), ":"))
        if key == "items" and text.startswith("[", pos):
            items, found, pos = _items(text, pos + 1)
        else:
            data[str(key)], pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, pos)
        if not text.startswith("}", pos):
            pos = _skip(text, _expect(text, pos, ","))
    return data, items, found


def _items(text: str, pos: int) -> tuple[list[Any], int, int]:
    kept: list[Any] = []
    found = 0
    pos = _skip(text, pos)
    while not text.startswith("]", pos):
        value, pos = _DECODER.raw_decode(text, pos)
        if found < MAX_ITEMS:
            kept.append(value)
        found += 1
        pos = _skip(text, pos)
        if not text.startswith("]", pos):
            pos = _skip(text, _expect(text, pos, ","))
    return kept, found, pos + 1


def _skip(text: str, pos: int) -> int:
    return _SPACE.match(text, pos).end()  # type: ignore[union-attr]


def _expect(text: str, pos: int, char: str) -> int:
    if not text.startswith(char, pos):
        raise ValueError(f"expected {char!r} at char {pos}")
    return pos + 1


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _escape(text: str) -> str:
    from html import escape

    return "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n") if p.strip())


def _author(obj: dict[str, Any]) -> str | None:
    authors = obj.get("authors")
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        return _str(authors[0].get("name"))
    author = obj.get("author")
    if isinstance(author, dict):
        return _str(author.get("name"))
    return None


def _date(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    try:
        return checked_date(parsed.timestamp())
    except (OverflowError, OSError, ValueError):
        return None
