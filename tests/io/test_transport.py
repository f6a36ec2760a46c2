"""The HTTP/1.1 transport under our httpx client, against raw asyncio servers on 127.0.0.1.

Each server here scripts its answers byte for byte, so keep-alive, a server
closing an idle connection, `Connection: close`, unread bodies, 1xx answers
and TLS are each exercised for real.  The hostile network cases (stalls,
resets, bombs, lying lengths) run through the same transport in tests/hostile.
"""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from tuinews.io.http import Limits, fetch
from tuinews.io.transport import AsyncioTransport

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]


class RawServer:
    """A loopback server running `handler(reader, writer, connection_number)` per connection."""

    def __init__(self, handler: Handler, ssl_context: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.ssl = ssl_context
        self.connections = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> RawServer:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            try:
                await self.handler(reader, writer, self.connections)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()

        self._server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=self.ssl)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()

    def url(self, path: str = "/", scheme: str = "http", host: str = "127.0.0.1") -> str:
        return f"{scheme}://{host}:{self.port}{path}"


async def read_request(reader: asyncio.StreamReader) -> str:
    """The request line (headers read and dropped); '' at end of stream."""
    head = await reader.readuntil(b"\r\n\r\n")
    return head.split(b"\r\n", 1)[0].decode()


def answer(body: bytes, *extra: str) -> bytes:
    lines = ["HTTP/1.1 200 OK", f"Content-Length: {len(body)}", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def keep_alive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
    while True:
        line = await read_request(reader)
        path = line.split()[1]
        if path == "/chunked":
            writer.write(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
            )
        elif path == "/big":
            writer.write(answer(b"x" * 500_000))
        else:
            writer.write(answer(f"{path} on connection {n}".encode()))
        await writer.drain()


async def test_requests_reuse_one_kept_alive_connection() -> None:
    async with RawServer(keep_alive) as srv, httpx.AsyncClient(transport=AsyncioTransport()) as client:
        bodies = [(await client.get(srv.url(f"/{i}"))).text for i in range(20)]
        chunked = await client.get(srv.url("/chunked"))
    assert bodies == [f"/{i} on connection 1" for i in range(20)]
    assert chunked.text == "hello world"
    assert srv.connections == 1


async def test_an_unread_body_closes_its_connection_instead_of_confusing_the_next_answer() -> None:
    async with RawServer(keep_alive) as srv, httpx.AsyncClient(transport=AsyncioTransport()) as client:
        async with client.stream("GET", srv.url("/big")) as resp:
            assert resp.status_code == 200  # body left unread
        after = await client.get(srv.url("/next"))
    assert after.text == "/next on connection 2"
    assert srv.connections == 2


async def test_a_server_that_drops_idle_connections_costs_a_new_connection_not_an_error() -> None:
    async def one_answer_each(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        line = await read_request(reader)
        writer.write(answer(f"{line.split()[1]} #{n}".encode()))  # no "Connection: close", then hangs up
        await writer.drain()

    async with RawServer(one_answer_each) as srv, httpx.AsyncClient(transport=AsyncioTransport()) as client:
        first = await client.get(srv.url("/a"))
        await asyncio.sleep(0.05)  # the close reaches us while the connection is idle
        second = await client.get(srv.url("/b"))
        third = await client.get(srv.url("/c"))  # no pause: the close may still be in flight
    assert [first.text, second.text, third.text] == ["/a #1", "/b #2", "/c #3"]


async def test_connection_close_and_informational_answers() -> None:
    async def close_after(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n" + answer(b"bye", "Connection: close"))
        await writer.drain()
        await asyncio.sleep(0.2)  # keeps the socket open: only the header says it is done

    async with RawServer(close_after) as srv, httpx.AsyncClient(transport=AsyncioTransport()) as client:
        texts = [(await client.get(srv.url())).text for _ in range(3)]
    assert texts == ["bye"] * 3
    assert srv.connections == 3


async def test_a_server_that_closes_without_answering_is_one_sentence() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await read_request(reader)

    async with RawServer(hang_up) as srv, httpx.AsyncClient(transport=AsyncioTransport()) as client:
        with pytest.raises(Exception) as info:
            await fetch(client, srv.url(), Limits(total_seconds=5))
    assert str(info.value) == "the server closed the connection mid-response"


async def test_a_stalled_answer_is_a_read_timeout() -> None:
    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        await writer.drain()
        await asyncio.sleep(5)

    transport = AsyncioTransport()
    async with (
        RawServer(stall) as srv,
        httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(0.3)) as client,
    ):
        with pytest.raises(httpx.ReadTimeout):
            await client.get(srv.url())


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost (made with the openssl command)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed: cannot make a test certificate")
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


async def test_https_with_a_trusted_certificate_and_a_refusal_without_one(
    certificate: tuple[Path, Path],
) -> None:
    cert, key = certificate
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert, key)
    trusting = ssl.create_default_context(cafile=str(cert))
    async with RawServer(keep_alive, ssl_context=server_side) as srv:
        async with httpx.AsyncClient(transport=AsyncioTransport(trusting)) as client:
            texts = [
                (await client.get(srv.url(f"/{i}", scheme="https", host="localhost"))).text for i in range(3)
            ]
        assert texts == [f"/{i} on connection 1" for i in range(3)]
        async with httpx.AsyncClient(transport=AsyncioTransport()) as client:  # the system's roots
            with pytest.raises(Exception) as info:
                await fetch(client, srv.url(scheme="https", host="localhost"), Limits(total_seconds=5))
        assert str(info.value) == "TLS/certificate problem"
