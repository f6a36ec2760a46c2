"""The link picker (`l`): the reader's numbered references; type a number or pick one."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

NUMBER = Style(color="cyan", bold=True)


class LinkPicker(ModalScreen[int | None]):
    """Returns the 1-based number of the chosen link, or None."""

    BINDINGS = [Binding("escape,q", "dismiss(None)", "Cancel", id="links.close")]

    DEFAULT_CSS = """
    LinkPicker { align: center middle; }
    LinkPicker > OptionList {
        width: 100; max-width: 95%; height: auto; max-height: 80%;
        border: round $accent; background: $panel;
    }
    """

    def __init__(self, links: tuple[str, ...]) -> None:
        super().__init__()
        self.links = links
        self.typed = ""

    def compose(self) -> ComposeResult:
        options = []
        for n, url in enumerate(self.links, start=1):
            label = Text()
            label.append(f"[{n}] ", NUMBER)
            label.append(url)
            options.append(Option(label, id=str(n)))
        picker = OptionList(*options, markup=False)
        picker.border_title = "Open link — type its number or pick it, Enter opens, Esc cancels"
        yield picker

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        """Digits jump to that link number; Enter opens it."""
        if event.character and event.character.isdigit():
            event.stop()
            typed = self.typed + event.character
            if not typed.lstrip("0") or int(typed) > len(self.links):
                typed = event.character
            self.typed = typed
            number = int(typed) if typed.lstrip("0") else 0
            if 1 <= number <= len(self.links):
                self.query_one(OptionList).highlighted = number - 1
            self.query_one(OptionList).border_subtitle = f"link {typed}"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.dismiss(int(event.option.id))
