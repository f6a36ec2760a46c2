"""newsboat as the yardstick: find it, give it a throwaway home, build its command lines.

Install it with `apt-get install -y newsboat` (Debian's package is 2.21).
When it is absent the benches print tuinews' figures alone and say so.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Sequence
from pathlib import Path

INSTALL_HINT = "newsboat is not installed: `apt-get install -y newsboat` adds it; its column is skipped"


def find() -> tuple[str | None, str]:
    """(path, version) of newsboat, or (None, why not)."""
    path = shutil.which("newsboat")
    if path is None:
        return None, INSTALL_HINT
    try:
        out = subprocess.run([path, "-v"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"newsboat at {path} does not run ({exc}); its column is skipped"
    first = out.splitlines()[0] if out else "newsboat (unknown version)"
    return path, first.split(" - ")[0]


class Newsboat:
    """One newsboat set-up in `root`: urls file, config, cache and its own HOME/XDG dirs."""

    def __init__(self, exe: str, root: Path, urls: Sequence[str], threads: int, extra: str = "") -> None:
        self.exe = exe
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.urls = root / "urls"
        self.urls.write_text("\n".join(urls) + "\n", encoding="utf-8")
        self.config = root / "config"
        self.config.write_text(f"reload-threads {threads}\n{extra}", encoding="utf-8")
        home = root / "home"
        for sub in ("config", "data", "cache"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"),
        }

    def reload(self, cache: Path) -> list[str]:
        """Headless reload of every feed into `cache`."""
        return [self.exe, "-u", str(self.urls), "-c", str(cache), "-C", str(self.config), "-x", "reload"]

    def ui(self, cache: Path) -> list[str]:
        """The interactive reader on `cache` (no refresh on start)."""
        return [self.exe, "-u", str(self.urls), "-c", str(cache), "-C", str(self.config)]


def item_count(cache: Path) -> int:
    """Items stored in a newsboat cache."""
    with sqlite3.connect(cache) as conn:
        return conn.execute("SELECT count(*) FROM rss_item").fetchone()[0]
