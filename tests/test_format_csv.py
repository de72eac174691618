"""The CSV/TSV reader: columns to fields, dialects, encodings, bad rows, hostile cells."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError
from newsarchive.formats import csv as csvformat
from newsarchive.model import ReadResult

from sitekit import build_site, make_site

DATA = Path(__file__).resolve().parent / "data" / "formats" / "csv"


def valley() -> ReadResult:
    return csvformat.read("valley-news.csv", (DATA / "valley-news.csv").read_bytes(),
                          ReadSettings())


def test_suffixes_and_no_sniffing() -> None:
    assert csvformat.SUFFIXES == (".csv", ".tsv")
    assert not csvformat.sniff(b"title,date,body\nA,2021-01-01,B\n")


def test_row_fields() -> None:
    bridge, market, flood, short, long = valley().articles
    assert bridge.title == "Bridge reopens after repairs"
    assert bridge.record == "1"
    assert bridge.body_line == 2
    assert bridge.published == datetime(2022, 5, 3, 9, 30, tzinfo=UTC)
    assert bridge.body == ("The old stone bridge reopened on Tuesday.\n\n"
                           "Traffic is limited to one lane.")
    assert bridge.body_format == "text"
    assert bridge.authors == ("Ada Fenn", "Rui Costa")
    assert bridge.original_url == "https://valley.example.net/bridge"
    assert bridge.terms == {"topics": ("roads", "bridges", "transport"), "places": ("Millbrook",)}
    assert bridge.extra == {"Section": "Local"}
    assert market.title == "Market day, moved"
    assert market.body_format == "html"
    assert market.body == "<p>The market moves to <b>Saturday</b>.</p><p>Stalls open at eight.</p>"
    assert market.authors == ("Ada Fenn", "Rui Costa")
    assert market.original_url == ""
    assert market.body_line == 4
    assert flood.title == "Flood warning lifted for the lower valley."
    assert flood.record == "4"
    assert (short.title, short.body, long.title) == ("Short row", "", "Long row")


def test_row_warnings_are_located() -> None:
    shown = [(d.line, d.message) for d in valley().diagnostics]
    assert shown == [
        (4, "dropped the URL of 'URL': only http and https links are kept "
            "('javascript:alert(1)')"),
        (5, "row 3 has neither a title nor a body; skipped"),
        (6, "row 4 has no title; using the body's first sentence"),
        (7, "row 5 has 2 cells, the header 8"),
        (8, "row 6 has 9 cells, the header 8"),
    ]
    assert all(d.severity == "warning" for d in valley().diagnostics)


def test_tsv_by_suffix() -> None:
    (tea,) = csvformat.read("h.tsv", (DATA / "harvest.tsv").read_bytes(), ReadSettings()).articles
    assert tea.title == "Tea prices rise"
    assert tea.authors == ("Lena Ortiz", "Sam Ito")
    assert tea.published == datetime(2023, 1, 2, 8, 0, tzinfo=UTC)


def test_semicolons_cp1252_and_local_dates() -> None:
    body = ("A caf\u00e9 opened \u2013 at last. The owners were pleased; the mayor said "
            "\u201cthe square is alive again\u201d and praised the new caf\u00e9 terrace.")
    data = ("TITLE;Date;Body;Keywords\r\nCaf\u00e9 opens;2021-06-01 12:00;"
            f'"{body}";food|town\r\n').encode("cp1252")
    (cafe,) = csvformat.read("c.csv", data, ReadSettings(timezone="Europe/Paris")).articles
    assert cafe.title == "Caf\u00e9 opens"
    assert cafe.body == body
    assert cafe.published == datetime(2021, 6, 1, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert cafe.terms == {"topics": ("food", "town")}
    # unquoted, the body's own semicolon splits the row (and confuses csv.Sniffer):
    # the header still decides the delimiter, and the row is read with a warning
    unquoted = data.replace(b'"', b"")
    result = csvformat.read("c.csv", unquoted, ReadSettings())
    assert result.articles[0].title == "Caf\u00e9 opens"
    assert [d.message for d in result.diagnostics] == ["row 1 has 5 cells, the header 4"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom_encodings(encoding: str) -> None:
    bridge, text = "\u041c\u043e\u0441\u0442", "\u0422\u0435\u043a\u0441\u0442."
    data = f"title,body\n{bridge},{text}\n".encode(encoding)
    (article,) = csvformat.read("b.csv", data, ReadSettings()).articles
    assert (article.title, article.body) == (bridge, text)


def test_json_fields_setting_maps_columns_ignoring_case() -> None:
    settings = ReadSettings(json_fields={**ReadSettings().json_fields,
                                         "title": ("Schlagzeile",), "body": ("Inhalt",)})
    data = "schlagzeile,INHALT,title\nNeue Br\u00fccke,Sie ist fertig.,ignored\n".encode()
    (article,) = csvformat.read("d.csv", data, settings).articles
    assert (article.title, article.body) == ("Neue Br\u00fccke", "Sie ist fertig.")
    assert article.extra == {"record_title": "ignored"}


def test_no_header_is_a_content_error() -> None:
    with pytest.raises(ContentError) as caught:
        csvformat.read("n.csv", b"Bridge reopens,2022-05-03,The bridge reopened.\n",
                       ReadSettings())
    diagnostic = caught.value.diagnostic
    assert diagnostic.line == 1
    assert diagnostic.message == ("no header row naming a title or body column (the first row "
                                  "is 'Bridge reopens', '2022-05-03', 'The bridge reopened.')")
    assert diagnostic.hint.startswith("make the first row name the columns, e.g. title,date,body")


def test_empty_and_binary_files() -> None:
    with pytest.raises(ContentError, match="empty file"):
        csvformat.read("e.csv", b"\n\n", ReadSettings())
    with pytest.raises(ContentError, match="binary file"):
        csvformat.read("e.csv", b"title,body\nA,\x00\x00\x00\x01\x02", ReadSettings())


def test_too_long_field_is_a_located_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvformat, "MAX_FIELD", 1000)
    before = csv.field_size_limit()
    data = ("title,body\nFirst,Short body.\nSecond,\"" + "x" * 5000 + "\"\nThird,Body.\n").encode()
    result = csvformat.read("big.csv", data, ReadSettings())
    assert [a.title for a in result.articles] == ["First"]
    (error,) = result.diagnostics
    assert (error.line, error.severity) == (3, "error")
    assert error.message == "cannot read the row: field larger than field limit (1000)"
    assert csv.field_size_limit() == before  # the process-wide limit is put back
    with pytest.raises(ContentError) as caught:
        csvformat.read("big.csv", ("title,body\nA,\"" + "y" * 5000 + "\"\n").encode(),
                       ReadSettings())
    assert caught.value.diagnostic.line == 2


def test_field_larger_than_the_default_limit_is_read() -> None:
    body = "word " * 40000  # 200,000 characters: over csv's default 131,072
    data = f"title,body\nLong one,\"{body}\"\n".encode()
    (article,) = csvformat.read("l.csv", data, ReadSettings()).articles
    assert len(article.body) == len(body.strip())


def test_hostile_cells() -> None:
    data = (b'title,body,url\n"<script>alert(1)</script>Hi\x1b[31m","Body\x07 text.",'
            b'" JaVa\tScRiPt:alert(1)"\n')
    result = csvformat.read("h.csv", data, ReadSettings())
    (article,) = result.articles
    assert article.title == "alert(1) Hi"  # plain text: escaped when shown
    assert article.body == "Body text."
    assert article.original_url == ""
    assert [d.message.split(" (")[0] for d in result.diagnostics] == [
        "removed 2 control characters", "dropped the URL of 'url': only http and https links "
        "are kept"]


def test_truncated_quote_keeps_the_text() -> None:
    data = b'title,body\nCut short,"The text stops here'
    (article,) = csvformat.read("t.csv", data, ReadSettings()).articles
    assert article.body == "The text stops here"


def test_build_a_site_from_a_spreadsheet(tmp_path: Path) -> None:
    config = make_site(tmp_path / "site", {
        "valley.csv": (DATA / "valley-news.csv").read_bytes()})
    build_site(config)
    pages = [p.read_text(encoding="utf-8") for p in config.output_dir.rglob("index.html")]
    assert any("Bridge reopens after repairs" in page for page in pages)
    assert any("<b>Saturday</b>" in page for page in pages)
    assert not any("javascript:" in page for page in pages)
