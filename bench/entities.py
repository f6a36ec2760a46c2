"""Peak memory of `tuinews refresh` of a quadratic-blowup feed beside a plain feed, same run.

The blowup feed declares one 10,000-character entity on its own DTD line (the
shape feedparser's "safe entity" pattern keeps) and uses it 10,000 times in a
title: expanded, that is a 100 MB title.  The plain feed has the same two
items without a DTD.  Each is refreshed by `tuinews refresh` in a fresh data
dir, alternately, `--runs` times; peak RSS is the harness's figure for the
process tree (the larger of the summed sampled VmRSS and wait4's ru_maxrss,
which covers the parse worker the client reaps).  Usage, from the repo root:

    .venv/bin/python bench/entities.py [--runs 3] [--json PATH]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from harness import OUT, VENV_BIN, Report, exit_on_sigterm, load_budgets, median, print_table, run_measured

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tuinews.demo.server import LoopbackServer

SIZE = USES = 10_000


def blowup_feed() -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY big "{"A" * SIZE}">\n]>\n'
        '<rss version="2.0"><channel><title>Blowup feed</title>'
        f"<item><title>Blowup: {'&big;' * USES}</title><guid isPermaLink='false'>q1</guid></item>"
        "<item><title>Plain neighbour</title><guid isPermaLink='false'>q2</guid></item></channel></rss>"
    ).encode()


def plain_feed() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Plain feed</title>'
        b"<item><title>Blowup: plain</title><guid isPermaLink='false'>q1</guid></item>"
        b"<item><title>Plain neighbour</title><guid isPermaLink='false'>q2</guid></item></channel></rss>"
    )


def refresh(url: str, tmp: Path, n: int) -> float:
    """Peak RSS (MB) of one `tuinews refresh` of `url` into a fresh data dir, parse worker included."""
    config = tmp / f"c{n}.toml"
    config.write_text(f'[[feeds]]\nurl = "{url}"\n[settings]\ntimeout_seconds = 30\n', encoding="utf-8")
    env = {**os.environ, "TUINEWS_DATA_DIR": str(tmp / f"d{n}"), "NO_COLOR": "1"}
    run = run_measured([str(VENV_BIN / "tuinews"), "--config", str(config), "refresh"], env=env)
    if run.rc != 0:
        raise SystemExit(f"tuinews refresh exited {run.rc}")
    return run.rss_mb


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    exit_on_sigterm()
    OUT.mkdir(parents=True, exist_ok=True)
    peaks: dict[str, list[float]] = {"plain": [], "blowup": []}
    with LoopbackServer() as server, tempfile.TemporaryDirectory(dir=OUT, prefix="entities-") as tmp:
        urls = {
            "plain": server.add("/plain.xml", body=plain_feed()),
            "blowup": server.add("/blowup.xml", body=blowup_feed()),
        }
        n = 0
        for _ in range(args.runs):
            for name, url in urls.items():
                n += 1
                peaks[name].append(refresh(url, Path(tmp), n))
    report = Report("entities")
    plain, blowup = median(peaks["plain"]), median(peaks["blowup"])
    report.add("entities_plain_rss", "tuinews refresh of a plain feed: peak RSS (process tree)", plain, "MB")
    report.add(
        "entities_blowup_rss",
        f"tuinews refresh of a {SIZE:,}-char entity used {USES:,} times: peak RSS",
        blowup,
        "MB",
    )
    report.add("entities_blowup_over_plain", "blowup minus plain (same run)", blowup - plain, "MB")
    report.note(
        f"median of {args.runs} alternating runs each; runs: plain {peaks['plain']}, blowup {peaks['blowup']}"
    )
    print_table(report.figures, load_budgets(), "entities")
    report.write_json(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
