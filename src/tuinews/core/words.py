"""Words as tuinews compares them: case-folded, accent-free, lightly stemmed."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ASCII_WORD = re.compile(r"[a-zA-Z0-9]+")  # _WORD on ASCII text, at half the cost
# Suffixes removed by `stem`, longest first; a stem keeps at least three letters.
_SUFFIXES = ("ings", "ers", "ing", "ies", "ed", "er", "es", "s")


def fold(text: str) -> str:
    """Case-fold and drop accents: 'Grève' -> 'greve'."""
    text = text.replace("’", "'").casefold()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Folded word tokens; hyphens and apostrophes split words ("striker's" -> striker, s)."""
    folded = fold(text)
    return (_ASCII_WORD if folded.isascii() else _WORD).findall(folded)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A deliberately light stemmer: strike, strikes, striking, strikers -> 'strik'."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if suffix == "ies":
                word += "y"
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def forms_of(stemmed: str) -> frozenset[str]:
    """Every word whose `stem` is `stemmed` ("strik" -> strike, strikes, striking, strikers, ...).

    A stem is the word less at most one suffix (and then a final "e"), so its
    words are the stem, or the stem plus "e", followed by no suffix or one.
    """
    cores = {stemmed, stemmed + "e"}
    candidates = {core + suffix for core in cores for suffix in ("", *_SUFFIXES)}
    if stemmed.endswith("y"):
        candidates.add(stemmed[:-1] + "ies")
    return frozenset(w for w in candidates if stem(w) == stemmed)
