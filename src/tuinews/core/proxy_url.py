"""Proxy URLs as a user writes them: validation, the implied scheme, and a form safe to show.

Pure string work (no httpx), so the config can validate `[settings] proxy`
without importing the network stack.  A proxy URL may carry `user:password@`;
`shown` is the only form of it that may appear in a message.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
NO_PROXY = "none"  # the setting's word for "connect directly, whatever the environment says"


def with_scheme(value: str) -> str:
    """`host:port` read as `http://host:port`, the way httpx reads a proxy variable without a scheme."""
    value = value.strip()
    return value if "://" in value else f"http://{value}"


def shown(value: str, limit: int = 80) -> str:
    """The proxy URL as `scheme://host:port`: no user name, password, path or query, nothing unprintable.

    Everything up to the last `@` is dropped, so a password containing `/`, `?`
    or `#` cannot leak through a URL that does not even parse.
    """
    url = with_scheme(value)
    scheme, _, rest = url.partition("://")
    rest = rest.rpartition("@")[2]
    for stop in "/?#":
        rest = rest.split(stop, 1)[0]
    text = "".join(ch if ch.isprintable() and not ch.isspace() else "?" for ch in f"{scheme}://{rest}")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def proxy_problem(value: str) -> str | None:
    """Why `value` cannot be used as a proxy URL, or None when it can."""
    if any(ch.isspace() or not ch.isprintable() for ch in value.strip()):
        return "contains spaces or control characters"
    url = with_scheme(value)
    scheme = url.partition("://")[0].lower()
    if scheme not in PROXY_SCHEMES:
        return f"has the scheme '{scheme[:20]}' (use http://, https://, socks5:// or socks5h://)"
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port that is not a number, or out of range
    except ValueError:
        return "is not a valid URL"
    if not parts.hostname:
        return "has no host name"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return "must be just scheme://host:port (no path or query)"
    return None


def is_loopback_host(host: str) -> bool:
    """True for names and addresses that mean this machine: localhost, *.localhost, 127.0.0.0/8, ::1."""
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback
