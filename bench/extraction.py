"""Article extraction quality and speed: tuinews against readability-lxml and trafilatura.

Every page of the shared corpus (Mozilla Readability's test pages) is run
through the tuinews pipeline, plain readability-lxml and trafilatura in the
same run, and each output is scored against the reference text with token
precision, recall and F1 (`tuinews.core.tokens`).  Usage, from the repo root:

    .venv/bin/python bench/extraction.py [--corpus PATH] [--repeat N] [--worst N]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from tuinews.core.tokens import PRF, html_text, token_prf  # noqa: E402
from tuinews.errors import ExtractError  # noqa: E402
from tuinews.io.extract import extract  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
PAGE_URL = "http://fakehost/test/page.html"  # the URL Mozilla's tests use for every page
# Small hand-made feature tests, not real pages (listed in the corpus README).
HAND_MADE = frozenset((
    "004-metadata-space-separated-properties", "005-unescape-html-entities", "base-url",
    "base-url-base-element-relative", "basic-tags-cleaning", "comment-inside-script-parsing", "dev418",
    "hidden-nodes", "invalid-attributes", "metadata-content-missing", "missing-paragraphs", "parsely-metadata",
    "remove-aria-hidden", "remove-extra-paragraphs", "remove-script-tags", "replace-brs", "replace-font-tags",
    "rtl-1", "rtl-2", "rtl-4", "style-tags-removal", "title-and-h1-discrepancy", "title-en-dash",
    "visibility-hidden",
))  # fmt: skip
TOOLS = ("tuinews", "readability", "trafilatura")


@dataclass
class Row:
    """One page's scores per tool and the tuinews time."""

    name: str
    scores: dict[str, PRF]
    ms: float


def tuinews_text(html: bytes) -> str:
    try:
        return extract(html, PAGE_URL).text
    except ExtractError:
        return ""


def readability_text(html: bytes) -> str:
    from readability import Document

    try:
        return html_text(Document(html.decode("utf-8", "replace")).summary())
    except Exception:  # a baseline that crashes scores 0 on that page
        return ""


def trafilatura_text(html: bytes) -> str:
    import trafilatura

    try:
        return trafilatura.extract(html.decode("utf-8", "replace")) or ""
    except Exception:
        return ""


def timed(fn: Callable[[bytes], str], html: bytes, repeat: int) -> tuple[str, float]:
    """The output of `fn` and its median wall time in milliseconds."""
    times, out = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn(html)
        times.append((time.perf_counter() - start) * 1000)
    return out, statistics.median(times)


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def run(corpus: Path, repeat: int) -> list[Row]:
    pages = sorted(p for p in (corpus / "articles").iterdir() if (p / "source.html").is_file())
    baselines: dict[str, Callable[[bytes], str]] = {
        "readability": readability_text,
        "trafilatura": trafilatura_text,
    }
    tuinews_text(pages[0].joinpath("source.html").read_bytes())  # warm-up: lazy imports, regex caches
    for fn in baselines.values():
        fn(pages[0].joinpath("source.html").read_bytes())
    rows = []
    for page in pages:
        html = (page / "source.html").read_bytes()
        expected = html_text((page / "expected.html").read_text(encoding="utf-8"))
        text, ms = timed(tuinews_text, html, repeat)
        scores = {"tuinews": token_prf(text, expected)}
        for tool, fn in baselines.items():
            scores[tool] = token_prf(fn(html), expected)
        rows.append(Row(page.name, scores, ms))
    return rows


def mean(rows: list[Row], tool: str, field: str) -> float:
    return statistics.mean(getattr(r.scores[tool], field) for r in rows) if rows else 0.0


def report(rows: list[Row], worst: int) -> None:
    head = "".join(f"  {t:>11} P     R     F1 " for t in TOOLS)
    print(f"{'page':40}{head}   ms")
    for r in rows:
        cells = "".join(f"  {'':>7}{s.precision:.3f} {s.recall:.3f} {s.f1:.3f}" for s in r.scores.values())
        print(f"{r.name[:40]:40}{cells}  {r.ms:5.1f}")
    print()
    real = [r for r in rows if r.name not in HAND_MADE]
    for label, subset in ((f"all {len(rows)} pages", rows), (f"{len(real)} real pages", real)):
        for tool in TOOLS:
            print(
                f"mean {label:15} {tool:12} P {mean(subset, tool, 'precision'):.4f}  "
                f"R {mean(subset, tool, 'recall'):.4f}  F1 {mean(subset, tool, 'f1'):.4f}"
            )
    times = [r.ms for r in rows]
    print(
        f"tuinews time per page (warm): mean {statistics.mean(times):.1f} ms, p95 {p95(times):.1f} ms, "
        f"max {max(times):.1f} ms"
    )
    if worst:
        print(f"\nworst {worst} pages for tuinews (F1):")
        for r in sorted(rows, key=lambda r: r.scores["tuinews"].f1)[:worst]:
            s = r.scores["tuinews"]
            print(f"  {r.name:40} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the shared corpus folder")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per page (median is kept)")
    parser.add_argument("--worst", type=int, default=5, help="list the N worst pages for tuinews")
    args = parser.parse_args(argv)
    if not (args.corpus / "articles").is_dir():
        print(f"skipped: no corpus at {args.corpus / 'articles'} (pass --corpus PATH)")
        return 0
    report(run(args.corpus, max(1, args.repeat)), args.worst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
