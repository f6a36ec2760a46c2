"""Which links tuinews keeps: absolute http(s) addresses, and nothing else.

A story's link, a link inside article HTML and the reader's numbered link
list are all handed on -- to the browser, to `stories --json`, to whatever
script reads them -- so a `javascript:`, `data:`, `vbscript:` or `file:`
address (in any case, behind spaces or a tab) is never kept: the link becomes
None and the text around it stays.  Relative links are resolved against a
base when there is one, and dropped when there is none.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from tuinews.core.text import strip_controls

WEB_SCHEMES = frozenset(("http", "https"))
MAX_URL = 2_000
# What browsers ignore in an address: tab and newline anywhere, controls and spaces at the ends
# (other controls are gone first, with the terminal's escape sequences; inner spaces become %20).
_INVISIBLE = re.compile(r"[\t\n\r]")
_ABSOLUTE = re.compile(r"https?://", re.IGNORECASE)
_PRINTABLE = re.compile(r"[\x21-\x7e]+")
# scheme, optional user info, host, optional port, then the path, query or fragment (or nothing)
_WEB = re.compile(
    r"https?://(?:[^/?#@\s]*@)?(?:\[[0-9A-Fa-f:.]+\]|[^/?#:@\[\]\s]+)(?::(?P<port>\d{0,5}))?(?:[/?#]|\Z)",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s")
_EDGES = "".join(map(chr, range(0x21))) + "\x7f\u00a0\u200b\ufeff"


def web_url(value: object, base: str | None = None) -> str | None:
    """`value` as an absolute http(s) URL (resolved against `base` when relative), else None."""
    if not isinstance(value, str):
        return None
    if _PRINTABLE.fullmatch(value) and len(value) <= MAX_URL:  # nearly every link: nothing to tidy
        url = value
    else:
        url = _INVISIBLE.sub("", strip_controls(value[: MAX_URL * 2])).strip(_EDGES).replace(" ", "%20")
    if not url or len(url) > MAX_URL:
        return None
    if base and not _ABSOLUTE.match(url):
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    return url if _valid(url) else None


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host and no spaces or control characters."""
    return strip_controls(url) == url and _valid(url)


def _valid(url: str) -> bool:
    """http(s), a host (a name or a bracketed IPv6 address), a port that fits, no whitespace."""
    found = _WEB.match(url)
    if found is None or _SPACE.search(url):
        return False
    port = found.group("port")
    return not port or int(port) <= 65535
