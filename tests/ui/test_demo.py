"""The offline demo runs the real pipeline: bundled feeds over loopback, refresh, sidebar."""

from __future__ import annotations

import re
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


def labels_by_id(service: Service, story_id: int) -> dict:
    guid = service.story(story_id).guid
    return next(s for s in manifest() if s["guid"] == guid)


def test_demo_content_is_rich_enough() -> None:
    stories = manifest()
    assert len(outlets()) >= 5 and len(stories) >= 60
    clusters = {s["cluster"] for s in stories if s["cluster"]}
    assert sum(s["cluster"] == "ballots" for s in stories) >= 3
    assert sum(s["strike_word_non_industrial"] for s in stories) >= 4
    assert len(clusters) >= 4


async def test_demo_refreshes_on_start_and_the_strike_sidebar_is_industrial_only(demo: Service) -> None:
    app = build_app(demo, open_url=lambda url: None)
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await settle(pilot, rounds=6)
        story_list = app.screen.query_one(StoryList)
        assert story_list.loaded == len(manifest())
        wire_guid = next(
            s["guid"] for s in manifest() if s["cluster"] == "ballots" and s["outlet"] == "metro-wire"
        )
        wire_id = demo.store.db.conn.execute(
            "SELECT id FROM stories WHERE guid = ?", (wire_guid,)
        ).fetchone()[0]
        wire = next(r for r in story_list._all if r.id == wire_id)
        assert story_list.select_id(wire.id)
        await pilot.pause(0.2)
        await settle(pilot)
        sidebar = app.screen.query_one(RelatedSidebar)
        assert sidebar.story_id == wire.id
        related = demo.related(wire.id)
        same = [labels_by_id(demo, s.row.id) for s in related.same_story]
        others = [s for s in manifest() if s["cluster"] == "ballots" and s["outlet"] != "metro-wire"]
        assert sorted(x["slug"] for x in same) == sorted(
            x["slug"] for x in others
        )  # every other outlet's report
        strikes = dict(related.topics)["Strikes"]
        assert strikes and all(labels_by_id(demo, s.row.id)["industrial"] for s in strikes)
        shown = [labels_by_id(demo, i) for i in sidebar.ids]
        assert shown[: len(same)] == same  # the same story comes first
        assert not [x["title"] for x in shown if x["strike_word_non_industrial"]]
        text = screen_text(app)
        assert f"Same story ({len(same)})" in text and "Topic: Strikes" in text
        assert text.index("Same story") < text.index("Topic: Strikes")
        assert "Related coverage" in screen_text(app)


async def test_opening_a_demo_story_shows_the_clean_article_and_l_opens_link_n(demo: Service) -> None:
    opened: list[str] = []
    app = build_app(demo, open_url=opened.append)
    slug = "arvane-glacier-retreat-globe-review"  # flattened icon labels at the top, one link in the text
    guid = next(s["guid"] for s in manifest() if s["slug"] == slug)
    async with app.run_test(size=(200, 60), notifications=True) as pilot:
        await settle(pilot, rounds=6)
        story_id = demo.store.db.conn.execute("SELECT id FROM stories WHERE guid = ?", (guid,)).fetchone()[0]
        story_list = app.screen.query_one(StoryList)
        assert story_list.select_id(story_id)
        await pilot.press("enter")
        await settle(pilot, rounds=4)
        text = screen_text(app)
        article = demo.store.article(story_id)
        assert article is not None and article.error is None
        for label in ("An icon of", "Icon A", "Loading Spinner", "Share on", "We use cookies", "Sign up"):
            assert label not in text, label
        first_sentence = article.text.split(".")[0]
        assert first_sentence[:40] in " ".join(text.split())
        reader_links = app.screen.reader_links
        assert reader_links
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("1", "enter")
        await settle(pilot)
        assert opened == [reader_links[0]]


async def show_wire_story(demo: Service, app, pilot) -> tuple[RelatedSidebar, int]:  # type: ignore[no-untyped-def]
    """Select the wire's ballots story (the longest sidebar) and wait for its sidebar."""
    await settle(pilot, rounds=6)
    wire = next(s["guid"] for s in manifest() if s["cluster"] == "ballots" and s["outlet"] == "metro-wire")
    wire_id = demo.store.db.conn.execute("SELECT id FROM stories WHERE guid = ?", (wire,)).fetchone()[0]
    assert app.screen.query_one(StoryList).select_id(wire_id)
    await pilot.pause(0.2)  # the sidebar's debounce: this story's answer was not worked out ahead
    await settle(pilot)
    return app.screen.query_one(RelatedSidebar), wire_id


async def test_a_sidebar_longer_than_its_pane_says_what_is_below_and_follows_its_cursor(
    demo: Service,
) -> None:
    app = build_app(demo, open_url=lambda url: None)
    async with app.run_test(size=(160, 24), notifications=False) as pilot:  # no toast over the sidebar
        sidebar, wire_id = await show_wire_story(demo, app, pilot)
        assert sidebar.story_id == wire_id and len(sidebar.ids) > 8
        first = screen_text(app)
        assert "Same story (4)" in first and re.search(r"↓ \d+ more", first)  # the pane says what is below
        await pilot.press("c", *["down"] * len(sidebar.ids))
        assert sidebar.highlighted_story == sidebar.ids[-1]
        last = screen_text(app)
        assert "Same story (4)" not in last and "↓" not in last  # scrolled with the cursor to the end
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.reader_story is not None and app.screen.reader_story.id == sidebar.ids[-1]


async def test_sidebar_home_end_and_page_keys(demo: Service) -> None:
    app = build_app(demo, open_url=lambda url: None)
    async with app.run_test(size=(160, 24), notifications=False) as pilot:
        sidebar, _ = await show_wire_story(demo, app, pilot)
        await pilot.press("c", "end")
        assert sidebar.highlighted_story == sidebar.ids[-1]
        await pilot.press("home")
        assert sidebar.highlighted_story == sidebar.ids[0]
        await pilot.press("pagedown")
        after_page = sidebar.ids.index(sidebar.highlighted_story)
        assert 1 < after_page < len(sidebar.ids) - 1  # a screenful on, not one row, not the end
        await pilot.press("pageup")
        assert sidebar.highlighted_story == sidebar.ids[0]
