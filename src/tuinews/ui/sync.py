"""Sync in the app: the main screen's part of it, as a mixin (MainScreen inherits it).

A sync runs in a thread worker with its own event loop and HTTP client, so the
UI loop never parses a server's JSON; it reports progress as messages.  A mark
made here raises a flag (from whichever thread made it); a one-second tick sees
the flag and pushes in the background.  A failure is one notification: the app
goes on offline with everything stored, and marks wait in the database.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING

from tuinews.core.dates import ago
from tuinews.errors import TuinewsError
from tuinews.ui.messages import RowsChanged, SyncFinished, SyncProgress

if TYPE_CHECKING:
    from tuinews.service import Service
    from tuinews.sync.engine import SyncReport

PUSH_TICK = 1.0  # seconds between looks at the "marked" flag
RETRY_AFTER = 60.0  # seconds before pushing again after a failure
RELOAD_OVER = 2000  # new stories past which the view is reloaded rather than added to
PHASES = {
    "logging in": "logging in",
    "pushing": "sending marks",
    "subscriptions": "subscriptions",
    "new stories": "looking for new stories",
    "stories": "stories",
    "state": "read/starred",
    "grouping": "grouping same-story reports",
}


class SyncMixin:
    """What MainScreen does with [sync]: sync with refreshes, push marks, show where it stands."""

    service: Service

    def sync_setup(self) -> None:
        """Call from on_mount: install the mark flag and the push tick (only with [sync])."""
        self.syncing = False
        self.sync_status = ""
        self._sync_error: str | None = None
        self._sync_dirty = threading.Event()
        self._push_after = 0.0
        self._child: subprocess.Popen[bytes] | None = None
        if self.service.config.sync is None:
            return
        store = self.service.store
        record = store.state_hook

        def hook(conn, ids, name, value) -> None:  # type: ignore[no-untyped-def]
            if record is not None:
                record(conn, ids, name, value)
            self._sync_dirty.set()

        store.state_hook = hook
        self.set_interval(PUSH_TICK, self._push_tick)  # type: ignore[attr-defined]
        self.set_interval(30.0, self._show_sync_status)  # type: ignore[attr-defined]
        for warning in self.service.config.warnings:
            self.notify(warning, severity="warning", markup=False, timeout=8)  # type: ignore[attr-defined]
        self._show_sync_status()

    # -- syncing ---------------------------------------------------------------------

    def start_sync(self, full: bool = False) -> bool:
        """Sync now in the background (False when there is no [sync] or one is running)."""
        if self.service.config.sync is None or self.syncing:
            return False
        self.syncing = True
        self._sync_dirty.clear()
        self._sync_status_text("starting")
        self._sync_worker(full)
        return True

    def _sync_worker(self, full: bool) -> None:
        def progress(phase: str, done: int, total: int) -> None:
            self.post_message(SyncProgress(phase, done, total))  # type: ignore[attr-defined]

        def in_thread() -> None:
            try:
                report = asyncio.run(self.service.sync(full=full, progress=progress))
            except TuinewsError as exc:
                self.post_message(SyncFinished(None, exc.message))  # type: ignore[attr-defined]
            else:
                self.post_message(SyncFinished(report, None))  # type: ignore[attr-defined]

        def work() -> None:
            config = self.service.config.path
            if config is None:
                in_thread()
                return
            argv = [sys.executable, "-m", "tuinews.sync.child", str(config), str(self.service.store.path)]
            try:
                child = subprocess.Popen(
                    [*argv, *(["--full"] if full else [])],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                )
            except OSError:  # no processes here: the same sync in this thread
                in_thread()
                return
            self._child = child
            self.service.upkeep_elsewhere = True
            try:
                outcome = self._from_child(child, progress)
            finally:
                self.service.upkeep_elsewhere = False
            self.post_message(outcome)  # type: ignore[attr-defined]

        self.run_worker(work, thread=True, group="sync", exit_on_error=False)  # type: ignore[attr-defined]

    def _from_child(self, child: subprocess.Popen[bytes], progress) -> SyncFinished:  # type: ignore[no-untyped-def]
        """Follow the sync process's lines until it ends; its outcome as a message."""
        from tuinews.sync.engine import report_from_dict

        outcome = SyncFinished(None, "the sync process ended without a word")
        assert child.stdout is not None
        for raw in child.stdout:
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            if "progress" in data:
                progress(*data["progress"])
            elif "report" in data:
                outcome = SyncFinished(report_from_dict(data["report"]), None)
            elif "error" in data:
                outcome = SyncFinished(None, str(data["error"]))
        err = child.stderr.read() if child.stderr is not None else b""
        child.wait()
        if outcome.error == "the sync process ended without a word" and err.strip():
            last = err.decode("utf-8", "replace").strip().splitlines()[-1][:200]
            outcome = SyncFinished(None, f"the sync process failed ({last})")
        self._child = None
        return outcome

    def sync_teardown(self) -> None:
        """Call from on_unmount: a sync still running stops with the app."""
        child = getattr(self, "_child", None)
        if child is not None and child.poll() is None:
            child.kill()

    def _push_tick(self) -> None:
        if not self._sync_dirty.is_set() or self.syncing or time.monotonic() < self._push_after:
            return
        self._sync_dirty.clear()
        self.syncing = True

        def work() -> None:
            try:
                report = asyncio.run(self.service.push())
            except TuinewsError as exc:
                self.post_message(SyncFinished(None, exc.message, push_only=True))  # type: ignore[attr-defined]
            else:
                self.post_message(SyncFinished(report, None, push_only=True))  # type: ignore[attr-defined]

        self.run_worker(work, thread=True, group="sync", exit_on_error=False)  # type: ignore[attr-defined]

    def on_sync_progress(self, message: SyncProgress) -> None:
        label = PHASES.get(message.phase, message.phase)
        if message.total:
            label = f"{label} {message.done:,}/{message.total:,}"
        self._sync_status_text(label)

    def on_sync_finished(self, message: SyncFinished) -> None:
        self.syncing = False
        if message.error is not None:
            self._push_after = time.monotonic() + RETRY_AFTER
            if self._sync_error is None:  # one notification per failure spell, not per retry
                self.notify(  # type: ignore[attr-defined]
                    f"{message.error}. Working offline: marks are kept and sent at the next sync.",
                    title="Sync failed",
                    severity="warning",
                    markup=False,
                    timeout=10,
                )
            self._sync_error = message.error
            self._show_sync_status()
            return
        self._sync_error = None
        if message.push_only:
            self._show_sync_status()
            return
        report: SyncReport = message.report  # type: ignore[assignment]
        self._show_sync_status()
        self._apply_sync(report)

    def _apply_sync(self, report: SyncReport) -> None:
        """New stories join the list (or the view reloads after a big first sync); state changes show."""
        new = len(report.new_ids)
        if new or report.changed_ids:
            store = self.service.store
            store.generation += 1  # stored (and grouped) by the sync process: cached answers are stale
            store.forget_clusters()
        if new > RELOAD_OVER:
            self.load_view(self.view)  # type: ignore[attr-defined]
        elif new:
            self._sync_rows(list(report.new_ids), self.view)  # type: ignore[attr-defined]
        if report.changed_ids:
            self._sync_changed(list(report.changed_ids))
        if new:
            self._cluster_pending()  # type: ignore[attr-defined]
        subs = report.subscriptions
        parts = []
        if new:
            parts.append(f"{new:,} new {'story' if new == 1 else 'stories'}")
        pulled = sum(report.pulled.values())
        if pulled:
            parts.append(f"{pulled:,} read/starred changes")
        if subs.new or subs.removed:
            parts.append(f"{subs.new} feeds added, {subs.removed} removed")
        if parts:
            self.notify("Synced: " + ", ".join(parts) + ".", markup=False, timeout=4)  # type: ignore[attr-defined]

    def _sync_rows(self, ids: list[int], view) -> None:  # type: ignore[no-untyped-def]
        def work() -> None:
            rows, seeds = self._new_rows(ids, view)  # type: ignore[attr-defined]
            self.app.call_from_thread(self._add_synced_rows, rows, seeds)  # type: ignore[attr-defined]

        self.run_worker(work, thread=True, group="sync-rows", exit_on_error=False)  # type: ignore[attr-defined]

    def _add_synced_rows(self, rows: list, seeds: list) -> None:
        self._pending_rows.extend(rows)  # type: ignore[attr-defined]
        self._pending_updates.extend(seeds)  # type: ignore[attr-defined]
        self._flush_rows()  # type: ignore[attr-defined]

    def _sync_changed(self, ids: list[int]) -> None:
        def work() -> None:
            self.post_message(RowsChanged(self.service.rows_by_ids(ids)))  # type: ignore[attr-defined]

        self.run_worker(work, thread=True, group="sync-rows", exit_on_error=False)  # type: ignore[attr-defined]

    # -- the header ----------------------------------------------------------------------

    def _sync_status_text(self, text: str) -> None:
        self.sync_status = f"Sync: {text}"
        self._update_status()  # type: ignore[attr-defined]

    def _show_sync_status(self) -> None:
        if self.service.config.sync is None or self.syncing:
            return
        if self._sync_error is not None:
            self.sync_status = "Sync: offline"
        else:
            last = self.service.last_sync()
            self.sync_status = f"Synced {ago(last)}" if last else "Not synced yet"
        self._update_status()  # type: ignore[attr-defined]

    # -- unsubscribe (feed health) ---------------------------------------------------------

    def unsubscribe_feed(self, url: str) -> None:
        """Drop a server subscription (asked from feed health, after a confirmation)."""

        def work() -> None:
            asyncio.run(self.service.sync_engine.unsubscribe(url))
            self.app.call_from_thread(self._unsubscribed, url)  # type: ignore[attr-defined]

        self.run_worker(work, thread=True, group="sync-edit", exit_on_error=False)  # type: ignore[attr-defined]

    def _unsubscribed(self, url: str) -> None:
        from tuinews.ui.screens.errors import FeedHealth

        self.notify(f"Unsubscribed from {url} on the server.", markup=False, timeout=5)  # type: ignore[attr-defined]
        screen = self.app.screen  # type: ignore[attr-defined]
        if isinstance(screen, FeedHealth):
            self._reload_health(screen)  # type: ignore[attr-defined]
