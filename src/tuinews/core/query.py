"""The search language: words, prefixes, phrases, OR, -exclusions and qualifiers.

    strike* "industrial action" -football feed:courier tag:uk topic:Strikes unread:yes starred:no

Words must all match (in title, summary or article text); `word*` is a
prefix; `"a phrase"` matches the words in order; `OR` between two terms
accepts either; `-word` excludes.  Qualifiers narrow the stories searched and
combine with each other and with the words.  Every term reaches FTS5 quoted,
so no user input is ever parsed as FTS syntax by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r'-?\w+:"[^"]*"?|-?"[^"]*"?\*?|\S+')
_QUALIFIERS = ("feed", "tag", "topic", "unread", "starred")
_YES = {"yes", "y", "true", "1", "on"}
_NO = {"no", "n", "false", "0", "off"}
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class SearchQuery:
    """A parsed query."""

    terms: list[str] = field(default_factory=list)  # FTS5 fragments, already quoted
    excluded: list[str] = field(default_factory=list)
    highlight: list[str] = field(
        default_factory=list
    )  # lower-case words to mark in titles ("strik*": a prefix)
    feed: str | None = None
    tag: str | None = None
    topic: str | None = None
    unread: bool | None = None
    starred: bool | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        """True when there are words to match (not only qualifiers)."""
        return any(t != "OR" for t in self.terms)

    def fts(self) -> str | None:
        """The FTS5 MATCH expression, or None when only qualifiers were given."""
        terms = list(self.terms)
        while terms and terms[0] == "OR":
            terms.pop(0)
        while terms and terms[-1] == "OR":
            terms.pop()
        cleaned: list[str] = []
        for term in terms:
            if term == "OR" and cleaned and cleaned[-1] == "OR":
                continue
            cleaned.append(term)
        if not cleaned:
            return None
        expr = " ".join(cleaned)
        for term in self.excluded:
            expr = f"({expr}) NOT {term}"
        return expr


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _unquote(value: str) -> str:
    value = value.strip()
    if value.startswith('"'):
        value = value[1:]
    if value.endswith('"'):
        value = value[:-1]
    return value.strip()


def parse_query(text: str) -> SearchQuery:
    """Parse what the user typed; unknown qualifiers are searched as words."""
    query = SearchQuery()
    for token in _TOKEN.findall(text or ""):
        negative = token.startswith("-") and len(token) > 1
        body = token[1:] if negative else token
        name, sep, value = body.partition(":")
        if sep and name.lower() in _QUALIFIERS and not body.startswith('"'):
            _qualifier(query, name.lower(), _unquote(value))
            continue
        if body == "OR":
            query.terms.append("OR")
            continue
        prefix = body.endswith("*")
        core = body[:-1] if prefix else body
        phrase = _unquote(core)
        words = _WORD.findall(phrase)
        if not words:
            continue
        fragment = _quote(" ".join(words)) + ("*" if prefix else "")
        if negative:
            query.excluded.append(fragment)
            continue
        query.terms.append(fragment)
        marks = [w.lower() for w in words]
        if prefix:
            marks[-1] += "*"
        query.highlight.extend(marks)
    return query


def _qualifier(query: SearchQuery, name: str, value: str) -> None:
    if name in ("unread", "starred"):
        flag = value.lower()
        if flag in _YES or flag == "":
            setattr(query, name, True)
        elif flag in _NO:
            setattr(query, name, False)
        else:
            query.problems.append(f"{name}: takes yes or no, not {value!r}")
        return
    if not value:
        query.problems.append(f"{name}: needs a value")
        return
    setattr(query, name, value)


def highlight_spans(title: str, words: list[str]) -> list[tuple[int, int]]:
    """(start, end) of every title word equal to one of `words` ("strik*" matches by prefix)."""
    if not words:
        return []
    exact = {w for w in words if not w.endswith("*")}
    prefixes = tuple(w[:-1] for w in words if w.endswith("*"))
    spans = []
    for match in _WORD.finditer(title.lower()):
        word = match.group(0)
        if word in exact or (prefixes and word.startswith(prefixes)):
            spans.append((match.start(), match.end()))
    return spans
