"""Typed settings loaded from `tuinews.toml`, with errors that name file, line and key.

The schema is a table: every key has a type, a default, bounds and a docstring,
so validation, error messages and `tuinews.toml.example` all follow one source.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tuinews import __version__
from tuinews.config_lines import LineIndex
from tuinews.config_sync import SyncConfig, validate_sync
from tuinews.core.proxy_url import NO_PROXY, proxy_problem, shown
from tuinews.errors import ConfigError

DEFAULT_USER_AGENT = f"tuinews/{__version__} (terminal news reader)"


@dataclass(frozen=True)
class Key:
    """One setting: its type, default, bounds and what it is for."""

    name: str
    kind: type | tuple[type, ...]
    default: Any
    doc: str
    low: float | None = None
    high: float | None = None
    check: Callable[[Any], str | None] | None = None  # why a value is wrong (after the type checks)


def _proxy_check(value: str) -> str | None:
    if value.strip().lower() == NO_PROXY:
        return None
    problem = proxy_problem(value)
    if problem is None:
        return None
    return (
        f'must be a proxy URL such as "http://proxy.example:3128", or "none"; '
        f"{_show(shown(value))!r} {problem}"
    )


SETTINGS: tuple[Key, ...] = (
    Key(
        "refresh_minutes",
        (int, float),
        30,
        "Minutes between automatic refreshes; 0 turns them off.",
        0,
        10080,
    ),
    Key("concurrency", int, 16, "Feeds fetched at the same time.", 1, 256),
    Key("per_host_concurrency", int, 4, "Requests to one host at the same time.", 1, 64),
    Key("timeout_seconds", (int, float), 20, "Total time allowed for one feed or article fetch.", 1, 600),
    Key("max_feed_bytes", int, 10_000_000, "Largest feed body read; the rest is cut off.", 1024, 1 << 30),
    Key("max_article_bytes", int, 5_000_000, "Largest article page read.", 1024, 1 << 30),
    Key("max_redirects", int, 5, "Redirects followed before a fetch gives up.", 0, 20),
    Key("user_agent", str, DEFAULT_USER_AGENT, "User-Agent header sent with every request."),
    Key("prefetch_articles", bool, False, "Fetch the article of every new story in the background."),
    Key("group_same_story", bool, True, "Show reports of one event as a single list row."),
    Key("mark_group_read", bool, False, "Reading one report of an event marks the others read."),
    Key(
        "hide_older_than_days",
        int,
        0,
        "Hide stories older than this many days from the list; 0 shows all.",
        0,
        36500,
    ),
    Key(
        "keep_days",
        int,
        180,
        "Delete unstarred stories older than this many days; 0 keeps them forever.",
        0,
        36500,
    ),
    Key(
        "max_stories_per_feed",
        int,
        2000,
        "Keep at most this many unstarred stories per feed; 0: no limit.",
        0,
        10**7,
    ),
    Key("theme", str, "", "Colour theme (see the command palette's Theme list); empty: the last one chosen."),
    Key(
        "proxy",
        str,
        "",
        'Proxy URL for every fetch, or "none"; unset: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY.',
        check=_proxy_check,
    ),
)
SETTING_BY_NAME = {k.name: k for k in SETTINGS}

FEED_KEYS = ("url", "title", "tags")
TOPIC_KEYS = ("name", "terms", "exclude")
FILTER_KEYS = ("title", "author", "url", "action", "feeds")
SEARCH_KEYS = ("name", "query")
TOP_KEYS = ("feeds", "settings", "topics", "filters", "searches", "keys", "sync")
FILTER_ACTIONS = ("hide", "read")


@dataclass(frozen=True)
class FeedConfig:
    """A feed the user subscribes to."""

    url: str
    title: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicConfig:
    """A watched topic: any term matches unless it only occurs inside an excluded phrase."""

    name: str
    terms: tuple[str, ...]
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class FilterConfig:
    """A killfile rule: stories whose field matches a regular expression are hidden or marked read."""

    title: str | None = None
    author: str | None = None
    url: str | None = None
    action: str = "hide"
    feeds: tuple[str, ...] = ()  # empty: every feed


@dataclass(frozen=True)
class SearchConfig:
    """A saved search, offered as a view in the feed picker."""

    name: str
    query: str


@dataclass(frozen=True)
class Settings:
    """Validated `[settings]`; defaults come from SETTINGS."""

    refresh_minutes: float = 30
    concurrency: int = 16
    per_host_concurrency: int = 4
    timeout_seconds: float = 20
    max_feed_bytes: int = 10_000_000
    max_article_bytes: int = 5_000_000
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    prefetch_articles: bool = False
    group_same_story: bool = True
    mark_group_read: bool = False
    hide_older_than_days: int = 0
    keep_days: int = 180
    max_stories_per_feed: int = 2000
    theme: str = ""
    proxy: str = ""  # "": from the environment; "none": direct; else a proxy URL


@dataclass(frozen=True)
class Config:
    """Everything read from one config file."""

    path: Path | None
    feeds: tuple[FeedConfig, ...] = ()
    topics: tuple[TopicConfig, ...] = ()
    settings: Settings = field(default_factory=Settings)
    filters: tuple[FilterConfig, ...] = ()
    searches: tuple[SearchConfig, ...] = ()
    keys: tuple[tuple[str, str], ...] = ()  # (binding id, keys)
    sync: SyncConfig | None = None  # [sync]: the Google Reader API server, if any
    warnings: tuple[str, ...] = ()  # one line each, shown but not fatal


def example_text() -> str:
    """The commented example config shipped with the package."""
    return (Path(__file__).parent / "example.toml").read_text(encoding="utf-8")


def load(path: Path) -> Config:
    """Read and validate a config file; raise ConfigError with `file:line: message`."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: not UTF-8 text (byte {exc.start})") from None
    return parse(text, path)


_TOML_POS = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_EOF = re.compile(r"\s*\(at end of document\)\s*$")


def parse(text: str, path: Path | None = None) -> Config:
    """Validate config text; `path` only names the file in messages."""
    where = str(path) if path else "<config>"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        if m:
            raise ConfigError(
                f"{where}:{m.group(1)}:{m.group(2)}: invalid TOML: {msg[: m.start()]}"
            ) from None
        if _TOML_EOF.search(msg):
            last = text.count("\n") + 1
            raise ConfigError(f"{where}:{last}: invalid TOML: {_TOML_EOF.sub('', msg)}") from None
        raise ConfigError(f"{where}: invalid TOML: {msg}") from None
    except (ValueError, RecursionError) as exc:  # pathological input tomllib cannot hold
        raise ConfigError(f"{where}: invalid TOML: {exc.__class__.__name__}") from None
    return _Validator(where, text, path).config(data)


class _Validator:
    """Walks parsed TOML, turning each problem into one `file:line: message`."""

    def __init__(self, where: str, text: str, path: Path | None) -> None:
        self.where = where
        self.lines = LineIndex(text)
        self.path = path

    def fail(
        self, message: str, section: str | None, index: int | None = None, key: str | None = None
    ) -> ConfigError:
        line = self.lines.find(section, index, key)
        prefix = f"{self.where}:{line}" if line else self.where
        return ConfigError(f"{prefix}: {message}")

    def config(self, data: dict[str, Any]) -> Config:
        self.unknown_keys(data, TOP_KEYS, None, None, "top level")
        feeds = tuple(self.feeds(data.get("feeds", [])))
        topics = tuple(self.topics(data.get("topics", [])))
        settings = self.settings(data.get("settings", {}))
        filters = tuple(self.filters(data.get("filters", []), feeds))
        searches = tuple(self.searches(data.get("searches", [])))
        keys = self.keys(data.get("keys", {}))
        sync, warnings = validate_sync(self, data.get("sync"))
        return Config(
            path=self.path,
            feeds=feeds,
            topics=topics,
            settings=settings,
            filters=filters,
            searches=searches,
            keys=keys,
            sync=sync,
            warnings=warnings,
        )

    def filters(self, value: Any, feeds: tuple[FeedConfig, ...]) -> list[FilterConfig]:
        out: list[FilterConfig] = []
        known = {f.url for f in feeds}
        for i, table in enumerate(self.array_of_tables(value, "filters")):
            label = f"filter #{i + 1}"
            self.unknown_keys(table, FILTER_KEYS, "filters", i, label)
            patterns: dict[str, str | None] = {}
            for key in ("title", "author", "url"):
                pattern = self.string(table, key, "filters", i, label)
                if pattern is not None:
                    try:
                        re.compile(pattern)
                    except (re.error, RecursionError, OverflowError) as exc:
                        raise self.fail(
                            f"{label} '{key}' is not a valid regular expression ({exc})", "filters", i, key
                        ) from None
                patterns[key] = pattern
            if not any(patterns.values()):
                raise self.fail(f"{label} needs at least one of 'title', 'author' or 'url'", "filters", i)
            action = self.string(table, "action", "filters", i, label) or "hide"
            if action not in FILTER_ACTIONS:
                raise self.fail(
                    f'{label} \'action\' must be "hide" or "read", not {_show(action)!r}',
                    "filters",
                    i,
                    "action",
                )
            scope = self.string_list(table, "feeds", "filters", i, label)
            for url in scope:
                if url not in known:
                    raise self.fail(
                        f"{label} names a feed that is not in [[feeds]]: {_show(url)!r}",
                        "filters",
                        i,
                        "feeds",
                    )
            out.append(
                FilterConfig(
                    patterns.get("title"), patterns.get("author"), patterns.get("url"), action, scope
                )
            )
        return out

    def searches(self, value: Any) -> list[SearchConfig]:
        out: list[SearchConfig] = []
        for i, table in enumerate(self.array_of_tables(value, "searches")):
            label = f"saved search #{i + 1}"
            self.unknown_keys(table, SEARCH_KEYS, "searches", i, label)
            name = self.string(table, "name", "searches", i, label)
            query = self.string(table, "query", "searches", i, label)
            if not name or not name.strip() or not query or not query.strip():
                raise self.fail(f"{label} needs a 'name' and a 'query'", "searches", i)
            out.append(SearchConfig(name.strip(), query.strip()))
        return out

    def keys(self, table: Any) -> tuple[tuple[str, str], ...]:
        from tuinews.keys import BINDING_IDS

        if not isinstance(table, dict):
            raise self.fail("'keys' must be a [keys] table", "keys", None, "keys")
        out = []
        for binding, value in table.items():
            if binding not in BINDING_IDS:
                close = difflib.get_close_matches(binding, BINDING_IDS, n=1, cutoff=0.6)
                hint = (
                    f" (did you mean '{close[0]}'?)" if close else " (see the list in tuinews.toml.example)"
                )
                raise self.fail(f"[keys] has no binding '{_show(binding)}'{hint}", "keys", None, binding)
            if not isinstance(value, str) or not value.strip() or any(ord(c) < 32 for c in value):
                raise self.fail(
                    f'[keys] \'{binding}\' must be a key name like "j" or "ctrl+d,pagedown"',
                    "keys",
                    None,
                    binding,
                )
            keys = ",".join(k.strip() for k in value.split(",") if k.strip())
            if not keys:
                raise self.fail(f"[keys] '{binding}' names no key", "keys", None, binding)
            out.append((binding, keys))
        return tuple(out)

    def unknown_keys(
        self,
        table: dict[str, Any],
        known: tuple[str, ...],
        section: str | None,
        index: int | None,
        label: str,
    ) -> None:
        for key in table:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"
                raise self.fail(f"unknown key '{_show(key)}' in {label}{hint}", section, index, key)

    def array_of_tables(self, value: Any, section: str) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(f"'{section}' must be written as [[{section}]] tables", section, None, section)
        return value

    def string(
        self, table: dict[str, Any], key: str, section: str, index: int | None, label: str
    ) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(f"{label} '{key}' must be a string, not {_kind(value)}", section, index, key)
        if "\x00" in value:
            raise self.fail(f"{label} '{key}' contains a NUL character", section, index, key)
        return value

    def string_list(
        self, table: dict[str, Any], key: str, section: str, index: int, label: str
    ) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{label} '{key}' must be a list of strings", section, index, key)
        return tuple(v.strip() for v in value if v.strip())

    def feeds(self, value: Any) -> list[FeedConfig]:
        out: list[FeedConfig] = []
        seen: dict[str, int] = {}
        for i, table in enumerate(self.array_of_tables(value, "feeds")):
            label = f"feed #{i + 1}"
            self.unknown_keys(table, FEED_KEYS, "feeds", i, label)
            url = self.string(table, "url", "feeds", i, label)
            if not url or not url.strip():
                raise self.fail(f"{label} has no 'url'", "feeds", i, "url" if "url" in table else None)
            url = url.strip()
            problem = url_problem(url)
            if problem:
                raise self.fail(f"{label} url {_show(url)!r} {problem}", "feeds", i, "url")
            if url in seen:
                raise self.fail(f"{label} repeats the url of feed #{seen[url] + 1}", "feeds", i, "url")
            seen[url] = i
            title = self.string(table, "title", "feeds", i, label)
            tags = self.string_list(table, "tags", "feeds", i, label)
            out.append(FeedConfig(url=url, title=title.strip() if title else None, tags=tags))
        return out

    def topics(self, value: Any) -> list[TopicConfig]:
        out: list[TopicConfig] = []
        for i, table in enumerate(self.array_of_tables(value, "topics")):
            label = f"topic #{i + 1}"
            self.unknown_keys(table, TOPIC_KEYS, "topics", i, label)
            name = self.string(table, "name", "topics", i, label)
            if not name or not name.strip():
                raise self.fail(f"{label} has no 'name'", "topics", i, "name" if "name" in table else None)
            terms = self.string_list(table, "terms", "topics", i, label)
            if not terms:
                raise self.fail(
                    f"topic '{_show(name)}' needs at least one term in 'terms'", "topics", i, "terms"
                )
            exclude = self.string_list(table, "exclude", "topics", i, label)
            out.append(TopicConfig(name=name.strip(), terms=terms, exclude=exclude))
        return out

    def settings(self, table: Any) -> Settings:
        if not isinstance(table, dict):
            raise self.fail("'settings' must be a [settings] table", "settings", None, "settings")
        self.unknown_keys(table, tuple(SETTING_BY_NAME), "settings", None, "[settings]")
        values: dict[str, Any] = {}
        for key, value in table.items():
            spec = SETTING_BY_NAME[key]
            values[key] = self.setting(spec, value)
        return Settings(**values)

    def setting(self, spec: Key, value: Any) -> Any:
        def bad(msg: str) -> ConfigError:
            return self.fail(f"[settings] '{spec.name}' {msg}", "settings", None, spec.name)

        kinds = spec.kind if isinstance(spec.kind, tuple) else (spec.kind,)
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if not ok:
            raise bad(f"must be {_kind_name(kinds)}, not {_kind(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise bad("must be a finite number")
        if isinstance(value, str):
            if "\x00" in value or "\n" in value or "\r" in value:
                raise bad("must be one line of text")
            if not value.strip():
                raise bad("must not be empty")
        if spec.check is not None:
            problem = spec.check(value)
            if problem:
                raise bad(problem)
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if numeric and spec.low is not None:
            high = spec.high if spec.high is not None else math.inf
            if not spec.low <= value <= high:
                raise bad(f"must be between {_num(spec.low)} and {_num(spec.high)}, not {_num(value)}")
        return value


def url_problem(url: str) -> str | None:
    """Why `url` cannot be fetched as a feed, or None if it is a plain http(s) URL."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a bad port
    except ValueError:
        return "is not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        return "is not an http(s) URL"
    if not parts.hostname:
        return "has no host name"
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return "contains spaces or control characters"
    return None


def _show(value: str, limit: int = 60) -> str:
    value = "".join(ch if ch.isprintable() else "?" for ch in value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _num(value: float | None) -> str:
    if value is None:
        return "∞"
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else f"{value:g}"


def _kind(value: Any) -> str:
    names: dict[type, str] = {
        bool: "true/false",
        int: "a whole number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }
    return names.get(type(value), "a date/time" if hasattr(value, "isoformat") else type(value).__name__)


def _kind_name(kinds: tuple[type, ...]) -> str:
    if kinds == (int, float):
        return "a number"
    if kinds == (bool,):
        return "true or false"
    return " or ".join(_kind(k()) for k in kinds)
