"""Which encoding a body is in: one decision for feeds and article pages.

Declarations lie.  Pages and feeds are re-saved or re-served as UTF-8 while a
`<meta charset=gb2312>`, an XML declaration or a server default still names
the old encoding, and servers say "iso-8859-1" when they mean windows-1252.
The rule, in order of trust:

1. a byte-order mark;
2. bytes that decode as strict UTF-8 *and* hold multi-byte sequences are
   UTF-8, whatever a declaration claims (legacy text almost never passes as
   UTF-8 by chance, and a stale label is common);
3. the declarations, in the order the caller trusts them, each read the way
   browsers read it (WHATWG labels: "iso-8859-1" is windows-1252, "gb2312"
   is GBK, "shift_jis" is Windows-31J), the first that decodes the bytes;
4. plain ASCII is UTF-8;
5. a guess from a sample (chardet, which ships with readability-lxml) when it
   decodes the bytes, else the first declaration anyway, else windows-1252.

UTF-16/32 without a BOM and UTF-7 are never taken from a label: a page cannot
talk us into reading its markup as something else.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

SAMPLE = 64 * 1024  # bytes the guess looks at: chardet over a whole body costs ~2 s per MB
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# What browsers decode these labels as (the WHATWG Encoding Standard): supersets that
# servers mean when they name the older standard.
_WHATWG = {
    **dict.fromkeys(("ascii", "us-ascii", "latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1", "cp819"), "cp1252"),
    **dict.fromkeys(("gb2312", "gbk", "x-gbk", "chinese", "csgb2312", "iso-ir-58", "gb_2312-80"), "gb18030"),
    **dict.fromkeys(("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j"), "cp932"),
    **dict.fromkeys(("euc-kr", "ks_c_5601-1987", "korean", "csksc56011987", "iso-ir-149"), "cp949"),
    **dict.fromkeys(("iso-8859-9", "latin5", "l5", "iso8859-9"), "cp1254"),
    **dict.fromkeys(("tis-620", "iso-8859-11", "iso8859-11"), "cp874"),
    "big5": "big5hkscs",
}  # fmt: skip
_UNTRUSTED = ("utf-16", "utf-32", "utf-7")  # never from a label: only a BOM says so
_MARKUP = b"<?xml version='1.0' encoding=\"x\"?><meta charset=abc-XYZ_0123 /> ;:.,!"


def choose_encoding(body: bytes, declared: Iterable[str | None] = ()) -> str:
    """The Python codec name to read `body` with; `declared` are labels, most trusted first."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    utf8 = _decodes(body, "utf-8")
    if utf8 and not body.isascii():
        return "utf-8"
    names = list(dict.fromkeys(n for n in map(codec_for, declared) if n and n != "utf-8"))
    for name in names:
        if _decodes(body, name):
            return name
    if utf8:
        return "utf-8"
    guess = _guess(body[:SAMPLE])
    if guess and _decodes(body, guess):
        return guess
    return names[0] if names else (guess or "cp1252")


def decode(body: bytes, declared: Iterable[str | None] = ()) -> tuple[str, str]:
    """(text, codec): `body` read with `choose_encoding`, undecodable bytes replaced, BOM dropped."""
    name = choose_encoding(body, declared)
    text = body.decode(name, errors="replace")
    return (text[1:] if text.startswith("\ufeff") else text), name


def codec_for(label: str | None) -> str | None:
    """A charset label as a Python codec name read the browsers' way; None when unknown or untrusted."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _WHATWG.get(label, label)
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):
        return None
    if name.startswith(_UNTRUSTED) or not _ascii_compatible(name):
        return None
    return name


def _ascii_compatible(name: str) -> bool:
    """True for codecs that read markup as ASCII (not EBCDIC, not UTF-16 without a BOM)."""
    try:
        return _MARKUP.decode(name) == _MARKUP.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        codecs.decode(body, encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _guess(sample: bytes) -> str | None:
    """chardet's reading of a sample, as a trusted codec name (None when it has none)."""
    try:
        import chardet
    except ImportError:  # pragma: no cover - a dependency of readability-lxml
        return None
    return codec_for(chardet.detect(sample).get("encoding"))


_CHARSET = re.compile(r"""charset\s*=\s*["']?([^\s;"']+)""", re.IGNORECASE)


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    found = _CHARSET.search(content_type or "")
    return found.group(1) if found else None
