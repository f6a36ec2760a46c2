"""Programs in a real pseudo-terminal: a private tmux server, screen polling, peak memory.

The benches' tmux server has its own socket (`-L`), an empty config, and
`exit-empty off`, so it is up before the first timed launch and never
touches a user's tmux.  Each program is started with `exec` so the pane's
process *is* the program and its /proc status is the program's.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from harness import OUT, vm_status

POLL = 0.01  # seconds between screen captures


class Tmux:
    """A private tmux server for the bench; `close()` stops it and everything in it."""

    def __init__(self, width: int = 160, height: int = 45) -> None:
        self.socket = f"tuinews-bench-{os.getpid()}"
        self.width, self.height = width, height
        OUT.mkdir(parents=True, exist_ok=True)
        conf = OUT / "tmux.conf"
        conf.write_text("set -g exit-empty off\nset -g default-terminal tmux-256color\nset -g status off\n")
        self._cmd("-f", str(conf), "start-server")
        self._socket_path = self._cmd("display", "-p", "#{socket_path}").strip()
        self._pids: dict[str, int] = {}

    def _cmd(self, *args: str, check: bool = False) -> str:
        proc = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check)
        return proc.stdout

    def launch(self, name: str, argv: Sequence[str], env: Mapping[str, str] | None = None) -> float:
        """Start `argv` in a new session; returns the perf_counter time just before the launch."""
        assign = [f"{k}={v}" for k, v in (env or {}).items()]
        command = "exec " + shlex.join(["env", *assign, *argv])
        started = time.perf_counter()
        self._cmd(
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            command,
            check=True,
        )
        pid = self._cmd("display", "-p", "-t", name, "#{pane_pid}").strip()
        self._pids[name] = int(pid)
        return started

    def screen(self, name: str) -> str:
        """The pane's text as shown now."""
        return self._cmd("capture-pane", "-p", "-t", name)

    def wait_for(self, name: str, needles: Sequence[str], started: float, timeout: float) -> float | None:
        """Seconds from `started` until any of `needles` is on screen (None: timed out or exited)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            text = self.screen(name)
            if any(n in text for n in needles):
                return time.perf_counter() - started
            if not self.alive(name):
                return None
            time.sleep(POLL)
        return None

    def alive(self, name: str) -> bool:
        pid = self._pids.get(name)
        return pid is not None and Path(f"/proc/{pid}").exists()

    def peak_rss(self, name: str) -> float | None:
        """VmHWM (peak resident set) of the pane's program, in MB."""
        pid = self._pids.get(name)
        return vm_status(pid).get("VmHWM") if pid else None

    def kill(self, name: str) -> None:
        """Stop the program (by its pid) and its session."""
        pid = self._pids.pop(name, None)
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._cmd("kill-session", "-t", name)

    def close(self) -> None:
        for name in list(self._pids):
            self.kill(name)
        self._cmd("kill-server")
        if self._socket_path:
            Path(self._socket_path).unlink(missing_ok=True)

    def __enter__(self) -> Tmux:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
