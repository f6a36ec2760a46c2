"""Time to first paint in a real terminal: tuinews (0 and 50,000 stories), a bare Textual app, newsboat.

    .venv/bin/python bench/startup.py [--quick] [--stories 50000] [--reps 3] [--json PATH]

Each program is launched in a 160x45 tmux pane and the pane is captured every
~10 ms until what the user waits for is on screen:
  tuinews       the newest story's title in the list (read from the database beforehand)
  bare Textual  "READY" (bench/bare_app.py: an App with one Static)
  newsboat      the first feed's title in its feed list
The time runs from just before `tmux new-session` to the capture that shows
it, so it includes the interpreter's start and imports.  Peak RSS is the
program's VmHWM read just before it is killed: for tuinews, once the header
says every story is loaded (that time is printed too).

tuinews opens a copy of a cached synthetic database (bench/synth.py, 200
feeds); its start-up refresh goes to 127.0.0.1:9, which refuses at once, and
timed refreshes are off.  newsboat gets an equal number of items: a farm of
N/50 feeds x 50 items, reloaded into its cache once (cached too), timed as
stored and again after ANALYZE of its SQLite file.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import newsboat
from farm import FarmProcess
from harness import (
    OUT,
    REPO,
    Report,
    exit_on_sigterm,
    load_budgets,
    median,
    print_table,
    run_measured,
    tuinews_exe,
)
from stories import story_db
from terminal import Tmux

PAINT_TIMEOUT = 120.0


def _newsboat_cache(exe: str, items_total: int, seed: int = 7) -> tuple[newsboat.Newsboat, Path, str]:
    """A newsboat set-up whose cache holds `items_total` items (cached under bench/.out/)."""
    feeds = max(1, items_total // 50)
    where = OUT / f"newsboat-{feeds}x50-s{seed}"
    cache = where / "cache.db"
    marker = where / "first_title"
    if marker.exists() and cache.exists():
        urls = (where / "urls").read_text().split()
        return newsboat.Newsboat(exe, where, urls, 16), cache, marker.read_text()
    shutil.rmtree(where, ignore_errors=True)
    print(f"filling a newsboat cache with {feeds} feeds x 50 items (cached in {where}) ...", flush=True)
    with FarmProcess(feeds, 50, seed=seed) as farm:
        nb = newsboat.Newsboat(exe, where, farm.urls(), 16)
        run = run_measured(nb.reload(cache), env=nb.env)
        count = newsboat.item_count(cache)
        if run.rc != 0 or count != feeds * 50:
            raise RuntimeError(f"newsboat reload gave {count} items (exit {run.rc})")
        title = farm.title(0)
    marker.write_text(title)
    return nb, cache, title


def _analyzed(cache: Path) -> Path:
    import sqlite3

    out = cache.with_name("cache-analyzed.db")
    if not out.exists():
        shutil.copyfile(cache, out)
        with sqlite3.connect(out) as conn:
            conn.execute("ANALYZE")
    return out


class Startup:
    def __init__(self, tmux: Tmux, work: Path) -> None:
        self.tmux = tmux
        self.work = work
        self.samples: dict[str, dict[str, list[float]]] = {}
        self.failures: dict[str, str] = {}

    def record(self, key: str, metric: str, value: float | None) -> None:
        if value is None:
            self.failures.setdefault(key, f"{metric} not reached within {PAINT_TIMEOUT:.0f} s")
            return
        self.samples.setdefault(key, {}).setdefault(metric, []).append(value)

    def tuinews(self, key: str, stories: int, rep: int) -> None:
        sdb = story_db(stories)
        data = sdb.copy_to(self.work / f"{key}-{rep}")
        needles = [sdb.first_title[:24]] if sdb.first_title else ["No stories"]
        started = self.tmux.launch(
            key, [tuinews_exe(), "--config", str(sdb.config)], {"TUINEWS_DATA_DIR": str(data)}
        )
        try:
            self.record(key, "paint", self.tmux.wait_for(key, needles, started, PAINT_TIMEOUT))
            loaded = f"{sdb.stories:,} stories" if stories else "No stories in this view"
            self.record(key, "loaded", self.tmux.wait_for(key, [loaded], started, PAINT_TIMEOUT))
            self.record(key, "rss", self.tmux.peak_rss(key))
        finally:
            self.tmux.kill(key)
            shutil.rmtree(data, ignore_errors=True)

    def bare(self) -> None:
        key = "bare"
        started = self.tmux.launch(key, [sys.executable, str(REPO / "bench" / "bare_app.py")])
        try:
            self.record(key, "paint", self.tmux.wait_for(key, ["READY"], started, PAINT_TIMEOUT))
            self.record(key, "rss", self.tmux.peak_rss(key))
        finally:
            self.tmux.kill(key)

    def newsboat(self, key: str, nb: newsboat.Newsboat, cache: Path, title: str, rep: int) -> None:
        copy = self.work / f"{key}-{rep}.db"
        shutil.copyfile(cache, copy)
        env = {k: nb.env[k] for k in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")}
        started = self.tmux.launch(key, nb.ui(copy), env)
        try:
            self.record(key, "paint", self.tmux.wait_for(key, [title], started, PAINT_TIMEOUT))
            self.record(key, "rss", self.tmux.peak_rss(key))
        finally:
            self.tmux.kill(key)
            for f in copy.parent.glob(copy.name + "*"):
                f.unlink()

    def value(self, key: str, metric: str) -> float | None:
        values = self.samples.get(key, {}).get(metric)
        return median(values) if values else None


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 5,000 stories, 1 repetition")
    parser.add_argument("--stories", type=int, default=50_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--no-newsboat", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    exit_on_sigterm()
    if args.quick:
        args.stories, args.reps = 5000, 1
    n = args.stories
    report = Report("startup")
    nb_exe, nb_info = (None, "newsboat skipped (--no-newsboat)") if args.no_newsboat else newsboat.find()
    report.note(f"yardstick: {nb_info}" if nb_exe else nb_info)
    for size in (0, n):
        sdb = story_db(size)
        if sdb.build_s and size:
            report.note(f"{sdb.stories:,}-story database built in {sdb.build_s:.1f} s at first use (cached)")
    nb_setup = _newsboat_cache(nb_exe, n) if nb_exe else None
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT, prefix="startup-") as tmp, Tmux() as tmux:
        bench = Startup(tmux, Path(tmp))
        for rep in range(args.reps):
            bench.tuinews("tuinews-0", 0, rep)
            bench.tuinews(f"tuinews-{n}", n, rep)
            bench.bare()
            if nb_setup is not None:
                nb, cache, title = nb_setup
                bench.newsboat("newsboat", nb, cache, title, rep)
                bench.newsboat("newsboat-analyzed", nb, _analyzed(cache), title, rep)
            line = ", ".join(
                f"{k} {v['paint'][-1]:.3f} s"
                for k, v in bench.samples.items()
                if len(v.get("paint", [])) > rep
            )
            print(f"  run {rep + 1}: first paint: {line}", flush=True)

    t0, tn, bare = (
        bench.value("tuinews-0", "paint"),
        bench.value(f"tuinews-{n}", "paint"),
        bench.value("bare", "paint"),
    )
    fail = bench.failures
    report.add(
        "startup_0_tuinews_paint", "tuinews first paint, 0 stories", t0, "s", fail.get("tuinews-0", "")
    )
    report.add(
        f"startup_{n}_tuinews_paint",
        f"tuinews first paint, {n:,} stories",
        tn,
        "s",
        fail.get(f"tuinews-{n}", ""),
    )
    report.add("startup_bare_paint", "bare Textual app first paint", bare, "s", fail.get("bare", ""))
    report.add(
        f"startup_{n}_vs_bare",
        f"tuinews ({n:,} stories) minus bare Textual",
        tn - bare if tn is not None and bare is not None else None,
        "s",
    )
    report.add(
        f"startup_{n}_tuinews_loaded",
        f"tuinews: all {n:,} stories loaded",
        bench.value(f"tuinews-{n}", "loaded"),
        "s",
    )
    nb_note = "" if nb_setup else nb_info
    items = f"{n // 50} feeds x 50 = {n // 50 * 50:,} items"
    report.add(
        f"startup_{n}_newsboat_paint",
        f"newsboat first paint, {items}",
        bench.value("newsboat", "paint"),
        "s",
        fail.get("newsboat", nb_note),
    )
    report.add(
        f"startup_{n}_newsboat_analyzed_paint",
        "newsboat first paint, same cache after ANALYZE",
        bench.value("newsboat-analyzed", "paint"),
        "s",
        fail.get("newsboat-analyzed", nb_note),
    )
    report.add("startup_0_tuinews_rss", "tuinews peak RSS, 0 stories", bench.value("tuinews-0", "rss"), "MB")
    report.add(
        f"startup_{n}_tuinews_rss",
        f"tuinews peak RSS, {n:,} stories loaded",
        bench.value(f"tuinews-{n}", "rss"),
        "MB",
    )
    report.add("startup_bare_rss", "bare Textual app peak RSS", bench.value("bare", "rss"), "MB")
    report.add(
        f"startup_{n}_newsboat_rss",
        f"newsboat peak RSS, {items}",
        bench.value("newsboat", "rss"),
        "MB",
        nb_note,
    )
    report.note(
        f"median of {args.reps}; screen polled every ~10 ms by a tmux client process (which shares the "
        "2 cores), so each time is late by up to one poll"
    )
    print_table(report.figures, load_budgets(), "startup")
    report.write_json(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
