"""Fixtures for sync tests: a loopback Google Reader server with content, and configs pointing at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.greader_server import GReaderServer
from tuinews import paths
from tuinews.config import load
from tuinews.service import Service

PASSWORD = "pw-Zq81-never-shown"


@pytest.fixture
def greader() -> Iterator[GReaderServer]:
    """A Google Reader API server on 127.0.0.1 with user alice (no feeds yet)."""
    with GReaderServer("alice", PASSWORD) as server:
        yield server


def sync_table(server: GReaderServer, password_line: str | None = None) -> str:
    """A [sync] table for the server (password from a plain key unless told otherwise)."""
    line = password_line if password_line is not None else f'password = "{PASSWORD}"'
    return f'[sync]\nurl = "{server.url}"\nusername = "alice"\n{line}\n'


@pytest.fixture
def sync_config(tmp_path: Path, greader: GReaderServer) -> Callable[..., Path]:
    """Write a config with [sync] for the server (and optional [[feeds]] and extra TOML)."""

    def write(urls: list[str] = (), extra: str = "", password_line: str | None = None) -> Path:
        password_file = tmp_path / "sync.pass"
        password_file.write_text(PASSWORD + "\n")
        if password_line is None:
            password_line = f'password_file = "{password_file}"'
        feeds = "".join(f'[[feeds]]\nurl = "{u}"\n\n' for u in urls)
        path = tmp_path / "tuinews.toml"
        path.write_text(
            feeds + "[settings]\nrefresh_minutes = 0\n" + extra + "\n" + sync_table(greader, password_line),
            encoding="utf-8",
        )
        return path

    return write


@pytest.fixture
def synced() -> Iterator[Callable[[Path], Service]]:
    """Open services on the per-test database the CLI also uses (closed afterwards)."""
    opened: list[Service] = []

    def make(config_path: Path) -> Service:
        service = Service.open(load(config_path), paths.db_path())
        opened.append(service)
        return service

    yield make
    for service in opened:
        service.close()


def farm(server: GReaderServer, feeds: int, items: int, category: str = "News") -> None:
    """`feeds` subscriptions of `items` stories each."""
    for n in range(feeds):
        feed = server.add_feed(f"http://127.0.0.1:9/feeds/{n}.xml", f"Outlet {n}", category)
        server.add_entries(feed, items)
