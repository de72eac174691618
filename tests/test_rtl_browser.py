"""An Arabic archive in Chromium: pages laid out right to left, an Arabic interface,
Arabic search, no WCAG violation; and the README's Arabic screenshots.

The site (``language: ar``, four Arabic articles written for this test) is built
with the real command line and served under ``/archive/`` on 127.0.0.1.  The
screenshots go to ``docs/screenshot-ar-{article,listing,search}-{desktop,phone}.png``.
Like the other browser tests, these skip locally without Chromium or Playwright
and fail under ``CI=true``.
"""

from __future__ import annotations

import functools
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from browser_fixtures import (
    DESKTOP,
    PHONE,
    REPO,
    QuietHandler,
    fail,
    require_module,
    require_pagefind,
)

Axe = require_module("axe_playwright_python.sync_playwright",
                     "axe-playwright-python is not installed: pip install -e '.[test]'").Axe
expect = require_module("playwright.sync_api",
                        "playwright is not installed: pip install -e '.[test]'").expect

SOURCE = "صحيفة المدينة"
ARTICLES = {
    "maktaba.md": ("افتتاح مكتبة عامة جديدة في وسط المدينة", "2015-07-23T09:00:00+03:00",
                   "افتتحت البلدية يوم الخميس مكتبة عامة جديدة في وسط المدينة، تضم أكثر من "
                   "عشرين ألف كتاب وقاعة للقراءة مفتوحة للطلاب حتى منتصف الليل.\n\n"
                   "وقال رئيس البلدية إن المكتبة ستنظم ورشا أسبوعية للأطفال، وإن الدخول "
                   "إليها مجاني لجميع السكان."),
    "tariq.md": ("إغلاق طريق الساحل لأعمال الصيانة", "2015-07-23T15:30:00+03:00",
                 "أعلنت وزارة النقل إغلاق طريق الساحل لمدة أسبوع لإجراء أعمال صيانة عاجلة، "
                 "ودعت السائقين إلى استخدام الطرق البديلة خلال ساعات الذروة."),
    "tamr.md": ("ارتفاع أسعار التمور مع بداية موسم الحصاد", "2015-07-22T11:00:00+03:00",
                "ارتفعت أسعار التمور في الأسواق المحلية هذا الأسبوع مع بداية موسم الحصاد، "
                "بسبب قلة الأمطار في الربيع الماضي.\n\nويتوقع التجار أن تعود الأسعار إلى "
                "مستواها المعتاد خلال شهرين."),
    "kaas.md": ("فريق المدينة يفوز بكأس البطولة الإقليمية", "2015-06-30T21:00:00+03:00",
                "فاز فريق المدينة لكرة القدم بكأس البطولة الإقليمية بعد مباراة نهائية مثيرة "
                "انتهت بهدفين مقابل هدف واحد.\n\nواحتفل المشجعون في الشوارع حتى ساعة متأخرة "
                "من الليل."),
}
DAY = "2015/07/23/"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                     "wcag21aa"]}}


def _markdown(title: str, date: str, body: str) -> str:
    return f"---\ntitle: {title}\ndate: {date}\nsource: {SOURCE}\n---\n{body}\n"


@pytest.fixture(scope="module")
def arabic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(URL, output folder) of the Arabic site served at ``http://127.0.0.1:PORT/archive/``."""
    require_pagefind()
    work = tmp_path_factory.mktemp("arabic")
    source = work / "articles"
    source.mkdir()
    for name, (title, date, body) in ARTICLES.items():
        (source / name).write_text(_markdown(title, date, body), encoding="utf-8")
    (work / "archive.yaml").write_text(
        "title: أرشيف المدينة\ndescription: أخبار المدينة منذ عام 2015.\nlanguage: ar\n"
        "timezone: Asia/Riyadh\n", encoding="utf-8")
    output = work / "www" / "archive"
    handler = functools.partial(QuietHandler, directory=str(work / "www"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}/archive/"
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--config", "archive.yaml",
         "--source", "articles", "--output", str(output), "--base-url", url],
        cwd=work, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        fail(f"building the Arabic site failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url, output
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _article_path(output: Path, title: str) -> str:
    for page in sorted(output.glob("2015/*/*/*/index.html")):
        if f">{title}</h1>" in page.read_text(encoding="utf-8"):
            return page.parent.relative_to(output).as_posix() + "/"
    raise AssertionError(f"no page for {title}")


def _box(tab: Any, selector: str) -> dict[str, float]:
    box = tab.locator(selector).first.bounding_box()
    assert box is not None, selector
    return dict(box)


def test_pages_are_laid_out_right_to_left_in_arabic(browser: Any,
                                                    arabic: tuple[str, Path]) -> None:
    url, output = arabic
    article = _article_path(output, ARTICLES["maktaba.md"][0])
    context = browser.new_context(viewport=DESKTOP)
    try:
        tab = context.new_page()
        tab.goto(url + article)
        assert tab.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
            "ar", "rtl"]
        # The site's title starts the header on the right; the navigation ends it on the left.
        title, nav = _box(tab, ".site-title"), _box(tab, ".site-nav")
        assert title["x"] > nav["x"] + nav["width"] - 1
        # The article comes first, on the right; the topics aside is on its left.
        body, aside = _box(tab, "article.article"), _box(tab, ".article-aside")
        assert aside["x"] + aside["width"] <= body["x"] + 1
        # Breadcrumbs read from the right: the archive first, then the year, month, day.
        crumbs = tab.locator(".breadcrumbs li")
        xs = [crumbs.nth(i).bounding_box()["x"] for i in range(crumbs.count())]
        assert xs == sorted(xs, reverse=True) and len(xs) == 4
        # The interface speaks Arabic, dates included.
        expect(crumbs.first).to_have_text("الأرشيف")
        expect(tab.locator(".article-header time")).to_have_text("23 يوليو 2015")
        # Previous/next: "previous" (older) on the right, as the reading order goes.
        expect(tab.locator(".prev-next a[rel=prev] .label")).to_have_text("المقال السابق")
    finally:
        context.close()


def test_arabic_search_finds_a_body_word_and_lists_results_right_to_left(
        browser: Any, arabic: tuple[str, Path]) -> None:
    url, _ = arabic
    context = browser.new_context(viewport=DESKTOP)
    try:
        tab = context.new_page()
        tab.goto(url + "search/?q=الحصاد")
        results = tab.locator("#search-results > li")
        expect(results).to_have_count(1, timeout=20_000)
        expect(results.first.locator("h2")).to_have_text(ARTICLES["tamr.md"][0])
        assert results.first.evaluate("e => getComputedStyle(e).direction") == "rtl"
        label = tab.locator("label[for=search-query]")
        assert label.inner_text().strip() and not label.inner_text().isascii()
    finally:
        context.close()


@pytest.mark.parametrize("name", ["article", "listing", "search"])
def test_no_wcag_violations_on_arabic_pages_and_screenshots(
        browser: Any, arabic: tuple[str, Path], name: str) -> None:
    """axe finds nothing at either width; writes the README's Arabic screenshots."""
    url, output = arabic
    paths = {"article": _article_path(output, ARTICLES["maktaba.md"][0]), "listing": DAY,
             "search": "search/?q=المكتبة"}
    docs = REPO / "docs"
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, color_scheme="light",
                                      device_scale_factor=1, is_mobile=width == "phone")
        try:
            tab = context.new_page()
            tab.goto(url + paths[name])
            if name == "search":
                expect(tab.locator("#search-results > li").first).to_be_visible(timeout=20_000)
            scroll = tab.evaluate("document.documentElement.scrollWidth")
            assert scroll <= viewport["width"], f"no sideways scrolling at {width} width"
            found = Axe().run(tab, options=WCAG_21_AA)
            assert found.violations_count == 0, found.generate_report()
            path = docs / f"screenshot-ar-{name}-{width}.png"
            tab.screenshot(path=str(path), animations="disabled", caret="hide")
            assert path.stat().st_size > 10_000
        finally:
            context.close()
