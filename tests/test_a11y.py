"""axe-core finds no WCAG 2.1 A/AA violation on any template, in light and dark mode."""

from __future__ import annotations

from typing import Any

import pytest

from browser_fixtures import BuiltSite, require, require_module

expect = require_module("playwright.sync_api",
                        "playwright is not installed: pip install -e '.[test]'").expect
Axe = require_module("axe_playwright_python.sync_playwright",
                     "axe-playwright-python is not installed: pip install -e '.[test]'").Axe

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

#: One page of every template (and both front-page states), by site-relative URL.
PAGES = {
    "front": "",
    "front, older page": "page/1/",
    "article": "2000/12/28/iran-russia-reach-new-chapter-in-military-ties-leaving-us-fretting/",
    "article in French": "2002/11/09/le-port-de-lisbonne-rouvre-ses-quais/",
    "year": "1998/",
    "month": "1998/03/",
    "day": "1998/03/04/",
    "term": "places/lisbon/",
    "taxonomy overview": "places/",
    "topics": "topics/",
    "archive": "archive/",
    "search": "search/",
    "404": "404.html",
}
DARK = ("front", "article", "term", "search")


def _violations(page: Any) -> str:
    result = Axe().run(page, options=WCAG_21_AA)
    return "" if result.violations_count == 0 else result.generate_report()


@pytest.fixture(scope="module")
def axe_tab(browser: Any) -> Any:
    contexts = {}
    for scheme in ("light", "dark"):
        contexts[scheme] = browser.new_context(color_scheme=scheme,
                                               viewport={"width": 1280, "height": 800})
    try:
        yield {scheme: context.new_page() for scheme, context in contexts.items()}
    finally:
        for context in contexts.values():
            context.close()


CASES = [(name, "light") for name in PAGES] + [(name, "dark") for name in DARK]


@pytest.mark.parametrize(("name", "scheme"), CASES, ids=[f"{n}-{s}" for n, s in CASES])
def test_no_wcag_violations(axe_tab: Any, site_url: str, built_site: BuiltSite, name: str,
                            scheme: str) -> None:
    tab = axe_tab[scheme]
    tab.goto(site_url + PAGES[name])
    if name == "search":
        require(built_site.search_indexed, "Pagefind did not index the test site")
        tab.get_by_role("searchbox", name="Search the archive").fill("harbour")
        expect(tab.locator("#search-results > li").first).to_be_visible(timeout=15_000)
    report = _violations(tab)
    assert not report, f"axe on {name} ({scheme}):\n{report}"


def test_axe_reports_a_broken_page(axe_tab: Any) -> None:
    """The harness itself works: an unlabelled field and low contrast are found."""
    tab = axe_tab["light"]
    tab.set_content('<html lang="en"><title>x</title><main><h1>x</h1><input>'
                    '<p style="color:#bbb;background:#fff">faint</p></main></html>')
    result = Axe().run(tab, options=WCAG_21_AA)
    found = {v["id"] for v in result.response["violations"]}
    assert {"label", "color-contrast"} <= found
