"""Token overlap scores for extracted text: the one yardstick the bench and the tests share.

Extraction quality is judged at the word level, not on markup, because
different extractors produce different HTML for the same article.  Words are
lower-cased `\\w+` tokens compared as multisets, so a repeated caption costs
precision and a dropped paragraph costs recall.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import lxml.html
from lxml import etree

_WORD = re.compile(r"\w+")
_BLOCK_TAGS = (
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "figure",
    "figcaption",
    "hr",
    "img",
    "address",
    "details",
    "summary",
    "nav",
)


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1 of one candidate text against a reference."""

    precision: float
    recall: float
    f1: float


ZERO = PRF(0.0, 0.0, 0.0)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens, the unit every score counts."""
    return _WORD.findall(text.lower())


def token_prf(candidate: str | None, expected: str) -> PRF:
    """Multiset token overlap of `candidate` against `expected`; no candidate text scores 0."""
    cand = Counter(tokens(candidate or ""))
    ref = Counter(tokens(expected))
    if not cand or not ref:
        return ZERO
    overlap = sum((cand & ref).values())
    if not overlap:
        return ZERO
    precision = overlap / sum(cand.values())
    recall = overlap / sum(ref.values())
    return PRF(precision, recall, 2 * precision * recall / (precision + recall))


def html_text(html: str) -> str:
    """The text of an HTML fragment or page with the tags stripped ('' when it has none)."""
    if not html or not html.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    # Block boundaries become whitespace so "<p>end</p><p>start" stays two words.
    for el in root.iter(*_BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
    for el in root.iter("br"):
        el.tail = "\n" + (el.tail or "")
    return root.text_content()
