"""JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1) mapped to ParsedFeed.

feedparser 6 does not read JSON Feed, so we map the handful of fields we use.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tuinews.core.dates import checked_date
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
        data = json.loads(body.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"not a feed: invalid JSON ({clean_line(str(exc), 120)})") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith("https://jsonfeed.org/"):
        raise ParseError("not a feed: JSON without a jsonfeed.org version")
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raise ParseError("not a feed: JSON Feed without an items list")
    items: list[ParsedItem] = []
    seen: set[str] = set()
    for raw in raw_items[:MAX_ITEMS]:
        if not isinstance(raw, dict):
            continue
        item = make_item(
            guid=_str(raw.get("id")),
            link=_str(raw.get("url")) or _str(raw.get("external_url")),
            title=_str(raw.get("title")) or "",
            summary_html=_str(raw.get("summary")) or "",
            content_html=_str(raw.get("content_html")) or _escape(_str(raw.get("content_text")) or ""),
            author=_author(raw) or _author(data) or "",
            published=_date(raw.get("date_published")) or _date(raw.get("date_modified")),
        )
        if item.key not in seen:
            seen.add(item.key)
            items.append(item)
    warning = f"kept the first {MAX_ITEMS} of {len(raw_items)} items" if len(raw_items) > MAX_ITEMS else None
    return ParsedFeed(
        title=clean_line(_str(data.get("title")) or "", 500),
        link=_str(data.get("home_page_url")),
        items=tuple(items),
        warning=warning,
    )


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
