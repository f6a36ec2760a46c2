"""Search benchmark: queries over a store of 50,000 stories, p50/p95 per query.

    .venv/bin/python bench/search.py [--stories 50000] [--queries 400]

Queries mix single words, prefixes, phrases, OR, exclusions and qualifiers
(feed:, tag:, topic:, unread:, starred:), as typed in the app's search box
(every keystroke of a word is a query there).  Beside the FTS5 figure the
same run times a naive `LIKE '%word%'` scan, for comparison.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import build_store, generate
from tuinews.config import Config
from tuinews.service import Service


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def queries(titles: list[str], feeds: list[str], n: int, rng: random.Random) -> list[str]:
    """Realistic queries built from the store's own words."""
    words = [w.lower() for t in titles for w in t.split() if w.isalpha() and len(w) > 3]
    out = []
    for i in range(n):
        a, b = rng.choice(words), rng.choice(words)
        kind = i % 8
        if kind == 0:
            out.append(a)
        elif kind == 1:
            out.append(a[: max(3, len(a) // 2)] + "*")
        elif kind == 2:
            title = rng.choice(titles).split()
            start = rng.randrange(max(1, len(title) - 2))
            out.append('"' + " ".join(title[start : start + 2]) + '"')
        elif kind == 3:
            out.append(f"{a} OR {b}")
        elif kind == 4:
            out.append(f"{a} -{b}")
        elif kind == 5:
            out.append(f"{a} feed:{rng.choice(feeds).split()[0].lower()}")
        elif kind == 6:
            out.append("strike* topic:Strikes unread:yes")
        else:
            out.append(f"{a} starred:no unread:yes")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stories", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    rng = random.Random(5)
    corpus = generate(args.stories)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store, _ = build_store(Path(tmp) / "search.db", corpus)
        print(f"store: {store.count():,} stories ({time.perf_counter() - t0:.1f} s to build)")
        from synth import strikes_topic

        config = Config(path=None, feeds=tuple(corpus.feeds), topics=(strikes_topic(),))
        service = Service(config, store)
        titles = [s.item.title for s in corpus.stories[:5000]]
        qs = queries(titles, [f.title or "" for f in corpus.feeds], args.queries, rng)
        service.search(qs[0])  # warm the page cache
        fts_ms, hits = [], []
        for q in qs:
            t = time.perf_counter()
            rows, _ = service.search(q)
            fts_ms.append((time.perf_counter() - t) * 1000)
            hits.append(len(rows))
        like_ms = []
        conn = store.db.conn
        for q in qs[:: max(1, len(qs) // 50)]:
            word = q.split()[0].strip('"*').lower()
            t = time.perf_counter()
            conn.execute(
                "SELECT id FROM stories WHERE lower(title) LIKE ? OR lower(summary) LIKE ? LIMIT 300",
                (f"%{word}%", f"%{word}%"),
            ).fetchall()
            like_ms.append((time.perf_counter() - t) * 1000)
        print(
            f"search, {len(qs)} queries over {store.count():,} stories (results per query: median {pct(hits, 50)}):"
        )
        print(f"  tuinews (FTS5 + qualifiers)  p50 {pct(fts_ms, 50):.1f} ms  p95 {pct(fts_ms, 95):.1f} ms  "
              f"max {max(fts_ms):.1f} ms   (budget p95 <= 50 ms)")  # fmt: skip
        print(f"  naive LIKE scan (comparison) p50 {pct(like_ms, 50):.1f} ms  p95 {pct(like_ms, 95):.1f} ms")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
