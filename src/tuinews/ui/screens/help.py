"""The `?` help screen: every key, generated from the bindings so it cannot drift."""

from __future__ import annotations

from collections.abc import Iterable

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEY = Style(bold=True, color="cyan")


def key_label(keys: str) -> str:
    """'j,down' -> 'j / ↓' as a person would write it."""
    names = {
        "down": "↓",
        "up": "↑",
        "left": "←",
        "right": "→",
        "question_mark": "?",
        "pagedown": "PgDn",
        "pageup": "PgUp",
        "home": "Home",
        "end": "End",
        "enter": "Enter",
        "space": "Space",
        "escape": "Esc",
        "tab": "Tab",
        "shift+tab": "Shift+Tab",
        "slash": "/",
        "ctrl+p": "Ctrl+P",
    }
    return " / ".join(names.get(k.strip(), k.strip()) for k in keys.split(","))


def _section_table(sections: Iterable[tuple[str, list[Binding]]], keymap: dict[str, str]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column()
    for title, bindings in sections:
        table.add_row(Text(title, style="bold underline"), Text(""))
        for b in bindings:
            keys = keymap.get(b.id, b.key) if b.id else b.key
            table.add_row(Text(key_label(keys), style=KEY), Text(b.tooltip or b.description))
        table.add_row(Text(""), Text(""))
    return table


def help_table(sections: list[tuple[str, list[Binding]]], keymap: dict[str, str]) -> Table:
    """Keys and what they do, per section, in two columns of sections."""
    sizes = [len(b) + 2 for _, b in sections]
    half = sum(sizes) / 2
    split, acc = len(sections), 0
    for i, size in enumerate(sizes):
        acc += size
        if acc >= half:
            split = i + 1
            break
    outer = Table.grid(padding=(0, 4))
    outer.add_column(ratio=1)
    outer.add_column(ratio=1)
    outer.add_row(_section_table(sections[:split], keymap), _section_table(sections[split:], keymap))
    return outer


class HelpScreen(ModalScreen[None]):
    """Lists every key binding; any of Esc, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 130; max-width: 98%; height: 90%;
        border: round $accent; background: $panel; padding: 0 1;
    }
    """

    def __init__(self, sections: list[tuple[str, list[Binding]]], keymap: dict[str, str]) -> None:
        super().__init__()
        self.sections = sections
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys — Esc to close"
            yield Static(help_table(self.sections, self.keymap), id="help-table")
