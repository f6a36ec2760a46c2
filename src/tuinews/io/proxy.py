"""Which requests go through a proxy, decided the way httpx decides it, and the transport that sends them.

Where the proxy comes from, first match wins:
- `[settings] proxy = "none"`: no proxy at all, whatever the environment says.
- `[settings] proxy = "http://host:port"` (or https, socks5, socks5h): every
  request goes through it, except hosts listed in `NO_PROXY`.
- no setting: `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY`, in
  either case, read exactly as an httpx client with `trust_env` reads them
  (urllib's `getproxies`, so a lowercase variable beats an uppercase one; a
  value without a scheme is `http://`; `NO_PROXY` entries `*`, `host`,
  `.domain`, `host:port`, `scheme://host`, IPv4 and IPv6 addresses).

Two deliberate differences from httpx, each a case where httpx would send a
request through a proxy that cannot serve it:
- a `NO_PROXY` CIDR range (`10.0.0.0/8`, `fd00::/8`) covers every address in
  it, as in curl, Go and requests (httpx matches only the network address, and
  an IPv6 range, like a bracketed `[::1]`, makes its client constructor raise);
- a loopback target (`localhost`, `127.0.0.0/8`, `::1`) never goes to a proxy
  on another host, which would reach *its* loopback, not ours.  A proxy on this
  machine still gets them.

Requests that go direct keep the fast transport (`io/transport.py`); proxied
ones go through httpx's own transport, one per proxy.  Either way the client
above applies the same deadline, size cap and redirect rules.
"""

from __future__ import annotations

import ipaddress
import os
import re
import ssl
import urllib.request
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit

import httpx

from tuinews.core.proxy_url import NO_PROXY, is_loopback_host, proxy_problem, shown, with_scheme
from tuinews.io.transport import KEEPALIVE_SECONDS, MAX_IDLE_PER_ORIGIN, default_tls_context

VIA = "tuinews.proxy"  # request extension naming the proxy a request went through (credentials removed)


class ProxyFailure(httpx.TransportError):
    """A request could not get through its proxy; the message is the whole sentence for the user."""


@dataclass(frozen=True)
class Proxy:
    """A proxy to send requests through, and where the user set it."""

    url: str = field(repr=False)  # with a scheme; may hold credentials: give it to httpx, never show it
    source: str  # "[settings] proxy", "HTTPS_PROXY", …

    @cached_property
    def shown(self) -> str:
        """`scheme://host:port`, safe for any message."""
        return shown(self.url)

    @cached_property
    def problem(self) -> str | None:
        """Why the URL cannot be used as a proxy, or None."""
        return proxy_problem(self.url)

    @cached_property
    def on_this_machine(self) -> bool:
        """True when the proxy itself listens on a loopback address."""
        try:
            host = urlsplit(self.url).hostname
        except ValueError:
            return False
        return bool(host) and is_loopback_host(host)


@dataclass(frozen=True)
class _Pattern:
    """httpx's URLPattern (scheme, host with `*` prefix rules, port), plus CIDR ranges."""

    scheme: str  # "" matches any
    host: str  # "" matches any
    regex: re.Pattern[str] | None
    port: int | None
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None

    @classmethod
    def parse(cls, key: str) -> _Pattern | None:
        """The pattern of a mount key such as `all://*example.com:8080`; None if httpx could not parse it."""
        scheme, _, rest = key.partition("://")
        scheme = "" if scheme == "all" else scheme.lower()
        network = _network(rest.strip("[]"))
        if network is not None:
            return cls(scheme, str(network.network_address), None, None, network)
        try:
            url = httpx.URL(key)
        except (httpx.InvalidURL, ValueError, TypeError):
            return None
        host = "" if url.host == "*" else url.host
        if not host:
            regex = None
        elif host.startswith("*."):
            regex = re.compile(f"^.+\\.{re.escape(host[2:])}$")
        elif host.startswith("*"):
            regex = re.compile(f"^(.+\\.)?{re.escape(host[1:])}$")
        else:
            regex = re.compile(f"^{re.escape(host)}$")
        return cls(scheme, host, regex, url.port)

    def matches(self, url: httpx.URL) -> bool:
        """True when `url` falls under this pattern."""
        if self.scheme and self.scheme != url.scheme:
            return False
        if self.network is not None:
            try:
                return ipaddress.ip_address(url.host) in self.network
            except ValueError:
                return False
        if self.host and self.regex is not None and not self.regex.match(url.host):
            return False
        return self.port is None or self.port == url.port

    @property
    def priority(self) -> tuple[int, int, int]:
        """httpx's order: a port first, then the longest host, then the longest scheme."""
        return (0 if self.port is not None else 1, -len(self.host), -len(self.scheme))


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if "/" not in text:
        return None
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text.split("/")[0])
    except ValueError:
        return False
    return True


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text.split("/")[0])
    except ValueError:
        return False
    return True


class ProxyRoutes:
    """The proxy (or None: direct) for each request URL."""

    def __init__(self, table: list[tuple[_Pattern, Proxy | None]]) -> None:
        self._table = sorted(table, key=lambda row: row[0].priority)  # stable, like httpx's mounts

    def __bool__(self) -> bool:
        return any(proxy is not None for _, proxy in self._table)

    def proxy_for(self, url: httpx.URL) -> Proxy | None:
        """The proxy that `url` goes through, or None to connect directly."""
        for pattern, proxy in self._table:
            if pattern.matches(url):
                if (
                    proxy is not None
                    and proxy.problem is None  # a broken proxy URL is reported, never bypassed
                    and not proxy.on_this_machine
                    and is_loopback_host(url.host)
                ):
                    return None
                return proxy
        return None


def routes(setting: str = "") -> ProxyRoutes:
    """The routes for the `proxy` setting ("" means: from the environment) and the environment."""
    setting = setting.strip()
    if setting.lower() == NO_PROXY:
        return ProxyRoutes([])
    found = urllib.request.getproxies()  # what httpx's get_environment_proxies starts from
    mounts: dict[str, Proxy | None] = {}
    if setting:
        mounts["all://"] = Proxy(with_scheme(setting), "[settings] proxy")
    else:
        for scheme in ("http", "https", "all"):
            if found.get(scheme):
                mounts[f"{scheme}://"] = Proxy(with_scheme(found[scheme]), _variable(scheme))
    for entry in (h.strip() for h in found.get("no", "").split(",")):
        if entry == "*":
            return ProxyRoutes([])
        if not entry:
            continue
        if "://" in entry:
            mounts[entry] = None
        elif _is_ipv4(entry):
            mounts[f"all://{entry}"] = None
        elif _is_ipv6(entry.strip("[]")):
            mounts[f"all://[{entry.strip('[]')}]"] = None
        elif entry.lower() == "localhost":
            mounts[f"all://{entry}"] = None
        else:
            mounts[f"all://*{entry}"] = None
    table = [(pattern, proxy) for key, proxy in mounts.items() if (pattern := _Pattern.parse(key))]
    return ProxyRoutes(table)


def _variable(scheme: str) -> str:
    """The environment variable a proxy came from, as the user spelled it."""
    for name in (f"{scheme}_proxy", f"{scheme.upper()}_PROXY"):
        if os.environ.get(name):
            return name
    return "the system proxy settings"


class ProxyRouter(httpx.AsyncBaseTransport):
    """Sends each request direct (the fast transport) or through its proxy (httpx's transport)."""

    def __init__(
        self, direct: httpx.AsyncBaseTransport, table: ProxyRoutes, ssl_context: ssl.SSLContext | None
    ) -> None:
        self._direct = direct
        self._routes = table
        self._ssl = ssl_context
        self._via: dict[Proxy, httpx.AsyncBaseTransport] = {}

    def _transport(self, proxy: Proxy, request: httpx.Request) -> httpx.AsyncBaseTransport:
        transport = self._via.get(proxy)
        if transport is None:
            problem = proxy.problem
            if problem is None:
                try:
                    transport = httpx.AsyncHTTPTransport(
                        proxy=proxy.url,
                        verify=self._ssl or default_tls_context(),
                        trust_env=False,
                        retries=0,
                        limits=httpx.Limits(
                            max_connections=None,  # the refresh's HostGate bounds concurrency
                            max_keepalive_connections=MAX_IDLE_PER_ORIGIN,
                            keepalive_expiry=KEEPALIVE_SECONDS,
                        ),
                    )
                except (ValueError, ImportError, httpx.InvalidURL) as exc:
                    problem = f"cannot be used ({exc.__class__.__name__})"
            if problem is not None:
                raise ProxyFailure(f"the proxy {proxy.shown} in {proxy.source} {problem}", request=request)
            assert transport is not None
            self._via[proxy] = transport
        return transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Route `request`; failures to reach or use the proxy become ProxyFailure naming it."""
        proxy = self._routes.proxy_for(request.url)
        if proxy is None:
            return await self._direct.handle_async_request(request)
        request.extensions[VIA] = proxy.shown
        transport = self._transport(proxy, request)
        try:
            return await transport.handle_async_request(request)
        except httpx.ProxyError as exc:  # the proxy answered, but would not connect us to the site
            raise ProxyFailure(
                f"the proxy {proxy.shown} would not connect to the site ({_printable(str(exc))})",
                request=request,
            ) from None
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            if _tls_trouble(exc):
                raise  # the site's certificate, seen through the tunnel: described as usual, "via" the proxy
            raise ProxyFailure(
                f"cannot reach the proxy {proxy.shown}: {_connect_reason(exc)}", request=request
            ) from None
        except httpx.RemoteProtocolError as exc:
            if "without sending" not in str(exc).lower():
                raise
            # A forward proxy that cannot reach the site often just hangs up (pproxy does;
            # squid answers 502, which reads as the status): say where the line went dead.
            raise ProxyFailure(
                f"the connection through the proxy {proxy.shown} was closed without an answer",
                request=request,
            ) from None
        except httpx.HTTPError:
            raise
        except Exception as exc:  # the SOCKS library choking on an answer that is not SOCKS
            kind = proxy.url.partition("://")[0].upper().rstrip("H")
            raise ProxyFailure(
                f"the proxy {proxy.shown} did not answer as a {kind} proxy should ({exc.__class__.__name__})",
                request=request,
            ) from None

    async def aclose(self) -> None:
        """Close the direct transport and every proxy's."""
        await self._direct.aclose()
        for transport in self._via.values():
            await transport.aclose()


def _chain(exc: BaseException) -> str:
    parts: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(parts) < 8:
        parts.append(f"{current.__class__.__name__} {current}")
        current = current.__cause__ or current.__context__
    return " | ".join(parts).lower()


def _tls_trouble(exc: BaseException) -> bool:
    text = _chain(exc)
    return "certificate" in text or "ssl" in text or "tls" in text


def _connect_reason(exc: BaseException) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "timed out connecting"
    text = _chain(exc)
    if "refused" in text:
        return "connection refused"
    if "gaierror" in text or "name or service not known" in text or "nodename" in text:
        return "host not found (DNS lookup failed)"
    return "cannot connect"


def _printable(text: str, limit: int = 80) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def proxied(
    direct: httpx.AsyncBaseTransport, setting: str, ssl_context: ssl.SSLContext | None = None
) -> httpx.AsyncBaseTransport:
    """`direct` itself when nothing goes through a proxy, else a router in front of it."""
    table = routes(setting)
    return ProxyRouter(direct, table, ssl_context) if table else direct
