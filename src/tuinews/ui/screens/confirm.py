"""A yes/no question (unsubscribing a server feed)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class Confirm(ModalScreen[bool]):
    """Ask before doing something that cannot be undone here: y answers yes, n or Esc no."""

    BINDINGS = [
        Binding("y", "dismiss(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "dismiss(False)", "No", id="confirm.no"),
    ]

    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical { width: 80; max-width: 95%; height: auto; border: round $warning; background: $panel; padding: 0 1; }
    Confirm #confirm-keys { color: $text-muted; }
    """

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self.question_title = title
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.question_title
            yield Static(self.question, markup=False)
            yield Static("y: yes   n / Esc: no", markup=False, id="confirm-keys")
