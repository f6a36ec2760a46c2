"""`j` in a 50,000-story list: time from keypress to the repaint, with and without the sidebar.

    .venv/bin/python bench/keys.py [--quick] [--stories 50000] [--presses 300] [--json PATH]

The real app (the CLI's factory, `build_app`) on a copy of the cached
synthetic database, driven by Pilot in a 160x45 headless terminal.  Repaints
are observed, not forced: `App._display` is wrapped so each compositor update
is stamped with the time, the list's cursor and the sidebar's story, and it
also encodes the update into terminal bytes as a real terminal run would (the
headless driver skips that).  Pilot's `pause()` is not used while timing,
because it forces a screen update that the app would otherwise schedule on
its own ~60 Hz timer.

Per press, from just before Pilot sends the key:
  (a) list   the first repaint that shows the cursor on the next row
  (b) full   the first repaint that also shows the sidebar for that story;
             it includes the sidebar's debounce (RELATED_DEBOUNCE), so
             (b) minus the debounce is printed too
Between presses the app is let go idle (workers done, 20 ms), like deliberate
presses.  A second pass holds j at ~30 presses per second (key repeat, 28-38 ms
apart so it cannot phase-lock with Textual's 60 Hz screen updates), where the
debounce keeps the sidebar from updating and only (a) is timed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

from textual._compositor import CompositorUpdate

from harness import OUT, Report, exit_on_sigterm, load_budgets, percentile, print_table, vm_status
from stories import story_db
from tuinews.config import load
from tuinews.service import Service
from tuinews.ui.app import build_app
from tuinews.ui.screens.main import RELATED_DEBOUNCE
from tuinews.ui.widgets.related_sidebar import RelatedSidebar
from tuinews.ui.widgets.story_list import StoryList

REPEAT_MS = (28.0, 38.0)  # key repeat: ~30 presses a second, jittered so it never phase-locks to 60 Hz frames
POLL = 0.0005


class Paints:
    """Every repaint the app makes: (time, list cursor story id, sidebar story id)."""

    def __init__(self, app, story_list: StoryList, sidebar: RelatedSidebar) -> None:  # type: ignore[no-untyped-def]
        self.events: list[tuple[float, int | None, int | None]] = []
        original = app._display

        def display(screen, renderable) -> None:  # type: ignore[no-untyped-def]
            original(screen, renderable)
            if renderable is None:
                return
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)  # the bytes a terminal would be sent
            current = story_list.current
            self.events.append((time.perf_counter(), current.id if current else None, sidebar.story_id))

        app._display = display

    async def until(self, since: float, list_id: int, sidebar: bool, timeout: float = 5.0) -> float | None:
        """Time of the first repaint after `since` showing `list_id` (and the sidebar for it)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            hit = None
            for t, lid, sid in reversed(self.events):
                if t < since:
                    break
                if lid == list_id and (not sidebar or sid == list_id):
                    hit = t
            if hit is not None:
                return hit
            await asyncio.sleep(POLL)
        return None


async def _run(args: argparse.Namespace, db_dir: Path) -> dict[str, list[float]]:
    sdb = story_db(args.stories)
    data = sdb.copy_to(db_dir)
    service = Service.open(load(sdb.config), data / "tuinews.db")
    app = build_app(service, refresh_on_start=False, open_url=lambda url: None)
    out: dict[str, list[float]] = {"list": [], "full": [], "held": [], "missed": []}
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            started = time.perf_counter()
            story_list = app.screen.query_one(StoryList)
            sidebar = app.screen.query_one(RelatedSidebar)
            while story_list.loaded < sdb.stories and time.perf_counter() - started < 120:
                await app.workers.wait_for_complete()
                await pilot.pause(0.01)
            print(f"  {story_list.loaded:,} stories loaded ({len(story_list.rows):,} rows) "
                  f"in {time.perf_counter() - started:.2f} s", flush=True)  # fmt: skip
            paints = Paints(app, story_list, sidebar)
            while story_list.current and sidebar.story_id != story_list.current.id:
                if time.perf_counter() - started > 120:
                    raise RuntimeError("the sidebar never showed the first story")
                await asyncio.sleep(0.01)
            for i in range(args.presses):
                target = story_list.rows[story_list.cursor + 1].id
                t0 = time.perf_counter()
                await pilot.press("j")
                t_list = await paints.until(t0, target, False)
                t_full = await paints.until(t0, target, True)
                if t_list is None or t_full is None:
                    out["missed"].append(i)
                else:
                    out["list"].append((t_list - t0) * 1000)
                    out["full"].append((t_full - t0) * 1000)
                await app.workers.wait_for_complete()
                await asyncio.sleep(0.02)
            jitter = random.Random(7)
            for _ in range(args.presses // 3):
                target = story_list.rows[story_list.cursor + 1].id
                t0 = time.perf_counter()
                await pilot.press("j")
                t_list = await paints.until(t0, target, False)
                if t_list is not None:
                    out["held"].append((t_list - t0) * 1000)
                period = jitter.uniform(*REPEAT_MS) / 1000
                await asyncio.sleep(max(0.0, t0 + period - time.perf_counter()))
            await app.workers.wait_for_complete()
            out["rss"] = [vm_status()["VmHWM"]]
    finally:
        service.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 5,000 stories, 40 presses")
    parser.add_argument("--stories", type=int, default=50_000)
    parser.add_argument("--presses", type=int, default=300)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    exit_on_sigterm()
    if args.quick:
        args.stories, args.presses = 5000, 40
    report = Report("keys")
    OUT.mkdir(parents=True, exist_ok=True)
    story_db(args.stories)  # build (or find) it before anything is timed
    with tempfile.TemporaryDirectory(dir=OUT, prefix="keys-") as tmp:
        out = asyncio.run(_run(args, Path(tmp)))
    n = args.stories
    debounce = RELATED_DEBOUNCE * 1000
    lst, full, held = out["list"], out["full"], out["held"]
    minus = [v - debounce for v in full]
    missed = f"{len(out['missed'])} presses never showed the expected repaint" if out["missed"] else ""
    for key, label, values, note in (
        ("j_list", "(a) list repainted", lst, missed),
        ("j_sidebar", "(b) list + sidebar repainted", full, f"includes the {debounce:.0f} ms debounce"),
        ("j_sidebar_minus_debounce", f"(b) minus the {debounce:.0f} ms debounce", minus, ""),
        ("j_held", "(a) with j held (~30/s)", held, ""),
    ):
        for q in ("p50", "p95", "max"):
            value = (max(values) if q == "max" else percentile(values, float(q[1:]))) if values else None
            report.add(
                f"keys_{n}_{key}_{q}",
                f"j in {n:,} stories: {label}, {q}",
                value,
                "ms",
                note if q == "p95" else "",
            )
    report.add(f"keys_{n}_rss", f"peak RSS of the app on {n:,} stories (headless)", out["rss"][0], "MB")
    report.note(f"{len(lst)} deliberate presses and {len(held)} held presses; headless Pilot, so the "
                "terminal's own time to draw is not included (the update's encoding is)")  # fmt: skip
    print_table(report.figures, load_budgets(), "keys")
    report.write_json(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
