"""A fast path for plain RSS 2.0 and Atom 1.0 feeds: lxml's C parser instead of feedparser's SAX handlers.

feedparser stays the parser of record (issue 7).  This module reads only the
plain, well-formed feeds whose feedparser result it can reproduce exactly and
returns None for anything else, so `parse_feed` falls back to feedparser.  The
answer has feedparser's shape -- a dict with `feed`, `entries`, `version` and
`bozo`, entries carrying the keys `feed_parse._entry` reads -- so both paths
share one mapping to ParsedItem, and a story can never change identity (key,
content hash, fingerprint) by switching paths.

Everything accepted here mirrors a line of feedparser 6.0: the namespace and
element handling of `parsers/strict.py` and `mixin.py`, the handlers of
`namespaces/_base.py`, `urls._urljoin`, and the W3CDTF and RFC 822 date
handlers.  Whatever is not mirrored is declined rather than guessed: a
DOCTYPE, anything expat (feedparser's XML parser) or libxml2 rejects, xml:base,
relative links and permalinks, elements with a feedparser handler not read
here, two titles, ids or authors in one item, dates outside the two formats.
`tests/io/test_fast_parse.py` checks identity on every corpus feed the fast
path accepts and on thousands of generated ones.
"""

from __future__ import annotations

import datetime
import pyexpat
import re
import threading
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

from lxml import etree

_LOCAL = threading.local()  # one lxml parser per thread: a shared one serialises parse workers


def _xml_parser() -> etree.XMLParser:
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
        )
    return parser


class _Decline(Exception):
    """Not certain to match feedparser: let feedparser read this feed."""


def parse_fast(body: bytes, headers: Mapping[str, str]) -> dict[str, Any] | None:
    """feedparser's result for `body`, or None when this feed is not plain enough to be sure.

    `body` and `headers` are exactly what `parse_feed` hands feedparser: UTF-8
    bytes after `to_utf8`/`cap_items`, lower-case header names.
    """
    try:
        return _parse(body, headers)
    except _Decline:
        return None
    except Exception:  # a surprise is uncertainty too: feedparser decides
        return None


# --- what feedparser does before its XML parser runs (api.py, encodings.py, sanitizer.py) ----------

_XML_DECLARATION = re.compile(rb"<\?xml[^>]*?>")
_ROOT_START = re.compile(rb"<\w")
_PI_ENCODING = re.compile(rb"""^<\?.*encoding=['"](.*?)['"].*\?>""")
_APPLICATION_XML = ("application/xml", "application/xml-dtd", "application/xml-external-parsed-entity")
_TEXT_XML = ("text/xml", "text/xml-external-parsed-entity")


def _parse(body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    if not _reads_as_utf8(body, headers):
        raise _Decline
    # convert_to_utf8 rewrites the declaration (or adds one); expat sees these bytes
    match = _XML_DECLARATION.match(body)
    declaration = b"<?xml version='1.0' encoding='utf-8'?>"
    data = declaration + body[match.end() :] if match else declaration + b"\n" + body
    root_start = _ROOT_START.search(data)
    head = data[: root_start.start()] if root_start else data
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise _Decline  # feedparser's replace_doctype rewrites these (even inside comments)
    try:
        # expat first, configured as xml.sax's namespace-aware reader feedparser uses: whatever
        # it rejects sends feedparser to its lenient parser, so the stories would differ
        pyexpat.ParserCreate(None, " ").Parse(data, True)
        root = etree.fromstring(data, _xml_parser())
    except (pyexpat.ExpatError, etree.XMLSyntaxError):
        raise _Decline from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise _Decline
    walk = _Walk(root, _base_uri(headers.get("content-location", "")))
    kind = walk.name(root.tag)
    if kind == "rss":
        return walk.rss(root)
    if kind == "feed" and root.tag == "{http://www.w3.org/2005/Atom}feed":
        return walk.atom(root)
    raise _Decline


def _reads_as_utf8(body: bytes, headers: Mapping[str, str]) -> bool:
    """True when feedparser's RFC 3023 choice of encoding (convert_to_utf8) is UTF-8."""
    mime, _, params = (headers.get("content-type") or "").partition(";")
    mime = mime.strip()
    charset = ""
    for chunk in params.split(";") if params else ():
        key, _, value = chunk.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    found = _PI_ENCODING.match(body)
    declared = found.group(1).decode("utf-8", "replace").lower() if found else ""
    if mime in _APPLICATION_XML or (mime.startswith("application/") and mime.endswith("+xml")):
        encoding = charset or declared or "utf-8"
    elif mime in _TEXT_XML or mime.startswith("text/"):
        encoding = charset or "us-ascii"
    elif headers and "content-type" not in headers:
        encoding = declared or "iso-8859-1"
    else:
        encoding = declared or "utf-8"
    return encoding.lower() in ("utf-8", "utf8", "utf_8")


# --- URLs (urls.py) --------------------------------------------------------------------------------

_ACCEPTABLE_SCHEMES = (
    "file", "ftp", "gopher", "h323", "hdl", "http", "https", "imap", "magnet", "mailto", "mms", "news",
    "nntp", "prospero", "rsync", "rtsp", "rtspu", "sftp", "shttp", "sip", "sips", "snews", "svn",
    "svn+ssh", "telnet", "wais", "aim", "callto", "cvs", "facetime", "feed", "git", "gtalk", "irc",
    "ircs", "irc6", "itms", "mms", "msnim", "skype", "ssh", "smb", "svn", "ymsg",
)  # fmt: skip
_URI_FIXER = re.compile("^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
_ABSOLUTE_LINK = re.compile(r"https?://[^/\s]", re.IGNORECASE | re.ASCII)
_ABSOLUTE_ID = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:", re.ASCII)


def _urljoin(base: str, uri: str) -> str:
    uri = _URI_FIXER.sub(r"\1\3", uri)
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


def _base_uri(content_location: str) -> str:
    """The base every element sees: feedparser re-joins the base with itself at each start tag."""

    def step(base: str) -> str:
        if not base:
            return _urljoin(base, base)
        joined = _urljoin(base, base)
        return joined if joined.strip().split(":", 1)[0] in _ACCEPTABLE_SCHEMES else base

    first = step(content_location)
    if step(first) != first:
        raise _Decline
    return first


# --- text as feedparser's pop() leaves it (mixin.py) -----------------------------------------------

_CP1252 = {c: bytes([c]).decode("cp1252") for c in range(128, 160) if c not in (129, 141, 143, 144, 157)}
_C1 = re.compile("[\x80-\x9f]")
_ENTITY_IN_LINK = re.compile("&([A-Za-z0-9_]+);")


def _fixed(text: str) -> str:
    """pop()'s last steps: undo UTF-8 read as Latin-1, map C1 controls to cp1252 characters."""
    if text.isascii():
        return text
    try:
        text = text.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return text.translate(_CP1252) if _C1.search(text) else text


def _map_type(value: str) -> str:
    value = value.lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html"}.get(value, value)


# --- dates (datetimes/w3dtf.py, datetimes/rfc822.py; w3dtf is tried first) -------------------------

_W3DTF = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:t(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(z|[+-]\d{2}:\d{2})?)?",
    re.ASCII,
)
_MSSQL = re.compile(  # "2018-09-18 14:38:10 +08:00": w3dtf splits on whitespace when there is no T
    r"(\d{4})-(\d{2})-(\d{2}) +(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?: +(z|[+-]\d{2}:\d{2}))?",
    re.ASCII,
)
_DAY_NAME = re.compile(r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?", re.ASCII)
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_MONTHS |= {
    full: i
    for i, full in enumerate(
        "january february march april may june july august september october november december".split(), 1
    )
}
_MONTHS["sept"] = 9
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", re.ASCII)
_NUMERIC_ZONE = re.compile(r"[+-]\d{2}:?\d{2}", re.ASCII)
_ZONE_NAME = re.compile(r"[a-z]{1,10}", re.ASCII)
_ZONES = {
    "ut": 0, "gmt": 0, "z": 0, "adt": -3, "ast": -4, "at": -4, "edt": -4, "est": -5, "et": -5,
    "cdt": -5, "cst": -6, "ct": -6, "mdt": -6, "mst": -7, "mt": -7, "pdt": -7, "pst": -8, "pt": -8,
    "a": -1, "n": 1, "m": -12, "y": 12,
}  # fmt: skip
_RFC822_ZONES = _ZONES | {"met": 1, "mest": 2}


def _parse_date(value: str) -> time.struct_time | None:
    """feedparser's `_parse_date` for the W3CDTF and RFC 822 forms it reads without surprises."""
    if not value:
        return None
    if not value.isascii():
        raise _Decline
    text = value.lower()
    m = _W3DTF.fullmatch(text) or _MSSQL.fullmatch(text)
    if m:
        year, month, day, hour, minute, second, zone = m.groups()
        clock = (int(hour or 0), int(minute or 0), int(second or 0))
        hours = minutes = 0
        if zone and zone != "z":
            sign = -1 if zone[0] == "-" else 1
            hours, minutes = sign * int(zone[1:3]), sign * int(zone[4:])
        return _utc(int(year), int(month), int(day), clock, hours, minutes)
    return _parse_rfc822(text.split())


def _parse_rfc822(parts: list[str]) -> time.struct_time:
    if len(parts) == 6 and _DAY_NAME.fullmatch(parts[0]):
        parts = parts[1:]
    if len(parts) != 5:
        raise _Decline
    day, month_name, year_text, clock_text, zone = parts
    clock = _CLOCK.fullmatch(clock_text)
    month = _MONTHS.get(month_name)
    if not (day.isdigit() and len(day) <= 2 and month and clock):
        raise _Decline
    if not (year_text.isdigit() and len(year_text) in (2, 4)):
        raise _Decline
    year = int(year_text)
    if len(year_text) == 2:
        year += 1900 if year >= 90 else 2000
    if _NUMERIC_ZONE.fullmatch(zone):
        sign = -1 if zone[0] == "-" else 1
        hours, minutes = sign * int(zone[1:3]), sign * int(zone[-2:])
    elif _ZONE_NAME.fullmatch(zone):
        if zone.startswith("gmt"):
            zone = zone[3:] or "gmt"
        hours, minutes = _RFC822_ZONES.get(zone, 0), 0
    else:
        raise _Decline
    hms = (int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0))
    return _utc(year, month, int(day), hms, hours, minutes)


def _utc(
    year: int, month: int, day: int, clock: tuple[int, int, int], hours: int, minutes: int
) -> time.struct_time:
    try:
        stamp = datetime.datetime(year, month, day, *clock)
        return (stamp - datetime.timedelta(0, 0, 0, 0, minutes, hours)).utctimetuple()
    except (ValueError, OverflowError):
        raise _Decline from None  # feedparser would go on to its other date handlers


# --- element names as feedparser computes them (strict.py startElementNS, mixin.py) ----------------

_KNOWN_NAMESPACES = {
    uri.lower(): prefix
    for uri, prefix in {
        "": "",
        "http://backend.userland.com/rss": "",
        "http://blogs.law.harvard.edu/tech/rss": "",
        "http://purl.org/rss/1.0/": "",
        "http://my.netscape.com/rdf/simple/0.9/": "",
        "http://example.com/newformat#": "",
        "http://example.com/necho": "",
        "http://purl.org/echo/": "",
        "uri/of/echo/namespace#": "",
        "http://purl.org/pie/": "",
        "http://purl.org/atom/ns#": "",
        "http://www.w3.org/2005/Atom": "",
        "http://purl.org/rss/1.0/modules/rss091#": "",
        "http://webns.net/mvcb/": "admin",
        "http://purl.org/rss/1.0/modules/aggregation/": "ag",
        "http://purl.org/rss/1.0/modules/annotate/": "annotate",
        "http://media.tangent.org/rss/1.0/": "audio",
        "http://backend.userland.com/blogChannelModule": "blogChannel",
        "http://creativecommons.org/ns#license": "cc",
        "http://web.resource.org/cc/": "cc",
        "http://cyber.law.harvard.edu/rss/creativeCommonsRssModule.html": "creativeCommons",
        "http://backend.userland.com/creativeCommonsRssModule": "creativeCommons",
        "http://purl.org/rss/1.0/modules/company": "co",
        "http://purl.org/rss/1.0/modules/content/": "content",
        "http://my.theinfo.org/changed/1.0/rss/": "cp",
        "http://purl.org/dc/elements/1.1/": "dc",
        "http://purl.org/dc/terms/": "dcterms",
        "http://purl.org/rss/1.0/modules/email/": "email",
        "http://purl.org/rss/1.0/modules/event/": "ev",
        "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
        "http://freshmeat.net/rss/fm/": "fm",
        "http://xmlns.com/foaf/0.1/": "foaf",
        "http://www.w3.org/2003/01/geo/wgs84_pos#": "geo",
        "http://www.georss.org/georss": "georss",
        "http://www.opengis.net/gml": "gml",
        "http://postneo.com/icbm/": "icbm",
        "http://purl.org/rss/1.0/modules/image/": "image",
        "http://www.itunes.com/DTDs/PodCast-1.0.dtd": "itunes",
        "http://example.com/DTDs/PodCast-1.0.dtd": "itunes",
        "http://purl.org/rss/1.0/modules/link/": "l",
        "http://search.yahoo.com/mrss": "media",
        "http://search.yahoo.com/mrss/": "media",
        "http://madskills.com/public/xml/rss/module/pingback/": "pingback",
        "http://prismstandard.org/namespaces/1.2/basic/": "prism",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
        "http://www.w3.org/2000/01/rdf-schema#": "rdfs",
        "http://purl.org/rss/1.0/modules/reference/": "ref",
        "http://purl.org/rss/1.0/modules/richequiv/": "reqv",
        "http://purl.org/rss/1.0/modules/search/": "search",
        "http://purl.org/rss/1.0/modules/slash/": "slash",
        "http://schemas.xmlsoap.org/soap/envelope/": "soap",
        "http://purl.org/rss/1.0/modules/servicestatus/": "ss",
        "http://hacks.benhammersley.com/rss/streaming/": "str",
        "http://purl.org/rss/1.0/modules/subscription/": "sub",
        "http://purl.org/rss/1.0/modules/syndication/": "sy",
        "http://schemas.pocketsoap.com/rss/myDescModule/": "szf",
        "http://purl.org/rss/1.0/modules/taxonomy/": "taxo",
        "http://purl.org/rss/1.0/modules/threading/": "thr",
        "http://purl.org/rss/1.0/modules/textinput/": "ti",
        "http://madskills.com/public/xml/rss/module/trackback/": "trackback",
        "http://wellformedweb.org/commentAPI/": "wfw",
        "http://purl.org/rss/1.0/modules/wiki/": "wiki",
        "http://www.w3.org/1999/xhtml": "xhtml",
        "http://www.w3.org/1999/xlink": "xlink",
        "http://www.w3.org/XML/1998/namespace": "xml",
        "http://podlove.org/simple-chapters": "psc",
    }.items()
}
_STANDARD_PREFIXES = frozenset(p.lower() for p in _KNOWN_NAMESPACES.values() if p)
# Element names with a feedparser handler (_start_<name> or _end_<name>, prefix joined by "_").
# An element not listed, in a namespace feedparser knows, is only stored under its own name.
_HANDLED = frozenset(
    """
    abstract author body category channel cloud content content_encoded contributor copyright
    created creativecommons_license dc_author dc_contributor dc_creator dc_date dc_description
    dc_language dc_publisher dc_rights dc_subject dc_title dcterms_created dcterms_issued
    dcterms_modified dcterms_valid description email enclosure entry expirationdate feed
    feedburner_browserfriendly fullitem generator geom georss_box georss_line georss_point
    georss_polygon georss_where georssgeom gml_exterior gml_linearring gml_linestring gml_point
    gml_polygon gml_pos gml_poslist guid height homepage id image info issued item itunes_author
    itunes_block itunes_category itunes_email itunes_explicit itunes_image itunes_keywords
    itunes_link itunes_name itunes_owner itunes_subtitle itunes_summary keywords language
    lastbuilddate link managingeditor media_category media_content media_credit media_description
    media_group media_keywords media_license media_player media_rating media_restriction
    media_thumbnail media_title modified name newlocation psc_chapter psc_chapters pubdate published
    rights rss source subtitle summary tagline tags textinput title updated uri url webmaster where
    width xhtml_body cc_license
    """.split()
)
# Prefixes a namespace unknown to feedparser may not use: feedparser would build handler
# names ("_start_media_title") or keys ("title_detail", "published_parsed") from them.
_RESERVED_PREFIXES = {name.split("_", 1)[0] for name in _HANDLED if "_" in name} | {
    "author", "authors", "channel", "contributors", "created", "entries", "entry", "expired", "feed",
    "generator", "guid", "href", "id", "info", "item", "license", "link", "links", "publisher",
    "published", "rights", "rss", "source", "subtitle", "summary", "tags", "textinput", "title",
    "updated", "validity", "where", "xmlns",
}  # fmt: skip
# Keys feedparser fills or reads by name (FeedParserDict.keymap included): an unhandled
# plain element with one of these names would overwrite them.
_STRUCTURAL_KEYS = frozenset(
    """
    authors category channel contributors copyright date description enclosures entries guidislink
    href image issued items language license link links media_content media_credit media_player
    media_rating media_restriction media_thumbnail modified newlocation source tagline tags
    textinput url where
    """.split()
)
_PLAIN_NAME = re.compile(r"[a-z][a-z0-9-]*", re.ASCII)
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class _Names:
    """Maps lxml tags to feedparser's element names ('title', 'dc:creator', 'media:content').

    With expat, feedparser names an element by the standard prefix of a namespace
    it knows, drops the prefix of the Atom and RSS namespaces, and uses the
    document's own prefix for other namespaces (`startElementNS`); it then remaps
    prefixes through every declaration seen (`namespacemap`).  Declarations that
    would make that remapping matter are declined, so the name depends on the tag alone.
    """

    def __init__(self, root: Any) -> None:
        self.unknown: dict[str, str] = {}  # namespace URI -> the one prefix it is declared with
        bound: dict[str, tuple[str, str]] = {}
        for _, (prefix, uri) in etree.iterwalk(root, events=("start-ns",)):
            if any(c.isspace() for c in uri):
                raise _Decline  # xml.sax splits "uri local prefix" on whitespace
            known = _known(uri)
            if not prefix:
                if known is None:
                    raise _Decline  # feedparser would drop the namespace: <foo:title> reads as a title
                continue
            if bound.setdefault(prefix.lower(), (prefix, uri)) != (prefix, uri):
                raise _Decline  # one prefix, two namespaces (or two spellings of one prefix)
            if known is None:
                if prefix.lower() in _RESERVED_PREFIXES or self.unknown.setdefault(uri, prefix) != prefix:
                    raise _Decline
            elif (known == "" and prefix.lower() in _STANDARD_PREFIXES) or (known and prefix != known):
                raise _Decline  # namespacemap would rename other elements' prefixes
        self.foreign = frozenset(p.lower() for p in self.unknown.values())
        self._cache: dict[str, str] = {}

    def __call__(self, tag: str) -> str:
        name = self._cache.get(tag)
        if name is None:
            name = self._cache[tag] = self._compute(tag)
        return name

    def _compute(self, tag: str) -> str:
        if tag[0] != "{":
            return tag.lower()
        uri, local = tag[1:].split("}", 1)
        known = _known(uri)
        if known is None:
            return f"{self.unknown[uri]}:{local}".lower()
        return f"{known}:{local}".lower() if known else local.lower()

    def passed(self, name: str) -> bool:
        """True for an element feedparser only stores under its own name (no handler, no key we read)."""
        prefix, colon, local = name.partition(":")
        if not colon:
            return name not in _HANDLED and name not in _STRUCTURAL_KEYS and bool(_PLAIN_NAME.fullmatch(name))
        return prefix in self.foreign or f"{prefix}_{local}" not in _HANDLED


def _known(uri: str) -> str | None:
    lower = uri.lower()
    if "backend.userland.com/rss" in lower:
        return ""
    return _KNOWN_NAMESPACES.get(lower)


# --- which elements are read, and which are passed over (namespaces/*.py handlers) -----------------

_NONE: frozenset[str] = frozenset()
_ANY = None  # any plain attribute (never xml:base or a namespaced one)
_TYPE = frozenset({"type"})
_TEXT_TYPES = ("text/plain", "text/html")
_TITLES = ("title", "dc:title")
_DESCRIPTIONS = ("description", "dc:description", "media:description")  # feed level: the subtitle
_SUMMARIES = ("summary", "itunes:summary")
_CONTENTS = ("content:encoded", "content")
_AUTHORS = ("author", "dc:creator", "dc:author", "itunes:author", "managingeditor")
_DATES = {
    **dict.fromkeys(("pubdate", "published", "issued", "dcterms:issued"), "published_parsed"),
    **dict.fromkeys(
        ("updated", "modified", "lastbuilddate", "dc:date", "dcterms:modified"), "updated_parsed"
    ),
    **dict.fromkeys(("created", "dcterms:created"), "created_parsed"),
}
_LINK_ATTRS = frozenset({"href", "rel", "type", "hreflang", "title", "length"})
_CATEGORY_ATTRS = frozenset({"domain", "term", "scheme", "label"})
# Handled elements whose handlers touch none of title, link, id, summary, content, author
# or dates (each read in namespaces/*.py), with the attributes allowed on them.
_HARMLESS: dict[str, frozenset[str] | None] = {
    "category": _CATEGORY_ATTRS,
    "media:category": _CATEGORY_ATTRS,
    "dc:subject": _NONE,
    "keywords": _NONE,
    "itunes:category": frozenset({"text"}),
    "itunes:image": frozenset({"href"}),
    "enclosure": frozenset({"url", "length", "type"}),
    "source": frozenset({"url"}),
    "generator": frozenset({"uri", "version"}),
    "cloud": frozenset({"domain", "port", "path", "registerprocedure", "protocol"}),
    **dict.fromkeys(("rights", "dc:rights", "copyright", "subtitle", "itunes:subtitle", "tagline"), _TYPE),
    **dict.fromkeys(
        (
            "language", "dc:language", "webmaster", "dc:publisher", "dc:contributor", "itunes:explicit",
            "itunes:block", "itunes:keywords", "media:keywords",
        ),
        _NONE,
    ),
    **dict.fromkeys(
        (
            "media:thumbnail", "media:credit", "media:rating", "media:restriction", "media:license",
            "media:player",
        ),
        _ANY,
    ),
}  # fmt: skip
_FEED_CONTAINERS = {
    "image": frozenset({"url", "title", "link", "width", "height", "description"}),
    "skiphours": frozenset({"hour"}),
    "skipdays": frozenset({"day"}),
    "itunes:owner": frozenset({"itunes:name", "itunes:email"}),
}


class _Walk:
    """One document: its base URI and tag names, and the element walk that mirrors feedparser.

    `has_content` is feedparser's `hasContent`: set by content elements, cleared
    only at the end of an entry, so it carries from the channel into the first
    item.  While it is clear, a second summary-like element in the same context
    is read as content (`_start_description`, `_start_summary`).
    """

    def __init__(self, root: Any, base: str) -> None:
        self.name = _Names(root)
        self.base = base
        self.has_content = False

    # -- documents -----------------------------------------------------------------------------

    def rss(self, root: Any) -> dict[str, Any]:
        self.attrs(root, frozenset({"version"}))  # any version: feedparser's is never empty
        children = self.elements(root)
        if len(children) != 1 or self.name(children[0].tag) != "channel":
            raise _Decline
        return self.document(children[0], "item", "rss20")

    def atom(self, root: Any) -> dict[str, Any]:
        return self.document(root, "entry", "atom10")

    def document(self, top: Any, entry_name: str, version: str) -> dict[str, Any]:
        self.attrs(top, _NONE)  # channel attributes (CDF) would set the link
        feed: dict[str, Any] = {"links": []}
        entries = []
        titles = 0
        for el in self.elements(top):
            name = self.name(el.tag)
            if name == entry_name:
                entries.append(self.entry(el))
                self.has_content = False
            elif name in _TITLES:
                titles += 1
                feed["title"] = self.content(el)
            elif name in _FEED_CONTAINERS:
                self.container(el, _FEED_CONTAINERS[name])
            else:
                self.common(el, name, feed, level=0, in_entry=False)
        if titles > 1:
            raise _Decline  # feedparser keeps the first non-empty one
        out = {key: feed[key] for key in ("title", "link") if key in feed}
        return {"feed": out, "entries": entries, "version": version, "bozo": False}

    def entry(self, item: Any) -> dict[str, Any]:
        self.attrs(item, _NONE)  # rdf:about and CDF attributes would set the id and link
        entry: dict[str, Any] = {"links": []}
        titles = ids = authors = sources = 0
        media_titles: list[int] = []
        for el in self.elements(item):
            name = self.name(el.tag)
            if name in _TITLES:
                titles += 1
                entry["title"] = self.content(el)
            elif name in ("media:content", "media:group"):
                media_titles += self.media(el, name, entry, level=1)
            elif name == "media:title":
                self.content(el)
                media_titles.append(0)
            else:
                sources += name == "source"  # resets title_depth: a later media:title would win
                ids += name in ("guid", "id")
                authors += name in _AUTHORS
                self.common(el, name, entry, level=0, in_entry=True)
        if titles > 1 or ids > 1 or authors > 1:
            raise _Decline  # feedparser's choice among them depends on depths and order
        if media_titles and (titles != 1 or (0 in media_titles and (sources or not entry["title"]))):
            # media:title is read as a title; the item's own non-empty title always wins
            # over one beside it, and any title over a nested one (title_depth, property_depth_map)
            raise _Decline
        entry.pop("_summary_level", None)
        if "id" in entry:
            entry["guid"] = entry["id"]
        return entry

    # -- elements read in both feeds and entries -----------------------------------------------

    def common(self, el: Any, name: str, ctx: dict[str, Any], *, level: int, in_entry: bool) -> None:
        if name in _DESCRIPTIONS or name in _SUMMARIES:
            self.summary(el, name, ctx, level=level, in_entry=in_entry)
        elif name in _CONTENTS:
            value = self.content(el)
            self.has_content = True
            ctx.setdefault("content", []).append({"value": value})
            ctx.setdefault("summary", value)  # _end_content copies text and HTML content
        elif name == "link":
            self.link(el, ctx, in_entry=in_entry)
        elif name in ("guid", "id"):
            self.guid(el, ctx)
        elif name in _DATES:
            ctx[_DATES[name]] = _parse_date(_fixed(self.text(el, _NONE).strip()))
        elif name in _AUTHORS:
            ctx["author"] = self.author(el)
        elif name == "contributor":
            self.author(el)
        elif name in _HARMLESS:
            self.text(el, _HARMLESS[name])
        elif self.name.passed(name):
            self.text(el, _ANY)
        else:
            raise _Decline

    def summary(self, el: Any, name: str, ctx: dict[str, Any], *, level: int, in_entry: bool) -> None:
        """_start_description / _start_summary: the summary, or content when one is already there."""
        value = self.content(el)
        if "summary" in ctx and not self.has_content:
            self.has_content = True
            ctx.setdefault("content", []).append({"value": value})
        elif in_entry:
            stored = ctx.get("_summary_level")  # property_depth_map: a deeper one never overwrites
            if stored is None or level <= stored:
                ctx["summary"] = value
                ctx["_summary_level"] = level
        elif name in _SUMMARIES:
            ctx["summary"] = value  # at feed level a description becomes the subtitle instead

    def link(self, el: Any, ctx: dict[str, Any], *, in_entry: bool) -> None:
        """_start_link and pop('link'): an href attribute (Atom) or the element's text (RSS)."""
        attrs = self.attrs(el, _LINK_ATTRS)
        links = ctx["links"]
        if "href" in attrs:
            if len(el) or not _ABSOLUTE_LINK.match(attrs["href"]):
                raise _Decline  # relative (or empty): feedparser joins it to the feed URL
            href = _urljoin(self.base, attrs["href"])
            rel = attrs.get("rel", "alternate")
            kind = attrs.get("type", "application/atom+xml" if rel == "self" else "text/html")
            links.append({"rel": rel, "href": href})
            if rel == "alternate" and _map_type(kind) in ("text/html", "application/xhtml+xml"):
                ctx["link"] = href
            return
        if attrs:
            raise _Decline
        text = self.leaf(el).strip()
        if text:
            if not _ABSOLUTE_LINK.match(text):
                raise _Decline
            text = _urljoin(self.base, text)
        text = _fixed(text)
        links.append({"rel": "alternate"})
        if in_entry:  # pop() undoes "?a=1&amp;b=2" and "&b;=2"
            text = _ENTITY_IN_LINK.sub(r"&\g<1>", text.replace("&amp;", "&"))
            if text:
                links[-1]["href"] = text
        else:
            text = _ENTITY_IN_LINK.sub(r"&\g<1>", text)
        ctx["link"] = text

    def guid(self, el: Any, ctx: dict[str, Any]) -> None:
        """_start_guid and _end_guid: a permalink is joined to the base and stands in for a missing link."""
        attrs = self.attrs(el, frozenset({"ispermalink"}))
        is_link = attrs.get("ispermalink", "true") == "true"  # case-sensitive in feedparser
        text = self.leaf(el).strip()
        if text and is_link:
            if not _ABSOLUTE_ID.match(text):
                raise _Decline  # relative: feedparser joins it to the feed URL
            text = _urljoin(self.base, text)
        ctx["id"] = text = _fixed(text)
        if is_link and "link" not in ctx:
            ctx["link"] = text

    def author(self, el: Any) -> str:
        """Author text (RSS), or name/email/uri children joined as _sync_author_detail joins them."""
        self.attrs(el, _NONE)
        if not len(el):
            return _fixed((el.text or "").strip())
        if (el.text or "").strip():
            raise _Decline
        found: dict[str, str] = {}
        for child in el:
            name = self.name(child.tag) if isinstance(child.tag, str) else ""
            if name not in ("name", "email", "uri") or name in found or (child.tail or "").strip():
                raise _Decline
            found[name] = self.text(child, _NONE).strip()  # pushed without expecting text: no fixes
        name, email = found.get("name"), found.get("email")
        if name and email:
            return f"{name} ({email})"
        return name or email or ""

    def media(self, el: Any, name: str, entry: dict[str, Any], *, level: int) -> list[int]:
        """media:content and media:group; returns the levels of the media:title inside."""
        self.attrs(el, _ANY)
        titles = []
        for child in self.elements(el):
            inner = self.name(child.tag)
            if inner == "media:content" and name == "media:group":
                titles += self.media(child, inner, entry, level=level + 1)
            elif inner == "media:title":
                self.content(child)
                titles.append(level)
            elif inner == "media:description":
                self.summary(child, inner, entry, level=level, in_entry=True)
            elif inner in _HARMLESS and inner.startswith("media:"):
                self.text(child, _HARMLESS[inner])
            elif self.name.passed(inner):
                self.text(child, _ANY)
            else:
                raise _Decline
        return titles

    def container(self, el: Any, allowed: frozenset[str]) -> None:
        self.attrs(el, _NONE)
        for child in self.elements(el):
            if self.name(child.tag) not in allowed:
                raise _Decline  # e.g. <image><foo/>: feedparser leaves the image early
            self.text(child, _NONE)

    # -- text and attributes -------------------------------------------------------------------

    def content(self, el: Any) -> str:
        """title, summary and content: push_content/pop_content with a text or HTML type."""
        attrs = self.attrs(el, _TYPE)
        if "type" in attrs and _map_type(attrs["type"]) not in _TEXT_TYPES:
            raise _Decline  # xhtml is rebuilt from elements; other types are base64-decoded
        return _fixed(self.leaf(el).strip())

    def text(self, el: Any, allowed: frozenset[str] | None) -> str:
        self.attrs(el, allowed)
        return self.leaf(el)

    @staticmethod
    def leaf(el: Any) -> str:
        """A leaf's text: with children (even comments) feedparser's pieces would differ."""
        if len(el):
            raise _Decline
        return el.text or ""

    def attrs(self, el: Any, allowed: frozenset[str] | None) -> dict[str, str]:
        """Attributes as feedparser's handlers see them: names lower-cased, rel and type values too."""
        out: dict[str, str] = {}
        attrib = el.attrib
        if not attrib:
            return out
        for key, value in attrib.items():
            if key == _XML_LANG:
                continue
            low = key.lower()
            if key[0] == "{" or low in out or low == "base":
                raise _Decline  # namespaced attributes, xml:base and its plain twin
            if low == "lang":
                continue
            if allowed is not None and low not in allowed:
                raise _Decline
            out[low] = value.lower() if low in ("rel", "type") else value
        return out

    @staticmethod
    def elements(el: Any) -> list[Any]:
        return [child for child in el if isinstance(child.tag, str)]
