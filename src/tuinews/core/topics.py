"""Watched-topic matching: word forms, phrases, excluded phrases, case and accents.

A topic matches a text when one of its terms occurs outside every excluded
phrase.  Terms match word forms ("strike" finds strikes, striking, strikers);
excluded phrases match as written, except that the last word of a phrase of
two or more words may be plural ("air strike" also masks "air strikes").  A
one-word exclusion matches only that exact word, so "striker" (a footballer)
does not swallow "strikers" (workers on strike).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tuinews.core.words import stem, words


def _plural_forms(word: str) -> frozenset[str]:
    forms = {word, word + "s", word + "es"}
    if word.endswith("y"):
        forms.add(word[:-1] + "ies")
    return frozenset(forms)


def _exclusion(phrase: str) -> tuple[frozenset[str], ...]:
    parts = words(phrase)
    if len(parts) < 2:
        return tuple(frozenset({w}) for w in parts)
    return (*(frozenset({w}) for w in parts[:-1]), _plural_forms(parts[-1]))


@dataclass(frozen=True)
class Topic:
    """A compiled topic, ready to match token lists."""

    name: str
    terms: tuple[tuple[str, ...], ...]  # stemmed phrases
    exclude: tuple[tuple[frozenset[str], ...], ...]  # each word: accepted surface forms
    by_first: Mapping[str, tuple[tuple[str, ...], ...]] = field(
        default_factory=dict, compare=False, hash=False
    )
    exclude_by_first: Mapping[str, tuple[tuple[frozenset[str], ...], ...]] = field(
        default_factory=dict, compare=False, hash=False
    )

    @classmethod
    def compile(cls, name: str, terms: Iterable[str], exclude: Iterable[str] = ()) -> Topic:
        """Build a matcher from the config's terms and exclude phrases."""
        stemmed = tuple(t for t in (tuple(stem(w) for w in words(term)) for term in terms) if t)
        masked = tuple(e for e in (_exclusion(phrase) for phrase in exclude) if e)
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in stemmed:
            by_first.setdefault(phrase[0], []).append(phrase)
        index = {k: tuple(v) for k, v in by_first.items()}
        excl: dict[str, list[tuple[frozenset[str], ...]]] = {}
        for phrase in masked:
            for form in phrase[0]:
                excl.setdefault(form, []).append(phrase)
        excl_index = {k: tuple(v) for k, v in excl.items()}
        return cls(name=name, terms=stemmed, exclude=masked, by_first=index, exclude_by_first=excl_index)

    def matches_tokens(self, tokens: Sequence[str], stems: Sequence[str] | None = None) -> bool:
        """True when a term occurs in `tokens` outside every excluded phrase.

        `stems` (the tokens' stems, in order) saves stemming again when several
        topics are matched against one text.
        """
        if not tokens:
            return False
        if stems is None:
            stems = list(map(stem, tokens))
        by_first = self.by_first
        if by_first.keys().isdisjoint(stems):
            return False
        hits = [i for i, s in enumerate(stems) if s in by_first]
        masked: list[bool] | None = None
        n = len(tokens)
        for i in hits:
            for phrase in by_first[stems[i]]:
                size = len(phrase)
                if i + size > n or (size > 1 and tuple(stems[i : i + size]) != phrase):
                    continue
                if masked is None:
                    masked = self._masked(tokens)
                if not all(masked[i : i + size]):
                    return True
        return False

    def matches(self, text: str) -> bool:
        """True when `text` is about this topic."""
        return self.matches_tokens(words(text))

    def _masked(self, tokens: Sequence[str]) -> list[bool]:
        n = len(tokens)
        masked = [False] * n
        by_first = self.exclude_by_first
        if by_first.keys().isdisjoint(tokens):
            return masked
        for i in [i for i, token in enumerate(tokens) if token in by_first]:
            for phrase in by_first[tokens[i]]:
                size = len(phrase)
                if i + size <= n and all(tokens[i + j] in phrase[j] for j in range(1, size)):
                    for j in range(i, i + size):
                        masked[j] = True
        return masked


def matching_topics(topics: Sequence[Topic], text: str) -> tuple[str, ...]:
    """Names of the topics `text` matches, in config order."""
    if not topics:
        return ()
    tokens = words(text)
    if not tokens:
        return ()
    stems = list(map(stem, tokens))
    return tuple(t.name for t in topics if t.matches_tokens(tokens, stems))
