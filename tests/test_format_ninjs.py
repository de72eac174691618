"""IPTC ninjs reader: newsarchive.formats.ninjs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError
from newsarchive.formats import jsonfeed, ninjs
from newsarchive.model import Image

from sitekit import build_site, make_site

DATA = Path(__file__).parent / "data" / "formats" / "ninjs"
DEV = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "formats-dev" / "agency"
SETTINGS = ReadSettings()


@pytest.mark.parametrize("head", [
    b'{"uri": "urn:x", "type": "text", "headline": "H"}',
    b'\xef\xbb\xbf [\n {"guid": "g", "versioncreated": "2020-01-01T00:00:00Z", '
    b'"body_text": "b"}',
    b'{"headlines": [{"value": "H"}], "bodies": [], "uri": "u"}',
])
def test_sniff_takes_ninjs(head: bytes) -> None:
    assert ninjs.sniff(head)


@pytest.mark.parametrize("head", [
    b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1"}]}',
    b'[{"title": "A scraped page", "maintext": "Body", "date_publish": "2020-01-01"}]',
    b'{"uri": "urn:x", "headline": "only one sign"}',
    b'{"type": "text", "headline": "H", "body_text": "no identifier"}',
    b'<?xml version="1.0"?><nitf><head>',
])
def test_sniff_leaves_other_files(head: bytes) -> None:
    assert not ninjs.sniff(head)


def test_ninjs_2_array() -> None:
    result = ninjs.read("wire.json", (DATA / "wire.json").read_bytes(), SETTINGS)
    dam, budget = result.articles
    two = timezone(timedelta(hours=2))
    assert dam.title == "North valley dam opens & floods the old road"
    assert (dam.body, dam.body_format) == (
        "<p>The dam opened at noon.</p><p>The old road is under water.</p>", "html")
    assert dam.summary == "The dam is open."
    assert dam.published == datetime(2024, 4, 2, 11, tzinfo=two)
    assert dam.updated == datetime(2024, 4, 2, 12, 30, tzinfo=two)
    assert dam.authors == ("Lena Ostrow", "Pim Vale")
    assert (dam.dateline, dam.lang, dam.copyright) == ("NORTHVALE", "en-GB",
                                                       "(c) 2024 Example Wire")
    assert dam.terms == {"subjects": ("dam",), "places": ("Northvale",),
                         "organizations": ("Valley Water Board",), "people": ("Ada Kern",)}
    assert dam.extra == {"usageterms": "No archive use after 30 days",
                         "guid": "urn:example:wire:2024:0001",
                         "subject_codes": ["medtop:20000418"]}
    # The widest rendition with a safe address; the javascript: one is passed over.
    assert dam.images == (Image("https://media.example.com/dam-w.jpg", "",
                                "The spillway at noon"),)
    assert (dam.record, dam.body_line, dam.draft) == ("0", 3, False)
    # A text body is prose; a future embargo makes a draft; a list written as text.
    assert budget.body == "Councillors will vote in May.\n\nThe debate starts in April."
    assert (budget.record, budget.draft, budget.authors) == ("2", True, ("Rui Santos",))
    assert budget.published == datetime(2024, 4, 3, 9, tzinfo=UTC) and budget.updated is None
    assert [d.format() for d in result.diagnostics] == [
        "wire.json:48: warning: item 2 is embargoed until 2999-01-01T00:00:00+00:00; kept as a "
        "draft\n  hint: build after the embargo",
        "wire.json: warning: skipped 1 item(s) that are not articles (1 picture)\n"
        "  hint: only ninjs items of type text or composite are read"]


def test_ninjs_1_single_item() -> None:
    result = ninjs.read("single.ninjs", (DATA / "single.ninjs").read_bytes(), SETTINGS)
    (article,) = result.articles
    assert (article.title, article.body, article.record) == (
        "Harvest festival draws record crowd", "<p>More than ten thousand people came.</p>", "")
    assert article.published == datetime(2019, 9, 21, 16, tzinfo=UTC)
    assert article.authors == ("Cato Wren",) and article.source == "EXW"
    assert article.terms == {
        "subjects": ("arts, culture and entertainment",), "topics": ("festival", "harvest"),
        "places": ("Eastbrook",), "organizations": ("Eastbrook Farmers Union",),
        "people": ("Mayor Ines Holt",)}
    assert result.diagnostics == ()


def test_withheld_and_untitled_items() -> None:
    items = [{"guid": "a", "type": "text", "headline": "Pulled", "body_text": "x",
              "pubstatus": "withheld", "versioncreated": "2020-01-01T00:00:00Z"},
             {"guid": "b", "type": "composite", "body_html": "  "},
             {"guid": "c", "type": "text", "body_text": "First sentence here. Second one."}]
    result = ninjs.read("w.json", json.dumps(items, indent=1).encode(), SETTINGS)
    assert [(a.title, a.draft) for a in result.articles] == [
        ("Pulled", True), ("First sentence here.", False)]
    assert [(d.severity, d.message) for d in result.diagnostics] == [
        ("warning", "item 0 is withheld; kept as a draft"),
        ("error", "item 1: no title"),
        ("warning", "undated: item 2 has no date; kept without a date")]


def test_hostile_ninjs() -> None:
    with pytest.raises(ContentError) as caught:
        ninjs.read("cut.json", (DATA / "single.ninjs").read_bytes()[:200], SETTINGS)
    assert caught.value.diagnostic.message.startswith("invalid JSON")
    assert caught.value.diagnostic.line == 6
    with pytest.raises(ContentError) as caught:
        ninjs.read("n.json", b'{"uri": "u", "urgency": 1' + b"0" * 5000 + b"}", SETTINGS)
    assert "digits" in caught.value.diagnostic.message
    with pytest.raises(ContentError):
        ninjs.read("s.json", b'"just a string"', SETTINGS)
    item = {"uri": "u", "type": "text", "headline": "<script>x</script>Safe\u0007 title",
            "body_html": "<p>ok</p>", "firstcreated": "soon",
            "associations": {"p": {"type": "picture", "renditions": {
                "a": {"href": "javascript:alert(1)"}, "b": {"href": "data:image/png;base64,AA"}}}}}
    result = ninjs.read("h.json", json.dumps(item).encode(), SETTINGS)
    (article,) = result.articles
    assert article.title == "x Safe title"
    assert article.images == () and article.published is None
    assert result.diagnostics[0].message.startswith("removed 1 control character (U+0007)")


def _dev() -> Path:
    if not DEV.is_dir():
        pytest.skip(f"{DEV} is absent: the formats-dev corpus is not installed here")
    return DEV


@pytest.mark.parametrize("name, title, published, authors", [
    ("ninjs1.json", "headline", datetime(2017, 8, 24, 4, 37, 19, tzinfo=UTC), ("Peter", "Jane")),
    ("ninjs4.json", "China behauptet, einen Polizeihund geklont zu haben",
     datetime(2019, 3, 25, 8, 54, 9, tzinfo=UTC), ("futurezone/KN",)),
    ("ninjsExMediumText1.json", "Captain of wrecked cruise ship on trial in Italy",
     datetime(2013, 7, 9, 10, 37, tzinfo=UTC), ("Paulo Santalucia", "Frances d'Emilio")),
    ("ninjsExSimpleText1.json", "Captain of wrecked cruise ship on trial in Italy",
     datetime(2013, 7, 9, 10, 37, tzinfo=UTC), ("Paulo Santalucia", "Frances d'Emilio")),
])
def test_dev_ninjs_text_items(name: str, title: str, published: datetime,
                              authors: tuple[str, ...]) -> None:
    data = (_dev() / name).read_bytes()
    assert ninjs.sniff(data[:4096]) and not jsonfeed.sniff(data[:4096])
    result = ninjs.read(name, data, SETTINGS)
    (article,) = result.articles
    assert (article.title, article.published, article.authors) == (title, published, authors)
    assert article.body_format == "html" and article.body.startswith("<p>")
    assert result.diagnostics == ()


def test_dev_ninjs_details() -> None:
    medium = ninjs.read("m.json", (_dev() / "ninjsExMediumText1.json").read_bytes(), SETTINGS)
    article = medium.articles[0]
    assert article.terms["places"] == ("Grossetto", "Tuscany", "Italy")
    assert article.terms["people"] == ("Francesco Schettino",)
    assert article.dateline == "Grossetto, Italy" and article.lang == "en"
    german = ninjs.read("g.json", (_dev() / "ninjs4.json").read_bytes(), SETTINGS).articles[0]
    assert german.lang == "de" and len(german.images) == 2
    assert german.images[0].src.startswith("https://img.") and german.images[0].caption


def test_dev_ninjs_picture_is_counted_and_skipped() -> None:
    result = ninjs.read("p.json", (_dev() / "ninjs3.json").read_bytes(), SETTINGS)
    assert result.articles == ()
    assert [d.message for d in result.diagnostics] == [
        "skipped 1 item(s) that are not articles (1 picture)"]


def test_dev_other_agency_files_are_not_ninjs() -> None:
    for path in sorted(_dev().iterdir()):
        if not path.name.startswith("ninjs"):
            assert not ninjs.sniff(path.read_bytes()[:4096]), path.name


def test_ninjs_builds_into_article_pages(tmp_path: Path) -> None:
    config = make_site(tmp_path / "site", {
        "wire.json": (DATA / "wire.json").read_bytes(),
        "single.ninjs": (DATA / "single.ninjs").read_bytes()})
    report = build_site(config)
    assert report.articles == 2  # the embargoed item is a draft, the picture no article
    pages = "".join(p.read_text(encoding="utf-8") for p in config.output_dir.rglob("*.html"))
    assert "North valley dam opens &amp; floods the old road" in pages
    assert "Harvest festival draws record crowd" in pages
    assert "Budget vote due next month" not in pages
