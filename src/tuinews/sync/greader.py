"""The Google Reader API as FreshRSS, Miniflux, Inoreader and The Old Reader speak it.

Only what sync needs: ClientLogin, the edit token, subscription/list, stream/items/ids
(paged with continuation), stream/items/contents (POSTed ids), edit-tag,
subscription/edit and quickadd.  Servers differ in small ways this module hides:

- item ids come as decimal strings ("short form", stream/items/ids) or as
  ``tag:google.com,2005:reader/item/<16 hex digits>`` ("long form", contents);
  both become the same int here, and the long form is what is sent back
  (older Miniflux reads a short id as hexadecimal);
- state categories are ``user/-/state/com.google/read`` (FreshRSS) or
  ``user/<numeric id>/state/com.google/read`` (Miniflux): matched by suffix;
- continuation is an item id (FreshRSS), an offset (Miniflux) or a number 0 at
  the end (Miniflux): it is passed back as given, and "", 0 or a repeat ends the walk;
- POSTs carry the edit token as ``T`` (Miniflux reads it only from the form) and
  the auth header (FreshRSS reads only that).

Every answer goes through `tuinews.io.http.send` (deadline, size cap, one-line
errors); JSON that does not parse or has the wrong shape is one line too.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from tuinews.errors import FetchError, TuinewsError
from tuinews.io.http import Limits, Response, send

LONG_PREFIX = "tag:google.com,2005:reader/item/"
READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
# Ids a page of stream/items/ids.  State lists ask for big pages: FreshRSS has no cap (one
# request for 50,000 unread ids, and a page boundary is where its continuation can skip an item
# whose state changed meanwhile); Miniflux answers at most 10,000 and continues by offset.
IDS_PAGE = 100_000
NEW_PAGE = 1_000  # the reading-list walk for new stories, which stops at a page it knows
MAX_PAGES = 10_000
EDIT_BATCH = 250  # item ids per edit-tag request (FreshRSS reads at most 1 MiB of form)
CONTENTS_BATCH = 250  # item ids per stream/items/contents request
_U64 = 1 << 64


class SyncError(TuinewsError):
    """The sync server cannot be reached, refused us, or answered something unusable."""

    title = "Sync error"

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class LoginRefused(SyncError):
    """The server refused the username or password."""


class TooLarge(SyncError):
    """An answer went over the size cap."""


def to_int(item_id: str | int) -> int:
    """An item id in either form as a signed 64-bit int (how SQLite stores it)."""
    if isinstance(item_id, int):
        value = item_id
    else:
        text = item_id.strip()
        if text.startswith(LONG_PREFIX):
            value = int(text[len(LONG_PREFIX) :], 16)
        elif text.isdigit():
            value = int(text)
        else:
            raise ValueError(f"not an item id: {text[:60]!r}")
    if not 0 <= value < _U64:
        raise ValueError("item id out of range")
    return value - _U64 if value >= 1 << 63 else value


def _ids(refs: list[Any]) -> list[int]:
    """The ids of itemRefs (decimal strings, read fast; anything else through to_int)."""
    try:
        out = [int(ref["id"]) for ref in refs]
    except ValueError:
        return [to_int(ref["id"]) for ref in refs]
    if any(not 0 <= i < 1 << 63 for i in out):  # unusual: signs, or ids past 2**63
        return [to_int(ref["id"]) for ref in refs]
    return out


def long_id(item_id: int) -> str:
    """The long form of an item id (what every server accepts)."""
    return f"{LONG_PREFIX}{item_id % _U64:016x}"


def state_of(categories: list[Any]) -> tuple[bool, bool]:
    """(read, starred) from an item's categories, whatever user id the server writes."""
    read = starred = False
    for category in categories:
        if not isinstance(category, str) or "/state/com.google/" not in category:
            continue
        name = category.rsplit("/", 1)[-1]
        if name == "read":
            read = True
        elif name == "starred":
            starred = True
    return read, starred


def public_url(url: str) -> str:
    """The address without any user:password@ part, for messages."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


@dataclass(frozen=True, slots=True)
class Subscription:
    """One feed the server fetches for the user."""

    stream_id: str
    url: str
    title: str
    site_url: str | None
    labels: tuple[str, ...]


class GReaderClient:
    """A logged-in session with one server.  Counts its requests (the benches report them)."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: Callable[[], str],
        http: httpx.AsyncClient,
        limits: Limits,
        *,
        auth: str | None = None,
        token: str | None = None,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.shown = public_url(self.base)
        self.username = username
        self._password = password
        self.http = http
        self.limits = limits
        self.auth = auth  # ClientLogin's Auth (kept in memory only)
        self.token = token  # the edit token T
        self.requests = 0
        self._token_lock = asyncio.Lock()

    # -- transport --------------------------------------------------------------

    async def _send(
        self,
        method: str,
        path: str,
        what: str,
        *,
        params: list[tuple[str, str]] | None = None,
        form: list[tuple[str, str]] | None = None,
        auth: bool = True,
    ) -> Response:
        headers = {"Authorization": f"GoogleLogin auth={self.auth}"} if auth and self.auth else {}
        self.requests += 1
        try:
            resp = await send(
                self.http,
                method,
                f"{self.base}{path}",
                self.limits,
                headers=headers,
                params=params,
                form=form,
            )
        except FetchError as exc:
            raise SyncError(f"{self.shown}: {what}: {exc.message}", exc.status) from None
        if resp.truncated:
            raise TooLarge(
                f"{self.shown}: {what}: the answer is larger than {self.limits.max_bytes:,} bytes; gave up",
                resp.status,
            )
        return resp

    async def call(
        self,
        method: str,
        path: str,
        what: str,
        *,
        params: list[tuple[str, str]] | None = None,
        form: list[tuple[str, str]] | None = None,
    ) -> Response:
        """An authenticated request: logs in first if needed, and once more after a 401."""
        if self.auth is None:
            await self.login()
        for attempt in (1, 2):
            if form is not None and method == "POST":
                async with self._token_lock:  # concurrent POSTs share one token request
                    status = await self.fetch_token() if self.token is None else None
                    if status is not None:  # refused: the auth token expired
                        if attempt == 1:
                            self.auth = None
                            await self.login()
                            continue
                        raise LoginRefused(
                            f"{self.shown}: {what}: the server refused {self.username!r} (HTTP {status}) "
                            "after logging in again",
                            status,
                        )
                # T and the tags first: PHP drops form fields past max_input_vars (1,000), while
                # FreshRSS reads every i= from the raw body.
                form = [("T", self.token or ""), *((k, v) for k, v in form if k != "T")]
            resp = await self._send(method, path, what, params=params, form=form)
            if resp.status == 401 and attempt == 1:
                # An expired auth token or edit token: log in again, once.
                self.auth = self.token = None
                await self.login()
                continue
            if resp.status in (401, 403):
                raise LoginRefused(
                    f"{self.shown}: {what}: the server refused {self.username!r} (HTTP {resp.status}) "
                    "after logging in again",
                    resp.status,
                )
            if resp.status >= 400:
                raise SyncError(f"{self.shown}: {what}: HTTP {resp.status}{_reason(resp)}", resp.status)
            return resp
        raise AssertionError("unreachable")

    async def json(
        self, method: str, path: str, what: str, *, params: list[tuple[str, str]] | None = None,
        form: list[tuple[str, str]] | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """An authenticated request whose answer must be a JSON object."""
        resp = await self.call(method, path, what, params=[*(params or []), ("output", "json")], form=form)
        return parse_object(resp.body, f"{self.shown}: {what}")

    # -- login ------------------------------------------------------------------

    async def login(self) -> None:
        """ClientLogin: trade the username and password for an auth token."""
        form = [("Email", self.username), ("Passwd", self._password())]
        resp = await self._send("POST", "/accounts/ClientLogin", "login", form=form, auth=False)
        if resp.status in (400, 401, 403):
            raise LoginRefused(
                f"{self.shown}: login: the server refused {self.username!r} (HTTP {resp.status}); "
                "check [sync] username and the API password",
                resp.status,
            )
        if resp.status == 404:
            raise SyncError(
                f"{self.shown}: login: HTTP 404: is [sync] url the API address "
                "(…/api/greader.php for FreshRSS, the server root for Miniflux)?",
                404,
            )
        if resp.status >= 400:
            raise SyncError(f"{self.shown}: login: HTTP {resp.status}{_reason(resp)}", resp.status)
        auth = None
        text = resp.body.decode("utf-8", errors="replace")
        for line in text.splitlines():
            if line.startswith("Auth="):
                auth = line[5:].strip()
        if not auth and text.lstrip().startswith("{"):
            try:
                auth = str(json.loads(text).get("Auth") or "") or None
            except (ValueError, AttributeError):
                auth = None
        if not auth or any(ord(c) < 33 for c in auth):
            raise SyncError(
                f"{self.shown}: login: the answer has no Auth= token; is this a Google Reader API?"
            )
        self.auth = auth
        self.token = None

    async def fetch_token(self) -> int | None:
        """Get the edit token POSTs carry as T; returns the status when the server refused it."""
        resp = await self._send("GET", "/reader/api/0/token", "edit token")
        if resp.status >= 400:
            if resp.status in (401, 403):
                return resp.status
            raise SyncError(f"{self.shown}: edit token: HTTP {resp.status}{_reason(resp)}", resp.status)
        token = resp.body.decode("utf-8", errors="replace").strip()
        if not token or len(token) > 1000 or any(ord(c) < 33 for c in token):
            raise SyncError(f"{self.shown}: edit token: the answer is not a token")
        self.token = token
        return None

    # -- reads ------------------------------------------------------------------

    async def subscriptions(self) -> list[Subscription]:
        """Every feed the server fetches for the user, with its folders."""
        data = await self.json("GET", "/reader/api/0/subscription/list", "subscription list")
        subs = data.get("subscriptions")
        if not isinstance(subs, list):
            raise SyncError(f"{self.shown}: subscription list: unexpected answer (no 'subscriptions' list)")
        out = []
        for sub in subs:
            if not isinstance(sub, dict):
                continue
            stream = sub.get("id")
            url = sub.get("url") or (
                stream[5:] if isinstance(stream, str) and stream[5:12] == "http" else None
            )
            if not isinstance(stream, str) or not isinstance(url, str) or not url.strip():
                continue
            labels = []
            for cat in sub.get("categories") or []:
                if isinstance(cat, dict):
                    label = cat.get("label") or str(cat.get("id") or "").rsplit("/label/", 1)[-1]
                    if isinstance(label, str) and label.strip():
                        labels.append(label.strip())
            site = sub.get("htmlUrl")
            out.append(
                Subscription(
                    stream_id=stream,
                    url=url.strip(),
                    title=str(sub.get("title") or "").strip(),
                    site_url=site if isinstance(site, str) and site.strip() else None,
                    labels=tuple(dict.fromkeys(labels)),
                )
            )
        return out

    async def item_id_pages(
        self,
        stream: str,
        *,
        exclude: str | None = None,
        since: int | None = None,
        what: str = "item ids",
        page_size: int | None = None,
    ) -> AsyncIterator[list[int]]:
        """The ids of a stream, newest first, a page at a time (following continuation)."""
        continuation: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            params = [("s", stream), ("n", str(page_size or IDS_PAGE))]
            if exclude:
                params.append(("xt", exclude))
            if since:
                params.append(("ot", str(since)))
            if continuation:
                params.append(("c", continuation))
            data = await self.json("GET", "/reader/api/0/stream/items/ids", what, params=params)
            refs = data.get("itemRefs")
            if refs is None:
                refs = []  # FreshRSS and Miniflux send [] or leave it out when nothing matches
            if not isinstance(refs, list):
                raise SyncError(f"{self.shown}: {what}: unexpected answer ('itemRefs' is not a list)")
            try:
                page = _ids(refs)
            except (KeyError, TypeError, ValueError):
                raise SyncError(f"{self.shown}: {what}: unexpected answer (an item without an id)") from None
            if page:
                yield page
            nxt = data.get("continuation")
            nxt = "" if nxt is None or nxt == 0 or isinstance(nxt, bool) else str(nxt).strip()
            if not nxt or nxt == "0" or nxt in seen or not page:
                return
            seen.add(nxt)
            continuation = nxt
        raise SyncError(f"{self.shown}: {what}: more than {MAX_PAGES:,} pages; gave up")

    async def item_ids(self, stream: str, **kwargs: Any) -> list[int]:
        """Every id of a stream (all pages)."""
        out: list[int] = []
        async for page in self.item_id_pages(stream, **kwargs):
            out.extend(page)
        return out

    async def contents(self, ids: list[int]) -> tuple[list[dict[str, Any]], int]:
        """The items with these ids as the server describes them, and how many were too large.

        A batch whose answer is over the size cap is asked for again in halves; a single
        item over it is left out.  Miniflux answers 400 when none of the ids exists any more.
        """
        form = [("i", long_id(i)) for i in ids]
        try:
            data = await self.json("POST", "/reader/api/0/stream/items/contents", "item contents", form=form)
        except TooLarge:
            if len(ids) == 1:
                return [], 1
            half = len(ids) // 2
            first, big1 = await self.contents(ids[:half])
            second, big2 = await self.contents(ids[half:])
            return first + second, big1 + big2
        except SyncError as exc:
            if exc.status != 400 or isinstance(exc, LoginRefused):
                raise
            return [], 0  # Miniflux's answer when none of the ids exists (any more)
        items = data.get("items")
        if items is None:
            return [], 0
        if not isinstance(items, list):
            raise SyncError(f"{self.shown}: item contents: unexpected answer ('items' is not a list)")
        return [it for it in items if isinstance(it, dict)], 0

    # -- writes -----------------------------------------------------------------

    async def edit_tag(self, ids: list[int], *, add: str | None = None, remove: str | None = None) -> None:
        """Add or remove a state (read, starred) on items, EDIT_BATCH ids a request."""
        for start in range(0, len(ids), EDIT_BATCH):
            form = [("a", add)] if add else []
            if remove:
                form.append(("r", remove))
            form += [("i", long_id(i)) for i in ids[start : start + EDIT_BATCH]]
            resp = await self.call("POST", "/reader/api/0/edit-tag", "marking items", form=form)
            _expect_ok(resp, f"{self.shown}: marking items")

    async def subscribe(self, url: str, title: str | None = None, label: str | None = None) -> None:
        """Subscribe to a feed (in a folder, when given)."""
        form = [("ac", "subscribe"), ("s", f"feed/{url}")]
        if title:
            form.append(("t", title))
        if label:
            form.append(("a", f"user/-/label/{label}"))
        resp = await self.call("POST", "/reader/api/0/subscription/edit", f"subscribing to {url}", form=form)
        _expect_ok(resp, f"{self.shown}: subscribing to {url}")

    async def unsubscribe(self, stream_id: str) -> None:
        """Drop a subscription (the server deletes its stories)."""
        form = [("ac", "unsubscribe"), ("s", stream_id)]
        resp = await self.call("POST", "/reader/api/0/subscription/edit", "unsubscribing", form=form)
        _expect_ok(resp, f"{self.shown}: unsubscribing")


def parse_object(body: bytes, what: str) -> dict[str, Any]:
    """A JSON object from an answer, or SyncError saying why not in one line."""
    try:
        data = json.loads(body)
    except RecursionError:
        raise SyncError(f"{what}: the answer is not usable JSON (nested too deeply)") from None
    except ValueError as exc:
        detail = f"{exc.msg} at byte {exc.pos}" if isinstance(exc, json.JSONDecodeError) else "bad encoding"
        raise SyncError(f"{what}: the answer is not valid JSON ({detail})") from None
    if not isinstance(data, dict):
        raise SyncError(f"{what}: unexpected answer (not a JSON object)")
    return data


def _expect_ok(resp: Response, what: str) -> None:
    text = resp.body[:200].decode("utf-8", errors="replace").strip()
    if text and text != "OK" and not text.startswith(("{", "[")):
        raise SyncError(f"{what}: the server answered {_printable(text)!r} instead of OK")


def _reason(resp: Response) -> str:
    text = resp.body[:120].decode("utf-8", errors="replace").strip().splitlines()
    first = _printable(text[0]) if text else ""
    return f" ({first})" if first and not first.startswith("<") else ""


def _printable(text: str, limit: int = 80) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
