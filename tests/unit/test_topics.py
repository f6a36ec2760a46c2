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


# -- the windowed fast path gives exactly the whole-text answer --------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tuinews.config import example_text, parse  # noqa: E402
from tuinews.core.words import forms_of, words  # noqa: E402

EXAMPLE = [Topic.compile(t.name, t.terms, t.exclude) for t in parse(example_text()).topics]
PIECES = sorted(
    {w for t in parse(example_text()).topics for phrase in (*t.terms, *t.exclude) for w in phrase.split()}
    | {"strikes", "striking", "strikers", "unions", "ballots", "picketing", "walkouts", "airstrikes", "Grève"}
    | {
        "the",
        "a",
        "by",
        "of",
        "rail",
        "drivers",
        "x" * 70,
        "Strike-rate",
        "union's",
        "STRIKE",
        "ｓｔｒｉｋｅ",
    }
)
SEPARATORS = [" ", "  ", "\n", ", ", "-", "'", "’", ". ", "_", "/"]


@st.composite
def texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=120))
    return "".join(w + sep for w, sep in parts)


def whole_text(topic: Topic, text: str) -> bool:
    return topic.matches_tokens(words(text))


@settings(max_examples=3000, deadline=None)
@given(texts())
def test_the_windowed_fast_path_agrees_with_the_whole_text_answer(text: str) -> None:
    expected = tuple(t.name for t in [*EXAMPLE, STRIKES] if whole_text(t, text))
    assert matching_topics([*EXAMPLE, STRIKES], text) == expected


def test_forms_of_a_stem_are_exactly_the_words_with_that_stem() -> None:
    assert forms_of("strik") >= {"strike", "strikes", "striking", "strikers", "striker", "struck"} - {
        "struck"
    }
    vocabulary = {w for piece in PIECES for w in words(piece)} | {"parties", "party", "ballot", "balloted"}
    for word in vocabulary:
        assert word in forms_of(stem(word))
        assert all(stem(w) == stem(word) for w in forms_of(stem(word)))
