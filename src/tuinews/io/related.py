"""The sidebar's answer for a story: same story, related stories, watched topics.

* Same story: the story's cluster (computed when stories are stored, see
  `tuinews.core.cluster`), other outlets first, ranked by similarity.
* Related: FTS5 bm25 over the story's distinctive words and names, then
  re-ranked by how many distinctive terms the candidate really shares and by
  recency.  Words of the story's watched topics do not count as evidence ("strike"
  alone never relates a rail strike to an air strike: the topic group covers it).
* Topics: the newest stories of each watched topic the story matches.

Answers are cached per story and dropped whenever new stories arrive.
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
import time
from collections import OrderedDict

from tuinews.core.cluster import THRESHOLD, content, same_event, time_factor, weighted_terms
from tuinews.core.fingerprint import LEAD_WORDS, STOPWORDS, Fingerprint
from tuinews.core.models import Related, Scored
from tuinews.core.words import stem, words
from tuinews.io.store import Store

RELATED_ROWS = 8
SAME_STORY_MIN = THRESHOLD
TOPIC_ROWS = 15
QUERY_TERMS = 10
COMMON_SHARE = 0.02  # words in more than 2% of stories say nothing about relatedness
CANDIDATES = 80
MIN_SHARED = 2
RECENCY_HALF_LIFE = 3 * 86400.0
CACHE_SIZE = 512
VOCAB_CACHE = 200_000
_FTS_SAFE = re.compile(r"^[a-z0-9]+$")


class RelatedEngine:
    """Answers `related(story_id)` from the store; thread-safe, cached."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: OrderedDict[int, Related] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = -1
        self._vocab = _Vocabulary(store)
        self._topic_stems = {t.name: {p for phrase in t.terms for p in phrase} for t in store.topics}

    def invalidate(self) -> None:
        """Forget cached answers (new stories arrived)."""
        with self._lock:
            self._cache.clear()

    def answer(self, story_id: int) -> Related:
        """The three groups for a story (cached until new stories arrive)."""
        generation = self.store.generation
        with self._lock:
            if generation != self._generation:
                self._cache.clear()
                self._generation = generation
            cached = self._cache.get(story_id)
            if cached is not None:
                self._cache.move_to_end(story_id)
                return cached
        result = self._compute(story_id)
        with self._lock:
            self._cache[story_id] = result
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result

    def cached(self, story_id: int) -> Related | None:
        """The cached answer for a story, or None; never computes (cheap enough for the UI thread)."""
        with self._lock:
            if self.store.generation != self._generation:
                return None
            return self._cache.get(story_id)

    # -- computing -------------------------------------------------------------

    def _compute(self, story_id: int) -> Related:
        conn = self.store.db.conn
        row = conn.execute("SELECT fingerprint, ts FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            return Related(story_id)
        fp = Fingerprint.load(row[0])
        now = time.time()
        topics = self.store.topics_of(story_id)
        same = self._same_story(story_id, fp)
        seen = {story_id} | {s.row.id for s in same}
        related = self._related(conn, story_id, fp, topics, seen, now)
        seen |= {s.row.id for s in related}
        groups = []
        for topic in topics:
            rows = self.store.topic_rows(topic, exclude_id=story_id, limit=TOPIC_ROWS + len(seen))
            picked = [Scored(r, _recency(r.ts, now)) for r in rows if r.id not in seen][:TOPIC_ROWS]
            groups.append((topic, tuple(picked)))
        return Related(story_id, tuple(same), tuple(related), tuple(groups))

    def _same_story(self, story_id: int, fp: Fingerprint) -> list[Scored]:
        members = self.store.cluster_rows(story_id)
        if not members:
            return []
        conn = self.store.db.conn
        mine = weighted_terms(fp)
        theirs = [(r, weighted_terms(Fingerprint.load(f))) for r, f in members]
        idf = self._vocab.idf(conn, set(mine).union(*(t for _, t in theirs)))
        ts = self._ts(conn, story_id)
        scored = []
        mine_words = content(mine)
        for row, terms in theirs:
            factor = time_factor(abs(row.ts - ts))
            score = _cosine(mine, terms, idf) * factor
            # An event's reports can chain (A like B, B like C); show only those that resemble this one.
            if same_event(score, _cosine(mine_words, content(terms), idf) * factor, SAME_STORY_MIN):
                scored.append(Scored(row, round(score, 4)))
        own_feed = self.store.feed_of(story_id)
        scored.sort(key=lambda s: (s.row.feed_id == own_feed, -s.score))
        return scored

    def _related(
        self,
        conn: sqlite3.Connection,
        story_id: int,
        fp: Fingerprint,
        topics: list[str],
        seen: set[int],
        now: float,
    ) -> list[Scored]:
        excluded = set().union(*(self._topic_stems.get(t, set()) for t in topics)) if topics else set()
        row = conn.execute("SELECT title, summary FROM stories WHERE id = ?", (story_id,)).fetchone()
        lead = " ".join((row[1] or "").split()[:LEAD_WORDS]) if row else ""
        text_words = (
            {w for w in words(f"{row[0]} {lead}") if _usable(w) and stem(w) not in excluded} if row else set()
        )
        query_words = _distinctive(conn, self._vocab, text_words)
        if len(query_words) < MIN_SHARED:
            return []
        query = " OR ".join(f'"{w}"' for w in query_words)
        try:
            ranked = conn.execute(
                """SELECT rowid, bm25(story_fts, 3.0, 1.0, 0.25) AS score FROM story_fts
                   WHERE story_fts MATCH ? ORDER BY score LIMIT ?""",
                (query, CANDIDATES),
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        details = {
            r[0]: r[1:]
            for r in conn.execute(
                f"SELECT id, fingerprint, ts FROM stories WHERE id IN ({','.join('?' * len(ranked))})",
                [r[0] for r in ranked],
            )
        }
        hits = [(rowid, bm25, *details[rowid]) for rowid, bm25 in ranked if rowid in details]
        wanted = {stem(w) for w in query_words} | {"@" + w for w in query_words}
        best: list[tuple[float, int]] = []
        for rowid, bm25, other_fp, ts in hits:
            if rowid in seen:
                continue
            other = weighted_terms(Fingerprint.load(other_fp))
            shared = len(wanted & other.keys())
            if shared < MIN_SHARED:
                continue
            recency = 0.5 + 0.5 * _recency(ts, now, RECENCY_HALF_LIFE)
            best.append((-bm25 * recency * (1 + 0.25 * (shared - MIN_SHARED)), rowid))
        best.sort(reverse=True)
        top = best[:RELATED_ROWS]
        if not top:
            return []
        rows = {r.id: r for r in self.store.rows_by_ids([i for _, i in top])}
        peak = top[0][0] or 1.0
        return [Scored(rows[i], round(score / peak, 4)) for score, i in top if i in rows]

    @staticmethod
    def _ts(conn: sqlite3.Connection, story_id: int) -> float:
        row = conn.execute("SELECT ts FROM stories WHERE id = ?", (story_id,)).fetchone()
        return row[0] if row else 0.0


class _Vocabulary:
    """Document frequencies from the FTS vocabulary, memoised (they drift slowly)."""

    def __init__(self, conn_source: Store) -> None:
        self.store = conn_source
        self._df: dict[str, int] = {}
        self._total = 0
        self._generation = -1

    def total(self, conn: sqlite3.Connection) -> int:
        if self._generation != self.store.generation or not self._total:
            self._generation = self.store.generation
            row = conn.execute("SELECT max(rowid) FROM stories").fetchone()
            self._total = row[0] or 1
        return self._total

    def df(self, conn: sqlite3.Connection, term: str) -> int:
        """Documents containing a term: an exact word for names ('@name'), else the commonest form of a stem."""
        cached = self._df.get(term)
        if cached is not None:
            return cached
        if term.startswith("@"):
            row = conn.execute("SELECT doc FROM story_vocab WHERE term = ?", (term[1:],)).fetchone()
            value = row[0] if row else 0
        else:
            row = conn.execute(
                "SELECT max(doc) FROM story_vocab WHERE term >= ? AND term < ?", (term, term + "{")
            ).fetchone()
            value = row[0] or 0
        if len(self._df) > VOCAB_CACHE:
            self._df.clear()
        self._df[term] = value
        return value

    def idf(self, conn: sqlite3.Connection, terms: set[str]) -> dict[str, float]:
        """IDF of terms over the whole store."""
        total = self.total(conn)
        return {t: math.log(1.0 + (total + 1) / (self.df(conn, t) + 1)) for t in terms}


def _cosine(a: dict[str, float], b: dict[str, float], idf: dict[str, float]) -> float:
    """IDF-weighted cosine of two term-weight maps."""
    dot = sum(w * b[t] * idf[t] ** 2 for t, w in a.items() if t in b)
    na = math.sqrt(sum((w * idf[t]) ** 2 for t, w in a.items())) or 1.0
    nb = math.sqrt(sum((w * idf[t]) ** 2 for t, w in b.items())) or 1.0
    return dot / (na * nb)


def _usable(word: str) -> bool:
    return len(word) >= 3 and word not in STOPWORDS and not word.isdigit() and bool(_FTS_SAFE.match(word))


def _distinctive(conn: sqlite3.Connection, vocab: _Vocabulary, candidates: set[str]) -> list[str]:
    """The story's rarest words that other stories also use (FTS vocabulary frequencies)."""
    common = max(50, int(vocab.total(conn) * COMMON_SHARE))
    scored = sorted((vocab.df(conn, "@" + w), w) for w in candidates)
    return [w for df, w in scored if 2 <= df <= common][:QUERY_TERMS]


def _recency(ts: float, now: float, half_life: float = 86400.0) -> float:
    """1.0 now, halving every `half_life` seconds."""
    return round(0.5 ** (max(now - ts, 0.0) / half_life), 4)
