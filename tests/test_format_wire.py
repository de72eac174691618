"""The wire-text reader: ANPA 1312 and IPTC 7901 messages with their control characters."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError
from newsarchive.formats import wire
from newsarchive.model import ReadResult

from sitekit import build_site, make_site

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "formats" / "wire"
DEV = HERE.parents[1] / "shared" / "corpora" / "formats-dev" / "agency"
needs_dev = pytest.mark.skipif(not DEV.is_dir(), reason=f"formats-dev corpus not found at {DEV}")
SETTINGS = ReadSettings()


def read(name: str, data: bytes | None = None) -> ReadResult:
    return wire.read(name, data if data is not None else (DATA / name).read_bytes(), SETTINGS)


@pytest.mark.parametrize(("head", "expected"), [
    (b"\x16\x16\x01W2607\x1fasian\nr a\x13\x11 BC-US--X   11-13 1693\n\x02^BC-US--X<\n", True),
    (b"\x01bdt0042 4 pl 120  dpa 0815\r\nA/\r\n\x02Title =\r\n", True),
    (b"\x01bdt0042 4 pl 120  dpa 0815\r\n no start of text yet", False),
    (b"Title\n\nBERLIN (dpa) - Ordinary text.\n", False),
    (b"W2607 asian\n\x02text", False),
    (b'<?xml version="1.0"?><nitf/>', False),
    (b"", False),
])
def test_sniff(head: bytes, expected: bool) -> None:
    assert wire.sniff(head) is expected


def test_iptc_7901_cp1252_and_control_characters() -> None:
    result = read("buergermeister.7901")
    [article] = result.articles
    assert article.title == "Neuer Bürgermeister in Kleinhausen gewählt"
    assert article.authors == ("Anna Müller",)
    assert (article.dateline, article.agency) == ("Kleinhausen", "dpa")
    assert article.published == datetime(2013, 11, 13, 11, 37, tzinfo=UTC)
    assert article.body == ("Der Gemeinderat hat am Montag Jonas Müller\nzum Bürgermeister "
                            "gewählt. Er erhielt 14 von 20 Stimmen.\n\nMüller tritt sein Amt "
                            "im Dezember an – als jüngster Bürgermeister.")
    assert "\ufffd" not in article.body + article.title
    assert article.body_format == "text"
    assert article.terms == {"topics": ("Wahlen", "Kommunal")}
    assert article.extra["notebook"].startswith("# Notizblock")
    assert "dpa ab cd" not in article.body and "GMT" not in article.body
    [warning] = result.diagnostics
    assert (warning.line, warning.column, warning.severity) == (8, 27, "warning")
    assert warning.message == ("removed 3 control characters (U+0007, U+001B) that XML and "
                               "HTML cannot carry")


def test_anpa_capture_with_two_messages() -> None:
    result = read("capture.anpa")
    ferry, lighthouse = result.articles
    assert (ferry.record, lighthouse.record) == ("1", "2")
    assert ferry.title == "Harbour ferry returns after “long” pause"
    assert ferry.authors == ("Mairi Flett", "Tom Rendall")
    assert (ferry.dateline, ferry.agency) == ("KIRKWALL, Scotland", "AP")
    assert ferry.published == datetime(2024, 3, 4, 13, 11, tzinfo=UTC)
    assert ferry.body == ("The harbour ferry returns on Monday.\n\nFares stay the same — "
                          "4 pounds for adults.\n\nTimetables are at the pier.")
    assert ferry.extra["notes"] == ["Eds: Invented story for tests."]
    assert ferry.extra["keyword"] == "BC-XX--Harbour-Ferry,300"
    assert lighthouse.title == "Lighthouse keeper retires"
    assert lighthouse.published is None and lighthouse.body_line == 21
    assert [(d.line, d.message) for d in result.diagnostics] == [
        (20, "undated: message 2: no time stamp in the trailer; kept without a date")]


def test_truncated_and_foreign_files() -> None:
    with pytest.raises(ContentError, match="no STX"):
        read("cut.tst", (DATA / "capture.anpa").read_bytes()[:40])
    with pytest.raises(ContentError, match="no wire header"):
        read("plain.tst", b"Just a text file.\n")
    cut = (DATA / "buergermeister.7901").read_bytes()[:200]  # no ETX, no time stamp
    result = read("cut.7901", cut)
    assert result.articles[0].title == "Neuer Bürgermeister in Kleinhausen gewählt"
    assert any(d.message.startswith("undated:") for d in result.diagnostics)


def test_hostile_messages() -> None:
    huge = b"\x01ab0001 4 pl 1  dpa 1\n\x02" + b"Title =\n\nText " * 200_000 + b"\x03"
    assert read("huge.7901", huge).articles[0].title == "Title"
    nul = b"\x01ab0001 4 pl 1  dpa 1\n\x02Title\x00 here =\n\nText.\n\x03"
    result = read("nul.7901", nul)
    assert result.articles[0].title == "Title here"
    assert result.diagnostics[0].message == "removed 1 NUL byte(s) from the text"
    bad_date = b"\x01ab0001 4 pl 1  dpa 1\n\x02Title =\n\nText.\n\n991137 GMT Feb 13\n\x03"
    assert read("d.7901", bad_date).articles[0].published is None
    empty = read("e.7901", b"\x01ab0001 4 pl 1  dpa 1\n\x02 \n\x03")
    assert empty.articles == ()


@needs_dev
def test_dev_anpa_files() -> None:
    counted = read_count = dated = with_authors = 0
    for path in sorted(DEV.glob("*.tst")):
        data = path.read_bytes()
        assert wire.sniff(data[:4096]), path.name
        counted += len(re.findall(rb"\x01[A-Za-z]\d{4}\x1f", data))
        result = read(path.name, data)
        read_count += len(result.articles)
        dated += sum(a.published is not None for a in result.articles)
        with_authors += sum(bool(a.authors) for a in result.articles)
        for article in result.articles:
            assert not re.search("[\x00-\x08\x0b-\x1f]", article.body + article.title)
            assert "<" not in article.body and "^" not in article.body
    assert (counted, read_count, dated, with_authors) == (3, 3, 3, 2)


@needs_dev
def test_dev_anpa_story() -> None:
    [article] = read("anpa-2.tst", (DEV / "anpa-2.tst").read_bytes()).articles
    assert article.title == "Prairies vanish in the US push for green energy"
    assert article.authors == ("Chet Brokaw", "Jack Gillum")
    assert (article.dateline, article.agency) == ("ROSCOE, South Dakota", "AP")
    assert article.published == datetime(2013, 11, 13, 7, 45, tzinfo=UTC)
    assert article.body.startswith("Robert Malsam nearly went broke in the 1980s")
    assert article.body.endswith("contributed to this report from Washington.")
    assert "\n\n\n" not in article.body


@needs_dev
def test_dev_anpa_agate_table() -> None:
    [article] = read("ap_anpa-2.tst", (DEV / "ap_anpa-2.tst").read_bytes()).articles
    assert article.title == "Baseball Expanded Standings"
    assert article.authors == () and article.agency == "AP"
    assert article.body.startswith("AMERICAN LEAGUE\n\nEast Division\n\n;W;L;Pct;GB")
    assert "\n\nTampa Bay;17;19;" in article.body


def test_build_a_site_from_wire_files(tmp_path: Path) -> None:
    config = make_site(tmp_path / "site", {
        "buergermeister.7901": (DATA / "buergermeister.7901").read_bytes(),
        "capture.anpa": (DATA / "capture.anpa").read_bytes()})
    build_site(config)
    pages = [p.read_text(encoding="utf-8") for p in config.output_dir.rglob("index.html")]
    assert any("Neuer Bürgermeister in Kleinhausen gewählt" in page for page in pages)
    assert any("Lighthouse keeper retires" in page for page in pages)
    assert not any("M\ufffdller" in page or "Notizblock" in page for page in pages)
    assert any('<p class="dateline">Kleinhausen (dpa)</p>' in page for page in pages)
