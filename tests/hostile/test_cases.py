"""Every hostile case through the real fetch path: loopback server -> Service.refresh -> SQLite."""

from __future__ import annotations

import pytest

from tests.hostile.cases import CASES, DEADLINE
from tests.hostile.conftest import HostileRun

SLACK = 0.35  # scheduling and teardown after the deadline fires


def test_the_catalogue_has_at_least_30_distinct_cases() -> None:
    assert len(CASES) >= 30
    assert len({c.expect for c in CASES.values()}) == len(CASES)


@pytest.mark.parametrize("name", list(CASES))
def test_case(name: str, hostile_run: HostileRun) -> None:
    hostile_run.checks[name](hostile_run.results[name])


def test_no_fetch_holds_the_refresh_past_its_deadline(hostile_run: HostileRun) -> None:
    longest = max((t for times in hostile_run.fetch_seconds.values() for t in times), default=0.0)
    assert longest <= DEADLINE + SLACK, longest
    # The slow cases really were slow: the deadline, not luck, ended them.
    slow = [hostile_run.results[n].url for n in ("slow-headers", "trickle", "stall-mid-body")]
    assert all(max(hostile_run.fetch_seconds[u]) >= DEADLINE - 0.05 for u in slow)


def test_a_whole_refresh_of_every_case_takes_about_one_deadline(hostile_run: HostileRun) -> None:
    assert all(t < DEADLINE + 2.5 for t in hostile_run.refresh_seconds), hostile_run.refresh_seconds
