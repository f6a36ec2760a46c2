"""Feed HTML fragments (summaries, titles) to plain text, fast and without surprises."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]*>?")
_BLOCK = re.compile(
    r"<\s*(?:br|/p|/div|/li|/h[1-6]|/blockquote|/tr|/section|/article|/pre|hr)\b[^>]*>",
    re.IGNORECASE,
)
_DROP = re.compile(r"<\s*(script|style|svg|template|noscript)\b.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_LOOKS_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")


def looks_like_html(text: str) -> bool:
    """True when text carries tags or entities (feeds rarely say which they send)."""
    return bool(_LOOKS_HTML.search(text))


def html_to_text(fragment: str) -> str:
    """Tags dropped, block ends as newlines, entities decoded; scripts and SVG removed."""
    if not fragment:
        return ""
    if not looks_like_html(fragment):
        return fragment
    text = _COMMENT.sub("", fragment)
    text = _DROP.sub(" ", text)
    text = _BLOCK.sub("\n", text)
    text = _TAG.sub("", text)
    return html.unescape(text)
