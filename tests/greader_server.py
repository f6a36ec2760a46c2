"""A Google Reader API server on 127.0.0.1 that answers as FreshRSS does, with failure modes.

Its answers were modelled on a real FreshRSS's, recorded request by request
(FreshRSS 1.24, `p/api/greader.php`): the plain-text ClientLogin answer
(SID/LSID/Auth), the 57-character edit token (40 hex digits padded with Z),
"Unauthorized!" with `Google-Bad-Token: true` on a bad token, "Bad Request!" for
anything it does not understand, 501 without `output=json`, item ids that are
microsecond crawl times (short decimal form in stream/items/ids, long
`tag:google.com,2005:reader/item/<16 hex>` form in contents), `ot` compared to
the crawl time, and continuation that is the last id of a page: the next page
starts at that id and drops its first element (so an item that changes state
between two pages of a filtered list can be skipped, as on the real server).
Categories carry `user/-/state/com.google/read` and `starred`; the item's own
feed categories come along as plain words, as FreshRSS sends them.

Failure modes (attribute `mode`): "down" (connections closed without an
answer), "401" (every API call refused, as with an expired token), "refuse"
(logins refused), "5xx" (503), "slow" (`delay` seconds before each answer),
"malformed" (JSON endpoints answer broken JSON), "huge" (JSON endpoints answer
50 MB).  `slow_paths` delays only some endpoints, `holds` lets N answers of an endpoint through and holds
the rest until an event is set (for kill -9 tests).
Every request is recorded in `log` as (method, endpoint).
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

API = "/api/greader.php"
LONG_PREFIX = "tag:google.com,2005:reader/item/"
STATE = "user/-/state/com.google/"
SALT = "tuinews-test-salt"


@dataclass
class Entry:
    """One stored item."""

    id: int  # microseconds since the epoch when it was stored (FreshRSS's entry id)
    feed_id: int
    title: str
    link: str
    content: str
    author: str = ""
    published: int = 0
    read: bool = False
    starred: bool = False
    tags: tuple[str, ...] = ()


@dataclass
class Feed:
    """One subscription."""

    id: int
    url: str
    title: str
    category: str = "Uncategorized"
    site: str = "http://127.0.0.1/"


@dataclass
class Account:
    """A user with an API password."""

    name: str
    password: str
    feeds: dict[int, Feed] = field(default_factory=dict)
    entries: dict[int, Entry] = field(default_factory=dict)

    @property
    def auth(self) -> str:
        digest = hashlib.sha1(f"{SALT}{self.name}{self.password}".encode()).hexdigest()
        return f"{self.name}/{digest}"

    @property
    def token(self) -> str:
        return self.auth.split("/", 1)[1].ljust(57, "Z")


class GReaderServer:
    """A threaded HTTP/1.1 server with one or more accounts; `url` is the [sync] url."""

    def __init__(self, username: str = "alice", password: str = "alice-api-pw") -> None:
        self.accounts: dict[str, Account] = {username: Account(username, password)}
        self.account = self.accounts[username]
        self.lock = threading.RLock()
        self.log: list[tuple[str, str]] = []
        self.mode: str | None = None
        self.delay = 0.0
        self.slow_paths: dict[str, float] = {}
        self.seen: threading.Event = threading.Event()  # set when a request matching `watch` arrives
        self.watch: str | None = None
        # endpoint -> (answers let through, event): later requests wait for the event (kill -9 tests)
        self.holds: dict[str, tuple[int, threading.Event]] = {}
        self._answered: dict[str, int] = {}
        self._next_feed = 1
        self._clock = int(time.time() * 1_000_000) - 10_000_000_000
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._httpd.request_queue_size = 256
        self._httpd.handle_error = lambda *a: None  # type: ignore[method-assign]

    # -- life ------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{API}"

    def start(self) -> GReaderServer:
        threading.Thread(target=self._httpd.serve_forever, daemon=True, name="greader").start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> GReaderServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- content -----------------------------------------------------------------

    def add_feed(self, url: str, title: str, category: str = "Uncategorized") -> Feed:
        with self.lock:
            feed = Feed(self._next_feed, url, title, category)
            self._next_feed += 1
            self.account.feeds[feed.id] = feed
            return feed

    def add_entries(self, feed: Feed, count: int, *, start: int = 0, words: str = "") -> list[Entry]:
        """`count` items in a feed, crawled now (ids increase like FreshRSS's microsecond ids)."""
        out = []
        with self.lock:
            now = int(time.time())
            for n in range(start, start + count):
                self._clock = max(self._clock + 1, int(time.time() * 1_000_000) - 5_000_000_000)
                entry = Entry(
                    id=self._clock,
                    feed_id=feed.id,
                    title=f"{feed.title} story {n} {words}".strip(),
                    link=f"{feed.url.rsplit('/', 1)[0]}/article/{feed.id}/{n}.html",
                    content=f"<p>Story {n} of {html.escape(feed.title)}. {words}</p><p>Second paragraph {n}.</p>",
                    author="A Reporter",
                    published=now - 3600 - n * 60,
                    tags=("Politics",),
                )
                self.account.entries[entry.id] = entry
                out.append(entry)
        return out

    def entry(self, entry_id: int) -> Entry:
        return self.account.entries[entry_id]

    def count(self, endpoint: str | None = None) -> int:
        """Requests made so far (to one endpoint, when given)."""
        with self.lock:
            return sum(1 for _, e in self.log if endpoint is None or e == endpoint)

    # -- protocol ------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._serve("GET", b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self._serve("POST", self.rfile.read(length) if length else b"")

            def _serve(self, method: str, body: bytes) -> None:
                parts = urlsplit(self.path)
                path = unquote(parts.path)
                if path.startswith(API):
                    path = path[len(API) :]
                query = parse_qsl(parts.query, keep_blank_values=True)
                form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True) if body else []
                if path == "/_stats":  # for the benches in another process: requests per endpoint
                    with server.lock:
                        counts: dict[str, int] = {}
                        for _, name in server.log:
                            counts[name] = counts.get(name, 0) + 1
                    return self._send(200, "application/json", json.dumps(counts).encode(), {})
                endpoint = _endpoint(path)
                with server.lock:
                    server.log.append((method, endpoint))
                    mode, delay = server.mode, server.delay
                    slow = server.slow_paths.get(endpoint, 0.0)
                if server.watch and endpoint == server.watch:
                    server.seen.set()
                if mode == "down":
                    self.close_connection = True
                    return
                if mode == "slow" and delay:
                    time.sleep(delay)
                if slow:
                    time.sleep(slow)
                hold = server.holds.get(endpoint)
                if hold is not None:
                    with server.lock:
                        seen = server._answered.get(endpoint, 0)
                        server._answered[endpoint] = seen + 1
                    if seen >= hold[0]:
                        hold[1].wait(30)
                if mode == "5xx":
                    return self._text(503, "Service Unavailable!")
                try:
                    status, ctype, payload, extra = server._answer(method, path, query, form, self.headers)
                except _Refuse as refuse:
                    return self._text(refuse.status, refuse.text, refuse.headers)
                if ctype.startswith("application/json"):
                    if mode == "malformed":
                        payload = payload[: max(1, len(payload) // 2)] + b'"oops'
                    elif mode == "huge":
                        payload = b'{"items": [' + b'{"id": "x"},' * (50_000_000 // 12) + b'{"id": "x"}]}'
                self._send(status, ctype, payload, extra)

            def _text(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
                self._send(status, "text/plain; charset=UTF-8", text.encode(), headers or {})

            def _send(self, status: int, ctype: str, payload: bytes, headers: dict[str, str]) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler

    def _answer(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        form: list[tuple[str, str]],
        headers: object,
    ) -> tuple[int, str, bytes, dict[str, str]]:
        q = dict(query)
        f = dict(form)
        request = {**q, **f}
        if path.startswith("/accounts/ClientLogin"):
            if "Email" not in request or "Passwd" not in request:
                raise _Refuse(400, "Bad Request!")
            account = self.accounts.get(request["Email"])
            if self.mode == "refuse" or account is None or account.password != request["Passwd"]:
                raise _Refuse(401, "Unauthorized!", {"Google-Bad-Token": "true"})
            auth = account.auth
            return 200, "text/plain; charset=UTF-8", f"SID={auth}\nLSID=null\nAuth={auth}\n".encode(), {}
        if not path.startswith("/reader/api/0/"):
            raise _Refuse(400, "Bad Request!")
        account = self._authorised(headers)
        if account is None or self.mode in ("401", "refuse"):
            raise _Refuse(401, "Unauthorized!", {"Google-Bad-Token": "true"})
        rest = path[len("/reader/api/0/") :]
        with self.lock:
            if rest == "token":
                return 200, "text/plain; charset=UTF-8", (account.token + "\n").encode(), {}
            if rest == "user-info":
                return self._json(
                    {"userId": account.name, "userName": account.name, "userProfileId": account.name}
                )
            if rest in ("subscription/list", "tag/list", "unread-count") and q.get("output") != "json":
                raise _Refuse(501, "Not Implemented!")
            if rest == "subscription/list":
                return self._json(
                    {"subscriptions": [self._subscription(feed) for feed in account.feeds.values()]}
                )
            if rest == "tag/list":
                tags = [{"id": STATE + "starred"}]
                tags += [
                    {"id": f"user/-/label/{c}", "type": "folder"}
                    for c in sorted({f.category for f in account.feeds.values()})
                ]
                return self._json({"tags": tags})
            if rest == "stream/items/ids" and "s" in q:
                ids = self._select(account, q["s"], q)
                return self._json(self._page(ids, q, lambda i: {"id": str(i)}, "itemRefs"))
            if rest.startswith("stream/contents"):
                stream = rest[len("stream/contents") :].lstrip("/") or STATE + "reading-list"
                ids = self._select(account, stream, q)
                page = self._page(ids, q, lambda i: self._item(account, account.entries[i]), "items")
                return self._json({"id": STATE + "reading-list", "updated": int(time.time()), **page})
            if rest == "stream/items/contents" and method == "POST" and "i" in f:
                wanted = [_parse_id(v) for k, v in form if k == "i"]
                items = [self._item(account, account.entries[i]) for i in wanted if i in account.entries]
                return self._json({"id": STATE + "reading-list", "updated": int(time.time()), "items": items})
            if method == "POST" and rest in ("edit-tag", "subscription/edit", "subscription/quickadd"):
                token = f.get("T", "").strip()
                if token not in ("", "x", account.token):
                    raise _Refuse(401, "Unauthorized!", {"Google-Bad-Token": "true"})
                if rest == "edit-tag":
                    return self._edit_tag(account, form)
                if rest == "subscription/edit":
                    return self._subscription_edit(account, form)
                return self._quickadd(account, request.get("quickadd", ""))
        raise _Refuse(400, "Bad Request!")

    def _authorised(self, headers: object) -> Account | None:
        value = headers.get("Authorization", "") if hasattr(headers, "get") else ""  # type: ignore[attr-defined]
        if not value.startswith("GoogleLogin auth="):
            return None
        auth = value[len("GoogleLogin auth=") :].strip()
        name = auth.split("/", 1)[0]
        account = self.accounts.get(name)
        return account if account is not None and account.auth == auth else None

    def _json(self, data: object) -> tuple[int, str, bytes, dict[str, str]]:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        return 200, "application/json; charset=UTF-8", body, {}

    def _subscription(self, feed: Feed) -> dict[str, object]:
        return {
            "id": f"feed/{feed.id}",
            "title": feed.title,
            "categories": [{"id": f"user/-/label/{feed.category}", "label": feed.category}],
            "url": feed.url,
            "htmlUrl": feed.site,
            "iconUrl": f"http://127.0.0.1/f.php?{feed.id:08x}",
        }

    def _item(self, account: Account, e: Entry) -> dict[str, object]:
        feed = account.feeds.get(e.feed_id)
        categories = [STATE + "reading-list"]
        if feed is not None:
            categories.append(f"user/-/label/{feed.category}")
        if e.read:
            categories.append(STATE + "read")
        if e.starred:
            categories.append(STATE + "starred")
        categories += list(e.tags)
        item: dict[str, object] = {
            "id": f"{LONG_PREFIX}{e.id:016x}",
            "crawlTimeMsec": str(e.id // 1000),
            "timestampUsec": str(e.id),
            "published": e.published,
            "title": e.title,
            "canonical": [{"href": e.link}],
            "alternate": [{"href": e.link}],
            "categories": categories,
            "origin": {
                "streamId": f"feed/{e.feed_id}",
                "htmlUrl": feed.site if feed else "",
                "title": feed.title if feed else "",
            },
            "summary": {"content": e.content},
        }
        if e.author:
            item["author"] = e.author
        return item

    def _select(self, account: Account, stream: str, q: dict[str, str]) -> list[int]:
        """Ids of a stream with FreshRSS's filters, in the asked order."""
        entries: Iterable[Entry] = account.entries.values()
        if stream.startswith("feed/"):
            target = stream[5:]
            entries = [
                e
                for e in entries
                if str(e.feed_id) == target or account.feeds.get(e.feed_id, Feed(0, "", "")).url == target
            ]
        elif stream == STATE + "starred":
            entries = [e for e in entries if e.starred]
        elif stream.startswith("user/-/label/"):
            label = stream[len("user/-/label/") :]
            entries = [e for e in entries if account.feeds.get(e.feed_id, Feed(0, "", "")).category == label]
        exclude, include = q.get("xt", ""), q.get("it", "")
        if exclude == STATE + "read" or include == STATE + "unread":
            entries = [e for e in entries if not e.read]
        if exclude == STATE + "unread" or include == STATE + "read":
            entries = [e for e in entries if e.read]
        if include == STATE + "starred":
            entries = [e for e in entries if e.starred]
        if exclude == STATE + "starred":
            entries = [e for e in entries if not e.starred]
        ot = int(q.get("ot") or 0)
        nt = int(q.get("nt") or 0)
        if ot:
            entries = [e for e in entries if e.id >= ot * 1_000_000]
        if nt:
            entries = [e for e in entries if e.id <= nt * 1_000_000]
        return sorted((e.id for e in entries), reverse=q.get("r", "d") != "o")

    def _page(self, ids: list[int], q: dict[str, str], render, key: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
        """FreshRSS's paging: n (default 20); c = the last id of the previous page, whose
        element is dropped from the top of the next page."""
        count = int(q.get("n") or 20)
        descending = q.get("r", "d") != "o"
        c = q.get("c", "").strip()
        if c and c.isdigit():
            start = int(c)
            ids = [i for i in ids if (i <= start if descending else i >= start)]
            count += 1
        else:
            c = ""
        page = ids[:count] if count > 0 else ids
        if c:
            page = page[1:]
            count -= 1
        out: dict[str, object] = {key: [render(i) for i in page]}
        if len(page) >= count and page:
            out["continuation"] = str(page[-1])
        return out

    def _edit_tag(
        self, account: Account, form: list[tuple[str, str]]
    ) -> tuple[int, str, bytes, dict[str, str]]:
        ids = [_parse_id(v) for k, v in form if k == "i"]
        f = dict(form)
        for name, value in (("a", True), ("r", False)):
            tag = f.get(name, "")
            for entry_id in ids:
                entry = account.entries.get(entry_id)
                if entry is None:
                    continue
                if tag == STATE + "read":
                    entry.read = value
                elif tag == STATE + "starred":
                    entry.starred = value
        return 200, "text/plain; charset=UTF-8", b"OK", {}

    def _subscription_edit(
        self, account: Account, form: list[tuple[str, str]]
    ) -> tuple[int, str, bytes, dict[str, str]]:
        f = dict(form)
        action = f.get("ac", "")
        streams = [v for k, v in form if k == "s"]
        if action not in ("subscribe", "unsubscribe", "edit") or not streams:
            raise _Refuse(400, "Bad Request!")
        label = f.get("a", "")
        category = label[len("user/-/label/") :] if label.startswith("user/-/label/") else "Uncategorized"
        for stream in streams:
            target = stream[5:] if stream.startswith("feed/") else ""
            feed = next((x for x in account.feeds.values() if str(x.id) == target or x.url == target), None)
            if action == "subscribe":
                if feed is not None or target.isdigit() or not target.startswith("http"):
                    raise _Refuse(400, "Bad Request!")
                new = Feed(self._next_feed, target, f.get("t") or target, category)
                self._next_feed += 1
                account.feeds[new.id] = new
            elif feed is None:
                raise _Refuse(400, "Bad Request!")
            elif action == "unsubscribe":
                del account.feeds[feed.id]
                for entry_id in [i for i, e in account.entries.items() if e.feed_id == feed.id]:
                    del account.entries[entry_id]
            else:
                if f.get("t"):
                    feed.title = f["t"]
                if label:
                    feed.category = category
        return 200, "text/plain; charset=UTF-8", b"OK", {}

    def _quickadd(self, account: Account, url: str) -> tuple[int, str, bytes, dict[str, str]]:
        url = url[5:] if url.startswith("feed/") else url
        if any(f.url == url for f in account.feeds.values()):
            return self._json({"numResults": 0, "error": f"Already subscribed! {url}"})
        feed = Feed(self._next_feed, url, url)
        self._next_feed += 1
        account.feeds[feed.id] = feed
        return self._json({"numResults": 1, "query": url, "streamId": f"feed/{feed.id}", "streamName": url})


class _Refuse(Exception):
    def __init__(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(text)
        self.status = status
        self.text = text
        self.headers = headers or {}


def _endpoint(path: str) -> str:
    """A request's endpoint for counting: 'ClientLogin', 'token', 'stream/items/ids', …"""
    if path.startswith("/accounts/"):
        return path.rsplit("/", 1)[-1]
    rest = path[len("/reader/api/0/") :] if path.startswith("/reader/api/0/") else path
    if rest.startswith("stream/contents"):
        return "stream/contents"
    return rest


def _parse_id(value: str) -> int:
    """FreshRSS's reading of an item id: decimal unless it has a non-digit or a leading 0 (then hex)."""
    value = value.strip()
    if value.isdigit() and not value.startswith("0"):
        return int(value)
    tail = value.rsplit("/", 1)[-1]
    try:
        return int(tail, 16)
    except ValueError:
        return 0
