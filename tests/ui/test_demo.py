"""The offline demo runs the real pipeline: bundled feeds over loopback, refresh, sidebar."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.helpers import screen_text, settle
from tuinews.demo.content import manifest, outlets
from tuinews.demo.run import demo_config, start_demo_server
from tuinews.service import Service
from tuinews.ui.app import build_app
from tuinews.ui.widgets.related_sidebar import RelatedSidebar
from tuinews.ui.widgets.story_list import StoryList


@pytest.fixture
def demo(tmp_path: Path):
    server = start_demo_server()
    service = Service.open(demo_config(server), tmp_path / "demo.db")
    yield service
    service.close()
    server.stop()


def test_demo_content_is_rich_enough() -> None:
    stories = manifest()
    assert len(outlets()) >= 5 and len(stories) >= 60
    clusters = {s["cluster"] for s in stories if s["cluster"]}
    assert sum(s["cluster"] == "ballots" for s in stories) >= 3
    assert sum(s["strike_word_non_industrial"] for s in stories) >= 4
    assert len(clusters) >= 4


async def test_demo_refreshes_on_start_and_the_strike_sidebar_is_industrial_only(demo: Service) -> None:
    labels = {s["title"]: s for s in manifest()}
    app = build_app(demo, open_url=lambda url: None)
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await settle(pilot, rounds=6)
        story_list = app.screen.query_one(StoryList)
        assert len(story_list.rows) == len(manifest())
        wire = next(r for r in story_list.rows if labels[r.title]["cluster"] == "ballots")
        story_list.select_id(wire.id)
        await pilot.pause(0.2)
        await settle(pilot)
        sidebar = app.screen.query_one(RelatedSidebar)
        assert sidebar.story_id == wire.id
        shown = [demo.story(i).title for i in sidebar.ids]
        assert len(shown) >= 10
        assert all(labels[t]["industrial"] for t in shown), [t for t in shown if not labels[t]["industrial"]]
        assert not any(labels[t]["strike_word_non_industrial"] for t in shown)
        assert "Related coverage" in screen_text(app)
