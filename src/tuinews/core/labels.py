"""Icon labels that leak into article text, found and removed at the text level.

News pages draw their icons as inline SVG whose <title> and <desc> name and
describe the picture ("Clock An icon of a clock face.").  Any extractor that
flattens the page to text turns a sprite sheet into a paragraph of such
sentences, and feed summaries sometimes carry them too.  This module knows
their shapes and removes them without touching prose that merely mentions an
icon ("She became an icon of the civil rights movement." has no capitalised
name in front and a lower-case "an", so it stays).

A label is a *head* -- a short capitalised name followed by a descriptor from
`DESCRIPTORS` -- and a tail that runs to the end of the sentence, or up to the
next head when the page left the full stop out.  Pure text, no lxml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Descriptor:
    """How a label's description opens, right after the icon's name."""

    name: str
    pattern: str


# The openings of an icon's description, each one shape seen on real pages.
DESCRIPTORS: tuple[Descriptor, ...] = (
    # "Clock An icon of a clock face.", "Logout An icon representing logout.",
    # "Close Icon An icon used to represent ...", "Speech Bubble Icon A icon displaying ..."
    Descriptor("an-icon", r"An? icon\b"),
    # "Pause Icon A two-lined pause icon for ...", "Search Icon A magnifying glass icon that ..."
    Descriptor("named-icon", r"(?<=Icon )An? (?:[\w'’-]+ ){1,4}icon\b"),
    # "Quote Mark A opening quote mark."
    Descriptor("quote-mark", r"An? (?:opening|closing|open|close) (?:quote|quotation) marks?\b"),
    # "Plus A mathematical 'plus' symbol."
    Descriptor("math-symbol", r"An? mathematical [\"'‘’“”]?[\w -]{1,20}[\"'‘’“”]? (?:symbol|sign)\b"),
    # "Notice An explanation mark centred inside a circle."
    Descriptor("mark-in-shape", r"An? (?:explanation|exclamation|question|information) (?:mark|point)\b"),
)

_KEYWORDS = ("icon", "mark", "symbol", "sign", "point")
# One to four capitalised words: "Clock", "Linked In", "Is Not Public", "Success Tick Timeout".
_NAME = r"(?<![\w'’])(?:[A-Z][\w'’&+-]*[ ]){0,3}[A-Z][\w'’&+-]*"
_HEAD = re.compile(
    _NAME
    + r"(?:[ \t]+|[ \t]*\n[ \t]*)(?:"
    + "|".join(f"(?P<{d.name.replace('-', '_')}>{d.pattern})" for d in DESCRIPTORS)
    + ")"
)
# A description ends at a full stop (or ! ?) followed by a space or the end, or at a line break.
_END = re.compile(r"[.!?](?=\s|$)|\n")
# Descriptions are short; a "label" that runs on past this many words is prose.
MAX_LABEL_WORDS = 24
_SEAM = re.compile(r"[ \t\u00a0]*\0(?:[ \t\u00a0]*\0)*[ \t\u00a0]*")


@dataclass(frozen=True, slots=True)
class Label:
    """One icon label found in a text: where it is and which descriptor matched."""

    start: int
    end: int
    kind: str


def has_label_words(text: str) -> bool:
    """Cheap test: could `text` hold a label at all?  (Every descriptor has one of a few words.)"""
    return any(word in text for word in _KEYWORDS)


def find_labels(text: str) -> list[Label]:
    """Every icon label in `text`, in order, as character spans."""
    if not text or not has_label_words(text):
        return []
    heads = list(_HEAD.finditer(text))
    labels: list[Label] = []
    for i, head in enumerate(heads):
        if labels and head.start() < labels[-1].end:
            continue
        limit = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        stop = _END.search(text, head.end(), limit)
        if stop is not None:
            end = stop.end() if text[stop.start()] != "\n" else stop.start()
        elif limit < len(text):
            end = limit  # runs straight into the next label: the page left the full stop out
        else:
            end = len(text)
        if len(text[head.start() : end].split()) > MAX_LABEL_WORDS:
            continue
        kind = next(k for k, v in head.groupdict().items() if v is not None).replace("_", "-")
        labels.append(Label(head.start(), end, kind))
    return labels


def strip_icon_labels(text: str) -> str:
    """`text` with every icon label removed and the whitespace left behind tidied."""
    labels = find_labels(text)
    if not labels:
        return text
    kept: list[str] = []
    pos = 0
    for label in labels:
        kept.append(text[pos : label.start])
        pos = label.end
    kept.append(text[pos:])
    # Only the seams are tidied: the rest of the text keeps its spacing.
    return _SEAM.sub(_seam, "\0".join(kept)).strip()


def _seam(m: re.Match[str]) -> str:
    """One space where a label sat mid-line, nothing at a line's edge."""
    text, start, end = m.string, m.start(), m.end()
    at_edge = start == 0 or end == len(text) or text[start - 1] == "\n" or text[end] == "\n"
    return "" if at_edge else " "


def is_label_run(text: str) -> bool:
    """True when `text` holds icon labels and nothing else worth reading."""
    if not text or not text.strip():
        return False
    labels = find_labels(text)
    if not labels:
        return False
    rest = strip_icon_labels(text)
    return not re.search(r"\w", rest)
