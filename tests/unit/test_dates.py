"""Compact ages and spans as shown in the list, the CLI and the feed-health table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tuinews.core.dates import age, ago, duration

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("seconds", "compact", "phrase"),
    [
        (5, "now", "just now"),
        (5 * 60, "5m", "5m ago"),
        (3 * 3600, "3h", "3h ago"),
        (2 * 86400, "2d", "2d ago"),
        (3 * 7 * 86400, "3w", "3w ago"),
        (400 * 86400, "2025", "in 2025"),
    ],
)
def test_age_and_ago(seconds: int, compact: str, phrase: str) -> None:
    assert age(NOW - seconds, NOW) == compact
    assert ago(NOW - seconds, NOW) == phrase


def test_duration_of_a_future_fetch() -> None:
    assert duration(90 * 60) == "1h"
    assert duration(59) == "now"
