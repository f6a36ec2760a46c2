"""HTTP for feeds and article pages: one shared client, hard limits, human errors.

Every request is bounded: connect and read timeouts, a total deadline, a cap on
the *decompressed* body (we decompress ourselves, in steps, so a gzip bomb is
cut off after `max_bytes` instead of filling memory), a redirect limit, and
redirects only to http(s).  Failures become FetchError with a sentence a user
can act on.
"""

from __future__ import annotations

import asyncio
import ssl
import zlib
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from tuinews.errors import FetchError
from tuinews.io.proxy import VIA, ProxyFailure, proxied
from tuinews.io.transport import AsyncioTransport

CHUNK_LIMIT = 256 * 1024  # most decompressed bytes produced per step
REDIRECTS = (301, 302, 303, 307, 308)
DRAIN_LIMIT = 64 * 1024  # bytes read from a 304 or redirect body so the connection stays open


@dataclass(frozen=True)
class Limits:
    """Per-request limits, taken from the settings."""

    total_seconds: float = 20.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    user_agent: str = "tuinews"


@dataclass
class Response:
    """A completed fetch (304 included)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes = b""
    truncated: bool = False

    @property
    def not_modified(self) -> bool:
        """True for 304 Not Modified."""
        return self.status == 304


def make_client(
    limits: Limits,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    proxy: str = "",
    ssl_context: ssl.SSLContext | None = None,
) -> httpx.AsyncClient:
    """The one client shared by every fetch of a session.

    `proxy` is the `proxy` setting: a URL, "none", or "" for the environment's
    HTTP_PROXY/HTTPS_PROXY/ALL_PROXY/NO_PROXY (see io/proxy.py).  Requests that
    go direct use our fast transport.  A `transport` given by the caller is used
    for everything, proxies aside, as httpx does.
    """
    connect = min(10.0, limits.total_seconds)
    read = min(15.0, limits.total_seconds)
    if transport is None:
        transport = proxied(AsyncioTransport(ssl_context), proxy, ssl_context)
    return httpx.AsyncClient(
        timeout=httpx.Timeout(connect=connect, read=read, write=read, pool=limits.total_seconds),
        follow_redirects=False,
        headers={"User-Agent": limits.user_agent, "Accept-Encoding": "gzip, deflate"},
        transport=transport,
        trust_env=False,  # the environment's proxies are read by io/proxy.py, nothing else of it
    )


@dataclass
class HostGate:
    """Bounded concurrency overall and per host."""

    total: int
    per_host: int
    _all: asyncio.Semaphore = field(init=False)
    _hosts: dict[str, asyncio.Semaphore] = field(init=False)

    def __post_init__(self) -> None:
        self._all = asyncio.Semaphore(self.total)
        self._hosts = defaultdict(lambda: asyncio.Semaphore(self.per_host))

    def host(self, url: str) -> asyncio.Semaphore:
        """The semaphore of this URL's host."""
        parts = urlsplit(url)
        return self._hosts[f"{(parts.hostname or '').lower()}:{parts.port or parts.scheme}"]

    @property
    def overall(self) -> asyncio.Semaphore:
        """The global semaphore."""
        return self._all


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    limits: Limits,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str = "*/*",
) -> Response:
    """GET `url` within `limits`; raise FetchError with a human reason."""
    try:
        async with asyncio.timeout(limits.total_seconds):
            return await _fetch(client, url, limits, etag, last_modified, accept)
    except TimeoutError:
        raise FetchError(f"took longer than {limits.total_seconds:g} s, gave up") from None


async def _fetch(
    client: httpx.AsyncClient,
    url: str,
    limits: Limits,
    etag: str | None,
    last_modified: str | None,
    accept: str,
) -> Response:
    headers = {"Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    for _hop in range(limits.max_redirects + 1):
        check_url(current)
        try:
            async with client.stream("GET", current, headers=headers) as resp:
                if resp.status_code in REDIRECTS and "location" in resp.headers:
                    await _drain(resp)
                    current = urljoin(current, resp.headers["location"].strip())
                    if urlsplit(current).scheme.lower() not in ("http", "https"):
                        raise FetchError(f"redirected to a non-http(s) address ({_short(current)})")
                    continue
                if resp.status_code == 304:
                    await _drain(
                        resp
                    )  # an unread response cannot go back to the pool: drain it for keep-alive
                    return Response(current, 304, _headers(resp.headers))
                if resp.status_code >= 400:
                    raise FetchError(
                        _status_text(resp) + _via(resp.request), resp.status_code, _headers(resp.headers)
                    )
                if resp.status_code >= 300:
                    raise FetchError(
                        f"HTTP {resp.status_code} without a usable Location{_via(resp.request)}",
                        resp.status_code,
                    )
                body, truncated = await _read_body(resp, limits.max_bytes)
                return Response(current, resp.status_code, _headers(resp.headers), body, truncated)
        except httpx.HTTPError as exc:
            raise FetchError(describe(exc) + _via(exc)) from None
        except httpx.InvalidURL:
            # check_url passed, so httpx choked on the Location of a redirect (a `data:`
            # URL, a bad port…) while preparing a request we never send.
            raise FetchError("redirected to an address that is not a valid http(s) URL") from None
    raise FetchError(f"more than {limits.max_redirects} redirects")


def check_url(url: str) -> None:
    """Refuse anything but an absolute, well-formed http(s) URL (links come from feeds)."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port that is not a number, or out of range
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        raise FetchError(f"invalid address ({_short(url)})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"not an http(s) address ({_short(url)})")
    if not parts.hostname:
        raise FetchError(f"address has no host ({_short(url)})")


async def _drain(resp: httpx.Response, limit: int = DRAIN_LIMIT) -> None:
    """Read a response that should be empty, so its connection can be reused (a big one is just closed)."""
    seen = 0
    async for raw in resp.aiter_raw():
        seen += len(raw)
        if seen > limit:
            return


async def _read_body(resp: httpx.Response, max_bytes: int) -> tuple[bytes, bool]:
    decoder = _Decoder(resp.headers.get("content-encoding", ""))
    parts: list[bytes] = []
    size = 0
    async for raw in resp.aiter_raw():
        for piece in decoder.feed(raw):
            room = max_bytes - size
            if len(piece) > room:
                parts.append(piece[:room])
                return b"".join(parts), True
            parts.append(piece)
            size += len(piece)
    for piece in decoder.flush():
        room = max_bytes - size
        parts.append(piece[:room])
        size += min(len(piece), room)
        if len(piece) > room:
            return b"".join(parts), True
    return b"".join(parts), False


class _Decoder:
    """Incremental gzip/deflate decoding that never produces more than CHUNK_LIMIT at once."""

    def __init__(self, encoding: str) -> None:
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1:
            raise FetchError(f"unsupported content encoding {encoding!r}")
        self.coding = codings[0] if codings else ""
        if self.coding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self.coding == "deflate":
            self._z = zlib.decompressobj(zlib.MAX_WBITS)
        elif self.coding:
            raise FetchError(f"unsupported content encoding {encoding!r}")
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of `data`, produced lazily so the caller can stop at its cap.

        A few kilobytes of gzip can hold gigabytes; decoding a chunk completely
        before looking at the size would be the bomb going off.
        """
        if not self.coding:
            if data:
                yield data
            return
        if self.coding == "deflate" and not self._started and data:
            self._started = True
            if data[0] & 0x0F != 8:  # raw deflate without a zlib header
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            chunk = self._z.decompress(data, CHUNK_LIMIT)
            while True:
                if chunk:
                    yield chunk
                tail = self._z.unconsumed_tail
                if not tail:
                    return
                chunk = self._z.decompress(tail, CHUNK_LIMIT)
        except zlib.error:
            raise FetchError("response body is corrupt (bad compression)") from None

    def flush(self) -> list[bytes]:
        if not self.coding:
            return []
        try:
            rest = self._z.flush()
        except zlib.error:
            raise FetchError("response body is corrupt (bad compression)") from None
        return [rest] if rest else []


def _headers(headers: httpx.Headers) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def _status_text(resp: httpx.Response) -> str:
    phrase = resp.reason_phrase or ""
    return f"HTTP {resp.status_code} {phrase}".strip()


def _chain_text(exc: BaseException) -> str:
    parts = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts.append(f"{current.__class__.__name__} {current}")
        current = current.__cause__ or current.__context__
    return " | ".join(parts).lower()


def _via(source: httpx.Request | httpx.HTTPError) -> str:
    """The words naming the proxy a request went through, e.g. " (via proxy http://host:3128)"; else ""."""
    if isinstance(source, ProxyFailure):
        return ""  # its message already names the proxy
    if isinstance(source, httpx.HTTPError):
        try:
            source = source.request
        except RuntimeError:  # an error raised before any request existed
            return ""
    proxy = source.extensions.get(VIA)
    return f" (via proxy {proxy})" if proxy else ""


def describe(exc: BaseException) -> str:
    """A network exception as one sentence."""
    if isinstance(exc, ProxyFailure):
        return str(exc)
    text = _chain_text(exc)
    if isinstance(exc, httpx.ConnectTimeout):
        return "timed out connecting to the server"
    if isinstance(exc, httpx.ReadTimeout):
        return "the server stopped sending (read timeout)"
    if isinstance(exc, httpx.PoolTimeout | httpx.WriteTimeout):
        return "timed out waiting for the connection"
    if isinstance(exc, httpx.ConnectError):
        if "gaierror" in text or "name or service not known" in text or "nodename" in text:
            return "host not found (DNS lookup failed)"
        if "refused" in text:
            return "connection refused"
        if "certificate" in text or "ssl" in text:
            return "TLS/certificate problem"
        return "cannot connect to the server"
    if isinstance(exc, httpx.RemoteProtocolError):
        if "peer closed" in text or "incomplete" in text or "without sending" in text:
            return "the server closed the connection mid-response"
        return "the server broke the HTTP protocol"
    if isinstance(exc, httpx.ReadError):
        return "the connection was reset while reading"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "not an http(s) address"
    if isinstance(exc, httpx.DecodingError):
        return "response body is corrupt (bad compression)"
    if isinstance(exc, httpx.InvalidURL):
        return "invalid address"
    return f"network error ({exc.__class__.__name__})"


def _short(url: str, limit: int = 80) -> str:
    url = "".join(ch if ch.isprintable() else "?" for ch in url)
    return url if len(url) <= limit else url[: limit - 1] + "…"


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header value, or None when absent or blank."""
    value = headers.get(name.lower())
    return value.strip() if value and value.strip() else None


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    limits: Limits,
    *,
    headers: Mapping[str, str] | None = None,
    params: list[tuple[str, str]] | None = None,
    form: list[tuple[str, str]] | None = None,
) -> Response:
    """One API request (GET or a form POST) within `limits`: no redirects followed, any status
    returned (the caller decides what 4xx means), the body capped like a feed's.

    Raises FetchError for network failures, timeouts and redirects (the message names where
    the server wanted to go, so a user can fix the configured address).
    """
    check_url(url)
    content = None
    sent = dict(headers or {})
    if form is not None:
        from urllib.parse import urlencode

        content = urlencode(form).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        async with asyncio.timeout(limits.total_seconds):
            async with client.stream(method, url, params=params, headers=sent, content=content) as resp:
                if resp.status_code in REDIRECTS:
                    where = _short(urljoin(url, resp.headers.get("location", "").strip()))
                    raise FetchError(
                        f"HTTP {resp.status_code}: the server redirects to {where}", resp.status_code
                    )
                body, truncated = await _read_body(resp, limits.max_bytes)
                return Response(url, resp.status_code, _headers(resp.headers), body, truncated)
    except TimeoutError:
        raise FetchError(f"took longer than {limits.total_seconds:g} s, gave up") from None
    except httpx.HTTPError as exc:
        raise FetchError(describe(exc)) from None
