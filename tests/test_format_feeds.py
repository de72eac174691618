"""RSS, RSS 1.0 (RDF), Atom and JSON Feed readers: newsarchive.formats.feeds and .jsonfeed."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError
from newsarchive.formats import feeds, jsonfeed
from newsarchive.model import Article, Image

from sitekit import build_site, make_site

DATA = Path(__file__).parent / "data" / "formats" / "feeds"
DEV = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "formats-dev"
SETTINGS = ReadSettings()


def _read(name: str) -> tuple[list[Article], list[str]]:
    path = DATA / name
    module = jsonfeed if name.endswith(".json") else feeds
    result = module.read(name, path.read_bytes(), SETTINGS)
    return list(result.articles), [d.format() for d in result.diagnostics]


# --- sniffing ---------------------------------------------------------------

@pytest.mark.parametrize("head", [
    b'<?xml version="1.0"?><rss version="2.0"><channel>',
    b'\xef\xbb\xbf  \n<!-- a comment -->\n<?xml-stylesheet href="x.xsl"?>\n<rss version="0.91">',
    b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "x.dtd">\n<rss>',
    b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>',
    b'<atom:feed xmlns:atom="http://www.w3.org/2005/Atom">',
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns="http://purl.org/rss/1.0/">',
    '<?xml version="1.0" encoding="utf-16"?><rss version="2.0">'.encode("utf-16"),
])
def test_sniff_takes_feeds(head: bytes) -> None:
    assert feeds.sniff(head)


@pytest.mark.parametrize("head", [
    b'<?xml version="1.0"?><rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">',
    b'<feed><title>no namespace</title>',
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description/>',
    b'<?xml version="1.0"?><NewsML Version="1.2"><NewsItem>',
    b'<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml">',
    b'{"version": "https://jsonfeed.org/version/1.1", "items": []}',
    b"Plain text that mentions <rss> later on.",
    b"",
])
def test_sniff_leaves_other_files(head: bytes) -> None:
    assert not feeds.sniff(head)


def test_jsonfeed_sniff() -> None:
    assert jsonfeed.sniff(b'\xef\xbb\xbf{\n "version": "https://jsonfeed.org/version/1.1"')
    assert jsonfeed.sniff(b'{"title": "x", "version": "https:\\/\\/jsonfeed.org\\/version\\/1"')
    assert not jsonfeed.sniff(b'[{"version": "https://jsonfeed.org/version/1"}]')
    assert not jsonfeed.sniff(b'{"version": "2", "headline": "x"}')
    assert not jsonfeed.sniff(b'<rss version="2.0">')


# --- the invented fixtures -------------------------------------------------

def test_rss2_items() -> None:
    articles, messages = _read("harbour.rss")
    assert [a.title for a in articles] == [
        "Ferry timetable changes – winter service", "Lighthouse keeper retires",
        "Fog closed the harbour mouth for three hours on Sunday."]
    ferry, keeper, fog = articles
    assert ferry.body == ("<p>The winter timetable starts on Monday.</p><p>Crossings leave "
                          "every <b>two hours</b> from the north pier.</p>")
    assert ferry.body_format == "html"
    assert ferry.summary == "The winter timetable starts on Monday."
    assert ferry.published == datetime(2021, 11, 2, 8, 30, tzinfo=timezone(timedelta(hours=1)))
    assert ferry.authors == ("Mara Quill", "Tobin Reed")
    assert ferry.terms == {"topics": ("Transport", "Harbour")}
    assert ferry.original_url == "https://gazette.example.org/2021/11/ferry"
    assert ferry.images == (Image("https://gazette.example.org/img/ferry.jpg"),
                            Image("https://gazette.example.org/img/ferry-small.jpg"))
    assert (ferry.source, ferry.lang, ferry.record, ferry.extra) == (
        "The Harbour Gazette", "en-GB", "0", {"guid": "gazette-1001"})
    assert ferry.body_line == 12
    # An escaped description stays HTML; an audio enclosure is no image.
    assert keeper.body == "After forty years the keeper hands over the lamp <i>for good</i>."
    assert (keeper.original_url, keeper.images, keeper.summary) == ("", (), "")
    assert fog.record == "2" and fog.published == datetime(2021, 10, 31, 12, tzinfo=UTC)
    assert messages == [
        "harbour.rss:25: warning: dropped the URL of 'link': only http and https links are "
        "kept ('javascript:alert(1)')\n"
        "  hint: write the article's address as https://..., or remove the key"]


def test_atom_entries() -> None:
    articles, messages = _read("observatory.atom")
    comet, log = articles
    pacific = timezone(timedelta(hours=-8))
    assert comet.title == "Comet Vessa seen at dusk"
    assert comet.body == ("<p>A faint tail was seen low in the west.</p>"
                          "<p>It will brighten next week.</p>")
    assert comet.summary == "A faint tail low in the west."
    assert comet.published == datetime(2022, 3, 4, 19, 15, tzinfo=pacific)
    assert comet.updated == datetime(2022, 3, 5, 8, tzinfo=pacific)
    assert comet.authors == ("Iris Calloway",)  # inherited from the feed
    assert comet.lang == "en" and comet.terms == {"topics": ("Comets",)}
    assert comet.extra == {"guid": "urn:example:observatory:comet"}
    # A text content is prose; an entry with only <updated> is dated by it.
    assert (log.body, log.body_format) == (
        "Night one: clear.\n\nNight two: cloudy after midnight.", "text")
    assert log.published == datetime(2022, 3, 1, 22, tzinfo=timezone(timedelta(hours=1)))
    assert log.updated is None and log.authors == ("Devi Strand",)
    assert messages == []


def test_rss1_rdf_items() -> None:
    articles, messages = _read("bulletin.rdf")
    assert [(a.title, a.published, a.authors, a.lang) for a in articles] == [
        ("Moss growth under snow", datetime(2020, 1, 15, tzinfo=UTC), ("K. Lind", "P. J. Ostra"),
         "de"),
        ("River silt survey", datetime(2020, 1, 16, 10, tzinfo=timezone(timedelta(hours=1))),
         ("Hanna Berg",), "de")]
    assert articles[0].original_url == "https://bulletin.example.com/1"
    assert messages == []


def test_jsonfeed_items() -> None:
    articles, messages = _read("garden.json")
    beans, compost, slugs = articles
    assert beans.title == "Beans & peas finally up"
    assert (beans.body, beans.body_format) == ("<p>The beans came up after the rain.</p>", "html")
    assert beans.summary == "Beans after rain."
    assert beans.published == datetime(2023, 5, 10, 7, tzinfo=timezone(timedelta(hours=2)))
    assert beans.updated == datetime(2023, 5, 11, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    assert beans.authors == ("Petra Moss",) and beans.terms == {"topics": ("beans", "rain")}
    assert beans.images == (Image("https://allotment.example.org/img/beans.jpg"),
                            Image("https://allotment.example.org/img/peas.png", "", "Peas"))
    assert (beans.source, beans.lang, beans.extra) == ("Allotment Diary", "en",
                                                       {"guid": "plot-7"})
    assert compost.title == "Compost heap turned today."
    assert compost.body == "Compost heap turned today.\n\nIt is warm inside."
    assert compost.original_url == "https://elsewhere.example.com/compost"
    assert compost.authors == ("Owen Fry",)
    assert (slugs.original_url, slugs.authors) == ("", ("Petra Moss",))
    assert [a.record for a in articles] == ["0", "1", "2"]
    assert [a.body_line for a in articles] == [9, 24, 31]
    assert messages == [
        "garden.json:31: warning: dropped the URL of 'url': only http and https links are kept "
        "('javascript:alert(1)')\n"
        "  hint: write the article's address as https://..., or remove the key"]


def test_jsonfeed_1_0_author() -> None:
    articles, messages = _read("old.json")
    assert [(a.title, a.authors, a.body) for a in articles] == [
        ("First post", ("Quinn Abel",), "Hello.")]
    assert messages == []


# --- hostile and damaged feeds ---------------------------------------------

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<rss version="2.0"><channel><title>t</title><item><title>&c;</title></item></channel></rss>"""


def test_entity_declarations_are_refused() -> None:
    with pytest.raises(ContentError) as caught:
        feeds.read("bomb.rss", BOMB, SETTINGS)
    assert caught.value.diagnostic.format() == (
        "bomb.rss:3:1: error: the feed declares entities in its DOCTYPE; not read\n"
        "  hint: remove the <!DOCTYPE ...> block with its entities")
    external = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>' \
               b"<rss><channel><item><title>&x;</title></item></channel></rss>"
    with pytest.raises(ContentError):
        feeds.read("xxe.rss", external, SETTINGS)


def test_a_feed_cut_short_keeps_its_whole_items() -> None:
    data = (DATA / "harbour.rss").read_bytes()
    cut = data[:data.index(b"<title>Lighthouse")]
    result = feeds.read("cut.rss", cut, SETTINGS)
    assert [a.title for a in result.articles] == ["Ferry timetable changes – winter service"]
    assert result.diagnostics[0].severity == "warning"
    assert result.diagnostics[0].message.startswith("the feed is not well-formed: no element")
    assert result.diagnostics[0].line == 26
    with pytest.raises(ContentError) as caught:
        feeds.read("cut.rss", data[:300], SETTINGS)
    assert (caught.value.diagnostic.line, caught.value.diagnostic.message) == (
        8, "the feed is not well-formed: no element found")


def test_control_characters_are_removed_with_one_warning() -> None:
    data = (DATA / "harbour.rss").read_bytes().replace(
        b"Ferry timetable", b"Ferry\x1b[31m time\x07table").replace(b"two hours", b"two&#27; hours")
    result = feeds.read("ctrl.rss", data, SETTINGS)
    ferry = result.articles[0]
    assert ferry.title == "Ferry timetable changes – winter service"
    assert "&#27;" not in ferry.body and "two hours" in ferry.body
    assert result.diagnostics[0].format().startswith(
        "ctrl.rss:13:19: warning: removed 3 control characters (U+001B, U+0007)")


def test_not_a_feed_and_an_empty_feed() -> None:
    with pytest.raises(ContentError) as caught:
        feeds.read("page.rss", b"<html><body><p>hi</p></body></html>", SETTINGS)
    assert caught.value.diagnostic.message == "not an RSS or Atom feed"
    result = feeds.read("empty.rss", b'<rss version="2.0"><channel><title>x</title>'
                        b"</channel></rss>", SETTINGS)
    assert result.articles == ()
    assert [d.message for d in result.diagnostics] == ["the feed has no items; nothing to read"]


def test_hundreds_of_items_and_huge_fields_read_fast() -> None:
    items = b"".join(b"<item><title>Item %d</title><pubDate>Mon, 01 Nov 2021 17:00:00 GMT"
                     b"</pubDate><description>Body %d</description></item>\n" % (i, i)
                     for i in range(700))
    many = b'<rss version="2.0"><channel><title>x</title>\n' + items + b"</channel></rss>"
    result = feeds.read("many.rss", many, SETTINGS)
    assert [a.title for a in result.articles] == [f"Item {i}" for i in range(700)]
    assert result.articles[699].body_line == 701
    big = (b'<rss version="2.0"><channel><item><title>' + b"T" * 100_000 + b"</title>"
           b"<description><![CDATA[<p>" + b"word " * 400_000 + b"</p>]]></description>"
           b"</item></channel></rss>")
    started = time.monotonic()
    article = feeds.read("big.rss", big, SETTINGS).articles[0]
    assert time.monotonic() - started < 10
    assert len(article.title) == 100_000 and len(article.body) > 2_000_000


def test_script_is_sanitised_and_untitled_empty_item_is_an_error() -> None:
    data = (b'<rss version="2.0"><channel><title>x</title>'
            b'<item><title>S</title><description><![CDATA[<p onclick="x()">a</p>'
            b"<script>alert(1)</script>]]></description></item>"
            b"<item><title>  </title><description></description></item></channel></rss>")
    result = feeds.read("s.rss", data, SETTINGS)
    assert [a.body for a in result.articles] == ["<p>a</p>"]
    assert [d.message for d in result.diagnostics if d.severity == "error"] == [
        "item 1: no title"]


def test_jsonfeed_damaged() -> None:
    with pytest.raises(ContentError) as caught:
        jsonfeed.read("f.json", b'{"version": "https://jsonfeed.org/version/1", "items": [',
                      SETTINGS)
    assert caught.value.diagnostic.format().startswith("f.json:1:57: error: invalid JSON")
    deep = b'{"version": "https://jsonfeed.org/version/1", "items": ' + b"[" * 5000 + \
        b"]" * 5000 + b"}"
    with pytest.raises(ContentError) as caught:
        jsonfeed.read("deep.json", deep, SETTINGS)
    assert "nested more than" in caught.value.diagnostic.message
    odd = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
        "text", {"id": "x", "title": "T\u001b[31m", "content_html": "<p>a\u0000b</p>"}]})
    result = jsonfeed.read("odd.json", odd.encode(), SETTINGS)
    assert [(a.title, a.body) for a in result.articles] == [("T", "<p>ab</p>")]
    assert [d.message for d in result.diagnostics][:2] == [
        "removed 2 control characters (U+001B, U+0000) that XML and HTML cannot carry",
        "item 0 is not an object"]


# --- the real feeds of formats-dev -------------------------------------------

def _dev(folder: str) -> Path:
    path = DEV / folder
    if not path.is_dir():
        pytest.skip(f"{path} is absent: the formats-dev corpus is not installed here")
    return path


@pytest.mark.parametrize("name", ["EMarley.rss", "KatieFloyd.rss", "allthis.atom", "bio.rdf",
                                  "manton.rss", "russcox.atom", "scriptingNews.rss"])
def test_every_item_of_the_dev_feeds_is_read(name: str) -> None:
    data = (_dev("feeds") / name).read_bytes()
    assert feeds.sniff(data[:4096])
    items = len(re.findall(rb"<(?:item|entry)[\s>]", data))
    result = feeds.read(name, data, SETTINGS)
    assert items > 0 and len(result.articles) == items
    assert result.diagnostics == ()
    for article in result.articles:
        assert article.title and not article.title.startswith("<")
        assert article.published is not None and article.published.tzinfo is not None
        assert article.body and article.original_url.startswith("http")
    if name != "scriptingNews.rss":  # its items name no author
        assert all(article.authors for article in result.articles)


def test_dev_jsonfeed() -> None:
    data = (_dev("feeds") / "inessential.json").read_bytes()
    assert jsonfeed.sniff(data[:4096]) and not feeds.sniff(data[:4096])
    result = jsonfeed.read("inessential.json", data, SETTINGS)
    assert len(result.articles) == data.count(b'"id"') == 20
    assert all(a.published and a.authors and a.body_format == "html" for a in result.articles)
    assert result.diagnostics == ()


def test_dev_wxr_is_left_to_its_reader() -> None:
    for path in sorted(_dev("wxr").iterdir()):
        assert not feeds.sniff(path.read_bytes()[:4096]), path.name


# --- end to end --------------------------------------------------------------

def test_a_feed_builds_into_article_pages(tmp_path: Path) -> None:
    config = make_site(tmp_path / "site", {
        "harbour.rss": (DATA / "harbour.rss").read_bytes(),
        "garden.json": (DATA / "garden.json").read_bytes()})
    report = build_site(config)
    assert report.articles == 6
    pages = [p.read_text(encoding="utf-8") for p in config.output_dir.rglob("index.html")]
    ferry = [page for page in pages if "Ferry timetable changes" in page and "north pier" in page]
    assert ferry and "<b>two hours</b>" in ferry[0] and "javascript:" not in "".join(pages)
    assert any("Beans &amp; peas finally up" in page for page in pages)
