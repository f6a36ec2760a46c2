"""Garbage collection between keystrokes, not inside them.

A repaint allocates thousands of objects, so the collector's automatic passes
land inside keypress frames: young-generation passes of a few milliseconds and,
every so often, a full pass of 10-40 ms -- the slowest j presses of a 50,000-story
list.  Once the list is loaded the app turns automatic collection off and
collects here instead, when no key has come for a moment.  Reference counting
still frees almost everything at once; only reference cycles wait, and a
backlog cap collects even while a key is held down.
"""

from __future__ import annotations

import gc
import time

QUIET = 0.25  # seconds without input before collecting
YOUNG = 2_000  # a young-generation pass once this many new objects are tracked
BACKLOG = 100_000  # collect regardless of input past this many
FULL_EVERY = 60.0  # seconds between full passes (when quiet)


class IdleCollector:
    """Runs the collector's passes from a timer, away from input."""

    def __init__(self) -> None:
        self.active = False
        self._last_input = time.monotonic()
        self._last_full = time.monotonic()

    def start(self) -> None:
        """Turn automatic collection off; `tick` collects from now on."""
        gc.disable()
        self.active = True

    def stop(self) -> None:
        """Back to automatic collection."""
        if self.active:
            gc.enable()
            self.active = False

    def touched(self) -> None:
        """Input arrived: hold off for a moment."""
        self._last_input = time.monotonic()

    def tick(self) -> None:
        """Collect if it is quiet (or the backlog is too long to wait)."""
        if not self.active:
            return
        now = time.monotonic()
        pending = gc.get_count()[0]
        if pending < YOUNG or (now - self._last_input < QUIET and pending < BACKLOG):
            return
        if now - self._last_full >= FULL_EVERY:
            gc.collect()
            self._last_full = now
        else:
            gc.collect(1)
