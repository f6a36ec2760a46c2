"""Sync at scale against the loopback Google Reader server: first sync, nothing new, marks, keys.

    .venv/bin/python bench/sync.py [--quick] [--feeds 500] [--items 100] [--json PATH]

The server (tests/greader_server.py, answering as FreshRSS does) runs in its own
process with `feeds` x `items` stories, so its CPU is not the client's.  Figures:

- first sync: `tuinews sync` on an empty database, wall time of the command
  (Python start-up included) and the requests it made;
- nothing new: the same command again (its wall, and the requests: login,
  subscriptions, reading-list ids, unread ids, starred ids);
- 1,000 marks: 1,000 stories marked read here, then pushed: requests and time;
- `j` during the first sync: the app open on the cached 50,000-story database
  while a first sync of the server's stories runs in its worker; `j` pressed
  every ~40 ms, time from keypress to the list's repaint (as bench/keys.py
  measures it), p50/p95/max, until the sync has stored everything.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness import OUT, Report, exit_on_sigterm, load_budgets, percentile, print_table, tuinews_exe  # noqa: E402
from keys import Paints  # noqa: E402
from stories import story_db  # noqa: E402

PASSWORD = "bench-api-pw"


def _serve(feeds: int, items: int, nice: int, pipe) -> None:  # type: ignore[no-untyped-def]
    from tests.greader_server import GReaderServer

    os.nice(nice)

    server = GReaderServer("bench", PASSWORD).start()
    folders = ("World", "Local", "Sport & Culture", "Business", "Science")
    words = (
        "strike ballot union",
        "flood storm warning",
        "league final goal",
        "rates inflation bank",
        "vaccine trial",
    )
    for n in range(feeds):
        feed = server.add_feed(
            f"http://127.0.0.1:9/farm/{n}.xml", f"Outlet {n:04d}", folders[n % len(folders)]
        )
        server.add_entries(feed, items, words=words[n % len(words)])
    pipe.send(server.url)
    pipe.recv()  # until told to stop
    server.stop()


def _stats(url: str) -> dict[str, int]:
    base = url.split("/api/greader.php")[0]
    with urllib.request.urlopen(f"{base}/_stats", timeout=10) as resp:
        return json.loads(resp.read())


def _config(path: Path, url: str, extra: str = "") -> Path:
    path.write_text(
        extra + f'\n[sync]\nurl = "{url}"\nusername = "bench"\npassword = "{PASSWORD}"\n', encoding="utf-8"
    )
    return path


def _cli(args: list[str], data: Path) -> tuple[float, str, str]:
    env = dict(os.environ, TUINEWS_DATA_DIR=str(data))
    started = time.perf_counter()
    done = subprocess.run([tuinews_exe(), *args], capture_output=True, text=True, env=env, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"tuinews {' '.join(args)} failed: {done.stderr.strip()}")
    return took, done.stdout, done.stderr


def cli_figures(report: Report, url: str, tmp: Path, total: int) -> None:
    data = tmp / "data"
    config = _config(tmp / "cli.toml", url, "[settings]\nrefresh_minutes = 0\n")
    before = sum(_stats(url).values())
    wall, out, err = _cli(["sync", "--config", str(config)], data)
    first = sum(_stats(url).values()) - before
    print(
        f"  first sync: {wall:.2f} s, {first} requests\n    " + out.strip().replace("\n", "\n    "),
        flush=True,
    )
    stored = out.split("stories: ")[1].split(" new")[0].replace(",", "")
    report.add("sync_first_wall", f"first sync of {total:,} stories (`tuinews sync`, wall)", wall, "s",
               f"{stored} stored, {first} requests")  # fmt: skip
    report.add("sync_first_requests", "requests of the first sync", first, "")
    before = sum(_stats(url).values())
    wall, out, err = _cli(["sync", "--config", str(config)], data)
    again = sum(_stats(url).values()) - before
    inner = float(err.split("synced in ")[1].split(" s")[0])
    print(f"  nothing new: {wall:.2f} s wall ({inner:.2f} s inside), {again} requests", flush=True)
    report.add("sync_nothing_new_wall", "sync with nothing new (`tuinews sync`, wall incl. start-up)", wall, "s",
               f"{inner:.2f} s after start-up")  # fmt: skip
    report.add("sync_nothing_new_requests", "requests of a sync with nothing new", again, "")
    # 1,000 marks, pushed
    from tuinews.config import load
    from tuinews.core.models import View
    from tuinews.service import Service

    service = Service.open(load(config), data / "tuinews.db")
    try:
        ids = service.unread_ids(View())[:1000]
        service.set_read(ids, True)
        before = sum(_stats(url).values())
        started = time.perf_counter()
        pushed = asyncio.run(service.push())
        took = time.perf_counter() - started
        requests = sum(_stats(url).values()) - before
    finally:
        service.close()
    print(f"  1,000 marks: {pushed}, {requests} requests, {took:.2f} s", flush=True)
    report.add("sync_1000_marks_requests", "requests to push 1,000 marks (login and token included)", requests, "",
               f"{took:.2f} s")  # fmt: skip


def send_key(app, key: str) -> None:  # type: ignore[no-untyped-def]
    """A key as the terminal driver delivers it (Pilot.press also waits for the app to be idle,
    which a sync in a worker keeps it from being for seconds at a time)."""
    from textual import events

    event = events.Key(key, key)
    event.set_sender(app)
    app._driver.send_message(event)


async def keys_during_sync(
    url: str, tmp: Path, stories: int
) -> tuple[list[float], list[float], list[float], float, int]:
    """j latencies while the first sync runs, and after it (view reload, clustering)."""
    from textual._compositor import CompositorUpdate  # noqa: F401  (Paints encodes updates)

    from tuinews.config import load
    from tuinews.service import Service
    from tuinews.ui.app import build_app
    from tuinews.ui.widgets.related_sidebar import RelatedSidebar
    from tuinews.ui.widgets.story_list import StoryList

    sdb = story_db(stories)
    data = sdb.copy_to(tmp / "app")
    config = _config(tmp / "app.toml", url, sdb.config.read_text(encoding="utf-8"))
    service = Service.open(load(config), data / "tuinews.db")
    app = build_app(service, refresh_on_start=False, open_url=lambda u: None)
    calm: list[float] = []
    during: list[float] = []
    after: list[float] = []
    missed: list[float] = []
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            screen = app.screen
            story_list = screen.query_one(StoryList)
            started = time.perf_counter()
            while story_list.loaded < sdb.stories and time.perf_counter() - started < 120:
                await pilot.pause(0.05)
            paints = Paints(app, story_list, screen.query_one(RelatedSidebar))
            # the same presses for a few seconds with no sync: this run's comparison figure
            calm_started = time.perf_counter()
            while time.perf_counter() - calm_started < 4.0:
                if story_list.cursor + 1 >= len(story_list.rows):
                    send_key(app, "g")
                    await asyncio.sleep(0.05)
                    continue
                target = story_list.rows[story_list.cursor + 1].id
                t0 = time.perf_counter()
                send_key(app, "j")
                hit = await paints.until(t0, target, False, timeout=2.0)
                if hit is not None:
                    calm.append((hit - t0) * 1000)
                await asyncio.sleep(max(0.0, t0 + 0.04 - time.perf_counter()))
            sync_started = time.perf_counter()
            assert screen.start_sync()
            phase = during
            quiet_since = None
            while time.perf_counter() - sync_started < 300:
                if not screen.syncing and phase is during:
                    phase = after
                    sync_wall = time.perf_counter() - sync_started
                    after_started = time.perf_counter()
                if phase is after and time.perf_counter() - after_started > 3.0:
                    break
                if story_list.cursor + 1 >= len(story_list.rows):
                    send_key(app, "g")
                    await asyncio.sleep(0.05)
                    continue
                target = story_list.rows[story_list.cursor + 1].id
                t0 = time.perf_counter()
                send_key(app, "j")
                hit = await paints.until(t0, target, False, timeout=2.0)
                if hit is not None:
                    phase.append((hit - t0) * 1000)
                else:
                    missed.append(time.perf_counter() - t0)
                if os.environ.get("SYNC_BENCH_TRACE"):
                    print(f"    press: {'-' if hit is None else f'{(hit - t0) * 1000:.1f}'} ms, "
                          f"loop {(time.perf_counter() - t0) * 1000:.0f} ms, {screen.sync_status}", flush=True)  # fmt: skip
                await asyncio.sleep(max(0.0, t0 + 0.04 - time.perf_counter()))
            del quiet_since
            count = service.store.count()
    finally:
        service.close()
    return calm, during, after, sync_wall, count


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 50 feeds x 20 items, 5,000-story app"
    )
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--stories", type=int, default=50_000, help="stories already in the app's database")
    parser.add_argument(
        "--server-nice",
        type=int,
        default=10,
        help="niceness of the loopback server, which stands in for another machine (0: compete fully)",
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    exit_on_sigterm()
    if args.quick:
        args.feeds, args.items, args.stories = 50, 20, 5000
    total = args.feeds * args.items
    report = Report("sync")
    OUT.mkdir(parents=True, exist_ok=True)
    story_db(args.stories)  # build (or find) it before anything is timed
    parent, child = multiprocessing.Pipe()
    proc = multiprocessing.get_context("fork").Process(
        target=_serve, args=(args.feeds, args.items, args.server_nice, child), daemon=True
    )
    proc.start()
    try:
        url = parent.recv()
        print(f"server: {args.feeds} feeds x {args.items} items = {total:,} stories at {url}", flush=True)
        with tempfile.TemporaryDirectory(dir=OUT, prefix="sync-") as tmp:
            cli_figures(report, url, Path(tmp), total)
            calm, during, after, sync_wall, count = asyncio.run(
                keys_during_sync(url, Path(tmp), args.stories)
            )
    finally:
        parent.send("stop")
        proc.join(timeout=10)
    print(f"  app: first sync of {total:,} stories in {sync_wall:.1f} s with the app open on {args.stories:,} "
          f"({count:,} stored after); {len(during)} presses during it, {len(after)} in the 3 s after", flush=True)  # fmt: skip
    for key, label, values in (
        ("calm", "with no sync, same run (comparison)", calm),
        ("during", "during the first sync", during),
        ("after", "in the 3 s after it (view reload)", after),
    ):
        for q in ("p50", "p95", "max"):
            value = (max(values) if q == "max" else percentile(values, float(q[1:]))) if values else None
            report.add(f"sync_keys_{key}_j_{q}", f"j list repaint {label}, {q}", value, "ms",
                       f"{len(values)} presses" if q == "p95" else "")  # fmt: skip
    report.note(f"the server is a Python loopback process answering as FreshRSS does, at nice {args.server_nice} "
                "(it stands in for another machine); the machine is shared, so timings are noisy")  # fmt: skip
    print_table(report.figures, load_budgets(), "sync")
    report.write_json(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
