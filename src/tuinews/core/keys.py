"""Story identity: the key that makes a refresh never duplicate or drop a story."""

from __future__ import annotations

import hashlib


def story_key(guid: str | None, link: str | None, title: str, published: float | None) -> str:
    """Feed-scoped identity: guid, else link, else a hash of title and date."""
    if guid:
        return "g:" + guid
    if link:
        return "l:" + link
    digest = hashlib.sha1(f"{title}\x1f{published or ''}".encode()).hexdigest()
    return "h:" + digest


def content_hash(*parts: object) -> str:
    """A short digest of an item's visible fields, to skip rewriting unchanged items."""
    h = hashlib.blake2b(digest_size=12)
    for part in parts:
        h.update(str(part if part is not None else "").encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()
