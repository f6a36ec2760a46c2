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

import re
import sqlite3
import threading
import time
from collections import OrderedDict

from tuinews.core.cluster import ClusterIndex, weighted_terms
from tuinews.core.fingerprint import Fingerprint
from tuinews.core.models import Related, Scored
from tuinews.core.words import stem
from tuinews.io.store import Store

RELATED_ROWS = 8
TOPIC_ROWS = 15
QUERY_TERMS = 12
CANDIDATES = 80
MIN_SHARED = 2
RECENCY_HALF_LIFE = 3 * 86400.0
CACHE_SIZE = 512
_FTS_SAFE = re.compile(r"^[a-z0-9]+$")


class RelatedEngine:
    """Answers `related(story_id)` from the store; thread-safe, cached."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: OrderedDict[int, Related] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = -1
        self._topic_stems = {
            t.name: {p for phrase in t.terms for p in phrase} for t in store.topics
        }

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
        index = ClusterIndex()
        for i, (_, member_fp) in enumerate(members):
            index.add(-(i + 1), 0, 0.0, Fingerprint.load(member_fp), None)
        index.add(story_id, 0, 0.0, fp, None)
        mine = weighted_terms(fp)
        scored = [
            Scored(r, round(index.similarity(mine, weighted_terms(Fingerprint.load(f))), 4)) for r, f in members
        ]
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
        excluded_stems = set().union(*(self._topic_stems.get(t, set()) for t in topics)) if topics else set()
        terms = [t for t in (fp.title | fp.lead) if t not in excluded_stems and _FTS_SAFE.match(t)]
        names = [n for n in fp.names if _FTS_SAFE.match(n) and stem(n) not in excluded_stems]
        query_terms = _distinctive(conn, names, terms)
        if len(query_terms) < MIN_SHARED:
            return []
        query = " OR ".join(f"{t}*" if not is_name else f'"{t}"' for t, is_name in query_terms)
        try:
            hits = conn.execute(
                """SELECT f.rowid, bm25(story_fts, 3.0, 1.0, 0.25), s.fingerprint
                   FROM story_fts f JOIN stories s ON s.id = f.rowid
                   WHERE story_fts MATCH ? ORDER BY bm25(story_fts, 3.0, 1.0, 0.25) LIMIT ?""",
                (query, CANDIDATES),
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        wanted = {t for t, is_name in query_terms if not is_name}
        wanted_names = {t for t, is_name in query_terms if is_name}
        best: list[tuple[float, int]] = []
        for rowid, bm25, other_fp in hits:
            if rowid in seen:
                continue
            other = Fingerprint.load(other_fp)
            shared = len(wanted & (other.title | other.lead)) + len(wanted_names & other.names)
            if shared < MIN_SHARED:
                continue
            score = -bm25 * (0.5 + 0.5 * _recency(self._ts(conn, rowid), now, RECENCY_HALF_LIFE)) * (
                1 + 0.25 * (shared - MIN_SHARED)
            )
            best.append((score, rowid))
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


def _distinctive(conn: sqlite3.Connection, names: list[str], terms: list[str]) -> list[tuple[str, bool]]:
    """The story's rarest terms (document frequency from the FTS vocabulary), names first."""
    candidates = [(n, True) for n in names] + [(t, False) for t in terms]
    if not candidates:
        return []
    dfs = []
    for term, is_name in candidates:
        if is_name:
            row = conn.execute("SELECT doc FROM story_vocab WHERE term = ?", (term,)).fetchone()
            df = row[0] if row else 0
        else:
            row = conn.execute(
                "SELECT max(doc) FROM story_vocab WHERE term >= ? AND term < ?", (term, term + "{")
            ).fetchone()
            df = row[0] or 0
        if df >= 1:
            dfs.append((df, term, is_name))
    dfs.sort()
    return [(t, n) for _, t, n in dfs[:QUERY_TERMS]]


def _recency(ts: float, now: float, half_life: float = 86400.0) -> float:
    """1.0 now, halving every `half_life` seconds."""
    return round(0.5 ** (max(now - ts, 0.0) / half_life), 4)
