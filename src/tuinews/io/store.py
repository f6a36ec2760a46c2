"""The SQLite store: feeds, stories, read/starred state, topics and the full-text index.

Reads may come from any thread (each has its own connection); every write is
one short transaction.  A refresh writes one transaction per feed, inserts only
new items and rewrites only items whose content changed, so read and starred
state survive every refresh and a killed process loses at most one feed.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tuinews.config import FeedConfig, FilterConfig, TopicConfig
from tuinews.core.dates import FUTURE_SLACK
from tuinews.core.killfile import Rule, compile_rules, verdict
from tuinews.core.models import FeedInfo, ParsedItem, Story, StoryRow
from tuinews.core.topics import Topic, matching_topics
from tuinews.errors import StorageError
from tuinews.io.db import Database

if TYPE_CHECKING:  # clustering is imported by the pass that needs it, after the first paint
    from tuinews.core.cluster import ClusterIndex

CHUNK = 500
CLUSTER_MEMORY = 7 * 86400.0
TOMBSTONE_DAYS = 400  # a pruned story's key is remembered this long, so its feed cannot re-add it  # stories this close to the newest are kept in the cluster index

_FEED_TITLE = "coalesce(f.custom_title, nullif(f.title, ''), f.url)"
_ROW_COLUMNS = f"""
    s.id, s.feed_id, {_FEED_TITLE}, s.title, s.ts, s.read, s.starred, s.link,
    (SELECT group_concat(t.topic, char(31)) FROM story_topics t WHERE t.story_id = s.id), s.published,
    s.cluster_id
"""


@dataclass(frozen=True, slots=True)
class StoryFilter:
    """Which stories a list shows: all, unread, starred, some feeds."""

    feed_ids: tuple[int, ...] | None = None
    unread: bool = False
    starred: bool = False
    topic: str | None = None
    is_read: bool | None = None  # search qualifiers: unread:no -> True
    is_starred: bool | None = None
    min_ts: float | None = None  # hide stories older than this


@dataclass(frozen=True, slots=True)
class CachedArticle:
    """An extracted article (or the reason there is none) as stored."""

    story_id: int
    url: str | None
    title: str
    byline: str
    published: float | None
    html: str
    text: str
    fetched_at: float
    error: str | None


@dataclass(frozen=True, slots=True)
class Fetched:
    """How a successful fetch went: stored with the feed's new items, in the same transaction."""

    status: int | None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    title: str | None = None
    site_url: str | None = None
    next_fetch_at: float | None = None


def _record_success(
    conn: sqlite3.Connection, feed_id: int, rec: Fetched, now: float, keep_validators: bool = False
) -> None:
    conn.execute(
        """UPDATE feeds SET last_fetch_at = ?, last_success_at = ?, last_status = ?,
           last_error = NULL, error_count = 0, next_fetch_at = ?,
           title = coalesce(?, title), site_url = coalesce(?, site_url) WHERE id = ?""",
        (now, now, rec.status, rec.next_fetch_at, rec.title or None, rec.site_url, feed_id),
    )
    if not keep_validators:
        conn.execute(
            "UPDATE feeds SET etag = ?, last_modified = ?, body_hash = ? WHERE id = ?",
            (rec.etag, rec.last_modified, rec.body_hash, feed_id),
        )


@dataclass(frozen=True, slots=True)
class FeedState:
    """What a refresh needs to know about a feed before fetching it."""

    id: int
    url: str
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    error_count: int
    next_fetch_at: float | None


def _row(r: Sequence) -> StoryRow:
    return StoryRow(
        id=r[0],
        feed_id=r[1],
        feed_title=r[2],
        title=r[3],
        ts=r[4],
        read=bool(r[5]),
        starred=bool(r[6]),
        link=r[7],
        topics=tuple(r[8].split("\x1f")) if r[8] else (),
        published=r[9],
        cluster_id=r[10],
    )


def _fts_upto(conn: sqlite3.Connection) -> int:
    """The highest story id the full-text index covers (every story up to it is indexed)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'fts_upto'").fetchone()
    return int(row[0]) if row else 0


def _chunks(seq: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _translate(func):  # type: ignore[no-untyped-def]
    """Turn sqlite3 errors into StorageError with the file's path."""

    def wrapper(self: Store, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return func(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StorageError(f"{self.path}: database error: {exc}") from None

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


class Store:
    """All persistent state of tuinews."""

    def __init__(self, path: Path, topics: Sequence[TopicConfig] = ()) -> None:
        self.path = path
        self.db = Database(path)
        self.topics: tuple[Topic, ...] = tuple(Topic.compile(t.name, t.terms, t.exclude) for t in topics)
        self._clusters: ClusterIndex | None = None
        self._cluster_lock = threading.Lock()
        self.rules: tuple[Rule, ...] = ()
        # Bumped whenever stories are added, so caches of derived answers know to drop.
        self.generation = 0
        # Called inside the write transaction of every read/starred change, before it is made
        # (connection, story ids, "read" or "starred", new value): sync records pending changes.
        self.state_hook: Callable[[sqlite3.Connection, Sequence[int], str, bool], None] | None = None
        self._topics_sig = hashlib.sha1(
            json.dumps([[t.name, list(t.terms), list(t.exclude)] for t in topics]).encode()
        ).hexdigest()

    def close(self) -> None:
        """Close all connections."""
        self.db.close()

    # -- feeds ---------------------------------------------------------------

    @_translate
    def sync_feeds(self, feeds: Sequence[FeedConfig], keep_server_feeds: bool = False) -> None:
        """Make the stored feed list follow the config; removed feeds are hidden, not deleted.

        `keep_server_feeds`: the sync server's subscriptions stay shown ([sync] is configured).
        """
        now = time.time()
        with self.db.write() as conn:
            if keep_server_feeds:
                conn.execute(
                    "UPDATE feeds SET active = 0 WHERE id NOT IN (SELECT feed_id FROM sync_subscriptions)"
                )
            else:
                conn.execute("UPDATE feeds SET active = 0")
            conn.executemany(
                """INSERT INTO feeds (url, custom_title, tags, active, created_at) VALUES (?, ?, ?, 1, ?)
                   ON CONFLICT (url) DO UPDATE SET custom_title = excluded.custom_title,
                       tags = excluded.tags, active = 1""",
                [(f.url, f.title, json.dumps(list(f.tags)), now) for f in feeds],
            )

    @_translate
    def feed_states(self, urls: Iterable[str] | None = None) -> list[FeedState]:
        """Validators and schedule of active feeds (all, or those with the given URLs)."""
        sql = """SELECT id, url, etag, last_modified, body_hash, error_count, next_fetch_at
                 FROM feeds WHERE active = 1 ORDER BY id"""
        rows = [FeedState(*r) for r in self.db.conn.execute(sql)]
        if urls is not None:
            wanted = set(urls)
            rows = [r for r in rows if r.url in wanted]
        return rows

    @_translate
    def feeds(self) -> list[FeedInfo]:
        """Active feeds with their health and story counts, in config order."""
        conn = self.db.conn
        # One grouped pass over the stories: per-feed count subqueries let the planner pick
        # the read-state index and scan every unread story once per feed.
        counts = {
            feed_id: (total, unread or 0)
            for feed_id, total, unread in conn.execute(
                "SELECT feed_id, count(*), sum(read = 0) FROM stories WHERE hidden = 0 GROUP BY feed_id"
            )
        }
        sql = f"""
            SELECT f.id, f.url, {_FEED_TITLE}, f.tags, f.last_fetch_at, f.last_success_at,
                   f.last_status, f.last_error, f.error_count, f.next_fetch_at
            FROM feeds f WHERE f.active = 1 ORDER BY f.id"""
        out = []
        for r in conn.execute(sql):
            total, unread = counts.get(r[0], (0, 0))
            out.append(FeedInfo(r[0], r[1], r[2], tuple(json.loads(r[3] or "[]")), *r[4:10], total, unread))
        return out

    def optimize(self) -> None:
        """Let SQLite refresh its planner statistics (cheap when nothing changed much).

        Best effort: it takes the write lock first (so it waits for another writer
        instead of failing on a lock upgrade), and a busy database just skips it.
        """
        try:
            with self.db.write() as conn:
                conn.execute("PRAGMA optimize")
        except (sqlite3.Error, StorageError):
            pass

    @_translate
    def feed_index(self) -> list[tuple[int, str, str, tuple[str, ...]]]:
        """(id, url, title, tags) of active feeds: the cheap lookup filters need (no counts)."""
        sql = f"SELECT f.id, f.url, {_FEED_TITLE}, f.tags FROM feeds f WHERE f.active = 1 ORDER BY f.id"
        return [(r[0], r[1], r[2], tuple(json.loads(r[3] or "[]"))) for r in self.db.conn.execute(sql)]

    @_translate
    def record_fetch(
        self,
        feed_id: int,
        *,
        status: int | None,
        error: str | None,
        etag: str | None = None,
        last_modified: str | None = None,
        body_hash: str | None = None,
        title: str | None = None,
        site_url: str | None = None,
        next_fetch_at: float | None = None,
        keep_validators: bool = False,
    ) -> None:
        """Remember how a fetch went: validators on success, the reason on failure."""
        now = time.time()
        with self.db.write() as conn:
            if error is not None:
                conn.execute(
                    """UPDATE feeds SET last_fetch_at = ?, last_status = ?, last_error = ?,
                       error_count = error_count + 1, next_fetch_at = ? WHERE id = ?""",
                    (now, status, error, next_fetch_at, feed_id),
                )
                return
            record = Fetched(status, etag, last_modified, body_hash, title, site_url, next_fetch_at)
            _record_success(conn, feed_id, record, now, keep_validators)

    @_translate
    def record_unchanged(self, rows: Sequence[tuple[int, int, float | None]]) -> None:
        """Mark feeds fetched and unchanged (304 or same body): (feed id, status, next fetch) each."""
        now = time.time()
        with self.db.write() as conn:
            conn.executemany(
                """UPDATE feeds SET last_fetch_at = ?, last_success_at = ?, last_status = ?,
                   last_error = NULL, error_count = 0, next_fetch_at = ? WHERE id = ?""",
                [(now, now, status, next_at, feed_id) for feed_id, status, next_at in rows],
            )

    # -- stories: writes -----------------------------------------------------

    @_translate
    def save_items(
        self,
        feed_id: int,
        items: Sequence[ParsedItem],
        now: float | None = None,
        fetched: Fetched | None = None,
    ) -> tuple[list[int], int]:
        """Insert new items, update changed ones (and record the fetch, in the same transaction).

        Returns (new story ids, updated count).
        """
        if not items:
            if fetched is not None:
                with self.db.write() as conn:
                    _record_success(conn, feed_id, fetched, time.time() if now is None else now)
            return [], 0
        now = time.time() if now is None else now
        with self.db.write() as conn:
            new_ids, changed, _ = self.save_in(conn, feed_id, items, now)
            if fetched is not None:
                _record_success(conn, feed_id, fetched, now)
        return new_ids, changed

    def save_in(
        self, conn: sqlite3.Connection, feed_id: int, items: Sequence[ParsedItem], now: float
    ) -> tuple[list[int], int, dict[str, int]]:
        """save_items inside the caller's write transaction (sync stores several feeds in one).

        Returns (new story ids, updated count, story id of every stored key); a key pruned
        before has no story and is left out.
        """
        unique: dict[str, ParsedItem] = {}
        for it in items:
            unique.setdefault(it.key, it)
        items = list(unique.values())
        existing: dict[str, tuple[int, str]] = {}
        keys = [it.key for it in items]
        for chunk in _chunks(keys):
            sql = f"SELECT key, id, content_hash FROM stories WHERE feed_id = ? AND key IN ({_marks(len(chunk))})"
            for key, sid, digest in conn.execute(sql, (feed_id, *chunk)):
                existing[key] = (sid, digest)
        gone = self._removed_keys(conn, feed_id, [it.key for it in items if it.key not in existing])
        # Reverse feed order so that, among items with equal times, the feed's first is newest.
        fresh = [it for it in reversed(items) if it.key not in existing and it.key not in gone]
        changed = [
            (existing[it.key][0], it)
            for it in items
            if it.key in existing and existing[it.key][1] != it.content_hash
        ]
        inserted = self._insert(conn, feed_id, fresh, now) if fresh else {}
        if changed:
            self._update(conn, changed)
        if inserted or changed:
            self.generation += 1
        ids = {key: sid for key, (sid, _) in existing.items()} | inserted
        return [inserted[it.key] for it in items if it.key in inserted], len(changed), ids

    def _insert(
        self, conn: sqlite3.Connection, feed_id: int, items: list[ParsedItem], now: float
    ) -> dict[str, int]:
        def ts(it: ParsedItem) -> float:
            return it.published if it.published is not None and it.published <= now + FUTURE_SLACK else now

        def flags(it: ParsedItem) -> tuple[int, int]:
            action = verdict(self.rules, feed_id, it.title, it.author, it.link) if self.rules else None
            return int(action == "read"), int(action == "hide")

        conn.executemany(
            """INSERT INTO stories (feed_id, key, guid, link, title, summary, content, author,
                                    published, ts, first_seen, content_hash, read, hidden,
                                    fingerprint, clustered)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)""",
            [
                (feed_id, it.key, it.guid, it.link, it.title, it.summary, it.content, it.author,
                 it.published, ts(it), now, it.content_hash, *flags(it), it.fingerprint)
                for it in items
            ],
        )  # fmt: skip
        ids: dict[str, int] = {}
        keys = [it.key for it in items]
        for chunk in _chunks(keys):
            sql = f"SELECT key, id FROM stories WHERE feed_id = ? AND key IN ({_marks(len(chunk))})"
            ids.update(conn.execute(sql, (feed_id, *chunk)))
        rows = [(ids[it.key], it) for it in items]
        # No full-text rows here: index_pending adds them in one batch after the refresh.
        self._write_topics(conn, [(sid, it, ts(it)) for sid, it in rows])
        return ids

    def _update(self, conn: sqlite3.Connection, changed: list[tuple[int, ParsedItem]]) -> None:
        conn.executemany(
            """UPDATE stories SET guid = ?, link = ?, title = ?, summary = ?, content = ?, author = ?,
                   published = ?, content_hash = ? WHERE id = ?""",
            [
                (
                    it.guid,
                    it.link,
                    it.title,
                    it.summary,
                    it.content,
                    it.author,
                    it.published,
                    it.content_hash,
                    sid,
                )
                for sid, it in changed
            ],
        )
        conn.executemany(
            "UPDATE story_fts SET title = ?, summary = ? WHERE rowid = ?",
            [(it.title, it.summary, sid) for sid, it in changed],
        )
        ids = [sid for sid, _ in changed]
        for chunk in _chunks(ids):
            conn.execute(f"DELETE FROM story_topics WHERE story_id IN ({_marks(len(chunk))})", chunk)
        tss = dict(self._ts_of(conn, ids))
        self._write_topics(conn, [(sid, it, tss[sid]) for sid, it in changed])

    def _ts_of(self, conn: sqlite3.Connection, ids: list[int]) -> Iterator[tuple[int, float]]:
        for chunk in _chunks(ids):
            yield from conn.execute(f"SELECT id, ts FROM stories WHERE id IN ({_marks(len(chunk))})", chunk)

    def _write_topics(self, conn: sqlite3.Connection, rows: list[tuple[int, ParsedItem, float]]) -> None:
        if not self.topics:
            return
        pairs = []
        known = {t.name for t in self.topics}
        for sid, it, ts in rows:
            if it.topics is not None:
                names = [n for n in it.topics if n in known]
            else:
                names = list(matching_topics(self.topics, f"{it.title}\n{it.summary}"))
            pairs.extend((name, sid, ts) for name in names)
        conn.executemany("INSERT OR IGNORE INTO story_topics (topic, story_id, ts) VALUES (?, ?, ?)", pairs)

    # -- killfile and housekeeping ----------------------------------------------

    def _removed_keys(self, conn: sqlite3.Connection, feed_id: int, keys: list[str]) -> set[str]:
        """Keys of stories pruned before: a feed that still lists them must not bring them back."""
        gone: set[str] = set()
        for chunk in _chunks(keys):
            sql = f"SELECT key FROM removed WHERE feed_id = ? AND key IN ({_marks(len(chunk))})"
            gone.update(r[0] for r in conn.execute(sql, (feed_id, *chunk)))
        return gone

    @_translate
    def set_filters(self, filters: Sequence[FilterConfig]) -> bool:
        """Use these killfile rules; re-hide stored stories when the rules changed. True if work was done."""
        feed_ids = {url: i for i, url, _, _ in self.feed_index()}
        self.rules = compile_rules(filters, feed_ids)
        signature = hashlib.sha1(
            repr([(f.title, f.author, f.url, f.action, f.feeds) for f in filters]).encode()
        ).hexdigest()
        conn = self.db.conn
        row = conn.execute("SELECT value FROM meta WHERE key = 'filters_sig'").fetchone()
        if row and row[0] == signature:
            return False
        hide = [
            (sid,)
            for sid, feed_id, title, author, link in conn.execute(
                "SELECT id, feed_id, title, author, link FROM stories"
            )
            if verdict(self.rules, feed_id, title, author, link) == "hide"
        ]
        with self.db.write() as w:
            w.execute("UPDATE stories SET hidden = 0 WHERE hidden = 1")
            w.executemany("UPDATE stories SET hidden = 1 WHERE id = ?", hide)
            w.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('filters_sig', ?)", (signature,))
        return True

    @_translate
    def prune(self, keep_days: int, max_per_feed: int, now: float | None = None) -> int:
        """Delete unstarred stories older than keep_days or beyond max_per_feed per feed; returns how many."""
        now = time.time() if now is None else now
        conn = self.db.conn
        doomed: dict[int, tuple[int, str]] = {}
        if keep_days:
            cutoff = now - keep_days * 86400
            for sid, feed_id, key in conn.execute(
                # published and first seen long ago: an old post of a new feed stays for keep_days
                "SELECT id, feed_id, key FROM stories WHERE starred = 0 AND ts < ? AND first_seen < ?",
                (cutoff, cutoff),
            ):
                doomed[sid] = (feed_id, key)
        if max_per_feed:
            sql = """SELECT id, feed_id, key FROM (
                         SELECT id, feed_id, key, starred,
                                row_number() OVER (PARTITION BY feed_id ORDER BY starred DESC, ts DESC, id DESC) AS n
                         FROM stories)
                     WHERE n > ? AND starred = 0"""
            for sid, feed_id, key in conn.execute(sql, (max_per_feed,)):
                doomed[sid] = (feed_id, key)
        if not doomed:
            return 0
        ids = list(doomed)
        with self.db.write() as w:
            w.executemany(
                "INSERT OR REPLACE INTO removed (feed_id, key, removed_at) VALUES (?, ?, ?)",
                [(feed_id, key, now) for feed_id, key in doomed.values()],
            )
            for chunk in _chunks(ids):
                marks = _marks(len(chunk))
                w.execute(f"DELETE FROM story_fts WHERE rowid IN ({marks})", chunk)
                w.execute(f"DELETE FROM stories WHERE id IN ({marks})", chunk)
            w.execute("DELETE FROM removed WHERE removed_at < ?", (now - TOMBSTONE_DAYS * 86400,))
            # A deleted newest story frees its id for the next insert: keep that id above the mark.
            top = w.execute("SELECT coalesce(max(id), 0) FROM stories").fetchone()[0]
            if top < _fts_upto(w):
                w.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('fts_upto', ?)", (str(top),))
        self._clusters = None  # rebuilt from what remains on the next write
        self.generation += 1
        return len(ids)

    @_translate
    def vacuum(self) -> tuple[int, int]:
        """Compact the database file (FTS merge, VACUUM, ANALYZE); returns (bytes before, after)."""
        before = self.size()
        self.index_pending()
        conn = self.db.conn
        conn.execute("INSERT INTO story_fts (story_fts) VALUES ('optimize')")
        conn.execute("VACUUM")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return before, self.size()

    def size(self) -> int:
        """Bytes of the database file and its WAL."""
        total = 0
        for suffix in ("", "-wal"):
            path = self.path.with_name(self.path.name + suffix)
            if path.exists():
                total += path.stat().st_size
        return total

    # -- same-story clusters ----------------------------------------------------

    def forget_clusters(self) -> None:
        """Another process grouped stories: rebuild the in-memory index from the database next time."""
        with self._cluster_lock:
            self._clusters = None

    def _cluster_index(self, conn: sqlite3.Connection) -> ClusterIndex:
        """The in-memory index of recent stories, loaded on the first write that needs it."""
        from tuinews.core.cluster import ClusterIndex
        from tuinews.core.fingerprint import Fingerprint

        if self._clusters is None:
            index = ClusterIndex()
            newest = conn.execute("SELECT max(ts) FROM stories WHERE clustered = 1").fetchone()[0]
            if newest is not None:
                rows = conn.execute(
                    """SELECT id, feed_id, ts, fingerprint, cluster_id FROM stories
                       WHERE clustered = 1 AND fingerprint != '' AND ts >= ? ORDER BY ts""",
                    (min(newest, time.time()) - CLUSTER_MEMORY,),
                )
                for sid, feed_id, ts, fp, cluster in rows:
                    index.add(sid, feed_id, ts, Fingerprint.load(fp), cluster)
            self._clusters = index
        return self._clusters

    def _cluster(
        self, conn: sqlite3.Connection, rows: Sequence[tuple[int, int, float, str, str, str]]
    ) -> list[int]:
        """Fingerprint new stories (unless the parser did) and attach each to the cluster of its best match."""
        from tuinews.core.fingerprint import Fingerprint, fingerprint

        index = self._cluster_index(conn)
        fingerprints = []
        joins: dict[int, int] = {}
        for sid, feed_id, ts, title, summary, dumped in sorted(rows, key=lambda r: r[2]):
            fp = Fingerprint.load(dumped) if dumped else fingerprint(title, summary)
            cluster = None
            best = index.best_match(sid, feed_id, ts, fp)
            if best is not None:
                other = best[0]
                cluster = index.cluster_of(other)
                if cluster is None:
                    cluster = other
                    index.set_cluster(other, other)
                    joins[other] = other
            index.add(sid, feed_id, ts, fp, cluster)
            fingerprints.append((fp.dump(), cluster, sid))
        conn.executemany(
            "UPDATE stories SET fingerprint = ?, cluster_id = ?, clustered = 1 WHERE id = ?", fingerprints
        )
        conn.executemany("UPDATE stories SET cluster_id = ? WHERE id = ?", [(c, i) for i, c in joins.items()])
        return [sid for _, cluster, sid in fingerprints if cluster is not None] + list(joins)

    @_translate
    def has_pending_clusters(self) -> bool:
        """True when stories wait to be clustered."""
        return (
            self.db.conn.execute("SELECT 1 FROM stories WHERE clustered = 0 LIMIT 1").fetchone() is not None
        )

    @_translate
    def index_pending(self, chunk: int = 5000) -> int:
        """Add the stories stored since the last pass to the full-text index; returns how many.

        Refreshes store stories without indexing them: FTS5 indexes thousands of
        rows in one transaction at a quarter of the cost of fifty per feed, and
        the list shows new stories before the index has them.  Searches and the
        sidebar call this first, so they never miss a stored story.
        """
        done = 0
        while True:
            with self.db.write() as w:
                upto = _fts_upto(w)
                last = w.execute(
                    "SELECT max(id) FROM (SELECT id FROM stories WHERE id > ? ORDER BY id LIMIT ?)",
                    (upto, chunk),
                ).fetchone()[0]
                if last is None:
                    return done
                done += w.execute(
                    """INSERT INTO story_fts (rowid, title, summary, article)
                       SELECT s.id, s.title, s.summary, coalesce(a.text, '') FROM stories s
                       LEFT JOIN articles a ON a.story_id = s.id AND a.error IS NULL
                       WHERE s.id > ? AND s.id <= ?""",
                    (upto, last),
                ).rowcount
                w.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('fts_upto', ?)", (str(last),))

    @_translate
    def has_pending_index(self) -> bool:
        """True when stories wait for index_pending."""
        conn = self.db.conn
        top = conn.execute("SELECT max(id) FROM stories").fetchone()[0]
        return top is not None and top > _fts_upto(conn)

    @_translate
    def cluster_pending(self, chunk: int = 2000) -> list[int]:
        """Cluster the stories stored since the last pass, oldest first; returns the ids whose event changed.

        Refreshes only store; grouping reports into events is this separate pass
        (after a refresh in the app, on demand in the CLI), so a refresh of
        thousands of new stories is not held up by it.
        """
        changed: list[int] = []
        with self._cluster_lock:
            while True:
                rows = self.db.conn.execute(
                    """SELECT id, feed_id, ts, title, summary, fingerprint FROM stories
                       WHERE clustered = 0 ORDER BY ts LIMIT ?""",
                    (chunk,),
                ).fetchall()
                if not rows:
                    return changed
                with self.db.write() as w:
                    changed.extend(self._cluster(w, rows))
                self.generation += 1

    @_translate
    def cluster_rows(self, story_id: int) -> list[tuple[StoryRow, str]]:
        """Other reports in a story's cluster, newest first, with their fingerprints."""
        sql = f"""SELECT {_ROW_COLUMNS}, s.fingerprint FROM stories s JOIN feeds f ON f.id = s.feed_id
                  WHERE s.cluster_id = (SELECT cluster_id FROM stories WHERE id = ?) AND s.id != ?
                    AND f.active = 1
                  ORDER BY s.ts DESC LIMIT 50"""
        return [(_row(r), r[-1]) for r in self.db.conn.execute(sql, (story_id, story_id))]

    @_translate
    def ensure_topics(self) -> bool:
        """Re-match every story when the configured topics changed; True if work was done."""
        conn = self.db.conn
        row = conn.execute("SELECT value FROM meta WHERE key = 'topics_sig'").fetchone()
        if row and row[0] == self._topics_sig:
            return False
        rows = conn.execute("SELECT id, title, summary, ts FROM stories").fetchall()
        pairs = []
        for sid, title, summary, ts in rows:
            for name in matching_topics(self.topics, f"{title}\n{summary}"):
                pairs.append((name, sid, ts))
        with self.db.write() as w:
            w.execute("DELETE FROM story_topics")
            w.executemany("INSERT OR IGNORE INTO story_topics (topic, story_id, ts) VALUES (?, ?, ?)", pairs)
            w.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('topics_sig', ?)", (self._topics_sig,)
            )
        return True

    @_translate
    def set_read(self, ids: Sequence[int], read: bool = True) -> None:
        """Mark stories read or unread."""
        with self.db.write() as conn:
            for chunk in _chunks(list(ids)):
                if self.state_hook is not None:
                    self.state_hook(conn, chunk, "read", read)
                conn.execute(
                    f"UPDATE stories SET read = ? WHERE id IN ({_marks(len(chunk))})", (int(read), *chunk)
                )

    @_translate
    def set_starred(self, story_id: int, starred: bool) -> None:
        """Star or unstar a story."""
        with self.db.write() as conn:
            if self.state_hook is not None:
                self.state_hook(conn, [story_id], "starred", starred)
            conn.execute("UPDATE stories SET starred = ? WHERE id = ?", (int(starred), story_id))

    # -- stories: reads ------------------------------------------------------

    @_translate
    def story_rows(
        self, filt: StoryFilter = StoryFilter(), after: tuple[float, int] | None = None, limit: int = 500
    ) -> list[StoryRow]:
        """One keyset page of list rows, newest first, strictly after `after` (ts, id)."""
        where, params = self._where(filt)
        if after is not None:
            where.append("(s.ts, s.id) < (?, ?)")
            params.extend(after)
        sql = f"""SELECT {_ROW_COLUMNS} FROM stories s JOIN feeds f ON f.id = s.feed_id
                  WHERE {" AND ".join(where)} ORDER BY s.ts DESC, s.id DESC LIMIT ?"""
        return [_row(r) for r in self.db.conn.execute(sql, (*params, limit))]

    @_translate
    def ids(self, filt: StoryFilter = StoryFilter()) -> list[int]:
        """Ids of every story a filter shows."""
        where, params = self._where(filt)
        sql = f"SELECT s.id FROM stories s JOIN feeds f ON f.id = s.feed_id WHERE {' AND '.join(where)}"
        return [r[0] for r in self.db.conn.execute(sql, params)]

    @_translate
    def count(self, filt: StoryFilter = StoryFilter()) -> int:
        """How many stories a filter shows."""
        where, params = self._where(filt)
        sql = f"SELECT count(*) FROM stories s JOIN feeds f ON f.id = s.feed_id WHERE {' AND '.join(where)}"
        return self.db.conn.execute(sql, params).fetchone()[0]

    def _where(self, filt: StoryFilter) -> tuple[list[str], list[object]]:
        where = ["f.active = 1", "(s.hidden = 0 OR s.starred = 1)"]
        params: list[object] = []
        if filt.feed_ids is not None:
            where.append(f"s.feed_id IN ({_marks(len(filt.feed_ids))})" if filt.feed_ids else "0")
            params.extend(filt.feed_ids)
        if filt.unread:
            where.append("s.read = 0")
        if filt.starred:
            where.append("s.starred = 1")
        if filt.topic is not None:
            where.append("s.id IN (SELECT story_id FROM story_topics WHERE topic = ?)")
            params.append(filt.topic)
        if filt.is_read is not None:
            where.append("s.read = ?")
            params.append(int(filt.is_read))
        if filt.is_starred is not None:
            where.append("s.starred = ?")
            params.append(int(filt.is_starred))
        if filt.min_ts is not None:
            where.append("(s.ts >= ? OR s.starred = 1)")
            params.append(filt.min_ts)
        return where, params

    @_translate
    def search(self, match: str | None, filt: StoryFilter, limit: int = 200) -> list[StoryRow]:
        """Stories matching an FTS5 expression (ranked by bm25, titles weighing most) and a filter.

        Ranking runs on the full-text index alone, in pages; only the best page's
        stories are joined and filtered, so a common word stays fast at 50,000 stories.
        """
        if match is None:
            return self.story_rows(filt, None, limit)
        if self.has_pending_index():
            self.index_pending()
        out: list[StoryRow] = []
        offset = 0
        page = max(limit * 2, 400)
        while len(out) < limit:
            try:
                ranked = [
                    r[0]
                    for r in self.db.conn.execute(
                        """SELECT rowid FROM story_fts WHERE story_fts MATCH ?
                           ORDER BY bm25(story_fts, 4.0, 1.0, 0.5) LIMIT ? OFFSET ?""",
                        (match, page, offset),
                    )
                ]
            except sqlite3.OperationalError as exc:
                if "fts5" in str(exc).lower() or "syntax" in str(exc).lower():
                    return []
                raise
            if not ranked:
                break
            found = {r.id: r for r in self.rows_by_ids(ranked, filt)}
            out.extend(found[i] for i in ranked if i in found)
            if len(ranked) < page:
                break
            offset += page
            page *= 4  # selective qualifiers: widen the net quickly
        return out[:limit]

    @_translate
    def rows_by_ids(self, ids: Sequence[int], filt: StoryFilter | None = None) -> list[StoryRow]:
        """List rows for these stories (those matching `filt`, if given), newest first."""
        where, params = self._where(filt or StoryFilter())
        out: list[StoryRow] = []
        for chunk in _chunks(list(ids)):
            sql = f"""SELECT {_ROW_COLUMNS} FROM stories s JOIN feeds f ON f.id = s.feed_id
                      WHERE s.id IN ({_marks(len(chunk))}) AND {" AND ".join(where)}"""
            out.extend(_row(r) for r in self.db.conn.execute(sql, (*chunk, *params)))
        out.sort(key=lambda r: (r.ts, r.id), reverse=True)
        return out

    @_translate
    def story(self, story_id: int) -> Story | None:
        """Everything about one story."""
        r = self.db.conn.execute(
            f"""SELECT s.id, s.feed_id, f.url, {_FEED_TITLE}, s.title, s.link, s.author, s.summary,
                       s.content, s.published, s.ts, s.read, s.starred, s.guid
                FROM stories s JOIN feeds f ON f.id = s.feed_id WHERE s.id = ?""",
            (story_id,),
        ).fetchone()
        if r is None:
            return None
        return Story(*r[:11], read=bool(r[11]), starred=bool(r[12]), guid=r[13])

    @_translate
    def meta(self, key: str) -> str | None:
        """A stored preference (the UI theme, for one)."""
        row = self.db.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @_translate
    def set_meta(self, key: str, value: str) -> None:
        """Remember a preference."""
        with self.db.write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    @_translate
    def feed_of(self, story_id: int) -> int | None:
        """The feed a story belongs to."""
        row = self.db.conn.execute("SELECT feed_id FROM stories WHERE id = ?", (story_id,)).fetchone()
        return row[0] if row else None

    @_translate
    def topics_of(self, story_id: int) -> list[str]:
        """Names of the watched topics a story matches."""
        rows = self.db.conn.execute("SELECT topic FROM story_topics WHERE story_id = ?", (story_id,))
        order = {t.name: i for i, t in enumerate(self.topics)}
        return sorted((r[0] for r in rows if r[0] in order), key=order.__getitem__)

    @_translate
    def topic_rows(self, topic: str, exclude_id: int | None = None, limit: int = 30) -> list[StoryRow]:
        """The newest stories of a topic."""
        sql = f"""SELECT {_ROW_COLUMNS} FROM story_topics t
                  JOIN stories s ON s.id = t.story_id JOIN feeds f ON f.id = s.feed_id
                  WHERE t.topic = ? AND f.active = 1 AND s.id != ?
                  ORDER BY t.ts DESC LIMIT ?"""
        return [_row(r) for r in self.db.conn.execute(sql, (topic, exclude_id or -1, limit))]

    # -- articles ------------------------------------------------------------

    @_translate
    def article(self, story_id: int) -> CachedArticle | None:
        """The stored article of a story, if it was fetched (or failed) before."""
        r = self.db.conn.execute(
            """SELECT story_id, url, title, byline, published, html, text, fetched_at, error
               FROM articles WHERE story_id = ?""",
            (story_id,),
        ).fetchone()
        return CachedArticle(*r) if r else None

    @_translate
    def save_article(
        self,
        story_id: int,
        url: str | None,
        *,
        title: str = "",
        byline: str = "",
        published: float | None = None,
        html: str = "",
        text: str = "",
        error: str | None = None,
    ) -> None:
        """Store an extracted article (or why extraction failed); the text joins the FTS index."""
        with self.db.write() as conn:
            if error is not None:
                old = conn.execute("SELECT html FROM articles WHERE story_id = ?", (story_id,)).fetchone()
                if old and old[0]:
                    return  # a good copy stays good when a later fetch fails
            conn.execute(
                """INSERT OR REPLACE INTO articles
                   (story_id, url, title, byline, published, html, text, fetched_at, error)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (story_id, url, title, byline, published, html, text, time.time(), error),
            )
            if error is None:
                conn.execute("UPDATE story_fts SET article = ? WHERE rowid = ?", (text, story_id))

    @_translate
    def missing_articles(self, ids: Sequence[int], retry_after: float = 3600.0) -> list[int]:
        """Those of `ids` with no stored article (failures older than `retry_after` count as missing)."""
        out: list[int] = []
        cutoff = time.time() - retry_after
        for chunk in _chunks(list(ids)):
            have = {
                sid
                for sid, error, fetched in self.db.conn.execute(
                    f"SELECT story_id, error, fetched_at FROM articles WHERE story_id IN ({_marks(len(chunk))})",
                    chunk,
                )
                if error is None or fetched > cutoff
            }
            out.extend(i for i in chunk if i not in have)
        return out
