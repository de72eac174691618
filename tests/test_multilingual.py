"""Direction and language of pages, and multilingual archives: the languages
taxonomy, per-language feeds, hreflang links between translations."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from newsarchive.config import Config

from sitekit import build_site, full_build_of, make_site, md, snapshot

CONFIG = "topics:\n  enabled: []\n"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ARTICLES: dict[str, str | bytes] = {
    "ar.md": md("Arabic story", "2020-01-02T10:00:00Z", "نص عربي عن الطقس في الرياض.", lang="ar",
                translation_key="weather"),
    "he.md": md("Hebrew story", "2020-01-03T10:00:00Z", "טקסט בעברית על מזג האוויר.",
                lang="iw"),
    "zh.md": md("Chinese story", "2020-01-04T10:00:00Z", "关于天气的中文消息。", lang="zh_cn",
                translation_key="weather"),
    "en.md": md("English story", "2020-01-05T10:00:00Z", "Weather news in English.",
                lang="en", translation_key="weather"),
    "u1.md": md("Same URL, English", "2020-01-06T10:00:00Z", "English text.", lang="en",
                original_url="https://example.org/story"),
    "u2.md": md("Same URL, French", "2020-01-07T10:00:00Z", "Texte en français.", lang="fr",
                original_url="https://example.org/story"),
}
PAGES = {"ar": "2020/01/02/arabic-story/index.html", "he": "2020/01/03/hebrew-story/index.html",
         "zh": "2020/01/04/chinese-story/index.html", "en": "2020/01/05/english-story/index.html",
         "u1": "2020/01/06/same-url-english/index.html",
         "u2": "2020/01/07/same-url-french/index.html"}


def _html_tag(path: Path) -> str:
    found = re.search(r"<html[^>]*>", path.read_text(encoding="utf-8"))
    assert found
    return found.group(0)


def _site(root: Path, language: str = "en", articles: dict[str, str | bytes] | None = None
          ) -> Config:
    return make_site(root, ARTICLES if articles is None else articles,
                     f"language: {language}\n{CONFIG}")


def test_html_lang_and_dir_per_page_on_an_english_site(tmp_path: Path) -> None:
    config = _site(tmp_path)
    build_site(config)
    out = config.output_dir
    assert _html_tag(out / PAGES["ar"]) == '<html lang="ar" dir="rtl">'
    assert _html_tag(out / PAGES["he"]) == '<html lang="he" dir="rtl">'
    assert _html_tag(out / PAGES["zh"]) == '<html lang="zh-CN">'
    assert _html_tag(out / PAGES["en"]) == '<html lang="en">'
    for page in ("index.html", "2020/01/02/index.html", "search/index.html",
                 "languages/ar/index.html"):
        assert _html_tag(out / page) == '<html lang="en">'
    arabic = (out / PAGES["ar"]).read_text(encoding="utf-8")
    # The site's own header and footer keep the site's language and direction.
    assert '<header class="site-header" lang="en" dir="ltr">' in arabic
    assert '<footer class="site-footer" lang="en" dir="ltr">' in arabic
    assert '<header class="site-header">' in (out / PAGES["en"]).read_text(encoding="utf-8")


def test_html_lang_and_dir_per_page_on_an_arabic_site(tmp_path: Path) -> None:
    config = _site(tmp_path, "ar")
    build_site(config)
    out = config.output_dir
    assert _html_tag(out / PAGES["ar"]) == '<html lang="ar" dir="rtl">'
    assert _html_tag(out / PAGES["he"]) == '<html lang="he" dir="rtl">'
    assert _html_tag(out / PAGES["zh"]) == '<html lang="zh-CN">'
    assert _html_tag(out / PAGES["en"]) == '<html lang="en">'
    for page in ("index.html", "2020/01/02/index.html", "search/index.html", "archive/index.html",
                 "languages/en/index.html"):
        assert _html_tag(out / page) == '<html lang="ar" dir="rtl">'
    english = (out / PAGES["en"]).read_text(encoding="utf-8")
    assert '<header class="site-header" lang="ar" dir="rtl">' in english
    listing = (out / "index.html").read_text(encoding="utf-8")
    assert '<article class="card" lang="en" dir="ltr">' in listing
    assert '<article class="card">' in listing  # the Arabic article: as the page
    assert 'dir="auto">English story</a>' in listing


def test_css_has_no_physical_left_or_right() -> None:
    css = (Path(__file__).parent.parent / "static" / "style.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    physical = re.findall(r"(?<![\w-])(?:[\w-]*-)?(?:left|right)(?:-[\w-]+)?\s*:|"
                          r":\s*(?:left|right)\b|float\s*:", css)
    assert physical == []
    assert ":dir(rtl)" in css


def test_languages_taxonomy_only_with_two_languages(tmp_path: Path) -> None:
    one = make_site(tmp_path / "one", {
        "a.md": md("A", "2020-01-02T10:00:00Z", "Text.", lang="en-US"),
        "b.md": md("B", "2020-01-03T10:00:00Z", "Text.", lang="en-GB"),
    }, CONFIG)
    build_site(one)
    assert not (one.output_dir / "languages").exists()
    assert "languages" not in (one.output_dir / "2020/01/02/a/index.html").read_text()
    assert "hreflang" not in (one.output_dir / "index.html").read_text()
    config = _site(tmp_path / "many")
    build_site(config)
    out = config.output_dir
    overview = (out / "languages/index.html").read_text(encoding="utf-8")
    assert '<a href="../languages/ar/index.html" lang="ar" dir="rtl">العربية</a>' in overview
    assert '<a href="../languages/zh/index.html" lang="zh" dir="ltr">中文</a>' in overview
    term = (out / "languages/ar/index.html").read_text(encoding="utf-8")
    assert '<h1 lang="ar" dir="rtl">العربية</h1>' in term
    assert "Arabic story" in term and "Hebrew story" not in term
    article = (out / PAGES["zh"]).read_text(encoding="utf-8")
    assert 'lang="zh" dir="ltr">中文</a>' in article


def test_per_language_feeds(tmp_path: Path) -> None:
    config = _site(tmp_path)
    build_site(config)
    out = config.output_dir
    for tag, title in (("ar", "Arabic story"), ("he", "Hebrew story"), ("zh", "Chinese story")):
        feed = ET.parse(out / "languages" / tag / "feed.xml").getroot()
        assert feed.tag == f"{ATOM}feed" and feed.get(XML_LANG) == tag
        for name in ("id", "title", "updated"):
            assert feed.find(f"{ATOM}{name}") is not None
        assert [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")] == [title]
    front = (out / "index.html").read_text(encoding="utf-8")
    # hreflang alternates are absolute, as search engines (and Lighthouse) require
    assert ('<link rel="alternate" type="application/atom+xml" hreflang="ar" title="العربية" '
            'href="http://localhost:8000/languages/ar/feed.xml">') in front


def _alternates(path: Path) -> set[tuple[str, str]]:
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', text))


def test_hreflang_links_both_ways(tmp_path: Path) -> None:
    config = _site(tmp_path)
    build_site(config)
    out = config.output_dir
    base = "http://localhost:8000/"
    group = {("ar", base + "2020/01/02/arabic-story/"),
             ("zh-CN", base + "2020/01/04/chinese-story/"),
             ("en", base + "2020/01/05/english-story/")}
    for name in ("ar", "zh", "en"):
        assert _alternates(out / PAGES[name]) == group
    assert _alternates(out / PAGES["he"]) == set()
    pair = {("en", base + "2020/01/06/same-url-english/"),
            ("fr", base + "2020/01/07/same-url-french/")}
    assert _alternates(out / PAGES["u1"]) == _alternates(out / PAGES["u2"]) == pair
    english = (out / PAGES["en"]).read_text(encoding="utf-8")
    assert ('<a href="../../../../2020/01/02/arabic-story/index.html" hreflang="ar" lang="ar" '
            'dir="rtl">العربية</a>') in english
    assert 'hreflang="zh-CN" lang="zh-CN" dir="ltr">中文</a>' in english




def _edit(config: Config, name: str, old: str, new: str) -> None:
    path = config.source_dir / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_incremental_equals_full_after_translation_and_language_edits(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    build_site(config)
    _edit(config, "zh.md", "translation_key: weather", "translation_key: other")
    build_site(config)
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)
    assert "中文" not in (config.output_dir / PAGES["ar"]).read_text(encoding="utf-8")
    _edit(config, "he.md", "lang: iw", "lang: ar\ntranslation_key: other")
    build_site(config)
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)
    # Hebrew page now tagged ar and keyed "other" with the Chinese one: a pair.
    assert {lang for lang, _ in _alternates(config.output_dir / PAGES["zh"])} == {"ar", "zh-CN"}
    _edit(config, "u2.md", "original_url: https://example.org/story",
          "original_url: https://example.org/other")
    build_site(config)
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)
    assert _alternates(config.output_dir / PAGES["u1"]) == set()
