"""Feed bytes made safe for feedparser: one known encoding and at most N items.

feedparser guesses an undeclared or wrongly declared encoding by running
chardet over the *whole* body (about 2 s per MB), and parses every item before
we keep the first thousand.  A hostile or careless server can turn either into
minutes of CPU.  Here we decide the encoding ourselves from a sample, hand the
parser UTF-8 that says so, and cut the item list down before parsing.
"""

from __future__ import annotations

import codecs
import re
from itertools import islice

SAMPLE = 64 * 1024  # bytes the encoding guess looks at
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([^\s;"']+)""", re.IGNORECASE)
# Labels that browsers (WHATWG Encoding) read as windows-1252: servers say
# "iso-8859-1" and mean cp1252 quotes and dashes, which latin-1 turns into C1 controls.
_AS_CP1252 = {"ascii", "us-ascii", "latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1", "cp819"}
_ITEM_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)(?=[\s/>])")
_ITEM_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")


def to_utf8(body: bytes, content_type: str) -> tuple[bytes, str, str]:
    """Return (UTF-8 body, content type saying charset=utf-8, encoding the body was read as).

    Order of trust: a byte-order mark; valid UTF-8 (legacy text almost never
    passes as UTF-8 by chance); the XML declaration; the HTTP charset; a guess
    from the first 64 KB; windows-1252.
    """
    encoding = _choose(body, content_type)
    if encoding == "utf-8":
        out = body
    else:
        text = body.decode(encoding, errors="replace")
        out = text.encode("utf-8", errors="replace")
    out = _declare_utf8(out)
    return out, _with_utf8_charset(content_type), encoding


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


def _choose(body: bytes, content_type: str) -> str:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    if _decodes(body, "utf-8"):
        return "utf-8"
    declared = _DECLARATION.match(body[:1024])
    header = _CHARSET.search(content_type or "")
    for label in (declared.group(1).decode("ascii") if declared else None, header and header.group(1)):
        name = _codec(label)
        if name and name != "utf-8" and _decodes(body, name):
            return name
    return _guess(body[:SAMPLE])


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return None if name.startswith(("utf-16", "utf-32")) else name  # without a BOM: not trusted


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        codecs.decode(body, encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _guess(sample: bytes) -> str:
    """chardet on a sample (it ships with readability-lxml), else windows-1252."""
    try:
        import chardet
    except ImportError:  # pragma: no cover - a dependency of readability-lxml
        return "cp1252"
    label = chardet.detect(sample).get("encoding")
    return _codec(label) or "cp1252"


def _declare_utf8(body: bytes) -> bytes:
    declared = _DECLARATION.match(body[:1024])
    if declared is None or declared.group(1).lower() in (b"utf-8", b"utf8"):
        return body
    return body[: declared.start(1)] + b"utf-8" + body[declared.end(1) :]


def _with_utf8_charset(content_type: str) -> str:
    base = (content_type or "application/xml").split(";")[0].strip() or "application/xml"
    return f"{base}; charset=utf-8"
