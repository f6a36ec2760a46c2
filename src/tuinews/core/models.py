"""Plain data passed between the store, the fetcher, the service and the UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """One entry as read from a feed, already cleaned for the terminal."""

    key: str
    guid: str | None
    link: str | None
    title: str
    summary: str
    content: str
    author: str
    published: float | None
    content_hash: str
    fingerprint: str = ""  # Fingerprint.dump(), when the parser computed it
    topics: tuple[str, ...] | None = None  # watched topics it matches, when the parser matched them


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed body turned into items, plus any non-fatal warning."""

    title: str
    link: str | None
    items: tuple[ParsedItem, ...]
    warning: str | None = None


@dataclass(frozen=True, slots=True)
class StoryRow:
    """What the story list needs for one row; small, because there are 50,000."""

    id: int
    feed_id: int
    feed_title: str
    title: str
    ts: float
    read: bool
    starred: bool
    link: str | None = None
    topics: tuple[str, ...] = ()
    published: float | None = None
    cluster_id: int | None = None
    cluster_size: int = 1


@dataclass(frozen=True, slots=True)
class Story:
    """A story with everything the reader shows."""

    id: int
    feed_id: int
    feed_url: str
    feed_title: str
    title: str
    link: str | None
    author: str
    summary: str
    content: str
    published: float | None
    ts: float
    read: bool
    starred: bool
    guid: str | None = None


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """A feed as stored, with its health and counts."""

    id: int
    url: str
    title: str
    tags: tuple[str, ...]
    last_fetch_at: float | None
    last_success_at: float | None
    last_status: int | None
    last_error: str | None
    error_count: int
    next_fetch_at: float | None
    total: int = 0
    unread: int = 0


OutcomeKind = Literal["new", "not_modified", "skipped", "error"]


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """The result of refreshing one feed: a value, never an exception."""

    url: str
    title: str
    kind: OutcomeKind
    new_count: int = 0
    updated_count: int = 0
    item_count: int = 0
    error: str | None = None
    warning: str | None = None
    status: int | None = None
    new_ids: tuple[int, ...] = field(default=(), repr=False)

    def line(self) -> str:
        """One human line, as `tuinews refresh` prints it."""
        if self.kind == "error":
            return f"error: {self.error}"
        if self.kind == "not_modified":
            return "not modified"
        if self.kind == "skipped":
            return f"skipped: {self.error}"
        extra = f", {self.updated_count} updated" if self.updated_count else ""
        warn = f" (warning: {self.warning})" if self.warning else ""
        return f"new {self.new_count}{extra}{warn}"


@dataclass(frozen=True, slots=True)
class View:
    """What the story list shows: all, unread, starred, one feed, one tag or one topic."""

    kind: Literal["all", "unread", "starred", "feed", "tag", "topic"] = "all"
    value: str | None = None
    label: str = "All stories"


@dataclass(frozen=True, slots=True)
class Scored:
    """A sidebar row: a story and why it is there."""

    row: StoryRow
    score: float


@dataclass(frozen=True, slots=True)
class Related:
    """The sidebar's answer for one story."""

    story_id: int
    same_story: tuple[Scored, ...] = ()
    related: tuple[Scored, ...] = ()
    topics: tuple[tuple[str, tuple[Scored, ...]], ...] = ()

    def is_empty(self) -> bool:
        """True when there is nothing to show."""
        return not (self.same_story or self.related or any(rows for _, rows in self.topics))
