"""Web archives: the HTML pages of a crawl read as articles, everything else counted."""

from __future__ import annotations

import gzip
import io
import re
import zlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError
from newsarchive.formats import warc as warcformat
from newsarchive.formats.common import clean_text

from sitekit import build_site, make_site

CORPUS = Path(__file__).parent.parent.parent / "shared" / "corpora" / "formats-dev"
CAPTURED = "2024-02-05T06:07:08Z"


def article_page(title: str, date: str | None = "2024-02-01T09:30:00+00:00",
                 author: str = "Mira Osei", charset: str = "utf-8") -> str:
    """An invented news page with navigation and footer around three paragraphs."""
    meta = f"<meta property='article:published_time' content='{date}'>" if date else ""
    paragraphs = "".join(
        f"<p>{title}: paragraph {n}. The ferry company said on Thursday that the crossing "
        "would run every half hour from April, and that the new timetable had been agreed "
        "with the harbour board after a long consultation with residents.</p>"
        for n in (1, 2, 3))
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='{charset}'>"
            f"<title>{title} - Estuary Post</title><meta name='author' content='{author}'>"
            f"{meta}<meta property='og:site_name' content='Estuary Post'></head><body>"
            "<nav><a href='/'>Estuary Post front page</a><a href='/sport'>Sport results "
            "and fixtures</a></nav>"
            f"<article><h1>{title}</h1>{paragraphs}</article>"
            "<footer>Estuary Post newsletter sign-up and privacy settings</footer>"
            "</body></html>")


def _write(writer: WARCWriter, record: Any) -> None:
    """Write ``record`` and close its payload (warcio spools payloads of unknown
    length to a temporary file that only closing releases)."""
    writer.write_record(record)
    record.raw_stream.close()


def response(writer: WARCWriter, uri: str, status: str, content_type: str | None,
             payload: bytes, date: str = CAPTURED) -> None:
    headers = [("Content-Type", content_type)] if content_type else []
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(uri, "response", payload=io.BytesIO(payload),
                                       length=len(payload), http_headers=http,
                                       warc_headers_dict={"WARC-Date": date})
    _write(writer, record)


class _SameWriter(WARCWriter):
    """A writer whose record ids and dates are the same in every run (warcio makes a
    random id and takes the clock), so that a crawl's bytes are: a test that garbles a
    compressed record must garble the same bytes each time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.made = 0

    def _make_warc_id(self) -> str:
        self.made += 1
        return f"<urn:uuid:00000000-0000-4000-8000-{self.made:012d}>"

    def curr_warc_date(self) -> str:
        return CAPTURED


def crawl(gz: bool) -> bytes:
    """A small crawl: two articles among what a crawler also saves."""
    buffer = io.BytesIO()
    writer = _SameWriter(buffer, gzip=gz)
    _write(writer, writer.create_warcinfo_record("crawl.warc", {"software": "test"}))
    request = writer.create_warc_record(
        "https://post.example/news/ferry", "request", payload=io.BytesIO(b""), length=0,
        http_headers=StatusAndHeaders("GET /news/ferry HTTP/1.1", [("Host", "post.example")],
                                      is_http_request=True))
    _write(writer, request)
    response(writer, "https://post.example/news/ferry", "200 OK", "text/html; charset=utf-8",
             article_page("Ferry timetable agreed").encode())
    response(writer, "https://post.example/img/ferry.jpg", "200 OK", "image/jpeg", b"\xff\xd8jpg")
    response(writer, "https://post.example/img/logo.png", "200 OK", "image/png", b"\x89PNG")
    response(writer, "https://post.example/site.css", "200 OK", "text/css", b"p{}")
    response(writer, "https://post.example/app.js", "200 OK", "application/javascript", b"x=1")
    response(writer, "https://post.example/old", "301 Moved Permanently", "text/html", b"")
    response(writer, "https://post.example/gone", "404 Not Found", "text/html", b"<p>gone</p>")
    response(writer, "https://post.example/news/ferry", "200 OK", "text/html",
             article_page("Ferry timetable agreed").encode())
    response(writer, "https://post.example/news/market", "200 OK", "application/xhtml+xml",
             article_page("Market hall reopens", date=None, author="Tomas Lind").encode())
    answer = b"post.example. 300 IN A 192.0.2.1"
    dns = writer.create_warc_record("dns:post.example", "response",
                                    payload=io.BytesIO(answer), length=len(answer),
                                    warc_content_type="text/dns")
    _write(writer, dns)
    _write(writer, writer.create_warc_record(
        "https://post.example/news/ferry", "metadata", payload=io.BytesIO(b"outlinks: 3"),
        length=11, warc_content_type="application/warc-fields"))
    return buffer.getvalue()


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_pages_of_a_crawl(gz: bool) -> None:
    data = crawl(gz)
    assert warcformat.sniff(data[:4096])
    result = warcformat.read("crawl.warc", data, ReadSettings(timezone="Europe/Oslo"))
    ferry, market = result.articles
    assert (ferry.title, market.title) == ("Ferry timetable agreed", "Market hall reopens")
    assert ferry.original_url == "https://post.example/news/ferry"
    assert market.original_url == "https://post.example/news/market"
    assert ferry.record.startswith("urn:uuid:") and ferry.record != market.record
    assert ferry.published == datetime(2024, 2, 1, 9, 30, tzinfo=UTC)
    assert ferry.extra["captured"] == CAPTURED
    # the market page gives no date: its capture time stands in
    assert market.published == datetime(2024, 2, 5, 6, 7, 8, tzinfo=UTC)
    assert (ferry.authors, market.authors) == (("Mira Osei",), ("Tomas Lind",))
    assert ferry.source == "Estuary Post" and ferry.body_format == "html"
    assert "paragraph 3. The ferry company said" in ferry.body
    for chrome in ("front page", "Sport results", "newsletter sign-up"):
        assert chrome not in ferry.body
    assert [(d.message, d.severity) for d in result.diagnostics] == [
        ("2 HTML pages read; skipped: 2 images, 1 DNS record, 1 error page, "
         "1 metadata record, 1 redirect, 1 repeated capture, 1 request, 1 script, "
         "1 stylesheet, 1 warcinfo record", "warning"),
        ("1 page(s) give no date of their own: dated by their capture time (WARC-Date)",
         "warning"),
    ]


def test_gzip_and_plain_read_alike() -> None:
    plain = warcformat.read("a.warc", crawl(False), ReadSettings()).articles
    packed = warcformat.read("a.warc.gz", crawl(True), ReadSettings()).articles
    assert [(a.title, a.body, a.published) for a in plain] == [
        (a.title, a.body, a.published) for a in packed]


def test_http_charset_header_decodes_the_page() -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    text = article_page("Grüße aus Ærø", charset="iso-8859-1")
    response(writer, "https://post.example/latin", "200 OK", "text/html; charset=ISO-8859-1",
             text.encode("latin-1"))
    (article,) = warcformat.read("l.warc.gz", buffer.getvalue(), ReadSettings()).articles
    assert article.title == "Grüße aus Ærø"


def test_page_without_text_is_counted() -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    response(writer, "https://post.example/", "200 OK", "text/html",
             b"<html><head><title>Front</title></head><body><nav>News</nav></body></html>")
    result = warcformat.read("f.warc", buffer.getvalue(), ReadSettings())
    assert result.articles == ()
    (summary,) = result.diagnostics
    assert summary.message == "0 HTML pages read; skipped: 1 page without article text"
    assert summary.hint == "the archive holds no news page the reader recognises"


def test_oversized_body_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warcformat, "MAX_BODY_BYTES", 500)
    result = warcformat.read("c.warc", crawl(False), ReadSettings())
    assert result.articles == ()
    messages = [d.message for d in result.diagnostics]
    assert messages[0] == ("record 3 (https://post.example/news/ferry) skipped: its body is "
                           "over 0 MiB")
    assert messages[-1].startswith("0 HTML pages read; skipped: 2 images, 2 pages too large")


# -- damaged archives ---------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_truncated_archive_keeps_the_pages_before_the_cut(gz: bool) -> None:
    data = crawl(gz)
    plain = crawl(False) if gz else data
    # cut inside the market page (the 11th record), past the ferry page
    if gz:
        members = _gzip_members(data)
        cut = members[10] + (members[11] - members[10]) // 2
    else:
        cut = plain.index(b"Market hall reopens: paragraph 2")
    result = warcformat.read("cut.warc", data[:cut], ReadSettings())
    assert [a.title for a in result.articles] == ["Ferry timetable agreed"]
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert len(errors) == 1
    assert errors[0].message.startswith("damaged archive: record 11 at byte offset ")
    assert errors[0].message.endswith("the 1 page before it are kept")
    offset = int(errors[0].message.split("byte offset ")[1].split()[0])
    assert data[offset:offset + 2] == (b"\x1f\x8b" if gz else b"WA")
    assert errors[0].hint == "the file is cut short or corrupt; copy or export it again"


def _gzip_members(data: bytes) -> list[int]:
    """The byte offsets where the gzip members of ``data`` start."""
    offsets, position = [], 0
    while position < len(data):
        offsets.append(position)
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        decompressor.decompress(data[position:])
        position = len(data) - len(decompressor.unused_data)
    return offsets


def test_corrupt_gzip_member_is_an_error_after_the_good_pages() -> None:
    data = bytearray(crawl(True))
    members = _gzip_members(bytes(data))
    start = members[10]
    data[start + 20:start + 60] = b"\x00" * 40  # garble the market page's deflate stream
    result = warcformat.read("bad.warc.gz", bytes(data), ReadSettings())
    assert [a.title for a in result.articles] == ["Ferry timetable agreed"]
    (error,) = [d for d in result.diagnostics if d.severity == "error"]
    assert error.message.startswith("damaged archive: record 11 at byte offset ")
    assert error.message.isprintable()


def test_wrong_content_length_is_an_error_without_printing(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = crawl(False)
    start = data.index(b"WARC-Target-URI: https://post.example/site.css")
    match = re.compile(rb"Content-Length: (\d+)\r\n").search(data, start)
    assert match is not None
    data = data[:match.start(1)] + str(int(match.group(1)) - 2).encode() + data[match.end(1):]
    result = warcformat.read("b.warc", data, ReadSettings())
    assert [a.title for a in result.articles] == ["Ferry timetable agreed"]
    (error,) = [d for d in result.diagnostics if d.severity == "error"]
    assert error.message.startswith("damaged archive: record 6 at byte offset ")
    assert "(the record does not end where its Content-Length says)" in error.message
    assert capsys.readouterr().err == ""


def test_arc_file() -> None:
    http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + article_page(
        "Tide gauge installed", date=None).encode()
    version = b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"
    data = (b"filedesc://old.arc 0.0.0.0 20040101000000 text/plain %d\n%s\n"
            b"http://post.example/tide 192.0.2.1 20040102030405 text/html %d\n%s\n"
            % (len(version), version, len(http), http))
    assert warcformat.sniff(data[:4096])
    (article,) = warcformat.read("old.arc", data, ReadSettings()).articles
    assert (article.title, article.original_url) == ("Tide gauge installed",
                                                     "http://post.example/tide")
    assert article.published == datetime(2004, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_not_an_archive_is_a_content_error() -> None:
    with pytest.raises(ContentError) as caught:
        warcformat.read("x.warc", b"this is not a web archive at all\n" * 3, ReadSettings())
    assert caught.value.diagnostic.message == "not a web archive"
    assert caught.value.diagnostic.hint == "a WARC file starts with WARC/1.0 or WARC/1.1"


def test_hostile_target_uri_is_not_kept() -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    response(writer, "javascript:alert(1)", "200 OK", "text/html",
             article_page("Quay wall rebuilt").encode())
    result = warcformat.read("j.warc", buffer.getvalue(), ReadSettings())
    assert result.articles == ()  # not an HTTP capture: warcio reads no HTTP headers
    assert result.diagnostics[0].message == "0 HTML pages read; skipped: 1 other record"


def test_many_records_are_iterated() -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for n in range(300):
        response(writer, f"https://post.example/i/{n}.png", "200 OK", "image/png", b"\x89PNG")
    response(writer, "https://post.example/news/x", "200 OK", "text/html",
             article_page("Harbour dredging starts").encode())
    result = warcformat.read("m.warc.gz", buffer.getvalue(), ReadSettings())
    assert [a.title for a in result.articles] == ["Harbour dredging starts"]
    assert result.diagnostics[0].message == "1 HTML page read; skipped: 300 images"


# -- sniffing -----------------------------------------------------------------------------


def test_sniff() -> None:
    assert warcformat.sniff(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n")
    assert warcformat.sniff(b"WARC/1.1\r\n")
    assert warcformat.sniff(gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n" * 200)[:4096])
    assert warcformat.sniff(b"filedesc://crawl.arc 0.0.0.0 20040101000000 text/plain 70\n")
    assert not warcformat.sniff(b"<!DOCTYPE html><html>")
    assert not warcformat.sniff(gzip.compress(b"<!DOCTYPE html><html>"))
    assert not warcformat.sniff(b"\x1f\x8b\x08\x00garbage")
    assert not warcformat.sniff(b"<?xml version='1.0'?><rss version='2.0'>")
    assert not warcformat.sniff(b"")
    assert ".warc.gz" in warcformat.SUFFIXES and ".warc" in warcformat.SUFFIXES


def test_sniff_refuses_the_formats_dev_files() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"formats-dev corpus not found at {CORPUS}")
    files = [p for p in CORPUS.glob("*/*") if p.is_file()]
    assert files and not [p.name for p in files if warcformat.sniff(p.read_bytes()[:4096])]


def test_formats_dev_page_wrapped_in_an_archive() -> None:
    path = CORPUS / "html" / "zeit.de.zugverkehr.html"
    if not path.is_file():
        pytest.skip(f"formats-dev page not found: {path}")
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    uri = "https://www.zeit.de/mobilitaet/2020-01/zugverkehr"
    response(writer, uri, "200 OK", "text/html; charset=UTF-8", path.read_bytes())
    result = warcformat.read("zeit.warc.gz", buffer.getvalue(), ReadSettings())
    (article,) = result.articles
    assert article.original_url == uri
    assert article.published == datetime(2020, 1, 14, 9, 21, 29,
                                         tzinfo=timezone(timedelta(hours=1)))
    assert article.extra["captured"] == CAPTURED
    assert "ä" in article.body or "ü" in article.body
    assert len(clean_text(article.body)) > 1500
    assert result.diagnostics[0].message == "1 HTML page read"


# -- end to end ---------------------------------------------------------------------------


def test_build_a_site_from_a_web_archive(tmp_path: Path) -> None:
    config = make_site(tmp_path / "site", {"crawl.warc.gz": crawl(True)})
    build_site(config)
    pages = [p.read_text(encoding="utf-8") for p in config.output_dir.rglob("index.html")]
    assert any("Ferry timetable agreed" in page for page in pages)
    assert any("Market hall reopens" in page for page in pages)
    assert not any("Sport results and fixtures" in page for page in pages)
