"""`tuinews sync`, `tuinews mark` and `tuinews import --to-server`.

Exit codes as everywhere: 0 done, 1 the server cannot be reached or refuses the
login (one line), 2 a config error.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence

from tuinews import paths
from tuinews.config import Config
from tuinews.errors import ConfigError, TuinewsError

EXIT_OK = 0


def _service(config: Config):  # type: ignore[no-untyped-def]
    from tuinews.service import Service

    return Service.open(config, paths.db_path())


def run_sync(config: Config, full: bool) -> int:
    """Sync once and print one line per part."""
    service = _service(config)
    try:
        engine = service.sync_engine  # ConfigError without [sync]
        report = asyncio.run(service.sync(full=full))
        pending = service.pending_count()
    finally:
        service.close()
    if report.reset:
        print(
            f"tuinews: [sync] names another server or user than before ({engine.sync.url}); "
            "started its sync afresh (stories stay)",
            file=sys.stderr,
        )
    for line in report.lines():
        print(line)
    tail = f"; {pending:,} marks still to push" if pending else ""
    print(f"synced in {report.seconds:.1f} s, {report.requests:,} requests{tail}", file=sys.stderr)
    return EXIT_OK


def run_mark(config: Config, story_ids: Sequence[int], how: str) -> int:
    """Mark stories; with [sync], push the marks of synced stories right away."""
    service = _service(config)
    try:
        found = [i for i in story_ids if service.story(i) is not None]
        missing = [i for i in story_ids if i not in set(found)]
        if missing:
            raise ConfigError(
                f"no story with id {missing[0]} (see `tuinews stories`)"
                + (
                    f", nor {len(missing) - 1} other{'s' if len(missing) > 2 else ''}"
                    if len(missing) > 1
                    else ""
                )
            )
        if how in ("read", "unread"):
            service.set_read(found, how == "read")
        else:
            for story_id in found:
                service.set_starred(story_id, how == "star")
        state = {"read": "read", "unread": "unread", "star": "starred", "unstar": "unstarred"}[how]
        print(f"marked {len(found):,} {'story' if len(found) == 1 else 'stories'} {state}")
        if config.sync is not None and service.pending_count():
            try:
                pushed = asyncio.run(service.push())
            except ConfigError:
                raise
            except TuinewsError as exc:
                print(
                    f"tuinews: not sent to the sync server yet ({exc.message}); the next sync sends it",
                    file=sys.stderr,
                )
            else:
                total = sum(pushed.values())
                print(f"sync server: told of {total:,} change{'s' if total != 1 else ''}")
    finally:
        service.close()
    return EXIT_OK


def import_to_server(config: Config, file: str, dry_run: bool) -> int:
    """Subscribe the sync server to the feeds of a subscription file."""
    from tuinews.cli import read_subscription_file

    source, result = read_subscription_file(file)
    service = _service(config)
    try:
        engine = service.sync_engine  # ConfigError without [sync]
        shown = engine.sync.url
        if dry_run:
            print(f"{source} ({result.format}): would subscribe {shown} to {len(result.feeds)} feeds")
            for feed in result.feeds:
                print(f"  + {feed.url}{'  [' + feed.tags[0] + ']' if feed.tags else ''}")
            return EXIT_OK

        def told(feed: object, error: str | None) -> None:
            url = feed.url  # type: ignore[attr-defined]
            print(f"  ! {url}: {error}" if error else f"  + {url}", flush=True)

        added, present, failed = asyncio.run(engine.subscribe(result.feeds, told))
    finally:
        service.close()
    print(
        f"{source} ({result.format}): subscribed {shown} to {len(added)} feed{'s' if len(added) != 1 else ''}, "
        f"{len(present)} already there, {len(failed)} refused, {len(result.skipped)} skipped"
    )
    for line in result.skipped:
        print(f"  skipped {line}")
    if added:
        print("Run `tuinews sync` to fetch their stories from the server.", file=sys.stderr)
    return EXIT_OK
