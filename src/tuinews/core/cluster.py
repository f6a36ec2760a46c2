"""Same-story detection: an in-memory index of recent stories and an IDF-weighted cosine.

Reports of one event share distinctive words and names (a minister's name, a
rail operator, "48-hour", "malevolent"); wire copy reprinted by several
outlets shares almost everything.  Words common across the store (strike,
government, says) weigh little.  Candidates come from posting lists of the
story's rarer terms, restricted to a time window, so adding a story costs a
few dictionary lookups, not a scan.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections import Counter
from dataclasses import dataclass

from tuinews.core.fingerprint import Fingerprint

WINDOW = 3 * 86400.0
THRESHOLD = 0.36
MAX_CANDIDATES = 40
NAME_WEIGHT = 1.5
TITLE_WEIGHT = 1.3


@dataclass(slots=True)
class _Doc:
    """Compact: tens of thousands of these live in memory during a refresh."""

    feed_id: int
    ts: float
    terms: tuple[str, ...]  # interned
    weights: tuple[float, ...]  # field weight of each term (before IDF)
    cluster: int | None


def weighted_terms(fp: Fingerprint) -> dict[str, float]:
    """Term weights of a fingerprint before IDF: title and names count more than the lead."""
    weights: dict[str, float] = {}
    for term in fp.lead:
        weights[term] = 1.0
    for term in fp.title:
        weights[term] = weights.get(term, 0.0) + TITLE_WEIGHT
    for name in fp.names:
        weights["@" + name] = NAME_WEIGHT
    return weights


class ClusterIndex:
    """Recent stories, searchable by term; decides which cluster a new story joins."""

    def __init__(self, window: float = WINDOW, threshold: float = THRESHOLD) -> None:
        self.window = window
        self.threshold = threshold
        self.docs: dict[int, _Doc] = {}
        self.postings: dict[str, array[int]] = {}
        self.df: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self.docs)

    def add(self, story_id: int, feed_id: int, ts: float, fp: Fingerprint, cluster: int | None) -> None:
        """Index a stored story."""
        terms = weighted_terms(fp)
        keys = tuple(sys.intern(t) for t in terms)
        self.docs[story_id] = _Doc(feed_id, ts, keys, tuple(terms.values()), cluster)
        for term in keys:
            posting = self.postings.get(term)
            if posting is None:
                posting = self.postings[term] = array("q")
            posting.append(story_id)
            self.df[term] += 1

    def set_cluster(self, story_id: int, cluster: int) -> None:
        """Record a story's cluster."""
        doc = self.docs.get(story_id)
        if doc is not None:
            doc.cluster = cluster

    def idf(self, term: str) -> float:
        """Inverse document frequency over the indexed stories."""
        return math.log(1.0 + (len(self.docs) + 1) / (self.df.get(term, 0) + 1))

    def _norm(self, terms: dict[str, float]) -> float:
        return math.sqrt(sum((w * self.idf(t)) ** 2 for t, w in terms.items())) or 1.0

    def similarity(self, a: dict[str, float], b: dict[str, float]) -> float:
        """IDF-weighted cosine of two term-weight maps."""
        dot = sum(w * b[t] * self.idf(t) ** 2 for t, w in a.items() if t in b)
        return dot / (self._norm(a) * self._norm(b))

    def best_match(self, story_id: int, feed_id: int, ts: float, fp: Fingerprint) -> tuple[int, float] | None:
        """The most similar report of another feed within the window, if similar enough."""
        terms = weighted_terms(fp)
        if len(terms) < 3:
            return None
        limit = max(25, int(0.02 * len(self.docs)))
        hits: Counter[int] = Counter()
        for term in terms:
            posting = self.postings.get(term)
            if not posting or len(posting) > limit:
                continue
            for other in posting:
                hits[other] += 1
        best: tuple[int, float] | None = None
        for other, count in hits.most_common(MAX_CANDIDATES):
            if other == story_id or count < 2:
                continue
            doc = self.docs[other]
            if doc.feed_id == feed_id or abs(doc.ts - ts) > self.window:
                continue
            score = self.similarity(terms, dict(zip(doc.terms, doc.weights, strict=True)))
            if score >= self.threshold and (best is None or score > best[1]):
                best = (other, score)
        return best

    def cluster_of(self, story_id: int) -> int | None:
        """The cluster of an indexed story."""
        doc = self.docs.get(story_id)
        return doc.cluster if doc else None
