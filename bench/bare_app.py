"""The floor for first paint: a Textual app with one Static, started the way tuinews is."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("READY")


if __name__ == "__main__":
    Bare().run()
