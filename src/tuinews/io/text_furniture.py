"""Furniture known by what a block says and how it is built, in any language.

Class names miss it when a page's share buttons, tag line or comment notice
carry no telling class, and the words differ from language to language.
`tuinews.core.furniture` knows the words (network names are the same
everywhere); this module adds the structure: a share label is a short link or
list item, a link to a network's share endpoint is one whatever it says, a
tag line is a label and a colon before a list of links, and a moderation
notice sits before or after the article's prose, never inside it.  The
checks are `Rule` checks for `tuinews.io.clean`; the passes run on the
extracted article.
"""

from __future__ import annotations

import re

from lxml import etree

from tuinews.core.furniture import (
    has_network,
    is_moderation_notice,
    is_network_name,
    is_share_label,
    mentions_moderation,
    tag_line_items,
    words,
)
from tuinews.io.tree import attached, drop

_NOT_LABELS = frozenset(
    ("h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "table", "tr", "caption", "body", "html")
)
# Where a page sends a share: the networks' share and intent endpoints, and app schemes.
SHARE_ENDPOINT = re.compile(
    r"^\s*(?:(?:https?:)?//(?:[a-z0-9-]+\.)*(?:"
    r"facebook\.com/(?:sharer|share\.php|dialog/(?:share|feed|send))|(?:twitter|x)\.com/(?:intent/|share\b)"
    r"|wa\.me/|whatsapp\.com/send|t\.me/share|telegram\.me/share|linkedin\.com/(?:shareArticle|sharing|cws/share)"
    r"|pinterest\.[a-z.]+/pin/create|reddit\.com/submit|vk\.com/share|tumblr\.com/(?:share|widgets/share)"
    r"|getpocket\.com/(?:save|edit)|flipboard\.com/bookmarklet|weibo\.com/share|bsky\.app/intent"
    r"|line\.me/R/msg|social-plugins\.line\.me|connect\.ok\.ru|xing\.com/spi/shares|news\.ycombinator\.com/submitlink"
    r")|(?:whatsapp|tg|fb-messenger|viber|sms):|mailto:\?)",
    re.IGNORECASE,
)
_ROWS = frozenset(("ul", "ol", "li", "div", "p", "nav", "section", "span", "footer", "aside", "menu"))
_INLINE = frozenset(
    ("a", "span", "em", "strong", "b", "i", "u", "small", "font", "abbr", "cite", "sup", "sub")
)
_WORDISH = re.compile(r"[^\W\d_]")
_TAG_HEAD = re.compile(r"^\s*[^\W\d_][\w\s'’-]{0,30}[:：]")
_TAG_COLON = re.compile(r"[:：]")
_SEPARATORS = re.compile(r"[\s,;|·•/]+")
_BLOCKS = ("p", "div", "li", "dd", "section", "footer", "aside", "span", "ul")
LONG_PARAGRAPH_WORDS = 40  # a paragraph this long is the article's prose


def _text(el: etree._Element) -> str:
    return " ".join(el.text_content().split())


def _linked_share(el: etree._Element, text: str) -> float:
    """Share of the text inside links."""
    if not text:
        return 0.0
    linked = sum(len(_text(a)) for a in el.iter("a"))
    return linked / len(text)


def share_label(el: etree._Element) -> bool:
    """A share button's label ("Auf Twitter teilen", "WhatsApp"): a short block, or a link in a row of links.

    A link inside a sentence ("posted to <a>Facebook</a>") is prose, not a button.
    """
    if el.tag in _NOT_LABELS or (el.tag in _INLINE and not _in_row_of_links(el)):
        return False
    text = _text(el)
    if is_share_label(text):
        return True
    return is_network_name(text) and _only_links(el)


def _in_row_of_links(el: etree._Element) -> bool:
    parent = el.getparent()
    return el.tag == "a" and parent is not None and _only_links(parent)


def _only_links(el: etree._Element) -> bool:
    """Every word of the element is inside a link (the rest is brackets, bars and spaces)."""
    outside = (el.text or "") + "".join(_outside_links(child) for child in el)
    return _WORDISH.search(outside) is None and next(el.iter("a"), None) is not None


def _outside_links(el: etree._Element) -> str:
    tail = el.tail or ""
    if el.tag == "a" or not isinstance(el.tag, str):
        return tail
    return (el.text or "") + "".join(_outside_links(child) for child in el) + tail


def drop_share_rows(root: etree._Element) -> etree._Element:
    """A row of share links goes whole, the items whose labels name no known network with it ("LINEで送る").

    A row is the nearest list or block around a share link whose words are all
    inside its (at most a dozen short) links; it goes when half its links are
    share labels or network names.
    """
    done: set[etree._Element] = set()
    for link in list(root.iter("a")):
        text = link.text_content()
        if len(text) > 160 or not (has_network(text) or SHARE_ENDPOINT.match(link.get("href", ""))):
            continue
        if not attached(link, root):
            continue
        row = _row(link, root)
        if row is None or row in done:
            continue
        done.add(row)
        links = [_text(a) for a in row.iter("a")]
        sharing = sum(1 for a, t in zip(row.iter("a"), links, strict=True) if _share_item(a, t))
        if sharing * 2 >= len(links):
            drop(row)
    return root


def _row(link: etree._Element, root: etree._Element) -> etree._Element | None:
    row = None
    for anc in link.iterancestors():
        if anc is root or anc.tag not in _ROWS:
            break
        if len(anc.text_content()) > 400 or not _only_links(anc):
            break
        count = sum(1 for _ in anc.iter("a"))
        if count > 12:
            break
        row = anc if count >= 2 else row
    return row


def _share_item(link: etree._Element, text: str) -> bool:
    return share_link(link) or is_share_label(text) or is_network_name(text)


def share_link(el: etree._Element) -> bool:
    """A link to a network's share endpoint, whatever its text says."""
    return el.tag in ("a", "area") and SHARE_ENDPOINT.match(el.get("href", "")) is not None


def tag_line(el: etree._Element) -> bool:
    """ "Tags: a, b, c" under a listed label, or a one-word label and colon before three or more word links."""
    text = _text(el)
    if not text or len(text) > 400:
        return False
    items = tag_line_items(text)
    if items is not None:
        return len(items) >= 2 or _linked_share(el, text) > 0.3
    head = _TAG_HEAD.match(text)
    if head is None or len(words(head.group())) != 1:
        return False  # an unlisted label: one word ("Schlagworte:"), not "Main articles:"
    links = [_text(a) for a in el.iter("a")]
    if len(links) < 3 or not all(0 < len(words(link)) <= 4 and _WORDISH.search(link) for link in links):
        return False
    rest = len(_SEPARATORS.sub("", text[head.end() :]))
    return sum(len(_SEPARATORS.sub("", link)) for link in links) >= 0.8 * rest


def drop_tag_lines(root: etree._Element) -> etree._Element:
    """Tag lines in the article ("Tags: …", "Schlagwörter: …", a label before a row of topic links)."""
    for el in _leaf_blocks(root):
        if _TAG_COLON.search(el.text_content()[:40]) and tag_line(el) and attached(el, root):
            drop(el)
    return root


def drop_moderation_notices(root: etree._Element) -> etree._Element:
    """Comment-moderation notices before or after the article's prose (never one inside it)."""
    if not mentions_moderation(root.text_content()):
        return root
    blocks = [(el, el.text_content()) for el in _leaf_blocks(root)]
    long = [i for i, (_, text) in enumerate(blocks) if len(text.split()) >= LONG_PARAGRAPH_WORDS]
    first, final = (long[0], long[-1]) if long else (len(blocks), -1)
    for i, (el, text) in enumerate(blocks):
        if (i < first or i > final) and is_moderation_notice(text) and attached(el, root):
            drop(el)
    return root


def _leaf_blocks(root: etree._Element) -> list[etree._Element]:
    """Blocks holding no other block, in document order."""
    return [el for el in root.iter(*_BLOCKS) if el is not root and _holds_no_blocks(el)]


def _holds_no_blocks(el: etree._Element) -> bool:
    return next(el.iterdescendants("p", "div", "li", "dd", "section", "ul", "ol", "table"), None) is None
