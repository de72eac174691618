"""Readable labels of slug-like term values (``media_industry`` -> ``Media industry``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsarchive.pipeline.plan.languages import term_label
from newsarchive.taxonomy import display_name

from sitekit import NO_TOPICS, build_site, full_build_of, make_site, md, snapshot


@pytest.mark.parametrize(("taxonomy", "name", "shown"), [
    ("topics", "media_industry", "Media industry"),
    ("topics", "open-data", "Open data"),
    ("topics", "white_house", "White House"),           # a known body, as the data writes it
    ("places", "new_york", "New York"),
    ("topics", "application-programming-interface", "Application programming interface"),
    ("topics", "seo-tips", "SEO tips"),
    ("topics", "us-politics", "US politics"),
    ("topics", "covid-19", "COVID-19"),
    ("topics", "e-commerce", "E-commerce"),
    ("topics", "self-driving-cars", "Self-driving cars"),
    ("topics", "api", "API"),
    ("authors", "tyrus-manuel", "Tyrus Manuel"),        # names: every word capitalised
    ("people", "jonathan_rubin", "Jonathan Rubin"),
])
def test_slugs_get_readable_labels(taxonomy: str, name: str, shown: str) -> None:
    assert display_name(taxonomy, name) == shown


@pytest.mark.parametrize("name", [
    "andreanocesigritz",       # a run-together author slug: cannot be split safely
    "mobile", "us", "it",      # one lower-case word (an ordinary word stays as written)
    "Media industry", "Barack Obama", "iPhone", "economy, business and finance",
    "x--y", "-", "", "naïve",
])
def test_other_values_are_shown_as_written(name: str) -> None:
    assert display_name("topics", name) == name
    assert display_name("authors", name) == name


def test_term_label_uses_the_readable_name_but_languages_keep_theirs() -> None:
    assert term_label("topics", "media_industry") == {"name": "Media industry"}
    assert term_label("languages", "fr")["name"] == "français"


ARTICLES: dict[str, str | bytes] = {
    "a.md": md("Newsrooms adopt open data", "2014-05-16T15:00:00Z",
               "Agencies publish their data sets.",
               topics="[media_industry, open-data, white_house]",
               authors="[andreanocesigritz, tyrus-manuel]"),
    "b.md": md("Press office tries a new format", "2014-06-02T10:00:00Z",
               "A briefing in a new format.", topics="[white_house]", authors="[tyrus-manuel]"),
}


def _links(page: str) -> dict[str, str]:
    """Link text -> href of every ``<a>`` in ``page``."""
    return {text: href for href, text in re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', page)}


def test_built_pages_show_readable_labels_and_keep_slug_urls(tmp_path: Path) -> None:
    config = make_site(tmp_path, ARTICLES, NO_TOPICS + "search: false\n")
    build_site(config)
    site = config.output_dir

    article = (site / "2014/05/16/newsrooms-adopt-open-data/index.html").read_text("utf-8")
    links = _links(article)
    assert links["Media industry"].endswith("topics/media-industry/index.html")
    assert links["Open data"].endswith("topics/open-data/index.html")
    assert links["White House"].endswith("topics/white-house/index.html")
    assert links["Tyrus Manuel"].endswith("authors/tyrus-manuel/index.html")
    assert links["andreanocesigritz"].endswith("authors/andreanocesigritz/index.html")
    assert ">media_industry<" not in article and ">tyrus-manuel<" not in article
    assert "By andreanocesigritz, Tyrus Manuel" in article  # the byline

    term = (site / "topics/media-industry/index.html").read_text("utf-8")
    assert re.findall(r"<h1>([^<]*)</h1>", term) == ["Media industry"]
    author = (site / "authors/tyrus-manuel/index.html").read_text("utf-8")
    assert re.findall(r"<h1>([^<]*)</h1>", author) == ["Tyrus Manuel"]
    overview = (site / "topics/index.html").read_text("utf-8")
    assert ">Open data</a>" in overview and ">open-data</a>" not in overview


def test_incremental_build_keeps_readable_labels(tmp_path: Path) -> None:
    """A term edited in place is labelled the same on an incremental and a full build."""
    config = make_site(tmp_path / "site", ARTICLES, NO_TOPICS + "search: false\n")
    build_site(config)
    path = config.source_dir / "b.md"
    path.write_text(path.read_text("utf-8").replace("[white_house]", "[press_office]"),
                    encoding="utf-8")
    report = build_site(config)
    assert "topics/press-office/index.html" in report.written_paths
    page = (config.output_dir / "topics/press-office/index.html").read_text("utf-8")
    assert re.findall(r"<h1>([^<]*)</h1>", page) == ["Press office"]
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)
