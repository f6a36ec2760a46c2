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
from urllib.parse import urljoin, urlsplit

from tuinews.core.text import strip_controls

WEB_SCHEMES = frozenset(("http", "https"))
MAX_URL = 2_000
# What browsers ignore in an address: tab and newline anywhere, controls and spaces at the ends
# (other controls are gone first, with the terminal's escape sequences; inner spaces become %20).
_INVISIBLE = re.compile(r"[\t\n\r]")
_EDGES = "".join(map(chr, range(0x21))) + "\x7f\u00a0\u200b\ufeff"


def web_url(value: object, base: str | None = None) -> str | None:
    """`value` as an absolute http(s) URL (resolved against `base` when relative), else None."""
    if not isinstance(value, str):
        return None
    url = _INVISIBLE.sub("", strip_controls(value[: MAX_URL * 2])).strip(_EDGES).replace(" ", "%20")
    if not url or len(url) > MAX_URL:
        return None
    if base:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    return url if is_web_url(url) else None


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host and no spaces or control characters."""
    if strip_controls(url) != url or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)
