"""`tuinews extract`: run the article pipeline on one page and print what the reader shows."""

from __future__ import annotations

import asyncio
import json
import mimetypes
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tuinews import paths
from tuinews.config import Settings, load
from tuinews.core.dates import iso_utc
from tuinews.core.document import Document
from tuinews.errors import ConfigError, ExtractError, TuinewsError


def _settings(explicit: str | None) -> Settings:
    """The user's settings when a config exists (limits, user agent), else the defaults."""
    _, path = paths.config_candidates(explicit)[0]
    if path.exists():
        return load(path).settings
    if explicit:
        raise ConfigError(f"no config file at {path}")
    return Settings()


async def _download(url: str, settings: Settings) -> tuple[bytes, str, str]:
    from tuinews.io.articles import PAGE_ACCEPT
    from tuinews.io.http import fetch, make_client
    from tuinews.io.refresh import limits_from

    limits = limits_from(settings, article=True)
    async with make_client(limits, proxy=settings.proxy) as client:
        resp = await fetch(client, url, limits, accept=PAGE_ACCEPT)
    return resp.body, resp.url, resp.headers.get("content-type", "")


def load_page(source: str, settings: Settings) -> tuple[bytes, str | None, str]:
    """Page bytes, their URL (None for a local file) and content type ("" when unknown)."""
    if source.lower().startswith(("http://", "https://")):
        try:
            return asyncio.run(_download(source, settings))
        except TuinewsError as exc:
            raise TuinewsError(f"{source}: {exc.message}") from None
    path = Path(source).expanduser()
    kind = mimetypes.guess_type(path.name)[0] or ""
    try:
        return path.read_bytes(), None, kind
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def page_document(
    body: bytes, url: str | None, shown_as: str, content_type: str = ""
) -> tuple[Document, str]:
    """Extract a page into the reader's document (and the cleaned HTML)."""
    from tuinews.io.extract import extract
    from tuinews.io.html_doc import html_blocks

    extracted = extract(body, url, content_type)
    blocks, links = html_blocks(extracted.html, url)
    doc = Document(
        title=extracted.title,
        outlet=extracted.site_name,
        byline=extracted.byline,
        published=extracted.published,
        url=url or shown_as,
        blocks=tuple(blocks),
        links=tuple(links),
        source="article",
    )
    return doc, extracted.html


@contextmanager
def time_limit(seconds: float, message: str) -> Iterator[None]:
    """Raise ExtractError(message) in the main thread if the block runs longer than `seconds`.

    The CLI extracts in its own main thread, where a timer signal can stop
    pure-Python work (the app extracts in worker processes it can kill instead).
    Elsewhere (another thread, no setitimer) the block runs unbounded.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise _TimeUp  # not an Exception: readability's blanket `except Exception` must not catch it

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _TimeUp:
        raise ExtractError(message) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _TimeUp(BaseException):
    """The extraction's time is up (raised from the timer signal)."""


def run_extract(source: str, fmt: str, width: int | None, explicit: str | None) -> int:
    """Print the article of a page in the chosen format (within `timeout_seconds`, download included)."""
    from tuinews.io.articles import MIN_EXTRACT_SECONDS
    from tuinews.io.extract_pool import too_slow

    settings = _settings(explicit)
    started = time.monotonic()
    body, url, content_type = load_page(source, settings)
    deadline = float(settings.timeout_seconds)
    left = max(deadline - (time.monotonic() - started), MIN_EXTRACT_SECONDS)
    with time_limit(left, too_slow(deadline)):
        doc, html = page_document(body, url, source, content_type)
    if fmt == "json":
        json.dump(
            {
                "url": doc.url,
                "title": doc.title,
                "byline": doc.byline,
                "site_name": doc.outlet,
                "published": iso_utc(doc.published),
                "reading_minutes": doc.reading_minutes(),
                "text": doc.plain_text(),
                "links": list(doc.links),
                "html": html,
            },
            sys.stdout,
            ensure_ascii=False,
            indent=1,
        )
        sys.stdout.write("\n")
    elif fmt == "markdown":
        from tuinews.core.markdown import to_markdown

        sys.stdout.write(to_markdown(doc))
    else:
        from tuinews.render import render_plain

        columns = width or min(shutil.get_terminal_size((100, 24)).columns, 120)
        sys.stdout.write(render_plain(doc, columns))
    return 0
