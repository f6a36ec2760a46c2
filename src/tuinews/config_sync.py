"""The `[sync]` table: which Google Reader API server tuinews is a client of, and how to log in.

The password itself is not read here: `password_command` and `password_file`
are only checked for shape, and run or read when a sync logs in
(`tuinews.sync.credentials`), so `tuinews stories` never prompts a password
manager.  A plain `password` key is accepted with a warning.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuinews.config import _Validator

SYNC_KEYS = ("service", "url", "username", "password_command", "password_file", "password")
SERVICES = ("greader",)
PASSWORD_ENV = "TUINEWS_SYNC_PASSWORD"


@dataclass(frozen=True)
class SyncConfig:
    """A validated `[sync]` table; `where` maps each key to `file:line` for later errors."""

    url: str
    username: str
    service: str = "greader"
    password_command: tuple[str, ...] = ()
    password_file: Path | None = None
    password: str | None = field(default=None, repr=False)
    where: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def at(self, key: str) -> str:
        """`file:line` of a key (or of the table) for a message about it."""
        return self.where.get(key) or self.where.get("", "<config>")


def validate_sync(v: _Validator, table: Any) -> tuple[SyncConfig | None, tuple[str, ...]]:
    """Check a parsed `[sync]` table; returns the config and any warnings (one line each)."""
    from tuinews.config import url_problem

    if table is None:
        return None, ()
    section = "sync"
    if not isinstance(table, dict):
        raise v.fail("'sync' must be a [sync] table", section, None, section)
    v.unknown_keys(table, SYNC_KEYS, section, None, "[sync]")

    def where(key: str | None) -> str:
        line = v.lines.find(section, None, key)
        return f"{v.where}:{line}" if line else v.where

    def text(key: str, required: bool = False) -> str | None:
        value = v.string(table, key, section, None, "[sync]")
        if value is not None and (not value.strip() or any(ord(c) < 32 for c in value)):
            raise v.fail(f"[sync] '{key}' must be one non-empty line of text", section, None, key)
        if value is None and required:
            raise v.fail(f"[sync] needs '{key}'", section, None, None)
        return value.strip() if value is not None and key != "password" else value

    service = text("service") or "greader"
    if service not in SERVICES:
        raise v.fail(
            f"[sync] 'service' must be \"greader\" (the Google Reader API), not {service[:40]!r}",
            section,
            None,
            "service",
        )
    url = text("url", required=True) or ""
    problem = url_problem(url)
    if problem:
        raise v.fail(f"[sync] 'url' {problem}", section, None, "url")
    username = text("username", required=True) or ""
    command = _command(v, table.get("password_command"))
    file_value = text("password_file")
    password = text("password")
    given = [k for k, val in (("password_command", command), ("password_file", file_value),
                              ("password", password)) if val]  # fmt: skip
    if len(given) > 1:
        raise v.fail(f"[sync] sets both '{given[0]}' and '{given[1]}': keep one", section, None, given[1])
    warnings: tuple[str, ...] = ()
    if password:
        warnings = (
            f"{where('password')}: [sync] 'password' keeps the password in plain text; "
            "prefer password_command, password_file or $" + PASSWORD_ENV,
        )
    keys = {"": where(None)} | {k: where(k) for k in SYNC_KEYS if k in table}
    config = SyncConfig(
        url=url.rstrip("/"),
        username=username,
        service=service,
        password_command=command,
        password_file=Path(file_value).expanduser() if file_value else None,
        password=password,
        where=keys,
    )
    return config, warnings


def _command(v: _Validator, value: Any) -> tuple[str, ...]:
    """`password_command`: a list of arguments, or one string split like a shell would (none is run)."""
    if value is None:
        return ()
    bad = v.fail(
        "[sync] 'password_command' must be a command: a string or a list of strings",
        "sync",
        None,
        "password_command",
    )
    if isinstance(value, str):
        if "\x00" in value:
            raise bad
        try:
            parts = shlex.split(value)
        except ValueError as exc:
            raise v.fail(
                f"[sync] 'password_command' cannot be split into arguments ({exc})",
                "sync",
                None,
                "password_command",
            ) from None
    elif isinstance(value, list) and all(isinstance(p, str) for p in value):
        parts = list(value)
    else:
        raise bad
    if not parts or not parts[0].strip() or any("\x00" in p for p in parts):
        raise bad
    return tuple(parts)
