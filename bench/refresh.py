"""Refresh speed: `tuinews refresh` against `newsboat -x reload`, same farm, same concurrency, same run.

    .venv/bin/python bench/refresh.py [--quick] [--feeds 100,500] [--latency 0,50] [--reps 3]
                                      [--threads 16] [--sweep-threads 4,8,16,32] [--json PATH]

For each farm size (N feeds x M items) and server latency:
  cold  an empty store / cache; every feed is new (200 with M items)
  warm  the store of a cold run, refreshed once more first; every feed answers 304
Wall time, CPU time (user + system of the client process only, from wait4)
and peak RSS, median of --reps runs, tuinews and newsboat alternating.  Both
clients get the same concurrency: newsboat's `reload-threads` = tuinews'
`concurrency`, and tuinews' `per_host_concurrency` is raised to the same
number because the farm is one host (127.0.0.1) where real subscriptions
are spread over many.  The tuinews config carries the example config's topics,
as a user's would after `tuinews --init`.

Every measured run is checked: the farm's counters must show N requests (N
answers 200 for cold, N answers 304 for warm) and the store must hold N x M
stories; a figure from a run that fails the check carries a note.

Then, in one long-running process (refresh_soak.py), the resident memory over
10 consecutive refreshes: all-304 rounds, and rolling rounds where every feed
has two new items each time.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import newsboat
from farm import FarmProcess
from harness import (
    OUT,
    Report,
    Run,
    exit_on_sigterm,
    load_budgets,
    median,
    print_table,
    run_measured,
    tuinews_exe,
    write_tuinews_config,
)
from tuinews.config import example_text, parse

SUMMARY = re.compile(
    r"(\d+) feeds in [\d.]+ s: (\d+) new stories, (\d+) not modified, (\d+) skipped, (\d+) failed"
)
CLIENTS = ("tuinews", "newsboat")


@dataclass
class Sample:
    """A measured run plus what the check found wrong with it (empty: all good)."""

    run: Run
    farm_cpu: float
    problem: str = ""


@dataclass
class Case:
    kind: str
    feeds: int
    latency_ms: int
    samples: dict[str, list[Sample]] = field(default_factory=lambda: {c: [] for c in CLIENTS})


def _client_run(farm: FarmProcess, cmd: list[str], env: dict[str, str], log: Path) -> tuple[Run, dict, float]:
    farm.reset()
    cpu0 = farm.cpu_seconds()
    run = run_measured(cmd, env=env, stdout=log.with_suffix(".out"), stderr=log.with_suffix(".err"))
    return run, farm.stats(), farm.cpu_seconds() - cpu0


def _check_farm(stats: dict, n: int, kind: str) -> str:
    want = "200" if kind == "cold" else "304"
    got = stats.get(want, 0)
    if stats.get("requests", 0) != n or got != n:
        return f"farm saw {stats.get('requests', 0)} requests, {got} answered {want} (expected {n})"
    return ""


class Bench:
    def __init__(self, args: argparse.Namespace, nb_exe: str | None, work: Path) -> None:
        self.args = args
        self.nb_exe = nb_exe
        self.work = work
        self.topics = parse(example_text()).topics

    def tuinews(self, farm: FarmProcess, data: Path, kind: str, log: Path, config: Path) -> Sample:
        env = {**_base_env(), "TUINEWS_DATA_DIR": str(data)}
        cmd = [tuinews_exe(), "--config", str(config), "refresh"]
        run, stats, farm_cpu = _client_run(farm, cmd, env, log)
        problem = _check_farm(stats, farm.feeds, kind)
        m = SUMMARY.search(log.with_suffix(".err").read_text(errors="replace"))
        if run.rc != 0 or m is None:
            problem = problem or f"exit code {run.rc}: {log.with_suffix('.err').read_text()[-300:]!r}"
        else:
            _feeds, new, same, skipped, failed = map(int, m.groups())
            if kind == "cold" and new != farm.feeds * farm.items:
                problem = problem or f"{new} new stories, expected {farm.feeds * farm.items}"
            if kind == "warm" and same != farm.feeds:
                problem = problem or f"{same} feeds not modified, expected {farm.feeds}"
            if failed or skipped:
                problem = problem or f"{failed} feeds failed, {skipped} skipped"
        return Sample(run, farm_cpu, problem)

    def newsboat(self, farm: FarmProcess, nb: newsboat.Newsboat, cache: Path, kind: str, log: Path) -> Sample:
        run, stats, farm_cpu = _client_run(farm, nb.reload(cache), nb.env, log)
        problem = _check_farm(stats, farm.feeds, kind)
        if run.rc != 0:
            problem = problem or f"exit code {run.rc}"
        elif kind == "cold" and (count := newsboat.item_count(cache)) != farm.feeds * farm.items:
            problem = problem or f"{count} items in the cache, expected {farm.feeds * farm.items}"
        return Sample(run, farm_cpu, problem)

    def case_pair(self, farm: FarmProcess, latency_ms: int) -> list[Case]:
        """Cold then warm, tuinews and newsboat alternating, for one farm and latency."""
        n, reps = farm.feeds, self.args.reps
        farm.set_latency(latency_ms / 1000)
        where = self.work / f"{n}f-{latency_ms}ms"
        where.mkdir(parents=True, exist_ok=True)
        threads = self.args.threads
        config = write_tuinews_config(
            where / "tuinews.toml",
            [(u, None) for u in farm.urls()],
            {"concurrency": threads, "per_host_concurrency": threads},
            self.topics,
        )
        nb = newsboat.Newsboat(self.nb_exe, where / "nb", farm.urls(), threads) if self.nb_exe else None
        cold, warm = Case("cold", n, latency_ms), Case("warm", n, latency_ms)
        data = cache = None
        for rep in range(reps):
            for d in (data, cache):
                if d is not None:
                    shutil.rmtree(d) if d.is_dir() else d.unlink()
            data = where / f"tn-{rep}"
            cold.samples["tuinews"].append(self.tuinews(farm, data, "cold", where / f"tn-cold-{rep}", config))
            self._progress(cold, "tuinews")
            if nb is not None:
                cache = where / f"nb-{rep}.db"
                cold.samples["newsboat"].append(
                    self.newsboat(farm, nb, cache, "cold", where / f"nb-cold-{rep}")
                )
                self._progress(cold, "newsboat")
        # One more refresh before the warm runs: newsboat stores a new feed's validators only on its
        # second reload (the first one's UPDATE runs before the feed's row exists).
        assert data is not None
        self.tuinews(farm, data, "cold", where / "tn-prime", config)
        if nb is not None and cache is not None:
            self.newsboat(farm, nb, cache, "cold", where / "nb-prime")
        for rep in range(reps):
            warm.samples["tuinews"].append(self.tuinews(farm, data, "warm", where / f"tn-warm-{rep}", config))
            self._progress(warm, "tuinews")
            if nb is not None and cache is not None:
                warm.samples["newsboat"].append(
                    self.newsboat(farm, nb, cache, "warm", where / f"nb-warm-{rep}")
                )
                self._progress(warm, "newsboat")
        shutil.rmtree(where, ignore_errors=True)
        return [cold, warm]

    def _progress(self, case: Case, client: str) -> None:
        s = case.samples[client][-1]
        flag = f"  !! {s.problem}" if s.problem else ""
        if s.run.unreaped:
            flag += f"  !! {s.run.unreaped} descendant processes outlived the run (their CPU is missing)"
        print(
            f"  {case.kind} {case.feeds} feeds {case.latency_ms} ms {client:8}: wall {s.run.wall:6.2f} s  "
            f"cpu {s.run.cpu:6.2f} s  rss {s.run.rss_mb:6.1f} MB  procs {s.run.procs}  (farm cpu {s.farm_cpu:.2f} s){flag}",
            flush=True,
        )

    def soak(self, farm: FarmProcess, mode: str) -> dict | None:
        where = self.work / f"soak-{mode}"
        where.mkdir(parents=True, exist_ok=True)
        farm.set_latency(0)
        threads = self.args.threads
        config = write_tuinews_config(
            where / "tuinews.toml",
            [(u, None) for u in farm.urls()],
            {"concurrency": threads, "per_host_concurrency": threads},
            self.topics,
        )
        cmd = [sys.executable, str(Path(__file__).with_name("refresh_soak.py")), "--config", str(config)]
        cmd += ["--db", str(where / "tuinews.db"), "--rounds", str(self.args.soak_rounds), "--mode", mode]
        cmd += ["--farm", farm.base]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=_base_env())
        shutil.rmtree(where, ignore_errors=True)
        if proc.returncode != 0:
            print(f"  soak ({mode}) failed: {proc.stderr[-800:]}", flush=True)
            return None
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        rss = ", ".join(f"{v:.0f}" for v in out["rss_mb"])
        main = ", ".join(f"{v:.0f}" for v in out["main_mb"])
        print(f"  soak {mode}: VmRSS after each round (MB), with parse workers: {rss}", flush=True)
        print(f"  soak {mode}: VmRSS after each round (MB), main process only: {main}", flush=True)
        return out


def _base_env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env.pop("TUINEWS_CONFIG", None)
    return env


def _add_case(report: Report, case: Case, nb_note: str) -> None:
    key = f"refresh_{case.kind}_{case.feeds}f_{case.latency_ms}ms"
    what = f"{case.kind} refresh, {case.feeds} feeds, {case.latency_ms} ms"
    med: dict[str, dict[str, float | None]] = {}
    for client in CLIENTS:
        samples = case.samples[client]
        problems = "; ".join(sorted({s.problem for s in samples if s.problem}))
        note = problems if samples else (nb_note if client == "newsboat" else "")
        med[client] = {
            "wall": median([s.run.wall for s in samples]) if samples else None,
            "cpu": median([s.run.cpu for s in samples]) if samples else None,
            "rss": median([s.run.rss_mb for s in samples]) if samples else None,
        }
        report.add(f"{key}_{client}_wall", f"{what}: {client} wall", med[client]["wall"], "s", note)
        report.add(f"{key}_{client}_cpu", f"{what}: {client} CPU", med[client]["cpu"], "s")
        report.add(f"{key}_{client}_rss", f"{what}: {client} peak RSS", med[client]["rss"], "MB")
    t, n = med["tuinews"], med["newsboat"]
    for metric, label in (("wall", "wall"), ("cpu", "CPU"), ("rss", "peak RSS")):
        ratio = t[metric] / n[metric] if t[metric] is not None and n[metric] else None  # type: ignore[operator]
        suffix = "ratio" if metric == "wall" else f"{metric}_ratio"
        report.add(f"{key}_{suffix}", f"{what}: {label} tuinews/newsboat", ratio, "x")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 50 feeds, 1 repetition, 3 soak rounds"
    )
    parser.add_argument("--feeds", default="100,500", help="comma-separated farm sizes")
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--latency", default="0,50", help="comma-separated server latencies in ms")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument(
        "--threads", type=int, default=16, help="tuinews concurrency = newsboat reload-threads"
    )
    parser.add_argument("--soak-rounds", type=int, default=10)
    parser.add_argument("--no-soak", action="store_true")
    parser.add_argument("--no-newsboat", action="store_true")
    parser.add_argument(
        "--sweep-threads", default="", help="also time newsboat's cold reload at these threads"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args()
    exit_on_sigterm()
    if args.quick:
        args.feeds, args.reps, args.soak_rounds = "50", 1, 3
    feed_sizes = [int(x) for x in args.feeds.split(",")]
    latencies = [int(x) for x in args.latency.split(",")]

    report = Report("refresh")
    nb_exe, nb_info = (None, "newsboat skipped (--no-newsboat)") if args.no_newsboat else newsboat.find()
    report.note(f"yardstick: {nb_info}" if nb_exe else nb_info)
    report.note(
        f"{args.items} items per feed; concurrency {args.threads} for both; median of {args.reps}; "
        "the farm is a separate process sharing the 2 cores (its CPU is printed per run, never counted)"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT, prefix="refresh-") as tmp:
        bench = Bench(args, nb_exe, Path(tmp))
        for n in feed_sizes:
            with FarmProcess(n, args.items) as farm:
                print(
                    f"farm: {n} feeds x {args.items} items at {farm.base} (built in {farm.built_s:.1f} s)",
                    flush=True,
                )
                for latency in latencies:
                    for case in bench.case_pair(farm, latency):
                        _add_case(report, case, nb_info)
                if n == max(feed_sizes) and args.sweep_threads and nb_exe:
                    _sweep(bench, farm, [int(x) for x in args.sweep_threads.split(",")], report)
                if n == max(feed_sizes) and not args.no_soak:
                    for mode in ("warm", "rolling"):
                        out = bench.soak(farm, mode)
                        _add_soak(report, out, mode, n, args.soak_rounds)
    print_table(report.figures, load_budgets(), "refresh")
    report.write_json(args.json)
    return 0


def _add_soak(report: Report, out: dict | None, mode: str, feeds: int, rounds: int) -> None:
    what = "all 304" if mode == "warm" else "2 new items per feed each round"
    key = f"refresh_soak_{mode}_{rounds}x{feeds}f"
    if out is None:
        report.add(
            f"{key}_growth", f"RSS growth over {rounds} refreshes ({what})", None, "%", "the soak run failed"
        )
        return
    rss = out["rss_mb"]  # index 0 is the filling refresh, 1..rounds the measured ones
    first, last = rss[1], rss[-1]
    report.add(
        f"{key}_growth",
        f"RSS growth over {rounds} refreshes of {feeds} feeds ({what}), one process",
        (last - first) / first * 100,
        "%",
        f"VmRSS {first:.0f} MB after refresh 1, {last:.0f} MB after refresh {rounds}, "
        f"{max(rss):.0f} MB max (process + parse workers); the main process alone "
        f"{out['main_mb'][1]:.0f} -> {out['main_mb'][-1]:.0f} MB",
    )
    report.add(f"{key}_rss_last", f"VmRSS after {rounds} refreshes ({what})", last, "MB")


def _sweep(bench: Bench, farm: FarmProcess, threads: list[int], report: Report) -> None:
    """newsboat's cold reload at several reload-threads (to know its best setting)."""
    farm.set_latency(0)
    for t in threads:
        where = bench.work / f"sweep-{t}"
        nb = newsboat.Newsboat(bench.nb_exe or "newsboat", where, farm.urls(), t)
        s = bench.newsboat(farm, nb, where / "cache.db", "cold", where / "log")
        print(
            f"  sweep: newsboat reload-threads {t:3}: wall {s.run.wall:6.2f} s cpu {s.run.cpu:6.2f} s",
            flush=True,
        )
        report.add(
            f"refresh_sweep_{t}t_newsboat_wall",
            f"newsboat cold {farm.feeds} feeds, {t} threads",
            s.run.wall,
            "s",
            s.problem,
        )
        shutil.rmtree(where, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
