"""Reading other readers' subscription lists, and writing ours as OPML.

Formats read:
* OPML 1.0/2.0 (http://opml.org/spec2.opml): `<outline type="rss" xmlUrl=...>`; folders
  (outlines without xmlUrl) and the `category` attribute become tags.
* newsboat's `urls` file: `URL tag "tag two" "~Custom title"`; `#` comments;
  `query:`, `exec:` and `filter:` lines have no equivalent and are reported as skipped.
* nom's `config.yml`: `feeds: [{url, name}]`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.sax.saxutils import quoteattr

from tuinews.config import FeedConfig, url_problem
from tuinews.core.text import clean_line
from tuinews.errors import ConfigError


@dataclass(frozen=True)
class Imported:
    """A feed found in another reader's list."""

    url: str
    title: str | None = None
    tags: tuple[str, ...] = ()


@dataclass
class ImportResult:
    """Feeds found, and lines that could not become feeds (with why)."""

    format: str
    feeds: list[Imported] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def detect_format(text: str) -> str:
    """'opml', 'nom' or 'newsboat', from the content."""
    head = text.lstrip("\ufeff \t\r\n")[:2000].lower()
    if head.startswith("<?xml") or "<opml" in head:
        return "opml"
    if re.search(r"^feeds\s*:", text, re.MULTILINE):
        return "nom"
    return "newsboat"


def read_subscriptions(text: str, name: str = "<input>") -> ImportResult:
    """Parse a subscription list of any supported format."""
    fmt = detect_format(text)
    if fmt == "opml":
        result = _opml(text, name)
    elif fmt == "nom":
        result = _nom(text, name)
    else:
        result = _newsboat(text)
    return _validated(result)


def _validated(result: ImportResult) -> ImportResult:
    good: list[Imported] = []
    seen: set[str] = set()
    for feed in result.feeds:
        problem = url_problem(feed.url)
        if problem:
            result.skipped.append(f"{_short(feed.url)}: {problem}")
            continue
        if feed.url in seen:
            continue
        seen.add(feed.url)
        good.append(feed)
    result.feeds = good
    return result


def _short(text: str, limit: int = 70) -> str:
    text = clean_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- OPML ----------------------------------------------------------------------------


def _opml(text: str, name: str) -> ImportResult:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise ConfigError(f"{name}: not readable OPML ({exc})") from None
    if root is None or etree.QName(root).localname.lower() != "opml":
        raise ConfigError(f"{name}: not an OPML document")
    body = next((c for c in root if isinstance(c.tag, str) and c.tag.lower() == "body"), None)
    result = ImportResult("opml")
    if body is None:
        return result

    def walk(node: etree._Element, folders: tuple[str, ...]) -> None:
        for child in node:
            if not isinstance(child.tag, str) or child.tag.lower() != "outline":
                continue
            label = clean_line(child.get("title") or child.get("text") or "", 200)
            url = (child.get("xmlUrl") or child.get("xmlurl") or "").strip()
            categories = _categories(child.get("category") or "")
            if url:
                tags = tuple(dict.fromkeys((*folders, *categories)))
                result.feeds.append(Imported(url, label or None, tags))
            elif len(child):
                walk(child, (*folders, label) if label else folders)

    walk(body, ())
    return result


def _categories(value: str) -> tuple[str, ...]:
    """OPML 2 `category`: comma-separated, slash-delimited paths ("/Boston/Weather,/news")."""
    tags: list[str] = []
    for path in value.split(","):
        parts = [p.strip() for p in path.strip().split("/") if p.strip()]
        tags.extend(parts)
    return tuple(dict.fromkeys(tags))


def write_opml(feeds: Sequence[FeedConfig], title: str = "tuinews subscriptions") -> str:
    """OPML 2.0 with one outline per feed; tags in the `category` attribute."""
    now = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_escape_text(title)}</title>",
        f"    <dateCreated>{now}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    for feed in feeds:
        attrs = [("type", "rss"), ("text", feed.title or feed.url)]
        if feed.title:
            attrs.append(("title", feed.title))
        attrs.append(("xmlUrl", feed.url))
        if feed.tags:
            attrs.append(
                ("category", ",".join("/" + t.replace("/", "-").replace(",", " ") for t in feed.tags))
            )
        lines.append("    <outline " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs) + "/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- newsboat ------------------------------------------------------------------------

_NEWSBOAT_SPECIAL = {
    "query:": "query feeds are newsboat's own saved searches; use tuinews search",
    "exec:": "exec: feeds run a local program; tuinews only fetches http(s)",
    "filter:": "filter: feeds pipe through a local program; tuinews only fetches http(s)",
}


def _newsboat(text: str) -> ImportResult:
    result = ImportResult("newsboat")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            result.skipped.append(f"line {number}: unbalanced quotes")
            continue
        if not words:
            continue
        url, *rest = words
        special = next(
            (why for prefix, why in _NEWSBOAT_SPECIAL.items() if url.lower().startswith(prefix)), None
        )
        if special:
            result.skipped.append(f"line {number}: {special}")
            continue
        title = None
        tags: list[str] = []
        for word in rest:
            if word.startswith("~"):
                title = clean_line(word[1:], 200) or None
            elif word.startswith("!"):
                continue  # newsboat: hide the feed from its feed list; nothing to carry over
            elif word:
                tags.append(clean_line(word, 100))
        result.feeds.append(Imported(url, title, tuple(t for t in tags if t)))
    return result


# -- nom -----------------------------------------------------------------------------


def _nom(text: str, name: str) -> ImportResult:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{name}{where}: not readable YAML") from None
    result = ImportResult("nom")
    feeds = data.get("feeds") if isinstance(data, dict) else None
    if not isinstance(feeds, list):
        raise ConfigError(f"{name}: no 'feeds:' list (nom's config.yml format)")
    for i, entry in enumerate(feeds, start=1):
        if isinstance(entry, str):
            result.feeds.append(Imported(entry.strip()))
        elif isinstance(entry, dict) and isinstance(entry.get("url"), str):
            title = entry.get("name")
            result.feeds.append(
                Imported(entry["url"].strip(), clean_line(str(title), 200) if title else None)
            )
        else:
            result.skipped.append(f"feed {i}: has no url")
    return result
