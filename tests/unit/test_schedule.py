"""The refetch decider: server waits and exponential back-off."""

from __future__ import annotations

from email.utils import formatdate

from tuinews.core import schedule

NOW = 1_800_000_000.0


def test_retry_after_seconds_and_date() -> None:
    assert schedule.retry_after({"retry-after": "120"}, NOW) == 120
    assert schedule.retry_after({"retry-after": formatdate(NOW + 600, usegmt=True)}, NOW) == 600
    assert schedule.retry_after({"retry-after": "soon"}, NOW) is None
    assert schedule.retry_after({"retry-after": "99999999"}, NOW) == schedule.MAX_WAIT


def test_freshness_from_cache_control_and_expires() -> None:
    assert schedule.freshness({"cache-control": "public, max-age=300"}, NOW) == 300
    assert schedule.freshness({"cache-control": "max-age=300", "age": "100"}, NOW) == 200
    assert schedule.freshness({"cache-control": "no-cache, max-age=300"}, NOW) is None
    headers = {"expires": formatdate(NOW + 900, usegmt=True), "date": formatdate(NOW, usegmt=True)}
    assert schedule.freshness(headers, NOW) == 900
    assert schedule.freshness({"expires": "0"}, NOW) is None


def test_after_failure_uses_retry_after_then_backs_off() -> None:
    assert schedule.after_failure(429, {"retry-after": "60"}, 0, NOW) == NOW + 60
    assert schedule.after_failure(500, {}, 0, NOW) is None  # first failure: try again next time
    waits = [schedule.after_failure(500, {}, n, NOW) - NOW for n in range(1, 10)]
    assert waits[:3] == [300, 600, 1200]
    assert waits[-1] == schedule.BACKOFF_MAX
