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
from tuinews.core.words import stem

WINDOW = 36 * 3600.0
THRESHOLD = 0.33
CONTENT_THRESHOLD = 0.3
MAX_CANDIDATES = 16
CANDIDATE_TERMS = 12
MAX_POSTING = 80
POSTING_SHARE = 0.01  # terms in more than 1% of recent stories do not find candidates
NAME_WEIGHT = 1.5
QUOTE_WEIGHT = 2.0
TITLE_WEIGHT = 1.3
SEED_FACTOR = 0.75


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
    named = {stem(n) for n in fp.names}  # a name counts once, as a name
    for term in fp.lead:
        if term not in named:
            weights[term] = 1.0
    for term in fp.title:
        if term not in named:
            weights[term] = weights.get(term, 0.0) + TITLE_WEIGHT
    for name in fp.names:
        weights["@" + name] = QUOTE_WEIGHT if name.startswith("q:") else NAME_WEIGHT
    return weights


def content(terms: dict[str, float]) -> dict[str, float]:
    """Only the words: names and quotes removed."""
    return {t: w for t, w in terms.items() if not t.startswith("@")}


def same_event(score: float, content_score: float, threshold: float = THRESHOLD) -> bool:
    """Two reports describe one event: similar overall, and not only through shared names.

    Stories of a long-running dispute share its names (a minister, a union, a
    town); what sets one event apart is the rest of the words.
    """
    if score >= 2 * threshold:
        return True
    return score >= threshold and content_score >= CONTENT_THRESHOLD


def time_factor(seconds: float) -> float:
    """Reports of one event come out within hours: full weight up to 6 h, 0.7 at 36 h."""
    hours = seconds / 3600
    if hours <= 6:
        return 1.0
    return max(0.7, 1.0 - 0.3 * (hours - 6) / 30)


class ClusterIndex:
    """Recent stories, searchable by term; decides which cluster a new story joins."""

    def __init__(self, window: float = WINDOW, threshold: float = THRESHOLD) -> None:
        self.window = window
        self.threshold = threshold
        self.docs: dict[int, _Doc] = {}
        self.postings: dict[str, array[int]] = {}
        self.df: Counter[str] = Counter()
        self._idf_cache: dict[str, float] = {}
        self._idf_n = 0
        self._norms: dict[int, tuple[float, float]] = {}
        self._norms_n = -1

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
        """Inverse document frequency over the indexed stories (memoised; refreshed as the index grows)."""
        n = len(self.docs)
        if n > self._idf_n * 1.05 + 10:
            self._idf_cache.clear()
            self._idf_n = n
        value = self._idf_cache.get(term)
        if value is None:
            value = math.log(1.0 + (n + 1) / (self.df.get(term, 0) + 1))
            self._idf_cache[term] = value
        return value

    def _norm(self, terms: dict[str, float]) -> float:
        idf = self.idf
        return math.sqrt(sum((w * idf(t)) ** 2 for t, w in terms.items())) or 1.0

    def similarity(self, a: dict[str, float], b: dict[str, float]) -> float:
        """IDF-weighted cosine of two term-weight maps."""
        idf = self.idf
        dot = sum(w * b[t] * idf(t) ** 2 for t, w in a.items() if t in b)
        return dot / (self._norm(a) * self._norm(b)) if dot else 0.0

    def _doc_norms(self, story_id: int, doc: _Doc) -> tuple[float, float]:
        """(all terms, words only) norms of an indexed story, memoised with the IDF."""
        if self._norms_n != self._idf_n:
            self._norms.clear()
            self._norms_n = self._idf_n
        norms = self._norms.get(story_id)
        if norms is None:
            idf = self.idf
            total = words = 0.0
            for t, w in zip(doc.terms, doc.weights, strict=True):
                v = (w * idf(t)) ** 2
                total += v
                if not t.startswith("@"):
                    words += v
            norms = (math.sqrt(total) or 1.0, math.sqrt(words) or 1.0)
            self._norms[story_id] = norms
        return norms

    def best_match(self, story_id: int, feed_id: int, ts: float, fp: Fingerprint) -> tuple[int, float] | None:
        """The most similar report of another feed within the window, if similar enough."""
        terms = weighted_terms(fp)
        if len(terms) < 3:
            return None
        # Candidates come from the rarest shared terms only: an event's own words are rare, and
        # scanning the posting lists of common words would cost more than it finds.
        df = self.df
        cap = max(MAX_POSTING, int(POSTING_SHARE * len(self.docs)))
        rare = sorted((n, t) for t in terms if 0 < (n := df.get(t, 0)) <= cap)
        hits: dict[int, int] = {}
        for _, term in rare[:CANDIDATE_TERMS]:
            for other in self.postings[term]:
                hits[other] = hits.get(other, 0) + 1
        ranked = sorted((n, other) for other, n in hits.items() if n >= 2)[-MAX_CANDIDATES:]
        if not ranked:
            return None
        idf = self.idf
        query = {t: w * idf(t) ** 2 for t, w in terms.items()}  # one idf for the dot product's pair
        norm = self._norm(terms)
        norm_words = self._norm(content(terms))
        best: tuple[int, float] | None = None
        for _, other in reversed(ranked):
            if other == story_id:
                continue
            doc = self.docs[other]
            if doc.feed_id == feed_id or abs(doc.ts - ts) > self.window:
                continue
            dot = dot_words = 0.0
            for t, w in zip(doc.terms, doc.weights, strict=True):
                q = query.get(t)
                if q is not None:
                    dot += q * w
                    if not t.startswith("@"):
                        dot_words += q * w
            their_norm, their_words = self._doc_norms(other, doc)
            factor = time_factor(abs(doc.ts - ts))
            score = dot / (norm * their_norm) * factor
            if best is not None and score <= best[1]:
                continue
            if not same_event(score, dot_words / (norm_words * their_words) * factor, self.threshold):
                continue
            if not self._fits_cluster(terms, doc.cluster, score):
                continue
            best = (other, score)
        return best

    def _fits_cluster(self, terms: dict[str, float], cluster: int | None, score: float) -> bool:
        """Against chaining: a story joins an event only if it also resembles the event's first report."""
        if cluster is None or score >= 2 * self.threshold:
            return True
        seed = self.docs.get(cluster)
        if seed is None:
            return True
        return (
            self.similarity(terms, dict(zip(seed.terms, seed.weights, strict=True)))
            >= SEED_FACTOR * self.threshold
        )

    def cluster_of(self, story_id: int) -> int | None:
        """The cluster of an indexed story."""
        doc = self.docs.get(story_id)
        return doc.cluster if doc else None
