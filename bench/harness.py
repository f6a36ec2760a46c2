"""What every bench shares: measuring a child process, figures, budgets and the printed table.

A figure is one number with an id; `budgets.toml` holds a budget for some ids.
Each bench prints its own table and, with `--json PATH`, writes its figures
there so `run_all.py` can gather every bench's figures into one table.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import threading
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / ".out"
VENV_BIN = REPO / ".venv" / "bin"
BUDGETS = BENCH / "budgets.toml"


@dataclass(frozen=True)
class Run:
    """One client run: wall and CPU seconds and peak memory of its whole process tree, exit code."""

    wall: float
    cpu: float  # user + system of the process and every descendant (parse workers included)
    rss_mb: float  # peak of the tree's summed VmRSS (sampled), or the main process's own peak if higher
    rc: int
    procs: int = 1  # processes seen in the tree
    unreaped: int = 0  # descendants still alive after the deadline: their CPU is missing


_SUBREAPER = False


def _become_subreaper() -> None:
    """Orphaned descendants of our children (a forkserver, pool workers) are re-parented to us.

    Without this a client's worker processes would be re-parented to init when
    the client exits, and their CPU time would never be counted anywhere.
    """
    global _SUBREAPER
    if not _SUBREAPER:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
        _SUBREAPER = True


def descendants(pid: int) -> list[int]:
    """Every live descendant of `pid` (from /proc/PID/task/TID/children)."""
    out: list[int] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                kids = Path(f"/proc/{p}/task/{tid}/children").read_text().split()
            except OSError:
                continue
            for k in map(int, kids):
                out.append(k)
                todo.append(k)
    return out


def tree_rss_mb(pid: int | str = "self") -> float:
    """Summed VmRSS of a process and its descendants, in MB (shared pages count once per process)."""
    pid = os.getpid() if pid == "self" else int(pid)
    return sum(vm_status(p).get("VmRSS", 0.0) for p in [pid, *descendants(pid)])


class _TreeSampler(threading.Thread):
    """Samples a process tree every 20 ms: its summed RSS peak and every pid seen."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0.0
        self.seen: set[int] = {pid}
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            pids = [self.pid, *descendants(self.pid)]
            self.seen.update(pids)
            self.peak = max(self.peak, sum(vm_status(p).get("VmRSS", 0.0) for p in pids))
            self._stop_event.wait(0.02)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def run_measured(
    cmd: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    stdout: Path | None = None,
    stderr: Path | None = None,
    timeout: float = 900.0,
) -> Run:
    """Run one client to completion and measure it and only it.

    CPU comes from wait4: the client's own rusage, which includes the
    descendants it reaped, plus the rusage of descendants orphaned to us (we
    are a child subreaper) -- so a forkserver and its parse workers count.
    The feed farm is a sibling process and never does.  Wall time ends when
    the client exits.
    """
    _become_subreaper()
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    err = stderr.open("wb") if stderr else subprocess.DEVNULL
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(list(cmd), env=dict(env) if env else None, stdout=out, stderr=err)
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        wall = time.perf_counter() - started
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime
        cpu += _reap_orphans(sampler.seen - {proc.pid}, time.perf_counter() + 10)
        unreaped = sum(1 for p in sampler.seen - {proc.pid} if Path(f"/proc/{p}").exists())
    finally:
        for f in (out, err):
            if hasattr(f, "close"):
                f.close()
    rss = max(usage.ru_maxrss / 1024, sampler.peak)
    return Run(wall, cpu, rss, proc.returncode, len(sampler.seen), unreaped)


def _reap_orphans(pids: set[int], deadline: float) -> float:
    """Wait for descendants re-parented to us; returns their CPU seconds."""
    cpu = 0.0
    pending = set(pids)
    while pending and time.perf_counter() < deadline:
        for p in list(pending):
            try:
                rpid, _, usage = os.wait4(p, os.WNOHANG)
            except ChildProcessError:  # not ours: reaped (and counted) by its own parent, or not yet orphaned
                if not Path(f"/proc/{p}").exists():
                    pending.discard(p)
                continue
            if rpid:
                cpu += usage.ru_utime + usage.ru_stime
                pending.discard(p)
        time.sleep(0.01)
    return cpu


def exit_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so `with` blocks stop farms, tmux servers and temp dirs."""
    import signal

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def vm_status(pid: int | str = "self") -> dict[str, float]:
    """VmRSS / VmHWM / VmPeak of a process, in MB (empty when it is gone)."""
    out: dict[str, float] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM", "VmPeak"):
            out[name] = int(value.split()[0]) / 1024
    return out


# -- figures and budgets -------------------------------------------------------------


@dataclass
class Figure:
    """One measured number; `value` None means it could not be measured (see `note`)."""

    id: str
    label: str
    value: float | None
    unit: str = ""
    note: str = ""


@dataclass
class Budget:
    """A target from budgets.toml."""

    id: str
    max: float
    unit: str
    what: str
    must_show: bool = True


@dataclass
class Report:
    """A bench's figures, and how to print them beside their budgets."""

    bench: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, id: str, label: str, value: float | None, unit: str = "", note: str = "") -> None:
        self.figures.append(Figure(id, label, value, unit, note))

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"note: {text}", flush=True)

    def write_json(self, path: Path | None) -> None:
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"bench": self.bench, "figures": [asdict(f) for f in self.figures], "notes": self.notes}
        path.write_text(json.dumps(data, indent=1))


def load_budgets(path: Path = BUDGETS) -> dict[str, Budget]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        key: Budget(key, float(v["max"]), v.get("unit", ""), v.get("what", ""), v.get("must_show", True))
        for key, v in data.items()
    }


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit in ("x", "ratio"):
        return f"{value:.2f}x"
    if unit == "%":
        return f"{value:+.1f} %"
    if unit in ("s", "ms", "MB"):
        digits = 3 if unit == "s" and abs(value) < 10 else 1
        return f"{value:.{digits}f} {unit}"
    return f"{value:g} {unit}".strip()


def verdict(fig: Figure, budget: Budget | None) -> str:
    if budget is None:
        return ""
    if fig.value is None:
        return "n/a"
    return "pass" if fig.value <= budget.max else "FAIL"


def print_table(figures: Sequence[Figure], budgets: Mapping[str, Budget], title: str = "") -> None:
    """figure | measured | budget | verdict, then the notes of figures that have one."""
    rows = []
    for fig in figures:
        budget = budgets.get(fig.id)
        rows.append(
            (
                fig.label,
                fmt(fig.value, fig.unit),
                f"<= {fmt(budget.max, budget.unit)}" if budget else "",
                verdict(fig, budget),
            )
        )
    head = ("figure", "measured", "budget", "")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    line = "-+-".join("-" * w for w in widths)
    if title:
        print(f"\n== {title} ==")
    print(" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print(line)
    for r in rows:
        print(
            " | ".join(
                c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    notes = [(f.label, f.note) for f in figures if f.note]
    for label, note in notes:
        print(f"  * {label}: {note}")
    print(flush=True)


# -- tuinews config files ------------------------------------------------------------


def _toml(value: object) -> str:
    """A TOML value (JSON's string escapes are valid TOML basic-string escapes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def write_tuinews_config(
    path: Path,
    feeds: Sequence[tuple[str, str | None]],
    settings: Mapping[str, object],
    topics: Sequence[object] = (),
) -> Path:
    """A tuinews.toml with these feeds (url, title), settings and topics (TopicConfig)."""
    lines = ["[settings]"] + [f"{k} = {_toml(v)}" for k, v in settings.items()] + [""]
    for t in topics:
        lines += ["[[topics]]", f"name = {_toml(t.name)}", f"terms = {_toml(t.terms)}"]  # type: ignore[attr-defined]
        lines += [f"exclude = {_toml(t.exclude)}", ""]  # type: ignore[attr-defined]
    for url, title in feeds:
        lines += ["[[feeds]]", f"url = {_toml(url)}"] + ([f"title = {_toml(title)}"] if title else []) + [""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def tuinews_exe() -> str:
    return str(VENV_BIN / "tuinews")
