"""SQLite connections: one per thread, WAL, a busy timeout, short explicit transactions.

`Database` owns the file.  It refuses files that are not ours (another
program's database, a corrupt file, a newer schema) with a clear message and
never overwrites them.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tuinews.errors import StorageError
from tuinews.io.schema import APPLICATION_ID, MIGRATIONS

BUSY_TIMEOUT_MS = 10_000
WAL_CHECKPOINT_PAGES = 4000


class Database:
    """A tuinews database file; `conn` is this thread's connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._open_and_migrate()

    # -- connections -------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA temp_store = MEMORY")
            # Checkpoint the WAL every ~16 MB instead of every 4 MB: a refresh commits once per feed,
            # and each checkpoint copies pages back and syncs the file.
            conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        except sqlite3.DatabaseError as exc:
            raise self._unusable(exc) from None
        except sqlite3.Error as exc:
            raise self._error("cannot open", exc) from None
        with self._lock:
            self._all.append(conn)
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on error)."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._error("cannot start a write", exc) from None
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        else:
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.rollback()
                raise self._error("cannot commit", exc) from None

    def close(self) -> None:
        """Close every thread's connection (call once, at exit)."""
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            with suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()

    def _unusable(self, exc: BaseException) -> StorageError:
        return StorageError(
            f"{self.path}: not a usable database ({exc}); it was left untouched — "
            "move it aside to start a new one"
        )

    def _error(self, what: str, exc: BaseException) -> StorageError:
        return StorageError(f"{self.path}: {what}: {exc}")

    # -- schema ------------------------------------------------------------

    def _open_and_migrate(self) -> None:
        if self.path.is_dir():
            raise StorageError(f"{self.path}: is a directory, not a database file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"{self.path.parent}: cannot create data directory: {exc.strerror}") from None
        conn = self.conn
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise self._unusable(exc) from None
        if app_id != APPLICATION_ID and objects:
            raise StorageError(
                f"{self.path}: is another program's SQLite database; it was left untouched — "
                "choose another data directory or move the file aside"
            )
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StorageError(
                f"{self.path}: was written by a newer tuinews (schema {version}, this one knows "
                f"{len(MIGRATIONS)}); upgrade tuinews"
            )
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as exc:
            raise self._error("cannot enable WAL", exc) from None
        if version < len(MIGRATIONS):
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        conn = self.conn
        for number in range(version, len(MIGRATIONS)):
            try:
                conn.execute("BEGIN IMMEDIATE")
                current = conn.execute("PRAGMA user_version").fetchone()[0]
                if current > number:  # another process migrated meanwhile
                    conn.execute("COMMIT")
                    continue
                for statement in _statements(MIGRATIONS[number]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {number + 1}")
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.rollback()
                raise self._error(f"migration {number + 1} failed", exc) from None
        conn.execute("ANALYZE")


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (none of ours contain ';' in literals)."""
    return [s.strip() for s in script.split(";") if s.strip()]
