"""A fetched news page to the article the reader shows: metadata, clean HTML, plain text.

The pipeline is parse once, read the metadata, strip the page's furniture
(`tuinews.io.clean`), let readability-lxml choose the article, clean what it
kept, and render the text exactly as the reader will (`html_blocks`).  Every
failure a user can meet is an `ExtractError` with a one-line reason.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree
from readability import Document
from readability.readability import Unparseable

from tuinews.core.dates import checked_date
from tuinews.core.text import clean_line
from tuinews.errors import ExtractError
from tuinews.io.charset import decode, header_charset
from tuinews.io.clean import clean_article, clean_page, keep_web_links, untab_links
from tuinews.io.html_doc import html_blocks
from tuinews.io.plain_text import is_plain_text, text_article

# readability logs a traceback ("error getting summary") before it raises Unparseable; the
# reason reaches the user as one line (ExtractError), so the traceback must not reach stderr.
_READABILITY_LOG = logging.getLogger("readability.readability")
_READABILITY_LOG.addHandler(logging.NullHandler())
_READABILITY_LOG.propagate = False

MAX_TITLE = 300
MAX_BYLINE = 120


@dataclass(frozen=True)
class Extracted:
    """One article as the reader shows it."""

    title: str
    byline: str
    published: float | None
    site_name: str
    html: str
    text: str


def extract(page: str | bytes, url: str | None = None, content_type: str = "") -> Extracted:
    """The article of a page; raises ExtractError with a one-line reason when there is none.

    `content_type` is the HTTP Content-Type (or the file's type): its charset is
    one of the declarations `decode_page` weighs, and `text/plain` (or an
    untyped page without a tag) is read as plain text (`tuinews.io.plain_text`).
    """
    if isinstance(page, bytes):
        page = decode_page(page, content_type)
    check_page(page)
    if is_plain_text(page, content_type):
        title, body = text_article(page)
        meta = _Meta.empty(title, url)
    else:
        root = parse_page(page)
        meta = _Meta(root, url)
        clean_page(root)
        untab_links(root)  # before readability re-serialises "java\tscript:" into a relative link
        body = _readability(root)
    base = meta.base_url
    keep_web_links(body, base)  # links resolved as a browser reads them; only absolute http(s) stay
    if base:  # images and the rest
        body.make_links_absolute(base, resolve_base_href=False, handle_failures="discard")
    clean_article(body, meta.title)
    blocks, _links = html_blocks(body, base)
    text = "\n\n".join(b.text for b in blocks if b.text.strip())
    if not text.strip():
        raise ExtractError("no article text found on the page")
    html = escape(body.text or "") + "".join(lxml.html.tostring(c, encoding="unicode") for c in body)
    return Extracted(meta.title, meta.byline, meta.published, meta.site_name, html.strip(), text)


# -- decoding and parsing -----------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def decode_page(data: bytes, content_type: str = "") -> str:
    """Page bytes to text, the way feeds are read (`tuinews.io.charset`).

    A byte-order mark, then UTF-8 with multi-byte characters whatever the page
    declares, then the HTTP charset, `<meta charset>` and XML declaration in
    that order, then plain ASCII as UTF-8, then a guess.
    """
    head = data[:4096]
    meta = _META_CHARSET.search(head)
    xml = _XML_ENCODING.match(head)
    declared = (
        header_charset(content_type),
        meta.group(1).decode("ascii") if meta else None,
        xml.group(1).decode("ascii") if xml else None,
    )
    return decode(data, declared)[0]


def check_page(page: str) -> None:
    """ExtractError when there is nothing to read: an empty page or binary data."""
    if not page.strip():
        raise ExtractError("the page is empty")
    head = page[:2048]
    if "\x00" in head or head.lstrip().startswith("%PDF-"):
        raise ExtractError("the page is not a web page (binary data)")


def parse_page(page: str) -> etree._Element:
    """The page as an lxml document; ExtractError when there is nothing to parse."""
    page = _XML_DECL.sub("", page, count=1) if page.lstrip().startswith("<?") else page
    check_page(page)
    try:
        root = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractError(f"the page could not be read as HTML ({clean_line(str(exc), 80)})") from None
    if root is None or (root.find("body") is None and not len(root)):
        raise ExtractError("the page has no body")
    return root


class _Readability(Document):
    """readability-lxml 0.9, adjusted where measurements showed it losing articles or time.

    Each override is small and says which behaviour it changes; if the library
    renames a hook, the override goes quiet and the corpus test shows the cost.
    """

    def _parse(self, input: etree._Element) -> etree._Element:
        # The page arrives parsed and cleaned by tuinews.io.clean (scripts, styles, comments,
        # <link>s and hidden elements gone), so skip readability's own cleaner, which copies the
        # tree and rewrites every link: a third of the time on link-heavy pages.  summary() may
        # parse twice (its retry), so each call gets a fresh copy.
        doc = copy.deepcopy(input)
        doc.resolve_base_href(handle_failures="discard")
        return doc

    def get_link_density(self, elem: etree._Element) -> float:
        # Same measure, without running three regexes over every link's text (quadratic on long pages).
        total = len(" ".join(elem.text_content().split()))
        links = sum(len(" ".join(a.text_content().split())) for a in elem.iterdescendants("a"))
        return links / max(total, 1)

    def get_semantic_main_candidate(self, candidates: dict[Any, Any], best: dict[str, Any]) -> dict[str, Any]:
        # A winner much smaller than the article container around it (a captioned picture in a
        # post made of bullet lists, which readability does not score) widens to that container.
        best = super().get_semantic_main_candidate(candidates, best)
        elem = best["elem"]
        size = _text_size(elem)
        for anc in elem.iterancestors():
            if anc.tag in ("body", "html"):
                break
            if not _is_article_container(anc):
                continue
            if _text_size(anc) >= max(500, 1.25 * size) and self.get_link_density(anc) <= 0.3:
                candidate = candidates.get(anc) or self.score_node(anc)
                candidates[anc] = candidate
                return candidate
            break
        return best

    def get_editorial_leads(self, best_elem: etree._Element) -> list[etree._Element]:
        # The standfirst above the body ("ep-standfirst", "ldg-subheadline", "article-dek")
        # is part of a news article; readability-lxml only knows a few exact class words.
        leads = super().get_editorial_leads(best_elem)
        frame = next((a for a in best_elem.iterancestors() if a.tag in ("article", "main")), None)
        if frame is None:
            return leads
        ancestors = set(best_elem.iterancestors())
        body = " ".join(best_elem.text_content().split())[:2000]
        for el in frame.iter(etree.Element):
            if el is best_elem:
                break
            if el in ancestors or el in leads or any(a in leads for a in el.iterancestors()):
                continue
            if not _LEAD.search(f"{el.get('class', '')} {el.get('id', '')}"):
                continue
            text = " ".join(el.text_content().split())
            if 40 <= len(text) <= 600 and text not in body and self.get_link_density(el) <= 0.2:
                leads.append(el)  # not when it merely repeats the opening paragraph
        return leads

    def get_preserved_elements(self, node: etree._Element) -> dict[Any, bool]:
        # Readability.js never drops a list for its links (a list of bug reports or references is
        # content); readability-lxml does.  Keep lists the way the original does.
        allowed = super().get_preserved_elements(node)
        for lst in node.iter("ul", "ol"):
            allowed[lst] = True
        return allowed

    def sanitize(
        self, node: etree._Element, candidates: dict[Any, Any], keep_all_images: bool = False
    ) -> str:
        # Readability.js judges "weight + score < 0" with a score of zero, i.e. by class weight alone;
        # readability-lxml also counts the negative scores of lists holding short paragraphs
        # (captions, bullet points) and drops them.  Clamp those scores at zero, as the original does.
        kept = {el: c for el, c in candidates.items() if c["content_score"] >= 0}
        return super().sanitize(node, kept, keep_all_images)


# Words a class or id uses for the standfirst under a headline.
_LEAD = re.compile(
    r"(?:^|[\s_-])(?:sub-?head(?:line)?|standfirst|dek|deck|sub-?title|lede|summary)(?:$|[\s_-])", re.I
)
# Words a class or id uses to say "the article is in here" ("entry-content", "story-body", "post").
_CONTAINER = re.compile(
    r"(?:^|[\s_-])(?:article(?:-?body)?|content|entry|post(?:-?body)?|story|main)(?:$|[\s_-])", re.I
)


def _is_article_container(el: etree._Element) -> bool:
    """An element that says it holds the article: <article>, itemprop=articleBody, an entry-content class."""
    if el.tag == "article" or "articleBody" in (el.get("itemprop") or ""):
        return True
    return bool(_CONTAINER.search(f"{el.get('class', '')} {el.get('id', '')}"))


def _text_size(el: etree._Element) -> int:
    return len(" ".join(el.text_content().split()))


def _readability(root: etree._Element) -> etree._Element:
    """readability's article container, as a detached <div>."""
    try:
        summary = _Readability(root).summary(html_partial=True)
    except Unparseable as exc:
        raise ExtractError(f"the article could not be found ({clean_line(str(exc), 80)})") from None
    if not summary or not summary.strip():
        raise ExtractError("no article text found on the page")
    try:
        return lxml.html.fragment_fromstring(summary, create_parent="div")
    except (etree.ParserError, ValueError, AssertionError):  # lxml asserts on a body-less summary
        raise ExtractError("no article text found on the page") from None


# -- metadata -----------------------------------------------------------------

_ARTICLE_TYPES = re.compile(r"Article|BlogPosting|Report|NewsArticle|WebPage|LiveBlogPosting", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|/|»|·)\s+")
_BY = re.compile(r"^\s*(?:by|from)\s+", re.I)


class _Meta:
    """Title, byline, date, site name and base URL, read before cleaning removes <head> hints."""

    @classmethod
    def empty(cls, title: str, url: str | None) -> _Meta:
        """A page without metadata (plain text): only its headline and address."""
        meta = cls.__new__(cls)
        meta.metas, meta.ld, meta.base_url = {}, {}, url
        meta.site_name, meta.title, meta.byline, meta.published = "", title, "", None
        return meta

    def __init__(self, root: etree._Element, url: str | None) -> None:
        self.metas: dict[str, str] = {}
        for meta in root.iter("meta"):
            key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
            content = meta.get("content")
            for part in key.split():
                if content and content.strip() and part not in self.metas:
                    self.metas[part] = content.strip()
        self.ld = _json_ld(root)
        base = root.find(".//base[@href]")
        self.base_url = urljoin(url or "", base.get("href", "")) if base is not None else url
        self.site_name = clean_line(self.metas.get("og:site_name", ""), MAX_TITLE)
        self.title = self._title(root)
        self.byline = self._byline(root)
        self.published = self._published(root)

    def first(self, *keys: str) -> str:
        return next((self.metas[k] for k in keys if self.metas.get(k)), "")

    def _title(self, root: etree._Element) -> str:
        title = self.first("og:title", "twitter:title", "dc.title", "parsely-title", "title")
        title = title or _ld_text(self.ld.get("headline"))
        if not title:
            el = root.find(".//title")
            title = _shorten_title(clean_line(el.text_content() if el is not None else ""))
        title = _strip_site_name(clean_line(title), self.site_name)
        if not title:
            h1 = root.find(".//h1")
            title = h1.text_content() if h1 is not None else ""
        return clean_line(title, MAX_TITLE)

    def _byline(self, root: etree._Element) -> str:
        byline = self.first("author", "dc.creator", "parsely-author", "sailthru.author", "byl")
        if not byline:
            byline = _ld_author(self.ld.get("author"))
        if not byline:
            byline = self.first("article:author")
            byline = "" if "://" in byline else byline
        if not byline:
            marked = root.xpath("//*[@rel='author' or @itemprop='author' or contains(@class, 'byline')]")
            for el in marked[:3]:
                text = clean_line(el.text_content())
                if 0 < len(text) <= MAX_BYLINE:
                    byline = text
                    break
        return clean_line(_BY.sub("", byline), MAX_BYLINE)

    def _published(self, root: etree._Element) -> float | None:
        raw = self.first(
            "article:published_time",
            "datepublished",
            "og:article:published_time",
            "parsely-pub-date",
            "sailthru.date",
            "pubdate",
            "publishdate",
            "dc.date.issued",
            "dc.date",
            "date",
        )
        raw = raw or _ld_text(self.ld.get("datePublished"))
        if not raw:
            time_el = root.find(".//time[@datetime]")
            raw = time_el.get("datetime", "") if time_el is not None else ""
        return parse_date(raw)


def _json_ld(root: etree._Element) -> dict[str, Any]:
    """The first JSON-LD object describing an article (empty when the page has none)."""
    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        for obj in _ld_objects(data):
            kind = obj.get("@type", "")
            kind = " ".join(kind) if isinstance(kind, list) else str(kind)
            if _ARTICLE_TYPES.search(kind) and (obj.get("headline") or obj.get("datePublished")):
                return obj
    return {}


def _ld_objects(data: Any, depth: int = 0) -> list[dict[str, Any]]:
    if depth > 4:
        return []
    if isinstance(data, list):
        return [o for item in data for o in _ld_objects(item, depth + 1)]
    if isinstance(data, dict):
        return [data, *_ld_objects(data.get("@graph", []), depth + 1)]
    return []


def _ld_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _ld_author(value: Any) -> str:
    if isinstance(value, list):
        names = [_ld_author(v) for v in value[:5]]
        return ", ".join(n for n in names if n)
    if isinstance(value, dict):
        return _ld_text(value.get("name"))
    return _ld_text(value)


def _shorten_title(title: str) -> str:
    """A <title> of 'Headline | Site' to 'Headline', keeping titles that are all headline."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    head = parts[0] if len(parts[0].split()) >= 3 else max(parts, key=len)
    return head if len(head.split()) >= 3 else title


def _strip_site_name(title: str, site_name: str) -> str:
    """'Headline - Site' to 'Headline' when the page names its site."""
    if not site_name:
        return title
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1 and parts[-1].strip().lower() == site_name.lower():
        return title[: title.lower().rfind(site_name.lower())].rstrip(" |-–—:/»·")
    return title


def parse_date(raw: str) -> float | None:
    """ISO 8601 (or a bare date) to epoch seconds; None when it is not a plausible date."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if re.fullmatch(r"\d{10}(?:\.\d+)?", raw):
        return checked_date(float(raw))
    text = raw.replace("Z", "+00:00").replace(" ", "T", 1) if "T" not in raw else raw.replace("Z", "+00:00")
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return checked_date(when.timestamp())
