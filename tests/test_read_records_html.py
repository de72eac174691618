"""JSON records: HTML bodies, cleaned titles and summaries, bylines, ninjs-shaped keys."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from newsarchive.config import ReadSettings
from newsarchive.model import Article
from newsarchive.pipeline.read import read_source
from newsarchive.pipeline.read.records import read_records


def _one(record: dict[str, Any], settings: ReadSettings | None = None) -> Article:
    result = read_records("r.json", json.dumps(record), settings or ReadSettings(), lines=False)
    (article,) = result.articles
    return article


def test_html_named_body_key_is_html() -> None:
    article = _one({"title": "T", "body_html": "<div>One</div>\n<div>Two</div>",
                    "date": "2021-01-02"})
    assert (article.body, article.body_format) == ("<div>One</div>\n<div>Two</div>", "html")
    article = _one({"title": "T", "content_html": "Plain words, <em>marked</em>.",
                    "date": "2021-01-02"})
    assert article.body_format == "html" and article.body == "Plain words, <em>marked</em>."


def test_body_starting_with_a_block_tag_is_html() -> None:
    article = _one({"title": "T", "text": "  <p>First.</p>\n<p>Second &amp; last.</p>",
                    "date": "2021-01-02"})
    assert (article.body, article.body_format) == (
        "<p>First.</p>\n<p>Second &amp; last.</p>", "html")


def test_prose_stays_text() -> None:
    article = _one({"title": "T", "text": "Line one.\nLine two <3 and a < b.",
                    "date": "2021-01-02"})
    assert (article.body, article.body_format) == ("Line one.\n\nLine two <3 and a < b.", "text")


def test_titles_and_summaries_are_plain_text() -> None:
    article = _one({"title": "IRS &#8211; <b>Usability</b>\n report",
                    "summary": "<p>Tax &amp;amp; forms</p>", "text": "Body.",
                    "date": "2021-01-02"})
    assert article.title == "IRS – Usability report"
    assert article.summary == "Tax & forms"


def test_authors_as_list_strings_and_bylines() -> None:
    assert _one({"title": "T", "text": "B", "authors": "['Emma Bowman']"}).authors == (
        "Emma Bowman",)
    assert _one({"title": "T", "text": "B", "byline": "By Jane Doe and John Roe"}).authors == (
        "Jane Doe", "John Roe")
    assert _one({"title": "T", "text": "B", "authors": [{"name": "Ann Lee"}, "Bo Ray"]}
                ).authors == ("Ann Lee", "Bo Ray")


def test_ninjs_shaped_record_keys() -> None:
    article = _one({"headline": "Wire story", "body_html": "<p>Wire body.</p>",
                    "versioncreated": "2013-07-09T10:37:00Z", "uri": "urn:x"})
    assert (article.title, article.body_format) == ("Wire story", "html")
    assert article.published == datetime(2013, 7, 9, 10, 37, tzinfo=UTC)
    assert article.extra == {"uri": "urn:x"}
    # The configured keys still come first.
    article = _one({"title": "T", "text": "Scraped text.", "body_html": "<p>Other</p>",
                    "date": "2020-05-05", "versioncreated": "2013-07-09T10:37:00Z"})
    assert (article.body, article.body_format) == ("Scraped text.", "text")
    assert article.published == datetime(2020, 5, 5, tzinfo=UTC)


def test_html_body_gives_an_untitled_record_its_first_words() -> None:
    result = read_records("r.json", json.dumps([{"body_html": "<p>Storm hits the coast "
                                                "overnight.</p>", "date": "2021-01-01"}]),
                          ReadSettings(), lines=False)
    assert [a.title for a in result.articles] == ["Storm hits the coast overnight."]
    assert [d.message for d in result.diagnostics] == [
        "record 0: the record has no title; using the body's first words"]


def test_through_read_source() -> None:
    data = json.dumps([{"title": "A &amp; B", "content": "<p>Para.</p>",
                        "date_publish": "2019-03-01 10:00:00", "authors": "['Ida Marsh']"}])
    result = read_source("scrape.json", data.encode(), ReadSettings())
    (article,) = result.articles
    assert (article.title, article.body, article.body_format, article.authors) == (
        "A & B", "<p>Para.</p>", "html", ("Ida Marsh",))
    assert result.diagnostics == ()
