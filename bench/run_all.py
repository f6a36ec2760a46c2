"""`make bench`: run every bench, then print each budgeted figure beside its budget.

    .venv/bin/python bench/run_all.py [--quick] [--only refresh,startup,keys,related,extraction] [--strict]

Each bench runs as its own process (so one's memory or failure never touches
another) and its output is passed through as it runs.  refresh.py,
startup.py and keys.py also write their figures as JSON under
bench/.out/results/; those are gathered into the final table: figure |
measured | budget | pass/FAIL, with the numbers each ratio is made of.
related.py and extraction.py print their own budgets in their output above.

--quick is a smoke run of the harness itself (small farms and stores, one
repetition): its figures are not comparable with the budgets, which apply to
the full sizes, so most budget rows then read "not measured".
--strict exits 1 when a budget fails (by default only a bench that crashes
makes the exit code non-zero).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import tomllib

import newsboat
from harness import BENCH, BUDGETS, OUT, Figure, exit_on_sigterm, fmt, load_budgets

BENCHES = {
    "refresh": (["refresh.py"], ["--quick"]),
    "startup": (["startup.py"], ["--quick"]),
    "keys": (["keys.py"], ["--quick"]),
    "related": (["related.py"], ["--stories", "5000", "--samples", "100"]),
    "extraction": (["extraction.py"], ["--repeat", "1"]),
    "entities": (["entities.py"], ["--runs", "1"]),
}
WITH_JSON = ("refresh", "startup", "keys", "entities")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a short smoke run of every bench")
    parser.add_argument("--only", default=",".join(BENCHES), help="comma-separated benches to run")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any budget fails")
    args = parser.parse_args()
    exit_on_sigterm()
    results = OUT / "results"
    results.mkdir(parents=True, exist_ok=True)
    crashed: list[str] = []
    print(f"tuinews at {_revision()}; newsboat: {' '.join(newsboat.find())}", flush=True)
    timings: dict[str, float] = {}
    for name in args.only.split(","):
        script, quick = BENCHES[name]
        cmd = [sys.executable, str(BENCH / script[0])] + (quick if args.quick else [])
        if name in WITH_JSON:
            out = results / f"{name}.json"
            out.unlink(missing_ok=True)
            cmd += ["--json", str(out)]
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"\n######## {name}: {' '.join(cmd[1:])}  (load average before: {load})", flush=True)
        started = time.perf_counter()
        rc = subprocess.run(cmd, cwd=BENCH.parent).returncode
        timings[name] = time.perf_counter() - started
        if rc != 0:
            crashed.append(f"{name} (exit {rc})")
    figures: dict[str, Figure] = {}
    notes: list[str] = []
    for name in WITH_JSON:
        path = results / f"{name}.json"
        if name in args.only.split(",") and path.exists():
            data = json.loads(path.read_text())
            figures.update({f["id"]: Figure(**f) for f in data["figures"]})
            notes += [f"{name}: {n}" for n in data["notes"]]
    failed = _budget_table(figures, quick=args.quick)
    for note in notes:
        print(f"  note: {note}")
    print("\nbench times: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))
    if crashed:
        print(f"benches that failed to run: {', '.join(crashed)}")
        return 2
    return 1 if args.strict and failed else 0


def _revision() -> str:
    """The commit measured, and whether the working tree differs from it (benches run the tree)."""

    def git(*a: str) -> str:
        return subprocess.run(["git", *a], cwd=BENCH.parent, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--", "src")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes in src/" if dirty else "")


def _budget_table(figures: dict[str, Figure], *, quick: bool) -> int:
    budgets = load_budgets()
    context = {k: v.get("context", []) for k, v in tomllib.loads(BUDGETS.read_text()).items()}
    rows = []
    failed = passed = 0
    for key, budget in budgets.items():
        fig = figures.get(key)
        if fig is None or fig.value is None:
            why = (
                fig.note
                if fig is not None and fig.note
                else ("not measured (--quick sizes)" if quick else "not measured")
            )
            rows.append((budget.what, "n/a", f"<= {fmt(budget.max, budget.unit)}", "n/a", why))
            continue
        ok = fig.value <= budget.max
        passed += ok
        failed += not ok
        parts = [
            f"{figures[c].label.split(': ')[-1]} {fmt(figures[c].value, figures[c].unit)}"
            for c in context.get(key, [])
            if c in figures
        ]
        rows.append(
            (
                budget.what,
                fmt(fig.value, fig.unit),
                f"<= {fmt(budget.max, budget.unit)}",
                "pass" if ok else "FAIL",
                "; ".join(parts),
            )
        )
    head = ("budget (issue 7)", "measured", "budget", "", "made of")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    print("\n================ budgets ================")
    print(" | ".join(h.ljust(w) for h, w in zip(head[:4], widths, strict=True)) + " | " + head[4])
    print("-+-".join("-" * w for w in widths) + "-+-" + "-" * 20)
    for r in rows:
        cells = [r[0].ljust(widths[0]), r[1].rjust(widths[1]), r[2].rjust(widths[2]), r[3].ljust(widths[3])]
        print(" | ".join(cells) + " | " + r[4])
    print(
        f"\n{passed} of {len(budgets)} budgets pass, {failed} fail, {len(budgets) - passed - failed} not measured"
    )
    return failed


if __name__ == "__main__":
    sys.exit(main())
