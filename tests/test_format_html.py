"""Saved news web pages: the article without its page chrome, metadata, charsets, sniffing."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import html as lxml_html  # type: ignore[import-untyped]

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError
from newsarchive.formats import html as htmlformat
from newsarchive.formats.common import clean_text
from newsarchive.model import Image

from sitekit import build_site, make_site

DATA = Path(__file__).parent / "data" / "formats" / "html"
CORPUS = Path(__file__).parent.parent.parent / "shared" / "corpora" / "formats-dev"
BERLIN = ReadSettings(timezone="Europe/Berlin")
CEST = timezone(timedelta(hours=2))
CET = timezone(timedelta(hours=1))


def page(body: str, head: str = "<meta charset='utf-8'><title>Quay works finish</title>",
         heading: str = "Quay works finish") -> bytes:
    """A small English page around ``body`` (its article paragraphs)."""
    return (f"<!DOCTYPE html><html lang='en'><head>{head}</head><body>"
            "<nav><a href='/'>Home page of the Gazette</a></nav>"
            f"<article><h1>{heading}</h1>{body}</article>"
            "<footer>All rights reserved by the Harbourside Gazette</footer></body></html>"
            ).encode()


PROSE = ("<p>The works on the old quay finished on Friday after eleven months, the harbour "
         "office said, and the fishing boats can moor there again from Monday morning.</p>"
         "<p>The new quay wall is made of granite blocks taken from the old one and is half "
         "a metre higher, which should keep the spring tides out of the market square.</p>")


# -- the invented fixture pages ------------------------------------------------------------


def test_article_page_fields() -> None:
    data = (DATA / "hafenfest.html").read_bytes()
    result = htmlformat.read("hafenfest.html", data, BERLIN)
    (article,) = result.articles
    assert result.diagnostics == ()
    assert article.title == "Hafenfest in Kleinwerder: Fähre fährt wieder"
    assert article.body_format == "html"
    assert article.published == datetime(2021, 6, 12, 8, 45, tzinfo=CEST)
    assert article.authors == ("Jördis Kämmerer", "Ulf Brösel")
    assert article.source == "Kleinwerder Bote"
    assert article.lang == "de"
    assert article.original_url == ("https://www.kleinwerder-bote.example/lokales/"
                                     "hafenfest-faehre-1234.html")
    assert article.summary == "Nach zwei Jahren Pause legt die Fähre über die Große Aue wieder an."
    assert article.terms == {"topics": ("Kleinwerder", "Fähre", "Hafenfest")}
    assert article.images == (Image("https://img.kleinwerder-bote.example/2021/06/faehre.jpg",
                                    "Die Fähre »Greta« am Anleger Süd"),)
    assert article.record == ""
    assert article.body_line == 26  # the line of <body>


def test_article_body_is_simple_html_without_boilerplate() -> None:
    (article,) = htmlformat.read("h.html", (DATA / "hafenfest.html").read_bytes(),
                                 BERLIN).articles
    body = article.body
    assert body.startswith("<p>Nach zwei Jahren Pause legt die Fähre")  # no repeated headline
    assert "<h2>Fahrplan bis zum Herbst</h2>" in body
    assert "<ul><li>Erwachsene zahlen drei Euro je Fahrt.</li>" in body
    assert "<blockquote>" in body and "wie der Deich und die Möwen." in body
    assert "Wer mithelfen möchte, kann sich im Bürgerbüro melden" in body
    for chrome in ("Startseite des Kleinwerder Boten", "Lokales aus dem Landkreis",
                   "Digitalabo", "Gartenmöbel", "Meistgelesen", "Baustelle an der Kreisstraße",
                   "Kommentare", "Endlich wieder", "zu viel für so eine kurze Fahrt",
                   "Impressum", "Newsletter abonnieren", "trackPageView", "Von Jördis"):
        assert chrome not in body, chrome
    assert "class=" not in body and "<script" not in body


def test_latin1_page_declared_in_meta_reads_umlauts() -> None:
    data = (DATA / "muehlenau-latin1.htm").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = htmlformat.read("m.htm", data, BERLIN)
    (article,) = result.articles
    assert article.title == "Grüne Brücke über die Mühlenau eröffnet"
    assert article.published == datetime(2004, 9, 30, tzinfo=CEST)
    assert "Fußgängerbrücke" in article.body and "Straßenfest" in article.body
    assert "Ã" not in article.body
    # the menu cell of the layout table is left out, the article cell kept without <table>
    assert "Übersicht der Meldungen" not in article.body and "<table>" not in article.body
    assert "Impressum" not in article.body
    assert article.authors == () and article.original_url == ""


def test_page_without_article_text_is_an_error() -> None:
    with pytest.raises(ContentError) as caught:
        htmlformat.read("s.html", (DATA / "sections-only.html").read_bytes(), ReadSettings())
    diagnostic = caught.value.diagnostic
    assert (diagnostic.path, diagnostic.message) == ("s.html", "no article text found")
    assert diagnostic.hint.startswith("the page holds no article the extractor recognises")


def test_reading_is_deterministic() -> None:
    data = (DATA / "hafenfest.html").read_bytes()
    assert htmlformat.read("h.html", data, BERLIN) == htmlformat.read("h.html", data, BERLIN)


# -- metadata fallbacks -------------------------------------------------------------------


def test_title_from_title_tag_and_date_in_settings_timezone() -> None:
    data = page(PROSE, "<meta charset='utf-8'><title>Quay works finish</title>"
                "<meta name='date' content='2022-11-03'>")
    (article,) = htmlformat.read("q.html", data, BERLIN).articles
    assert article.title == "Quay works finish"
    assert article.published == datetime(2022, 11, 3, tzinfo=CET)
    assert article.lang == "en"
    assert "Home page of the Gazette" not in article.body
    assert "All rights reserved" not in article.body


def test_undated_page_has_no_date() -> None:
    (article,) = htmlformat.read("q.html", page(PROSE), ReadSettings()).articles
    assert article.published is None


def test_company_and_place_names_are_not_authors() -> None:
    head = ("<meta charset='utf-8'><title>Quay works finish</title>"
            "<meta name='author' content='Gazette Media GmbH, Harbourside, England'>")
    (article,) = htmlformat.read("q.html", page(PROSE, head), ReadSettings()).articles
    assert article.authors == ()


def test_keywords_split_and_identifiers_dropped() -> None:
    head = ("<meta charset='utf-8'><title>Quay works finish</title>"
            "<meta name='keywords' content='Harbour, Fishing, ISIN_GB0001, harbour'>")
    (article,) = htmlformat.read("q.html", page(PROSE, head), ReadSettings()).articles
    assert article.terms == {"topics": ("Harbour", "Fishing")}


def test_declared_charset_does_not_override_utf8_bytes() -> None:
    head = ("<meta charset='windows-1252'><title>Quay</title>"
            "<meta name='description' content='Straße frei'>")
    (article,) = htmlformat.read("q.html", page(PROSE, head), ReadSettings()).articles
    assert article.summary == "Straße frei"


def test_declared_charset_helper() -> None:
    assert htmlformat.declared_charset(b"<meta charset=ISO-8859-1>") == "cp1252"
    assert htmlformat.declared_charset(
        b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">') == "koi8-r"
    assert htmlformat.declared_charset(b"<?xml version='1.0' encoding='utf-8'?><html>") == "utf-8"
    assert htmlformat.declared_charset(b"<meta charset='no-such-codec'>") is None
    assert htmlformat.declared_charset(b"<html><head>") is None


# -- hostile pages ------------------------------------------------------------------------


def test_javascript_urls_are_dropped() -> None:
    head = ("<meta charset='utf-8'><title>Quay works finish</title>"
            "<link rel='canonical' href='javascript:alert(1)'>"
            "<meta property='og:image' content='javascript:alert(2)'>")
    body = PROSE + "<p><img src='javascript:alert(3)' onerror='alert(4)' alt='x'></p>"
    result = htmlformat.read("q.html", page(body, head), ReadSettings())
    (article,) = result.articles
    assert article.original_url == "" and article.images == ()
    assert "javascript:" not in article.body and "onerror" not in article.body
    assert result.diagnostics == ()


def test_refused_page_url_is_a_warning() -> None:
    text = page(PROSE).decode()
    article, problems = htmlformat.extract_page("q.html", text, " JaVa\tScRiPt:alert(1)",
                                                ReadSettings())
    assert article.original_url == ""
    assert [(d.message, d.severity) for d in problems] == [
        ("page URL 'JaVa ScRiPt:alert(1)' refused (only http and https URLs are kept)",
         "warning")]


def test_scripts_and_styles_are_not_text() -> None:
    body = PROSE + "<script>document.write('injected words')</script><style>p{}</style>"
    (article,) = htmlformat.read("q.html", page(body), ReadSettings()).articles
    assert "injected words" not in article.body and "p{}" not in article.body


def test_entity_declarations_are_not_expanded() -> None:
    bomb = ('<!DOCTYPE html [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    data = (bomb + page(PROSE + "<p>&c;&c;&c;&c;&c;&c;</p>").decode()).encode()
    start = time.perf_counter()
    (article,) = htmlformat.read("bomb.html", data, ReadSettings()).articles
    assert time.perf_counter() - start < 5
    assert "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" not in article.body
    assert len(article.body) < 2000


def test_control_characters_are_removed_with_a_warning() -> None:
    head = "<meta charset='utf-8'><title>Quay\x1b[31m works\x07 finish</title>"
    result = htmlformat.read("q.html", page(PROSE, head), ReadSettings())
    (article,) = result.articles
    assert article.title == "Quay works finish"
    assert [d.severity for d in result.diagnostics] == ["warning"]
    assert result.diagnostics[0].message.startswith("removed 2 control characters")


def test_huge_title_is_cut() -> None:
    huge = "word " * 20000
    data = page(PROSE, f"<meta charset='utf-8'><title>{huge}</title>", heading=huge)
    (article,) = htmlformat.read("q.html", data, ReadSettings()).articles
    assert len(article.title) <= htmlformat.MAX_TITLE + 1 and article.title.endswith("…")


def test_title_never_starts_with_angle_bracket() -> None:
    head = "<meta charset='utf-8'><title>&lt;&lt; Quay works finish</title>"
    (article,) = htmlformat.read("q.html", page(PROSE, head), ReadSettings()).articles
    assert article.title == "Quay works finish"


def test_truncated_page_keeps_the_text_before_the_cut() -> None:
    data = (DATA / "hafenfest.html").read_bytes()
    cut = data[:data.index(b"Bis Ende Oktober")]
    (article,) = htmlformat.read("h.html", cut, BERLIN).articles
    assert article.title == "Hafenfest in Kleinwerder: Fähre fährt wieder"
    assert "Die Überfahrt dauert etwa zwölf Minuten." in article.body
    assert "Oktober" not in article.body


def test_oversized_page_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(htmlformat, "MAX_PAGE_BYTES", 1000)
    with pytest.raises(ContentError) as caught:
        htmlformat.read("big.html", page(PROSE * 10), ReadSettings())
    assert caught.value.diagnostic.message == "page too large (0 MiB)"


def test_empty_and_binary_files_are_errors() -> None:
    with pytest.raises(ContentError, match="empty file"):
        htmlformat.read("e.html", b"  \n", ReadSettings())
    with pytest.raises(ContentError, match="binary file"):
        htmlformat.read("b.html", b"<html><body>\x00\x00 text</body></html>", ReadSettings())


# -- sniffing -----------------------------------------------------------------------------


@pytest.mark.parametrize("head", [
    b"<!DOCTYPE html><html><head>",
    b"\xef\xbb\xbf  \n<!doctype HTML>",
    b"<!-- saved from url=(0044)https://example.org/ -->\n<html lang='en'>",
    b"<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0"
    b" Strict//EN\" \"x\"><html xmlns='http://www.w3.org/1999/xhtml'>",
    b"<!--[if lt IE 7]> <html class='ie6'> <![endif]--><html>",
    b"<HTML><HEAD><TITLE>Old page</TITLE>",
    b"<head><title>No html element</title></head><body>",
    b"<title>Bare</title>\n<body><p>Text</p>",
])
def test_sniff_claims_html(head: bytes) -> None:
    assert htmlformat.sniff(head)


@pytest.mark.parametrize("head", [
    b"<?xml version='1.0'?><rss version='2.0'><channel><item><description><![CDATA["
    b"<html><head></head><body>x</body></html>]]></description>",
    b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry><content "
    b"type='html'>&lt;html&gt;&lt;body&gt;",
    b"<?xml version='1.0'?><!DOCTYPE nitf SYSTEM 'nitf.dtd'><nitf><head><title>x</title>"
    b"</head><body>",
    b"<newsMessage xmlns='http://iptc.org/std/nar/2006-10-01/'><header>",
    b'{"title": "<html><head></head><body>"}',
    b"Plain text about <html> tags and <body> text",
    b"<div><p>A fragment</p></div>",
    b"<title>Only a title, nothing else</title>",
    b"",
])
def test_sniff_refuses_other_forms(head: bytes) -> None:
    assert not htmlformat.sniff(head)


def test_sniff_refuses_the_other_formats_dev_files() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"formats-dev corpus not found at {CORPUS}")
    others = [p for p in CORPUS.glob("*/*") if p.parent.name != "html" and p.is_file()]
    assert others
    assert [p.name for p in others if htmlformat.sniff(p.read_bytes()[:4096])] == []


# -- the saved pages of formats-dev -------------------------------------------------------

#: page -> (date, authors, a navigation or footer label of the page)
EXPECTED = {
    "faz.net.streaming.html": (
        datetime(2020, 1, 28, tzinfo=CET), ("Benjamin Fischer", "Marcus Theurer"),
        "Aktuelle Stellenangebote"),
    "heise.de.lithium.html": (
        datetime(2019, 6, 20, 7, 30, tzinfo=CEST), ("Denis Dilba",), "Stellenmarkt heise Jobs"),
    "mercurynews.com.2023.01.16.letters-1119.html": (
        datetime(2023, 1, 16, tzinfo=CET), (), "Today's e-Edition"),
    "sueddeutsche.de.flixtrain.html": (
        datetime(2019, 5, 17, tzinfo=CEST), (), "Exklusiv mit Abo oder Tagespass"),
    "theguardian.com.academics.html": (
        datetime(2020, 1, 20, tzinfo=CET), ("Richard Adams",), "Support The Guardian"),
    "zeit.de.zugverkehr.html": (
        datetime(2020, 1, 14, 9, 21, 29, tzinfo=CET), ("Caspar Schwietering",),
        "Zalando Lounge Gutschein"),
}


def _corpus_page(name: str) -> bytes:
    path = CORPUS / "html" / name
    if not path.is_file():
        pytest.skip(f"formats-dev page not found: {path}")
    return path.read_bytes()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_formats_dev_page(name: str) -> None:
    data = _corpus_page(name)
    date, authors, chrome = EXPECTED[name]
    assert htmlformat.sniff(data[:4096])
    start = time.perf_counter()
    result = htmlformat.read(name, data, BERLIN)
    assert time.perf_counter() - start < 10
    (article,) = result.articles
    tree = lxml_html.fromstring(data)
    (og_title,) = tree.xpath("//meta[@property='og:title']/@content")
    assert article.title == clean_text(og_title)
    assert article.published == date
    assert article.authors == authors
    assert article.original_url.startswith(("https://", "http://"))
    assert article.images and article.images[0].src.startswith("https://")
    assert article.summary and article.source and article.terms["topics"]
    assert article.body_format == "html" and len(clean_text(article.body)) > 1500
    if article.lang == "de":
        assert any(ch in article.body for ch in "äöüß") and "Ã" not in article.body
    assert chrome not in article.body
    navigation = {clean_text(text) for element in tree.xpath("//nav|//footer")
                  for text in element.xpath(".//text()")}
    assert [t for t in navigation if len(t) >= 25 and t in article.body] == []
    # most long paragraphs of the page are article text, and are in the body
    paragraphs = [text for text in (clean_text(p.text_content()) for p in tree.xpath("//p"))
                  if len(text) >= 300]
    found = [text for text in paragraphs if text[:60] in clean_text(article.body)]
    assert len(found) >= 0.6 * len(paragraphs) and len(found) >= 2


# -- end to end ---------------------------------------------------------------------------


def test_build_a_site_from_saved_pages(tmp_path: Path) -> None:
    config = make_site(tmp_path / "site", {
        "hafenfest.html": (DATA / "hafenfest.html").read_bytes(),
        "muehlenau.dat": (DATA / "muehlenau-latin1.htm").read_bytes()})
    build_site(config)
    pages = [p.read_text(encoding="utf-8") for p in config.output_dir.rglob("index.html")]
    assert any("Hafenfest in Kleinwerder: Fähre fährt wieder" in p for p in pages)
    assert any("Grüne Brücke über die Mühlenau eröffnet" in p for p in pages)
    assert not any("Kommentare unserer Leserinnen" in p for p in pages)


def test_mojibake_is_repaired_in_the_article() -> None:
    body = PROSE.replace("quay", "cafÃ©", 1)
    data = page(body, "<meta charset='utf-8'><title>CafÃ© quay</title>", heading="CafÃ© quay")
    (article,) = htmlformat.read("m.html", data, ReadSettings()).articles
    assert article.title == "Café quay"
    assert "café" in article.body and "Ã" not in article.body
