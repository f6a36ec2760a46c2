"""Shared fixtures: a real loopback HTTP server, real config files, real SQLite stores."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tuinews.config import Config, load
from tuinews.demo.server import LoopbackServer
from tuinews.service import Service

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
if os.environ.get("TUINEWS_CORPUS"):
    CORPUS = Path(os.environ["TUINEWS_CORPUS"])


def corpus_dir(*parts: str) -> Path:
    """A folder of the shared test corpus, or skip the test with the reason."""
    path = CORPUS.joinpath(*parts)
    if not path.is_dir():
        pytest.skip(f"shared test corpus not found at {path} (set TUINEWS_CORPUS to its location)")
    return path


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """A real HTTP server on 127.0.0.1 for this test."""
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture(scope="session", autouse=True)
def _no_proxy_from_whoever_runs_the_tests() -> Iterator[None]:
    """The suite's loopback servers are reached directly, whatever proxy the runner's shell sets.

    Session-scoped so it holds before session fixtures (the hostile run) and for
    the subprocesses tests start; tests of proxies set the variables they need.
    """
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.lower().endswith("_proxy"):
                mp.delenv(name)
        yield


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the real XDG config or data directories."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("TUINEWS_CONFIG", raising=False)
    monkeypatch.delenv("TUINEWS_DATA_DIR", raising=False)


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a config file from feed URLs (and optional extra TOML); return its path."""

    def write(urls: list[str] = (), extra: str = "", name: str = "tuinews.toml") -> Path:
        parts = [f'[[feeds]]\nurl = "{u}"\n' for u in urls]
        path = tmp_path / name
        path.write_text("\n".join(parts) + "\n" + extra, encoding="utf-8")
        return path

    return write


STRIKES_TOPIC = """
[[topics]]
name = "Strikes"
terms = ["strike", "industrial action", "walkout", "picket", "ballot", "union"]
exclude = ["air strike", "airstrike", "lightning strike", "striker", "strike rate", "European Union"]
"""


@pytest.fixture
def open_service(tmp_path: Path) -> Iterator[Callable[[Path], Service]]:
    """Open Services on a per-test database; all are closed afterwards."""
    opened: list[Service] = []

    def make(config_path: Path, db: Path | None = None) -> Service:
        config: Config = load(config_path)
        service = Service.open(config, db or tmp_path / "tuinews.db")
        opened.append(service)
        return service

    yield make
    for service in opened:
        service.close()
