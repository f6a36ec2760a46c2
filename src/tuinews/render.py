"""Documents to terminal renderables (Rich `Text` and friends, never markup strings).

The reader pane shows `document_renderable(doc)`; `tuinews extract` prints
the same renderable through a Rich console, so the two never disagree.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.table import Table
from rich.text import Text

from tuinews.core.dates import long_date
from tuinews.core.document import Block, Document, Span

TITLE = Style(bold=True)
META = Style(dim=True)
LINK_REF = Style(color="cyan", dim=True)
LINK_TEXT = Style(underline=True)
HEADING = Style(bold=True)
CODE = Style(color="green")
QUOTE = Style(italic=True)
IMAGE = Style(dim=True, italic=True)
NOTE = Style(color="yellow")


def spans_text(spans: tuple[Span, ...], base: Style | None = None) -> Text:
    """Inline spans as one Text; links become text followed by a `[n]` reference."""
    text = Text(style=base or Style())
    for span in spans:
        style = Style(italic=span.em or None, bold=span.strong or None)
        if span.code:
            style += CODE
        if span.link is not None:
            style += LINK_TEXT
        text.append(span.text, style)
        if span.link is not None:
            text.append(f"[{span.link}]", LINK_REF)
    return text


def header_renderable(doc: Document) -> Text:
    """Title, then outlet · byline · date · reading time, then the link."""
    out = Text()
    out.append(doc.title or "(untitled)", TITLE)
    meta = [m for m in (doc.outlet, doc.byline, long_date(doc.published)) if m]
    if doc.blocks:
        meta.append(f"{doc.reading_minutes()} min read")
    if meta:
        out.append("\n")
        out.append(" · ".join(meta), META)
    if doc.url:
        out.append("\n")
        out.append(doc.url, META)
    if doc.note:
        out.append("\n")
        out.append(doc.note, NOTE)
    return out


def block_renderable(block: Block, links: int = 0) -> RenderableType:
    """One block as a renderable, wrapped to whatever width it is given."""
    if block.kind == "heading":
        text = spans_text(block.spans, HEADING)
        if block.level <= 2:
            text.stylize(Style(underline=True))
        return text
    if block.kind == "item":
        body = spans_text(block.spans)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=len(block.marker), no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(Text(block.marker), body)
        return Padding(grid, (0, 0, 0, 2 * max(block.level - 1, 0) + 1))
    if block.kind == "quote":
        return Padding(spans_text(block.spans, QUOTE), (0, 0, 0, 2 * max(block.level, 1)))
    if block.kind == "pre":
        return Padding(Text(block.text, CODE, no_wrap=True, overflow="crop"), (0, 0, 0, 2))
    if block.kind == "image":
        label = block.text or "image"
        return Text(f"[image: {label}]", IMAGE)
    if block.kind == "rule":
        return Text("─" * 20, META)
    if block.kind == "table":
        table = Table(show_header=block.header, show_edge=False, pad_edge=False, expand=False)
        width = max(len(r) for r in block.rows)
        first = block.rows[0] if block.header else ("",) * width
        for i in range(width):
            table.add_column(Text(first[i] if i < len(first) else ""), overflow="fold")
        for row in block.rows[1:] if block.header else block.rows:
            table.add_row(*(Text(c) for c in row), *([Text("")] * (width - len(row))))
        return table
    return spans_text(block.spans)


def document_renderable(doc: Document) -> Group:
    """The whole reader view: header, body blocks separated by blank lines, link list."""
    parts: list[RenderableType] = [header_renderable(doc)]
    compact_next = False
    for block in doc.blocks:
        if not (compact_next and block.kind == "item"):
            parts.append(Text(""))
        parts.append(block_renderable(block))
        compact_next = block.kind == "item"
    if doc.links:
        parts.append(Text(""))
        parts.append(Text(""))
        parts.append(Text("Links", HEADING))
        for n, url in enumerate(doc.links, start=1):
            line = Text()
            line.append(f"[{n}] ", LINK_REF)
            line.append(url, META)
            parts.append(line)
    return Group(*parts)


def render_plain(doc: Document, width: int = 80) -> str:
    """The reader view as plain text at a given width (what `tuinews extract` prints)."""
    console = Console(width=width, color_system=None, force_terminal=False, record=True, file=_Null())
    console.print(document_renderable(doc), soft_wrap=False)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


class _Null:
    def write(self, _: str) -> int:
        return 0

    def flush(self) -> None:
        pass
