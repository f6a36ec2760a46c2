"""What sync keeps in SQLite beside the stories: server item ids, subscriptions, pending changes.

Synced stories are ordinary stories (stored through `Store.save_in`, so they get
the same keys, killfile, topics, clustering and full-text index as fetched
ones); this module only maps them to the server's ids and remembers what the
server has not been told yet.  Every change of a story's state and the pending
row that records it happen in one transaction (the store's `state_hook`), so a
crash can neither lose a mark nor push one twice.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from tuinews.config import FeedConfig
from tuinews.core.models import ParsedItem
from tuinews.io.store import Store

CHUNK = 500
FIELDS = ("read", "starred")


@dataclass(frozen=True, slots=True)
class ServerItem:
    """A story as the server sent it, already cleaned into a ParsedItem."""

    item_id: int
    stream_id: str
    crawled: float | None  # seconds; when the server stored it
    read: bool
    starred: bool
    item: ParsedItem


@dataclass(frozen=True, slots=True)
class Pending:
    """A read/starred change the server has not accepted yet."""

    seq: int
    item_id: int
    field: str
    value: bool


@dataclass
class SubscriptionsResult:
    """How the server's subscription list changed the stored feeds."""

    total: int = 0
    new: int = 0
    removed: int = 0
    both: list[str] = field(default_factory=list)  # URLs also in [[feeds]]: one feed, the server's


@dataclass
class IngestResult:
    """What storing one batch of server items did."""

    new_ids: list[int] = field(default_factory=list)
    updated: int = 0
    matched: int = 0  # already stored (a [[feeds]] copy of the same story): linked, not duplicated
    skipped: int = 0  # from a feed the subscription list does not have


def _chunks(seq: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def _marks(n: int) -> str:
    return ",".join("?" * n)


class SyncStore:
    """Sync's tables, on the store's database."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    # -- pending changes ---------------------------------------------------------

    def install(self) -> None:
        """Record a pending change with every read/starred change of a synced story."""
        self.store.state_hook = self._record

    def _record(self, conn: sqlite3.Connection, story_ids: Sequence[int], name: str, value: bool) -> None:
        if name not in FIELDS:
            return
        conn.execute(
            f"""INSERT OR REPLACE INTO sync_pending (item_id, field, value)
                SELECT i.item_id, ?, ? FROM sync_items i JOIN stories s ON s.id = i.story_id
                WHERE i.story_id IN ({_marks(len(story_ids))}) AND s.{name} != ?""",
            (name, int(value), *story_ids, int(value)),
        )

    def pending(self) -> list[Pending]:
        """Every change not yet accepted by the server, oldest first."""
        rows = self.db.conn.execute("SELECT seq, item_id, field, value FROM sync_pending ORDER BY seq")
        return [Pending(seq, item, name, bool(value)) for seq, item, name, value in rows]

    def pending_count(self) -> int:
        """How many changes wait for the server."""
        return self.db.conn.execute("SELECT count(*) FROM sync_pending").fetchone()[0]

    def accept(self, changes: Sequence[Pending]) -> None:
        """The server took these: forget them (a change made again since keeps its newer row)."""
        with self.db.write() as conn:
            for chunk in _chunks([c.seq for c in changes]):
                conn.execute(f"DELETE FROM sync_pending WHERE seq IN ({_marks(len(chunk))})", chunk)

    # -- markers -------------------------------------------------------------------

    def check_server(self, identity: str) -> bool:
        """Start over when the configured server or user changed (its ids mean nothing here).

        Returns True when sync state was reset.  Stories stay; only the mapping goes.
        """
        current = self.store.meta("sync.server")
        if current == identity:
            return False
        with self.db.write() as conn:
            if current is not None:
                conn.execute("DELETE FROM sync_items")
                conn.execute("DELETE FROM sync_pending")
                feed_ids = [r[0] for r in conn.execute("SELECT feed_id FROM sync_subscriptions")]
                conn.execute("DELETE FROM sync_subscriptions")
                for chunk in _chunks(feed_ids):
                    conn.execute(f"UPDATE feeds SET active = 0 WHERE id IN ({_marks(len(chunk))})", chunk)
                conn.execute("DELETE FROM meta WHERE key IN ('sync.since', 'sync.last')")
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('sync.server', ?)", (identity,))
        return current is not None

    def since(self) -> float | None:
        """The newest crawl time (server clock, seconds) of any item stored so far."""
        value = self.store.meta("sync.since")
        return float(value) if value else None

    def last_sync(self) -> float | None:
        """When the last sync finished (local clock)."""
        value = self.store.meta("sync.last")
        return float(value) if value else None

    def finish(self, since: float | None, now: float | None = None) -> None:
        """Remember a completed sync: its time and the newest crawl time seen."""
        with self.db.write() as conn:
            if since is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('sync.since', ?)", (repr(since),)
                )
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('sync.last', ?)",
                (repr(time.time() if now is None else now),),
            )

    # -- subscriptions -------------------------------------------------------------

    def feeds_by_stream(self) -> dict[str, int]:
        """Stream id -> feed id of every subscription."""
        return dict(self.db.conn.execute("SELECT stream_id, feed_id FROM sync_subscriptions"))

    def server_feeds(self) -> dict[str, str]:
        """Feed URL -> stream id of every subscription."""
        sql = "SELECT f.url, s.stream_id FROM sync_subscriptions s JOIN feeds f ON f.id = s.feed_id"
        return dict(self.db.conn.execute(sql))

    def apply_subscriptions(
        self, subs: Sequence[object], local: Sequence[FeedConfig], now: float | None = None
    ) -> SubscriptionsResult:
        """Make the stored server feeds follow the server's list (folders become tags).

        A subscription whose URL is also a [[feeds]] entry is that same feed row: the
        server's title and folders, plus the entry's own tags and title.
        """
        now = time.time() if now is None else now
        local_by_url = {f.url: f for f in local}
        result = SubscriptionsResult(total=len(subs))
        with self.db.write() as conn:
            before = dict(conn.execute("SELECT stream_id, feed_id FROM sync_subscriptions"))
            stored = {
                row[0]: row[1:]
                for row in conn.execute(
                    """SELECT s.stream_id, f.url, f.title, f.site_url, f.tags, f.active, s.labels
                       FROM sync_subscriptions s JOIN feeds f ON f.id = s.feed_id"""
                )
            }
            seen: set[str] = set()
            touched: list[int] = []
            for sub in subs:
                url, stream = sub.url, sub.stream_id  # type: ignore[attr-defined]
                mine = local_by_url.get(url)
                tags = list(sub.labels) + [t for t in (mine.tags if mine else ()) if t not in sub.labels]  # type: ignore[attr-defined]
                if mine is not None:
                    result.both.append(url)
                seen.add(stream)
                same = (url, sub.title or stored.get(stream, ("", ""))[1], sub.site_url, json.dumps(tags), 1,  # type: ignore[attr-defined]
                        json.dumps(list(sub.labels)))  # type: ignore[attr-defined]  # fmt: skip
                if stored.get(stream) == same and stream in before:
                    touched.append(before[stream])  # unchanged: only its "last success" moves
                    continue
                conn.execute(
                    """INSERT INTO feeds (url, title, site_url, tags, active, created_at)
                       VALUES (?, ?, ?, ?, 1, ?)
                       ON CONFLICT (url) DO UPDATE SET title = coalesce(nullif(excluded.title, ''), title),
                           site_url = coalesce(excluded.site_url, site_url), tags = excluded.tags, active = 1""",
                    (url, sub.title, sub.site_url, json.dumps(tags), now),  # type: ignore[attr-defined]
                )
                feed_id = conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()[0]
                conn.execute(
                    "INSERT OR REPLACE INTO sync_subscriptions (stream_id, feed_id, labels) VALUES (?, ?, ?)",
                    (stream, feed_id, json.dumps(list(sub.labels))),  # type: ignore[attr-defined]
                )
                touched.append(feed_id)
                if stream not in before:
                    result.new += 1
            conn.executemany(
                """UPDATE feeds SET last_fetch_at = ?, last_success_at = ?, last_status = NULL,
                   last_error = NULL, error_count = 0, next_fetch_at = NULL WHERE id = ?""",
                [(now, now, feed_id) for feed_id in touched],
            )
            gone = [(stream, feed_id) for stream, feed_id in before.items() if stream not in seen]
            for stream, feed_id in gone:
                conn.execute("DELETE FROM sync_subscriptions WHERE stream_id = ?", (stream,))
                url = conn.execute("SELECT url FROM feeds WHERE id = ?", (feed_id,)).fetchone()
                still = conn.execute(
                    "SELECT 1 FROM sync_subscriptions WHERE feed_id = ? LIMIT 1", (feed_id,)
                ).fetchone()
                if still is None:
                    mine = local_by_url.get(url[0]) if url else None
                    if mine is None:
                        conn.execute("UPDATE feeds SET active = 0 WHERE id = ?", (feed_id,))
                    else:  # back to a plain [[feeds]] entry: its own tags, fetched here again
                        conn.execute(
                            "UPDATE feeds SET tags = ?, next_fetch_at = NULL WHERE id = ?",
                            (json.dumps(list(mine.tags)), feed_id),
                        )
            result.removed = len(gone)
        return result

    def forget_subscription(self, stream_id: str, local: Sequence[FeedConfig]) -> None:
        """After an unsubscribe: the feed leaves the lists (its stories stay stored)."""
        with self.db.write() as conn:
            row = conn.execute(
                "SELECT s.feed_id, f.url FROM sync_subscriptions s JOIN feeds f ON f.id = s.feed_id "
                "WHERE s.stream_id = ?",
                (stream_id,),
            ).fetchone()
            conn.execute("DELETE FROM sync_subscriptions WHERE stream_id = ?", (stream_id,))
            if row and row[1] not in {f.url for f in local}:
                conn.execute("UPDATE feeds SET active = 0 WHERE id = ?", (row[0],))

    # -- items ---------------------------------------------------------------------

    def unknown(self, item_ids: Iterable[int]) -> list[int]:
        """Those ids the database has never stored (pruned ones count as known)."""
        wanted = list(dict.fromkeys(item_ids))
        known: set[int] = set()
        conn = self.db.conn
        if len(wanted) > 5000:  # one scan of the table beats a hundred IN lists
            known = {r[0] for r in conn.execute("SELECT item_id FROM sync_items")}
        else:
            for chunk in _chunks(wanted):
                sql = f"SELECT item_id FROM sync_items WHERE item_id IN ({_marks(len(chunk))})"
                known.update(r[0] for r in conn.execute(sql, chunk))
        return [i for i in wanted if i not in known]

    def item_ids_of(self, story_ids: Sequence[int]) -> dict[int, int]:
        """Story id -> server item id, for those stories that came from (or match) the server."""
        out: dict[int, int] = {}
        for chunk in _chunks(list(story_ids)):
            sql = f"SELECT story_id, item_id FROM sync_items WHERE story_id IN ({_marks(len(chunk))})"
            out.update(self.db.conn.execute(sql, chunk))
        return out

    def ingest(
        self, items: Sequence[ServerItem], feeds: dict[str, int], now: float | None = None
    ) -> IngestResult:
        """Store a batch of server items in one transaction, with their ids and state.

        A story already stored in the same feed with the same link (fetched from a
        [[feeds]] entry before) is linked to the server's item instead of stored twice.
        """
        now = time.time() if now is None else now
        result = IngestResult()
        by_feed: dict[int, list[ServerItem]] = {}
        for it in items:
            feed_id = feeds.get(it.stream_id)
            if feed_id is None:
                result.skipped += 1
                continue
            by_feed.setdefault(feed_id, []).append(it)
        with self.db.write() as conn:
            mapped: set[int] = set()
            rows: list[tuple[int, int | None, float | None]] = []
            state: list[tuple[int, int, int]] = []  # (read, starred, story id) from the server
            pending: list[tuple[int, str, int]] = []
            for feed_id, group in by_feed.items():
                matched = self._match_links(conn, feed_id, group)
                result.matched += len(matched)
                fresh = [it for it in group if it.item_id not in matched]
                new_ids, updated, ids = self.store.save_in(conn, feed_id, [it.item for it in fresh], now)
                result.new_ids.extend(new_ids)
                result.updated += updated
                new = set(new_ids)
                killed_read = self._read_among(conn, new) if new else set()
                taken = self._taken(conn, [i for i in ids.values()])
                for it in group:
                    sid = matched.get(it.item_id) or ids.get(it.item.key)
                    if sid is not None and taken.get(sid, it.item_id) != it.item_id:
                        sid = None
                    if sid is not None and sid in mapped:
                        sid = None  # a second server item for the same story: only the first speaks for it
                    if sid is not None:
                        mapped.add(sid)
                        if sid in killed_read and not it.read:
                            pending.append(
                                (it.item_id, "read", 1)
                            )  # a [[filters]] read rule: tell the server
                            state.append((1, int(it.starred), sid))
                        else:
                            state.append((int(it.read), int(it.starred), sid))
                    rows.append((it.item_id, sid, it.crawled))
            conn.executemany(
                "INSERT OR REPLACE INTO sync_items (item_id, story_id, crawled) VALUES (?, ?, ?)", rows
            )
            conn.executemany("UPDATE stories SET read = ?, starred = ? WHERE id = ?", state)
            conn.executemany(
                "INSERT OR REPLACE INTO sync_pending (item_id, field, value) VALUES (?, ?, ?)", pending
            )
        return result

    def _taken(self, conn: sqlite3.Connection, story_ids: Sequence[int]) -> dict[int, int]:
        """Story id -> the server item already speaking for it, among these stories."""
        out: dict[int, int] = {}
        for chunk in _chunks(list(story_ids)):
            sql = f"SELECT story_id, item_id FROM sync_items WHERE story_id IN ({_marks(len(chunk))})"
            out.update(conn.execute(sql, chunk))
        return out

    def _match_links(
        self, conn: sqlite3.Connection, feed_id: int, group: Sequence[ServerItem]
    ) -> dict[int, int]:
        """Items whose link is already a story of this feed that no server item speaks for."""
        links = {it.item.link: it.item_id for it in reversed(group) if it.item.link}
        if not links:
            return {}
        out: dict[int, int] = {}
        for chunk in _chunks(list(links)):
            sql = f"""SELECT s.link, s.id FROM stories s WHERE s.feed_id = ? AND s.link IN ({_marks(len(chunk))})
                      AND NOT EXISTS (SELECT 1 FROM sync_items i WHERE i.story_id = s.id)"""
            for link, sid in conn.execute(sql, (feed_id, *chunk)):
                if links[link] not in out and sid not in out.values():
                    out[links[link]] = sid
        return out

    def _read_among(self, conn: sqlite3.Connection, ids: set[int]) -> set[int]:
        out: set[int] = set()
        for chunk in _chunks(list(ids)):
            sql = f"SELECT id FROM stories WHERE read = 1 AND id IN ({_marks(len(chunk))})"
            out.update(r[0] for r in conn.execute(sql, chunk))
        return out

    # -- state ---------------------------------------------------------------------

    def apply_state(self, unread: set[int], starred: set[int]) -> tuple[list[int], dict[str, int]]:
        """Make synced stories follow the server's unread and starred sets.

        A story with a change not yet pushed keeps its own state for that field (the
        newer word wins).  Returns the story ids that changed and counts per change.
        """
        counts = {"read": 0, "unread": 0, "starred": 0, "unstarred": 0}
        conn = self.db.conn
        waiting = set(conn.execute("SELECT item_id, field FROM sync_pending"))
        rows = conn.execute(
            """SELECT i.item_id, s.id, s.read, s.starred FROM sync_items i
               JOIN stories s ON s.id = i.story_id"""
        ).fetchall()
        reads: list[tuple[int, int]] = []
        stars: list[tuple[int, int]] = []
        for item_id, sid, read, star in rows:
            want_read = item_id not in unread
            if bool(read) != want_read and (item_id, "read") not in waiting:
                reads.append((int(want_read), sid))
                counts["read" if want_read else "unread"] += 1
            want_star = item_id in starred
            if bool(star) != want_star and (item_id, "starred") not in waiting:
                stars.append((int(want_star), sid))
                counts["starred" if want_star else "unstarred"] += 1
        if reads or stars:
            with self.db.write() as w:
                # Marks made while the lists were downloaded are pending now: they win.
                now_waiting = set(w.execute("SELECT item_id, field FROM sync_pending")) - waiting
                if now_waiting:
                    items = {sid: item for item, sid, _, _ in rows}
                    reads = [(v, s) for v, s in reads if (items[s], "read") not in now_waiting]
                    stars = [(v, s) for v, s in stars if (items[s], "starred") not in now_waiting]
                w.executemany("UPDATE stories SET read = ? WHERE id = ?", reads)
                w.executemany("UPDATE stories SET starred = ? WHERE id = ?", stars)
        changed = sorted({sid for _, sid in reads} | {sid for _, sid in stars})
        return changed, counts
