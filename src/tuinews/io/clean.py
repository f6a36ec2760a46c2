"""Page furniture removal on lxml trees: the part of extraction readers notice.

Readability picks the right container but keeps what sits inside it: share
bars, the clock icon in a byline, the camera icon in a caption, screen-reader
labels, newsletter boxes.  Each kind of furniture is one named `Rule` in a
plain tuple -- `PAGE_RULES` run on the whole page before extraction,
`ARTICLE_RULES` on readability's output -- so a rule is added, dropped or
measured by editing one line.  A rule names what it looks at (tags,
attributes, class/id words, short texts) and may add a `check` that must
confirm each candidate; all rules of a tuple are matched in one walk over the
tree, which keeps a megabyte page within a few milliseconds.  Functions change
the tree they are given and return it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from html import escape

import lxml.html
from lxml import etree

from tuinews.core.furniture import has_network
from tuinews.core.labels import find_labels, has_label_words, is_label_run, strip_icon_labels
from tuinews.core.links import web_url
from tuinews.io.captions import drop_repeated_captions
from tuinews.io.text_furniture import (
    SHARE_ENDPOINT,
    drop_moderation_notices,
    drop_share_rows,
    drop_tag_lines,
    share_label,
    share_link,
)
from tuinews.io.tree import attached as _attached
from tuinews.io.tree import drop as _drop

Check = Callable[[etree._Element], bool]
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of furniture: what to look at, and an optional check that confirms a candidate."""

    name: str
    tags: frozenset[str] = frozenset()  # element names
    # (attribute, value) pairs; None matches any value, a pattern the values it matches
    attrs: tuple[tuple[str, str | re.Pattern[str] | None], ...] = ()
    marks: tuple[str, ...] = ()  # regex words looked for in the lower-cased class and id
    text: Callable[[str], object] | None = None  # a cheap test of the element's own and children's text
    check: Check | None = None


# -- measurements the checks share ----------------------------------------------


def text_len(el: etree._Element) -> int:
    """Visible characters of an element, whitespace runs counted once."""
    return len(" ".join(el.text_content().split()))


def link_density(el: etree._Element, total: int | None = None) -> float:
    """Share of an element's text that sits inside links."""
    total = text_len(el) if total is None else total
    if not total:
        return 0.0
    return sum(text_len(a) for a in el.iterdescendants("a")) / total


def is_furniture(el: etree._Element) -> bool:
    """Small or link-heavy: safe to drop when its class says furniture, unlike a container of prose."""
    total = text_len(el)
    if total < 250:
        return True
    if link_density(el, total) > 0.5:
        return True
    prose = sum(1 for p in el.iterdescendants("p") if text_len(p) >= 120)
    return total < 1000 and prose <= 1


def _small(el: etree._Element) -> bool:
    return text_len(el) < 200


def _not_fallback_image(el: etree._Element) -> bool:
    return "fallback-image" not in el.get("class", "")  # Readability.js keeps these too


_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.I)


def _hidden_style(el: etree._Element) -> bool:
    return bool(_HIDDEN_STYLE.search(el.get("style", "")))


def _page_header(el: etree._Element) -> bool:
    """The site masthead, not an article's own header with its headline and byline."""
    if el.xpath(
        "ancestor::article or ancestor::main or ancestor::*[@role='main' or @itemprop='articleBody']"
    ):
        return False
    if el.xpath(".//nav or .//form or .//*[@role='search']"):
        return True
    total = text_len(el)
    return total < 30 or link_density(el, total) > 0.5


def _page_footer(el: etree._Element) -> bool:
    """Site or article footer furniture, not the attribution footer of a quote or figure."""
    return not el.xpath("ancestor::blockquote or ancestor::figure") and is_furniture(el)


def _byline(el: etree._Element) -> bool:
    """A short author or date line: the reader shows the byline in its header instead."""
    return text_len(el) < 100


_AD_LABEL = re.compile(
    r"^\W*(?:advertisements?|advertisment|advert|ads?|sponsored(?:\s+content)?|promoted|"
    r"(?:story|article)\s+continues\s+below(?:\s+this)?\s+advert(?:isement)?|skip\s+advert(?:isement)?|"
    r"continue\s+reading\s+(?:the\s+main\s+story|below))\W*$",
    re.I,
)


def _ad_label(el: etree._Element) -> bool:
    return len(el) <= 2 and bool(_AD_LABEL.match(el.text_content().strip()))


def _icon_labels(el: etree._Element) -> bool:
    """An element holding nothing but icon labels ("Clock An icon of a clock face.")."""
    text = el.text_content()
    return len(text) < 5000 and is_label_run(text)


# -- the rules ----------------------------------------------------------------------

# Never part of any article, removed wholesale before anything else looks at the page.
STRIP_TAGS: tuple[str, ...] = (
    "script", "style", "noscript", "template", "link", "iframe", "object", "embed", "svg", "canvas",
    "button", "select", "textarea", "input",
)  # fmt: skip

# Invisible to a sighted reader: gone from the page and from the extracted article alike.
HIDDEN_RULES: tuple[Rule, ...] = (
    Rule("aria-hidden", attrs=(("aria-hidden", "true"),), check=_not_fallback_image),
    Rule("hidden-attribute", attrs=(("hidden", None),)),
    Rule("display-none", attrs=(("style", None),), check=_hidden_style),
    Rule(
        "visually-hidden",
        marks=("sr-only", "visually-?hidden", "screen-?reader[a-z-]*", "u-hidden-text", "offscreen"),
        check=_small,
    ),
)

# Furniture: what a page puts around (and inside) its article.
FURNITURE_RULES: tuple[Rule, ...] = (
    Rule("nav", tags=frozenset({"nav"}), attrs=(("role", "navigation"),), check=is_furniture),
    Rule("page-header", tags=frozenset({"header"}), attrs=(("role", "banner"),), check=_page_header),
    Rule("page-footer", tags=frozenset({"footer"}), attrs=(("role", "contentinfo"),), check=_page_footer),
    Rule("dialog", attrs=(("role", "dialog"), ("role", "alertdialog")), check=is_furniture),
    Rule("share-bar", marks=("share(?!d|holder)[a-z]*", "sharing", "social[a-z]*", "addthis"), check=is_furniture),
    Rule("cookie-notice", marks=("cookie[a-z]*", "consent", "gdpr"), check=is_furniture),
    Rule("newsletter", marks=("newsletter[a-z]*", "signup", "sign-up", "subscribe", "subscription"),
         check=is_furniture),
    Rule(
        "rail",
        marks=("most-?read", "most-?popular", "popular", "trending", "related[a-z]*", "recommended",
               "read-?more", "read-?next", "more-?stories", "outbrain", "taboola"),
        check=is_furniture,
    ),
    Rule(
        "media-player",
        marks=("video-?player[a-z]*", "media-?player", "player-?(?:container|controls?|settings)",
               "yvp-[a-z-]+", "vjs-[a-z-]+", "jw-[a-z-]+"),
        check=is_furniture,
    ),
    Rule(
        "byline",
        attrs=(("rel", "author"), ("itemprop", "author")),
        marks=("byline", "author", "dateline", "writtenby", "p-author"),
        check=_byline,
    ),
    Rule("ad-slot", marks=("ad", "ads", "advert", "advertisement", "ad-?slot", "dfp"), check=is_furniture),
    Rule(
        "reader-appeal",
        attrs=(("data-component", "epic"),),
        marks=("epic", "support-?us", "contribut(?:e|ions?)[a-z-]*", "donat(?:e|ions?)[a-z-]*", "membership",
               "paywall", "subscriber-?prompt", "reader-?revenue"),
        check=is_furniture,
    ),
)  # fmt: skip

# Short texts that are furniture whatever element holds them.
TEXT_RULES: tuple[Rule, ...] = (
    Rule("ad-label", text=lambda text: len(text) < 200 and _AD_LABEL.match(text.strip()), check=_ad_label),
    Rule("icon-labels", text=find_labels, check=_icon_labels),
    Rule("share-label", text=lambda text: len(text) <= 80 and has_network(text), check=share_label),
    Rule("share-link", attrs=(("href", SHARE_ENDPOINT),), check=share_link),
)  # fmt: skip

PAGE_RULES: tuple[Rule, ...] = HIDDEN_RULES + FURNITURE_RULES + TEXT_RULES
ARTICLE_RULES: tuple[Rule, ...] = HIDDEN_RULES + FURNITURE_RULES + TEXT_RULES


# -- matching ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Index:
    """The rules of one tuple, arranged for a single walk over the tree."""

    by_tag: dict[str, tuple[int, ...]]
    by_attr: dict[str, tuple[tuple[int, str | re.Pattern[str] | None], ...]]
    marks: re.Pattern[str] | None
    text: tuple[int, ...]


@lru_cache(maxsize=8)
def _index(rules: tuple[Rule, ...]) -> _Index:
    by_tag: dict[str, list[int]] = {}
    by_attr: dict[str, list[tuple[int, str | re.Pattern[str] | None]]] = {}
    groups = []
    for i, rule in enumerate(rules):
        for tag in rule.tags:
            by_tag.setdefault(tag, []).append(i)
        for attr, value in rule.attrs:
            by_attr.setdefault(attr, []).append((i, value))
        if rule.marks:
            groups.append(f"(?P<r{i}>{'|'.join(rule.marks)})")
    marks = re.compile(r"(?:^|[^a-z0-9])(?:" + "|".join(groups) + r")(?=$|[^a-z0-9])") if groups else None
    return _Index(
        {k: tuple(v) for k, v in by_tag.items()},
        {k: tuple(v) for k, v in by_attr.items()},
        marks,
        tuple(i for i, r in enumerate(rules) if r.text is not None),
    )


_NEVER = frozenset(("html", "body", "head"))  # class lists on <body> name site features, not furniture


def _candidates(root: etree._Element, rules: tuple[Rule, ...]) -> list[tuple[etree._Element, list[int]]]:
    """Every element some rule looks at, in document order, with those rules' positions."""
    index = _index(rules)
    found = []
    for el in root.iter(etree.Element):
        if el.tag in _NEVER:
            continue
        hits = list(index.by_tag.get(el.tag, ()))
        attrib = el.attrib
        if attrib:
            for attr, wanted in index.by_attr.items():
                value = attrib.get(attr)
                if value is not None:
                    hits.extend(i for i, v in wanted if _attr_matches(v, value))
            if index.marks is not None and ("class" in attrib or "id" in attrib):
                marks = f"{attrib.get('class', '')} {attrib.get('id', '')}".lower().replace("_", "-")
                for m in index.marks.finditer(marks):
                    hits.extend(int(k[1:]) for k, v in m.groupdict().items() if v)
        if index.text and len(el) <= 4:
            # Own text plus the children's: a label's name and description often sit in two spans.
            text = (
                (el.text or "") + "".join((c.text or "") + (c.tail or "") for c in el) if len(el) else el.text
            )
            if text:
                hits.extend(i for i in index.text if rules[i].text(text))  # type: ignore[misc]
        if hits:
            found.append((el, sorted(set(hits))))
    return found


def _attr_matches(wanted: str | re.Pattern[str] | None, value: str) -> bool:
    if wanted is None:
        return True
    if isinstance(wanted, str):
        return wanted == value.strip().lower()
    return wanted.match(value) is not None


def apply_rules(
    root: etree._Element, rules: tuple[Rule, ...], tally: Counter[str] | None = None
) -> etree._Element:
    """Drop every element a rule confirms (outermost first); `tally` counts drops per rule name."""
    etree.strip_elements(root, *STRIP_TAGS, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    for el, hits in _candidates(root, rules):
        if el is root or not _attached(el, root):
            continue
        for i in hits:
            rule = rules[i]
            if rule.check is None or rule.check(el):
                _drop(el)
                if tally is not None:
                    tally[rule.name] += 1
                break
    return root


# -- passes over the extracted article ------------------------------------------------


def strip_label_text(root: etree._Element) -> etree._Element:
    """Icon labels that share a text node with real words: cut the labels, keep the words."""
    for el in root.iter(etree.Element):
        if el.text and has_label_words(el.text) and find_labels(el.text):
            el.text = strip_icon_labels(el.text)
        if el.tail and has_label_words(el.tail) and find_labels(el.tail):
            el.tail = " " + strip_icon_labels(el.tail)
    return root


def drop_alt_text(root: etree._Element) -> etree._Element:
    """Images keep their captions, not their alt text.

    Alt text is written for screen readers and search engines: on news pages
    it mostly repeats the caption or the headline, or is a file name.  The
    reader shows a picture as "[image: caption]" from the <figcaption>.
    """
    for img in root.iter("img"):
        for attr in ("alt", "title"):
            if attr in img.attrib:
                del img.attrib[attr]
    return root


def drop_title_heading(root: etree._Element, title: str) -> etree._Element:
    """The reader shows the title above the body: a leading heading that repeats it goes.

    "Headline" matches a title of "Headline - Site" and the other way round; a
    kicker of a word or two above the headline ("News", "Live") goes with it.
    """
    want = _words(title)
    if not want:
        return root
    kickers: list[etree._Element] = []
    for el in root.iter(etree.Element):
        if el is root:
            continue
        if el.tag in ("h1", "h2", "h3"):
            if _same_title(_words(el.text_content()), want):
                for dropped in (*kickers, el):
                    _drop(dropped)
            return root
        if el.tag in ("img", "table", "pre", "blockquote"):
            return root  # the body has started
        if el.text and el.text.strip():
            if len(el) or len(el.text.split()) > 2 or len(kickers) >= 2:
                return root
            kickers.append(el)
    return root


def _same_title(heading: str, title: str) -> bool:
    if not heading:
        return False
    if heading == title:
        return True
    short, long = sorted((heading, title), key=len)
    return long.startswith(short + " ") and len(long[len(short) :].split()) <= 4


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def untab_links(root: etree._Element) -> etree._Element:
    """Tabs and newlines out of link targets, as browsers take them out ("java\tscript:" is "javascript:")."""
    for el in root.iter("a", "area"):
        href = el.get("href")
        if href and _TAB_OR_NEWLINE.search(href):
            el.set("href", _TAB_OR_NEWLINE.sub("", href))
    return root


def keep_web_links(root: etree._Element, base: str | None = None) -> etree._Element:
    """Only absolute http(s) links stay links, resolved against `base`; the others lose the target, keep the text.

    `javascript:`, `data:`, `vbscript:`, `file:`, `mailto:` (in any case, with a
    tab inside or spaces in front, as browsers read them) and relative links
    with no base to resolve them against.
    """
    for el in root.iter("a", "area"):
        href = el.get("href")
        if href is None:
            continue
        url = web_url(href, base)
        if url is None:
            del el.attrib["href"]
        elif url != href:
            el.set("href", url)
    return root


ARTICLE_PASSES: tuple[tuple[str, Callable[[etree._Element], etree._Element]], ...] = (
    ("icon-label-text", strip_label_text),
    ("repeated-caption", drop_repeated_captions),
    ("image-alt", drop_alt_text),
    ("web-links", keep_web_links),
    ("tag-line", drop_tag_lines),
    ("moderation-notice", drop_moderation_notices),
)


def clean_page(root: etree._Element, tally: Counter[str] | None = None) -> etree._Element:
    """The whole page before extraction: hidden elements and furniture removed."""
    drop_share_rows(root)  # before the rules take the share labels out of their rows one by one
    return apply_rules(root, PAGE_RULES, tally)


def clean_article(root: etree._Element, title: str = "", tally: Counter[str] | None = None) -> etree._Element:
    """Readability's output: leftover furniture, icon labels, repeated captions, the title heading."""
    drop_share_rows(root)
    apply_rules(root, ARTICLE_RULES, tally)
    for _name, run in ARTICLE_PASSES:
        run(root)
    return drop_title_heading(root, title)


def clean_fragment(html: str, title: str = "") -> str:
    """`clean_article` for an HTML string: fragment in, fragment out."""
    if not html or not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    clean_article(root, title)
    inner = "".join(lxml.html.tostring(c, encoding="unicode") for c in root)
    return (escape(root.text or "") + inner).strip()
