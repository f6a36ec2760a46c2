"""Related-coverage benchmark: 50,000 labelled stories, latency, memory and quality.

    .venv/bin/python bench/related.py [--stories 50000] [--samples 1000]

Prints p50/p95 of a full sidebar answer and of topic matching, peak RSS, and
quality on the labelled clusters: same-story precision/recall, related
precision@5, topic precision/recall -- each beside a naive baseline computed
in the same run (title-word overlap for same story, substring "strike" for
topics) so the figures have something to be compared with.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import Synthetic, build_store, generate
from tuinews.core.topics import Topic, matching_topics
from tuinews.io.related import RelatedEngine


def rss_mb() -> float:
    """Peak resident set size of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stories", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    t0 = time.perf_counter()
    corpus = generate(args.stories, seed=args.seed)
    gen_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store, labels = build_store(Path(tmp) / "bench.db", corpus)
        build_s = time.perf_counter() - t0
        print(f"store: {len(labels):,} stories from {len(corpus.feeds)} feeds "
              f"(generated in {gen_s:.1f} s, stored+clustered in {build_s:.1f} s, "
              f"{len(labels) / build_s:,.0f} stories/s)")  # fmt: skip

        by_event: dict[int, list[int]] = {}
        by_line: dict[int, set[int]] = {}
        for sid, lab in labels.items():
            by_event.setdefault(lab.event, []).append(sid)
            by_line.setdefault(lab.storyline, set()).add(sid)

        rng = random.Random(1)
        ids = list(labels)
        multi = [i for i in ids if len(by_event[labels[i].event]) > 1]
        sample = rng.sample(multi, min(len(multi), args.samples)) + rng.sample(
            ids, min(len(ids), args.samples)
        )

        engine = RelatedEngine(store)
        latencies = []
        answers = {}
        for sid in sample:
            engine.invalidate()
            t = time.perf_counter()
            answers[sid] = engine.answer(sid)
            latencies.append((time.perf_counter() - t) * 1000)

        # -- same story -----------------------------------------------------------
        tp = predicted = truth = 0
        base_tp = base_pred = 0
        titles = {sid: words(labels[sid].item.title) for sid in ids}
        for sid, ans in answers.items():
            lab = labels[sid]
            true = set(by_event[lab.event]) - {sid}
            pred = {s.row.id for s in ans.same_story}
            tp += len(pred & true)
            predicted += len(pred)
            truth += len(true)
            # baseline: other stories within 2 days sharing half the title words
            mine = titles[sid]
            base = {
                o for o in by_line[lab.storyline] | true
                if o != sid and mine and len(mine & titles[o]) / len(mine | titles[o]) >= 0.5
                and abs((labels[o].item.published or 0) - (lab.item.published or 0)) < 2 * 86400
            }  # fmt: skip
            base_tp += len(base & true)
            base_pred += len(base)
        same_p = tp / predicted if predicted else 1.0
        same_r = tp / truth if truth else 1.0

        # -- related ----------------------------------------------------------------
        at5 = []
        covered = 0
        for sid, ans in answers.items():
            lab = labels[sid]
            top = [s.row.id for s in ans.related[:5]]
            if not top:
                continue
            covered += 1
            relevant = by_line[lab.storyline] - set(by_event[lab.event])
            at5.append(sum(1 for t in top if t in relevant) / len(top))

        # -- topics -------------------------------------------------------------------
        topic_tp = topic_fp = topic_fn = 0
        naive_tp = naive_fp = 0
        for sid, lab in labels.items():
            matched = sid in engine_topics(store)
            topic_tp += matched and lab.industrial
            topic_fp += matched and not lab.industrial
            topic_fn += lab.industrial and not matched
            naive = "strik" in f"{lab.item.title} {lab.item.summary}".lower()
            naive_tp += naive and lab.industrial
            naive_fp += naive and not lab.industrial
        leaks = sum(
            1
            for sid, ans in answers.items()
            if labels[sid].industrial
            for s in (*ans.same_story, *ans.related, *(x for _, rows in ans.topics for x in rows))
            if labels[s.row.id].ambiguous
        )

        topic = Topic.compile(*_topic_args(store))
        texts = [f"{lab.item.title}\n{lab.item.summary}" for lab in list(labels.values())[:5000]]
        match_us = []
        for text in texts:
            t = time.perf_counter()
            matching_topics([topic], text)
            match_us.append((time.perf_counter() - t) * 1e6)
        group_ms = []
        for _ in range(200):
            t = time.perf_counter()
            store.topic_rows("Strikes", limit=15)
            group_ms.append((time.perf_counter() - t) * 1000)

        print()
        print(f"sidebar answer (same story + related + topics), {len(sample)} stories, cache cold:")
        print(
            f"  p50 {pct(latencies, 50):.1f} ms   p95 {pct(latencies, 95):.1f} ms   max {max(latencies):.1f} ms   (budget p95 <= 25 ms)"
        )
        print(f"topic matching per story: p50 {pct(match_us, 50):.0f} us  p95 {pct(match_us, 95):.0f} us; "
              f"topic group query p50 {pct(group_ms, 50):.2f} ms  p95 {pct(group_ms, 95):.2f} ms")  # fmt: skip
        print(f"peak RSS: {rss_mb():.0f} MB")
        print()
        print("quality on the labelled clusters:")
        print(f"  same story   precision {same_p:.3f}  recall {same_r:.3f}   (budget >= 0.95 / >= 0.90)")
        print(f"    baseline (title overlap >= 0.5, 2 days): precision {base_tp / base_pred if base_pred else 1:.3f}  "
              f"recall {base_tp / truth if truth else 1:.3f}")  # fmt: skip
        print(f"  related      precision@5 {statistics.mean(at5) if at5 else 0:.3f}  "
              f"(stories with related rows: {covered}/{len(answers)})")  # fmt: skip
        topic_p = topic_tp / (topic_tp + topic_fp) if topic_tp + topic_fp else 1.0
        topic_r = topic_tp / (topic_tp + topic_fn) if topic_tp + topic_fn else 1.0
        print(f"  topic        precision {topic_p:.3f}  recall {topic_r:.3f}   (budget precision >= 0.95)")
        print(f"    baseline (substring 'strike'): precision {naive_tp / (naive_tp + naive_fp) if naive_tp + naive_fp else 1:.3f}  "
              f"recall {naive_tp / (topic_tp + topic_fn) if topic_tp + topic_fn else 1:.3f}")  # fmt: skip
        print(f"  non-industrial 'strike/ballot/union' stories in industrial sidebars: {leaks}")
        store.close()
    return 0


_TOPIC_CACHE: dict[int, set[int]] = {}


def engine_topics(store) -> set[int]:  # type: ignore[no-untyped-def]
    """Stories the store matched to Strikes at ingest."""
    key = id(store)
    if key not in _TOPIC_CACHE:
        rows = store.db.conn.execute("SELECT story_id FROM story_topics WHERE topic = 'Strikes'")
        _TOPIC_CACHE[key] = {r[0] for r in rows}
    return _TOPIC_CACHE[key]


def _topic_args(store) -> tuple[str, tuple[str, ...], tuple[str, ...]]:  # type: ignore[no-untyped-def]
    from synth import strikes_topic

    t = strikes_topic()
    return t.name, t.terms, t.exclude


__all__ = ["Synthetic", "main"]

if __name__ == "__main__":
    sys.exit(main())
