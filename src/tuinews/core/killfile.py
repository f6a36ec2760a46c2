"""The killfile: `[[filters]]` rules that hide stories or mark them read as they arrive."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tuinews.config import FilterConfig


@dataclass(frozen=True)
class Rule:
    """One compiled filter; `feed_ids` empty means every feed."""

    title: re.Pattern[str] | None
    author: re.Pattern[str] | None
    url: re.Pattern[str] | None
    action: str
    feed_ids: frozenset[int]

    def matches(self, feed_id: int, title: str, author: str, url: str | None) -> bool:
        """True when every pattern the rule has finds a match."""
        if self.feed_ids and feed_id not in self.feed_ids:
            return False
        checks = ((self.title, title), (self.author, author), (self.url, url or ""))
        return all(pattern.search(text) for pattern, text in checks if pattern is not None)


def compile_rules(filters: Sequence[FilterConfig], feed_ids: Mapping[str, int]) -> tuple[Rule, ...]:
    """Compile config filters (patterns were validated when the config was read)."""
    rules = []
    for f in filters:
        rules.append(
            Rule(
                re.compile(f.title) if f.title else None,
                re.compile(f.author) if f.author else None,
                re.compile(f.url) if f.url else None,
                f.action,
                frozenset(feed_ids[u] for u in f.feeds if u in feed_ids),
            )
        )
    return tuple(rules)


def verdict(rules: Sequence[Rule], feed_id: int, title: str, author: str, url: str | None) -> str | None:
    """'hide', 'read' or None; hiding wins over marking read."""
    actions = {r.action for r in rules if r.matches(feed_id, title, author, url)}
    if "hide" in actions:
        return "hide"
    return "read" if actions else None
