"""Watched-topic matching: word forms, phrases, exclusions, case and accents."""

from __future__ import annotations

import pytest

from tuinews.core.topics import Topic, matching_topics
from tuinews.core.words import stem

STRIKES = Topic.compile(
    "Strikes",
    ["strike", "industrial action", "walkout", "picket", "ballot", "union"],
    [
        "air strike",
        "airstrike",
        "lightning strike",
        "striker",
        "strike rate",
        "European Union",
        "strike a deal",
    ],
)


@pytest.mark.parametrize("word", ["strike", "strikes", "striking", "strikers", "STRIKE", "Strikes"])
def test_word_forms_share_a_stem(word: str) -> None:
    assert stem(word.lower()) == stem("strike")


@pytest.mark.parametrize(
    "text",
    [
        "Rail workers strike over pay",
        "Strikers gather at the depot",
        "Nurses to take industrial action",
        "Teachers vote for industrial actions in spring",
        "Union calls 48-hour walkout",
        "Pickets outside the factory",
        "Cabin crew ballot on pay offer",
        "GRÈVE: strike in Paris",
        "Air strikes continue as rail strike begins",
    ],
)
def test_matches_industrial_stories(text: str) -> None:
    assert STRIKES.matches(text)


@pytest.mark.parametrize(
    "text",
    [
        "Air strike hits city centre",
        "Airstrike destroys bridge",
        "Lightning strikes church spire",
        "The striker scored a hat-trick",
        "Striker's late goal sinks rivals",
        "Opener's strike rate questioned",
        "European Union summit opens",
        "Ministers strike a deal on trade",
        "A quiet day in the garden",
    ],
)
def test_ignores_non_industrial_uses(text: str) -> None:
    assert not STRIKES.matches(text)


def test_phrase_needs_its_words_in_order() -> None:
    assert not STRIKES.matches("action on industrial estates")


def test_accents_and_case_in_terms() -> None:
    topic = Topic.compile("Grèves", ["grève"])
    assert topic.matches("Les GREVES continuent")


def test_matching_topics_in_config_order() -> None:
    other = Topic.compile("Rail", ["rail", "train"])
    assert matching_topics([STRIKES, other], "Rail strike called") == ("Strikes", "Rail")
    assert matching_topics([], "anything") == ()
