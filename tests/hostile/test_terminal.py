"""Terminal safety: nothing a server sends reaches the terminal as a control, or is read as markup.

A hypothesis property pushes random titles, summaries and article HTML laced
with escape sequences, bidi controls and Rich/Textual markup through the real
cleaning (feed parsing, extraction), the store and the renderer, and checks
the bytes a terminal would receive.  Pilot tests check the real app's screen
and its refusal to open non-http(s) links.
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from tests.feeds import Feed, Item
from tests.hostile.cases import INJECTIONS
from tests.ui.helpers import screen_text, settle
from tuinews.config import Config, FeedConfig
from tuinews.io.feed_parse import make_item, parse_feed
from tuinews.render import document_renderable
from tuinews.service import Service
from tuinews.ui.app import build_app

NASTY = [
    "\x1b]0;PWNED\x07", "\x1b]52;c;aGk=\x07", "\x1b]8;;http://evil/\x1b\\", "\x1b[2J", "\x1b[?1049l",
    "\x1bP+q\x1b\\", "\x9b31m", "\x9d0;t\x9c", "\x1b", "\x07", "\x00", "\x7f", "\r", "\x08", "\u202e",
    "\u2066", "\u200f", "\ud800", "[bold red]", "[/]", "[@click=app.quit]", "[link=http://x]", "&#27;",
    "<b>", "</p>", "<script>", "&amp;", "\n",
]  # fmt: skip
MARKUP = ["[bold red]PWNED[/]", "[@click=app.quit]x[/]", "[link=http://evil]y[/link]"]
# SGR (colour/style) is what Rich itself writes; anything else would have come from the data.
_SGR = re.compile(r"\x1b\[[0-9;]*m")
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ud800-\udfff]"
)

text_parts = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)), max_size=12).map("".join)


def terminal_bytes(renderable: object) -> str:
    """What a 256-colour terminal would be sent, minus Rich's own SGR styling."""
    console = Console(
        file=io.StringIO(), width=500, force_terminal=True, color_system="256", legacy_windows=False
    )
    console.print(renderable)
    return _SGR.sub("", console.file.getvalue())  # type: ignore[attr-defined]


def assert_terminal_safe(out: str) -> None:
    bad = _FORBIDDEN.search(out)
    assert bad is None, (
        f"control {bad.group()!r} reached the terminal in {out[max(0, bad.start() - 20) :][:60]!r}"
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=text_parts, summary=text_parts, markup=st.sampled_from(MARKUP))
def test_random_feed_text_round_trips_with_no_controls_and_no_markup(
    title: str, summary: str, markup: str
) -> None:
    item = make_item(
        guid="g", link="http://example.org/a", title=markup + title, summary_html=summary,
        content_html="", author=title, published=None,
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        service = Service.open(
            Config(path=None, feeds=(FeedConfig("http://example.org/feed"),)), Path(tmp) / "t.db"
        )
        try:
            feed_id = service.feeds()[0].id
            (sid,), _ = service.store.save_items(feed_id, [item])
            story = service.story(sid)
            assert story is not None
            out = terminal_bytes(document_renderable(service.feed_document(story)))
        finally:
            service.close()
    assert_terminal_safe(out)
    # Markup first: a random ESC before it would rightly swallow '[b' as a CSI sequence.
    assert story.title.startswith(markup) and markup in out  # shown literally, never interpreted


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heading=text_parts, paragraph=text_parts, link_text=text_parts)
def test_random_article_html_is_extracted_stored_and_shown_without_controls(
    heading: str, paragraph: str, link_text: str
) -> None:
    from html import escape

    from tuinews.errors import ExtractError
    from tuinews.io.extract import extract

    # A NUL makes the page "binary data" (an ExtractError, tested below); keep the rest nasty.
    heading, paragraph, link_text = (t.replace("\x00", "") for t in (heading, paragraph, link_text))
    filler = " ".join(f"sentence{i} of the article body goes on." for i in range(40))
    page = (
        f"<html><head><title>{escape(heading)}</title></head><body><article><h1>{escape(heading)}</h1>"
        f"<p>{escape(paragraph)} {filler}</p><p><a href='javascript:alert(1)'>{escape(link_text)}</a> "
        f"[bold red]PWNED[/] {filler}</p></article></body></html>"
    )
    try:
        extracted = extract(page.encode("utf-8", "surrogatepass"), "http://example.org/a")
    except ExtractError as exc:  # the reader keeps the feed's text and says why, in one line
        assert "\n" not in exc.message
        return
    with tempfile.TemporaryDirectory() as tmp:
        service = Service.open(
            Config(path=None, feeds=(FeedConfig("http://example.org/feed"),)), Path(tmp) / "t.db"
        )
        try:
            feed_id = service.feeds()[0].id
            item = make_item(guid="g", link="http://example.org/a", title="t", summary_html="", content_html="",
                             author="", published=None)  # fmt: skip
            (sid,), _ = service.store.save_items(feed_id, [item])
            service.store.save_article(
                sid, "http://example.org/a", title=extracted.title, byline=extracted.byline,
                html=extracted.html, text=extracted.text,
            )  # fmt: skip
            cached = service.store.article(sid)
            story = service.story(sid)
            assert cached is not None and story is not None
            out = terminal_bytes(document_renderable(service.article_document(story, cached)))
        finally:
            service.close()
    assert_terminal_safe(out)
    assert "[bold red]PWNED[/]" in out


def test_a_page_with_nul_bytes_is_refused_as_binary() -> None:
    from tuinews.errors import ExtractError
    from tuinews.io.extract import extract

    page = b"<html><body><article><p>text\x00more</p></article></body></html>"
    try:
        extract(page, "http://example.org/a")
    except ExtractError as exc:
        assert exc.message == "the page is not a web page (binary data)"
    else:
        raise AssertionError("a page with NUL bytes was extracted")


def test_c1_controls_in_json_feed_are_stripped_not_shown() -> None:
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1",'
        b' "title": "\\u009b31mEight-bit CSI \\u009d0;t\\u009c\\u202eok"}]}'
    )
    parsed = parse_feed(body, {"content-type": "application/feed+json"}, "http://x/")
    assert parsed.items[0].title == "Eight-bit CSI ok"


async def test_injection_titles_show_literally_in_the_app(server, write_config, open_service) -> None:
    items = [
        Item(raw, f"i{n}", f"http://127.0.0.1:9/{n}", "<p>x</p>")
        for n, (raw, _) in enumerate(INJECTIONS.values())
    ]
    items.append(Item("Click me", "js", "javascript:alert(1)", "<p>y</p>"))
    url = server.add("/inject.xml", body=Feed("Inject [b]feed[/b]", items=items).rss())
    service = open_service(write_config([url]))
    async for _ in service.refresh():
        pass
    await service.aclose()
    opened: list[str] = []
    app = build_app(service, open_url=opened.append, refresh_on_start=False)
    async with app.run_test(size=(220, 50), notifications=True) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert_terminal_safe(text)
        for clean in (c for _, c in INJECTIONS.values()):
            assert clean[:60] in text, clean
        assert app.is_running  # [@click=app.quit] did not quit anything
        for link in ("javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "/relative"):
            assert app.open_link(link) is False
        assert app.open_link("https://example.org/ok") is True
        await pilot.pause()
        assert opened == ["https://example.org/ok"]
        assert "Not opening a javascript: link" in screen_text(app)
        await pilot.press("enter")  # the reader: title and outlet, literally
        await settle(pilot)
        text = screen_text(app)
        assert_terminal_safe(text)
        assert "Inject [b]feed[/b]" in text
