"""Search in every language (project issue 14, item 1): one Pagefind index per
language, none forced; Chinese and Japanese split into words; full-width and
half-width forms folded; the search page's language filter and its
translatable strings.

The Chromium tests build a small site of English, Chinese and Japanese
articles (written for these tests) with ``base_url`` under ``/archive/`` and
serve it there from a loopback server they start and stop.  A missing tool
skips them locally and fails them under ``CI=true`` (``browser_fixtures.require``).
"""

from __future__ import annotations

import functools
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from browser_fixtures import require_module, require_pagefind
from newsarchive import cli
from newsarchive.run import search, search_service
from newsarchive.run.search import index_site, language_names
from newsarchive.run.search_pages import folded_words, page_for_index, trimmed

RESULT_TIMEOUT = 15_000

ARTICLES = {
    "dianjia.md": """\
---
title: 国家发改委公布新的居民用电方案
date: 2012-06-01T08:00:00+08:00
lang: zh-CN
source: 测试日报
---
今年夏天起，多个省份将试行阶梯电价。居民每月用电越多，价格越高。
""",
    "ditie.md": """\
---
title: 深圳地铁将开设ＶＩＰ车厢
date: 2012-07-02T08:00:00+08:00
lang: zh-CN
source: 测试日报
---
乘客购买双倍票价即可进入ＶＩＰ车厢，享受座位服务。
""",
    "jichang.md": """\
---
title: 机场新设VIP候机室
date: 2012-05-03T08:00:00+08:00
lang: zh-CN
source: 测试日报
---
旅客可以在新的VIP候机室休息和办公，搭乘蓝鲸号客轮的旅客也可以使用。
""",
    "soko.md": """\
---
title: 東京港に新しい倉庫が完成
date: 2012-06-15T09:00:00+09:00
lang: ja
source: テスト新聞
---
物流会社は配送の効率化を期待している。
""",
    "cranes.md": """\
---
title: Harbour cranes return to service
date: 2012-06-20T10:00:00+00:00
lang: en
source: Test Gazette
---
The harbour cranes were repaired after the storm and lifted their first containers.
""",
    "ferry.md": """\
---
title: Ferry timetable changes
date: 2011-01-05T10:00:00+00:00
lang: en
source: Test Gazette
---
Ferries will run every hour from the harbour, starting in spring.
""",
}
TITLES = {name: text.split("title: ", 1)[1].split("\n", 1)[0] for name, text in ARTICLES.items()}


# --- what Pagefind is given -------------------------------------------------------------


def test_folded_words_are_the_nfkc_forms_of_words_that_differ() -> None:
    assert folded_words("深圳地铁将开设ＶＩＰ车厢　２０１２年 ｶﾀｶﾅ ﬁle Ｂ2Ｃ VIP") == [
        "VIP", "2012", "カタカナ", "file", "B2C"]
    assert folded_words("plain text, 中文 and かな") == []


def test_pages_keep_their_bytes_but_pagefind_gets_language_and_folded_words() -> None:
    page = ('<!doctype html><html lang="en"><head><title>x</title></head><body>'
            '<article lang="zh-CN" data-pagefind-body><h1>ＶＩＰ车厢</h1><p>２０１２</p>'
            '</article><aside>ＡＢＣ</aside></body></html>')
    assert page_for_index(page, "en") == (
        '<!doctype html><html lang="zh"><head><title>x</title></head><body>'
        '<article lang="zh-CN" data-pagefind-body><span hidden data-pagefind-meta='
        '"folded:VIP 2012"></span><h1>ＶＩＰ车厢</h1><p>２０１２</p></article>'
        '<aside>ＡＢＣ</aside></body></html>'), "only the indexed body is folded"
    plain = '<html><body><article data-pagefind-body>plain</article></body></html>'
    assert page_for_index(plain, "fr") == plain.replace("<html>", '<html lang="fr">')
    assert page_for_index(plain.replace("<html>", '<html lang="de-AT">'), "fr") == plain.replace(
        "<html>", '<html lang="de">'), "one index per language, not per region"


def test_pagefind_gets_only_what_it_reads_of_a_page() -> None:
    page = ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>T</title>'
            '<meta data-pagefind-meta="image[content]" content="/a.png"></head><body>'
            '<nav><a href="/">Home</a></nav><article data-pagefind-body><h1>Head</h1>'
            '<p>Text <b>bold</b></p><section data-pagefind-ignore>cite</section></article>'
            '<aside><p>Related</p><a href="/t/" data-pagefind-filter="topics">Harbours'
            '<span>!</span></a><a data-pagefind-filter="sources">Gazette</a></aside>'
            '<footer>foot</footer></body></html>')
    assert trimmed(page) == (
        '<!doctype html>\n<html lang="en"><head><title>T</title></head><body>'
        '<meta data-pagefind-meta="image[content]" content="/a.png">'
        '<article data-pagefind-body><h1>Head</h1><p>Text <b>bold</b></p>'
        '<section data-pagefind-ignore>cite</section></article>'
        '<a href="/t/" data-pagefind-filter="topics">Harbours<span>!</span></a>'
        '<a data-pagefind-filter="sources">Gazette</a></body></html>\n')
    # Given whole: what trimming would change is Pagefind's default title or image, or
    # filters an element hides from it; and a page without the indexed element.
    for extra in ('<h1>Site</h1>', '<img src="/logo.png" alt="">',
                  '<div data-pagefind-ignore="all"><a data-pagefind-filter="x">y</a></div>'):
        kept = page.replace("<footer>", extra + "<footer>")
        assert trimmed(kept) == kept
    assert trimmed(page.replace(" data-pagefind-body", "")) == page.replace(
        " data-pagefind-body", "")
    shouting = page.replace("data-pagefind-filter=\"sources", "DATA-PAGEFIND-FILTER=\"sources")
    assert trimmed(shouting) == shouting, "found only in lower case: given whole otherwise"


def test_a_trimmed_page_gives_the_bundle_of_the_whole_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_pagefind()
    source = tmp_path / "articles"
    source.mkdir()
    (source / "crane.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    _build(source, tmp_path / "site", "https://example.org/", {
        "harbour.md": "---\ntitle: Harbour works\ndate: 2012-03-01\ntopics: [Harbours, Ports]\n"
                      "people: [Ann Lee]\nsource: Test Gazette\n---\n![A crane](crane.png)\n\n"
                      "Work on the harbour walls began.\n",
        "arabic.md": "---\ntitle: \u0627\u0644\u0645\u064a\u0646\u0627\u0621\ndate: 2012-04-01\n"
                     "lang: ar\ntopics: [Harbours]\n---\n\u0627\u0641\u062a\u062a\u0627\u062d "
                     "\u0627\u0644\u0645\u064a\u0646\u0627\u0621.\n"})
    pages = [page_for_index(path.read_text(encoding="utf-8"), "en")
             for path in (tmp_path / "site").glob("2012/*/*/*/index.html")]
    assert len(pages) == 7 and all(len(trimmed(page)) < len(page) / 2 for page in pages)
    bundles = {}
    for name, trim in (("trimmed", trimmed), ("whole", lambda page: page)):
        site = tmp_path / name
        shutil.copytree(tmp_path / "site", site)
        shutil.rmtree(site / "pagefind")
        monkeypatch.setattr(search_service, "trimmed", trim)
        assert index_site(site, language="en").status == "indexed"
        bundles[name] = {p.relative_to(site).as_posix(): p.read_bytes()
                         for p in (site / "pagefind").rglob("*") if p.is_file()}
    assert bundles["trimmed"] == bundles["whole"]
    assert any(name.startswith("pagefind/parts/") and "/filter/" in name
               for name in bundles["whole"])


def test_language_names_are_in_their_own_language() -> None:
    assert language_names(["zh-CN", "ja", "en", "fr", "xx-unknown-tag"]) == {
        "en": "English", "fr": "français", "ja": "日本語", "xx-unknown-tag": "xx-unknown-tag",
        "zh-CN": "中文 (简体, 中国)"}


# --- the bundle: one index per language ----------------------------------------------


def _build(source: Path, output: Path, base_url: str,
           more: dict[str, str] | None = None) -> None:
    """Build :data:`ARTICLES` (and ``more``) into ``output`` with the real command line
    (search included)."""
    source.mkdir(parents=True, exist_ok=True)
    for name, text in {**ARTICLES, **(more or {})}.items():
        (source / name).write_text(text, encoding="utf-8")
    config = source.parent / "archive.yaml"
    config.write_text("title: Harbour and Metro\ntopics:\n  enabled: []\n", encoding="utf-8")
    assert cli.main(["build", "--config", str(config), "--source", str(source),
                     "--output", str(output), "--base-url", base_url]) == 0


def test_each_language_gets_its_own_index_and_none_is_forced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    require_pagefind()
    configs: list[dict[str, str]] = []
    real = search.run_service

    def spy(output_dir: Path, pages: Any, staged: Path, config: dict[str, str],
            *rest: Any, **named: Any) -> str | None:
        configs.append(dict(config))
        return real(output_dir, pages, staged, config, *rest, **named)

    monkeypatch.setattr(search, "run_service", spy)
    _build(tmp_path / "articles", tmp_path / "site", "https://example.org/")
    out, err = capsys.readouterr()
    assert "Search index: 6 pages indexed by Pagefind" in out, out
    assert configs and all(config == {} for config in configs), "no force_language"
    assert "without splitting" not in err, "the extended binary segments zh and ja"
    bundle = tmp_path / "site" / "pagefind"
    counts: dict[str, int] = {}
    for part in json.loads((bundle / "newsarchive-parts.json").read_bytes())["parts"]:
        entry = json.loads((bundle / part["path"] / "pagefind-entry.json").read_bytes())
        assert list(entry["languages"]) == sorted(entry["languages"]), "sorted languages"
        assert part["indexes"] == {language: info["page_count"]
                                   for language, info in entry["languages"].items()}
        for language, info in entry["languages"].items():
            counts[language] = counts.get(language, 0) + info["page_count"]
    assert counts == {"en": 2, "ja": 1, "zh": 3}
    anchor = json.loads((bundle / "pagefind-entry.json").read_bytes())
    assert {language: info["page_count"] for language, info in anchor["languages"].items()} == {
        "en": 1, "ja": 1, "zh": 1}, "the index loaded first: a placeholder per language"
    names = json.loads((bundle / "newsarchive-languages.json").read_bytes())
    assert names["en"] == "English" and names["ja"] == "日本語"
    chinese = [name for tag, name in names.items() if tag.lower().startswith("zh")]
    assert chinese in (["中文 (简体, 中国)"], ["中文"])


def test_multilingual_bundles_are_byte_identical(tmp_path: Path) -> None:
    require_pagefind()
    _build(tmp_path / "one" / "articles", tmp_path / "one" / "site", "https://example.org/")
    _build(tmp_path / "two" / "articles", tmp_path / "two" / "site", "https://example.org/")
    one, two = tmp_path / "one" / "site" / "pagefind", tmp_path / "two" / "site" / "pagefind"
    files = sorted(p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two).as_posix() for p in two.rglob("*") if p.is_file())
    assert [name for name in files if (one / name).read_bytes() != (two / name).read_bytes()] == []
    assert any(name.startswith("index/ja_") for name in files)


def test_chinese_pages_without_the_extended_binary_are_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_pagefind()
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(
        '<html lang="zh-CN"><body><article data-pagefind-body>居民用电</article></body></html>',
        encoding="utf-8")
    monkeypatch.setattr(search, "pagefind_extended", lambda: False)
    result = index_site(site, language="en")
    assert result.status == "indexed"
    assert result.diagnostic is not None and result.diagnostic.format() == (
        f"{site.as_posix()}: warning: pages in zh are indexed without splitting their text "
        "into words, so search finds only whole sentences of them\n"
        "  hint: install Pagefind's extended binary: pip install 'pagefind[extended]>=1.5,<1.6'")


# --- the search page in Chromium ---------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def multilingual_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site of :data:`ARTICLES`, built for and served at ``http://127.0.0.1:PORT/archive/``."""
    require_pagefind()
    work = tmp_path_factory.mktemp("multilingual")
    (work / "www").mkdir()
    handler = functools.partial(_QuietHandler, directory=str(work / "www"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}/archive/"
    _build(work / "articles", work / "www" / "archive", url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _expect() -> Any:
    return require_module("playwright.sync_api",
                          "playwright is not installed: pip install -e '.[test]'").expect


def _search(page: Any, url: str, query: str) -> list[str]:
    """Type ``query`` into the search page at ``url`` and return the result titles."""
    expect = _expect()
    page.goto(url + "search/")
    box = page.get_by_role("searchbox")
    box.fill(query)
    expect(page.locator("#search-status")).not_to_have_text("", timeout=RESULT_TIMEOUT)
    count = int(page.locator("#search-status").inner_text().split()[0].replace("No", "0"))
    expect(page.locator("#search-results > li")).to_have_count(count, timeout=RESULT_TIMEOUT)
    titles: list[str] = page.locator("#search-results > li h2").all_inner_texts()
    return titles


def test_chinese_words_from_a_headline_and_a_body_are_found(page: Any,
                                                            multilingual_url: str) -> None:
    for query in ("发改委", "阶梯电价", "电价", "用电"):
        titles = _search(page, multilingual_url, query)
        assert titles[:1] == [TITLES["dianjia.md"]], query
    # A name the browser's dictionary lacks, split by it into single characters.
    assert _search(page, multilingual_url, "蓝鲸号") == [TITLES["jichang.md"]]
    assert _search(page, multilingual_url, "倉庫")[:1] == [TITLES["soko.md"]]
    assert sorted(_search(page, multilingual_url, "harbour")) == sorted(
        [TITLES["cranes.md"], TITLES["ferry.md"]]), "English on the same multilingual site"
    assert page.problems == []


def test_full_width_and_half_width_find_the_same_articles(page: Any,
                                                          multilingual_url: str) -> None:
    both = sorted([TITLES["ditie.md"], TITLES["jichang.md"]])
    for query in ("VIP", "ＶＩＰ", "vip"):
        assert sorted(_search(page, multilingual_url, query)) == both, query
    _expect()(page.locator("#search-status")).to_have_text("2 results for “vip”.")
    # The folded words are for the index only: the excerpt shows the article's own text.
    excerpts = page.locator("#search-results .summary").all_inner_texts()
    assert any("ＶＩＰ" in text for text in excerpts)
    assert page.problems == []


def test_the_language_filter_narrows_and_sorting_spans_languages(page: Any,
                                                                 multilingual_url: str) -> None:
    expect = _expect()
    page.goto(multilingual_url + "search/?q=harbour")
    status = page.locator("#search-status")
    expect(status).to_have_text("2 results for “harbour”.", timeout=RESULT_TIMEOUT)
    language = page.get_by_label("Language", exact=True)
    labels = language.locator("option").all_inner_texts()
    assert labels[0] == "Any"
    assert "English (2)" in labels and "日本語 (1)" in labels
    assert any(label.startswith("中文") and label.endswith("(3)") for label in labels)
    japanese = language.locator("option", has_text="日本語").get_attribute("value")
    page.get_by_role("searchbox").fill("")
    language.select_option(japanese)
    expect(status).to_have_text("1 result with the chosen filters.", timeout=RESULT_TIMEOUT)
    expect(page.locator("#search-results > li h2")).to_have_text([TITLES["soko.md"]])

    language.select_option("")
    page.get_by_label("Year", exact=True).select_option("2012")
    page.get_by_label("Order", exact=True).select_option("desc")
    expect(status).to_have_text("5 results with the chosen filters.", timeout=RESULT_TIMEOUT)
    expect(page.locator("#search-results > li h2")).to_have_text(
        [TITLES[name] for name in ("ditie.md", "cranes.md", "soko.md", "dianjia.md",
                                   "jichang.md")], timeout=RESULT_TIMEOUT)
    page.get_by_label("Order", exact=True).select_option("asc")
    expect(page.locator("#search-results > li h2")).to_have_text(
        [TITLES[name] for name in ("jichang.md", "dianjia.md", "soko.md", "cranes.md",
                                   "ditie.md")], timeout=RESULT_TIMEOUT)
    assert page.problems == []


def test_the_interface_strings_come_from_the_page(page: Any, multilingual_url: str) -> None:
    expect = _expect()
    page.goto(multilingual_url + "search/")
    strings = json.loads(page.locator("#search-strings").text_content())
    assert strings["filters"]["language"] == "Language"
    assert strings["counts"]["results_for"]["1"] == "{count} result for “{query}”."
    assert strings["counts"]["results_for"]["2"] == "{count} results for “{query}”."
    # The script uses what the page says: change the strings before it starts.
    page.route(lambda url: url.split("?")[0].endswith("/search/"), lambda route: route.fulfill(
        body=route.fetch().text().replace("{count} results for", "{count} Treffer für"),
        content_type="text/html; charset=utf-8"))
    page.goto(multilingual_url + "search/?q=harbour")
    expect(page.locator("#search-status")).to_have_text("2 Treffer für “harbour”.",
                                                        timeout=RESULT_TIMEOUT)
