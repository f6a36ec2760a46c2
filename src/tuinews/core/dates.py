"""Time as tuinews shows and trusts it."""

from __future__ import annotations

import time
from datetime import UTC, datetime

MIN_DATE = 631152000.0  # 1990-01-01: earlier dates in feeds are mistakes (year 1, epoch 0)
FUTURE_SLACK = 2 * 86400


def checked_date(value: float | None, now: float | None = None) -> float | None:
    """A plausible publication time, or None (year 1, 9999 and next week are not)."""
    if value is None:
        return None
    now = time.time() if now is None else now
    if not MIN_DATE <= value <= now + FUTURE_SLACK:
        return None
    return value


def age(ts: float, now: float | None = None) -> str:
    """Compact age for list rows: 'now', '5m', '3h', '2d', '3w', '2025'."""
    seconds = (time.time() if now is None else now) - ts
    if seconds >= 365 * 86400:
        return str(datetime.fromtimestamp(ts, UTC).year)
    return duration(seconds)


def ago(ts: float, now: float | None = None) -> str:
    """Age as a phrase for prose and tables: 'just now', '5m ago', 'in 2025'."""
    text = age(ts, now)
    if text == "now":
        return "just now"
    return f"in {text}" if text.isdigit() else f"{text} ago"


def duration(seconds: float) -> str:
    """Compact span of time: 'now', '5m', '3h', '2d', '3w', '1y'."""
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 14 * 86400:
        return f"{int(seconds // 86400)}d"
    if seconds < 365 * 86400:
        return f"{int(seconds // (7 * 86400))}w"
    return f"{int(seconds // (365 * 86400))}y"


def iso_utc(ts: float | None) -> str | None:
    """ISO 8601 in UTC with a 'Z', as the JSON output promises."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def long_date(ts: float | None) -> str:
    """'Tue 25 Nov 2026 19:56 UTC' for the reader header."""
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, UTC).strftime("%a %d %b %Y %H:%M UTC")
