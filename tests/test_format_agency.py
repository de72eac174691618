"""The news-agency XML readers: NITF and NewsML (1.x and G2)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError
from newsarchive.formats import newsml, nitf
from newsarchive.model import Image, ReadResult

from sitekit import build_site, make_site

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "formats" / "agency"
DEV = HERE.parents[1] / "shared" / "corpora" / "formats-dev" / "agency"
needs_dev = pytest.mark.skipif(not DEV.is_dir(), reason=f"formats-dev corpus not found at {DEV}")
SETTINGS = ReadSettings()
CET = timezone(timedelta(hours=1))


def read_nitf(name: str, data: bytes | None = None) -> ReadResult:
    return nitf.read(name, data if data is not None else (DATA / name).read_bytes(), SETTINGS)


# --- sniffing --------------------------------------------------------------------------

@pytest.mark.parametrize(("head", "is_nitf", "is_newsml"), [
    (b'<?xml version="1.0"?>\n<!DOCTYPE nitf SYSTEM "nitf.dtd">\n<nitf>', True, False),
    (b"\xef\xbb\xbf  <!-- c -->\n<nitf baselang='en'>", True, False),
    (b'<NewsML Version="1.2">', False, True),
    (b'<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">', False, True),
    (b'<g2:newsItem xmlns:g2="http://iptc.org/std/nar/2006-10-01/" guid="x">', False, True),
    (b"<newsItem guid='x'>", False, False),  # no G2 namespace: not claimed
    (b'<feed xmlns="http://www.w3.org/2005/Atom">', False, False),
    (b'<rss version="2.0"><channel>', False, False),
    (b"nitf is a format", False, False),
    (b"", False, False),
])
def test_sniff(head: bytes, is_nitf: bool, is_newsml: bool) -> None:
    assert nitf.sniff(head) is is_nitf
    assert newsml.sniff(head) is is_newsml


def test_suffixes() -> None:
    assert nitf.SUFFIXES == (".nitf",)
    assert newsml.SUFFIXES == (".newsml",)


# --- NITF --------------------------------------------------------------------------------

def test_nitf_fields() -> None:
    result = read_nitf("harbour.nitf")
    [article] = result.articles
    assert article.title == "Harbour ferry returns after winter pause"
    assert article.published == datetime(2024, 1, 31, 10, 15, tzinfo=CET)
    assert article.authors == ("Ann Flett", "Tom Rendall")  # byttl dropped
    assert article.dateline == "KIRKWALL"
    assert article.agency == "Northwire"
    assert article.source == "Northwire Daily"
    assert article.copyright == "© 2024 Northwire News"
    assert article.lang == "en-GB"
    assert article.summary == "Service resumes on Monday"
    assert article.body_format == "html"
    assert article.body.startswith("<p>The harbour ferry <em>returns</em> on Monday after a "
                                   "three-month pause.</p>")
    assert "<h2>Fares</h2>" in article.body and "<li>Child: 2 pounds</li>" in article.body
    assert "<td>07:10</td>" in article.body
    assert "<script" not in article.body and "javascript" not in article.body
    assert '<a href="https://example.org/timetable">online</a>' in article.body
    assert "<p></p>" not in article.body
    assert article.terms == {
        "topics": ("ferries",), "places": ("Kirkwall", "Orkney", "Stromness", "Scotland"),
        "people": ("Ann Flett",), "organizations": ("Orkney Ferries",),
        "subjects": ("Economy, Business and Finance", "Transport", "sport")}
    assert article.images == (Image("https://images.example.org/ferry.jpg",
                                    "The ferry at the pier", "The ferry leaving Kirkwall."),)
    assert article.extra["id"] == "NA-2024-0131-017"
    assert article.extra["expires"] == "2025-01-31T00:00:00+00:00"
    assert article.body_line == 39
    assert not article.draft
    assert sorted(d.message for d in result.diagnostics) == [
        "dropped the unsafe URL 'javascript:alert(1)'",
        "dropped the unsafe URL 'javascript:alert(2)'"]


def _nitf(head: str = "", body: str = "<p>Text.</p>", hedline: str = "<hl1>A title</hl1>"
          ) -> bytes:
    return (f"<nitf><head>{head}</head><body><body.head><hedline>{hedline}</hedline>"
            f"</body.head><body.content>{body}</body.content></body></nitf>").encode()


def test_nitf_embargo_in_the_future_is_a_draft() -> None:
    head = ('<docdata><date.issue norm="20240101T000000Z"/>'
            '<date.release norm="20990101T120000Z"/></docdata>')
    result = read_nitf("e.nitf", _nitf(head))
    [article] = result.articles
    assert article.draft
    assert article.extra["embargo"] == "2099-01-01T12:00:00+00:00"
    assert [d.message for d in result.diagnostics] == [
        "embargoed until 2099-01-01T12:00:00+00:00; kept as a draft"]


def test_nitf_without_headline_takes_the_first_sentence() -> None:
    result = read_nitf("t.nitf", _nitf(hedline="", body="<p>The pier reopens today. More.</p>"))
    assert result.articles[0].title == "The pier reopens today."
    assert any("no headline" in d.message for d in result.diagnostics)
    empty = read_nitf("t.nitf", _nitf(hedline="<hl1> </hl1>", body=""))
    assert empty.articles == ()
    assert any(d.message == "no title" and d.severity == "error" for d in empty.diagnostics)


def test_nitf_undated_is_a_warning() -> None:
    result = read_nitf("u.nitf", _nitf())
    assert result.articles[0].published is None
    assert [d.message[:8] for d in result.diagnostics] == ["undated:"]


def test_nitf_hostile() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE nitf [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><nitf><head><title>&b;</title></head></nitf>')
    with pytest.raises(ContentError, match="declares entities"):
        read_nitf("bomb.nitf", bomb)
    with pytest.raises(ContentError, match="not well-formed") as info:
        read_nitf("cut.nitf", (DATA / "harbour.nitf").read_bytes()[:900])
    assert info.value.diagnostic.line > 1
    deep = _nitf(body="<block>" * 3000 + "deep words" + "</block>" * 3000)
    assert "deep words" in read_nitf("deep.nitf", deep).articles[0].body
    huge = read_nitf("h.nitf", _nitf(hedline=f"<hl1>{'x' * 200_000}</hl1>"))
    assert len(huge.articles[0].title) == 200_000
    control = read_nitf("c.nitf", _nitf(hedline="<hl1>Ti&#x85;tle</hl1>"))
    assert control.articles[0].title == "Title"


# --- NewsML ------------------------------------------------------------------------------

def test_newsml_1_2() -> None:
    result = newsml.read("council.newsml", (DATA / "council.newsml").read_bytes(), SETTINGS)
    [article] = result.articles
    assert article.title == "Council approves new library"
    assert article.published == datetime(2024, 2, 5, 7, 30, tzinfo=CET)
    assert article.updated == datetime(2024, 2, 5, 9, 15, tzinfo=CET)
    assert article.authors == ("Ann Flett",)
    assert (article.dateline, article.agency) == ("KIRKWALL", "Northwire")
    assert article.body == ("<p>The council voted 12 to 3 for the new library.</p>"
                            "<p>It opens next year.</p>")
    assert article.terms == {"subjects": ("education",), "places": ("Kirkwall", "GBR")}
    assert article.images == (Image("https://images.example.org/library.jpg"),)
    assert [d.message for d in result.diagnostics] == [
        "skipped 1 item(s) that are not text (1 photo)"]


def test_newsml_g2_message() -> None:
    result = newsml.read("message.xml", (DATA / "message.xml").read_bytes(), SETTINGS)
    ferry, budget = result.articles
    assert ferry.record == "urn:newsml:northwire.example:2024:ferry"
    assert ferry.title == "Ferry timetable changes in March"
    assert ferry.published == datetime(2024, 2, 5, 8, 0, tzinfo=CET)
    assert ferry.authors == ("Ann Flett", "Tom Rendall")
    assert (ferry.dateline, ferry.agency, ferry.source) == ("Kirkwall", "Northwire",
                                                             "Northwire News")
    assert ferry.body == ('<p>The first sailing moves to 07:10.</p>\n            '
                          '<p>See <a href="https://example.org/t">the timetable</a>.</p>')
    assert ferry.terms["people"] == ("Mairi Flett",)
    assert ferry.terms["organizations"] == ("Orkney Ferries",)
    assert ferry.terms["places"] == ("Kirkwall", "Orkney")
    assert ferry.terms["subjects"] == ("economy, business and finance", "sport")
    assert ferry.extra["links"] == ["https://example.org/ferries"]
    assert ferry.images == (Image("https://images.example.org/ferry.jpg",
                                  "The ferry at the pier", "The ferry at the pier"),)
    assert ferry.lang == "en-GB"
    assert budget.draft
    assert budget.body == "<p>The budget will be announced.</p>\n<p>Details follow.</p>"
    assert budget.body_line == 48
    assert [d.message for d in result.diagnostics] == [
        "item urn:newsml:northwire.example:2099:budget: embargoed until "
        "2099-01-01T00:00:00+00:00; kept as a draft",
        "skipped 1 item(s) that are not text (1 picture)"]


# --- the formats-dev files ---------------------------------------------------------------

@needs_dev
def test_dev_files_are_sniffed_by_one_reader() -> None:
    claimed = {}
    for path in sorted(DEV.iterdir()):
        head = path.read_bytes()[:4096]
        claimed[path.name] = [m.__name__.rsplit(".", 1)[-1] for m in (nitf, newsml)
                              if m.sniff(head)]
    assert claimed["tag_reuters.com_2014_newsml_KBN0FL0NM_version_10"] == ["newsml"]
    assert claimed["dpa.xml"] == ["newsml"]  # a NewsML-G2 message, not NITF
    xml = [n for n in claimed if n.endswith(".xml") or "." not in n]
    assert all(claimed[n] == ["newsml"] for n in xml)
    assert not any(claimed[n] for n in claimed if n.endswith((".json", ".tst")))


@needs_dev
def test_dev_newsml_items_counted_independently() -> None:
    read = 0
    for path in [*DEV.glob("*.xml"), DEV / "tag_reuters.com_2014_newsml_KBN0FL0NM_version_10"]:
        data = path.read_bytes()
        text_items = len(re.findall(rb'<itemClass qcode="ninat:text"', data))
        result = newsml.read(path.name, data, SETTINGS)
        assert len(result.articles) == text_items, path.name
        read += len(result.articles)
        for article in result.articles:
            assert article.published is not None and article.title
            assert not article.title.startswith("<")
    assert read == 4


@needs_dev
def test_dev_dpa() -> None:
    [article] = newsml.read("dpa.xml", (DEV / "dpa.xml").read_bytes(), SETTINGS).articles
    assert article.title == "Eintracht in London: Hintereggers Tränen und Attacke auf Reporter"
    assert article.published == datetime(2022, 10, 11, 9, 14, 42, tzinfo=UTC)
    assert (article.dateline, article.agency, article.lang) == ("London", "dpa", "de")
    assert article.body.startswith("<p>2019 gab es bittere Tränen")  # dateline span taken out
    assert article.body.count("<p>") == 3 and "Notizblock" not in article.body
    assert article.terms["subjects"] == ("Fußball", "Sport")
    assert "Tottenham Hotspur Stadium" in article.terms["places"]
    assert article.copyright.startswith("Copyright 2022, dpa")


@needs_dev
def test_dev_reuters_package_and_listing() -> None:
    name = "tag_reuters.com_2014_newsml_KBN0FL0NM_version_10"
    result = newsml.read(name, (DEV / name).read_bytes(), SETTINGS)
    assert result.articles == ()
    assert [d.message for d in result.diagnostics] == [
        "skipped 1 item(s) that are not text (1 package)"]
    listing = "LISTING 1 A NewsML-G2 News Item.xml"
    result = newsml.read(listing, (DEV / listing).read_bytes(), SETTINGS)
    [article] = result.articles
    assert article.title == 'Fed to halt QE to avert "bubble"'
    assert article.authors == ("Meredith Jameson",)
    assert article.dateline == "Berlin" and article.body == ""
    assert [d.message for d in result.diagnostics] == ["the item has an empty body"]


@needs_dev
def test_dev_stt_without_headline() -> None:
    name = "stt_newsml_location_test.xml"
    [article] = newsml.read(name, (DEV / name).read_bytes(), SETTINGS).articles
    assert article.title == "Saatuuu siinä mielessä hyvään saumaan."
    assert article.published == datetime(2013, 2, 16, 17, 36, 20, tzinfo=UTC)
    assert article.agency == "STT" and "<p></p>" not in article.body


# --- a whole build -------------------------------------------------------------------------

def test_build_a_site_from_agency_files(tmp_path: Path) -> None:
    config = make_site(tmp_path / "site", {
        "harbour.nitf": (DATA / "harbour.nitf").read_bytes(),
        "message.xml": (DATA / "message.xml").read_bytes()})
    build_site(config)
    pages = [p.read_text(encoding="utf-8") for p in config.output_dir.rglob("index.html")]
    assert any("Harbour ferry returns after winter pause" in page for page in pages)
    assert any("The first sailing moves to 07:10." in page for page in pages)
    assert not any("Budget to be announced" in page for page in pages)  # embargoed draft
    assert not any("javascript:" in page for page in pages)
