"""Builders for test feeds (RSS 2.0 and Atom) with real XML escaping."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.utils import formatdate
from xml.sax.saxutils import escape

BASE_TS = 1_764_000_000.0  # 2025-11-24


@dataclass
class Item:
    """One test item."""

    title: str
    guid: str | None = None
    link: str | None = None
    summary: str = ""
    content: str = ""
    ts: float | None = BASE_TS
    author: str = ""
    extra: str = ""


@dataclass
class Feed:
    """A test feed that renders as RSS 2.0 or Atom."""

    title: str = "Test Feed"
    link: str = "http://example.org/"
    items: list[Item] = field(default_factory=list)

    def rss(self, encoding: str = "utf-8", declare: bool = True) -> bytes:
        parts = [f'<?xml version="1.0" encoding="{encoding}"?>\n' if declare else ""]
        parts.append('<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>')
        parts.append(f"<title>{escape(self.title)}</title><link>{escape(self.link)}</link>")
        for it in self.items:
            parts.append("<item>")
            parts.append(f"<title>{escape(it.title)}</title>")
            if it.link:
                parts.append(f"<link>{escape(it.link)}</link>")
            if it.guid:
                parts.append(f'<guid isPermaLink="false">{escape(it.guid)}</guid>')
            if it.ts is not None:
                parts.append(f"<pubDate>{formatdate(it.ts, usegmt=True)}</pubDate>")
            if it.summary:
                parts.append(f"<description>{escape(it.summary)}</description>")
            if it.content:
                parts.append(f"<content:encoded>{escape(it.content)}</content:encoded>")
            if it.author:
                parts.append(f"<author>{escape(it.author)}</author>")
            parts.append(it.extra)
            parts.append("</item>")
        parts.append("</channel></rss>")
        return "".join(parts).encode(encoding, errors="xmlcharrefreplace")

    def atom(self) -> bytes:
        from datetime import UTC, datetime

        def iso(ts: float) -> str:
            return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

        parts = ['<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">']
        parts.append(f'<title>{escape(self.title)}</title><link href="{escape(self.link)}"/>')
        parts.append(f"<id>{escape(self.link)}</id><updated>{iso(BASE_TS)}</updated>")
        for it in self.items:
            parts.append("<entry>")
            parts.append(f"<title>{escape(it.title)}</title>")
            if it.guid:
                parts.append(f"<id>{escape(it.guid)}</id>")
            if it.link:
                parts.append(f'<link rel="alternate" href="{escape(it.link)}"/>')
            if it.ts is not None:
                parts.append(f"<updated>{iso(it.ts)}</updated>")
            if it.summary:
                parts.append(f'<summary type="html">{escape(it.summary)}</summary>')
            if it.content:
                parts.append(f'<content type="html">{escape(it.content)}</content>')
            parts.append("</entry>")
        parts.append("</feed>")
        return "".join(parts).encode()


def numbered(n: int, prefix: str = "item", start: int = 0) -> list[Item]:
    """n distinct items with guids, links and one-hour-apart dates."""
    return [
        Item(
            title=f"{prefix} {i}",
            guid=f"{prefix}-{i}",
            link=f"http://example.org/{prefix}/{i}",
            summary=f"<p>Summary of {prefix} {i}.</p>",
            ts=BASE_TS - i * 3600,
        )
        for i in range(start, start + n)
    ]
