"""Taxonomies declared in archive.yaml: the table, its validation, and whole builds."""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from newsarchive.cli import main
from newsarchive.config import load_config, parse_config
from newsarchive.errors import ConfigError
from newsarchive.model import TAXONOMIES
from newsarchive.pipeline.read import read_source
from newsarchive.pipeline.read.fields import TERM_KEYS
from newsarchive.pipeline.read.serialize import to_page
from newsarchive.taxonomy import BUILTIN, Taxonomy, parse_taxonomies

from sitekit import NO_TOPICS, build_site, full_build_of, make_site, md, snapshot

SECTIONS = ("taxonomies:\n"
            "  section: {singular: Section, plural: Sections, keys: [section, sections]}\n")
CONFIG = NO_TOPICS + "search: false\n" + SECTIONS
ARTICLES: dict[str, str | bytes] = {
    "final.md": md("Cup final ends in a draw", "2001-05-20T10:00:00Z", "A 1–1 draw.",
                   section="Sport", topics="[Football]"),
    "derby.md": md("Late goal settles the derby", "2001-06-02T10:00:00Z", "In the 90th minute.",
                   Section="sport"),
    "budget.md": md("Parliament passes the budget", "2001-03-14T09:00:00Z", "Narrowly.",
                    sections="[Politics, Economy]"),
}


def _source(name: str) -> bytes:
    text = ARTICLES[name]
    return text.encode() if isinstance(text, str) else text


def _tags(page: str) -> list[str]:
    return re.findall(r'<meta property="article:tag" content="([^"]*)">', page)


def _read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


# -- the table ------------------------------------------------------------------------


def test_default_table_is_the_builtins_in_order(tmp_path: Path) -> None:
    config = load_config(None, tmp_path)
    assert config.taxonomies == BUILTIN
    assert tuple(t.name for t in config.taxonomies) == TAXONOMIES == (
        "topics", "places", "people", "organizations", "subjects", "sources", "authors",
        "languages")
    assert dict(config.read.term_keys) == dict(TERM_KEYS)
    assert parse_taxonomies(None) == (BUILTIN, [])
    assert parse_taxonomies({}) == (BUILTIN, [])


def test_forms_of_an_entry() -> None:
    table, problems = parse_taxonomies({
        "section": {"singular": "Section", "plural": "Sections", "keys": ["Sections", "desk"]},
        "beat": "Beat",
        "news-agency": None,
        "box": {"facet": False, "feeds": False, "keywords": False},
        "places": {"plural": "Locations"},
        "people": "Figure",
    })
    assert problems == []
    assert [t.name for t in table] == [*TAXONOMIES, "section", "beat", "news-agency", "box"]
    by_name = {t.name: t for t in table}
    assert by_name["section"] == Taxonomy("section", "Section", "Sections",
                                          ("section", "sections", "desk"))
    assert by_name["beat"] == Taxonomy("beat", "Beat", "Beats", ("beat",))
    assert by_name["news-agency"] == Taxonomy("news-agency", "News agency", "News agencies",
                                              ("news-agency",))
    assert by_name["box"] == Taxonomy("box", "Box", "Boxes", ("box",), keywords=False,
                                      facet=False, feeds=False)
    assert by_name["places"] == dataclasses.replace(BUILTIN[1], plural="Locations")
    assert (by_name["people"].singular, by_name["people"].plural) == ("Figure", "Figures")
    assert by_name["people"].keys == ("people",) and by_name["people"].derived


def test_bad_entries_are_config_errors_at_the_taxonomies_line(tmp_path: Path) -> None:
    text = ("title: Gazette\n"
            "taxonomies:\n"
            "  Big Desk: Desk\n"
            "  page: Page\n"
            "  2001: Year\n"
            "  topics: {keys: [section]}\n"
            "  beat: {keys: [tags]}\n"
            "  source: Outlet\n"
            "  wire: {singular: \"Wi\\x07re\", colour: red, facet: maybe}\n"
            "  desk: [a, b]\n")
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "archive.yaml", tmp_path)
    found = [(d.path, d.line, d.message, d.hint) for d in caught.value.diagnostics]
    assert {(path, line) for path, line, _, _ in found} == {("archive.yaml", 2)}
    slug_hint = ("use lower-case ASCII letters, digits and inner hyphens, starting with a "
                 "letter, at most 40 characters, e.g. 'section' or 'news-desk'")
    assert [(message, hint) for _, _, message, hint in found] == [
        ("taxonomy name 'Big Desk' is not a URL slug", slug_hint),
        ("taxonomy name 'page' is taken: the site's page/ folder holds the older pages of "
         "the front page (page/2/)", "choose another name"),
        ("taxonomy name '2001' is not a URL slug", slug_hint),
        ("the keys of the built-in taxonomy 'topics' cannot be changed",
         "only its labels and flags can (singular, plural, facet, feeds, keywords); "
         "declare a new taxonomy for other keys"),
        ("key 'tags' of taxonomy 'beat' already feeds the taxonomy 'topics'",
         "a key feeds one taxonomy; remove it from one of them"),
        ("key 'source' of taxonomy 'source' is already read as the article's source",
         "choose another name"),
        ("unknown setting 'colour' of taxonomy 'wire'",
         "settings: facet, feeds, keys, keywords, plural, singular"),
        ("the singular label of taxonomy 'wire' holds a control character: 'Wi\\x07re'",
         "remove it from archive.yaml"),
        ("'facet' of taxonomy 'wire' must be true or false, not 'maybe'", "e.g. `facet: false`"),
        ("taxonomy 'desk' must be a label or a mapping of settings, not ['a', 'b']",
         "e.g. `section: {singular: Section, plural: Sections, keys: [section, desk]}`"),
    ]


def test_reserved_folders_and_shared_keys_are_refused() -> None:
    for name in ("archive", "search", "static", "undated", "pagefind", "page"):
        _, problems = parse_taxonomies({name: None})
        assert len(problems) == 1
        assert problems[0][0].startswith(
            f"taxonomy name '{name}' is taken: the site's {name}/ folder holds ")
    for name in ("2000", "feed.xml", "a/b", "x" * 41, "-x", "x-"):
        _, problems = parse_taxonomies({name: None})
        assert problems[0][0] == f"taxonomy name {name!r} is not a URL slug"
    _, problems = parse_taxonomies({"section": {"keys": ["desk"]}, "desk": None})
    assert problems == [("key 'desk' of taxonomy 'desk' already feeds the taxonomy 'section'",
                         "choose another name")]
    _, problems = parse_taxonomies({"section": {"keys": ["title", "places"]}})
    assert [m for m, _ in problems] == [
        "key 'title' of taxonomy 'section' is already read as the article's title",
        "key 'places' of taxonomy 'section' already feeds the taxonomy 'places'"]
    _, problems = parse_taxonomies(["section"])
    assert problems[0][0] == "'taxonomies' must be a mapping of taxonomy names to their settings"


# -- reading and writing ----------------------------------------------------------------


def test_front_matter_records_and_written_pages_carry_the_terms(tmp_path: Path) -> None:
    config = make_site(tmp_path, {}, CONFIG)
    settings = config.read
    (page,) = read_source("a.md", _source("budget.md"), settings).articles
    assert page.terms == {"section": ("Politics", "Economy")}
    assert "sections" not in page.extra
    record = {"title": "Match report", "text": "A draw.", "date": "2001-05-20",
              "Section": "Sport, Football", "desk": "Metro"}
    (from_record,) = read_source("r.json", json.dumps(record).encode(), settings).articles
    assert from_record.terms == {"section": ("Sport", "Football")}
    assert from_record.extra == {"desk": "Metro"}
    # Without the taxonomy the key stays an extra field, as before.
    (plain,) = read_source("a.md", _source("final.md"), load_config(None, tmp_path).read
                           ).articles
    assert "section" not in plain.terms and plain.extra["section"] == "Sport"
    written = to_page(from_record, {})
    assert "\nsection:\n- Sport\n- Football\n" in written
    (back,) = read_source("page.md", written.encode(), settings).articles
    assert back.terms == from_record.terms


# -- whole builds ----------------------------------------------------------------------


def test_a_site_taxonomy_gets_its_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(tmp_path, ARTICLES, CONFIG)
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--quiet", "--base-url", "https://example.org/"]) == 0
    site = tmp_path / "site"

    sport = _read(site, "section/sport/index.html")
    assert re.findall(r'<h1>([^<]*)</h1>', sport) == ["Sport"]
    for title in ("Cup final ends in a draw", "Late goal settles the derby"):
        assert title in sport
    assert "Parliament passes the budget" not in sport
    assert '<a href="../../section/index.html">Sections</a>' in sport
    assert '<a href="../../section/sport/feed.xml">Atom feed</a>' in sport

    feed = ET.fromstring((site / "section/sport/feed.xml").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    assert [e.findtext(f"{atom}title") for e in feed.iter(f"{atom}entry")] == [
        "Late goal settles the derby", "Cup final ends in a draw"]

    overview = _read(site, "section/index.html")
    assert "<h1>Sections</h1>" in overview
    assert '<a href="../section/sport/index.html">Sport</a>' in overview
    assert '<a href="../section/politics/index.html">Politics</a>' in overview

    topics = _read(site, "topics/index.html")
    block = topics[topics.index('aria-labelledby="tax-section"'):]
    block = block[:block.index("</section>")]
    assert '<a href="../section/index.html">Sections</a> <span class="count">3</span>' in block
    assert "All 3 sections" in block
    assert topics.index('id="tax-topics"') < topics.index('id="tax-section"')

    article = _read(site, "2001/05/20/cup-final-ends-in-a-draw/index.html")
    assert ('<dt>Section</dt>\n    <dd><ul class="inline-list"><li><a href="../../../../'
            'section/sport/index.html" data-pagefind-filter="section">Sport</a></li></ul></dd>'
            in article)
    assert _tags(article) == ["Football", "Sport"]
    budget = _read(site, "2001/03/14/parliament-passes-the-budget/index.html")
    assert "<dt>Sections</dt>" in budget

    sitemap = ET.fromstring((site / "sitemap.xml").read_bytes())
    locs = {e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert {"https://example.org/section/", "https://example.org/section/sport/",
            "https://example.org/section/politics/"} <= locs
    assert "https://example.org/section/sport/feed.xml" not in locs


def test_flags_and_builtin_labels(tmp_path: Path) -> None:
    config = make_site(tmp_path, {
        "a.md": md("Cup final", "2001-05-20", "A draw.", box="Inside", places="[Spain]"),
    }, NO_TOPICS + "search: false\ntaxonomies:\n"
       "  box: {facet: false, feeds: false, keywords: false}\n"
       "  places: {plural: Locations, facet: false}\n")
    assert build_site(config).errors == ()
    site = config.output_dir
    article = _read(site, "2001/05/20/cup-final/index.html")
    assert re.search(r'<a href="[./]*box/inside/index.html">Inside</a>', article)
    assert re.search(r'<a href="[./]*places/spain/index.html">Spain</a>', article)
    assert 'data-pagefind-filter="box"' not in article
    assert 'data-pagefind-filter="places"' not in article
    assert _tags(article) == ["Spain"]
    assert not (site / "box/inside/feed.xml").exists()
    term = _read(site, "box/inside/index.html")
    assert "Atom feed" not in term
    assert "box/inside/feed.xml" not in term
    assert (site / "places/spain/feed.xml").is_file()
    assert "<h1>Locations</h1>" in _read(site, "places/index.html")
    assert ">Locations</a>" in _read(site, "places/spain/index.html")
    assert ">Locations</a> <span" in _read(site, "topics/index.html")




def test_editing_a_section_term_rebuilds_like_a_full_build(tmp_path: Path) -> None:
    config = make_site(tmp_path / "site", ARTICLES, CONFIG)
    build_site(config)
    path = config.source_dir / "derby.md"
    path.write_text(path.read_text("utf-8").replace("Section: sport", "Section: Football"),
                    encoding="utf-8")
    report = build_site(config)
    assert "section/football/index.html" in report.written_paths
    assert "2001/06/02/late-goal-settles-the-derby/index.html" in report.written_paths
    out = config.output_dir
    assert "Late goal settles the derby" not in _read(out, "section/sport/index.html")
    assert "Late goal settles the derby" in _read(out, "section/football/index.html")
    assert snapshot(out) == full_build_of(tmp_path, config)


def test_changing_the_table_renders_the_pages_it_shows_again(tmp_path: Path) -> None:
    """Labels and flags are part of the pages' params: a new table re-renders them."""
    config = make_site(tmp_path / "site", ARTICLES, CONFIG)
    build_site(config)
    (tmp_path / "site/archive.yaml").write_text(
        NO_TOPICS + "search: false\ntaxonomies:\n  section: {singular: Desk, plural: Desks, "
        "keys: [section, sections], facet: false, keywords: false}\n", encoding="utf-8")
    config = load_config(tmp_path / "site/archive.yaml", tmp_path / "site")
    build_site(config)
    out = config.output_dir
    article = _read(out, "2001/05/20/cup-final-ends-in-a-draw/index.html")
    assert "<dt>Desk</dt>" in article and 'data-pagefind-filter="section"' not in article
    assert _tags(article) == ["Football"]
    assert "<h1>Desks</h1>" in _read(out, "section/index.html")
    assert snapshot(out) == full_build_of(tmp_path, config)


def test_a_topic_page_names_topics_once_in_its_breadcrumbs(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"a.md": md("Harbour", "2001-02-03", topics=["Shipping"]),
                                  "b.md": md("Port", "2001-02-04", places=["Lisbon"])})
    build_site(config)
    crumbs = re.compile(r'<nav class="breadcrumbs".*?</nav>', re.S)
    topic = (config.output_dir / "topics" / "shipping" / "index.html").read_text()
    assert re.findall(r">([^<>]+)</a>", crumbs.search(topic).group()) == ["Topics", "Shipping"]
    ld = re.search(r'<script type="application/ld\+json">(\{[^<]*BreadcrumbList[^<]*)</script>',
                   topic)
    assert ld is not None
    items = json.loads(ld.group(1))["itemListElement"]
    assert [(item["position"], item["name"]) for item in items] == [(1, "Topics"),
                                                                     (2, "Shipping")]
    assert items[0]["item"].endswith("/topics/all/")
    place = (config.output_dir / "places" / "lisbon" / "index.html").read_text()
    assert re.findall(r">([^<>]+)</a>", crumbs.search(place).group()) == [
        "Topics", "Places", "Lisbon"]
