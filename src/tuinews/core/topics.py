"""Watched-topic matching: word forms, phrases, excluded phrases, case and accents.

A topic matches a text when one of its terms occurs outside every excluded
phrase.  Terms match word forms ("strike" finds strikes, striking, strikers);
excluded phrases match as written, except that the last word of a phrase of
two or more words may be plural ("air strike" also masks "air strikes").  A
one-word exclusion matches only that exact word, so "striker" (a footballer)
does not swallow "strikers" (workers on strike).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tuinews.core.words import fold, forms_of, stem, words

# Characters either side of a candidate term that `_around` tokenises (never less than
# the few words an exclusion or a phrase spans; a longer word there means "unsure").
WINDOW = 160
_WORD = re.compile(r"[^\W_]+")


def _plural_forms(word: str) -> frozenset[str]:
    forms = {word, word + "s", word + "es"}
    if word.endswith("y"):
        forms.add(word[:-1] + "ies")
    return frozenset(forms)


def _common_start(strings: Iterable[str]) -> str:
    """The longest string every one of `strings` starts with."""
    ordered = sorted(strings)
    if not ordered:
        return ""
    first, last = ordered[0], ordered[-1]
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


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
    # Any word whose stem starts a term, as a whole word of folded text (see `quick_match`).
    finder: re.Pattern[str] | None = field(default=None, compare=False, hash=False)
    forms: frozenset[str] = field(default=frozenset(), compare=False, hash=False)  # words starting a term
    reach: int = field(default=0, compare=False, hash=False)  # words an exclusion spans beyond a term's
    longest: int = field(default=1, compare=False, hash=False)  # words in the longest term

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
        forms = frozenset(w for first in index for w in forms_of(first))
        # Whole words starting like a term's first word; `quick_match` keeps those in `forms`.
        starts = sorted({_common_start(forms_of(first)) for first in index}, key=lambda w: -len(w))
        alternatives = "|".join(map(re.escape, starts))
        finder = re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*") if forms else None
        return cls(
            name=name,
            terms=stemmed,
            exclude=masked,
            by_first=index,
            exclude_by_first=excl_index,
            finder=finder,
            forms=forms,
            reach=max((len(p) for p in masked), default=1) - 1,
            longest=max((len(p) for p in stemmed), default=1),
        )

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
        return self._counts(tokens, stems, [i for i, s in enumerate(stems) if s in by_first])

    def _counts(self, tokens: Sequence[str], stems: Sequence[str], starts: Iterable[int]) -> bool:
        """True when a term begins at one of `starts` (stems of first words) outside every exclusion."""
        masked: list[bool] | None = None
        n = len(tokens)
        for i in starts:
            for phrase in self.by_first[stems[i]]:
                size = len(phrase)
                if i + size > n or (size > 1 and tuple(stems[i : i + size]) != phrase):
                    continue
                if masked is None:
                    masked = self._masked(tokens)
                if not all(masked[i : i + size]):
                    return True
        return False

    def quick_match(self, folded: str) -> bool | None:
        """`matches` on folded text without tokenising all of it, or None when unsure.

        A regex finds the words that could start a term; each is judged from the
        few words around it.  Most texts have no candidate at all, and the first
        candidate that counts ends the search.
        """
        if self.finder is None:
            return False
        forms = self.forms
        for found in self.finder.finditer(folded):
            if found.group() not in forms:
                continue
            verdict = self._judge(folded, found.start(), found.end())
            if verdict is not False:
                return verdict
        return False

    def _judge(self, folded: str, start: int, end: int) -> bool | None:
        """Does the term candidate at folded[start:end] count?  None: the window is too small to say."""
        reach, longest = self.reach, self.longest
        before = _WORD.findall(folded, max(0, start - WINDOW), start)
        after = _WORD.findall(folded, end, end + WINDOW)
        need_after = longest - 1 + reach
        if (len(before) <= reach and start > WINDOW) or (
            len(after) <= need_after and end + WINDOW < len(folded)
        ):
            return None  # the window may have cut a word these checks need
        head = before[len(before) - reach :] if reach else []
        tokens = [*head, folded[start:end], *after[:need_after]]
        return self._counts(tokens, list(map(stem, tokens)), [len(head)])

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
    folded = fold(text)
    tokens: list[str] | None = None
    stems: list[str] = []
    names = []
    for topic in topics:
        verdict = topic.quick_match(folded)
        if verdict is None:  # unsure from a window: the whole text decides
            if tokens is None:
                tokens = words(text)
                stems = list(map(stem, tokens))
            verdict = topic.matches_tokens(tokens, stems)
        if verdict:
            names.append(topic.name)
    return tuple(names)
