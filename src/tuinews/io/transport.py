"""HTTP/1.1 for our httpx client: asyncio streams and h11, with a small keep-alive pool.

httpx's default transport (httpcore over anyio) costs about 2 ms of CPU per
request here: its pool re-checks every connection's socket through anyio's
typed attributes each time a request is queued or finishes, which is O(n^2) in
open connections.  At 500 feeds that was most of a warm refresh.  This
transport speaks the same protocol through h11 (httpcore's own parser, so
protocol errors read the same), raises httpx's exception classes, and keeps a
per-origin list of idle connections: taking one is a pop, not a scan.

Only what tuinews asks for is supported: HTTP/1.1 over TCP or TLS, no HTTP/2,
request bodies sent whole.  Proxies are not spoken here: `io/proxy.py` routes
requests that must go through one to httpx's own transport.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import AsyncIterator
from contextlib import suppress

import h11
import httpx

READ_SIZE = 64 * 1024
MAX_HEAD = 100 * 1024  # largest response head accepted (httpcore's limit)
KEEPALIVE_SECONDS = 5.0  # an idle connection older than this is closed, not reused
MAX_IDLE_PER_ORIGIN = 32
DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]


def default_tls_context() -> ssl.SSLContext:
    """Certificate checks against certifi's roots (the system's without it), HTTP/1.1 only."""
    try:
        import certifi

        context = ssl.create_default_context(cafile=certifi.where())
    except ImportError:
        context = ssl.create_default_context()
    context.set_alpn_protocols(["http/1.1"])
    return context


class _Conn:
    """One TCP (or TLS) connection and its h11 state."""

    __slots__ = ("h11", "idle_since", "reader", "reused", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD)
        self.idle_since = 0.0
        self.reused = False

    def usable(self, now: float) -> bool:
        """An idle connection the server has not closed (nor written to) and that is not stale."""
        return (
            now - self.idle_since < KEEPALIVE_SECONDS
            and not self.writer.transport.is_closing()
            and not self.reader.at_eof()
            and not self.reader._buffer  # type: ignore[attr-defined]  # bytes nobody asked for
        )

    def close(self) -> None:
        with suppress(Exception):
            self.writer.close()


class AsyncioTransport(httpx.AsyncBaseTransport):
    """An httpx transport for HTTP/1.1 on the running asyncio loop."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self._ssl = ssl_context
        self._idle: dict[Origin, list[_Conn]] = {}

    def _tls(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = default_tls_context()
        return self._ssl

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` and return its response with the body still to be streamed."""
        url = request.url
        if url.scheme not in DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(f"Request URL has an unsupported protocol '{url.scheme}://'.")
        origin = (url.scheme, url.host, url.port or DEFAULT_PORTS[url.scheme])
        timeouts = request.extensions.get("timeout", {})
        body = b"".join([part async for part in request.stream])  # type: ignore[union-attr]
        while True:
            conn = self._take(origin)
            fresh = conn is None
            if conn is None:
                conn = await self._connect(origin, timeouts.get("connect"), request)
            try:
                head = await self._exchange(conn, request, body, timeouts)
            except _StaleConnection:
                conn.close()
                if fresh:
                    raise httpx.RemoteProtocolError(
                        "Server disconnected without sending a response.", request=request
                    ) from None
                continue  # the server dropped a kept-alive connection: once more on a new one
            except BaseException:
                conn.close()
                raise
            headers = [(bytes(k), bytes(v)) for k, v in head.headers]
            return httpx.Response(
                head.status_code,
                headers=headers,
                stream=_Body(self, origin, conn, timeouts.get("read"), request),
                extensions={"http_version": b"HTTP/1.1", "reason_phrase": bytes(head.reason)},
            )

    def _take(self, origin: Origin) -> _Conn | None:
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            conn = idle.pop()
            if conn.usable(now):
                conn.reused = True
                return conn
            conn.close()
        return None

    def release(self, origin: Origin, conn: _Conn) -> None:
        """Return a connection whose exchange completed cleanly to the idle pool."""
        idle = self._idle.setdefault(origin, [])
        if len(idle) >= MAX_IDLE_PER_ORIGIN:
            conn.close()
            return
        conn.idle_since = time.monotonic()
        idle.append(conn)

    async def _connect(self, origin: Origin, timeout: float | None, request: httpx.Request) -> _Conn:
        scheme, host, port = origin
        tls = self._tls() if scheme == "https" else None
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host.strip("[]"), port, ssl=tls, server_hostname=host if tls else None, limit=READ_SIZE
                )
        except TimeoutError:
            raise httpx.ConnectTimeout("timed out connecting", request=request) from None
        except (OSError, ssl.SSLError) as exc:
            raise httpx.ConnectError(str(exc) or exc.__class__.__name__, request=request) from exc
        return _Conn(reader, writer)

    async def _exchange(
        self, conn: _Conn, request: httpx.Request, body: bytes, timeouts: dict[str, float | None]
    ) -> h11.Response:
        parser = conn.h11
        headers = list(request.headers.raw)
        if body:
            headers.append((b"content-length", str(len(body)).encode()))
        data = parser.send(h11.Request(method=request.method, target=request.url.raw_path, headers=headers))
        if body:
            data += parser.send(h11.Data(data=body))
        data += parser.send(h11.EndOfMessage())
        try:
            conn.writer.write(data)
            async with asyncio.timeout(timeouts.get("write")):
                await conn.writer.drain()
        except TimeoutError:
            raise httpx.WriteTimeout("timed out sending the request", request=request) from None
        except OSError as exc:
            if conn.reused:
                raise _StaleConnection from None
            raise httpx.WriteError(str(exc), request=request) from exc
        got_bytes = False
        while True:
            try:
                event = parser.next_event()
            except h11.RemoteProtocolError as exc:
                if conn.reused and not got_bytes:
                    raise _StaleConnection from None
                raise httpx.RemoteProtocolError(str(exc), request=request) from exc
            if event is h11.NEED_DATA:
                chunk = await _read(
                    conn, timeouts.get("read"), request, stale_ok=conn.reused and not got_bytes
                )
                if not chunk and parser.their_state is h11.SEND_RESPONSE:
                    if conn.reused and not got_bytes:
                        raise _StaleConnection
                    raise httpx.RemoteProtocolError(
                        "Server disconnected without sending a response.", request=request
                    )
                got_bytes = True
                parser.receive_data(chunk)
            elif isinstance(event, h11.Response):
                return event
            elif isinstance(event, h11.ConnectionClosed):
                if conn.reused and not got_bytes:
                    raise _StaleConnection
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                )
            # InformationalResponse (1xx): keep reading for the real one

    async def aclose(self) -> None:
        """Close every idle connection."""
        pools, self._idle = self._idle, {}
        for idle in pools.values():
            for conn in idle:
                conn.close()


class _StaleConnection(Exception):
    """A reused keep-alive connection was closed by the server before it answered."""


async def _read(
    conn: _Conn, timeout: float | None, request: httpx.Request, *, stale_ok: bool = False
) -> bytes:
    try:
        async with asyncio.timeout(timeout):
            return await conn.reader.read(READ_SIZE)
    except TimeoutError:
        raise httpx.ReadTimeout("timed out reading the response", request=request) from None
    except OSError as exc:
        if stale_ok:
            raise _StaleConnection from None
        raise httpx.ReadError(str(exc) or exc.__class__.__name__, request=request) from exc


class _Body(httpx.AsyncByteStream):
    """A response body read from the connection as the caller iterates; aclose settles the connection."""

    def __init__(
        self,
        pool: AsyncioTransport,
        origin: Origin,
        conn: _Conn,
        timeout: float | None,
        request: httpx.Request,
    ) -> None:
        self._pool = pool
        self._origin = origin
        self._conn: _Conn | None = conn
        self._timeout = timeout
        self._request = request
        self._complete = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        conn = self._conn
        if conn is None or self._complete:
            return
        parser = conn.h11
        while True:
            try:
                event = parser.next_event()
            except h11.RemoteProtocolError as exc:
                raise httpx.RemoteProtocolError(str(exc), request=self._request) from exc
            if event is h11.NEED_DATA:
                parser.receive_data(await _read(conn, self._timeout, self._request))
            elif isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                self._complete = True
                return
            elif isinstance(event, h11.ConnectionClosed):
                raise httpx.RemoteProtocolError("Server disconnected mid-response.", request=self._request)

    async def aclose(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        parser = conn.h11
        if self._complete and parser.our_state is h11.DONE and parser.their_state is h11.DONE:
            parser.start_next_cycle()
            self._pool.release(self._origin, conn)
        else:
            conn.close()  # unread body, error, or the server asked to close: never reused
