"""The architecture, enforced: domain code never imports Textual; heavy imports are deferred."""

from __future__ import annotations

import subprocess
import sys

import pytest

DOMAIN = [
    "tuinews.service",
    "tuinews.config",
    "tuinews.core.topics",
    "tuinews.io.store",
    "tuinews.io.refresh",
    "tuinews.io.feed_parse",
    "tuinews.io.html_doc",
    "tuinews.render",
    "tuinews.cli",
    "tuinews.config_sync",
    "tuinews.sync.greader",
    "tuinews.sync.store",
    "tuinews.sync.engine",
    "tuinews.sync.credentials",
    "tuinews.sync.cli",
]


def imported_after(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_modules_do_not_import_textual(module: str) -> None:
    assert "textual" not in imported_after(module)


def test_service_defers_network_and_parsing_imports() -> None:
    loaded = imported_after("tuinews.service")
    for heavy in ("httpx", "feedparser", "readability", "lxml"):
        assert heavy not in loaded, heavy


def test_the_first_paint_path_defers_what_it_does_not_show() -> None:
    """Everything the first screen does not need is imported after it is painted (issue 7)."""
    loaded = imported_after("tuinews.cli, tuinews.ui.app")
    deferred = (
        "httpx", "feedparser", "readability", "lxml", "tuinews.io.refresh",
        "tuinews.core.cluster", "tuinews.core.fingerprint", "tuinews.ui.screens.errors",
        "tuinews.ui.screens.feeds", "tuinews.ui.screens.links", "tuinews.ui.screens.prompt",
    )  # fmt: skip
    assert [m for m in deferred if m in loaded] == []
