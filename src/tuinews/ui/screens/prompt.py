"""A one-line question (a file path for import or export)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class Prompt(ModalScreen[str | None]):
    """Ask for one line of text; Enter answers, Esc cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="prompt.cancel")]

    DEFAULT_CSS = """
    Prompt { align: center middle; }
    Prompt > Vertical { width: 90; max-width: 95%; height: auto; border: round $accent; background: $panel; padding: 0 1; }
    Prompt Static { color: $text-muted; }
    """

    def __init__(self, title: str, hint: str, value: str = "") -> None:
        super().__init__()
        self.prompt_title = title
        self.hint = hint
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.prompt_title
            yield Static(self.hint, markup=False)
            yield Input(value=self.value, id="prompt-input")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)
