"""The article page: citation meta tags, the "Cite this article" block with its RIS
and BibTeX downloads, the access-date rule, the header search form on every page,
the reading time, the print stylesheet, and card summaries that skip credits and
boilerplate."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import pytest

from browser_fixtures import require_module
from newsarchive.cite import accessed_date, bibtex_text, reading_minutes
from newsarchive.config import load_config
from newsarchive.errors import ConfigError
from newsarchive.pipeline.enrich import summarize
from newsarchive.pipeline.leads import boilerplate_kind

from sitekit import build_site, make_site, md

BASE = "https://example.org/archive/"
TITLE = 'Floods {close} the "old" harbour & 100% of quays_#1'
ARTICLE = md(TITLE, "1998-03-04T09:30:00+00:00",
             body="(Pexels)\n\nHeavy rain flooded the [harbour](https://example.com/h) district "
                  "of Lisbon for a second day.\n\n" + "word " * 470,
             source="Coast Gazette", authors='["Ana Reis", "Bob O\'Neil"]',
             summary="Rain & <b>floods</b>.")
CHINESE = md("北京下雨", "1998-03-05", body="北京今天下雨。" * 150, lang="zh")
NOBODY = md("Quiet day", "1998-03-06", body="Nothing happened in the harbour today at all.")
PAGE = "1998/03/04/floods-close-the-old-harbour-100-of-quays-1/index.html"


def _site(root: Path, extra: str = "", articles: dict[str, str] | None = None) -> Path:
    config = make_site(root, articles or {"a.md": ARTICLE, "b.md": CHINESE, "c.md": NOBODY},
                       f"base_url: {BASE}\ntopics:\n  enabled: []\n{extra}")
    build_site(config)
    return config.output_dir


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _site(tmp_path_factory.mktemp("cite"), "cite:\n  accessed: 2026-12-04\n")


def _meta(page: str, name: str) -> list[str]:
    return [html.unescape(v) for v in re.findall(rf'<meta name="{name}" content="([^"]*)">', page)]


def _download(page: str, suffix: str) -> str:
    href = re.search(rf'<a download="[^"]+\{suffix}" [^>]*href="data:[^,]+;base64,([^"]*)"', page)
    assert href, suffix
    return base64.b64decode(href.group(1), validate=True).decode("utf-8")


def test_citation_meta_tags_hold_the_values_escaped(site: Path) -> None:
    page = (site / PAGE).read_text()
    assert _meta(page, "citation_title") == [TITLE]
    assert _meta(page, "citation_author") == ["Ana Reis", "Bob O'Neil"]
    assert _meta(page, "citation_publication_date") == ["1998/03/04"]
    assert _meta(page, "citation_date") == ["1998/03/04"]
    assert _meta(page, "citation_publisher") == _meta(page, "citation_journal_title") == [
        "Coast Gazette"]
    url = BASE + PAGE.removesuffix("index.html")
    assert _meta(page, "citation_public_url") == _meta(page, "citation_abstract_html_url") == [url]
    assert _meta(page, "citation_language") == ["en"]
    assert 'content="Floods {close} the &#34;old&#34; harbour &amp; 100% of quays_#1"' in page
    # No source: the site's title is the publisher.
    quiet = (site / "1998/03/06/quiet-day/index.html").read_text()
    assert _meta(quiet, "citation_publisher") == ["News Archive"]
    assert _meta(quiet, "citation_author") == []


def _citation_text(page: str) -> str:
    block = re.search(r'<section id="cite".*?<p class="citation">(.*?)</p>', page, re.S)
    assert block
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", block.group(1))).split())


def test_cite_block_in_english(site: Path) -> None:
    page = (site / PAGE).read_text()
    url = BASE + PAGE.removesuffix("index.html")
    assert _citation_text(page) == (f"Ana Reis, Bob O'Neil. (March 4, 1998). {TITLE}. "
                                    f"Coast Gazette. Retrieved December 4, 2026 from {url}")
    assert '<i>Coast Gazette</i>' in page
    assert page.count('<section id="cite"') == 1


def test_cite_block_in_french_without_access_date(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = _site(tmp_path, "language: fr\n", {"c.md": NOBODY})
    page = (out / "1998/03/06/quiet-day/index.html").read_text()
    assert "Citer cet article" in page
    # no author: the title takes its place (APA)
    assert _citation_text(page) == (f"Quiet day. (6 mars 1998). News Archive. "
                                    f"{BASE}1998/03/06/quiet-day/")
    fr = _site(tmp_path / "dated", "language: fr\ncite:\n  accessed: 2026-12-04\n",
               {"c.md": NOBODY})
    text = _citation_text((fr / "1998/03/06/quiet-day/index.html").read_text())
    assert text.endswith(f"Consulté le 4 décembre 2026 sur {BASE}1998/03/06/quiet-day/")


def _parse_ris(text: str) -> list[tuple[str, str]]:
    """A tiny RIS parser: every line ``XX  - value`` (CRLF), TY first, ER last."""
    assert text.endswith("\r\n")
    rows = []
    for line in text[:-2].split("\r\n"):
        match = re.fullmatch(r"([A-Z][A-Z0-9])  - (.*)", line)
        assert match, line
        rows.append((match.group(1), match.group(2)))
    assert rows[0] == ("TY", "NEWS") and rows[-1] == ("ER", "")
    return rows


def test_ris_download_parses(site: Path) -> None:
    page = (site / PAGE).read_text()
    rows = _parse_ris(_download(page, ".ris"))
    fields: dict[str, list[str]] = {}
    for tag, value in rows:
        fields.setdefault(tag, []).append(value)
    assert fields["TI"] == [TITLE]
    assert fields["AU"] == ["Ana Reis", "Bob O'Neil"]
    assert fields["PY"] == ["1998"] and fields["DA"] == ["1998/03/04"]
    assert fields["T2"] == ["Coast Gazette"] and fields["LA"] == ["en"]
    assert fields["UR"] == [BASE + PAGE.removesuffix("index.html")]
    assert fields["Y2"] == ["2026/12/04"]
    assert fields["AB"] == ["Rain & <b>floods</b>."]  # one line, as written
    assert 'download="floods-close-the-old-harbour-100-of-quays-1.ris"' in page


def _balanced(text: str) -> bool:
    depth = 0
    for i, char in enumerate(text):
        if char in "{}" and i and text[i - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_bibtex_download_is_balanced_and_escaped(site: Path, tmp_path: Path) -> None:
    page = (site / PAGE).read_text()
    bib = _download(page, ".bib")
    assert _balanced(bib)
    key = re.match(r"@article\{([^,]+),\n", bib)
    assert key and key.group(1).startswith("reis1998floods-")
    assert r"title = {{Floods \{close\} the "in bib
    assert r"harbour \& 100\% of quays\_\#1}}" in bib
    assert "author = {Ana Reis and Bob O'Neil}" in bib
    assert "month = mar," in bib and "urldate = {2026-12-04}" in bib
    assert bibtex_text("a\\b ^ ~ $") == (r"a\textbackslash{}b \textasciicircum{} "
                                         r"\textasciitilde{} \$")
    # The key is a function of the article: the same in a second site.
    again = _site(tmp_path, "cite:\n  accessed: 2026-12-04\n")
    assert _download((again / PAGE).read_text(), ".bib") == bib


def test_access_date_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert accessed_date("", {}) == ""
    assert accessed_date("", {"SOURCE_DATE_EPOCH": "1764806400"}) == "2025-12-04"
    assert accessed_date("2026-12-04", {"SOURCE_DATE_EPOCH": "1764806400"}) == "2026-12-04"
    with pytest.raises(ValueError):
        accessed_date("", {"SOURCE_DATE_EPOCH": "yesterday"})
    root = tmp_path / "site"
    root.mkdir()
    (root / "archive.yaml").write_text("title: T\n")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert load_config(root / "archive.yaml", root).cite.accessed == ""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764806400")
    assert load_config(root / "archive.yaml", root).cite.accessed == "2025-12-04"
    (root / "archive.yaml").write_text("cite:\n  accessed: 2026-12-04\n")
    assert load_config(root / "archive.yaml", root).cite.accessed == "2026-12-04"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH"):
        (root / "archive.yaml").write_text("title: T\n")
        load_config(root / "archive.yaml", root)
    (root / "archive.yaml").write_text("cite:\n  accessed: next week\n")
    with pytest.raises(ConfigError, match=r"cite\.accessed"):
        load_config(root / "archive.yaml", root)


def test_access_date_from_source_date_epoch_reaches_the_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764806400")
    out = _site(tmp_path, "", {"c.md": NOBODY})
    page = (out / "1998/03/06/quiet-day/index.html").read_text()
    assert "Retrieved December 4, 2025 from" in _citation_text(page)


def test_header_search_form_on_every_page_but_the_search_page(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    form = re.compile(r'<form class="header-search" role="search" action="([^"]+)" method="get">'
                      r'\s*<label class="visually-hidden" for="header-search-q">Search the archive'
                      r'</label>\s*<input id="header-search-q" type="search" name="q"')
    for path in pages:
        text = path.read_text()
        if path == site / "search" / "index.html":  # its own search box only
            assert 'class="header-search"' not in text and 'id="search-query"' in text
            continue
        found = form.search(text)
        assert found, path
        header = text[text.index('<header class="site-header"'):text.index("</header>")]
        assert 'class="header-search"' in header
        action = found.group(1)
        if path.name != "404.html":
            assert (path.parent / action).resolve() == (site / "search/index.html").resolve()
    kinds = {p.relative_to(site).as_posix() for p in pages}
    assert {"index.html", "404.html", "search/index.html", "archive/index.html", PAGE,
            "1998/index.html", "sources/coast-gazette/index.html"} <= kinds


def test_reading_time_in_english_and_chinese(site: Path) -> None:
    page = (site / PAGE).read_text()
    # 488 words at 230 a minute.
    assert '· <span class="reading-time">3 min read</span></p>' in page
    zh = next(site.glob("1998/03/05/*/index.html")).read_text()
    assert '<span class="reading-time">3 min read</span>' in zh  # 1,050 characters at 500
    assert reading_minutes("<p>one two</p>") == 1
    assert reading_minutes("<p>" + "字" * 1001 + "</p>") == 3
    assert reading_minutes("<p>" + "a " * 460 + "</p>") == 2
    assert reading_minutes("<p>" + "a " * 461 + "</p>") == 3
    # entities are characters, tags are spaces, CJK characters count on their own
    assert reading_minutes("<p>" + "a&amp;b<br>c " * 230 + "</p>") == 2
    assert reading_minutes("<p>" + "a " * 230 + "字" * 500 + "</p>") == 2


def test_reading_time_translated_with_plurals(tmp_path: Path) -> None:
    out = _site(tmp_path, "language: ru\n", {"c.md": NOBODY})
    page = (out / "1998/03/06/quiet-day/index.html").read_text()
    assert '<span class="reading-time">1 мин чтения</span>' in page


def test_lead_image_has_its_caption(tmp_path: Path) -> None:
    body = "![A flooded quay](https://example.com/quay.jpg \"The quay at noon\")\n\nText."
    article = md("Pictured", "1998-03-07", body="The harbour in pictures, all of them here.",
                 image='{src: "https://example.com/lead.jpg", alt: A quay, '
                       'caption: "The lead, at dawn"}')
    out = _site(tmp_path, "", {"p.md": article, "q.md": md("Other", "1998-03-08", body=body)})
    page = (out / "1998/03/07/pictured/index.html").read_text()
    figure = re.search(r'<figure class="article-figure lead">(.*?)</figure>', page, re.S)
    assert figure, page
    assert '<img src="https://example.com/lead.jpg"' in figure.group(1)
    assert 'loading="lazy"' not in figure.group(1)
    assert "<figcaption>The lead, at dawn</figcaption>" in figure.group(1)


def test_print_stylesheet_hides_the_chrome(site: Path, browser: object) -> None:
    require_module("playwright.sync_api", "playwright is not installed")
    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    try:
        tab.goto((site / PAGE).as_uri())
        tab.emulate_media(media="print")

        def display(selector: str) -> str:
            return str(tab.eval_on_selector(selector, "e => getComputedStyle(e).display"))

        for hidden in (".site-header", ".header-search", ".site-nav", ".site-footer",
                       ".breadcrumbs", ".article-aside", ".prev-next", ".cite-downloads"):
            assert display(hidden) == "none", hidden
        for shown in ("h1", ".meta", ".article-body", "#cite", ".citation"):
            assert display(shown) != "none", shown
        after = tab.eval_on_selector(".article-body a[href^='http']",
                                     "e => getComputedStyle(e, '::after').content")
        assert after == '" (" attr(href) ")"' or "example.com/h" in after
        colour = tab.eval_on_selector("body", "e => getComputedStyle(e).color")
        background = tab.eval_on_selector("body", "e => getComputedStyle(e).backgroundColor")
        assert (colour, background) == ("rgb(0, 0, 0)", "rgb(255, 255, 255)")
        assert tab.pdf()[:5] == b"%PDF-"
        tab.emulate_media(media="screen")
        assert display(".site-header") != "none"
    finally:
        context.close()


@pytest.mark.parametrize(("paragraph", "kind"), [
    ("(Pexels)", "credit"),
    ("Photo: Jane Doe/Reuters", "credit"),
    ("Image copyright Getty Images", "credit"),
    ("Getty Images", "credit"),
    ("REUTERS/Jane Doe", "credit"),
    ("AFP PHOTO / JOHN SMITH", "credit"),
    ("Firefighters at the scene on Monday (Photo: AP)", "credit"),
    ("Protesters gather in the square (Getty)", "credit"),
    ("Media playback is unsupported on your device", "media"),
    ("Media caption The minister spoke to reporters", "media"),
    ("Sign up for our morning newsletter", "prompt"),
    ("Follow us on Twitter", "prompt"),
    ("By Jane Doe", "byline"),
    ("By Jane Doe and John van der Berg", "byline"),
    ("LONDON (Reuters) -", "byline"),
    ("By the end of the year, prices had risen 5 per cent", ""),
    ("LONDON (Reuters) - The Bank of England raised rates on Thursday.", ""),
    ("The company said its AP program would continue.", ""),
])
def test_boilerplate_classes(paragraph: str, kind: str) -> None:
    assert boilerplate_kind(paragraph) == kind


def test_summary_skips_boilerplate_and_fragments() -> None:
    lead = "Heavy rain flooded the harbour district of Lisbon for a second day."
    body = ("(Pexels)\n\nMedia playback is unsupported on your device\n\nSign up for alerts\n\n"
            "By Ana Reis\n\nLISBON (Reuters) -\n\nUpdated.\n\n" + lead + "\n\nMore.")
    assert summarize(body) == lead
    assert summarize("Short lead.\n\nSecond.") == "Short lead."  # the only text: kept
    assert summarize("(Getty Images)\n\nToo short.") == "Too short."
    assert summarize("(Getty Images)") == "(Getty Images)"
    # A Chinese character weighs three: a 16-character sentence is a lead, 7 are a fragment.
    zh = "北京今天下雨，市区多条道路积水。"
    assert summarize(zh + "\n\n" + lead) == zh
    assert summarize("北京今天下雨。\n\n" + lead) == lead
