"""One exception hierarchy for every failure a user may be told about.

Each error carries a one-line, human message: the CLI prints it as is and the
UI shows it in a notification.  Anything that is *not* a TuinewsError is a bug.
"""

from __future__ import annotations


class TuinewsError(Exception):
    """Base class: an expected failure with a one-line message for the user."""

    title = "Error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(TuinewsError):
    """The configuration file is missing, unreadable or invalid."""

    title = "Config error"


class FetchError(TuinewsError):
    """A network fetch failed; the message says why in words."""

    title = "Fetch error"

    def __init__(
        self, message: str, status: int | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


class ParseError(TuinewsError):
    """A feed body could not be read as a feed."""

    title = "Parse error"


class ExtractError(TuinewsError):
    """An article page could not be reduced to its article."""

    title = "Extract error"


class StorageError(TuinewsError):
    """The database cannot be opened or written."""

    title = "Storage error"
