"""`tuinews --demo`: the real app and pipeline on bundled feeds, fully offline.

A loopback server inside the process serves the demo feeds and article pages;
config and database live in a temporary directory that is removed on exit.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from tuinews.config import Config, FeedConfig, Settings, example_text, parse
from tuinews.demo.content import article_templates, feed_template, fill, outlets
from tuinews.demo.server import LoopbackServer, Route


def start_demo_server(now: float | None = None) -> LoopbackServer:
    """Serve every demo feed at /feeds/<stem>.xml and page at /articles/<slug>.html."""
    server = LoopbackServer()
    now = time.time() if now is None else now
    base = server.base
    for outlet in outlets():
        body = fill(feed_template(outlet.stem), base, now).encode("utf-8")
        ctype = (
            "application/atom+xml; charset=utf-8"
            if outlet.format == "atom"
            else "application/rss+xml; charset=utf-8"
        )
        server.add(f"/feeds/{outlet.stem}.xml", Route(body=body, content_type=ctype))
    for slug, page in article_templates().items():
        server.add(
            f"/articles/{slug}.html",
            Route(body=fill(page, base, now).encode("utf-8"), content_type="text/html; charset=utf-8"),
        )
    return server.start()


def demo_config(server: LoopbackServer, path: Path | None = None) -> Config:
    """The demo's config: its outlets, the example's topics, quick refreshes."""
    example = parse(example_text())
    feeds = tuple(
        FeedConfig(url=server.url(f"/feeds/{o.stem}.xml"), title=o.title, tags=o.tags) for o in outlets()
    )
    # The demo server is on this machine's loopback: a proxy from the environment
    # (HTTP_PROXY…) could not reach it, and the demo promises to stay off the network.
    settings = Settings(refresh_minutes=0, timeout_seconds=10, proxy="none")
    return Config(path=path, feeds=feeds, topics=example.topics, settings=settings)


def run_demo() -> int:
    """Run the app on the demo content; everything is thrown away on exit."""
    from tuinews.service import Service
    from tuinews.ui.app import run_app

    server = start_demo_server()
    try:
        with tempfile.TemporaryDirectory(prefix="tuinews-demo-") as tmp:
            config = demo_config(server, Path(tmp) / "tuinews.toml")
            service = Service.open(config, Path(tmp) / "tuinews.db")
            return run_app(service, title_suffix=" — demo (offline sample feeds)")
    finally:
        server.stop()
