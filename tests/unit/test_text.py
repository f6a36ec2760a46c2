"""Terminal safety of stored text: escape sequences, controls and bidi tricks never survive."""

from __future__ import annotations

import pytest

from tuinews.core.text import clean_line, clean_text, strip_controls

CASES = [
    ("plain", "plain"),
    ("red \x1b[31mtext\x1b[0m", "red text"),
    ("title\x1b]0;pwned\x07 set", "title set"),  # OSC 0: window title
    ("copy\x1b]52;c;cHduZWQ=\x1b\\ me", "copy me"),  # OSC 52: clipboard
    ("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8 hyperlink
    ("dcs\x1bPq#0;2;0;0;0\x1b\\ end", "dcs end"),
    ("8bit\x9b31m csi", "8bit csi"),
    ("nul\x00 del\x7f bell\x07 bs\x08", "nul del bell bs"),
    ("bidi \u202eevil\u202c and \u2066iso\u2069", "bidi evil and iso"),
    ("cursor\x1b[2J\x1b[H home", "cursor home"),
    ("keep\ttab", "keep\ttab"),
    ("unterminated \x1b]0;title", "unterminated 0;title"),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_strip_controls(raw: str, expected: str) -> None:
    assert strip_controls(raw) == expected


def test_clean_line_collapses_whitespace_and_newlines() -> None:
    assert clean_line("  a\n b\r\n\tc  ") == "a b c"


def test_clean_text_keeps_paragraphs() -> None:
    assert clean_text("one\r\n\r\n\r\n\r\ntwo  three") == "one\n\ntwo three"


def test_limits_mark_the_cut() -> None:
    assert clean_line("x" * 50, limit=10) == "x" * 9 + "…"


def test_no_control_character_survives_any_input() -> None:
    raw = "".join(chr(c) for c in range(0, 0xA0)) + "\u202a\u202b\u202d\u202e\u2066\u2067\u2068\u2069"
    out = clean_text(raw)
    assert not any((ord(ch) < 32 and ch not in "\n\t") or 0x7F <= ord(ch) < 0xA0 for ch in out)
    assert not any(ch in out for ch in "\u202a\u202b\u202d\u202e\u2066\u2067\u2068\u2069")
