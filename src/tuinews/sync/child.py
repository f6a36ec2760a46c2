"""One sync in a process of its own: `python -m tuinews.sync.child CONFIG DATABASE [--full]`.

The app runs its syncs here so that parsing the server's JSON and cleaning
thousands of stories never competes with the interface for the interpreter
(the same reason feeds are parsed in worker processes).  It writes JSON lines
on stdout: {"progress": [phase, done, total]} as it goes, then {"report": …}
or {"error": "one line"}.  It exits when its standard input closes, which is
also what happens when the app dies: a sync never outlives it (and a sync cut
short loses nothing; see the engine).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

PROGRESS_EVERY = 0.1  # seconds between progress lines
NICE = 10


def _watch_stdin() -> None:
    sys.stdin.buffer.read()
    os._exit(3)


def _say(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    """Sync once and report on stdout."""
    threading.Thread(target=_watch_stdin, daemon=True).start()
    try:
        os.nice(NICE)  # background work: the interface the user is pressing keys in goes first
    except OSError:
        pass
    from tuinews.config import load
    from tuinews.errors import TuinewsError
    from tuinews.service import Service
    from tuinews.sync.engine import report_to_dict

    full = "--full" in argv
    args = [a for a in argv if a != "--full"]
    last = 0.0

    def progress(phase: str, done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY or done == total:
            last = now
            _say({"progress": [phase, done, total]})

    try:
        service = Service.open(load(Path(args[0])), Path(args[1]))
    except TuinewsError as exc:
        _say({"error": exc.message})
        return 1
    try:
        report = asyncio.run(service.sync(full=full, progress=progress))
        if report.new_ids:
            _say({"progress": ["grouping", 0, 0]})
            service.cluster_pending()  # here too, not in the app: thousands of fingerprints
    except TuinewsError as exc:
        _say({"error": exc.message})
        return 1
    except Exception as exc:  # a bug: still one line for the app's notification
        _say({"error": f"internal error: {exc.__class__.__name__}: {str(exc)[:200]}"})
        return 1
    finally:
        service.close()
    _say({"report": report_to_dict(report)})
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
