"""A photo caption shows once, however many times the page's markup repeats it.

Galleries and lightboxes print one caption two to four times: in the figure,
in a hidden lightbox copy, in a slideshow list, sometimes twice in a row.
Readability keeps them all, and the reader would show the same line again and
again.  A caption is recognised by where it sits, not by its words, so this
works in any language: a `<figcaption>`, anything inside a `<figure>`, an
element whose class or id says caption or credit, or a short block next to an
image.  The first copy stays; a later block saying the same words goes,
together with the copy's container when that holds nothing else (the
duplicate image of a lightbox or slide).  Two neighbours saying the same
short thing (a caption and its credit printed twice) count as a repeat even
without an image.
"""

from __future__ import annotations

import re

from lxml import etree

from tuinews.io.tree import attached as _attached
from tuinews.io.tree import drop as _drop

CAPTION_WORDS = 60  # longer than this is prose, even in a figure
BESIDE_IMAGE_WORDS = 30  # a block with no caption markup beside a photo: longer is prose
MIN_WORDS = 3  # "Photo: AP" repeated is not worth judging ...
MIN_CHARS = 12  # ... but a caption in Chinese or Japanese is one long "word"
PHOTO_WORDS = 6  # fewer, and two photos may share it ("Mark Stout/iStock/Getty Images")
_BLOCKS = frozenset(("p", "figcaption", "div", "dd", "li", "h2", "h3", "h4", "h5", "h6"))
_IMAGES = frozenset(("img", "picture", "video"))
_RESETS = frozenset(("img", "picture", "video", "figure", "table", "hr"))
_CAPTION_MARKS = re.compile(
    r"(?:^|[^a-z])(?:caption|credit|cutline|legend|photo-?desc|image-?desc|img-?desc|media-?desc|"
    r"slide|gallery|lightbox|carousel)",
)
_WORD = re.compile(r"\w+")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# Size variants of one picture's file name: "-1024x768", "_large", "-thumb", "@2x", "-scaled".
_IMAGE_EXTENSIONS = frozenset(
    ("jpg", "jpeg", "png", "gif", "webp", "avif", "jxl", "bmp", "tif", "tiff", "svg")
)
_SIZE = re.compile(
    r"[-_.@](?:\d{2,5}x\d{2,5}|\d{2,5}w|\dx|large|medium|small|thumb(?:nail)?|full|orig(?:inal)?|scaled|"
    r"lg|md|sm|xl|xxl|hd|hires|lowres|preview|square|wide|crop(?:ped)?)(?=$|[-_.@])",
)


def caption_key(text: str) -> str:
    """A text as the words it says, case and punctuation aside."""
    return " ".join(_WORD.findall(text.lower()))


def _caption_sized(key: str) -> bool:
    count = key.count(" ") + 1 if key else 0
    if count > CAPTION_WORDS or len(key) > 600:
        return False
    return count >= MIN_WORDS or (_CJK.search(key) is not None and len(key) >= MIN_CHARS)


def _says_enough(key: str) -> bool:
    """Long enough to be one photo's caption rather than a credit many photos share ("Getty Images")."""
    count = key.count(" ") + 1
    return count >= PHOTO_WORDS or (
        count < MIN_WORDS and _CJK.search(key) is not None and len(key) >= MIN_CHARS
    )


def drop_repeated_captions(root: etree._Element) -> etree._Element:
    """Every caption once: later copies (and their copy-only containers) are dropped.

    A later copy goes when it repeats a caption (or, being a caption, repeats
    a short block) and either says enough to name one photo or shows the same
    picture; two neighbouring blocks saying the same short thing are one.
    """
    captions: dict[str, set[str]] = {}  # keys first seen as captions -> the pictures they were under
    blocks: set[str] = set()  # keys of other short blocks
    last = ""
    for el in list(root.iter(etree.Element)):
        if el.tag in _RESETS:
            last = ""
            continue
        if el.tag not in _BLOCKS or next(el.iterdescendants(*_BLOCKS), None) is not None:
            continue  # judge the innermost blocks only
        key = caption_key(el.text_content())
        if not key:
            continue
        if not _caption_sized(key):
            last = key
            continue
        if not _attached(el, root):
            continue  # inside a copy dropped already
        is_caption = _is_caption(el, key, root)
        picture = _picture(el, root) if is_caption else None
        neighbour = key == last and el.tag != "li"  # list items may repeat (references, steps)
        seen = captions.get(key)
        again = (seen is not None or (is_caption and key in blocks)) and _same_photo(key, picture, seen)
        if neighbour or again:
            _drop(_copy_container(el, key, root))
            continue
        if is_caption:
            captions.setdefault(key, set()).update((picture,) if picture else ())
        else:
            blocks.add(key)
        last = key
    return root


def _same_photo(key: str, picture: str | None, seen: set[str] | None) -> bool:
    """Is a caption said again the same photo's?  The same picture, yes; another picture, no (a credit
    shared by two photos); no picture to compare, when it says enough to name one photo."""
    if picture is not None and seen:
        return picture in seen
    return _says_enough(key)


def _picture(el: etree._Element, root: etree._Element) -> str | None:
    """Which photo a caption belongs to (in it, just before it, or in its figure): its file name
    without extension or size ("bridge-1024x768.jpg" and "bridge-large.jpg" are one photo)."""
    holders = [el]
    prev = el.getprevious()
    if prev is not None and isinstance(prev.tag, str):
        holders.append(prev)
    holders.extend(a for a in el.iterancestors("figure") if a is not root)
    for holder in holders:
        for img in holder.iter("img"):
            src = (img.get("src") or img.get("data-src") or "").strip()
            if src:
                return _photo_id(src)
    return None


def _photo_id(src: str) -> str:
    """A picture's file name without extension or size suffix; the whole address when the name says
    nothing (an image service's "dims?image_uri=…")."""
    path = src.split("#")[0].split("?")[0].rstrip("/")
    name = path.rsplit("/", 1)[-1].lower()
    stem, dot, ext = name.rpartition(".")
    if not dot or ext not in _IMAGE_EXTENSIONS:
        return src
    return _SIZE.sub("", stem) or stem


def _is_caption(el: etree._Element, key: str, root: etree._Element) -> bool:
    """Sits where captions sit: a figcaption, in a figure, marked caption/credit/slide, or beside an image.

    "Beside an image" is strict -- the block holds the image, or the element
    just before it is a picture with no text -- and only for short blocks, so
    a paragraph of prose that follows a photo stays prose.
    """
    if el.tag == "figcaption":
        return True
    for anc in (el, *el.iterancestors()):
        if anc is root:
            break
        if anc.tag == "figure":
            return True
        marks = f"{anc.get('class', '')} {anc.get('id', '')}".lower()
        if marks.strip() and _CAPTION_MARKS.search(marks):
            return True
    if key.count(" ") + 1 > BESIDE_IMAGE_WORDS:
        return False
    if next(el.iter(*_IMAGES), None) is not None:
        return True
    prev = el.getprevious()
    while prev is not None and not isinstance(prev.tag, str):
        prev = prev.getprevious()
    return prev is not None and _bare_picture(prev)


def _bare_picture(el: etree._Element) -> bool:
    """An image, or an element holding an image and no text (a link or span around a photo)."""
    if el.tag in _IMAGES:
        return True
    return next(el.iter(*_IMAGES), None) is not None and not el.text_content().strip()


def _copy_container(el: etree._Element, key: str, root: etree._Element) -> etree._Element:
    """The outermost ancestor saying nothing but the caption (a lightbox item, a slide), else the block."""
    top = el
    for anc in el.iterancestors():
        if anc is root or anc.tag in ("body", "html", "article", "main"):
            break
        if caption_key(anc.text_content()) != key:
            break
        top = anc
    return top
