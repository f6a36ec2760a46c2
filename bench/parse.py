"""Feed parsing: feedparser against the lxml fast path (issue 7), per feed, in one process.

Two stages are timed on the same bytes:
  parser     feedparser.parse(...) against fast_parse.parse_fast(...) (the raw entries);
             for a feed the fast path declines, "fast" is what trying costs before feedparser runs
  parse_feed the whole of parse_feed (encoding, parser, cleaning, keys, fingerprints) with the
             fast path switched off and on
on a farm feed (bench/farm.py, 50 items) and on every real feed of the shared corpus,
then the fast path's acceptance rate on the corpus.  Usage, from the repo root:

    .venv/bin/python bench/parse.py [--corpus PATH] [--repeat N] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

import feedparser  # noqa: E402

import tuinews.io.feed_parse as feed_parse  # noqa: E402
from farm import Farm  # noqa: E402
from tuinews.io.fast_parse import parse_fast  # noqa: E402
from tuinews.io.feed_bytes import cap_items, to_utf8  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
URL = "http://127.0.0.1:8097/feed.xml"


def per_call_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median over `repeat` rounds of the mean time of one call (rounds last ~20 ms or 1 call)."""
    fn()
    start = time.perf_counter()
    fn()
    calls = max(1, int(0.02 / max(time.perf_counter() - start, 1e-6)))
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        rounds.append((time.perf_counter() - start) / calls * 1000)
    return statistics.median(rounds)


def prepared(raw: bytes, content_type: str) -> tuple[bytes, dict[str, str]]:
    """The bytes and headers parse_feed hands to either parser."""
    headers = {"content-type": content_type, "content-location": URL}
    body, headers["content-type"], _ = to_utf8(raw, content_type)
    body, _ = cap_items(body, feed_parse.MAX_ITEMS)
    return body, headers


def parse_feed_with(raw: bytes, content_type: str, fast: bool) -> object:
    saved = feed_parse.parse_fast
    feed_parse.parse_fast = parse_fast if fast else (lambda body, headers: None)
    try:
        return feed_parse.parse_feed(raw, {"Content-Type": content_type}, URL)
    except Exception as exc:  # a feed that is not one still costs its parse
        return exc
    finally:
        feed_parse.parse_fast = saved


def measure(name: str, raw: bytes, content_type: str, repeat: int) -> dict[str, object]:
    body, headers = prepared(raw, content_type)
    accepted = parse_fast(body, headers) is not None
    slow = per_call_ms(
        lambda: feedparser.parse(
            io.BytesIO(body), response_headers=headers, sanitize_html=False, resolve_relative_uris=False
        ),
        repeat,
    )
    fast = per_call_ms(lambda: parse_fast(body, headers), repeat)
    whole_slow = per_call_ms(lambda: parse_feed_with(raw, content_type, False), repeat)
    whole_fast = per_call_ms(lambda: parse_feed_with(raw, content_type, True), repeat)
    items = len(feedparser.parse(io.BytesIO(body), response_headers=headers).entries)
    return {
        "feed": name,
        "items": items,
        "accepted": accepted,
        "feedparser_ms": slow,
        "fast_ms": fast,
        "parse_feed_feedparser_ms": whole_slow,
        "parse_feed_fast_ms": whole_fast,
    }


def acceptance(corpus: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for folder in ("real", "feedparser-tests"):
        files = [
            p for p in sorted((corpus / "feeds" / folder).rglob("*")) if p.is_file() and p.suffix != ".tsv"
        ]
        taken = 0
        for path in files:
            body, headers = prepared(path.read_bytes(), "application/xml")
            taken += parse_fast(body, headers) is not None
        out[folder] = (taken, len(files))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="farm feed only, 2 rounds")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    repeat = 2 if args.quick else args.repeat

    farm = Farm(feeds=1, items=50, base="http://127.0.0.1:8097")
    rows = [measure("farm feed (bench/farm.py)", farm.body(0).plain, "application/rss+xml", repeat)]
    real = args.corpus / "feeds" / "real"
    if not args.quick and real.is_dir():
        for path in sorted(p for p in real.iterdir() if p.suffix != ".tsv"):
            rows.append(measure(path.name, path.read_bytes(), "application/xml", repeat))
    elif not args.quick:
        print(f"(shared corpus not found at {args.corpus}: farm feed only)")

    print(f"{'feed':40} {'items':>5} {'fast?':>5} | {'parser: feedparser':>18} {'fast':>7} {'x':>6} |"
          f" {'parse_feed: off':>15} {'on':>7} {'x':>5}")  # fmt: skip
    for r in rows:
        print(
            f"{r['feed'][:40]:40} {r['items']:5} {'yes' if r['accepted'] else 'no':>5} |"
            f" {r['feedparser_ms']:15.2f} ms {r['fast_ms']:4.2f} ms {r['feedparser_ms'] / r['fast_ms']:5.1f}x |"
            f" {r['parse_feed_feedparser_ms']:12.2f} ms {r['parse_feed_fast_ms']:4.2f} ms"
            f" {r['parse_feed_feedparser_ms'] / r['parse_feed_fast_ms']:4.1f}x"
        )
    taken = [r for r in rows[1:] if r["accepted"]]
    if taken:
        items = sum(r["items"] for r in taken)
        parser = sum(r["feedparser_ms"] for r in taken) / sum(r["fast_ms"] for r in taken)
        whole = sum(r["parse_feed_feedparser_ms"] for r in taken) / sum(
            r["parse_feed_fast_ms"] for r in taken
        )
        print(
            f"accepted real feeds ({len(taken)}, {items} items): parser {parser:.1f}x, parse_feed {whole:.1f}x"
        )
    declined = [r for r in rows[1:] if not r["accepted"]]
    if declined:
        cost = sum(r["fast_ms"] for r in declined) / sum(r["feedparser_ms"] for r in declined)
        print(
            f"declined real feeds ({len(declined)}): trying the fast path first costs {cost:.1%} of feedparser"
        )
    rates = acceptance(args.corpus) if args.corpus.is_dir() and not args.quick else {}
    for folder, (n, total) in rates.items():
        print(f"fast path accepts {n} of {total} corpus feeds in {folder}/ ({n / total:.0%})")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "acceptance": rates}, indent=2))


if __name__ == "__main__":
    main()
