"""Markdown pages with YAML (or TOML) front matter: Hugo and Jekyll exports, our own pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import yaml

from newsarchive.config import ReadSettings
from newsarchive.errors import Diagnostic
from newsarchive.model import Article
from newsarchive.pipeline.read import read_source
from newsarchive.pipeline.read.shortcodes import reduce_shortcodes

LIBYAML = yaml.__with_libyaml__
FLOW_PROBLEM = ("did not find expected ',' or ']'" if LIBYAML
                else "expected ',' or ']', but got ':'")
TAB_PROBLEM = ("found character that cannot start any token" if LIBYAML
               else "found character '\\t' that cannot start any token")

PAGE = """\
---
title: "Iran, Russia Reach ‘New Chapter’ in Military Ties, Leaving US Fretting"
date: 2000-12-28T02:00:00+00:00
source: Al Bawaba
dateline: TEHRAN
agency: AFP
copyright: "© 2000 Al Bawaba (www.albawaba.com)"
topics: [Defence, Diplomacy]
tags: [defence, arms sales]
places: [Iran, Russia]
people: [Igor Sergeyev]
organizations: [NATO]
subjects: [Arms trade]
slug: iran-russia-reach-new-chapter
author: Staff
mood: tense
rating: 4
---

Russia on Thursday announced a "new chapter" **in** its relations.

<b>Raw HTML</b> is kept for the renderer to sanitise.
"""


def read(path: str, text: str | bytes, **settings: object) -> tuple[tuple[Article, ...],
                                                                    tuple[Diagnostic, ...]]:
    data = text.encode() if isinstance(text, str) else text
    result = read_source(path, data, ReadSettings(**settings))  # type: ignore[arg-type]
    return result.articles, result.diagnostics


def test_design_page_form() -> None:
    articles, diagnostics = read("seeds/iran.md", PAGE)
    assert diagnostics == ()
    assert articles == (Article(
        source_path="seeds/iran.md",
        title="Iran, Russia Reach ‘New Chapter’ in Military Ties, Leaving US Fretting",
        body='Russia on Thursday announced a "new chapter" **in** its relations.\n\n'
             "<b>Raw HTML</b> is kept for the renderer to sanitise.",
        body_format="markdown",
        published=datetime(2000, 12, 28, 2, tzinfo=UTC),
        source="Al Bawaba",
        authors=("Staff",),
        dateline="TEHRAN",
        agency="AFP",
        copyright="© 2000 Al Bawaba (www.albawaba.com)",
        slug="iran-russia-reach-new-chapter",
        terms={"topics": ("Defence", "Diplomacy", "arms sales"), "places": ("Iran", "Russia"),
               "people": ("Igor Sergeyev",), "organizations": ("NATO",),
               "subjects": ("Arms trade",)},
        extra={"mood": "tense", "rating": 4},
        body_line=20,
    ),)


@pytest.mark.parametrize(("value", "expected"), [
    ("2012-02-22 15:09:51 -0400", datetime(2012, 2, 22, 15, 9, 51,
                                           tzinfo=timezone(timedelta(hours=-4)))),
    ("2020-01-21 9:10:00 -0500", datetime(2020, 1, 21, 9, 10, tzinfo=timezone(timedelta(
        hours=-5)))),
    ("2014-11-17 10:00:00 -5", datetime(2014, 11, 17, 10, tzinfo=timezone(timedelta(hours=-5)))),
    ("2024-09-12", datetime(2024, 9, 12, tzinfo=UTC)),
    ("'2016-05-19'", datetime(2016, 5, 19, tzinfo=UTC)),
    ("'2015-06-17T10:00:00-04:00'", datetime(2015, 6, 17, 10, tzinfo=timezone(timedelta(
        hours=-4)))),
    ("2025-04-01T00:11:21.446Z", datetime(2025, 4, 1, 0, 11, 21, 446000, tzinfo=UTC)),
    ("December 28, 2000", datetime(2000, 12, 28, tzinfo=UTC)),
])
def test_front_matter_date_forms(value: str, expected: datetime) -> None:
    articles, diagnostics = read("a.md", f"---\ntitle: T\ndate: {value}\n---\nBody\n")
    assert diagnostics == ()
    assert articles[0].published == expected
    assert articles[0].published.utcoffset() == expected.utcoffset()  # type: ignore[union-attr]


def test_naive_front_matter_date_in_configured_timezone() -> None:
    articles, _ = read("a.md", "---\ntitle: T\ndate: 2020-06-01 12:00:00\n---\n",
                       timezone="America/New_York")
    assert articles[0].published.isoformat() == "2020-06-01T12:00:00-04:00"  # type: ignore[union-attr]


def test_jekyll_file_name_date_when_front_matter_has_none() -> None:
    articles, diagnostics = read("_posts/2019-02-28-modular.md", "---\ntitle: T\n---\nBody\n")
    assert diagnostics == ()
    assert articles[0].published == datetime(2019, 2, 28, tzinfo=UTC)


def test_front_matter_date_wins_over_file_name_with_warning() -> None:
    articles, diagnostics = read("news/2023-03-15-x.md",
                                 "---\ntitle: T\n\ndate: 2023-02-22\n---\nBody\n")
    assert articles[0].published == datetime(2023, 2, 22, tzinfo=UTC)
    assert [d.format() for d in diagnostics] == [
        "news/2023-03-15-x.md:4: warning: the front-matter date 2023-02-22 disagrees with the "
        "file name's 2023-03-15; using the front-matter date\n"
        "  hint: correct whichever one is wrong"]


def test_invalid_yaml_reports_line_and_column() -> None:
    text = "---\ntitle: T\ntopics: [a, b\ndate: 2020-01-01\n---\nBody\n"
    articles, diagnostics = read("seeds/b.md", text)
    assert articles == ()
    assert [d.format() for d in diagnostics] == [
        f"seeds/b.md:4:5: error: invalid YAML front matter: while parsing a flow sequence: "
        f"{FLOW_PROBLEM}\n"
        "  hint: check indentation and quoting; a value with ': ' or '#' needs quotes"]


def test_trailing_tab_in_yaml_list_is_accepted() -> None:
    text = "---\ntitle: Content debt\nauthors:\n- melody\t\t\n- alan\n---\nBody\n"
    articles, diagnostics = read("posts/2016-05-19-content-debt.md", text)
    assert articles[0].authors == ("melody", "alan")
    assert diagnostics == ()


def test_tab_indentation_is_rescued_with_warning() -> None:
    text = "---\ntitle: T\ndate: 2020-01-01\nauthors:\n\t- melody\n---\nBody\n"
    articles, diagnostics = read("x.md", text)
    assert articles[0].authors == ("melody",)
    assert [d.format() for d in diagnostics] == [
        f"x.md:5:1: warning: invalid YAML front matter: while scanning for the next token: "
        f"{TAB_PROBLEM}; read again with tabs as spaces\n  hint: replace the tab with spaces"]


def test_unclosed_front_matter() -> None:
    _, diagnostics = read("x.md", "---\ntitle: T\nBody\n")
    assert [d.format() for d in diagnostics] == [
        "x.md:1:1: error: front matter is not closed\n"
        "  hint: add a line '---' after the last front-matter key"]


def test_missing_title() -> None:
    _, diagnostics = read("x.md", "---\ndate: 2020-01-01\n---\nBody\n")
    assert [d.format() for d in diagnostics] == [
        "x.md: error: missing title\n  hint: add a `title:` line to the front matter"]


def test_unparseable_date_is_an_error_at_its_line() -> None:
    _, diagnostics = read("x.md", "---\ntitle: T\ndate: next tuesday\n---\nBody\n")
    assert [d.format() for d in diagnostics] == [
        "x.md:3: error: cannot read the date 'next tuesday' of 'date': no day, month and "
        "year found\n  hint: write it as 2000-12-28 or 2000-12-28T02:00:00+00:00"]


def test_title_that_is_a_list_is_an_error() -> None:
    _, diagnostics = read("x.md", "---\ntitle: [a, b]\n---\n")
    assert diagnostics[0].format() == (
        "x.md:2: error: 'title' must be text, not a list or mapping\n"
        "  hint: write it as `title: some text`")


def test_front_matter_that_is_not_a_mapping() -> None:
    _, diagnostics = read("x.md", "---\n- a\n- b\n---\n")
    assert diagnostics[0].format() == (
        "x.md:2:1: error: front matter must be a mapping of keys to values\n"
        "  hint: write one `key: value` per line")


def test_drafts_are_skipped_unless_included() -> None:
    text = "---\ntitle: T\ndate: 2020-01-01\ndraft: true\n---\nBody\n"
    assert read("x.md", text) == ((), ())
    articles, _ = read("x.md", text, include_drafts=True)
    assert articles[0].draft is True
    jekyll = "---\ntitle: T\ndate: 2020-01-01\npublished: false\n---\nBody\n"
    assert read("x.md", jekyll) == ((), ())


def test_yes_no_and_timestamps_stay_text() -> None:
    articles, _ = read("x.md", "---\ntitle: No\ndate: 2020-01-01\nexpirydate: 2025-01-01\n"
                       "flag: yes\nok: true\n---\n")
    assert articles[0].title == "No"
    assert articles[0].extra == {"expirydate": "2025-01-01", "flag": "yes", "ok": True}


def test_hugo_shortcodes_become_their_content() -> None:
    # An image shortcode is a figure (its file is copied by the build), a highlight
    # a code fence, a video a link; an include that cannot be resolved stays as text
    # (and is reported by the reader, see test_read_bundles.py).
    body = ('{{< note >}}Read **this**.{{< /note >}}\n\n{{< legacy-img src="a.jpg" >}}\n\n'
            "{{% highlight %}}inner{{% /highlight %}}\n\n{{< youtube KDMYkIovXmI >}}\n\n"
            'See {{ "/2017/10/11/post/" | url }} and {% include x.html %}done.\n\n'
            "```\n{{< keep >}}\n```")
    assert reduce_shortcodes(body) == (
        'Read **this**.\n\n\n<figure><img src="https://newsarchive.invalid/asset/a.jpg?at=3.1" '
        'alt="" loading="lazy"></figure>\n\n\n```\ninner\n```\n\n'
        "[Video](https://www.youtube.com/watch?v=KDMYkIovXmI)\n\n"
        "See /2017/10/11/post/ and {% include x.html %}done.\n\n```\n{{< keep >}}\n```")


def test_format_text_page_is_prose() -> None:
    articles, _ = read("x.md", "---\ntitle: T\nformat: text\n---\n\n1. not a list  \n"
                       "*kept*\n\n\n\nnext\n")
    assert articles[0].body_format == "text"
    assert articles[0].body == "1. not a list\n*kept*\n\nnext"


def test_markdown_without_front_matter_uses_heading() -> None:
    articles, diagnostics = read("x.md", "\n# A Heading #\n\nText.\n")
    assert articles[0].title == "A Heading"
    assert articles[0].body == "Text."
    assert diagnostics[0].message.startswith("undated")


def test_toml_front_matter() -> None:
    articles, diagnostics = read("x.md", '+++\ntitle = "T"\ndate = 2020-01-02T03:04:05Z\n'
                                 'tags = ["a"]\n+++\nBody\n')
    assert diagnostics == ()
    assert articles[0].published == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert articles[0].terms == {"topics": ("a",)}


def test_hugo_section_index_is_not_an_article() -> None:
    articles, diagnostics = read("news/_index.md", "---\ntitle: News\n---\n")
    assert articles == ()
    assert diagnostics[0].severity == "warning"


def test_share_buttons_removed_from_markdown_body() -> None:
    text = ("---\ntitle: T\ndate: 2024-01-01\n---\nTexte.\n\n"
            "* [Partager sur Facebook](https://www.facebook.com/sharer.php?u=x)\n"
            "* [Partager sur X](https://x.com/share?url=x)\n\nFin.\n")
    articles, _ = read("x.md", text)
    assert articles[0].body == "Texte.\n\nFin."


def test_summary_and_description_both_kept() -> None:
    articles, _ = read("x.md", "---\ntitle: T\ndate: 2024-01-01\ndescription: D\nsummary: "
                       "S is folded\n  across lines\n---\n")
    assert articles[0].summary == "S is folded across lines"
    assert articles[0].extra == {"description": "D"}


def test_relative_hugo_url_is_not_the_original_url() -> None:
    articles, _ = read("x.md", "---\ntitle: T\ndate: 2024-01-01\nurl: /x/\n"
                       "source_url: https://example.org/a\n---\n")
    assert articles[0].original_url == "https://example.org/a"
    assert articles[0].extra == {"url": "/x/"}


def test_rtl_language_detected() -> None:
    articles, _ = read("x.md", "---\ntitle: افتتاح جسر جديد\ndate: 2015-07-23\n---\n"
                       "افتتح المسؤولون الجسر\n")
    assert articles[0].lang == "ar"
