"""One long-running tuinews process refreshing again and again: does its memory grow?

Started by `refresh.py` in a process of its own (so nothing else shares its
heap), it opens the service the way the app does, refreshes once to fill the
store, then refreshes `--rounds` more times on one event loop, reading VmRSS
after each round (summed over this process and its parse workers).  `--mode warm`: every feed answers 304.  `--mode rolling`:
before each round the farm moves to the next epoch, so every feed returns
200 with two new items (the whole fetch, parse and store path runs).
Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

from harness import tree_rss_mb, vm_status
from tuinews.config import load
from tuinews.service import Service


async def _rounds(service: Service, args: argparse.Namespace) -> dict[str, list]:
    out: dict[str, list] = {"rss_mb": [], "main_mb": [], "hwm_mb": [], "wall_s": [], "new": [], "kinds": []}
    for r in range(args.rounds + 1):
        if args.mode == "rolling" and r > 0:
            with urllib.request.urlopen(f"{args.farm}/_farm/epoch?n={r}", timeout=300) as resp:
                resp.read()
        started = time.perf_counter()
        kinds: Counter[str] = Counter()
        new = 0
        async for outcome in service.refresh():
            kinds[outcome.kind] += 1
            new += outcome.new_count
        out["wall_s"].append(time.perf_counter() - started)
        status = vm_status()
        out["rss_mb"].append(tree_rss_mb())  # this process and its parse workers
        out["main_mb"].append(status["VmRSS"])
        out["hwm_mb"].append(status["VmHWM"])
        out["new"].append(new)
        out["kinds"].append(dict(kinds))
        print(
            f"round {r}: {dict(kinds)} new={new} rss={out['rss_mb'][-1]:.1f} MB", file=sys.stderr, flush=True
        )
    await service.aclose()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--mode", choices=("warm", "rolling"), default="warm")
    parser.add_argument("--farm", required=True, help="the farm's base URL (for --mode rolling)")
    args = parser.parse_args()
    service = Service.open(load(args.config), args.db)
    try:
        out = asyncio.run(_rounds(service, args))
    finally:
        service.close()
    if args.mode == "rolling":
        with urllib.request.urlopen(f"{args.farm}/_farm/epoch?n=0", timeout=300) as resp:
            resp.read()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
