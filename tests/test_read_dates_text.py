"""Units of read.dates and read.text: date forms, decoding, repair, script detection."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from newsarchive.errors import ContentError
from newsarchive.pipeline.read.dates import coerce_date, date_from_filename, parse_date
from newsarchive.pipeline.read.text import decode, detect_lang, repair


@pytest.mark.parametrize(("text", "iso"), [
    ("7/23/17", "2017-07-23T00:00:00+00:00"),
    ("12/1/18", "2018-12-01T00:00:00+00:00"),
    ("28.12.2000", "2000-12-28T00:00:00+00:00"),
    ("Dec 28 2000 10:00 CET", "2000-12-28T10:00:00+01:00"),
    ("2000-12-28 02:00 UTC", "2000-12-28T02:00:00+00:00"),
    ("2000-12-28T02:00:00+0530", "2000-12-28T02:00:00+05:30"),
])
def test_parse_date(text: str, iso: str) -> None:
    assert parse_date(text).isoformat() == iso


@pytest.mark.parametrize(("text", "reason"), [
    ("0001-11-30", "year 1 is not a plausible publication year"),
    ("Feb 26", "no day, month and year found"),
    ("", "the date is empty"),
    ("2000-13-01", "month must be in 1..12"),
])
def test_parse_date_rejects(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_date(text)


def test_coerce_date() -> None:
    assert coerce_date(date(2020, 1, 2), "Europe/Paris").isoformat() == (
        "2020-01-02T00:00:00+01:00")
    assert coerce_date(datetime(2020, 1, 2, 3)) == datetime(2020, 1, 2, 3, tzinfo=UTC)
    assert coerce_date(1577836800) == datetime(2020, 1, 1, tzinfo=UTC)
    assert coerce_date(1577836800000) == datetime(2020, 1, 1, tzinfo=UTC)
    assert coerce_date("2020-01-01T00:00:00-05:00").utcoffset() == timedelta(hours=-5)
    with pytest.raises(ValueError, match="yes/no"):
        coerce_date(True)
    assert coerce_date(datetime(2020, 1, 1, tzinfo=UTC)).tzinfo is UTC


def test_date_from_filename() -> None:
    assert date_from_filename("2019-02-28-slug.md") == date(2019, 2, 28)
    assert date_from_filename("2019-02-30-slug.md") is None
    assert date_from_filename("notes.md") is None


def test_decode_errors_name_the_problem() -> None:
    with pytest.raises(ContentError) as caught:
        decode("a.txt", b"  \n")
    assert caught.value.diagnostic.message == "empty file"
    with pytest.raises(ContentError) as caught:
        decode("a.txt", b"abc\x00def")
    assert caught.value.diagnostic.message == "binary file (contains NUL bytes)"


def test_decode_normalises_newlines_and_repairs() -> None:
    assert decode("a.txt", "a\r\nb\rc\u00e2\u20ac\u2122s".encode()) == "a\nb\nc’s"


def test_repair_leaves_correct_text_alone() -> None:
    for text in ("Café “quoted” – ok", "ＶＩＰ 全角", "ﬁ ligature", "&amp; entity", "Ünïcödé"):
        assert repair(text) == text


@pytest.mark.parametrize(("text", "lang"), [
    ("مرحبا بالعالم", "ar"), ("שלום עולם", "he"), ("北京新图书馆", "zh"),
    ("東京のニュース", "ja"), ("서울 뉴스", "ko"), ("Hello world", ""), ("Привет", ""),
    ("Բարև Ձեզ", "hy"), ("", ""),
])
def test_detect_lang(text: str, lang: str) -> None:
    assert detect_lang(text) == lang
