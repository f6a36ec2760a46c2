"""When to fetch a feed next: a pure decider, separate from the I/O that obeys it.

Servers may ask for patience (Retry-After on 429/503, Cache-Control max-age,
Expires) and failing feeds back off exponentially; both become one stored
`next_fetch_at` that a refresh respects unless forced.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

MAX_WAIT = 24 * 3600.0
BACKOFF_BASE = 300.0
BACKOFF_MAX = 6 * 3600.0
_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def _http_time(value: str | None) -> float | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    try:
        return parsed.timestamp()
    except (OverflowError, OSError, ValueError):
        return None


def retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds a Retry-After header asks us to wait (delta or HTTP date), capped at a day."""
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return min(float(value), MAX_WAIT)
    when = _http_time(value)
    if when is None:
        return None
    return min(max(when - now, 0.0), MAX_WAIT)


def freshness(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds the response stays fresh (Cache-Control max-age, else Expires), capped at a day."""
    cache = headers.get("cache-control") or ""
    if re.search(r"no-cache|no-store", cache, re.IGNORECASE):
        return None
    m = _MAX_AGE.search(cache)
    if m:
        age_header = (headers.get("age") or "").strip()
        age = float(age_header) if age_header.isdigit() else 0.0
        return min(max(float(m.group(1)) - age, 0.0), MAX_WAIT) or None
    expires = _http_time(headers.get("expires"))
    if expires is None:
        return None
    date = _http_time(headers.get("date")) or now
    return min(max(expires - date, 0.0), MAX_WAIT) or None


def after_success(headers: Mapping[str, str], now: float) -> float | None:
    """Earliest next fetch after a good response, or None for 'whenever'."""
    fresh = freshness(headers, now)
    return now + fresh if fresh else None


def after_failure(
    status: int | None, headers: Mapping[str, str], failures_before: int, now: float
) -> float | None:
    """Next attempt after a failure: the server's Retry-After, else exponential backoff.

    The first failure is retried on the next refresh (servers blip); from the
    second on, waits double from 5 minutes up to 6 hours.
    """
    if status in (429, 503):
        wait = retry_after(headers, now)
        if wait is not None:
            return now + wait
    if failures_before < 1:
        return None
    return now + min(BACKOFF_BASE * 2 ** (failures_before - 1), BACKOFF_MAX)


def waiting_reason(failures: int) -> str:
    """Why a feed is not fetched yet, from its failure count.

    Backoff starts at the second failure in a row, so a wait after none or one
    failure can only be the server's own (Retry-After, max-age, Expires).
    """
    if failures < 2:
        return "as the server asked"
    return f"after {failures} failures in a row"
