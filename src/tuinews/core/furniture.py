"""Short texts that are page furniture in any language: share labels, tag lines, moderation notices.

Class names say "share-bar" in English on most sites, but the labels a reader
sees are in the page's language ("Compartilhe no WhatsApp", "Partager sur
Facebook", "Auf Twitter teilen").  What does not change with the language is
the shape: a network's name (a brand, the same everywhere) in a few words; a
label and a colon in front of a list of short links; a notice naming
comments and their moderation.  The word lists below cover the languages
news is most read in; the structural tests (`tuinews.io.clean`) carry the
rest.  Pure text, no lxml.
"""

from __future__ import annotations

import re

# Networks and messengers a page offers to share to: brand names, written alike in every language.
NETWORKS = (
    "facebook", "twitter", "whatsapp", "telegram", "linkedin", "linked in", "pinterest", "reddit", "tumblr",
    "instagram", "bluesky", "mastodon", "flipboard", "xing", "viber", "snapchat", "tiktok", "vkontakte", "vk",
    "odnoklassniki", "weibo", "wechat", "qzone", "kakaotalk", "naver", "skype", "google+", "hatena",
)  # fmt: skip
# "share" (and "send", "post", "tweet", "follow") in the languages news is most read in.
SHARE_WORDS = (
    # en, pt, es, ca, gl ("post", "send" and the like are left out: "The Facebook post" is prose)
    "share", "sharing", "tweet", "follow", "compartilhe", "compartilhar", "partilhe", "partilhar",
    "comparte", "compartir", "compartilha", "envie", "enviar", "siga", "sigue", "segueix",
    # fr, it, de, nl
    "partager", "partagez", "partage", "envoyer", "suivez", "condividi", "condividere", "invia", "seguici",
    "teilen", "teile", "senden", "folgen", "folge", "delen", "deel", "volg", "verstuur",
    # nordic, finnish, baltic, slavic, hungarian, romanian, greek, turkish
    "dela", "jaa", "jaga", "dalintis", "dalīties", "udostępnij", "podziel", "sdílet", "sdiľať",
    "podijeli", "podeli", "megosztás", "oszd", "distribuie", "μοιραστείτε", "κοινοποίηση", "paylaş",
    # cyrillic
    "поделиться", "поделись", "поділитися", "споделете", "сподели",
    # asian, arabic, hebrew, hindi, indonesian, vietnamese, thai
    "分享", "转发", "轉發", "シェア", "共有", "공유", "شارك", "مشاركة", "שתף", "साझा", "bagikan", "kongsi",
    "chia sẻ", "แชร์",
)  # fmt: skip
# The label in front of a tag line ("Tags: a, b, c").
TAG_LABELS = (
    "tags", "tag", "tagged", "tagged with", "keywords", "topics", "filed under", "etiquetas", "etiquetes",
    "tópicos", "temas", "palavras-chave", "mots-clés", "mots clés", "sujets", "schlagwörter", "schlagworte",
    "stichwörter", "themen", "parole chiave", "argomenti", "trefwoorden", "onderwerpen", "tagi", "tematy",
    "štítky", "címkék", "etichete", "etiketler", "konular", "теги", "метки", "теми", "темы", "ετικέτες",
    "タグ", "标签", "標籤", "关键词", "關鍵詞", "태그", "الوسوم", "תגיות", "label", "kata kunci",
)  # fmt: skip

_WORD = re.compile(r"[\w+'’-]+")
_NETWORK_WORDS = frozenset(n for n in NETWORKS if " " not in n)
_NETWORK_PAIRS = tuple(n for n in NETWORKS if " " in n)
_LONG_NAMES = tuple(n for n in _NETWORK_WORDS if len(n) >= 6)
_NAME_WORD = re.compile(r"[\w+]+")
_ANY_NETWORK = re.compile("|".join(re.escape(n) for n in NETWORKS))
_SHARE = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(SHARE_WORDS, key=len, reverse=True)) + r")(?!\w)",
    re.IGNORECASE,
)
_CJK_SHARE = re.compile("分享|转发|轉發|シェア|共有|공유|แชร์")
# Names written in scripts without spaces, matched without word edges.
_CJK_NETWORK = re.compile(
    "微博|微信|QQ空间|QQ空間|脸书|臉書|推特|ツイッター|フェイスブック|ライン|페이스북|트위터|카카오톡"
)
# Mail as a share target: only beside a share word ("Share by email"), never on its own.
_MAIL = re.compile(r"(?i)(?<!\w)(?:e-?mail|correo|courriel|почт\w*)(?!\w)")
_TAG_LINE = re.compile(
    r"^\s*(?:"
    + "|".join(re.escape(w) for w in sorted(TAG_LABELS, key=len, reverse=True))
    + r")\s*[:：]\s*(?P<items>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_ITEM_SEPARATORS = re.compile(r"\s*(?:[,،、，;|·•/]|\s-\s)\s*")
# "comment" and "moderat-" across languages (en fr it de es pt nl pl cs hu fi sv ru uk tr zh ja ko),
# matched as substrings of the lower-cased text ("kommentar" holds "komment", "modérateur" "modér").
COMMENT_STEMS = ("comment", "coment", "komment", "koment", "reactie", "reaktion", "коммент", "комент",
                 "yorum", "评论", "評論", "留言", "コメント", "댓글")  # fmt: skip
# ("moder" alone would match "modern")
MODERATION_STEMS = ("moderat", "moderad", "moderac", "moderaç", "moderaz", "moderie", "modere", "moderoi",
                    "moderow", "moderov", "moderál", "modérat", "modéré", "modérer", "модерат", "модерац",
                    "модерир", "审核", "審核", "管理者", "モデレ", "검토", "심사")  # fmt: skip
MAX_LABEL_WORDS = 6
MAX_NOTICE_WORDS = 80


def words(text: str) -> list[str]:
    """The words of a text (letters, digits, apostrophes and hyphens kept together)."""
    return _WORD.findall(text)


def has_network(text: str) -> bool:
    """Cheap pre-test: does the text name a network a page shares to?"""
    if text.isascii() and _ANY_NETWORK.search(text.lower()) is None:
        return False  # most texts: one scan, no tokenising
    return bool(_network_names(text))


def _network_names(text: str) -> list[str]:
    """The network names in a text, lower-cased (a word-set lookup: this runs on every short text of a page)."""
    low = text.lower()
    # A word that is a network's name or starts with a long one: inflected ("Facebooku",
    # "Facebookissa") or run into a script without spaces ("Facebookでシェア").
    found = [w for w in _NAME_WORD.findall(low) if w in _NETWORK_WORDS or w.startswith(_LONG_NAMES)]
    found.extend(pair for pair in _NETWORK_PAIRS if pair in low)
    if not text.isascii():
        found.extend(_CJK_NETWORK.findall(text))
    return found


def is_share_label(text: str) -> bool:
    """A short label offering to share or follow on a network: "Auf Twitter teilen", "Partager sur Facebook".

    At most six words, a network's name and a share word in any listed
    language, and no full stop at the end; prose that mentions Facebook has
    more words than that.
    """
    text = " ".join(text.split())
    if not text or len(text) > 80 or text.endswith((".", "!", "?", "。")):
        return False
    if not has_network(text) and _MAIL.search(text) is None:
        return False
    found = words(text)
    if len(found) > MAX_LABEL_WORDS:
        return False
    return bool(_SHARE.search(text) or _CJK_SHARE.search(text))


def is_network_name(text: str) -> bool:
    """The text is nothing but a network's name ("WhatsApp", "Linked In"): a share button's label."""
    text = " ".join(text.split()).strip(" .:|·•-").lower()
    return bool(text) and (
        text in _NETWORK_WORDS or text in _NETWORK_PAIRS or _CJK_NETWORK.fullmatch(text) is not None
    )


def tag_line_items(text: str) -> list[str] | None:
    """The items of a tag line ("Tags: a, b, c" in any listed language), or None when it is not one."""
    found = _TAG_LINE.match(" ".join(text.split()))
    if found is None:
        return None
    items = [i for i in _ITEM_SEPARATORS.split(found.group("items").strip(" .")) if i]
    if not items or any(len(words(i)) > 5 for i in items):
        return None
    return items


def mentions_moderation(text: str) -> bool:
    """Cheap pre-test over a whole article: could any of it be a moderation notice?"""
    low = text.lower()
    return any(stem in low for stem in MODERATION_STEMS)


def is_moderation_notice(text: str) -> bool:
    """A short notice about comments and their moderation ("Comments that … will not be approved by the moderator")."""
    if len(text) > MAX_NOTICE_WORDS * 12 or len(text.split()) > MAX_NOTICE_WORDS:
        return False
    low = text.lower()
    return any(stem in low for stem in MODERATION_STEMS) and any(stem in low for stem in COMMENT_STEMS)
