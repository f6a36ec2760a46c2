"""The sync password: from `password_command`, `password_file`, the config, or the environment.

It is read when a sync logs in and handed to the login request only: never
stored, logged or shown.  Every failure is a ConfigError naming the config line.
"""

from __future__ import annotations

import os
import subprocess

from tuinews.config_sync import PASSWORD_ENV, SyncConfig
from tuinews.errors import ConfigError

COMMAND_SECONDS = 60.0  # a password manager may wait for an unlock


def resolve_password(sync: SyncConfig) -> str:
    """The password, or ConfigError(`file:line: [sync] …`)."""
    if sync.password_command:
        return _from_command(sync)
    if sync.password_file is not None:
        return _from_file(sync)
    if sync.password:
        return sync.password
    value = os.environ.get(PASSWORD_ENV, "")
    if value:
        return value
    raise ConfigError(
        f"{sync.at('')}: [sync] has no password: set password_command or password_file, "
        f"or export {PASSWORD_ENV}"
    )


def _from_command(sync: SyncConfig) -> str:
    argv = list(sync.password_command)
    where = f"{sync.at('password_command')}: [sync] password_command"
    try:
        done = subprocess.run(
            argv,
            shell=False,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=COMMAND_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise ConfigError(f"{where}: {_show(argv[0])}: command not found") from None
    except PermissionError:
        raise ConfigError(f"{where}: {_show(argv[0])}: not executable") from None
    except subprocess.TimeoutExpired:
        raise ConfigError(f"{where} took longer than {COMMAND_SECONDS:g} s; gave up") from None
    except OSError as exc:
        raise ConfigError(f"{where}: cannot run it ({exc.strerror or exc.__class__.__name__})") from None
    if done.returncode != 0:
        # Its output is not shown: a password manager's error text may quote secrets.
        raise ConfigError(f"{where} failed (exit status {done.returncode})")
    return _first_line(done.stdout, where, "printed no password")


def _from_file(sync: SyncConfig) -> str:
    path = sync.password_file
    assert path is not None
    where = f"{sync.at('password_file')}: [sync] password_file {_show(str(path))}"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{where}: no such file") from None
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read it ({exc.strerror or exc.__class__.__name__})") from None
    return _first_line(data, where, "is empty")


def _first_line(data: bytes, where: str, empty: str) -> str:
    text = data.decode("utf-8", errors="replace")
    line = text.splitlines()[0] if text else ""
    line = line.rstrip("\r\n")
    if not line.strip():
        raise ConfigError(f"{where} {empty}")
    return line


def _show(text: str, limit: int = 60) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
