"""Icon labels flattened into text are found and cut; prose that mentions icons is left alone."""

from __future__ import annotations

import pytest

from tuinews.core.labels import DESCRIPTORS, find_labels, is_label_run, strip_icon_labels

# One label of every shape a flattened icon sprite produces, as text extraction sees it.
SHAPES = [
    ("an-icon", "Calendar An icon of a desk calendar."),
    ("an-icon", 'Linked In An icon of the Linked In "in" mark.'),
    ("an-icon", "Is Not Public An icon of a human eye and eyelashes with a diagonal line through it."),
    ("an-icon", "Logout An icon representing logout."),
    ("an-icon", "Duration An icon indicating Time."),
    ("an-icon", "Profile An icon that resembles human head and shoulders."),
    ("an-icon", "Hamburger Menu Icon An icon used to represent a collapsed menu."),
    ("an-icon", "Speech Bubble Icon A icon displaying a speech bubble."),
    ("named-icon", "Pause Icon A two-lined pause icon for stopping interactions."),
    (
        "named-icon",
        "Search Icon A magnifying glass icon that is used to represent the function of searching.",
    ),
    ("quote-mark", "Quote Mark A opening quote mark."),
    ("quote-mark", "Quote Mark A closing quote mark."),
    ("math-symbol", "Plus A mathematical 'plus' symbol."),
    ("mark-in-shape", "Notice An explanation mark centred inside a circle."),
]

PROSE = [
    "The council unveiled a new icon of the old town bridge on Tuesday.",
    "She became an icon of the civil rights movement.",
    "An icon of the 1960s, the café reopens this week.",
    "Fans Call Her An Icon Of Pop After The Show",
    "The logo is a mark of quality, the minister said.",
    "Press the plus sign to zoom in.",
]


@pytest.mark.parametrize(("kind", "label"), SHAPES)
def test_every_shape_is_found_and_removed(kind: str, label: str) -> None:
    found = find_labels(label)
    assert [(f.start, f.end, f.kind) for f in found] == [(0, len(label), kind)]
    assert strip_icon_labels(label) == ""
    assert is_label_run(label)


def test_every_descriptor_has_a_shape_under_test() -> None:
    assert {d.name for d in DESCRIPTORS} == {kind for kind, _ in SHAPES}


def test_a_run_of_labels_with_missing_full_stops_is_one_label_run() -> None:
    run = (
        "Close Icon An icon used to represent where to interact to collapse or dismiss a component "
        "Comment An icon of a speech bubble. Speech Bubble Icon A icon displaying a speech bubble "
        "WhatsApp An icon of the WhatsApp logo. " + " ".join(label for _, label in SHAPES)
    )
    assert len(find_labels(run)) == 4 + len(SHAPES)
    assert is_label_run(run)
    assert strip_icon_labels(run) == ""


@pytest.mark.parametrize("sentence", PROSE)
def test_prose_that_mentions_icons_survives(sentence: str) -> None:
    assert find_labels(sentence) == []
    assert strip_icon_labels(sentence) == sentence
    assert not is_label_run(sentence)


def test_labels_then_prose_keeps_the_prose() -> None:
    text = (
        "Clock An icon of a clock face. Camera An icon of a digital camera. "
        "The minister said the plan would go ahead. She became an icon of the movement."
    )
    assert strip_icon_labels(text) == (
        "The minister said the plan would go ahead. She became an icon of the movement."
    )
    assert not is_label_run(text)


def test_labels_between_sentences_leave_one_space_and_keep_line_breaks() -> None:
    text = "First point. Tick An icon of a tick mark. Second point.\nNext line  keeps  its spacing."
    assert strip_icon_labels(text) == "First point. Second point.\nNext line  keeps  its spacing."


def test_a_label_split_over_a_line_break_is_still_a_label() -> None:
    assert strip_icon_labels("Clock\nAn icon of a clock face.\nThe story.") == "The story."


def test_an_overlong_description_is_prose_not_a_label() -> None:
    text = (
        "Bridge An icon of the city that has stood for two hundred years and was painted by every "
        "artist who ever lived here, from the Victorians to the students of today, and more"
    )
    assert find_labels(text) == []


@pytest.mark.parametrize("odd", ["", " ", "\n\n", "icon", "An icon", "A", "Clock", "...", "😀 icon 😀"])
def test_empty_and_odd_input(odd: str) -> None:
    assert strip_icon_labels(odd) == odd
    assert not is_label_run(odd)
    assert find_labels(odd) == []


def test_label_run_needs_labels_not_just_emptiness() -> None:
    assert not is_label_run("Clock")
    assert is_label_run("  Clock An icon of a clock face.  ")
    assert not is_label_run("Clock An icon of a clock face. Read more")
