"""Calendars on the date pages and the "on this day" pages: the HTML they write in
several locales, the days they link, and the pages an added or edited article
re-renders (and that the result equals a full build)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsarchive.pipeline.plan.calendars import first_week_day, weekday_headers
from newsarchive.pipeline.plan.onthisday import month_day_label, on_this_day_url

from sitekit import NO_TOPICS, broken_links, build_site, full_build_of, make_site, md, snapshot

ARTICLES: dict[str, str | bytes] = {
    "a.md": md("Storm on the coast", "2000-12-28T09:00:00"),
    "b.md": md("Harbour reopens", "2000-12-28T15:00:00"),
    "c.md": md("Early frost", "2000-12-05"),
    "d.md": md("Spring fair", "2000-03-01"),
    "e.md": md("A year after the storm", "2001-12-28"),
    "f.md": md("Leap day wedding", "2004-02-29"),
}


def _site(tmp_path: Path, language: str = "en", extra: str = "",
          articles: dict[str, str | bytes] | None = None) -> Path:
    config = make_site(tmp_path, ARTICLES if articles is None else articles,
                       NO_TOPICS + f"language: {language}\n{extra}")
    report = build_site(config)
    assert report.errors == ()
    return tmp_path / "site"


def _page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


class _Tables(HTMLParser):
    """The calendars of a page: per table its caption text, caption link, header
    cells (text, abbr) and body cells (text, link)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, list[tuple[str, str | None]]]] = []
        self._in: list[str] = []
        self._href: str | None = None
        self._text = ""
        self._hidden = 0
        self._table = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("class") == "calendar":
            self.tables.append({"caption": [], "head": [], "cells": []})
            self._table = True
        if not self._table:
            return
        if tag in ("caption", "th", "td"):
            self._in.append(tag)
            self._text, self._href = "", None
            if tag == "th":
                assert a.get("scope") == "col"
                self._href = a.get("abbr")
        elif tag == "a" and self._in:
            self._href = a.get("href")
        elif tag == "span" and a.get("class") == "visually-hidden":
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = False
        if tag == "span" and self._hidden:
            self._hidden -= 1
        if self._in and tag == self._in[-1]:
            self._in.pop()
            key = {"caption": "caption", "th": "head", "td": "cells"}[tag]
            self.tables[-1][key].append((" ".join(self._text.split()), self._href))

    def handle_data(self, data: str) -> None:
        if self._in and not self._hidden:
            self._text += data


def _calendars(html: str) -> list[dict[str, list[tuple[str, str | None]]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


# --- the first day of the week and the weekday names, per locale ----------------------

@pytest.mark.parametrize(("language", "first"), [
    ("en", 6), ("en-US", 6), ("en-GB", 0), ("fr", 0), ("de", 0), ("ar", 5), ("ar-EG", 5),
    ("ar-SA", 6), ("ja", 6), ("zh-CN", 0)])
def test_the_week_starts_on_the_locales_first_day(language: str, first: int) -> None:
    assert first_week_day(language) == first


def test_weekday_headers_are_abbreviated_in_the_locale_with_the_full_name() -> None:
    assert weekday_headers("en")[0] == {"short": "Sun", "full": "Sunday"}
    assert weekday_headers("fr")[:2] == ({"short": "lun.", "full": "lundi"},
                                         {"short": "mar.", "full": "mardi"})
    # CLDR's abbreviated Arabic names are the full names: the short ones fit a phone.
    assert weekday_headers("ar")[0] == {"short": "سبت", "full": "السبت"}
    assert month_day_label(12, 28, "fr") == "28 décembre"
    assert month_day_label(2, 29, "ja") == "2月29日"
    assert on_this_day_url(2, 9) == "on-this-day/02-09/"


# --- the month and year pages ---------------------------------------------------------

def test_a_month_page_shows_its_calendar_with_linked_days_and_counts(tmp_path: Path) -> None:
    site = _site(tmp_path)
    html = _page(site, "2000/12")
    [table] = _calendars(html)
    assert table["caption"] == [("December 2000", None)]
    assert [h for h, _ in table["head"]] == ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    assert table["head"][0][1] == "Sunday"
    assert '<abbr title="Sunday">Sun</abbr>' in html
    cells = table["cells"]
    # 1 December 2000 was a Friday: five empty cells before it in a week from Sunday.
    assert cells[:6] == [("", None)] * 5 + [("1", None)]
    linked = [(text, href) for text, href in cells if href]
    assert linked == [("5 1", "../../2000/12/05/index.html"),
                      ("28 2", "../../2000/12/28/index.html")]
    assert ('<span class="count" aria-hidden="true">2</span>'
            '<span class="visually-hidden">2 articles</span>') in html
    assert ("31", None) in cells and len(cells) % 7 == 0
    # Older pages of the month's listing carry no calendar.
    site2 = _site(tmp_path / "paged", extra="per_page: 1\n")
    assert len(_calendars(_page(site2, "2000/12"))) == 1
    assert _calendars(_page(site2, "2000/12/page/1")) == []


def test_calendars_in_french_start_on_monday(tmp_path: Path) -> None:
    site = _site(tmp_path, "fr")
    [table] = _calendars(_page(site, "2000/12"))
    assert table["caption"] == [("décembre 2000", None)]
    assert table["head"][0] == ("lun.", "lundi")
    assert table["head"][6] == ("dim.", "dimanche")
    # Friday 1 December: four empty cells from Monday.
    assert table["cells"][:5] == [("", None)] * 4 + [("1", None)]


def test_calendars_in_arabic_start_on_saturday_and_read_right_to_left(tmp_path: Path) -> None:
    site = _site(tmp_path, "ar")
    html = _page(site, "2000/12")
    assert 'dir="rtl"' in html
    [table] = _calendars(html)
    assert table["caption"][0][0] == "ديسمبر 2000"
    assert table["head"][0] == ("سبت", "السبت")
    assert table["head"][6] == ("جمعة", "الجمعة")
    # Friday 1 December is the last column of the first week.
    assert table["cells"][:7] == [("", None)] * 6 + [("1", None)]
    linked = [text for text, href in table["cells"] if href]
    assert linked == ["5 1", "28 2"]


def test_arabic_egypt_writes_days_in_arabic_indic_digits(tmp_path: Path) -> None:
    site = _site(tmp_path, "ar-EG")
    [table] = _calendars(_page(site, "2000/12"))
    assert [text for text, href in table["cells"] if href] == ["٥ ١", "٢٨ ٢"]


def test_a_year_page_shows_its_months_as_a_grid_not_twelve_calendars(tmp_path: Path) -> None:
    site = _site(tmp_path)
    html = _page(site, "2000")
    assert _calendars(html) == []  # twelve day calendars would take 50 KB of the page
    grid = html.split('<ul class="month-grid">', 1)[1].split("</ul>", 1)[0]
    months = re.findall(r'<a href="([^"]+)">([^<]+)</a> <span class="count">(\d+)</span>', grid)
    assert months == [("../2000/03/index.html", "March 2000", "1"),
                      ("../2000/12/index.html", "December 2000", "3")]
    # a month page keeps its calendar, February 2004 with its 29th
    feb = _calendars(_page(site, "2004/02"))[0]
    assert ("29 1", "../../2004/02/29/index.html") in feb["cells"]


# --- day pages ------------------------------------------------------------------------

def test_a_day_page_links_the_neighbouring_days_with_articles(tmp_path: Path) -> None:
    site = _site(tmp_path)
    html = _page(site, "2000/12/28")
    nav = html.split('<nav class="prev-next"', 1)[1].split("</nav>", 1)[0]
    # 6 to 27 December have no article: skipped.
    assert ('<a rel="prev" href="../../../2000/12/05/index.html"><span class="label">'
            'Previous day with articles</span> December 5, 2000</a>') in nav
    assert ('<a rel="next" href="../../../2001/12/28/index.html"><span class="label">'
            'Next day with articles</span> December 28, 2001</a>') in nav
    assert ('<a class="on-this-day" href="../../../on-this-day/12-28/index.html">'
            'On this day in other years</a>') in html
    assert _calendars(html) == []
    # Months keep their own labels.
    assert '<span class="label">Earlier</span> March 2000' in _page(site, "2000/12")


# --- on this day ----------------------------------------------------------------------

def test_on_this_day_lists_a_calendar_day_across_the_years(tmp_path: Path) -> None:
    site = _site(tmp_path)
    html = _page(site, "on-this-day/12-28")
    assert "<title>On this day: December 28 · " in html
    headings = re.findall(r'<h2 id="year-\d">(.*?)</h2>', html)
    assert headings == [
        '<a href="../../2001/12/28/index.html">2001</a> <span class="count">1</span>',
        '<a href="../../2000/12/28/index.html">2000</a> <span class="count">2</span>']
    titles = re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', html)
    assert titles == ["A year after the storm", "Harbour reopens", "Storm on the coast"]
    assert '<a href="../../on-this-day/index.html">On this day</a>' in html
    # Only calendar days with articles get a page, 29 February included.
    pages = sorted(p.parent.name for p in (site / "on-this-day").glob("*/index.html"))
    assert pages == ["02-29", "03-01", "12-05", "12-28"]
    index = _page(site, "on-this-day")
    assert re.findall(r'<a href="\.\./on-this-day/([\d-]+)/index\.html">', index) == pages
    days = index.split('<div class="on-this-day-index">', 1)[1]
    assert days.count("<li>") == 366
    assert broken_links(site) == []


def test_the_front_page_links_the_day_of_the_newest_article(tmp_path: Path) -> None:
    site = _site(tmp_path)
    html = (site / "index.html").read_text(encoding="utf-8")
    assert ('<a class="on-this-day" href="on-this-day/02-29/index.html">'
            'On this day: February 29</a>') in html
    fr = _site(tmp_path / "fr", "fr")
    assert ">Ce jour-là : 29 février</a>" in (fr / "index.html").read_text(encoding="utf-8")


def test_on_this_day_shows_at_most_a_page_of_each_year(tmp_path: Path) -> None:
    articles: dict[str, str | bytes] = {
        f"{n}.md": md(f"Story {n}", f"2000-12-28T0{n}:00:00") for n in range(1, 5)}
    site = _site(tmp_path, extra="per_page: 2\n", articles=articles)
    html = _page(site, "on-this-day/12-28")
    titles = re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', html)
    assert titles == ["Story 4", "Story 3"]
    assert ('<p class="more"><a href="../../2000/12/28/index.html">'
            "All 4 articles of December 28, 2000</a></p>") in html


# --- what an added or edited article re-renders ----------------------------------------

def _dated(paths: tuple[str, ...]) -> set[str]:
    """The date and on-this-day pages among ``paths``."""
    return {p for p in paths if re.match(r"(\d{4}|on-this-day)/", p)
            and not re.match(r"\d{4}/\d\d/\d\d/[^/]+/index\.html$", p)}


def test_an_added_article_rerenders_its_day_month_year_and_one_on_this_day_page(
        tmp_path: Path) -> None:
    config = make_site(tmp_path, ARTICLES, NO_TOPICS)
    build_site(config)
    (config.source_dir / "g.md").write_text(md("Frost again", "2000-12-05T18:00:00"),
                                            encoding="utf-8")
    report = build_site(config)
    assert _dated(report.written_paths) == {
        "2000/12/05/index.html", "2000/12/index.html", "2000/index.html",
        "on-this-day/12-05/index.html"}
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)
    # A first article on a new calendar day adds its page and links it from the index.
    (config.source_dir / "h.md").write_text(md("Midsummer", "2001-06-21"), encoding="utf-8")
    report = build_site(config)
    assert "on-this-day/index.html" in report.written_paths
    assert "on-this-day/06-21/index.html" in report.written_paths
    assert not {p for p in report.written_paths if p.startswith("on-this-day/1")}
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)


def test_an_edited_article_rerenders_the_on_this_day_page_that_shows_it(
        tmp_path: Path) -> None:
    config = make_site(tmp_path, ARTICLES, NO_TOPICS)
    build_site(config)
    (config.source_dir / "c.md").write_text(md("Early frost", "2000-12-05", "New words."),
                                            encoding="utf-8")
    report = build_site(config)
    assert _dated(report.written_paths) == {
        "2000/12/05/index.html", "2000/12/index.html", "2000/index.html",
        "on-this-day/12-05/index.html"}
    assert "New words." in _page(config.output_dir, "on-this-day/12-05")
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)
    assert build_site(config).written_paths == ()
