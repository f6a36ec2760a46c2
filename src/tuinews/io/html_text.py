"""Feed HTML fragments (summaries, titles) to plain text, fast and without surprises.

Every pattern here runs in linear time on hostile input: a tag body may not
contain `<`, and dropped elements are found with a plain search for their end
tag, so "<script<script<script…" or a 5 MB "<a<a<a…" title costs one pass, not
one pass per `<`.
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^<>]*>?")
_BLOCK = re.compile(
    r"<\s*(?:br|/p|/div|/li|/h[1-6]|/blockquote|/tr|/section|/article|/pre|hr)\b[^<>]*>",
    re.IGNORECASE,
)
_DROP_OPEN = re.compile(r"<\s*(script|style|svg|template|noscript)\b", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_LOOKS_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")


def looks_like_html(text: str) -> bool:
    """True when text carries tags or entities (feeds rarely say which they send)."""
    return bool(_LOOKS_HTML.search(text))


def _drop_elements(text: str) -> str:
    """Remove script/style/svg/template/noscript elements; an unclosed one runs to the end."""
    out: list[str] = []
    pos = 0
    while (opened := _DROP_OPEN.search(text, pos)) is not None:
        out.append(text[pos : opened.start()])
        out.append(" ")
        close = re.compile(rf"<\s*/\s*{opened.group(1)}\s*>", re.IGNORECASE).search(text, opened.end())
        if close is None:
            return "".join(out)
        pos = close.end()
    out.append(text[pos:])
    return "".join(out)


def html_to_text(fragment: str) -> str:
    """Tags dropped, block ends as newlines, entities decoded; scripts and SVG removed."""
    if not fragment:
        return ""
    if not looks_like_html(fragment):
        return fragment
    text = _COMMENT.sub("", fragment)
    text = _drop_elements(text)
    text = _BLOCK.sub("\n", text)
    text = _TAG.sub("", text)
    return html.unescape(text)
