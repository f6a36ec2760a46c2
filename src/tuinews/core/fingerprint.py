"""What a story is about, compactly: stemmed title and lead words, and the names in it.

A Fingerprint is computed once when a story is stored and kept as one text
column, so clustering and "related" ranking never re-tokenise old stories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tuinews.core.words import fold, stem

LEAD_WORDS = 60

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "says",
        "said",
        "say",
        "new",
        "after",
        "over",
        "amid",
        "year",
        "years",
        "week",
        "weeks",
        "day",
        "days",
        "today",
        "yesterday",
        "tomorrow",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "first",
        "last",
        "next",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "us",
        "its",
        "get",
        "got",
        "make",
        "made",
        "back",
        "still",
        "even",
        "well",
        "way",
        "many",
        "much",
        "per",
        "cent",
        "percent",
        "mr",
        "mrs",
        "ms",
        "dr",
        "sir",
    ]
)

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?|\d+(?:[.,]\d+)*")
_CAPITALISED = re.compile(r"(?<![\w'’])[A-ZÀ-ÖØ-ÞĀ-Ž][\w]*(?:['’]\w+)?")
_SENTENCE_END = re.compile(r"[.!?:;\"“”]\s*$")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Stemmed content words of the title and the lead, and the proper names."""

    title: frozenset[str]
    lead: frozenset[str]
    names: frozenset[str]

    def terms(self) -> frozenset[str]:
        """Every term, names included."""
        return self.title | self.lead | self.names

    def dump(self) -> str:
        """One line for the database."""
        return "\t".join(" ".join(sorted(part)) for part in (self.title, self.lead, self.names))

    @classmethod
    def load(cls, text: str) -> Fingerprint:
        """Inverse of dump (tolerates empty or short input)."""
        parts = (text.split("\t") + ["", "", ""])[:3]
        return cls(*(frozenset(p.split()) for p in parts))


def _content_terms(text: str) -> set[str]:
    out = set()
    for token in _TOKEN.findall(fold(text)):
        token = token.replace("’", "'").split("'")[0]
        if not token or token in STOPWORDS:
            continue
        if token.isdigit() and len(token) < 2:
            continue
        if len(token) < 3 and not token.isdigit():
            continue
        out.add(stem(token))
    return out


def _names(text: str) -> set[str]:
    """Capitalised words that do not start a sentence: people, places, organisations."""
    names = set()
    for match in _CAPITALISED.finditer(text):
        start = match.start()
        if start == 0 or _SENTENCE_END.search(text[max(0, start - 3) : start]):
            continue
        word = match.group(0)
        folded = fold(word).replace("'", "")
        if len(word) > 1 and folded not in STOPWORDS:
            names.add(folded)
    return names


def _title_names(title: str) -> set[str]:
    """Names in a sentence-case headline; a Title Case Headline tells us nothing."""
    words = [w for w in _TOKEN.findall(title) if w[:1].isalpha()]
    if not words:
        return set()
    capitalised = sum(1 for w in words if w[:1].isupper())
    if capitalised / len(words) > 0.5:
        return set()
    return _names(title)


_QUOTED = re.compile(r"[\"“”]([^\"“”]{3,80})[\"“”]|(?<![\w'’])['‘]([^'‘’]{3,80})['’](?![\w'’])")


def _quotes(text: str) -> set[str]:
    """Short quoted phrases ("malevolent attack"): reports of one event quote the same words."""
    out = set()
    for match in _QUOTED.finditer(text):
        phrase = match.group(1) or match.group(2) or ""
        parts = [w for w in _TOKEN.findall(fold(phrase)) if w not in STOPWORDS]
        if 1 <= len(parts) <= 8 and not (len(parts) == 1 and len(parts[0]) < 5):
            out.add("q:" + "_".join(parts))
    return out


def fingerprint(title: str, summary: str) -> Fingerprint:
    """The fingerprint of a story from its title and feed summary."""
    lead = " ".join(summary.split()[:LEAD_WORDS])
    title_terms = _content_terms(title)
    lead_terms = _content_terms(lead)
    names = _names(lead) | _title_names(title) | _quotes(f"{title}\n{lead}")
    return Fingerprint(frozenset(title_terms), frozenset(lead_terms), frozenset(names))
