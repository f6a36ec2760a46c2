"""Each furniture rule, case by case: what goes, and the article text that must stay."""

from __future__ import annotations

from collections import Counter

import lxml.html
import pytest

from tuinews.io.clean import PAGE_RULES, clean_article, clean_fragment, clean_page

PROSE = (
    "The council approved the new budget on Tuesday after a debate that lasted well into the evening, "
    "with members arguing over the cost of repairs to the old town bridge and the library roof."
)
MORE = (
    "Officials said the work would begin in the spring and take about eighteen months, during which "
    "the bridge would stay open to pedestrians but closed to cars and buses at the weekends."
)


def page_text(body: str) -> str:
    """The text left of a page after `clean_page`, whitespace squeezed."""
    root = lxml.html.document_fromstring(f"<html><head><title>t</title></head><body>{body}</body></html>")
    clean_page(root)
    return " ".join(root.text_content().split())


def article_text(fragment: str, title: str = "") -> str:
    """The text left of an extracted article after `clean_article`, whitespace squeezed."""
    html = clean_fragment(fragment, title)
    return " ".join(lxml.html.fragment_fromstring(html, create_parent="div").text_content().split())


CLOCK = (
    '<svg viewBox="0 0 24 24"><title>Clock</title><desc>An icon of a clock face.</desc><path d="M1"/></svg>'
)
CAMERA = '<svg><title>Camera</title><desc>An icon of a digital camera.</desc><use href="#cam"></use></svg>'
LABELS = (
    "Calendar An icon of a desk calendar. Cancel An icon of a circle with a diagonal line across. "
    "Pause Icon A two-lined pause icon for stopping interactions. Quote Mark A opening quote mark. "
    "Plus A mathematical 'plus' symbol. Notice An explanation mark centred inside a circle. "
    "Loading Spinner An icon of a loading spinner."
)

# (rule, page body, text that must go, text that must stay)
PAGE_CASES = [
    ("svg-with-title-and-desc", f"<p>{PROSE} {CLOCK} {MORE}</p>", ["Clock", "An icon"], [PROSE, MORE]),
    ("aria-hidden", f'<p>{PROSE}<span aria-hidden="true">Decorative label</span></p>', ["Decorative"], [PROSE]),
    ("sr-only", f'<p>{PROSE} <a href="/s"><span class="sr-only">Share on Facebook</span></a></p>', ["Share on"],
     [PROSE]),
    ("visually-hidden", f'<p>{PROSE}<span class="visually-hidden"> comments</span></p>', ["comments"], [PROSE]),
    ("hidden-attribute", f"<p>{PROSE}</p><div hidden>Pause video</div>", ["Pause video"], [PROSE]),
    ("display-none", f'<p>{PROSE}</p><p style="color:red; display: none">Loading more</p>', ["Loading"], [PROSE]),
    ("share-bar-in-article",
     f'<article><p>{PROSE}</p><div class="ep-share ep-share--top"><span>Share this article</span>'
     f'<a href="/fb">Facebook</a> <a href="/tw">Twitter</a> <a href="/wa">WhatsApp</a></div><p>{MORE}</p></article>',
     ["Share this article", "Facebook", "WhatsApp"], [PROSE, MORE]),
    ("clock-icon-in-byline",
     f'<article><div class="meta"><span>Jane Reporter</span> {CLOCK} <time>2 hours ago</time></div>'
     f"<p>{PROSE}</p></article>", ["Clock", "clock face"], [PROSE, "2 hours ago"]),
    ("camera-icon-in-caption",
     f'<figure><img src="a.jpg"><figcaption>{CAMERA} The bridge at dusk (Photo: A. Smith)</figcaption></figure>'
     f"<p>{PROSE}</p>", ["Camera", "digital camera"], ["The bridge at dusk (Photo: A. Smith)", PROSE]),
    ("cookie-banner",
     f'<p>{PROSE}</p><div class="cookie-banner" role="dialog"><p>We use cookies to improve your experience. '
     'Click "Accept" to agree.</p><a href="/cookies">More options</a></div>', ["cookies", "Accept"], [PROSE]),
    ("newsletter-box",
     f'<article><p>{PROSE}</p><div class="ep-newsletter-signup"><h3>Get the Post in your inbox</h3>'
     "<p>Sign up to our morning briefing for the biggest stories every morning.</p></div><p>"
     f"{MORE}</p></article>", ["inbox", "Sign up"], [PROSE, MORE]),
    ("most-read-rail",
     f'<main><p>{PROSE}</p></main><aside><div class="ep-most-read"><h2>Most read</h2><ol>'
     '<li><a href="/1">Spaniel rescued from drain</a></li><li><a href="/2">Rollercoaster stuck</a></li></ol>'
     "</div></aside>", ["Most read", "Spaniel"], [PROSE]),
    ("related-rail",
     f'<p>{PROSE}</p><section class="jp-relatedposts"><h3>Related</h3><a href="/r">Other story</a></section>',
     ["Related", "Other story"], [PROSE]),
    ("nav-and-page-header",
     f'<header class="masthead"><a href="/">Home</a><nav><a href="/news">News</a><a href="/sport">Sport</a>'
     f"</nav></header><p>{PROSE}</p>", ["Home", "Sport"], [PROSE]),
    ("page-footer",
     f'<p>{PROSE}</p><footer><a href="/contact">Contact us</a> <a href="/terms">Terms</a></footer>',
     ["Contact us", "Terms"], [PROSE]),
    ("quote-attribution-footer-stays",
     f'<p>{PROSE}</p><blockquote><p>"We were never told."</p><footer>Lucy Brannigan, nurse</footer></blockquote>',
     [], [PROSE, "Lucy Brannigan, nurse"]),
    ("advertisement-label", f'<p>{PROSE}</p><div class="slot"><span>Advertisement</span></div><p>{MORE}</p>',
     ["Advertisement"], [PROSE, MORE]),
    ("labels-as-flattened-paragraph",
     f'<div class="article-body"><p>{LABELS}</p><p>{PROSE}</p></div>', ["An icon", "quote mark"], [PROSE]),
    ("icon-label-split-across-spans",
     f'<p>{PROSE}</p><div class="meta"><span>Clock</span> <span>An icon of a clock face.</span></div>',
     ["Clock", "clock face"], [PROSE]),
    ("byline-line", f'<div class="byline">By Jane Reporter</div><p>{PROSE}</p>', ["Jane Reporter"], [PROSE]),
    ("reader-appeal",
     f'<article><p>{PROSE}</p><div class="gr-support-epic" data-component="epic"><h2>Before you move on</h2>'
     "<p>Millions of readers rely on us. If you can, please support us from as little as 1.</p>"
     '<a href="/support">Support us</a></div></article>', ["Before you move on", "Support us"], [PROSE]),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "body", "gone", "kept"), PAGE_CASES, ids=[c[0] for c in PAGE_CASES])
def test_page_rules(rule: str, body: str, gone: list[str], kept: list[str]) -> None:
    text = page_text(body)
    for words in gone:
        assert words not in text, f"{rule}: {words!r} survived"
    for words in kept:
        assert words in text, f"{rule}: {words!r} was lost"


# (case, readability output, text that must go, text that must stay)
ARTICLE_CASES = [
    ("duplicated-caption",
     '<div><figure><img src="a.jpg"><figcaption>Kestrel Bridge closed (Jeff Roe/PA)</figcaption></figure>'
     f"<p>Kestrel Bridge closed (Jeff Roe/PA)</p><p>{PROSE}</p></div>", [], [PROSE]),
    ("labels-at-top-of-body", f"<div><p>{LABELS}</p><p>{PROSE}</p></div>", ["icon", "mark", "symbol"], [PROSE]),
    ("labels-then-prose-in-one-paragraph", f"<div><p>{LABELS} {PROSE}</p></div>", ["icon", "Calendar"],
     [PROSE]),
    ("share-bar-left-by-readability",
     f'<div><p>{PROSE}</p><div class="share-tools"><a href="/fb">Facebook</a><a href="/x">X</a></div></div>',
     ["Facebook"], [PROSE]),
    ("alt-text", f'<div><p><img src="IMG_0042.jpg" alt="IMG_0042.jpg" title="photo"></p><p>{PROSE}</p></div>',
     ["IMG_0042"], [PROSE]),
]  # fmt: skip


@pytest.mark.parametrize(("case", "html", "gone", "kept"), ARTICLE_CASES, ids=[c[0] for c in ARTICLE_CASES])
def test_article_cleaning(case: str, html: str, gone: list[str], kept: list[str]) -> None:
    text = article_text(html)
    for words in gone:
        assert words not in text, f"{case}: {words!r} survived"
    for words in kept:
        assert words in text, f"{case}: {words!r} was lost"


def test_a_repeated_caption_keeps_exactly_one_copy() -> None:
    html = (
        '<div><figure><img src="a.jpg"><figcaption>Kestrel Bridge closed (Jeff Roe/PA)</figcaption></figure>'
        f"<p>Kestrel Bridge closed (Jeff Roe/PA)</p><p>{PROSE}</p></div>"
    )
    assert article_text(html).count("Kestrel Bridge closed") == 1


def test_one_picture_shown_again_by_a_gallery_keeps_one_caption() -> None:
    figure = '<figure><img src="a.jpg"><figcaption>Caption of the figure</figcaption></figure>'
    assert article_text(f"<div>{figure * 3}<p>{PROSE}</p></div>").count("Caption of the figure") == 1


def test_a_credit_shared_by_different_pictures_stays_under_each() -> None:
    """Five words or fewer and another picture: a credit ("Mark Stout/iStock/Getty Images"), not a copy."""
    figures = "".join(
        f'<figure><img src="{name}.jpg"><figcaption>Mark Stout/iStock/Getty Images</figcaption></figure><p>{PROSE}</p>'
        for name in ("a", "b", "c")
    )
    assert article_text(f"<div>{figures}</div>").count("Mark Stout/iStock/Getty Images") == 3


def test_repeated_short_blocks_that_are_not_captions_stay() -> None:
    html = '<div><p><a href="/a">link</a></p><p><a href="/b">link</a></p><p>' + PROSE + "</p></div>"
    assert article_text(html).count("link") == 2


def test_content_in_a_share_classed_container_survives() -> None:
    """Guard: a furniture class on a container of prose does not cost the article."""
    body = f'<div class="social-story"><p>{PROSE}</p><p>{MORE}</p><p>{PROSE}</p><p>{MORE}</p></div>'
    text = page_text(body)
    assert PROSE in text and MORE in text


def test_leading_heading_equal_to_title_is_dropped_but_later_headings_stay() -> None:
    html = f"<div><h1>Bridge to close - Courier</h1><p>{PROSE}</p><h2>Bridge to close</h2><p>{MORE}</p></div>"
    text = article_text(html, title="Bridge to close")
    assert text.startswith(PROSE[:20])
    assert "Bridge to close" in text


def test_tally_counts_drops_per_rule() -> None:
    root = lxml.html.document_fromstring(
        f'<html><body><nav><a href="/">Home</a></nav><p>{PROSE}</p><div class="cookie-notice">OK</div></body></html>'
    )
    tally: Counter[str] = Counter()
    clean_page(root, tally)
    assert tally["nav"] == 1 and tally["cookie-notice"] == 1


def test_rule_names_are_unique() -> None:
    names = [r.name for r in PAGE_RULES]
    assert len(names) == len(set(names))


def test_article_root_is_never_dropped() -> None:
    root = lxml.html.fragment_fromstring(f'<div class="share"><p>{PROSE}</p></div>')
    clean_article(root)
    assert PROSE in root.text_content()


@pytest.mark.parametrize("fragment", ["", "   ", "<p></p>", "plain text, no tags", "1 &lt;b&gt; 2"])
def test_odd_fragments_stay_safe_html(fragment: str) -> None:
    out = clean_fragment(fragment)
    assert isinstance(out, str)
    assert "<b>" not in out
