"""What the reader shows, as plain data: a title block and a list of typed blocks.

HTML (feed content or an extracted article) becomes a Document in
`tuinews.io.html_doc`; a Document becomes terminal renderables in
`tuinews.render`.  Keeping the model in between makes both halves testable
and lets `tuinews extract` print exactly what the reader pane shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "para", "item", "quote", "pre", "table", "image", "rule"]
WORDS_PER_MINUTE = 230


@dataclass(frozen=True, slots=True)
class Span:
    """A run of inline text with its emphasis; `link` is a 1-based reference number."""

    text: str
    em: bool = False
    strong: bool = False
    code: bool = False
    link: int | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-level element."""

    kind: BlockKind
    spans: tuple[Span, ...] = ()
    level: int = 0  # heading level, list depth or quote depth
    marker: str = ""  # list marker: "•" or "3."
    rows: tuple[tuple[str, ...], ...] = ()  # table cells; first row is the header when `header`
    header: bool = False

    @property
    def text(self) -> str:
        """The block's words without styling."""
        if self.kind == "table":
            return "\n".join(" | ".join(r) for r in self.rows)
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True, slots=True)
class Document:
    """A story ready to render."""

    title: str
    outlet: str = ""
    byline: str = ""
    published: float | None = None
    url: str | None = None
    blocks: tuple[Block, ...] = ()
    links: tuple[str, ...] = ()
    source: Literal["feed", "article"] = "feed"
    note: str = ""  # one line shown under the header, e.g. why the article is missing
    extra: dict[str, str] = field(default_factory=dict)

    def plain_text(self) -> str:
        """Body text, blocks separated by blank lines."""
        return "\n\n".join(b.text for b in self.blocks if b.text.strip())

    def word_count(self) -> int:
        """Words in the body."""
        return sum(len(b.text.split()) for b in self.blocks)

    def reading_minutes(self) -> int:
        """Estimated reading time, at least one minute."""
        return max(1, round(self.word_count() / WORDS_PER_MINUTE))
