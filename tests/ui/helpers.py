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
    """Let workers finish and their messages land."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
