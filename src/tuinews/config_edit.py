"""Changing the user's config file without losing a comment: feeds are appended with tomlkit.

The new text is validated with the normal loader before it replaces the old
file (atomically), so an import can never leave a broken config behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from tuinews.config import parse
from tuinews.errors import ConfigError
from tuinews.io.subscriptions import Imported

NEW_CONFIG_HEADER = """\
# tuinews configuration, started by `tuinews import`.
# Every key is documented in tuinews.toml.example (`tuinews --init --config OTHER_PATH` writes a copy).
"""


def add_feeds(path: Path, feeds: Sequence[Imported]) -> tuple[list[Imported], list[Imported]]:
    """Append feeds not already in the config at `path` (created if missing); returns (added, duplicates)."""
    if path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read: {exc}") from None
        parse(text, path)  # refuse to touch a config that is already broken
    else:
        text = NEW_CONFIG_HEADER
    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    existing = doc.get("feeds")
    known = {str(t.get("url", "")).strip() for t in existing} if existing is not None else set()
    added: list[Imported] = []
    duplicates: list[Imported] = []
    tables = []
    for feed in feeds:
        if feed.url in known:
            duplicates.append(feed)
            continue
        known.add(feed.url)
        table = tomlkit.table()
        table.add("url", feed.url)
        if feed.title:
            table.add("title", feed.title)
        if feed.tags:
            table.add("tags", list(feed.tags))
        table.add(tomlkit.nl())  # a blank line after each feed, as people write them
        tables.append(table)
        added.append(feed)
    if not added:
        return added, duplicates
    if existing is None:
        aot = tomlkit.aot()
        for table in tables:
            aot.append(table)
        doc.append("feeds", aot)
    else:
        for table in tables:
            existing.append(table)
    new_text = tomlkit.dumps(doc)
    parse(new_text, path)  # never write what we could not read back
    write_atomically(path, new_text)
    return added, duplicates


def write_atomically(path: Path, text: str) -> None:
    """Replace a file's content in one step (a crash leaves the old or the new file, never half)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write: {exc.strerror or exc}") from None
