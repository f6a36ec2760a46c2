"""App-level messages: workers post these, screens apply them to widgets."""

from __future__ import annotations

from rich.console import RenderableType
from textual.message import Message

from tuinews.core.models import FeedInfo, FeedOutcome, Related, Story, StoryRow, View


class RowsLoaded(Message):
    """A page of list rows for the view with this generation number."""

    def __init__(self, generation: int, rows: list[StoryRow], first: bool, total: int | None = None) -> None:
        super().__init__()
        self.generation = generation
        self.rows = rows
        self.first = first
        self.total = total


class StoryReady(Message):
    """A story rendered for the reader."""

    def __init__(self, story: Story, renderable: RenderableType, links: tuple[str, ...]) -> None:
        super().__init__()
        self.story = story
        self.renderable = renderable
        self.links = links


class RelatedReady(Message):
    """The sidebar's answer for a story."""

    def __init__(self, related: Related) -> None:
        super().__init__()
        self.related = related


class RowsChanged(Message):
    """Stories whose read/starred state changed (fresh rows from the store)."""

    def __init__(self, rows: list[StoryRow]) -> None:
        super().__init__()
        self.rows = rows


class RefreshProgress(Message):
    """One more feed finished; carries its new rows for the current view."""

    def __init__(
        self,
        outcome: FeedOutcome | None,
        rows: list[StoryRow],
        done: int,
        total: int,
        updated: list[StoryRow] | None = None,
    ) -> None:
        super().__init__()
        self.outcome = outcome
        self.rows = rows
        self.updated = updated or []
        self.done = done
        self.total = total


class RefreshFinished(Message):
    """A refresh ended (completed or cancelled)."""

    def __init__(self, outcomes: list[FeedOutcome], seconds: float) -> None:
        super().__init__()
        self.outcomes = outcomes
        self.seconds = seconds


class FeedsLoaded(Message):
    """Feeds with counts, for the picker or the error list."""

    def __init__(self, feeds: list[FeedInfo], purpose: str) -> None:
        super().__init__()
        self.feeds = feeds
        self.purpose = purpose


class ViewChosen(Message):
    """The user picked a view in the feed picker."""

    def __init__(self, view: View) -> None:
        super().__init__()
        self.view = view


class SearchResults(Message):
    """Results of the search box's text (dropped if the text changed since)."""

    def __init__(self, text: str, rows: list[StoryRow], highlight: list[str], problems: list[str]) -> None:
        super().__init__()
        self.text = text
        self.rows = rows
        self.highlight = highlight
        self.problems = problems


class SyncProgress(Message):
    """A sync with the server moved on (phase, done, total)."""

    def __init__(self, phase: str, done: int, total: int) -> None:
        super().__init__()
        self.phase = phase
        self.done = done
        self.total = total


class SyncFinished(Message):
    """A sync or a push ended: its report, or the one-line reason it failed."""

    def __init__(self, report: object | None, error: str | None, push_only: bool = False) -> None:
        super().__init__()
        self.report = report
        self.error = error
        self.push_only = push_only
