"""Golden tests: every hand-written sample in tests/samples/ reads to exactly these articles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from newsarchive.config import ReadSettings
from newsarchive.model import Image
from newsarchive.pipeline.read import read_source

SAMPLES = Path(__file__).parent / "samples"


def read(name: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The sample's articles as dicts of their non-empty fields, and its formatted diagnostics."""
    result = read_source(name, (SAMPLES / name).read_bytes(), ReadSettings())
    articles = [{key: getattr(a, key) for key in a.__dataclass_fields__
                 if key not in ("source_path", "body_format", "body_line")
                 and getattr(a, key) not in ("", (), {}, None, False)}
                for a in result.articles]
    return articles, [d.format() for d in result.diagnostics]


GOLDEN: dict[str, tuple[list[dict[str, Any]], list[str]]] = {
    "text/harbour.txt": ([{
        "title": "Harbour Bridge Reopens After ‘Two-Year’ Repairs",
        "body": "The harbour bridge reopened on Wednesday after two years of repairs, the city "
                "said.\n\nEngineers replaced *every* cable and 1. the deck_joints, officials "
                'said.\n\n# The mayor called it "a new start".\n\nTraffic is expected to return '
                "to normal by the weekend",
        "published": datetime(2004, 3, 3, 9, 30, tzinfo=UTC),
        "source": "The Coastal Courier", "dateline": "PORTVILLE", "agency": "CNA",
        "copyright": "© 2004 The Coastal Courier (www.example.com)"}], []),
    "text/cp1252.txt": ([{
        "title": "Café owners “welcome” new rules",
        "body": "The cafés of the old town – all 40 of them – may now open until 2\xa0a.m.",
        "published": datetime(2003, 6, 5, tzinfo=UTC)}], []),
    "text/latin1.txt": ([{
        "title": "Fête de la musique à Évreux",
        "body": "La fête a réuni des milliers de personnes à Évreux, où l'été commence.",
        "published": datetime(2010, 6, 21, tzinfo=UTC)}], []),
    "text/utf16.txt": ([{
        "title": "Gdańsk shipyard strike ends", "body": "Workers in Gdańsk returned on Friday.",
        "published": datetime(2001, 8, 31, 12, tzinfo=UTC)}], []),
    "text/utf8-bom-crlf.txt": ([{
        "title": "Council votes on budget",
        "body": "The council voted 7-2.\n\nThe budget takes effect in January.",
        "published": datetime(2000, 12, 28, tzinfo=UTC), "authors": ("Jane Doe",)}], []),
    "text/stray-cr.txt": ([{
        "title": "Old Mac file", "body": "Line one.\nLine two.\n\nNext paragraph.",
        "published": datetime(1999, 1, 12, tzinfo=UTC)}], []),
    "text/mojibake.txt": ([{
        "title": "It’s a mojibake headline", "body": "The minister’s speech was “historic”.",
        "published": datetime(2005, 2, 1, tzinfo=UTC)}], []),
    "text/gbk.txt": ([{
        "title": "北京新图书馆今天开放", "body": "市民排队参观新图书馆，馆内藏书三十万册。",
        "published": datetime(2012, 7, 6, tzinfo=UTC), "lang": "zh"}], []),
    "text/undated-dump.txt": ([{
        "title": "Title line only then body",
        "body": "The body starts right here.\nIt goes on."}],
        ["text/undated-dump.txt: warning: undated: no date found; the article is kept without "
         "a date\n  hint: add a line such as 'Published December 28, 2000' under the title"]),
    "text/bad-utf16.txt": ([], [
        "text/bad-utf16.txt: error: cannot decode: the file starts with a UTF-16 byte-order "
        "mark but byte 4 is not UTF-16\n  hint: re-save the file as UTF-8"]),
    "text/empty.txt": ([], [
        "text/empty.txt: error: empty file\n  hint: delete it, or write the article into it"]),
    "markdown/hugo.md": ([{
        "title": "River Levels App",
        # The image shortcode is a figure whose file the build copies beside the page.
        "body": '<figure><img src="https://newsarchive.invalid/asset/markdown/2012/02/river.jpg'
                '?at=15.1" alt="River" loading="lazy"></figure>\n\n'
                'The app shows <a href="https://example.gov" rel="nofollow">river levels</a>.'
                "\n\nData refreshes hourly.",
        "images": (Image("markdown/2012/02/river.jpg", "River"),),
        "published": datetime(2012, 2, 22, 15, 9, 51, tzinfo=timezone(timedelta(hours=-4))),
        "authors": ("jdoe",), "slug": "river-app",
        "summary": "Agencies share “real-time” river data.",
        "terms": {"topics": ("mobile", "open-data")},
        "extra": {"expirydate": "2025-01-01"}}],
        ["markdown/hugo.md:19:1: warning: unknown shortcode {{< note >}}: its inner text kept"]),
    "markdown/2019-02-28-modular-contracts.md": ([{
        "title": "Modular contracts, explained",
        "body": "Read [the guide](/2017/10/11/guide/).",
        "published": datetime(2019, 2, 28, tzinfo=UTC), "authors": ("alex-smith",),
        "summary": "Breaking up large procurements into smaller pieces.",
        "terms": {"topics": ("contracting", "procurement")}}], []),
    "markdown/draft.md": ([], []),
    "markdown/bad-yaml.md": ([], [
        "markdown/bad-yaml.md:4:5: error: invalid YAML front matter: while parsing a flow "
        "sequence: " + ("did not find expected ',' or ']'" if yaml.__with_libyaml__
                        else "expected ',' or ']', but got ':'")
        + "\n  hint: check indentation and quoting; a value with ': ' or '#' needs quotes"]),
    "json/newsplease.json": ([{
        "title": "Port strike enters third day",
        "body": "Dock workers stayed out on Thursday.\n\nTalks resume on Friday.",
        "published": datetime(2019, 5, 2, 8, 15, tzinfo=UTC), "source": "example.com",
        "authors": ("Anna de Vries", "Piet Jansen"), "dateline": "ROTTERDAM",
        "agency": "Reuters", "original_url": "https://example.com/port-strike", "lang": "en",
        "extra": {"image_url": "https://example.com/a.jpg"}}], []),
    "json/array.json": ([
        {"title": "First", "body": "One.\n\nTwo.", "record": "0",
         "published": datetime(2017, 7, 23, tzinfo=UTC), "authors": ("A. Writer",),
         "terms": {"topics": ("elections",)}},
        {"title": "Bogus date", "body": "Body.", "record": "3"},
        {"title": "A record with no title but a body that is long enough to be cut at a word…",
         "body": "A record with no title but a body that is long enough to be cut at a word "
                 "boundary somewhere.", "record": "4"},
    ], [
        "json/array.json:3: error: record 1: the record has neither a title nor a body\n"
        "  hint: looked for: title, headline, name, maintext, content_original, content, text, "
        "body, article, description",
        "json/array.json:4: error: record 2: the record is an array, not an object\n"
        '  hint: each record must be a JSON object such as {"title": ..., "text": ...}',
        "json/array.json:5: warning: record 3: cannot use the date '0001-11-30' of 'date' (year "
        "1 is not a plausible publication year); kept undated\n"
        "  hint: correct the date in the source",
        "json/array.json:6: warning: record 4: the record has no title; using the body's first "
        "words\n  hint: title keys looked for: title, headline, name",
        "json/array.json:6: warning: undated: record 4: no date found; kept without a date\n"
        "  hint: map the record's date key with read.json_fields.date in archive.yaml",
    ]),
    "json/lines.jsonl": ([
        {"title": "Line one", "body": "Hello.", "record": "1",
         "published": datetime(2020, 3, 1, 10, tzinfo=timezone(timedelta(hours=1)))},
        {"title": "Line three", "body": "Bye.", "record": "3",
         "published": datetime(2020, 3, 2, tzinfo=UTC), "terms": {"topics": ("a", "b")}},
    ], ["json/lines.jsonl:4:32: error: invalid JSON: Expecting value\n"
        "  hint: check for a missing comma, quote or bracket"]),
    "json/bad.json": ([], ["json/bad.json:4:3: error: invalid JSON: Expecting ',' delimiter\n"
                           "  hint: check for a missing comma, quote or bracket"]),
    "json/arabic.json": ([{
        "title": "افتتاح جسر جديد في المدينة",
        "body": "افتتح المسؤولون الجسر يوم الأربعاء\n\nوقال رئيس البلدية إنه يوم تاريخي",
        "record": "0", "source": "daily", "lang": "ar",
        "extra": {"date_extracted": "2015-07-23 19:28:17"}}],
        ["json/arabic.json:1: warning: undated: record 0: no date found; kept without a date\n"
         "  hint: map the record's date key with read.json_fields.date in archive.yaml"]),
}


def test_every_sample_has_a_golden_entry() -> None:
    on_disk = {p.relative_to(SAMPLES).as_posix() for p in SAMPLES.rglob("*") if p.is_file()}
    assert on_disk == set(GOLDEN)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_sample(name: str) -> None:
    assert read(name) == GOLDEN[name]


def test_crawl_date_mapped_by_settings() -> None:
    fields = dict(ReadSettings().json_fields)
    fields["date"] = ("date_extracted",)
    result = read_source("a.json", (SAMPLES / "json/arabic.json").read_bytes(),
                         ReadSettings(json_fields=fields))
    assert result.diagnostics == ()
    assert result.articles[0].published == datetime(2015, 7, 23, 19, 28, 17, tzinfo=UTC)
