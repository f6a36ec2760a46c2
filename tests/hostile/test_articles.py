"""Hostile and careless article pages through the real path.

loopback server -> `Service.refresh` -> `Service.article` (fetch, extraction
worker, SQLite) -> the document the reader shows, and `tuinews extract` as a
user runs it.  Each test stands for a promise in the README: a page that lies
about its charset reads right, only http(s) links survive, plain text reads
as paragraphs under its headline, and extraction stays inside the deadline.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.feeds import Feed, Item
from tests.hostile.cases import DEADLINE, SETTINGS
from tuinews.core.document import Document
from tuinews.core.labels import find_labels
from tuinews.core.models import View
from tuinews.demo.server import LoopbackServer
from tuinews.io.extract import extract
from tuinews.io.store import CachedArticle
from tuinews.service import Service

SEED = CORPUS / "seed" / "icon-labels-article.txt"
SEED_TITLE = "Kwarteng to shoot down prospect of electronic strike ballots"
SEED_CAPTION = "Business Secretary Kwasi Kwarteng (Jeff Overs/BBC/PA)"
PROSE = (
    "The council confirmed on Tuesday that the bridge will close for two years while engineers "
    "replace its deck, and that buses will be rerouted through the industrial estate."
)

Page = tuple[str, bytes, str]  # path, body, content type


async def read_articles(
    server: LoopbackServer,
    write_config: Callable[..., Path],
    open_service: Callable[[Path], Service],
    pages: list[Page],
    extra: str = SETTINGS,
) -> dict[str, tuple[Document, CachedArticle | None]]:
    """Serve the pages, refresh a feed linking to each, open each story as the reader does."""
    items = []
    for path, body, content_type in pages:
        link = server.add(path, body=body, content_type=content_type)
        items.append(Item(f"story {path}", path, link, "<p>The feed's own text.</p>"))
    url = server.add("/pages.xml", body=Feed(items=items).rss())
    service = open_service(write_config([url], extra=extra))
    out = {}
    try:
        async for _ in service.refresh():
            pass
        for row in service.rows(View()):
            story = service.story(row.id)
            assert story is not None and story.guid is not None
            result = await service.article(row.id)
            assert result is not None
            out[story.guid] = (result[1], service.store.article(row.id))
    finally:
        await service.aclose()
    return out


def page(body: str, charset_meta: str | None = None, title: str = "A page") -> str:
    meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">'
        if charset_meta
        else ""
    )
    return f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body><article>{body}</article></body></html>"


def text_of(doc: Document) -> str:
    return "\n\n".join(b.text for b in doc.blocks)


# -- 1. a page that lies about its charset ------------------------------------------------

CHINESE = "北京市政府周二宣布，地铁新线将于明年开通，预计每天运送乘客五十万人次。“这是重要的一步”，市长说。"
JAPANESE = "東京都は火曜日、新しい地下鉄路線を来年開業すると発表した。「重要な一歩だ」と知事は述べた。"
FRENCH = "Le conseil a confirmé mardi que le pont fermera « pendant deux ans » — coût : 5 millions d’€."
RUSSIAN = "Совет подтвердил во вторник, что мост закроют на два года для ремонта."

CHARSET_PAGES = {
    # UTF-8 bytes whose declaration was never updated: read as UTF-8 all the same.
    "utf8-says-gb2312": (page(f"<p>{CHINESE}</p>", "gb2312").encode(), "text/html", CHINESE),
    "utf8-says-shift-jis": (page(f"<p>{JAPANESE}</p>", "shift_jis").encode(), "text/html", JAPANESE),
    "utf8-says-windows-1252": (page(f"<p>{FRENCH}</p>", "windows-1252").encode(), "text/html", FRENCH),
    "utf8-header-says-latin1": (page(f"<p>{FRENCH}</p>").encode(), "text/html; charset=ISO-8859-1", FRENCH),
    # A declaration that is right still decides.
    "real-windows-1252": (page(f"<p>{FRENCH}</p>", "windows-1252").encode("cp1252"), "text/html", FRENCH),
    "real-gb2312": (page(f"<p>{CHINESE}</p>", "gb2312").encode("gb2312"), "text/html", CHINESE),
    "real-shift-jis": (page(f"<p>{JAPANESE}</p>", "shift_jis").encode("shift_jis"), "text/html", JAPANESE),
    "koi8-r-by-http-header": (
        page(f"<p>{RUSSIAN}</p>").encode("koi8-r"),
        "text/html; charset=KOI8-R",
        RUSSIAN,
    ),
    # A BOM wins over the declaration.
    "utf-16-bom-says-utf8": (page(f"<p>{CHINESE}</p>", "utf-8").encode("utf-16"), "text/html", CHINESE),
}


async def test_pages_read_in_their_real_charset_whatever_they_declare(
    server: LoopbackServer, write_config: Callable[..., Path], open_service: Callable[[Path], Service]
) -> None:
    pages = [(f"/{name}.html", body, ctype) for name, (body, ctype, _) in CHARSET_PAGES.items()]
    got = await read_articles(server, write_config, open_service, pages)
    for name, (_, _, expected) in CHARSET_PAGES.items():
        doc, cached = got[f"/{name}.html"]
        assert doc.source == "article" and not doc.note, (name, doc.note)
        assert cached is not None and expected in cached.text, (name, cached.text[:80])
        assert expected in text_of(doc), name


REAL_PAGES = {
    "gmw": "gb2312",
    "hukumusume": "shift_jis",
    "lemonde-1": "windows-1252",
    "guardian-1": "iso-8859-1",
}


def _stale_declaration(source: bytes, label: str) -> bytes:
    """A real UTF-8 page whose charset declarations now name `label` (as when it was re-saved)."""
    return re.sub(rb"(charset\s*=\s*[\"']?)utf-8", rb"\g<1>" + label.encode(), source, flags=re.I)


def _real_page(name: str) -> bytes:
    source = CORPUS / "articles" / name / "source.html"
    if not source.is_file():
        pytest.skip(f"shared corpus page not found at {source}")
    return source.read_bytes()


@pytest.mark.parametrize(("name", "label"), REAL_PAGES.items())
def test_real_utf8_pages_with_a_stale_declaration_read_as_the_original(name: str, label: str) -> None:
    original = _real_page(name)
    stale = _stale_declaration(original, label)
    assert stale != original and f"charset={label}".encode() in stale.replace(b'"', b"")
    url = "http://fakehost/test/page.html"
    assert extract(stale, url).text == extract(original, url).text


def test_a_real_page_really_in_windows_1252_still_reads() -> None:
    original = _real_page("lemonde-1")
    text = original.decode("utf-8")
    recoded = _stale_declaration(text.encode("cp1252", errors="xmlcharrefreplace"), "windows-1252")
    url = "http://fakehost/test/page.html"
    assert extract(recoded, url, "text/html").text == extract(original, url).text


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuinews.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.mark.parametrize("label", ["gb2312", "windows-1252", "shift_jis"])
def test_tuinews_extract_reads_a_utf8_page_declaring_another_charset(label: str, tmp_path: Path) -> None:
    body = page(f"<p>{CHINESE}</p><p>{JAPANESE}</p><p>{FRENCH}</p>", label, title="Lying page").encode()
    path = tmp_path / "lying.html"
    path.write_bytes(body)
    result = run_cli("extract", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["title"] == "Lying page"
    for text in (CHINESE, JAPANESE, FRENCH):
        assert text in got["text"]


# -- 3. only http(s) links -----------------------------------------------------------------

LINKED = (
    f"<p>{PROSE} <a href='javascript:alert(1)'>script</a>, <a href='  JavaScript:alert(2)'>spaced</a>, "
    "<a href='data:text/html;base64,PHNjcmlwdD4='>data</a>, <a href='VBScript:MsgBox(1)'>vb</a>, "
    "<a href='file:///etc/passwd'>file</a>, <a href='java&#9;script:alert(3)'>tab</a>, "
    "<a href='mailto:desk@example.org'>mail</a>, <a href='/relative/story.html'>relative</a> and "
    "<a href='https://example.org/report'>the report</a>.</p>"
)


async def test_only_http_links_reach_the_article_html_and_the_link_list(
    server: LoopbackServer, write_config: Callable[..., Path], open_service: Callable[[Path], Service]
) -> None:
    pages = [("/links.html", page(LINKED + f"<p>{PROSE}</p>").encode(), "text/html; charset=utf-8")]
    got = await read_articles(server, write_config, open_service, pages)
    doc, cached = got["/links.html"]
    assert cached is not None
    hrefs = re.findall(r'href="([^"]*)"', cached.html)
    assert hrefs == [server.url("/relative/story.html"), "https://example.org/report"]
    assert list(doc.links) == hrefs
    for word in ("script", "spaced", "data", "vb", "file", "tab", "mail", "relative", "the report"):
        assert word in text_of(doc)  # the text of a dropped link stays


async def test_the_feed_text_shows_only_http_links_too(
    server: LoopbackServer, write_config: Callable[..., Path], open_service: Callable[[Path], Service]
) -> None:
    item = Item("Feed content", "fc", None, content=LINKED)
    url = server.add("/content.xml", body=Feed(items=[item]).rss())
    service = open_service(write_config([url], extra=SETTINGS))
    try:
        async for _ in service.refresh():
            pass
        story = service.story(service.rows(View())[0].id)
        assert story is not None and story.link is None
        doc = service.document(story)
    finally:
        await service.aclose()
    assert list(doc.links) == ["https://example.org/report"]  # no page URL to resolve "/relative" against
    assert "script" in text_of(doc) and "the report" in text_of(doc)


# -- 4. plain text -------------------------------------------------------------------------


def _seed() -> bytes:
    if not SEED.is_file():
        pytest.skip(f"seed page not found at {SEED} (the shared corpus is not beside the repo)")
    return SEED.read_bytes()


def _seed_paragraphs() -> list[str]:
    chunks = [c.strip() for c in _seed().decode("utf-8").split("\n\n") if c.strip()]
    return [" ".join(c.split()) for c in chunks[3:]]  # after the labels, the headline and the caption


def _check_seed(title: str, text: str) -> None:
    assert title == SEED_TITLE
    assert text.count(SEED_CAPTION) == 1
    assert find_labels(text) == [] and "An icon of" not in text
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    assert paragraphs[0] == SEED_CAPTION and paragraphs[1:] == _seed_paragraphs()
    assert len(paragraphs[1:]) == 12


def test_tuinews_extract_reads_the_seed_text_file(tmp_path: Path) -> None:
    seed = _seed()
    result = run_cli("extract", str(SEED), "--format", "json")
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    _check_seed(got["title"], got["text"])
    assert seed  # read from the corpus unchanged


async def test_a_text_plain_response_reads_as_headline_and_paragraphs(
    server: LoopbackServer, write_config: Callable[..., Path], open_service: Callable[[Path], Service]
) -> None:
    pages = [("/seed.txt", _seed(), "text/plain; charset=utf-8")]
    got = await read_articles(server, write_config, open_service, pages)
    doc, cached = got["/seed.txt"]
    assert cached is not None and not doc.note
    _check_seed(cached.title, cached.text)
    assert text_of(doc) == cached.text


def test_plain_text_without_the_corpus() -> None:
    text = (
        "Clock An icon of a clock face. Camera An icon of a digital camera.\n\n"
        "Council closes Kestrel Bridge for repairs\n\n"
        "Kestrel Bridge at dusk (Photo: Tom Averill)\nKestrel Bridge at dusk (Photo: Tom Averill)\n\n"
        f"{PROSE}\nIt is a hard-wrapped line that carries on.\n\n"
        "- first point\n- second point\n\n"
        "Details at https://example.org/bridge."
    )
    got = extract(text.encode(), None, "text/plain")
    assert got.title == "Council closes Kestrel Bridge for repairs"
    paragraphs = got.text.split("\n\n")
    assert paragraphs[0] == "Kestrel Bridge at dusk (Photo: Tom Averill)"
    assert paragraphs[1] == f"{PROSE} It is a hard-wrapped line that carries on."
    assert paragraphs[2:4] == ["first point", "second point"]
    assert '<a href="https://example.org/bridge">' in got.html and "An icon" not in got.text
    # HTML sent as text/plain is still read as HTML; a page without tags and without a type is text.
    assert extract(page(f"<p>{PROSE}</p>"), None, "text/plain").text == PROSE
    assert extract(f"Headline here\n\n{PROSE}").title == "Headline here"


# -- 5. repeated captions and furniture in any language ----------------------------------------


def furnished_page(lang: dict[str, str]) -> bytes:
    """A news page whose gallery repeats its caption and whose furniture carries no telling class."""
    prose = "".join(f"<p>{p}</p>" for p in lang["prose"].split("|"))
    caption = lang["caption"]
    shares = "".join(
        f'<li><a href="/go/{i}">{label}</a></li>' for i, label in enumerate(lang["share"].split("|"))
    )
    tags = ", ".join(f'<a href="/tag/{i}">{t}</a>' for i, t in enumerate(lang["tags"].split("|")))
    return f"""<!DOCTYPE html><html lang="{lang["code"]}"><head><meta charset="utf-8">
<title>{lang["title"]}</title></head><body><main><article>
<h1>{lang["title"]}</h1>
<ul class="toolbar">{shares}</ul>
<figure><img src="/img/bridge-800x450.jpg"><figcaption>{caption}</figcaption></figure>
{prose}
<div class="modal is-hidden"><div class="box"><img src="/img/bridge-large.jpg"><p>{caption}</p></div></div>
<ul class="slides"><li><img src="/img/bridge.jpg"><span>{caption}</span></li>
<li><img src="/img/river.jpg"><span>{lang["other_caption"]}</span></li></ul>
<p>{lang["last"]}</p>
<p><a href="https://www.facebook.com/sharer/sharer.php?u=x">{lang["share"].split("|")[0]}</a></p>
<p>{lang["tag_label"]}: {tags}</p>
<p>{lang["moderation"]}</p>
</article></main></body></html>""".encode()


LANGUAGES = {
    "pt": {
        "code": "pt", "title": "Ponte Kestrel fecha por dois anos",
        "prose": "A prefeitura confirmou na terça-feira que a ponte Kestrel ficará fechada por dois anos enquanto os "
        "engenheiros substituem o tabuleiro, e que os ônibus serão desviados pelo distrito industrial durante as obras.|"
        "Os motoristas enfrentarão um desvio de até dezoito quilômetros, e um serviço de balsa para pedestres e ciclistas "
        "funcionará a cada vinte minutos enquanto durarem os trabalhos, segundo a prefeitura da cidade.",
        "last": "A ponte tem quase duzentos anos e foi inspecionada pela última vez em março, quando os engenheiros "
        "encontraram rachaduras profundas em dois dos seus três arcos de pedra, segundo o relatório publicado ontem.",
        "caption": "A ponte Kestrel ao entardecer na segunda-feira (Foto: Tom Averill/Courier)",
        "other_caption": "O rio visto da margem norte, perto do antigo moinho (Foto: Ana Lima/Courier)",
        "share": "Compartilhe no WhatsApp|Compartilhe no Facebook|Compartilhe no Twitter",
        "tag_label": "Tags", "tags": "ponte|obras|trânsito",
        "moderation": "Comentários que violem os termos de uso ou contenham ofensas não serão aprovados pelo moderador.",
    },
    "fr": {
        "code": "fr", "title": "Le pont Kestrel fermé pendant deux ans",
        "prose": "La mairie a confirmé mardi que le pont Kestrel restera fermé pendant deux ans pendant que les "
        "ingénieurs remplacent le tablier, et que les bus seront détournés par la zone industrielle pendant les travaux.|"
        "Les automobilistes devront faire un détour de dix-huit kilomètres, et une navette fluviale pour les piétons et "
        "les cyclistes circulera toutes les vingt minutes pendant toute la durée du chantier, selon la mairie.",
        "last": "Le pont a presque deux cents ans et a été inspecté pour la dernière fois en mars, lorsque les ingénieurs "
        "ont découvert des fissures profondes dans deux de ses trois arches de pierre, selon le rapport publié hier.",
        "caption": "Le pont Kestrel au crépuscule lundi soir (Photo : Tom Averill/Courier)",
        "other_caption": "La rivière vue de la rive nord, près du vieux moulin (Photo : Ana Lima/Courier)",
        "share": "Partager sur Facebook|Partager sur WhatsApp|Partager sur LinkedIn",
        "tag_label": "Mots-clés", "tags": "pont|travaux|circulation",
        "moderation": "Les commentaires injurieux ou hors sujet ne seront pas publiés : ils sont soumis à modération.",
    },
    "de": {
        "code": "de", "title": "Kestrel-Brücke zwei Jahre gesperrt",
        "prose": "Die Stadt hat am Dienstag bestätigt, dass die Kestrel-Brücke für zwei Jahre gesperrt wird, während "
        "Ingenieure die Fahrbahn erneuern, und dass die Busse während der Bauarbeiten durch das Gewerbegebiet fahren.|"
        "Autofahrer müssen einen Umweg von bis zu achtzehn Kilometern in Kauf nehmen, und eine Fähre für Fußgänger und "
        "Radfahrer wird während der gesamten Bauzeit alle zwanzig Minuten fahren, teilte die Stadtverwaltung mit.",
        "last": "Die Brücke ist fast zweihundert Jahre alt und wurde zuletzt im März geprüft, als Ingenieure tiefe Risse "
        "in zwei ihrer drei Steinbögen fanden, heißt es in dem Bericht, der gestern veröffentlicht wurde.",
        "caption": "Die Kestrel-Brücke in der Abenddämmerung am Montag (Foto: Tom Averill/Courier)",
        "other_caption": "Der Fluss vom Nordufer aus gesehen, nahe der alten Mühle (Foto: Ana Lima/Courier)",
        "share": "Auf Twitter teilen|Auf Facebook teilen|Per WhatsApp teilen",
        "tag_label": "Schlagwörter", "tags": "Brücke|Bauarbeiten|Verkehr",
        "moderation": "Kommentare, die gegen unsere Regeln verstoßen, werden von der Moderation nicht freigeschaltet.",
    },
    "ja": {
        "code": "ja", "title": "ケストレル橋、2年間通行止めに",
        "prose": "市は火曜日、技術者が橋の床版を交換する間、ケストレル橋を2年間通行止めにすると発表した。工事の期間中、"
        "バスは工業団地を経由して迂回運行する。市によると、工事は来年3月に始まる予定で、費用は約50億円と見込まれている。|"
        "運転者は最大18キロの迂回を強いられる。工事期間中は、歩行者と自転車のための渡し船が20分おきに運航される。"
        "市の担当者は「住民の皆さんにはご不便をおかけするが、安全のために必要な工事だ」と述べた。",
        "last": "橋は建設からおよそ200年がたち、3月の点検で三つある石のアーチのうち二つに深い亀裂が見つかった。"
        "昨日公表された報告書によると、補強工事だけでは安全を確保できないという。",
        "caption": "月曜日の夕暮れのケストレル橋（写真：トム・アヴェリル／クーリエ）",
        "other_caption": "旧水車小屋の近く、北岸から見た川（写真：アナ・リマ／クーリエ）",
        "share": "Facebookでシェア|Twitterでシェア|LINEで送る",
        "tag_label": "タグ", "tags": "橋|工事|交通",
        "moderation": "利用規約に違反するコメントは、モデレーターの判断で承認されません。",
    },
}  # fmt: skip


async def test_repeated_captions_and_furniture_go_in_any_language(
    server: LoopbackServer, write_config: Callable[..., Path], open_service: Callable[[Path], Service]
) -> None:
    pages = [
        (f"/{code}.html", furnished_page(lang), "text/html; charset=utf-8")
        for code, lang in LANGUAGES.items()
    ]
    got = await read_articles(server, write_config, open_service, pages)
    for code, lang in LANGUAGES.items():
        doc, cached = got[f"/{code}.html"]
        assert cached is not None and not doc.note, (code, doc.note)
        text = text_of(doc)
        for paragraph in [*lang["prose"].split("|"), lang["last"], lang["other_caption"]]:
            assert paragraph in text, (code, paragraph[:40])
        assert text.count(lang["caption"]) == 1, (code, text.count(lang["caption"]))
        for furniture in [*lang["share"].split("|"), lang["moderation"], lang["tag_label"]]:
            assert furniture not in text, (code, furniture)
        assert not any(t in text.split("\n\n") for t in lang["tags"].split("|")), code
        assert not any("facebook.com/sharer" in link for link in doc.links), code


# -- 6. extraction inside the deadline -------------------------------------------------------

PARA = "<p>" + "Words of a sentence that goes on, with commas, and more words. " * 3 + "</p>"
# About 2.4 MB that readability needs ~10 s for (deeply nested containers, thousands of paragraphs).
SLOW_PAGE = (
    "<html><body><article>"
    + ("<div class='c'>" * 20 + PARA + "</div>" * 20) * 4000
    + "</article></body></html>"
).encode()


async def test_a_page_too_slow_to_extract_shows_the_feed_text_at_the_deadline(
    server: LoopbackServer, write_config: Callable[..., Path], open_service: Callable[[Path], Service]
) -> None:
    slow = server.add("/slow-extract.html", body=SLOW_PAGE, content_type="text/html; charset=utf-8")
    quick = server.add("/quick.html", body=page(f"<p>{PROSE}</p>").encode(), content_type="text/html")
    items = [Item("Slow page", "s", slow, "<p>Feed text.</p>"), Item("Quick page", "q", quick, "<p>Q.</p>")]
    url = server.add("/f.xml", body=Feed(items=items).rss())
    service = open_service(write_config([url], extra=SETTINGS))
    try:
        async for _ in service.refresh():
            pass
        ids = {r.title: r.id for r in service.rows(View())}
        pool = service.articles.pool
        started = time.monotonic()
        result = await service.article(ids["Slow page"])
        took = time.monotonic() - started
        killed = [w for w in list(pool._all) + pool._idle if w.dead]
        assert result is not None
        _, doc = result
        assert doc.note == (
            f"Article unavailable: reading the page took longer than {DEADLINE:g} s, gave up. "
            "Showing the feed's text."
        )
        assert doc.source == "feed" and text_of(doc) == "Feed text."
        assert took < DEADLINE + 1.0, took
        assert not killed  # the worker was killed and dropped, not left running the page
        # The next page gets a fresh worker and reads normally.
        quick_result = await service.article(ids["Quick page"])
        assert quick_result is not None and quick_result[1].source == "article"
        assert PROSE in text_of(quick_result[1])
    finally:
        await service.aclose()


async def test_the_killed_extraction_process_is_gone(server: LoopbackServer) -> None:
    """The deadline bounds wall time: the worker running the page is killed, not left to finish."""
    from tuinews.errors import ExtractError
    from tuinews.io.extract_pool import ExtractPool

    pool = ExtractPool(workers=1)
    try:
        with pytest.raises(ExtractError, match="took longer than 1 s"):
            await pool.extract(SLOW_PAGE, "http://127.0.0.1/slow.html", "text/html", 1.0)
        assert not pool._all and not pool._idle
        await asyncio.sleep(0.2)
        procs = [p for p in Path("/proc").glob("[0-9]*") if _is_extract_worker(p)]
        assert procs == [], "an extraction worker outlived its deadline"
    finally:
        await pool.aclose()


def _is_extract_worker(proc: Path) -> bool:
    try:
        cmdline = (proc / "cmdline").read_bytes()
        stat = (proc / "stat").read_text()
    except OSError:
        return False
    parent = int(stat.rsplit(")", 1)[1].split()[1])
    return b"tuinews.io.extract_worker" in cmdline and parent == os.getpid() and " Z " not in stat


def test_tuinews_extract_stops_at_the_deadline(tmp_path: Path) -> None:
    path = tmp_path / "slow.html"
    path.write_bytes(SLOW_PAGE)
    config = tmp_path / "tuinews.toml"
    config.write_text("[settings]\ntimeout_seconds = 1\n", encoding="utf-8")
    started = time.monotonic()
    result = run_cli("--config", str(config), "extract", str(path))
    took = time.monotonic() - started
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert "reading the page took longer than 1 s, gave up" in result.stderr
    assert took < 6, took  # interpreter start-up and the page's read, plus one second
