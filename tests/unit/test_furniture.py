"""Furniture known by its words in any language (`tuinews.core.furniture`), and prose that only looks like it."""

from __future__ import annotations

import pytest

from tuinews.core.furniture import (
    has_network,
    is_moderation_notice,
    is_network_name,
    is_share_label,
    tag_line_items,
)

SHARE_LABELS = [
    "Share on Facebook", "Compartilhe no WhatsApp", "Partager sur Facebook", "Auf Twitter teilen",
    "Compartir en Twitter", "Condividi su Facebook", "Deel op LinkedIn", "Udostępnij na Facebooku",
    "Поделиться в Telegram", "Paylaş: Twitter", "Follow us on Instagram", "Share by email", "分享到微博",
    "Facebookでシェア", "Dela på Facebook", "Jaa Facebookissa", "Partilhe no Facebook",
]  # fmt: skip
PROSE_WITH_NETWORKS = [
    "Facebook fined for breach",  # a heading: no share word
    "The Facebook post",
    "She shared the photo on Facebook after the match, and it was seen by thousands.",  # a sentence
    "Share prices fell",  # a share word, no network
    "Twitter",  # a network alone is a button only when it is a link (checked in io.text_furniture)
    "Follow the money.",
]


@pytest.mark.parametrize("text", SHARE_LABELS)
def test_share_labels_in_any_language(text: str) -> None:
    assert has_network(text) or "email" in text
    assert is_share_label(text)


@pytest.mark.parametrize("text", PROSE_WITH_NETWORKS)
def test_prose_naming_a_network_is_not_a_share_label(text: str) -> None:
    assert not is_share_label(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WhatsApp", True),
        ("Linked In", True),
        (" Facebook |", True),
        ("Facebook fined", False),
        ("Home", False),
    ],
)
def test_a_bare_network_name(text: str, expected: bool) -> None:
    assert is_network_name(text) is expected


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("Tags: bridges, transport, council", ["bridges", "transport", "council"]),
        ("Schlagwörter: Brücke | Verkehr | Stadtrat", ["Brücke", "Verkehr", "Stadtrat"]),
        ("Etiquetas: puente, tráfico", ["puente", "tráfico"]),
        ("Mots-clés : pont, circulation", ["pont", "circulation"]),
        ("Теги: мост, транспорт", ["мост", "транспорт"]),
        ("标签：桥梁、交通", ["桥梁", "交通"]),
        ("Tags: the council said on Tuesday that the bridge would close for two years", None),
        ("Topics of the day are many, and we cover them all here", None),
        ("The tags on the luggage: red, blue", None),
    ],
)
def test_tag_lines(text: str, items: list[str] | None) -> None:
    assert tag_line_items(text) == items


@pytest.mark.parametrize(
    "text",
    [
        "Comments that are abusive or off-topic will not be approved by the moderator.",
        "Comentários que violem os termos de uso não serão aprovados pelo moderador.",
        "Les commentaires sont soumis à modération avant publication.",
        "Kommentare werden vor der Veröffentlichung moderiert.",
        "Los comentarios están sujetos a moderación.",
        "Комментарии проходят модерацию.",
        "Komentarze są moderowane.",
    ],
)
def test_moderation_notices_in_any_language(text: str) -> None:
    assert is_moderation_notice(text)


@pytest.mark.parametrize(
    "text",
    [
        "Readers comment on modern art.",
        "Growth was moderate, the minister said.",
        "The company employs 15,000 moderators. " * 20,  # an article about moderation is long
    ],
)
def test_prose_about_moderation_or_comments_is_not_a_notice(text: str) -> None:
    assert not is_moderation_notice(text)
