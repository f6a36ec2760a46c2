"""Feed bytes made safe for feedparser: one known encoding and at most N items.

feedparser guesses an undeclared or wrongly declared encoding by running
chardet over the *whole* body (about 2 s per MB), and parses every item before
we keep the first thousand.  A hostile or careless server can turn either into
minutes of CPU.  Here we decide the encoding ourselves from a sample, hand the
parser UTF-8 that says so, and cut the item list down before parsing.
"""

from __future__ import annotations

import re
from itertools import islice

from tuinews.io.charset import choose_encoding, header_charset

_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
# Whitespace, a BOM, comments and processing instructions: what may come before a DOCTYPE.
_PROLOG_SKIP = re.compile(rb"(?:\s+|\xef\xbb\xbf|<!--.*?(?:-->|$)|<\?.*?(?:\?>|$))+", re.DOTALL)
_DTD_TOKEN = re.compile(rb"""<!--.*?-->|"[^"]*"|'[^']*'|\]\s*>|[\[>]""", re.DOTALL)
_ROOT_AFTER = re.compile(rb">\s*<[A-Za-z_]")
_ITEM_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)(?=[\s/>])")
_ITEM_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")


def to_utf8(body: bytes, content_type: str) -> tuple[bytes, str, str]:
    """Return (UTF-8 body, content type saying charset=utf-8, encoding the body was read as).

    The decision is `tuinews.io.charset.choose_encoding` (the one article
    pages use too), trusting the XML declaration before the HTTP charset.
    """
    declared = _DECLARATION.match(body[:1024])
    label = declared.group(1).decode("ascii") if declared else None
    encoding = choose_encoding(body, (label, header_charset(content_type)))
    if encoding == "utf-8":
        out = body
    else:
        text = body.decode(encoding, errors="replace")
        out = text.encode("utf-8", errors="replace")
    out = _declare_utf8(out)
    return out, _with_utf8_charset(content_type), encoding


def drop_internal_subset(body: bytes) -> bytes:
    """The DOCTYPE's internal subset (`[ <!ENTITY …> … ]`) removed: no parser can expand what it declares.

    Entities declared in a feed's DTD are never expanded, on any parse path:
    expat would expand them (feedparser re-inserts the "safe" ones it finds),
    and feedparser's lenient parser substitutes the same ones by hand, so one
    10,000-character entity used 10,000 times becomes a 100 MB title.  With
    the declarations gone a use stays literal ("&big;").  The DOCTYPE's name
    and external identifiers stay (nothing here ever fetches them).
    """
    doctype = _prolog_doctype(body)
    if doctype is None:
        return body
    opened = None
    for token in _DTD_TOKEN.finditer(body, doctype):
        text = token.group()
        if opened is None:
            if text == b">":
                return body  # a DOCTYPE without an internal subset
            if text == b"[":
                opened = token.start()
        elif text.startswith(b"]"):
            return body[:opened] + body[token.start() + 1 :]
    if opened is None:
        return body
    # An unterminated subset (a stray quote): cut to the first "]>", else to the root element.
    end = body.find(b"]>", opened)
    if end >= 0:
        return body[:opened] + body[end + 1 :]
    root = _ROOT_AFTER.search(body, opened)
    return body[:opened] + b">" + (body[root.end() - 2 :] if root else b"")


def _prolog_doctype(body: bytes) -> int | None:
    """Where the name after `<!DOCTYPE` starts, when the prolog has one (after comments and PIs)."""
    pos = 0
    while True:
        step = _PROLOG_SKIP.match(body, pos)
        if step is None or step.end() == pos:
            break
        pos = step.end()
    return pos + 9 if body[pos : pos + 9].upper() == b"<!DOCTYPE" else None


def cap_items(body: bytes, limit: int) -> tuple[bytes, int | None]:
    """Keep the first `limit` items; return (body, items found) or (body, None) when under it.

    Cuts out the balanced run from the start of item `limit + 1` to the end of
    the last item, so the document stays well-formed and the parser never sees
    the rest.  Works on any ASCII-compatible encoding (call after `to_utf8`).
    """
    count = len(_ITEM_OPEN.findall(body))
    if count <= limit:
        return body, None
    start = next(islice(_ITEM_OPEN.finditer(body), limit, None)).start()
    pos = len(body)
    while (pos := body.rfind(b"</", 0, pos)) >= start:
        end = _ITEM_CLOSE.match(body, pos)
        if end is not None:
            return body[:start] + body[end.end() :], count
    return body[:start], count


def _declare_utf8(body: bytes) -> bytes:
    declared = _DECLARATION.match(body[:1024])
    if declared is None or declared.group(1).lower() in (b"utf-8", b"utf8"):
        return body
    return body[: declared.start(1)] + b"utf-8" + body[declared.end(1) :]


def _with_utf8_charset(content_type: str) -> str:
    base = (content_type or "application/xml").split(";")[0].strip() or "application/xml"
    return f"{base}; charset=utf-8"
