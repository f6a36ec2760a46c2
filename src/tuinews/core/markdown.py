"""A Document as Markdown (for `tuinews extract --format markdown`)."""

from __future__ import annotations

import re

from tuinews.core.dates import long_date
from tuinews.core.document import Block, Document, Span

_ESCAPE = re.compile(r"([\\`*_\[\]<>#|])")


def _esc(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)


def _spans(spans: tuple[Span, ...], links: tuple[str, ...]) -> str:
    out = []
    for span in spans:
        if span.text == "\n":
            out.append("  \n")
            continue
        text = f"`{span.text}`" if span.code else _esc(span.text)
        if span.strong and text.strip():
            text = f"**{text}**"
        if span.em and text.strip():
            text = f"*{text}*"
        if span.link is not None and 0 < span.link <= len(links):
            text = f"[{text}]({links[span.link - 1]})"
        out.append(text)
    return "".join(out).strip()


def _block(block: Block, links: tuple[str, ...]) -> str:
    if block.kind == "heading":
        return "#" * min(block.level + 1, 6) + " " + _spans(block.spans, links)
    if block.kind == "item":
        indent = "  " * max(block.level - 1, 0)
        marker = block.marker if block.marker.endswith(".") else "-"
        return f"{indent}{marker} {_spans(block.spans, links)}"
    if block.kind == "quote":
        return "> " + _spans(block.spans, links)
    if block.kind == "pre":
        return "```\n" + block.text + "\n```"
    if block.kind == "image":
        return f"*[image: {_esc(block.text or 'image')}]*"
    if block.kind == "rule":
        return "---"
    if block.kind == "table":
        rows = [[_esc(c).replace("\n", " ") for c in r] for r in block.rows]
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        head = rows[0] if block.header else [""] * width
        body = rows[1:] if block.header else rows
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(r) + " |" for r in body]
        return "\n".join(lines)
    return _spans(block.spans, links)


def to_markdown(doc: Document) -> str:
    """Title, a metadata line, then the body; links inline."""
    header = [f"# {_esc(doc.title or '(untitled)')}"]
    meta = [m for m in (doc.outlet, doc.byline, long_date(doc.published)) if m]
    if meta:
        header.append("*" + _esc(" · ".join(meta)) + "*")
    if doc.url:
        header.append(f"<{doc.url}>")
    body: list[str] = []
    previous = ""
    for block in doc.blocks:
        text = _block(block, doc.links)
        if not text:
            continue
        if body:
            body.append("\n" if previous == block.kind == "item" else "\n\n")
        body.append(text)
        previous = block.kind
    return "\n\n".join(header) + ("\n\n" + "".join(body) if body else "") + "\n"
