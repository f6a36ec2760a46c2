"""The real app, driven by Pilot pressing real keys; assertions on what the screen shows."""

from __future__ import annotations

import time

from tests.feeds import Feed, Item
from tests.ui.conftest import NOW_TS, World, courier_items
from tests.ui.helpers import screen_text, settle
from tuinews.ui.screens.errors import FeedHealth
from tuinews.ui.screens.feeds import FeedPicker
from tuinews.ui.screens.help import HelpScreen
from tuinews.ui.widgets.reader_pane import ReaderPane
from tuinews.ui.widgets.related_sidebar import RelatedSidebar
from tuinews.ui.widgets.story_list import StoryList

SIZE = (200, 50)


def titles(app) -> list[str]:
    return [r.title for r in app.screen.query_one(StoryList).rows]


def cursor_title(app) -> str:
    return app.screen.query_one(StoryList).current.title


async def test_stored_stories_paint_at_start_newest_first(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert titles(app)[:2] == [
            "Minister rejects electronic strike ballots",
            "Rail drivers announce 48-hour walkout",
        ]
        text = screen_text(app)
        assert "Minister rejects electronic strike ballots" in text
        assert "All stories · 6 stories" in text


async def test_rows_read_before_start_are_in_the_very_first_frame(world: World) -> None:
    from tuinews.core.models import View

    first = world.service.rows(View(), None, 2)  # what run_app reads before the app starts
    app = world.app(first_rows=first)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert titles(app)[:2] == [r.title for r in first]  # before any worker has answered
        await settle(pilot)
        assert len(titles(app)) == 6  # the rest of the view followed, nothing twice
        assert "All stories · 6 stories" in screen_text(app)


async def test_markup_in_titles_shows_literally(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert "[bold red]PWNED[/] and [@click=app.quit]x[/]" in screen_text(app)
        assert app.is_running


async def test_j_k_g_G_move_the_cursor(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        assert cursor_title(app) == "Air strike hits bridge in border town"
        await pilot.press("k")
        assert cursor_title(app) == "Rail drivers announce 48-hour walkout"
        await pilot.press("G")
        assert cursor_title(app) == "Interest rates held at 4%"
        await pilot.press("g")
        assert cursor_title(app) == "Minister rejects electronic strike ballots"
        await pilot.press("down", "up", "end")
        assert cursor_title(app) == "Interest rates held at 4%"
        await pilot.press("pageup")
        assert cursor_title(app) == "Minister rejects electronic strike ballots"


async def test_enter_opens_the_story_and_marks_it_read(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "He said the votes could be open to a malevolent attack." in text  # the article, not the blurb
        assert "Union leaders called the decision a pretext[1]." in text
        assert "[1] https://example.org/reaction" in text
        assert app.screen.query_one(StoryList).rows[0].read
        assert world.service.story(app.screen.query_one(StoryList).rows[0].id).read


async def test_article_failure_keeps_the_feed_text_and_says_why(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")  # "Rail drivers…": its page answers 404
        await settle(pilot)
        text = screen_text(app)
        assert "Article unavailable: HTTP 404 Not Found. Showing the feed's text." in text
        assert "Train drivers will strike next week." in text


async def test_a_story_opened_once_opens_without_the_network(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    hits = world.server.hits["/a/1.html"]
    world.server.routes["/a/1.html"].status = 500  # the site is down now
    again = world.app()
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "He said the votes could be open to a malevolent attack." in screen_text(again)
    assert world.server.hits["/a/1.html"] == hits


async def test_l_opens_link_n_of_the_story(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("l")
        await pilot.pause()
        assert "[1] https://example.org/reaction" in screen_text(app)
        await pilot.press("1", "enter")
        await settle(pilot)
        assert world.opened == ["https://example.org/reaction"]


async def test_m_toggles_read_and_s_stars(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        story_list = app.screen.query_one(StoryList)
        first = story_list.rows[0].id
        await pilot.press("m")
        await settle(pilot)
        assert story_list.rows[0].read and world.service.story(first).read
        await pilot.press("m")
        await settle(pilot)
        assert not story_list.rows[0].read
        await pilot.press("s")
        await settle(pilot)
        assert story_list.rows[0].starred and world.service.story(first).starred
        assert "★" in screen_text(app)


async def test_n_goes_to_the_next_unread_story_and_opens_it(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        story_list = app.screen.query_one(StoryList)
        world.service.set_read([story_list.rows[1].id, story_list.rows[2].id])
        story_list.update_rows(world.service.rows_by_ids([story_list.rows[1].id, story_list.rows[2].id]))
        await pilot.press("n")
        await settle(pilot)
        assert story_list.cursor == 3
        assert app.screen.query_one(ReaderPane).story_id == story_list.rows[3].id


async def test_o_opens_the_link_and_refuses_javascript(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("o")
        assert world.opened == [world.server.url("/a/1.html")]
        await pilot.press("G", "k", "o")  # "Village fete": its javascript: link was never stored
        await settle(pilot)
        assert world.opened == [world.server.url("/a/1.html")]
        assert "This story has no link." in screen_text(app)


async def test_tab_cycles_list_reader_sidebar(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, StoryList)
        await pilot.press("tab")
        assert isinstance(app.focused, ReaderPane)
        await pilot.press("tab")
        assert isinstance(app.focused, RelatedSidebar)
        await pilot.press("shift+tab", "shift+tab")
        assert isinstance(app.focused, StoryList)


async def test_space_pages_the_reader(world: World, server, open_service, write_config) -> None:
    long = "".join(f"<p>Paragraph {i} of a long article about the walkout.</p>" for i in range(120))
    url = server.add(
        "/long.xml",
        body=Feed("Long", items=[Item("Long read", "x1", "http://long.example/1", long, ts=NOW_TS)]).rss(),
    )
    service = open_service(write_config([url], name="long.toml"), db=world.config.parent / "long.db")
    async for _ in service.refresh():
        pass
    await service.aclose()
    from tuinews.ui.app import build_app

    app = build_app(service, refresh_on_start=False, open_url=world.opened.append)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.query_one(ReaderPane)
        assert reader.scroll_y == 0
        await pilot.press("space")
        await pilot.pause()
        assert reader.scroll_y > 20


async def test_sidebar_lists_other_strike_stories_never_the_air_strike(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one(RelatedSidebar)
        story_list = app.screen.query_one(StoryList)
        assert sidebar.story_id == story_list.rows[0].id
        titles_in_sidebar = [world.service.story(i).title for i in sidebar.ids]
        assert titles_in_sidebar == ["Rail drivers announce 48-hour walkout"]
        text = screen_text(app)
        assert "Topic: Strikes (1)" in text
        await pilot.press("j", "j")  # the air strike story
        await settle(pilot)
        assert sidebar.ids == []
        assert "No related coverage" in screen_text(app)


async def test_the_next_storys_sidebar_is_ready_before_j_is_pressed(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one(RelatedSidebar)
        story_list = app.screen.query_one(StoryList)
        following = story_list.rows[1].id
        assert sidebar.story_id == story_list.rows[0].id
        assert world.service.cached_related(following) is not None  # worked out in the background
        await pilot.press("j")
        await pilot.pause(0.01)  # well inside the sidebar's 60 ms debounce
        assert sidebar.story_id == following
        await settle(pilot)  # and the one after it is worked out while the user reads
        assert world.service.cached_related(story_list.rows[2].id) is not None


async def test_enter_on_a_sidebar_row_opens_that_story(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("tab", "tab")
        assert isinstance(app.focused, RelatedSidebar)
        await pilot.press("down", "enter")
        await settle(pilot)
        reader = app.screen.query_one(ReaderPane)
        assert world.service.story(reader.story_id).title == "Rail drivers announce 48-hour walkout"


async def test_r_refresh_adds_new_stories_without_moving_the_selection(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        selected = cursor_title(app)
        fresh = [
            Item("Breaking: dockers walk out", "c9", "http://courier.example/9", "<p>New.</p>", ts=NOW_TS)
        ]
        world.server.routes["/courier.xml"].body = Feed("The Courier", items=fresh + courier_items()).rss()
        await pilot.press("r")
        await settle(pilot, rounds=5)
        assert titles(app)[0] == "Breaking: dockers walk out"
        assert cursor_title(app) == selected
        assert isinstance(app.focused, StoryList)
        text = screen_text(app)
        assert "7 stories" in text
        assert "1 of 3 feeds failed" in text and "Press e to see why" in text


async def test_e_shows_feed_health_and_retries(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, FeedHealth)
        text = screen_text(app)
        assert "/gone.xml" in text and "HTTP 404 Not Found" in text and "3 feeds, 1 failing" in text
        assert "The Courier" in text and "The Ledger" in text
        world.server.add(
            "/gone.xml", body=Feed("Back again", items=[Item("Back", "b1", None, "<p>x</p>")]).rss()
        )
        hits = world.server.hits["/gone.xml"]
        await pilot.press("R")  # retry every failing feed, now
        await settle(pilot, rounds=5)
        assert world.server.hits["/gone.xml"] == hits + 1
        assert "3 feeds, 0 failing" in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, FeedHealth)


async def test_f_picks_a_feed_and_the_list_follows(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FeedPicker)
        text = screen_text(app)
        assert "All stories" in text and "The Ledger" in text and "2 unread / 2" in text
        picker = app.screen
        ledger_key = next(k for k, v in picker.views.items() if v.label == "The Ledger")
        from textual.widgets import OptionList

        options = picker.query_one(OptionList)
        options.highlighted = options.get_option_index(ledger_key)
        await pilot.press("enter")
        await settle(pilot)
        assert titles(app) == ["Rail drivers announce 48-hour walkout", "Interest rates held at 4%"]
        assert "The Ledger · 2 stories" in screen_text(app)


async def test_help_lists_every_key(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for label in ("j / ↓", "k / ↑", "g / Home", "G / End", "PgDn", "PgUp", "Open the story in the reader and mark it read", "Tab", "Shift+Tab",
                      "Space", "Page the reader down", "Next unread", "Read/unread", "Star", "Open in browser", "Refresh", "Feeds",
                      "Every feed's health", "Help", "Quit", "Search everything stored",
                      "Mark every story in this view read", "Expand or collapse"):  # fmt: skip
            assert label in text, label
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 or app.return_code is None
    assert not app.is_running


async def test_click_selects_and_double_click_opens(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.click(StoryList, offset=(10, 2))
        assert cursor_title(app) == "Air strike hits bridge in border town"
        await pilot.double_click(StoryList, offset=(10, 1))
        await settle(pilot)
        reader = app.screen.query_one(ReaderPane)
        assert world.service.story(reader.story_id).title == "Rail drivers announce 48-hour walkout"


async def test_the_ui_answers_keys_while_an_article_loads(world: World) -> None:
    from tests.ui.conftest import article_page

    page = article_page("Slow story", ["A sentence that only the slow page carries."])
    world.server.add("/a/3.html", body=page, content_type="text/html", delay=2.0)  # a slow site
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "enter")  # the markup-title story, whose page is slow
        started = time.monotonic()
        reader = app.screen.query_one(ReaderPane)
        while reader.story_id is None and time.monotonic() - started < 1.0:
            await pilot.pause(0.02)
        assert "Fetching the full article…" in screen_text(app)
        await pilot.press("k", "k")
        await pilot.pause()
        assert cursor_title(app) == "Rail drivers announce 48-hour walkout"
        assert time.monotonic() - started < 1.0  # keys did not wait for the page
        await settle(pilot)
        assert "A sentence that only the slow page carries." in screen_text(app)


async def test_moving_the_selection_updates_the_sidebar(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one(RelatedSidebar)
        first = sidebar.story_id
        await pilot.press("j")
        await pilot.pause(0.2)
        await settle(pilot)
        assert sidebar.story_id == app.screen.query_one(StoryList).current.id != first


async def test_c_jumps_to_the_sidebar_and_back(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("c")
        assert isinstance(app.focused, RelatedSidebar)
        await pilot.press("c")
        assert isinstance(app.focused, StoryList)


async def test_reports_of_one_event_are_grouped_and_expand(server, write_config, open_service) -> None:
    from tests.conftest import STRIKES_TOPIC

    lead = "Business Secretary Alistair Penhale rejected electronic strike ballots for unions over a malevolent attack."
    wire = Feed(
        "Wire",
        items=[
            Item(
                "Penhale rejects electronic strike ballots",
                "w1",
                "http://127.0.0.1:9/w1",
                lead,
                ts=NOW_TS - 600,
            )
        ],
    )
    courier = Feed("Courier", items=[
        Item("Penhale rejects electronic strike ballots", "c1", "http://127.0.0.1:9/c1", lead + " (Wire)", ts=NOW_TS - 300),
        Item("Village fete raises record sum", "c2", "http://127.0.0.1:9/c2", "Cakes sold out.", ts=NOW_TS - 900),
    ])  # fmt: skip
    urls = [server.add("/w.xml", body=wire.rss()), server.add("/c.xml", body=courier.rss())]
    service = open_service(write_config(urls, extra=STRIKES_TOPIC, name="group.toml"))
    async for _ in service.refresh():
        pass
    await service.aclose()
    from tuinews.ui.app import build_app

    app = build_app(service, refresh_on_start=False, open_url=lambda url: None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        story_list = app.screen.query_one(StoryList)
        assert [r.title for r in story_list.rows] == [
            "Penhale rejects electronic strike ballots",
            "Village fete raises record sum",
        ]
        assert "+1 outlet" in screen_text(app)
        await pilot.press("z")
        assert len(story_list.rows) == 3 and "↳ Penhale rejects" in screen_text(app)
        await pilot.press("z")
        assert len(story_list.rows) == 2
        await pilot.press("Z")  # grouping off: every report on its own row
        assert len(story_list.rows) == 3 and "+1 outlet" not in screen_text(app)
        await pilot.press("Z")
        assert len(story_list.rows) == 2


async def test_search_as_you_type_ranks_highlights_and_closes(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert app.focused is app.screen.search_input
        await pilot.press(*"walkout")
        await pilot.pause(0.3)
        await settle(pilot)
        assert titles(app) == ["Rail drivers announce 48-hour walkout"]
        assert "Search: walkout · 1 story" in screen_text(app)
        story_list = app.screen.query_one(StoryList)
        assert story_list.highlight == ["walkout"]
        segments = story_list.render_line(0)._segments
        marked = [seg.text for seg in segments if seg.style and seg.style.underline]
        assert marked == ["walkout"]
        for _ in range(7):
            await pilot.press("backspace")
        await pilot.press(*"feed:ledger")
        await pilot.pause(0.3)
        await settle(pilot)
        assert sorted(titles(app)) == ["Interest rates held at 4%", "Rail drivers announce 48-hour walkout"]
        await pilot.press("enter")  # to the results
        assert isinstance(app.focused, StoryList)
        await pilot.press("escape")
        await settle(pilot)
        assert len(titles(app)) == 6 and story_list.highlight == []
        assert "All stories · 6 stories" in screen_text(app)


async def test_mark_all_in_view_read_and_undo(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        story_list = app.screen.query_one(StoryList)
        await pilot.press("A")
        await settle(pilot)
        assert all(r.read for r in story_list.rows)
        assert world.service.count(__import__("tuinews.core.models", fromlist=["View"]).View("unread")) == 0
        assert "Marked 6 stories read. Press u to undo." in screen_text(app)
        await pilot.press("u")
        await settle(pilot)
        assert not any(r.read for r in story_list.rows)
        assert world.service.count(__import__("tuinews.core.models", fromlist=["View"]).View("unread")) == 6


async def test_narrow_terminals_fold_the_sidebar_and_share_the_width(world: World) -> None:
    app = world.app()
    async with app.run_test(size=(90, 30), notifications=True) as pilot:
        await settle(pilot)
        sidebar = app.screen.query_one(RelatedSidebar)
        assert not sidebar.display or sidebar.region.width == 0
        assert app.screen.query_one(ReaderPane).region.width > 0
        await pilot.resize_terminal(60, 30)
        await pilot.pause()
        reader = app.screen.query_one(ReaderPane)
        assert reader.region.width == 0 and app.screen.query_one(StoryList).region.width >= 58
        await pilot.press("enter")
        await settle(pilot)
        assert reader.region.width >= 58 and app.screen.query_one(StoryList).region.width == 0
        assert "He said the votes could be open to a malevolent attack." in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert reader.region.width == 0 and app.screen.query_one(StoryList).region.width >= 58
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        assert sidebar.region.width > 0 and reader.region.width > 0


async def test_every_command_is_in_the_palette(world: World) -> None:
    from tuinews.ui.screens.main import MainScreen

    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        titles_in_palette = {c.title for c in app.get_system_commands(app.screen)}
        for binding in [*MainScreen.BINDINGS, *StoryList.BINDINGS]:
            if binding.id and binding.id != "app.escape":
                assert binding.description in titles_in_palette, binding.description
        assert {"Import feeds…", "Export feeds as OPML…", "Theme"} <= titles_in_palette
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"feed health")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FeedHealth)


async def test_import_from_the_palette_adds_and_fetches_feeds(world: World, tmp_path) -> None:
    extra = world.server.add(
        "/extra.xml", body=Feed("Extra", items=[Item("Extra story", "x1", None, "<p>x</p>")]).rss()
    )
    urls = tmp_path / "urls"
    urls.write_text(f'{extra} "~Extra Feed" imported\n')
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.screen.ask_import()
        await pilot.pause()
        await pilot.press(*str(urls), "enter")
        await settle(pilot, rounds=6)
        assert "Imported 1 feed from urls" in screen_text(app)
        assert "Extra story" in titles(app)
    assert extra in world.config.read_text()


async def test_the_chosen_theme_is_remembered(world: World) -> None:
    from tuinews.ui.app import run_app  # noqa: F401  (run_app reads the stored theme the same way)

    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await pilot.pause()
        await settle(pilot)
    assert world.service.store.meta("ui.theme") == "nord"
    again = world.app(theme=world.service.store.meta("ui.theme"))
    async with again.run_test(size=SIZE) as pilot:
        assert again.theme == "nord"


async def test_no_color_is_honoured(world: World, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.no_color
        assert any(type(f).__name__ == "Monochrome" for f in app._filters)


def pick(app, label: str) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import OptionList

    picker = app.screen
    key = next(k for k, v in picker.views.items() if v.label == label)
    options = picker.query_one(OptionList)
    options.highlighted = options.get_option_index(key)


async def test_views_unread_starred_tag_topic_and_saved_search(server, write_config, open_service) -> None:
    from tests.conftest import STRIKES_TOPIC
    from tests.ui.conftest import courier_items, ledger_items
    from tuinews.ui.app import build_app

    courier = server.add("/c.xml", body=Feed("The Courier", items=courier_items(server.base)).rss())
    ledger = server.add("/l.xml", body=Feed("The Ledger", items=ledger_items(server.base)).rss())
    extra = STRIKES_TOPIC + '[[searches]]\nname = "Ballots"\nquery = "ballot*"\n'
    path = write_config([courier, ledger], extra=extra, name="views.toml")
    path.write_text(path.read_text().replace(f'url = "{ledger}"', f'url = "{ledger}"\ntags = ["money"]'))
    service = open_service(path)
    async for _ in service.refresh():
        pass
    await service.aclose()
    app = build_app(service, refresh_on_start=False, open_url=lambda url: None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("m", "j", "s")  # first story read, second starred
        await settle(pilot)
        for label, expected in [
            ("Unread", 5),
            ("Starred", 1),
            ("#money", 2),
            ("Topic: Strikes", 2),
            ("Search: Ballots", 1),
            ("All stories", 6),
        ]:
            await pilot.press("f")
            await settle(pilot)
            if label == "Topic: Strikes":
                assert "Topic: Strikes  1 unread / 2" in screen_text(app)
            pick(app, label)
            await pilot.press("enter")
            await settle(pilot)
            assert len(titles(app)) == expected, label
            assert f"{label} · {expected} " in screen_text(app)


async def test_a_remapped_key_works_and_the_help_shows_it(server, write_config, open_service) -> None:
    from tests.ui.conftest import courier_items
    from tuinews.ui.app import build_app

    url = server.add("/c.xml", body=Feed("The Courier", items=courier_items(server.base)).rss())
    path = write_config([url], extra='[keys]\n"list.down" = "ctrl+n"\n"story.star" = "x"\n', name="keys.toml")
    service = open_service(path)
    async for _ in service.refresh():
        pass
    await service.aclose()
    app = build_app(service, refresh_on_start=False, open_url=lambda url: None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        story_list = app.screen.query_one(StoryList)
        await pilot.press("ctrl+n")
        assert story_list.cursor == 1
        await pilot.press("j")  # no longer bound
        assert story_list.cursor == 1
        await pilot.press("x")
        await settle(pilot)
        assert story_list.rows[1].starred
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "ctrl+n" in text and "x " in text


async def test_typing_in_search_is_never_held_up_and_stale_results_are_dropped(world: World) -> None:
    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        started = time.monotonic()
        for ch in "interest":
            await pilot.press(ch)
        typed = time.monotonic() - started
        assert app.screen.search_input.value == "interest"
        assert typed < 1.0  # keys are not waiting for searches
        await pilot.pause(0.3)
        await settle(pilot)
        # the last text's results, not an earlier prefix's
        assert titles(app) == ["Interest rates held at 4%"]


def test_sidebar_wrap_keeps_words_whole_and_cuts_only_words_longer_than_a_line() -> None:
    from tuinews.ui.widgets.related_sidebar import wrap

    assert wrap("Rail drivers announce 48-hour walkout", 12) == [
        "Rail drivers",
        "announce",
        "48-hour",
        "walkout",
    ]
    assert wrap("Aaaaaaaaaaaaaaaa bb", 6) == ["Aaaaaa", "aaaaaa", "aaaa", "bb"]
    assert wrap("", 10) == [""]
    assert wrap("日本語のニュース", 6) == ["日本語", "のニュ", "ース"]  # wide characters count two cells


async def test_a_search_typed_in_one_burst_lands_in_the_search_box(world: World) -> None:
    from textual import events

    from tuinews.ui.screens.main import MainScreen

    app = world.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        burst = [
            ("slash", "/"),
            *[(c, c) for c in "strike"],
            ("space", " "),
            ("a", "a"),
            ("slash", "/"),
            ("b", "b"),
        ]
        for key, char in burst:  # one burst, like a paste
            event = events.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)
        await pilot.pause(0.3)  # the search's debounce
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.search_input.value == "strike a/b"  # in order, "/" included
        assert not any(r.starred for r in screen.story_list.rows)  # "s" did not star a story
        assert screen.view.kind == "search"
