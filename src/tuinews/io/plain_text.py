"""A plain-text page (a `.txt` file, a `text/plain` response) as an article.

Plain text has no markup to say what is what, only its layout: paragraphs
are separated by blank lines, a headline is a short first line without a full
stop, and a caption printed twice is the same line twice.  This module reads
that layout into the same kind of tree readability gives for HTML, so the
article cleaning (`tuinews.io.clean`) and the reader's rendering apply
unchanged.  Icon labels are cut first, so the headline is found after them.
"""

from __future__ import annotations

import re
from html import escape

import lxml.html
from lxml import etree

from tuinews.core.labels import find_labels, strip_icon_labels
from tuinews.core.text import clean_line, strip_controls

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n")
_BULLET = re.compile(r"^(?:[-*•·‣◦]|\d{1,3}[.)])\s+")
_URL = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]}]", re.I)
HEADLINE_WORDS = 30
_SENTENCE_END = (".", ",", ";", ":", "…")
_HTML_START = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<\?xml)", re.I)
_ANY_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|/[a-zA-Z]|!--|!doctype)", re.I)


def is_plain_text(page: str, content_type: str = "") -> bool:
    """True for a text/plain page (unless it is an HTML document sent as text), or an untyped page without tags."""
    kind = (content_type or "").split(";")[0].strip().lower()
    head = page[:4096]
    if kind == "text/plain":
        return not _HTML_START.match(head)
    if kind:
        return False
    return _ANY_TAG.search(head) is None


def text_article(page: str) -> tuple[str, etree._Element]:
    """(headline, body as a `<div>` of paragraphs and lists) of a plain-text page.

    The headline is the first paragraph when it is one line of at most 30
    words that does not end like a sentence and more text follows; it is not
    repeated in the body.
    """
    paragraphs = [p for p in (_lines(chunk) for chunk in _chunks(page)) if p]
    title = ""
    if len(paragraphs) > 1 and _is_headline(paragraphs[0]):
        title = clean_line(paragraphs.pop(0)[0], 300)
    html = "".join(_block(lines) for lines in paragraphs)
    return title, lxml.html.fragment_fromstring(f"<div>{html}</div>")


def _chunks(page: str) -> list[str]:
    text = strip_controls(page.replace("\r\n", "\n").replace("\r", "\n"))
    chunks = _PARAGRAPH_BREAK.split(text)
    if len(chunks) == 1:  # no blank lines at all: each line is a paragraph
        return text.split("\n")
    return chunks


def _lines(chunk: str) -> list[str]:
    """A paragraph's non-empty lines, icon labels cut, a line repeated at once kept once."""
    if find_labels(chunk):
        chunk = strip_icon_labels(chunk)
    out: list[str] = []
    for line in chunk.split("\n"):
        line = " ".join(line.split())
        if line and (not out or line != out[-1]):
            out.append(line)
    return out


def _is_headline(lines: list[str]) -> bool:
    line = lines[0]
    return len(lines) == 1 and len(line.split()) <= HEADLINE_WORDS and not line.endswith(_SENTENCE_END)


def _block(lines: list[str]) -> str:
    if len(lines) > 1 and all(_BULLET.match(line) for line in lines):
        items = "".join(f"<li>{_inline(_BULLET.sub('', line, count=1))}</li>" for line in lines)
        tag = "ol" if lines[0][0].isdigit() else "ul"
        return f"<{tag}>{items}</{tag}>"
    return f"<p>{_inline(' '.join(lines))}</p>"


def _inline(text: str) -> str:
    """Escaped text with its http(s) addresses as links."""
    out: list[str] = []
    pos = 0
    for found in _URL.finditer(text):
        url = escape(found.group(0))
        out.append(escape(text[pos : found.start()]))
        out.append(f'<a href="{url}">{url}</a>')
        pos = found.end()
    out.append(escape(text[pos:]))
    return "".join(out)
