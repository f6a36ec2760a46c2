"""The bundled demo content: fictional outlets, feeds and article pages.

Feeds and pages are templates: `{{BASE}}` becomes the loopback server's URL,
`{{DATE:-N}}` / `{{ISODATE:-N}}` the time N minutes ago (RFC 822 for RSS,
RFC 3339 for Atom), so the demo's stories are always fresh.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
_TOKEN = re.compile(r"\{\{(BASE|DATE|ISODATE)(?::(-?\d+))?\}\}")


@dataclass(frozen=True)
class Outlet:
    """A demo feed."""

    stem: str
    title: str
    format: str
    tags: tuple[str, ...]


def outlets() -> list[Outlet]:
    """The demo's outlets, in display order."""
    raw = json.loads((DATA / "outlets.json").read_text(encoding="utf-8"))
    return [Outlet(o["stem"], o["title"], o.get("format", "rss"), tuple(o.get("tags", ()))) for o in raw]


def manifest() -> list[dict[str, Any]]:
    """One record per demo story: slug, outlet, guid, title, cluster, labels."""
    return json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))


def fill(template: str, base: str, now: float | None = None) -> str:
    """Replace the {{BASE}} / {{DATE}} / {{ISODATE}} tokens of a feed or page template."""
    now = time.time() if now is None else now

    def sub(m: re.Match[str]) -> str:
        kind, minutes = m.group(1), int(m.group(2) or 0)
        if kind == "BASE":
            return base
        when = now + minutes * 60  # minutes are negative: "N minutes ago"
        if kind == "DATE":
            return formatdate(when, usegmt=True)
        return datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    return _TOKEN.sub(sub, template)


def feed_template(stem: str) -> str:
    """The raw feed template of an outlet."""
    return (DATA / "feeds" / f"{stem}.xml").read_text(encoding="utf-8")


_INCLUDE = re.compile(r"\{\{INCLUDE:([\w-]+)\}\}\n")


def article_templates() -> dict[str, str]:
    """slug -> raw page template, with each outlet's shared page furniture put back in.

    An outlet's pages share most of their markup (icon sprite, masthead, cookie
    banner, rails, footer); it is kept once under `data/furniture/` and pulled in
    where a page says `{{INCLUDE:name}}`.
    """
    furniture = {p.stem: p.read_text(encoding="utf-8") for p in (DATA / "furniture").glob("*.html")}
    return {
        p.stem: _INCLUDE.sub(lambda m: furniture[m.group(1)], p.read_text(encoding="utf-8"))
        for p in sorted((DATA / "articles").glob("*.html"))
    }
