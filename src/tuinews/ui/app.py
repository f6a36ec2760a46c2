"""The Textual app: one factory used by the CLI, the demo and the tests."""

from __future__ import annotations

import sys
import threading
import webbrowser
from collections.abc import Callable, Iterable
from functools import partial
from urllib.parse import urlsplit

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from tuinews import __version__
from tuinews.core.models import StoryRow, View
from tuinews.service import Service
from tuinews.ui.screens.help import key_label
from tuinews.ui.screens.main import FIRST_PAGE, MainScreen
from tuinews.ui.widgets.reader_pane import ReaderPane
from tuinews.ui.widgets.related_sidebar import RelatedSidebar
from tuinews.ui.widgets.story_list import StoryList

SAFE_SCHEMES = ("http", "https")


class TuinewsApp(App[None]):
    """tuinews: story list, reader and related coverage."""

    CSS_PATH = "styles/app.tcss"
    TITLE = "tuinews"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("tab", "focus_next", "Next pane", show=False, id="app.focus_next"),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False, id="app.focus_previous"),
    ]

    def __init__(
        self,
        service: Service,
        *,
        open_url: Callable[[str], None] | None = None,
        refresh_on_start: bool = True,
        title_suffix: str = "",
        theme: str | None = None,
        first_rows: list[StoryRow] | None = None,
    ) -> None:
        super().__init__()
        self._first_rows = first_rows
        self.service = service
        self._open_url = open_url or self._browser
        self.refresh_on_start = refresh_on_start
        self.title = f"tuinews {__version__}{title_suffix}"
        if theme and theme in self.available_themes:
            self.theme = theme

    def on_mount(self) -> None:
        # Workers (sidebar answers, list pages, search) run Python in threads; with the default
        # 5 ms switch interval a frame that needs the GIL back waits up to 5 ms per hand-over.
        sys.setswitchinterval(SWITCH_INTERVAL)
        if self.service.config.keys:
            self.set_keymap(dict(self.service.config.keys))
        first, self._first_rows = self._first_rows, None
        self.push_screen(MainScreen(self.service, refresh_on_start=self.refresh_on_start, first_rows=first))
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _remember_theme(self, theme: Theme) -> None:
        """Themes chosen in the command palette stick across runs."""
        name = theme.name
        self.run_worker(lambda: self.service.store.set_meta(THEME_KEY, name), thread=True, group="prefs")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette lists every tuinews command (from the same bindings as the help screen)."""
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MainScreen):
            return
        for owner, bindings in ((screen, MainScreen.BINDINGS), (screen.story_list, StoryList.BINDINGS)):
            for binding in bindings:
                if not isinstance(binding, Binding) or not binding.id or binding.id == "app.escape":
                    continue
                keys = self._keymap.get(binding.id, binding.key)
                help_text = f"{binding.tooltip or binding.description}  (key: {key_label(keys)})"
                yield SystemCommand(binding.description, help_text, partial(owner.run_action, binding.action))
        yield SystemCommand(
            "Import feeds…",
            "Add feeds from an OPML file, a newsboat urls file or nom's config.yml",
            screen.ask_import,
        )
        yield SystemCommand(
            "Export feeds as OPML…", "Write the configured feeds to an OPML 2.0 file", screen.ask_export
        )

    async def on_unmount(self) -> None:
        await self.service.aclose()

    def open_link(self, url: str) -> bool:
        """Open an http(s) URL in the system browser; anything else is refused and said so."""
        scheme = urlsplit(url).scheme.lower()
        if scheme not in SAFE_SCHEMES:
            self.notify(
                f"Not opening a {scheme or 'relative'}: link — only http(s) links are opened.",
                severity="warning",
                markup=False,
            )
            return False
        self._open_url(url)
        self.notify(f"Opening {url}", markup=False, timeout=2)
        return True

    def _browser(self, url: str) -> None:
        """GUI browsers start in the background; a console browser (lynx, w3m) gets the terminal."""
        try:
            browser = webbrowser.get()
        except webbrowser.Error:
            self.notify("No web browser found: set $BROWSER to open links.", severity="warning", markup=False)
            return
        if isinstance(browser, webbrowser.GenericBrowser) and not isinstance(
            browser, webbrowser.BackgroundBrowser
        ):
            with self.suspend():
                browser.open(url)
            return
        threading.Thread(target=browser.open, args=(url,), daemon=True).start()

    def help_sections(self) -> list[tuple[str, list[Binding]]]:
        """Every binding the user can press, grouped by what it acts on (from the binding ids)."""
        groups = {
            "list": "Story list",
            "story": "The story",
            "reader": "Reader",
            "sidebar": "Sidebar",
            "view": "Views",
            "app": "App",
        }
        sections: dict[str, list[Binding]] = {title: [] for title in groups.values()}
        for cls in (StoryList, MainScreen, ReaderPane, RelatedSidebar, TuinewsApp):
            for binding in cls.BINDINGS:
                if isinstance(binding, Binding) and binding.id and binding.id != "app.escape":
                    sections[groups.get(binding.id.split(".")[0], "App")].append(binding)
        sections["Sidebar"].append(Binding("enter", "", "Open that story in the reader"))
        sections["App"].append(Binding("escape", "", "Close the search, a dialog or the full-width reader"))
        sections["App"].append(Binding("ctrl+p", "", "Command palette: every command, themes"))
        return [(title, bindings) for title, bindings in sections.items() if bindings]

    def keymap_view(self) -> dict[str, str]:
        """The user's key remapping (binding id -> keys)."""
        return dict(self._keymap)


THEME_KEY = "ui.theme"
SWITCH_INTERVAL = 0.0005  # seconds a thread holds the GIL before another may take it


def build_app(service: Service, **kwargs: object) -> TuinewsApp:
    """The one app factory (CLI, demo and tests)."""
    return TuinewsApp(service, **kwargs)  # type: ignore[arg-type]


def run_app(service: Service, **kwargs: object) -> int:
    """Run the app to completion and release the service."""
    kwargs.setdefault("theme", service.config.settings.theme or service.store.meta(THEME_KEY))
    # What the first screen shows, read before the app starts (like the theme): one indexed
    # query of FIRST_PAGE rows, and the first paint shows stories rather than an empty list.
    kwargs.setdefault("first_rows", service.rows(View(), None, FIRST_PAGE))
    app = build_app(service, **kwargs)
    try:
        app.run()
    finally:
        service.close()
    return 0
