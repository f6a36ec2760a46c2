"""A stored 50,000-story database for the startup and keys benches, built once and cached.

`synth.py` generates the labelled corpus and writes it through the real Store
(~25-40 s for 50,000 stories); the result is kept under bench/.out/ keyed by
its parameters and the schema version, and each run works on a fresh copy so
nothing a run writes (read marks, failed start-up refresh) leaks into the next.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from harness import OUT, write_tuinews_config
from synth import build_store, generate, strikes_topic
from tuinews import __version__
from tuinews.config import load
from tuinews.io.schema import MIGRATIONS
from tuinews.io.store import Store, StoryFilter
from tuinews.service import Service

DB_NAME = "tuinews.db"  # what tuinews.paths.db_path() opens inside TUINEWS_DATA_DIR


@dataclass(frozen=True)
class StoryDB:
    """A cached database, the config that matches it, and what its list shows first."""

    db: Path
    config: Path
    stories: int
    first_title: str  # the newest story: the list's first row once painted
    build_s: float

    def copy_to(self, data_dir: Path) -> Path:
        """A private copy for one run; returns the data dir to give as TUINEWS_DATA_DIR."""
        data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.db, data_dir / DB_NAME)
        return data_dir


def story_db(n: int, *, feeds: int = 200, seed: int = 7, settings: dict | None = None) -> StoryDB:
    """The cached database with `n` synthetic stories from `feeds` feeds (0: the feeds, no stories)."""
    where = OUT / f"stories-{n}-{feeds}f-s{seed}-schema{len(MIGRATIONS)}-v{__version__}-b2"
    meta = where / "meta.json"
    corpus = generate(1, n_feeds=feeds, seed=seed)  # the feeds come first and do not depend on n
    config = write_tuinews_config(
        where / "tuinews.toml",
        [(f.url, f.title) for f in corpus.feeds],
        # No timed refreshes; the app's refresh on start goes to port 9, which refuses at once.
        settings or {"refresh_minutes": 0},
        [strikes_topic()],
    )
    if load(config).topics != (strikes_topic(),):  # else opening the store would re-match every story
        raise RuntimeError("the bench config's topics differ from the stored ones")
    if meta.exists():
        info = json.loads(meta.read_text())
        return StoryDB(where / DB_NAME, config, info["stories"], info["first_title"], info["build_s"])
    where.mkdir(parents=True, exist_ok=True)
    tmp = where / (DB_NAME + ".building")
    for stale in where.glob(DB_NAME + ".building*"):
        stale.unlink()
    started = time.perf_counter()
    if n:
        print(f"building a {n:,}-story database (cached in {where}) ...", flush=True)
        store, _ = build_store(tmp, generate(n, n_feeds=feeds, seed=seed))
    else:
        store = Store(tmp, [strikes_topic()])
        store.sync_feeds(corpus.feeds)
        store.ensure_topics()
    store.close()
    # Open it once the way the app does, so one-time work (killfile and topic signatures,
    # clusters, ...) is done here and not charged to every timed launch.
    service = Service.open(load(config), tmp)
    try:
        rows = service.store.story_rows(StoryFilter(), None, 1)
        count = service.store.count(StoryFilter())
        service.store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        service.close()
    build_s = time.perf_counter() - started
    tmp.replace(where / DB_NAME)
    for stale in where.glob(DB_NAME + ".building*"):
        stale.unlink()
    info = {"stories": count, "first_title": rows[0].title if rows else "", "build_s": build_s}
    meta.write_text(json.dumps(info))
    return StoryDB(where / DB_NAME, config, count, info["first_title"], build_s)
