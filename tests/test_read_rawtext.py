"""Raw news text: the seed article and its cousins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsarchive.config import ReadSettings
from newsarchive.errors import Diagnostic
from newsarchive.model import Article
from newsarchive.pipeline.read import read_source

SEED = Path(__file__).parents[1] / "seeds" / "000_e108047b8bec95fb.txt"

SEED_PARAGRAPHS = (
    'Russia on Thursday announced a "new chapter" in its military relations with Iran in a '
    "move likely to further annoy Washington after Moscow's decision to resume weapons sales "
    "to Tehran.",
    'Defense Minister Igor Sergeyev said the two nations will "develop their military '
    'cooperation in all fields," after holding three days of talks in the first Tehran visit '
    "by a Moscow defense chief in more than 20 years.",
    "\"We've just opened a new chapter in our relations, marked by the reopening of military "
    'cooperation between Moscow and Tehran," he said at a joint press conference with his '
    "Iranian counterpart, Ali Shamkhani.",
    '"The complete trust between the two countries has created the appropriate grounds for a '
    'deepening of bilateral relations," he said, while Shamkhani added: "This is a historic '
    'day."',
    "Both men said the two nations had found common ground on a number of regional security "
    "issues, including the contentious question of the eastward expansion of NATO and the "
    "still-raging civil war in Afghanistan.",
    "But it is the prospect of fresh arms sales to Iran, which has irked the White House, "
    "after Moscow said last month it was renouncing a 1995 US-brokered deal blocking "
    "conventional weapons sales to Iran.",
    "The United States swiftly warned Moscow it could hit back with economic sanctions but "
    "has not followed through on the threat.",
    "Under the deal, all outstanding arms deliveries, including at least one Kilo-class "
    "submarine, were to have been completed by the end of 1999, while further contracts were "
    "barred.",
    "Russia said it was ending the agreement in November, just days before the US "
    "presidential elections, but has since pledged it will sell only defensive weapons and "
    "will not violate international agreements.",
    "Russia's Interfax news agency has reported that Iran is interested in buying S-300 "
    "anti-aircraft missiles, Mi-17 combat helicopters and Su-25 fighter planes.",
    "The United States accuses Iran of backing international terrorism and developing nuclear "
    "weapons and has also expressed concern over Tehran's missile program.",
    "Iran says its nuclear program, which has already received substantial Russian "
    "assistance, is solely for peaceful, civilian purposes, such as generating power.",
    "Iranian President Mohammad Khatami said Wednesday that Moscow's decision to renounce the "
    'pact was "a sign of courage and Russian independence and a decision based on its own '
    'interests."',
    "Sergeyev said Thursday that some Iranian officers in future would be trained at Russian "
    "military academies and that the two nations would also expand political, scientific and "
    "technical cooperation.",
    "Meanwhile Iran's foreign ministry issued a statement saying they had agreed to "
    '"long-term" political cooperation in central Asia, the Caucasus and the Persian Gulf.',
    "Sergeyev met with Khatami, Foreign Minister Kamal Kharazi and other officials during his "
    "three-day stay, including top commanders from the armed forces and the elite "
    "Revolutionary Guards -- the first foreign military official to do so.",
    "Khatami is scheduled to visit Moscow, although no date has been set. Iranian sources said "
    "he wanted to make the trip before the next presidential elections in June",
)


def read_one(path: str, data: bytes | str, **settings: object) -> tuple[Article, tuple[
        Diagnostic, ...]]:
    raw = data.encode() if isinstance(data, str) else data
    result = read_source(path, raw, ReadSettings(**settings))  # type: ignore[arg-type]
    assert len(result.articles) == 1, result.diagnostics
    return result.articles[0], result.diagnostics


def test_seed_article_exactly() -> None:
    result = read_source("seeds/000_e108047b8bec95fb.txt", SEED.read_bytes(), ReadSettings())
    assert result.diagnostics == ()
    assert result.articles == (Article(
        source_path="seeds/000_e108047b8bec95fb.txt",
        title="Iran, Russia Reach ‘New Chapter’ in Military Ties, Leaving US Fretting",
        body="\n\n".join(SEED_PARAGRAPHS),
        body_format="text",
        published=datetime(2000, 12, 28, 2, 0, tzinfo=UTC),
        source="Al Bawaba",
        dateline="TEHRAN",
        agency="AFP",
        copyright="© 2000 Al Bawaba (www.albawaba.com)",
        body_line=7,
    ),)
    assert result.articles[0].published.isoformat() == "2000-12-28T02:00:00+00:00"  # type: ignore[union-attr]


def test_markup_characters_stay_as_written() -> None:
    text = ("A *starred* title\n\nPublished: 28 Dec 2000\n\n"
            "Some _under_ and # hash and <b>bold</b>.\n\n1. not a list\n\n# not a heading\n")
    article, diagnostics = read_one("a.txt", text)
    assert diagnostics == ()
    assert article.title == "A *starred* title"
    assert article.body == ("Some _under_ and # hash and <b>bold</b>.\n\n1. not a list\n\n"
                            "# not a heading")
    assert article.body_format == "text"


@pytest.mark.parametrize(("line", "expected"), [
    ("Published December 28th, 2000 - 02:00 GMT", datetime(2000, 12, 28, 2, tzinfo=UTC)),
    ("Published: 28 Dec 2000", datetime(2000, 12, 28, tzinfo=UTC)),
    ("December 28, 2000", datetime(2000, 12, 28, tzinfo=UTC)),
    ("28/12/2000", datetime(2000, 12, 28, tzinfo=UTC)),
    ("2000-12-28T02:00:00Z", datetime(2000, 12, 28, 2, tzinfo=UTC)),
    ("Posted on Thursday, December 28, 2000 3:15 PM EST",
     datetime(2000, 12, 28, 15, 15, tzinfo=timezone(timedelta(hours=-5)))),
    ("Published 28 December 2000 14:05 +0330",
     datetime(2000, 12, 28, 14, 5, tzinfo=timezone(timedelta(hours=3, minutes=30)))),
])
def test_date_line_forms(line: str, expected: datetime) -> None:
    article, diagnostics = read_one("a.txt", f"Title\n{line}\n\nBody text here.\n")
    assert diagnostics == ()
    assert article.published == expected
    assert article.published.utcoffset() == expected.utcoffset()  # type: ignore[union-attr]
    assert article.body == "Body text here."


def test_naive_date_uses_configured_timezone() -> None:
    article, _ = read_one("a.txt", "Title\nPublished: 28 Dec 2000 10:00\n\nBody.\n",
                          timezone="Europe/Paris")
    assert article.published is not None
    assert article.published.isoformat() == "2000-12-28T10:00:00+01:00"


def test_updated_line_and_byline() -> None:
    article, _ = read_one("a.txt", "Title\n\nPublished: 28 Dec 2000\nUpdated: 29 Dec 2000 "
                          "09:30\nBy Jane Doe and John Roe, Staff Writer\nThe Daily Example\n\n"
                          "Body.\n")
    assert article.published == datetime(2000, 12, 28, tzinfo=UTC)
    assert article.updated == datetime(2000, 12, 29, 9, 30, tzinfo=UTC)
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.source == "The Daily Example"


def test_only_updated_line_dates_the_article() -> None:
    article, _ = read_one("a.txt", "Title\nUpdated 2001-01-05\n\nBody.\n")
    assert article.published == datetime(2001, 1, 5, tzinfo=UTC)
    assert article.updated is None


@pytest.mark.parametrize(("body", "dateline", "agency", "first"), [
    ("TEHRAN (AFP) - Russia said on Thursday.", "TEHRAN", "AFP", "Russia said on Thursday."),
    ("LONDON, Feb 26 - Shares fell.", "LONDON", "", "Shares fell."),
    ("NEW YORK (Reuters) — Stocks rose.", "NEW YORK", "Reuters", "Stocks rose."),
    ("Moscow said -- nothing.\n\n-- TEHRAN (AFP)", "TEHRAN", "AFP", "Moscow said -- nothing."),
    ("It ended there -- TEHRAN (AFP)", "TEHRAN", "AFP", "It ended there"),
    ("NATO said on Friday it would meet.", "", "", "NATO said on Friday it would meet."),
])
def test_datelines(body: str, dateline: str, agency: str, first: str) -> None:
    article, _ = read_one("a.txt", f"Title\nDecember 28, 2000\n\n{body}\n")
    assert (article.dateline, article.agency) == (dateline, agency)
    assert article.body == first


def test_title_then_body_dump_is_undated_with_warning() -> None:
    article, diagnostics = read_one("dump/a.txt", "Just a headline\nFirst line of body.\n"
                                    "Second line.\n\nAnother paragraph.\n")
    assert article.title == "Just a headline"
    assert article.body == "First line of body.\nSecond line.\n\nAnother paragraph."
    assert article.published is None
    assert [d.format() for d in diagnostics] == [
        "dump/a.txt: warning: undated: no date found; the article is kept without a date\n"
        "  hint: add a line such as 'Published December 28, 2000' under the title"]


def test_short_first_paragraph_is_body_not_source() -> None:
    article, _ = read_one("a.txt", "Headline\n\nShort opener\n\nMore text.\n")
    assert article.source == ""
    assert article.body == "Short opener\n\nMore text."


def test_boilerplate_default_rules_and_config_rules() -> None:
    text = ("Title\nDecember 28, 2000\n\nFirst.\n\nAdvertisement\n\nSecond.\nCLOSE\n\n"
            "Photo: John Smith/Getty Images\n\nShare on Facebook\n\n"
            "Sign up for our daily newsletter and get the news first\n\nREAD THE PAPER\n\n"
            "Subscribe\n")
    article, _ = read_one("a.txt", text, boilerplate=(r"read the paper",))
    assert article.body == "First.\n\nSecond."


def test_copyright_line_is_a_field() -> None:
    article, _ = read_one("a.txt", "Title\n28/12/2000\n\nBody.\n\nCopyright © 2000 Example "
                          "News Ltd.\n")
    assert article.copyright == "Copyright © 2000 Example News Ltd."
    assert article.body == "Body."


def test_unreadable_explicit_date_is_an_error_with_position() -> None:
    result = read_source("seeds/b.txt", b"Title\n\nPublished: 32 Dec 2000\n\nBody.\n",
                         ReadSettings())
    assert result.articles == ()
    assert [d.format() for d in result.diagnostics] == [
        "seeds/b.txt:3:12: error: cannot read the date '32 Dec 2000': day is out of range "
        "for month\n  hint: write it like 'Published December 28, 2000 - 02:00 GMT' or "
        "'Published: 2000-12-28'"]


def test_date_before_title_line() -> None:
    article, _ = read_one("a.txt", "2000-12-28\nThe title\n\nBody.\n")
    assert article.title == "The title"
    assert article.published == datetime(2000, 12, 28, tzinfo=UTC)


def test_jekyll_style_name_dates_a_text_file() -> None:
    article, diagnostics = read_one("2001-02-03-note.txt", "A note\n\nBody.\n")
    assert article.published == datetime(2001, 2, 3, tzinfo=UTC)
    assert diagnostics == ()
