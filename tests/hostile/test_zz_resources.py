"""Time and memory bounds; named to run last in the hostile suite so the RSS peak covers it."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from tests.feeds import Feed, Item, numbered
from tests.hostile.cases import DEADLINE, SETTINGS, blowup_feed
from tuinews.core.models import View
from tuinews.demo.server import LoopbackServer
from tuinews.io.feed_parse import parse_feed

MB = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss is bytes on macOS, KiB on Linux


def test_a_10000_item_feed_parses_in_bounded_time() -> None:
    body = Feed(items=numbered(10_000)).rss()
    started = time.perf_counter()
    parsed = parse_feed(body, {"content-type": "application/rss+xml"}, "http://x/")
    took = time.perf_counter() - started
    assert len(parsed.items) == 1000 and parsed.warning == "kept the first 1000 of 10,000 items"
    assert took < 1.5, took  # the items past the cap are cut before parsing, not parsed and dropped


def test_300000_tiny_items_cost_no_more_than_1000() -> None:
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>M</title>'
        + "".join(f"<item><title>{i}</title></item>" for i in range(300_000))
        + "</channel></rss>"
    ).encode()
    started = time.perf_counter()
    parsed = parse_feed(body, {}, "http://x/")
    assert len(parsed.items) == 1000 and parsed.warning == "kept the first 1000 of 300,000 items"
    assert time.perf_counter() - started < 1.5


def test_pathological_markup_is_linear() -> None:
    nasty = ["<script" * 3000, "<a" * 10000, "\x9d" * 100_000, "<br" * 10000, "&#" * 10000]
    started = time.perf_counter()
    for text in nasty:
        parse_feed(Feed(items=[Item(text, "g", summary=text, content=text)]).rss(), {}, "http://x/")
    assert time.perf_counter() - started < 2.0


async def test_an_article_fetch_has_the_same_deadline(server, write_config, open_service) -> None:
    page = b"<html><body><article><p>" + b"slow words " * 2000 + b"</p></article></body></html>"
    link = server.add("/slow.html", body=page, content_type="text/html", trickle=(50, 0.1))
    url = server.add("/f.xml", body=Feed(items=[Item("Slow page", "s", link, "<p>Feed text.</p>")]).rss())
    service = open_service(write_config([url], extra=SETTINGS))
    try:
        async for _ in service.refresh():
            pass
        sid = service.rows(View())[0].id
        started = time.monotonic()
        result = await service.article(sid)
        took = time.monotonic() - started
    finally:
        await service.aclose()
    assert took < DEADLINE + 0.5, took
    assert result is not None
    _, doc = result
    assert (
        doc.note == f"Article unavailable: took longer than {DEADLINE:g} s, gave up. Showing the feed's text."
    )


def refresh_peak_mb(tmp_path: Path, name: str, body: bytes) -> float:
    """Peak RSS of `tuinews refresh` of one feed, its parser processes included (they are waited for)."""
    with LoopbackServer() as server:
        url = server.add(f"/{name}.xml", body=body)
        config = tmp_path / f"{name}.toml"
        config.write_text(f'[[feeds]]\nurl = "{url}"\n{SETTINGS}', encoding="utf-8")
        env = {**os.environ, "TUINEWS_DATA_DIR": str(tmp_path / name), "NO_COLOR": "1"}
        cli = [sys.executable, "-m", "tuinews.cli", "--config", str(config), "refresh"]
        proc = subprocess.Popen(cli, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0 and b": new 2" in out, out
    return usage.ru_maxrss / MB


def test_a_quadratic_blowup_refresh_peaks_within_20_mb_of_a_plain_one(tmp_path: Path) -> None:
    """README: DTD entities are never expanded, so the blow-up costs what a plain feed costs."""
    plain = Feed(items=[Item("Blowup: plain", "q1"), Item("Plain neighbour", "q2")]).rss()
    plain_mb = refresh_peak_mb(tmp_path, "plain", plain)
    blowup_mb = refresh_peak_mb(tmp_path, "blowup", blowup_feed(10_000, 10_000))
    print(f"tuinews refresh peak RSS: plain feed {plain_mb:.1f} MB, quadratic blowup {blowup_mb:.1f} MB")
    assert blowup_mb - plain_mb < 20, (plain_mb, blowup_mb)


def test_the_hostile_suite_stays_under_500_mb() -> None:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / MB
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / MB
    print(f"peak RSS: tests {own:.0f} MB, largest subprocess {children:.0f} MB")
    assert own < 500 and children < 500
