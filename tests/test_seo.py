"""Sharing and SEO: canonical links, OpenGraph, meta descriptions and safe JSON-LD."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from browser_fixtures import BASE_URL, HOSTILE_TITLE, BuiltSite
from newsarchive.pipeline.render import json_ld

FLOODS = "1998/03/04/floods-close-the-old-harbour/"
SEED = "2000/12/28/iran-russia-reach-new-chapter-in-military-ties-leaving-us-fretting/"


class _Head(HTMLParser):
    """Collects meta tags, link rels, JSON-LD blocks and h1/main counts of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, str] = {}
        self.json_ld: list[Any] = []
        self.counts: dict[str, int] = {}
        self._in_ld = False
        self._ld_text = ""
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.counts[tag] = self.counts.get(tag, 0) + 1
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta.setdefault(a.get("property") or a["name"], []).append(a["content"])
        elif tag == "link" and "rel" in a:
            self.links.setdefault(a["rel"], a["href"])
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld, self._ld_text = True, ""
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_ld:
            self.json_ld.append(json.loads(self._ld_text))
            self._in_ld = False
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self._ld_text += data
        elif self._in_title:
            self.title += data


def parse(path: Path) -> _Head:
    head = _Head()
    head.feed(path.read_text(encoding="utf-8"))
    return head


def one(head: _Head, key: str) -> str:
    values = head.meta.get(key, [])
    assert len(values) == 1, f"{key}: {values}"
    return values[0]


def test_article_page_sharing_tags(built_site: BuiltSite) -> None:
    head = parse(built_site.output / FLOODS / "index.html")
    assert head.links["canonical"] == BASE_URL + FLOODS
    description = "Heavy rain flooded the harbour district of Lisbon for a second day."
    assert one(head, "description") == description
    assert one(head, "og:description") == description
    assert one(head, "og:title") == "Floods close the old harbour"
    assert one(head, "og:type") == "article"
    assert one(head, "og:url") == BASE_URL + FLOODS
    assert one(head, "og:site_name") == "Harbour Times Archive"
    assert one(head, "article:published_time") == "1998-03-04T09:30:00+00:00"
    assert one(head, "article:modified_time") == "1998-03-04T09:30:00+00:00"
    assert head.meta["article:tag"] == [
        "Portugal", "Lisbon", "João Mendes", "Lisbon Port Authority", "Weather"]
    assert one(head, "twitter:card") == "summary"


def test_article_json_ld(built_site: BuiltSite) -> None:
    article, crumbs = parse(built_site.output / FLOODS / "index.html").json_ld
    assert article == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Floods close the old harbour",
        "description": "Heavy rain flooded the harbour district of Lisbon for a second day.",
        "url": BASE_URL + FLOODS,
        "mainEntityOfPage": {"@type": "WebPage", "@id": BASE_URL + FLOODS},
        "datePublished": "1998-03-04T09:30:00+00:00",
        "dateModified": "1998-03-04T09:30:00+00:00",
        "inLanguage": "en",
        "author": [{"@type": "Person", "name": "Ana Reis"}],
        "publisher": {"@type": "Organization", "name": "Coast Gazette"},
        "dateline": "LISBON",
        "keywords": ["Portugal", "Lisbon", "João Mendes", "Lisbon Port Authority", "Weather"],
        "isPartOf": {"@type": "WebSite", "name": "Harbour Times Archive", "url": BASE_URL},
    }
    assert crumbs == {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Archive", "item": BASE_URL + "archive/"},
            {"@type": "ListItem", "position": 2, "name": "1998", "item": BASE_URL + "1998/"},
            {"@type": "ListItem", "position": 3, "name": "March 1998",
             "item": BASE_URL + "1998/03/"},
            {"@type": "ListItem", "position": 4, "name": "March 4, 1998",
             "item": BASE_URL + "1998/03/04/"},
            {"@type": "ListItem", "position": 5, "name": "Floods close the old harbour",
             "item": BASE_URL + FLOODS},
        ],
    }


def test_seed_json_ld_names_source_agency_and_dateline(built_site: BuiltSite) -> None:
    article = parse(built_site.output / SEED / "index.html").json_ld[0]
    assert article["publisher"] == {"@type": "Organization", "name": "Al Bawaba"}
    assert article["author"] == [{"@type": "Organization", "name": "AFP"}]
    assert article["sourceOrganization"] == {"@type": "Organization", "name": "AFP"}
    assert article["dateline"] == "TEHRAN"
    assert article["copyrightNotice"] == "© 2000 Al Bawaba (www.albawaba.com)"


def test_hostile_title_cannot_leave_the_json_ld_script(built_site: BuiltSite) -> None:
    path = next(built_site.output.glob("1990/01/15/*/index.html"))
    html = path.read_text(encoding="utf-8")
    head = parse(path)
    assert head.json_ld[0]["headline"] == HOSTILE_TITLE
    assert head.json_ld[1]["itemListElement"][-1]["name"] == HOSTILE_TITLE
    assert head.counts["script"] == 2, "no script element was injected"
    start = html.index('<script type="application/ld+json">')
    block = html[start:html.index("</script>", start)]
    assert "<" not in block[len('<script type="application/ld+json">'):]
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in block
    assert "\\u0026 \\u003cb\\u003etags" in block


def test_json_ld_filter_escapes_and_drops_empty_values() -> None:
    value = {"@type": "NewsArticle", "headline": "</script><!-- & \u2028",
             "author": [], "dateline": "", "image": None, "about": [{"name": ""}],
             "datePublished": datetime(2000, 12, 28, 2, tzinfo=UTC), "position": 0}
    text = str(json_ld(value))
    assert text == ('{"@type":"NewsArticle","headline":"\\u003c/script\\u003e\\u003c!-- '
                    '\\u0026 \\u2028","datePublished":"2000-12-28T02:00:00+00:00",'
                    '"position":0}')
    assert json.loads(text)["headline"] == "</script><!-- & \u2028"


@pytest.mark.parametrize(("character", "escape"), [
    ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029")])
def test_json_ld_escapes_each_unsafe_character_alone(character: str, escape: str) -> None:
    text = str(json_ld({"headline": f"a{character}b", "about": "plain"}))
    assert text == f'{{"headline":"a{escape}b","about":"plain"}}'
    assert character not in text
    assert str(json_ld({"headline": "a\u00b7b"})) == '{"headline":"a\u00b7b"}'


def test_front_page_is_a_website_with_a_search_action(built_site: BuiltSite) -> None:
    head = parse(built_site.output / "index.html")
    assert one(head, "og:type") == "website"
    assert head.links["canonical"] == BASE_URL
    assert one(head, "description") == "Thirty years of harbour and shipping news, searchable."
    (site,) = head.json_ld
    assert site["@type"] == "WebSite"
    assert site["url"] == BASE_URL
    assert site["potentialAction"]["target"]["urlTemplate"] == (
        BASE_URL + "search/?q={search_term_string}")


def test_listing_pages_describe_themselves(built_site: BuiltSite) -> None:
    term = parse(built_site.output / "places" / "lisbon" / "index.html")
    assert one(term, "description") == (
        "Articles in Harbour Times Archive filed under Lisbon (place): 3 in all.")
    assert [c["name"] for c in term.json_ld[0]["itemListElement"]] == [
        "Topics", "Places", "Lisbon"]
    day = parse(built_site.output / "1998" / "03" / "04" / "index.html")
    assert one(day, "description") == (
        "Articles from March 4, 1998 in Harbour Times Archive: 1 in all.")
    assert [c["item"] for c in day.json_ld[0]["itemListElement"]] == [
        BASE_URL + "archive/", BASE_URL + "1998/", BASE_URL + "1998/03/",
        BASE_URL + "1998/03/04/"]


def test_not_found_page_is_not_indexed(built_site: BuiltSite) -> None:
    head = parse(built_site.output / "404.html")
    assert one(head, "robots") == "noindex"
    assert "canonical" not in head.links


def test_every_page_has_title_description_one_h1_and_one_main(built_site: BuiltSite) -> None:
    for path in built_site.html_files():
        head = parse(path)
        name = path.relative_to(built_site.output).as_posix()
        assert head.title.strip(), name
        assert one(head, "description").strip(), name
        assert one(head, "og:title").strip(), name
        assert head.counts.get("h1") == 1, name
        assert head.counts.get("main") == 1, name
        assert head.links.get("icon"), name
        if name != "404.html":
            assert head.links["canonical"].startswith(BASE_URL), name
