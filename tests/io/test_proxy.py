"""Proxies, against a real one: pproxy (HTTP forward, CONNECT and SOCKS5) in a subprocess on 127.0.0.1.

The environment is read as httpx reads it (checked against httpx's own reading
below), `[settings] proxy` overrides it, `NO_PROXY` hosts and the demo go
direct, and a proxy that is down is one line that names it without its password.
"""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.feeds import Feed, Item, numbered
from tests.hostile.cases import CASES, SETTINGS, Result
from tests.io.test_transport import RawServer, certificate, keep_alive  # noqa: F401  (a fixture)
from tuinews.config import ConfigError, Settings, load, parse
from tuinews.core.models import FeedOutcome
from tuinews.core.proxy_url import is_loopback_host, proxy_problem, shown
from tuinews.demo.run import demo_config, start_demo_server
from tuinews.demo.server import LoopbackServer, Route
from tuinews.errors import FetchError
from tuinews.io.http import Limits, fetch, make_client
from tuinews.io.proxy import ProxyRouter, routes
from tuinews.io.transport import AsyncioTransport
from tuinews.service import Service

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
SECRET = "s3cr3t/pa?ss#word"  # characters that break a naive URL split


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ProxyServer:
    """pproxy on 127.0.0.1, listening for HTTP (forward and CONNECT) and SOCKS5; it logs each connection."""

    def __init__(self, auth: str | None = None) -> None:
        self.port = free_port()
        self.auth = auth
        self.lines: list[str] = []
        listen = f"http+socks5://127.0.0.1:{self.port}" + (f"#{auth}" if auth else "")
        self._proc = subprocess.Popen(
            # --auth 0: ask every connection for credentials (pproxy otherwise trusts an address for 30 days)
            [sys.executable, "-u", "-m", "pproxy", "-l", listen, "-v", "--auth", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._collect, daemon=True).start()
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self._proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"pproxy did not start: {self.lines}")
                time.sleep(0.05)

    def _collect(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def url(self, scheme: str = "http", credentials: str = "") -> str:
        return f"{scheme}://{credentials}127.0.0.1:{self.port}"

    def saw(self, port: int, at_least: int = 1, wait: float = 3.0, hosts: tuple[str, ...] = ()) -> int:
        """Connections the proxy opened to 127.0.0.1/localhost:`port` (waits a moment for its log)."""
        targets = tuple(f"-> {host}:{port}" for host in hosts or ("127.0.0.1", "localhost"))
        deadline = time.monotonic() + wait
        while True:
            count = sum(1 for line in list(self.lines) if line.endswith(targets))
            if count >= at_least or time.monotonic() > deadline:
                return count
            time.sleep(0.05)

    def stop(self) -> None:
        self._proc.terminate()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


@pytest.fixture(scope="module")
def proxy() -> Iterator[ProxyServer]:
    server = ProxyServer()
    yield server
    server.stop()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    """Set proxy variables for one test (the suite starts with none)."""

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


def port_of(server: LoopbackServer) -> int:
    return int(server.base.rsplit(":", 1)[1])


def dead_port() -> int:
    """A loopback port where nothing listens (connections are refused)."""
    return free_port()


async def refresh(service: Service) -> dict[str, FeedOutcome]:
    out = {}
    try:
        async for outcome in service.refresh():
            out[outcome.url] = outcome
    finally:
        await service.aclose()
    return out


# -- the environment, read as httpx reads it ---------------------------------------------------------

ENVIRONMENTS = [
    {"HTTP_PROXY": "http://p1:3128"},
    {"http_proxy": "p2:8080"},  # no scheme: http://
    {"HTTPS_PROXY": "http://p3:3128", "HTTP_PROXY": "http://p1:3128"},
    {"ALL_PROXY": "socks5://p4:1080", "HTTPS_PROXY": "http://p3:3128"},
    {"HTTP_PROXY": "http://upper:1", "http_proxy": "http://lower:2"},  # lowercase wins
    {"ALL_PROXY": "http://p5:1", "NO_PROXY": "example.com"},
    {"ALL_PROXY": "http://p5:1", "NO_PROXY": ".example.com"},
    {"ALL_PROXY": "http://p5:1", "NO_PROXY": "example.com:8080, other.org"},
    {"ALL_PROXY": "http://p5:1", "no_proxy": "10.1.2.3,::1,::2,localhost"},
    {"ALL_PROXY": "http://p5:1", "NO_PROXY": "https://secure.example.com"},
    {"ALL_PROXY": "http://p5:1", "NO_PROXY": "*"},
    {"ALL_PROXY": "http://p5:1", "NO_PROXY": "a.org,*,b.org"},
    {"HTTP_PROXY": "http://p1:3128", "NO_PROXY": "http://"},
    {"NO_PROXY": "example.com"},
    {},
]
URLS = [
    "http://example.com/feed",
    "https://example.com/feed",
    "http://www.example.com/feed",
    "https://www.example.com:8080/feed",
    "http://example.com:8080/feed",
    "http://wwwexample.com/feed",
    "http://other.org/feed",
    "https://secure.example.com/feed",
    "http://secure.example.com/feed",
    "http://10.1.2.3/feed",
    "http://10.1.2.4/feed",
    "http://[::2]/feed",
    "https://news.example.net/rss",
    "http://bücher.example/rss",
]


@pytest.mark.parametrize(
    "environment", ENVIRONMENTS, ids=lambda e: ",".join(f"{k}={v}" for k, v in e.items())
)
def test_the_environment_is_read_exactly_as_httpx_reads_it(
    environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    client = httpx.Client()  # trust_env: httpx's own reading of the same environment
    try:
        table = routes("")
        for url in URLS:
            theirs = client._transport_for_url(httpx.URL(url))  # the transport httpx would use
            their_proxy = None if theirs is client._transport else _proxy_url_of(theirs)
            ours = table.proxy_for(httpx.URL(url))
            assert (ours.url if ours else None) == their_proxy, (environment, url)
    finally:
        client.close()


def _proxy_url_of(transport: httpx.BaseTransport) -> str:
    pool = transport._pool  # type: ignore[attr-defined]
    origin = pool._proxy_url  # httpcore.URL of the proxy
    scheme = origin.scheme.decode()
    return f"{scheme}://{origin.host.decode()}:{origin.port}"


def test_where_tuinews_departs_from_httpx_it_sends_less_through_a_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://corp-proxy:3128")
    monkeypatch.setenv("NO_PROXY", "10.0.0.0/8,fd00::/8,192.168.1.1/32,[fe80::5]")
    table = routes("")
    direct = [
        "http://10.20.30.40/feed",  # in a CIDR range (httpx: only 10.0.0.0 itself)
        "http://[fd00::1]/feed",  # an IPv6 range, which makes httpx's client constructor raise
        "http://192.168.1.1/feed",
        "http://[fe80::5]/feed",  # a bracketed IPv6 entry (httpx's client constructor raises)
        "http://127.0.0.1:8080/feed",  # loopback never goes to a proxy on another host
        "http://127.8.9.10/feed",
        "http://localhost/feed",
        "http://feeds.localhost/feed",
        "http://[::1]:8080/feed",
    ]
    for url in direct:
        assert table.proxy_for(httpx.URL(url)) is None, url
    for url in ("http://11.0.0.1/feed", "http://192.168.1.2/feed", "http://example.org/feed"):
        proxy = table.proxy_for(httpx.URL(url))
        assert proxy is not None and proxy.shown == "http://corp-proxy:3128", url


def test_a_proxy_on_this_machine_does_get_loopback_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:8118")
    proxy = routes("").proxy_for(httpx.URL("http://127.0.0.1:9000/feed"))
    assert proxy is not None and proxy.on_this_machine


def test_the_setting_overrides_the_environment_and_none_ignores_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://env-proxy:1")
    monkeypatch.setenv("NO_PROXY", "intranet.example")
    url = httpx.URL("https://news.example.org/rss")
    assert routes("").proxy_for(url).source == "HTTPS_PROXY"  # type: ignore[union-attr]
    configured = routes("config-proxy:3128")
    chosen = configured.proxy_for(url)
    assert chosen is not None and chosen.url == "http://config-proxy:3128"
    assert chosen.source == "[settings] proxy"
    assert configured.proxy_for(httpx.URL("http://intranet.example/rss")) is None  # NO_PROXY still holds
    assert not routes("none") and not routes("NONE")


def test_a_proxy_url_is_shown_without_credentials() -> None:
    assert shown(f"http://alice:{SECRET}@proxy.example:3128/") == "http://proxy.example:3128"
    assert shown("proxy.example:3128") == "http://proxy.example:3128"
    assert shown("socks5h://bob:pw@[::1]:1080") == "socks5h://[::1]:1080"
    assert shown("http://u:p@h:1?token=x") == "http://h:1"
    assert "\x1b" not in shown("http://evil\x1b[31m:1")


def test_proxy_url_problems() -> None:
    for good in ("http://p:3128", "p:3128", "https://p", "socks5://u:pw@p:1080", "socks5h://[::1]:9050"):
        assert proxy_problem(good) is None, good
    assert "scheme 'ftp'" in (proxy_problem("ftp://p:21") or "")
    assert "scheme 'socks4'" in (proxy_problem("socks4://p:1080") or "")
    assert proxy_problem("http://:3128") == "has no host name"
    assert proxy_problem("http://p:99999") == "is not a valid URL"
    assert proxy_problem("http://p:3128/path") is not None
    assert proxy_problem("http://p :3128") is not None


def test_loopback_hosts() -> None:
    for host in ("localhost", "LOCALHOST.", "a.localhost", "127.0.0.1", "127.255.0.9", "::1", "[::1]",
                 "::ffff:127.0.0.1"):  # fmt: skip
        assert is_loopback_host(host), host
    for host in ("localhost.example", "128.0.0.1", "::2", "example.org", "10.0.0.1"):
        assert not is_loopback_host(host), host


# -- the setting in the config ------------------------------------------------------------------------


def test_the_proxy_setting_is_validated_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "tuinews.toml"
    path.write_text(f'[settings]\ntimeout_seconds = 5\nproxy = "ftp://alice:{SECRET}@p:21"\n')
    with pytest.raises(ConfigError) as info:
        load(path)
    message = info.value.message
    assert message.startswith(f"{path}:3: [settings] 'proxy' must be a proxy URL")
    assert "'ftp://p:21' has the scheme 'ftp'" in message
    assert "\n" not in message and "alice" not in message and "s3cr3t" not in message
    for value in ("none", "http://proxy.example:3128", "proxy.example:3128", "socks5h://127.0.0.1:9050"):
        assert parse(f'[settings]\nproxy = "{value}"\n').settings.proxy == value
    assert parse("").settings.proxy == ""
    with pytest.raises(ConfigError, match=r":2: \[settings\] 'proxy' must not be empty"):
        parse('[settings]\nproxy = ""\n', path)
    with pytest.raises(ConfigError, match=r":2: \[settings\] 'proxy' must be a string"):
        parse("[settings]\nproxy = true\n", path)


# -- through a real proxy -----------------------------------------------------------------------------


async def test_feeds_and_articles_go_through_HTTP_PROXY(
    proxy: ProxyServer, server: LoopbackServer, write_config, open_service, env
) -> None:
    page = b"<html><body><article><h1>Census</h1><p>The quokka census counted four hundred animals on the island this spring.</p></article></body></html>"
    link = server.add("/a.html", body=page, content_type="text/html")
    url = server.add("/feed.xml", body=Feed(items=[Item("Census", "g1", link, "<p>Short.</p>")]).rss())
    env(HTTP_PROXY=proxy.url())
    service = open_service(write_config([url]))
    out = await refresh(service)
    assert out[url].kind == "new" and out[url].new_count == 1
    assert proxy.saw(port_of(server)) >= 1
    story_id = out[url].new_ids[0]
    before = proxy.saw(port_of(server))
    result = await service.article(story_id)
    await service.aclose()
    assert result is not None and "quokka census" in result[1].plain_text()
    assert proxy.saw(port_of(server), at_least=before + 1) >= before + 1
    assert server.hits["/a.html"] == 1 and server.hits["/feed.xml"] == 1


async def test_https_goes_through_a_CONNECT_tunnel(
    proxy: ProxyServer,
    certificate: tuple[Path, Path],  # noqa: F811
    env,
) -> None:
    cert, key = certificate
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert, key)
    trusting = ssl.create_default_context(cafile=str(cert))
    env(HTTPS_PROXY=proxy.url(), HTTP_PROXY=f"http://127.0.0.1:{dead_port()}")
    limits = Limits(total_seconds=5)
    async with RawServer(keep_alive, ssl_context=server_side) as srv:
        async with make_client(limits, ssl_context=trusting) as client:
            bodies = [
                (await fetch(client, srv.url(f"/{i}", scheme="https", host="localhost"), limits)).body
                for i in range(3)
            ]
        assert bodies == [f"/{i} on connection 1".encode() for i in range(3)]  # one tunnel, kept alive
        assert proxy.saw(srv.port) == 1
        async with make_client(limits) as client:  # certifi's roots do not know the test certificate
            with pytest.raises(FetchError) as info:
                await fetch(client, srv.url(scheme="https", host="localhost"), limits)
        assert str(info.value) == f"TLS/certificate problem (via proxy {proxy.url()})"


@pytest.mark.parametrize("scheme", ["socks5", "socks5h"])
async def test_socks5_from_ALL_PROXY(scheme: str, proxy: ProxyServer, server: LoopbackServer, env) -> None:
    url = server.add("/feed.xml", body=Feed(items=numbered(2)).rss()).replace("127.0.0.1", "localhost")
    env(ALL_PROXY=proxy.url(scheme))
    limits = Limits(total_seconds=5)
    async with make_client(limits) as client:
        response = await fetch(client, url, limits)
    assert response.status == 200 and b"item 1" in response.body
    # the proxy was given the name, not an address looked up here (no DNS leak around it)
    assert proxy.saw(port_of(server), hosts=("localhost",)) == 1, proxy.lines


async def test_NO_PROXY_hosts_go_direct(proxy: ProxyServer, server: LoopbackServer, env) -> None:
    url = server.add("/feed.xml", body=Feed(items=numbered(2)).rss())
    limits = Limits(total_seconds=5)
    for no_proxy in ("127.0.0.1", f"127.0.0.1:{port_of(server)}", "example.org, 127.0.0.0/8", "*"):
        env(HTTP_PROXY=proxy.url(), NO_PROXY=no_proxy)
        async with make_client(limits) as client:
            assert (await fetch(client, url, limits)).status == 200, no_proxy
    assert server.hits["/feed.xml"] == 4
    assert proxy.saw(port_of(server), wait=0.5) == 0
    env(NO_PROXY=f"127.0.0.1:{port_of(server) + 1}")  # another port: through the proxy
    async with make_client(limits) as client:
        assert (await fetch(client, url, limits)).status == 200
    assert proxy.saw(port_of(server)) == 1


async def test_the_setting_overrides_the_environment_end_to_end(
    proxy: ProxyServer, server: LoopbackServer, write_config, open_service, env
) -> None:
    url = server.add("/feed.xml", body=Feed(items=numbered(3)).rss())
    env(HTTP_PROXY=f"http://127.0.0.1:{dead_port()}")  # the environment's proxy is down
    service = open_service(write_config([url], extra=f'[settings]\nproxy = "{proxy.url()}"\n'))
    assert (await refresh(service))[url].new_count == 3
    assert proxy.saw(port_of(server)) == 1

    other = server.add("/other.xml", body=Feed(items=numbered(2)).rss())
    env(HTTP_PROXY=proxy.url())  # the environment's proxy is up, but the config says "none"
    direct = open_service(write_config([other], extra='[settings]\nproxy = "none"\n', name="direct.toml"))
    assert (await refresh(direct))[other].new_count == 2
    assert server.hits["/other.xml"] == 1
    assert proxy.saw(port_of(server), wait=0.5) == 1  # still only the first feed's connection


async def test_proxy_credentials_are_sent_and_never_shown(server: LoopbackServer, env) -> None:
    guarded = ProxyServer(auth=f"alice:{SECRET.replace('#', '')}")
    try:
        url = server.add("/feed.xml", body=Feed(items=numbered(1)).rss())
        limits = Limits(total_seconds=5)
        password = SECRET.replace("#", "").replace("/", "%2F").replace("?", "%3F")
        async with make_client(limits, proxy=guarded.url(credentials=f"alice:{password}@")) as client:
            assert (await fetch(client, url, limits)).status == 200
        async with make_client(limits, proxy=guarded.url(credentials="alice:wrong@")) as client:
            with pytest.raises(FetchError) as info:
                await fetch(client, url, limits)
        message = str(info.value)
        assert guarded.url() in message and "alice" not in message and "wrong" not in message
        assert "\n" not in message
    finally:
        guarded.stop()


async def test_a_dead_proxy_is_one_line_naming_it_without_its_password(
    server: LoopbackServer, write_config, tmp_path: Path
) -> None:
    url = server.add("/feed.xml", body=Feed(items=numbered(2)).rss())
    port = dead_port()
    config = write_config([url])
    cases = {  # a password percent-encoded as it should be, and one that breaks the URL
        "s3cr3t%2Fpw": "connection refused",
        SECRET: None,
    }
    for password, reason in cases.items():
        result = subprocess.run(
            [sys.executable, "-m", "tuinews.cli", "--config", str(config), "refresh"],
            capture_output=True,
            text=True,
            env={**os.environ, "HTTP_PROXY": f"http://alice:{password}@127.0.0.1:{port}"},
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        expected = (
            f"cannot reach the proxy http://127.0.0.1:{port}: {reason}"
            if reason
            else f"the proxy http://127.0.0.1:{port} in HTTP_PROXY is not a valid URL"
        )
        assert result.stdout.splitlines() == [f"{url}: error: {expected}"]
        everything = result.stdout + result.stderr
        assert "alice" not in everything and "s3cr3t" not in everything
        assert "Traceback" not in result.stderr
    assert server.hits["/feed.xml"] == 0  # nothing went around the proxy


async def test_a_proxy_that_cannot_be_used_is_one_line_too(server: LoopbackServer, env) -> None:
    url = server.add("/feed.xml", body=Feed(items=numbered(1)).rss())
    limits = Limits(total_seconds=3)
    env(ALL_PROXY="socks4://u:pw@127.0.0.1:1080")  # httpx's own client constructor raises on this
    async with make_client(limits) as client:
        with pytest.raises(FetchError) as info:
            await fetch(client, url, limits)
    assert str(info.value) == (
        "the proxy socks4://127.0.0.1:1080 in ALL_PROXY has the scheme 'socks4' "
        "(use http://, https://, socks5:// or socks5h://)"
    )
    assert server.hits["/feed.xml"] == 0


async def test_a_proxy_that_refuses_the_site_is_named(proxy: ProxyServer, env) -> None:
    env(HTTPS_PROXY=proxy.url())
    limits = Limits(total_seconds=5)
    async with make_client(limits) as client:  # the proxy cannot connect to a dead port
        with pytest.raises(FetchError) as info:
            await fetch(client, f"https://127.0.0.1:{dead_port()}/feed.xml", limits)
    # pproxy hangs up when it cannot reach the site (squid would answer 502 Bad Gateway)
    assert str(info.value) == f"the connection through the proxy {proxy.url()} was closed without an answer"


async def test_a_silent_proxy_cannot_hold_a_fetch_past_its_deadline(env) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)  # accepts into the backlog, never answers
    try:
        env(HTTP_PROXY=f"http://127.0.0.1:{listener.getsockname()[1]}")
        limits = Limits(total_seconds=1.5)
        started = time.monotonic()
        async with make_client(limits) as client:
            with pytest.raises(FetchError) as info:
                await fetch(client, "http://feeds.example.org/rss", limits)
        assert time.monotonic() - started < 1.5 + 0.5
        assert str(info.value) == "took longer than 1.5 s, gave up"
    finally:
        listener.close()


def test_tuinews_extract_fetches_through_the_proxy_too(proxy: ProxyServer, server: LoopbackServer) -> None:
    page = b"<html><body><article><h1>Census</h1><p>The quokka census counted four hundred animals on the island this spring.</p></article></body></html>"
    url = server.add("/a.html", body=page, content_type="text/html")
    result = subprocess.run(
        [sys.executable, "-m", "tuinews.cli", "extract", url, "--format", "markdown"],
        capture_output=True,
        text=True,
        env={**os.environ, "HTTP_PROXY": proxy.url()},  # no config file: the environment decides
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "quokka census" in result.stdout
    assert proxy.saw(port_of(server)) == 1


def test_the_demo_goes_direct_whatever_the_environment_says(proxy: ProxyServer, tmp_path: Path, env) -> None:
    env(HTTP_PROXY=proxy.url(), HTTPS_PROXY=proxy.url(), ALL_PROXY=proxy.url())
    server = start_demo_server()
    service = Service.open(demo_config(server), tmp_path / "demo.db")
    try:
        outcomes = asyncio.run(refresh(service))
        assert outcomes and all(o.kind == "new" for o in outcomes.values())
        assert proxy.saw(port_of(server), wait=0.5) == 0
    finally:
        service.close()
        server.stop()


def test_without_a_proxy_the_client_keeps_the_fast_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    async def transport_of(setting: str) -> httpx.AsyncBaseTransport:
        async with make_client(Limits(), proxy=setting) as client:
            return client._transport

    assert isinstance(asyncio.run(transport_of("")), AsyncioTransport)
    monkeypatch.setenv("NO_PROXY", "example.org")  # exceptions alone send nothing anywhere
    assert isinstance(asyncio.run(transport_of("")), AsyncioTransport)
    monkeypatch.setenv("HTTPS_PROXY", "http://p:1")
    assert isinstance(asyncio.run(transport_of("")), ProxyRouter)
    assert isinstance(asyncio.run(transport_of("none")), AsyncioTransport)
    assert isinstance(asyncio.run(transport_of("http://p:1")), ProxyRouter)
    assert Settings().proxy == ""


# -- the hostile network, through the proxy ----------------------------------------------------------

# Cases whose outcome cannot depend on a proxy in between: deadlines, size caps, bombs, redirects,
# bodies.  (Status errors gain " (via proxy …)"; a reset or a lying length is seen by the proxy.)
THROUGH_PROXY = (
    "slow-headers", "trickle", "stall-mid-body", "gzip-bomb", "deflate-bomb", "gzip-of-zeros",
    "corrupt-gzip", "unknown-encoding", "redirect-loop", "redirect-to-file", "redirect-to-ftp",
    "redirect-to-data", "redirect-chain", "content-length-too-short", "empty-body", "html-page",
    "binary-junk",
)  # fmt: skip


@pytest.fixture(scope="module")
def hostile_through_proxy(proxy: ProxyServer, tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("hostile-proxy")
    with LoopbackServer() as server, pytest.MonkeyPatch.context() as mp:
        mp.setenv("HTTP_PROXY", proxy.url())
        built = {name: CASES[name].build(server) for name in THROUGH_PROXY}
        path = tmp / "hostile.toml"
        path.write_text("".join(f'[[feeds]]\nurl = "{b.url}"\n' for b in built.values()) + SETTINGS)
        service = Service.open(load(path), tmp / "hostile.db")
        started = time.time()
        try:
            t0 = time.monotonic()
            outcomes = asyncio.run(refresh(service))
            seconds = time.monotonic() - t0
            feeds = {f.url: f for f in service.feeds()}
            conn = service.store.db.conn
            cols = ("id", "guid", "link", "title", "summary", "content", "author", "published", "ts", "key")
            results = {}
            for name, b in built.items():
                rows = conn.execute(
                    f"SELECT {', '.join(cols)} FROM stories WHERE feed_id = ? ORDER BY id", (feeds[b.url].id,)
                )
                stories = sorted(
                    (dict(zip(cols, r, strict=True)) for r in rows), key=lambda s: str(s["title"])
                )
                results[name] = Result(
                    b.url, outcomes[b.url], None, stories, feeds[b.url],
                    server.hits[b.url.removeprefix(server.base)], server, started,
                )  # fmt: skip
            yield built, results, seconds, port_of(server)
        finally:
            service.close()


@pytest.mark.parametrize("name", THROUGH_PROXY)
def test_hostile_case_through_the_proxy(name: str, hostile_through_proxy, proxy: ProxyServer) -> None:
    built, results, _, _ = hostile_through_proxy
    built[name].check(results[name])


def test_the_hostile_refresh_through_the_proxy_keeps_its_deadline(hostile_through_proxy, proxy) -> None:
    _, _, seconds, port = hostile_through_proxy
    assert seconds < 2.0 + 2.5, seconds  # DEADLINE + slack, as tests/hostile checks direct
    assert proxy.saw(port, at_least=len(THROUGH_PROXY)) >= len(THROUGH_PROXY)


def test_a_status_error_through_the_proxy_says_so(server: LoopbackServer, proxy, env) -> None:
    url = server.add("/gone.xml", Route(status=404, body=b"gone", content_type="text/plain"))
    env(HTTP_PROXY=proxy.url())
    limits = Limits(total_seconds=5)

    async def go() -> str:
        async with make_client(limits) as client:
            with pytest.raises(FetchError) as info:
                await fetch(client, url, limits)
        return str(info.value)

    assert asyncio.run(go()) == f"HTTP 404 Not Found (via proxy {proxy.url()})"
