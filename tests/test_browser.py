"""The built site in headless Chromium, served under /archive/: navigation by clicking,
search, keyboard use, pages without JavaScript, and the README's screenshots."""

from __future__ import annotations

import json
from typing import Any

from browser_fixtures import (
    DESKTOP,
    HOSTILE_TITLE,
    PHONE,
    REPO,
    BuiltSite,
    require,
    require_module,
)

expect = require_module("playwright.sync_api",
                        "playwright is not installed: pip install -e '.[test]'").expect

SEED_TITLE = "Iran, Russia Reach ‘New Chapter’ in Military Ties, Leaving US Fretting"
SEED_URL = "2000/12/28/iran-russia-reach-new-chapter-in-military-ties-leaving-us-fretting/"
RESULT_TIMEOUT = 15_000


def test_front_page_to_article_to_term_to_year(page: Any, site_url: str) -> None:
    page.goto(site_url)
    expect(page.locator("h1")).to_have_text("Harbour Times Archive")
    page.get_by_role("link", name="Parliament debates the port budget").click()
    expect(page.locator("h1")).to_have_text("Parliament debates the port budget")
    assert page.url == site_url + "2001/05/02/parliament-debates-the-port-budget/index.html"

    page.get_by_role("link", name="Portugal", exact=True).click()
    expect(page.locator("h1")).to_have_text("Portugal")
    assert page.url == site_url + "places/portugal/index.html"
    # the term's newest page lists the article the reader came from
    expect(page.get_by_role("main").get_by_role(
        "link", name="Parliament debates the port budget")).to_be_visible()

    page.get_by_role("navigation", name="Site").get_by_role("link", name="Archive").click()
    expect(page.locator("h1")).to_have_text("Archive")
    page.get_by_role("link", name="2001", exact=True).click()
    expect(page.locator("h1")).to_have_text("2001")
    assert page.url == site_url + "2001/index.html"
    expect(page.get_by_role("link", name="Parliament debates the port budget")).to_be_visible()
    assert page.problems == []


def test_front_page_pagination_and_period_breadcrumbs(page: Any, site_url: str) -> None:
    page.goto(site_url)
    page.get_by_role("navigation", name="Pagination").get_by_role(
        "link", name="Oldest articles").click()  # the 1990 article is the oldest
    expect(page.get_by_role("link", name=HOSTILE_TITLE)).to_be_visible()
    page.get_by_role("link", name=HOSTILE_TITLE).click()
    expect(page.locator("h1")).to_have_text(HOSTILE_TITLE)
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    crumbs.get_by_role("link", name="January").click()
    expect(page.locator("h1")).to_have_text("January 1990")
    assert page.problems == []


def test_search_finds_a_word_of_the_seed_and_opens_it(page: Any, site_url: str,
                                                      built_site: BuiltSite) -> None:
    require(built_site.search_indexed, "Pagefind did not index the test site: "
            "pip install 'pagefind[bin]'")
    page.goto(site_url + "search/")
    box = page.get_by_role("searchbox", name="Search the archive")
    box.fill("Shamkhani")
    status = page.locator("#search-status")
    expect(status).to_have_text("1 result for “Shamkhani”.", timeout=RESULT_TIMEOUT)
    result = page.locator("#search-results > li")
    expect(result).to_have_count(1)
    expect(result.locator(".meta")).to_have_text("December 28, 2000 · Al Bawaba")
    expect(result.locator(".summary mark").first).to_contain_text("Shamkhani")
    assert page.url.endswith("search/?q=Shamkhani")

    result.get_by_role("link", name=SEED_TITLE).click()
    expect(page.locator("h1")).to_have_text(SEED_TITLE)
    assert page.url == site_url + SEED_URL
    assert page.problems == []


def test_search_filters_by_year_taxonomy_and_source(page: Any, site_url: str,
                                                    built_site: BuiltSite) -> None:
    require(built_site.search_indexed, "Pagefind did not index the test site")
    page.goto(site_url + "search/?q=harbour")
    status = page.locator("#search-status")
    expect(status).to_have_text("2 results for “harbour”.", timeout=RESULT_TIMEOUT)
    for label in ("Year", "Place", "Person", "Organization", "Subject", "Source", "Author",
                  "Order"):
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    page.get_by_label("Year", exact=True).select_option("1998")
    expect(status).to_have_text("1 result for “harbour” with the chosen filters.",
                                timeout=RESULT_TIMEOUT)
    expect(page.locator("#search-results > li h2")).to_have_text("Floods close the old harbour")

    page.get_by_label("Year", exact=True).select_option("")
    page.get_by_role("searchbox", name="Search the archive").fill("")
    page.get_by_label("Source", exact=True).select_option("Coast Gazette")
    page.get_by_label("Order", exact=True).select_option("asc")
    expect(status).to_have_text("2 results with the chosen filters.", timeout=RESULT_TIMEOUT)
    expect(page.locator("#search-results > li h2")).to_have_text(
        ["Floods close the old harbour", "Harbour reopens after a year of repairs"])
    page.get_by_label("Source", exact=True).select_option("")
    page.get_by_label("Place", exact=True).select_option("Lisbon")
    page.get_by_label("Order", exact=True).select_option("desc")
    expect(page.locator("#search-results > li h2")).to_have_text(
        ["Le port de Lisbonne rouvre ses quais", "Harbour reopens after a year of repairs",
         "Floods close the old harbour"], timeout=RESULT_TIMEOUT)
    assert page.problems == []


def test_search_page_without_javascript_points_to_the_archive(browser: Any,
                                                              site_url: str) -> None:
    # Chromium still parses <noscript> as raw text when a context disables scripts, so
    # the message is read from the markup; the hidden form must not show either way.
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(site_url + "search/")
        expect(tab.get_by_role("searchbox")).to_have_count(0)
        message = tab.locator("noscript").inner_html()
        assert "Search needs JavaScript" in message
        assert 'href="../archive/index.html"' in message
        tab.goto(site_url + "archive/index.html")
        expect(tab.locator("h1")).to_have_text("Archive")
    finally:
        context.close()


def test_search_page_without_an_index_says_search_is_unavailable(page: Any,
                                                                  site_url: str) -> None:
    page.route("**/pagefind/**", lambda route: route.fulfill(status=404, body="missing"))
    page.goto(site_url + "search/")
    expect(page.get_by_text("Search is not available here")).to_be_visible()
    expect(page.get_by_role("searchbox")).to_have_count(0)
    expect(page.get_by_role("link", name="archive by date")).to_be_visible()


def test_hostile_title_stays_text_and_json_ld_parses(page: Any, site_url: str) -> None:
    page.goto(site_url + "1990/01/15/")
    page.get_by_role("link", name=HOSTILE_TITLE).click()
    expect(page.locator("h1")).to_have_text(HOSTILE_TITLE)
    blocks = page.locator('script[type="application/ld+json"]').all_text_contents()
    data = [json.loads(text) for text in blocks]
    assert data[0]["@type"] == "NewsArticle"
    assert data[0]["headline"] == HOSTILE_TITLE
    assert data[1]["itemListElement"][-1]["name"] == HOSTILE_TITLE
    assert page.locator("script:not([type])").count() == 0
    assert page.problems == []


def test_keyboard_skip_link_and_visible_focus(page: Any, site_url: str) -> None:
    page.goto(site_url)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the focused skip link is on screen"
    outline = skip.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline not in ("none", ""), "focus is visible"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_dark_mode_follows_the_system(browser: Any, site_url: str) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        try:
            tab = context.new_page()
            tab.goto(site_url)
            colours[scheme] = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        finally:
            context.close()
    assert colours["light"] != colours["dark"]


def test_screenshots_at_phone_and_desktop_widths(browser: Any, site_url: str) -> None:
    """Writes docs/screenshot-desktop.png (the README's) and docs/screenshot-phone.png."""
    docs = REPO / "docs"
    docs.mkdir(exist_ok=True)
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, color_scheme="light",
                                      device_scale_factor=1, is_mobile=name == "phone")
        try:
            tab = context.new_page()
            tab.goto(site_url + SEED_URL)
            expect(tab.locator("h1")).to_have_text(SEED_TITLE)
            width = tab.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"no sideways scrolling at {name} width"
            path = docs / f"screenshot-{name}.png"
            tab.screenshot(path=str(path), animations="disabled", caret="hide")
            assert path.stat().st_size > 10_000
        finally:
            context.close()
