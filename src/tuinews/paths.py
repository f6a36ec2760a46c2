"""Where tuinews keeps its files (XDG locations through platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "tuinews"
CONFIG_NAME = "tuinews.toml"
DB_NAME = "tuinews.db"


def default_config_path() -> Path:
    """`$XDG_CONFIG_HOME/tuinews/tuinews.toml` (or the platform's equivalent)."""
    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / CONFIG_NAME


def config_candidates(explicit: str | os.PathLike[str] | None) -> list[tuple[str, Path]]:
    """The places a config is looked for, in order, each with how it was chosen."""
    if explicit:
        return [("--config", Path(explicit).expanduser())]
    env = os.environ.get("TUINEWS_CONFIG")
    if env:
        return [("$TUINEWS_CONFIG", Path(env).expanduser())]
    return [("default", default_config_path())]


def data_dir() -> Path:
    """`$XDG_DATA_HOME/tuinews` (created on demand by the store)."""
    override = os.environ.get("TUINEWS_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def db_path() -> Path:
    """The SQLite database file."""
    return data_dir() / DB_NAME
