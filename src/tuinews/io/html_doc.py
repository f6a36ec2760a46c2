"""HTML to Document blocks: paragraphs, headings, lists, quotes, code, tables, images, links.

The walker trusts nothing: scripts, styles, SVG, forms and embedded frames
are skipped, every string is stripped of control characters, links are
resolved against the page URL and collected as numbered references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from tuinews.core.document import Block, Span
from tuinews.core.links import web_url
from tuinews.core.text import strip_controls

SKIP = frozenset(
    [
        "script",
        "style",
        "svg",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "form",
        "button",
        "input",
        "select",
        "textarea",
        "canvas",
        "audio",
        "video",
        "source",
        "track",
        "map",
        "head",
        "title",
        "meta",
        "link",
    ]
)
BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "address",
        "dl",
        "dt",
        "dd",
        "center",
        "details",
        "summary",
        "figure",
        "body",
        "html",
    ]
)
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_WS = re.compile(r"\s+")
MAX_TABLE_ROWS = 60
MAX_TABLE_COLS = 8


@dataclass
class _Style:
    em: bool = False
    strong: bool = False
    code: bool = False
    link: int | None = None


@dataclass
class _Walker:
    base_url: str | None
    blocks: list[Block] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    kind: str = "para"
    level: int = 0
    marker: str = ""
    quote: int = 0

    # -- paragraphs ---------------------------------------------------------

    def flush(self) -> None:
        spans = _tidy(self.spans)
        self.spans = []
        if spans:
            kind = "quote" if self.quote and self.kind == "para" else self.kind
            level = self.quote if kind == "quote" else self.level
            self.blocks.append(Block(kind, tuple(spans), level=level, marker=self.marker))  # type: ignore[arg-type]
        self.kind, self.level, self.marker = "para", 0, ""

    def text(self, text: str | None, style: _Style) -> None:
        if not text:
            return
        text = strip_controls(text)
        if not text:
            return
        self.spans.append(Span(text, style.em, style.strong, style.code, style.link))

    def link_number(self, href: str | None) -> int | None:
        if not href:
            return None
        if href.strip().startswith("#"):
            return None
        url = web_url(href, self.base_url)  # only absolute http(s) links are numbered
        if url is None:
            return None
        if url in self.links:
            return self.links.index(url) + 1
        self.links.append(url)
        return len(self.links)

    # -- tree walk ----------------------------------------------------------

    def walk(self, el: etree._Element, style: _Style) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower().split("}")[-1]
        if not tag or tag in SKIP:
            self.text(el.tail, style)
            return
        if tag in HEADINGS:
            self.flush()
            self.kind, self.level = "heading", HEADINGS[tag]
            self.children(el, style)
            self.flush()
        elif tag in ("ul", "ol", "menu"):
            self.flush()
            self.list(el, style, ordered=tag == "ol")
        elif tag == "blockquote":
            self.flush()
            self.quote += 1
            self.children(el, style)
            self.flush()
            self.quote -= 1
        elif tag == "pre":
            self.flush()
            code = strip_controls(el.text_content()).strip("\n")
            if code.strip():
                self.blocks.append(Block("pre", (Span(code, code=True),)))
        elif tag == "table":
            self.flush()
            self.table(el)
        elif tag == "img":
            alt = _clean(el.get("alt") or el.get("title") or "")
            self.flush()
            self.blocks.append(Block("image", (Span(alt),)))
        elif tag == "figcaption":
            self.flush()
            self.children(el, _Style(em=True))
            caption = _tidy(self.spans)
            self.spans = []
            if caption:
                text = "".join(s.text for s in caption)
                if self.blocks and self.blocks[-1].kind == "image" and not self.blocks[-1].text:
                    self.blocks[-1] = Block("image", (Span(text),))
                elif self.blocks and self.blocks[-1].kind == "image":
                    self.blocks.append(Block("para", tuple(caption)))
                else:
                    self.blocks.append(Block("para", tuple(caption)))
        elif tag == "hr":
            self.flush()
            self.blocks.append(Block("rule"))
        elif tag == "br":
            self.spans.append(Span("\n"))
        elif tag in BLOCKS or tag == "li":
            self.flush()
            self.children(el, style)
            self.flush()
        else:
            inner = self.inline_style(el, tag, style)
            self.children(el, inner)
        self.text(el.tail, style)

    def children(self, el: etree._Element, style: _Style) -> None:
        self.text(el.text, style)
        for child in el:
            self.walk(child, style)

    def inline_style(self, el: etree._Element, tag: str, style: _Style) -> _Style:
        if tag in ("em", "i", "cite", "dfn", "var"):
            return _Style(True, style.strong, style.code, style.link)
        if tag in ("strong", "b"):
            return _Style(style.em, True, style.code, style.link)
        if tag in ("code", "kbd", "samp", "tt"):
            return _Style(style.em, style.strong, True, style.link)
        if tag == "a":
            return _Style(style.em, style.strong, style.code, self.link_number(el.get("href")) or style.link)
        return style

    def list(self, el: etree._Element, style: _Style, ordered: bool) -> None:
        depth = self.level + 1 if self.kind == "item" else 1
        number = 0
        for child in el:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag != "li":
                self.walk(child, style)
                continue
            number += 1
            self.flush()
            self.kind, self.level, self.marker = "item", depth, f"{number}." if ordered else "•"
            self.text(child.text, style)
            for sub in child:
                sub_tag = sub.tag.lower() if isinstance(sub.tag, str) else ""
                if sub_tag in ("ul", "ol"):
                    self.flush()
                    self.kind, self.level = "item", depth
                    self.list(sub, style, ordered=sub_tag == "ol")
                    self.text(sub.tail, style)
                elif sub_tag in ("p", "div"):
                    self.children(sub, style)
                    self.spans.append(Span(" "))
                    self.text(sub.tail, style)
                else:
                    self.walk(sub, style)
            self.flush()
        self.text(el.tail, style)
        el.tail = None

    def table(self, el: etree._Element) -> None:
        rows: list[tuple[str, ...]] = []
        header = False
        for i, tr in enumerate(el.iter("tr")):
            cells = [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
            if not cells:
                continue
            if i == 0 and all(c.tag.lower() == "th" for c in cells):
                header = True
            rows.append(tuple(_clean(c.text_content()) for c in cells[:MAX_TABLE_COLS]))
            if len(rows) >= MAX_TABLE_ROWS:
                break
        rows = [r for r in rows if any(r)]
        if rows and (len(rows) > 1 or len(rows[0]) > 1):
            self.blocks.append(Block("table", rows=tuple(rows), header=header))
        elif rows:
            self.blocks.append(Block("para", (Span(rows[0][0]),)))


def _clean(text: str) -> str:
    return _WS.sub(" ", strip_controls(text)).strip()


def _tidy(spans: list[Span]) -> list[Span]:
    """Collapse whitespace across spans, trim the ends, merge equal neighbours."""
    out: list[Span] = []
    prev_space = True
    for span in spans:
        if span.text == "\n":
            if out:
                out.append(span)
            prev_space = True
            continue
        text = _WS.sub(" ", span.text)
        if prev_space:
            text = text.lstrip(" ")
        if not text:
            continue
        prev_space = text.endswith(" ")
        if out and (out[-1].em, out[-1].strong, out[-1].code, out[-1].link) == (
            span.em,
            span.strong,
            span.code,
            span.link,
        ):
            out[-1] = Span(out[-1].text + text, span.em, span.strong, span.code, span.link)
        else:
            out.append(Span(text, span.em, span.strong, span.code, span.link))
    while out and (out[-1].text == "\n" or not out[-1].text.strip()):
        out.pop()
    if out:
        last = out[-1]
        out[-1] = Span(last.text.rstrip(), last.em, last.strong, last.code, last.link)
    if not "".join(s.text for s in out).strip():
        return []
    return out


def parse_fragment(html: str) -> etree._Element | None:
    """Parse an HTML fragment or page into an lxml tree (None when empty)."""
    if not html or not html.strip():
        return None
    try:
        return lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        try:
            return lxml.html.document_fromstring(html)
        except (etree.ParserError, ValueError):
            return None


def html_blocks(html: str | etree._Element, base_url: str | None = None) -> tuple[list[Block], list[str]]:
    """HTML (text or a parsed element) to blocks and numbered link URLs."""
    root = parse_fragment(html) if isinstance(html, str) else html
    if root is None:
        return [], []
    walker = _Walker(base_url)
    walker.walk(root, _Style())
    walker.flush()
    return walker.blocks, walker.links


def text_blocks(text: str) -> list[Block]:
    """Plain text (a feed summary) to paragraphs."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", strip_controls(text))]
    return [Block("para", (Span(_WS.sub(" ", p)),)) for p in paras if p]
