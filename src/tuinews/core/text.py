"""Make untrusted text safe for a terminal.

Every text field from a feed or page passes through `clean_text` (multi-line)
or `clean_line` (titles, names) before it is stored, so nothing that reaches
the screen can move the cursor, set the window title, touch the clipboard
(OSC 52), make hyperlinks (OSC 8) or reorder text with bidi controls.
"""

from __future__ import annotations

import re

# ESC-introduced strings (OSC, DCS, SOS, PM, APC) and their 8-bit forms, up to the
# string terminator (BEL, ESC \ or 8-bit ST).  An unterminated string loses only
# its introducer: what follows is ordinary text once ESC is gone.  The body stops
# at the next introducer too, so "\x9d" * 100_000 is one linear pass, not a
# quadratic backtrack from every introducer to the end of the text.
_ESC_STRING = re.compile(
    r"(?:\x1b[\]P X^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\x90\x98\x9d\x9e\x9f]*(?:\x07|\x1b\\|\x9c)"
)
# CSI sequences (ESC [ or 8-bit CSI), parameters, intermediates, final byte.
_CSI = re.compile(r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?")
# Any other escape: ESC, optional intermediates, one final byte.
_ESC_OTHER = re.compile(r"\x1b[\x20-\x2f]*[\x30-\x7e]?")
# C0 controls except tab and newline, DEL, C1 controls, bidi embeddings,
# overrides and isolates, and the few other invisible format characters that
# can disguise text (zero-width no-break space mid-text is kept as a BOM rule).
# Lone surrogates (JSON can carry "\ud800") cannot be encoded as UTF-8, so SQLite
# would refuse the whole feed; the noncharacters U+FFFE/U+FFFF go with them.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff\ufff9-\ufffb"
    "\ud800-\udfff\ufffe\uffff]"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200a\u3000]")  # any _SPACES character but " "
_BLANK_LINES = re.compile(r"\n{3,}")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")


_C1_INTRODUCER = re.compile("[\x90-\x9f]")
# Every character any rule above touches: text without one (nearly all of it) needs one pass, not four.
_ANY_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
    "\ufeff\ufff9-\ufffb\ud800-\udfff\ufffe\uffff]"
)
# Whitespace left at a line's ends once controls are gone and runs of _SPACES are one space.
_LINE_EDGES = re.compile("[ \u1680\u202f\u205f]*\n[ \u1680\u202f\u205f]*")
_RARE_EDGE = re.compile("[\u1680\u202f\u205f]")


def strip_controls(text: str) -> str:
    """Remove escape sequences, control and bidi-control characters; keep \\n and \\t."""
    if not text:
        return ""
    if _ANY_CONTROL.search(text) is None:
        return text
    text = _LINE_BREAKS.sub("\n", text)
    if "\x1b" in text or _C1_INTRODUCER.search(text):
        text = _ESC_STRING.sub("", text)
        text = _CSI.sub("", text)
        text = _ESC_OTHER.sub("", text)
    return _CONTROLS.sub("", text)


def clean_text(text: str | None, limit: int | None = None) -> str:
    """Multi-line text: controls removed, runs of spaces and blank lines squeezed."""
    if not text:
        return ""
    if limit is not None and len(text) > limit * 2:
        text = text[: limit * 2]
    text = strip_controls(text)
    # Each rewrite runs only when plain substring tests say it has work: a regex pass per
    # rule costs more than everything else here, and most text needs none of them.
    wide = not text.isascii()
    if "  " in text or "\t" in text or (wide and _ODD_SPACE.search(text)):
        text = _SPACES.sub(" ", text)
    if " \n" in text or "\n " in text or (wide and _RARE_EDGE.search(text)):
        text = _LINE_EDGES.sub("\n", text)
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    text = text.strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def clean_line(text: str | None, limit: int | None = None) -> str:
    """One line of text (titles, names): controls removed, all whitespace one space."""
    if not text:
        return ""
    if limit is not None and len(text) > limit * 2:
        text = text[: limit * 2]
    text = " ".join(strip_controls(text).split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
