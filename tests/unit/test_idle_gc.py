"""Collection between keystrokes: none while keys come, a pass once input pauses, a cap on the backlog."""

from __future__ import annotations

import gc
import time

from tuinews.ui import idle_gc
from tuinews.ui.idle_gc import IdleCollector


class Cycle:
    def __init__(self) -> None:
        self.me = self


def make_garbage(n: int) -> None:
    for _ in range(n):
        Cycle()  # only the collector can free a cycle


def test_collects_only_when_input_pauses_and_always_past_the_backlog(monkeypatch) -> None:
    collector = IdleCollector()
    collector.start()
    try:
        assert not gc.isenabled()
        collector.touched()
        make_garbage(idle_gc.YOUNG * 2)
        before = gc.get_count()[0]
        collector.tick()  # a key just came: wait
        assert gc.get_count()[0] >= before
        time.sleep(idle_gc.QUIET + 0.05)
        collector.tick()  # quiet: collect
        assert gc.get_count()[0] < idle_gc.YOUNG
        monkeypatch.setattr(idle_gc, "BACKLOG", idle_gc.YOUNG * 3)
        collector.touched()
        make_garbage(idle_gc.YOUNG * 4)
        collector.tick()  # keys still coming, but the backlog is too long to wait
        assert gc.get_count()[0] < idle_gc.YOUNG
    finally:
        collector.stop()
    assert gc.isenabled()
