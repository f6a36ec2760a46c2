"""Helpers for driving the real app with Pilot and reading what the screen shows."""

from __future__ import annotations

import io

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot


def screen_text(app: App) -> str:
    """The whole screen as plain text, exactly as rendered (no styles)."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), record=True, color_system=None, legacy_windows=False
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


async def settle(pilot: Pilot, rounds: int = 3) -> None:
    """Let workers finish and their messages land (workers may start more workers)."""
    quiet = 0
    for _ in range(max(rounds, 3) * 10):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.01)
        busy = any(w.is_running or w.state.name == "PENDING" for w in pilot.app.workers)
        quiet = 0 if busy else quiet + 1
        if quiet >= rounds:
            return
