"""A small HTTP server on 127.0.0.1 serving feeds and pages from memory.

Used by `tuinews --demo`, by the test suite (which adds slow, broken and
hostile routes through `Route.handler`) and by the benchmarks' feed farm.
It honours conditional requests (ETag / Last-Modified -> 304) like a good
feed server, and can add latency, trickle a body or gzip it.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Route:
    """What one path answers."""

    body: bytes | Callable[[], bytes] = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    validators: bool = True  # send ETag/Last-Modified and answer 304 when they match
    delay: float = 0.0  # seconds before the response starts
    trickle: tuple[int, float] | None = None  # (bytes per step, seconds between steps)
    gzip: bool = False
    handler: Handler | None = None  # full control, for broken responses
    last_modified: float = field(default_factory=lambda: time.time() - 3600)

    def payload(self) -> bytes:
        """The body bytes (callables are evaluated per request)."""
        return self.body() if callable(self.body) else self.body


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up early (timeouts, cancelled fetches) are normal here, not errors.

    The listen backlog is large because a refresh opens dozens of connections at
    once; socketserver's default of 5 makes the kernel drop SYNs, which clients
    retry only after a second, so fast routes would look slow.
    """

    request_queue_size = 256

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class LoopbackServer:
    """A threaded HTTP/1.1 server bound to 127.0.0.1 on a free port."""

    def __init__(self, latency: float = 0.0) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.conditional_hits: Counter[str] = Counter()
        self.latency = latency
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base(self) -> str:
        """`http://127.0.0.1:PORT` (no trailing slash)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        """Absolute URL of a path on this server."""
        return self.base + (path if path.startswith("/") else "/" + path)

    def add(self, path: str, route: Route | None = None, **kwargs: object) -> str:
        """Serve `route` (or Route(**kwargs)) at `path`; return its URL."""
        with self._lock:
            self.routes[path] = route or Route(**kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def start(self) -> LoopbackServer:
        """Serve in a daemon thread."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="loopback-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # silence
                pass

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                with server._lock:
                    route = server.routes.get(path)
                    server.hits[path] += 1
                    if self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"):
                        server.conditional_hits[path] += 1
                if server.latency:
                    time.sleep(server.latency)
                if route is None:
                    self._send(404, b"not found", "text/plain", {})
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.handler is not None:
                    route.handler(self)
                    return
                body = route.payload()
                headers = dict(route.headers)
                if route.validators and route.status == 200:
                    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                    headers.setdefault("ETag", etag)
                    headers.setdefault("Last-Modified", formatdate(route.last_modified, usegmt=True))
                    if self._fresh(etag, route.last_modified):
                        self._send(304, b"", None, {"ETag": etag})
                        return
                if route.gzip:
                    body = gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                self._send(route.status, body, route.content_type, headers, route.trickle)

            def _fresh(self, etag: str, last_modified: float) -> bool:
                inm = self.headers.get("If-None-Match")
                if inm is not None:
                    return etag in [t.strip() for t in inm.split(",")]
                ims = self.headers.get("If-Modified-Since")
                if ims:
                    try:
                        return parsedate_to_datetime(ims).timestamp() >= int(last_modified)
                    except (TypeError, ValueError):
                        return False
                return False

            def _send(
                self,
                status: int,
                body: bytes,
                content_type: str | None,
                headers: dict[str, str],
                trickle: tuple[int, float] | None = None,
            ) -> None:
                try:
                    self.send_response(status)
                    if content_type:
                        self.send_header("Content-Type", content_type)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if status == 304:
                        return
                    if trickle is None:
                        self.wfile.write(body)
                        return
                    step, pause = trickle
                    for i in range(0, len(body), step):
                        self.wfile.write(body[i : i + step])
                        self.wfile.flush()
                        time.sleep(pause)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return _Handler
