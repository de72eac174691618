"""The WordPress export (WXR) reader: sniffing, fields, drafts, attachments, hostile files."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError
from newsarchive.formats import wxr
from newsarchive.model import Image, ReadResult

from sitekit import build_site, make_site

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "formats" / "wxr"
DEV = HERE.parents[1] / "shared" / "corpora" / "formats-dev" / "wxr"
needs_dev = pytest.mark.skipif(not DEV.is_dir(), reason=f"formats-dev corpus not found at {DEV}")

_WRAP = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
         b'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
         b' xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
         b' xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>Site</title>\n'
         b"<wp:wxr_version>1.2</wp:wxr_version>\n%s\n</channel>\n</rss>\n")


def export(items: bytes) -> bytes:
    return _WRAP % items


def item(post_id: int, title: str, body: str = "Body.", status: str = "publish") -> bytes:
    return (f"<item><title>{title}</title><wp:post_id>{post_id}</wp:post_id>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded>"
            f"<wp:post_date_gmt>2021-01-0{post_id} 10:00:00</wp:post_date_gmt>"
            f"<wp:status>{status}</wp:status><wp:post_type>post</wp:post_type></item>\n"
            ).encode()


def gazette(settings: ReadSettings | None = None) -> ReadResult:
    data = (DATA / "harbour-gazette.xml").read_bytes()
    return wxr.read("gazette.xml", data, settings or ReadSettings(timezone="Europe/London"))


# --- sniffing ------------------------------------------------------------------------------

def test_sniff_takes_exports_and_leaves_other_feeds() -> None:
    assert wxr.sniff((DATA / "harbour-gazette.xml").read_bytes()[:4096])
    assert wxr.sniff(b"\xef\xbb\xbf  " + export(b"")[:4096])
    assert wxr.sniff(export(b"").decode().encode("utf-16"))
    plain_rss = (b'<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/'
                 b'elements/1.1/"><channel><generator>https://wordpress.org/?v=6.5'
                 b"</generator></channel></rss>")
    assert not wxr.sniff(plain_rss)
    assert not wxr.sniff(b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>')
    assert not wxr.sniff(b"title,date,body\nA,2021-01-01,B\n")
    assert wxr.SUFFIXES == ()


# --- the fields of an item -----------------------------------------------------------------

def test_post_fields() -> None:
    ferry = gazette().articles[0]
    assert ferry.title == "Ferry timetable changes & new pier"
    assert ferry.record == "101"
    assert ferry.published == datetime(2021, 3, 2, 8, 15, tzinfo=UTC)
    assert ferry.updated == datetime(2021, 3, 4, 10, 0, tzinfo=UTC)
    assert ferry.authors == ("Mara Wren",)
    assert ferry.source == "The Harbour Gazette"
    assert ferry.lang == "en-GB"
    assert ferry.slug == "ferry-timetable"
    assert ferry.original_url == "https://gazette.example.org/2021/03/ferry-timetable/"
    assert ferry.summary == "Earlier ferries and a new pier."
    assert ferry.terms == {"topics": ("Harbour", "Ferries")}
    assert ferry.extra["wp_terms"] == {"region": ["North Quay"]}
    assert ferry.extra["guid"] == "https://gazette.example.org/?p=101"
    assert ferry.body_format == "html"
    assert ferry.body == ("<p>The morning ferry will leave ten minutes earlier from Monday.</p>\n"
                          "<p>The new pier opens in <em>April</em>, the council said.<br>\n"
                          "Work on the ramp continues.</p>")
    assert ferry.body_line == 34
    assert ferry.draft is False


def test_attachments_become_images_thumbnail_first() -> None:
    ferry = gazette().articles[0]
    assert ferry.images == (
        Image("https://gazette.example.org/uploads/ferry.jpg", "Ferry at sea", ""),
        Image("https://gazette.example.org/uploads/pier.jpg", "Concrete pier at dusk",
              "The pier under construction."),
    )


def test_block_content_is_kept_and_slug_decoded() -> None:
    about = next(a for a in gazette().articles if a.record == "110")
    assert about.body == "<h2>Who we are</h2>\n<p>A weekly paper for the harbour towns.</p>"
    assert about.slug == "über-uns"
    assert about.authors == ("ghost",)  # a login with no channel author stays a login
    # the javascript: link is dropped, the guid is the address
    assert about.original_url == "https://gazette.example.org/?page_id=110"


def test_local_date_and_title_from_body() -> None:
    storm = next(a for a in gazette().articles if a.record == "111")
    assert storm.title == "Storm warning for the coast tonight."
    assert storm.published == datetime(2021, 3, 7, 21, 0, tzinfo=ZoneInfo("Europe/London"))


def test_drafts_private_and_protected_are_drafts_with_one_note() -> None:
    result = gazette()
    drafts = {a.record: a for a in result.articles if a.draft}
    assert sorted(drafts) == ["105", "106", "112"]
    assert drafts["105"].published == datetime(2021, 3, 5, 18, 30,
                                               tzinfo=ZoneInfo("Europe/London"))
    assert "113" not in {a.record for a in result.articles}  # trash
    notes = [d for d in result.diagnostics if d.message.startswith("WordPress export")]
    assert [d.message for d in notes] == [
        "WordPress export: 1 draft, 1 private, 1 password-protected read as drafts, not built; "
        "ignored 1 attachment without a usable URL, 1 trashed post, 1 nav_menu_item"]
    assert notes[0].hint == "set read.include_drafts: true to build drafts"
    included = gazette(ReadSettings(include_drafts=True)).diagnostics[-1]
    assert included.message.startswith("WordPress export: 1 draft, 1 private, "
                                       "1 password-protected read as drafts; ignored")


def test_located_warnings() -> None:
    shown = [d.format() for d in gazette().diagnostics if d.line]
    assert shown == [
        "gazette.xml:82: warning: dropped the URL of 'wp:attachment_url': only http and https "
        "links are kept ('javascript:alert(1)')\n"
        "  hint: write the article's address as https://..., or remove the key",
        "gazette.xml:112: warning: dropped the URL of 'link': only http and https links are "
        "kept ('javascript:alert(document.cookie)')\n"
        "  hint: write the article's address as https://..., or remove the key",
        "gazette.xml:126: warning: item 8 (post 111) has no title; using the body's first "
        "sentence",
    ]


def test_item_without_title_or_body_is_an_error() -> None:
    result = wxr.read("x.xml", export(item(1, "", "")), ReadSettings())
    assert result.articles == ()
    assert [(d.line, d.message, d.severity) for d in result.diagnostics] == [
        (8, "item 1 (post 1): no title", "error")]


def test_cdata_and_entities_in_titles() -> None:
    data = export(b"<item><title><![CDATA[Tides <em>&amp;</em> winds]]></title>"
                  b"<wp:post_id>1</wp:post_id><content:encoded><![CDATA[a ]]]]><![CDATA[> b"
                  b"]]></content:encoded><wp:post_type>post</wp:post_type></item>")
    (article,) = wxr.read("x.xml", data, ReadSettings()).articles
    assert article.title == "Tides & winds"
    assert article.body == "<p>a ]]> b</p>"
    assert article.published is None


# --- hostile and broken files --------------------------------------------------------------

def test_entity_bomb_is_refused() -> None:
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n'
            b'<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
            b"<item><title>&c;</title><wp:post_type>post</wp:post_type></item>"
            b"</channel></rss>")
    with pytest.raises(ContentError) as caught:
        wxr.read("bomb.xml", bomb, ReadSettings())
    assert caught.value.diagnostic.message.startswith("the XML declares entities")


def test_truncated_file_keeps_the_items_before_the_break() -> None:
    data = export(item(1, "First") + item(2, "Second") + item(3, "Third"))
    cut = data[:data.index(b"<title>Third") + 9]
    result = wxr.read("cut.xml", cut, ReadSettings())
    assert [a.title for a in result.articles] == ["First", "Second"]
    (error,) = [d for d in result.diagnostics if d.severity == "error"]
    assert (error.line, error.column) == (10, 16)
    assert error.message == ("not well-formed XML: no element found: line 10, column 15 "
                             "(the 2 articles before it were read)")


def test_broken_before_any_item_is_a_content_error() -> None:
    with pytest.raises(ContentError) as caught:
        wxr.read("x.xml", export(b"<wp:author><oops></wp:author>"), ReadSettings())
    diagnostic = caught.value.diagnostic
    assert (diagnostic.line, diagnostic.column) == (8, 20)
    assert diagnostic.message.startswith("not well-formed XML: mismatched tag")


def test_control_characters_are_removed_with_one_warning() -> None:
    data = export(item(1, "Bell\x07 and escape\x1b[31m", "Text\x00 here."))
    result = wxr.read("c.xml", data, ReadSettings())
    assert [a.title for a in result.articles] == ["Bell and escape[31m"]
    assert result.articles[0].body == "<p>Text here.</p>"
    removed = result.diagnostics[0]
    assert (removed.line, removed.severity) == (8, "warning")
    assert removed.message.startswith("removed 3 control characters (U+0007, U+001B, U+0000)")


def test_not_rss_and_empty() -> None:
    with pytest.raises(ContentError, match="the root element is <feed>"):
        wxr.read("a.xml", b'<feed xmlns:wp="http://wordpress.org/export/1.2/"/>',
                 ReadSettings())
    with pytest.raises(ContentError, match="empty file"):
        wxr.read("a.xml", b"  \n", ReadSettings())


def test_many_items_stream_through() -> None:
    items = b"".join(item(1 + i % 9, f"Post {i}") for i in range(3000))
    result = wxr.read("big.xml", export(items), ReadSettings())
    assert len(result.articles) == 3000
    assert len({a.record for a in result.articles}) == 3000  # repeated ids made unique
    assert result.articles[-1].title == "Post 2999"


# --- the formats-dev exports ---------------------------------------------------------------

_TYPE = re.compile(rb"<wp:post_type>(?:<!\[CDATA\[)?(\w+)")
_STATUS = re.compile(rb"<wp:status>(?:<!\[CDATA\[)?(\w+)")


@needs_dev
@pytest.mark.parametrize("name", sorted(p.name for p in DEV.glob("*.xml")) if DEV.is_dir()
                         else [])
def test_formats_dev_exports(name: str) -> None:
    data = (DEV / name).read_bytes()
    assert wxr.sniff(data[:4096])
    types = [t.decode() for t in _TYPE.findall(data)]
    expected = sum(t in ("post", "page") for t in types)
    if name == "malformed.xml":
        with pytest.raises(ContentError) as caught:
            wxr.read(name, data, ReadSettings())
        assert (caught.value.diagnostic.line, caught.value.diagnostic.column) == (90, 3)
        return
    result = wxr.read(name, data, ReadSettings())
    assert len(result.articles) == expected
    published = sum(s == b"publish" for s in _STATUS.findall(data))
    assert sum(not a.draft for a in result.articles) == published
    assert all(a.title and not a.title.startswith("<") for a in result.articles)
    assert all(a.body_format == "html" for a in result.articles)
    assert not [d for d in result.diagnostics if d.severity == "error"]


@needs_dev
def test_formats_dev_details() -> None:
    simple = wxr.read("s.xml", (DEV / "post-content-blank-lines.xml").read_bytes(),
                      ReadSettings()).articles[0]
    assert simple.authors == ("John Doe",)
    assert simple.published == datetime(2010, 10, 16, 20, 53, 18, tzinfo=UTC)
    assert simple.body.count("<p>") == 2
    valid = wxr.read("v.xml", (DEV / "valid-wxr-1.0.xml").read_bytes(), ReadSettings())
    assert [a.extra["wp_post_type"] for a in valid.articles].count("page") == 3
    alpha = next(a for a in valid.articles if a.slug == "alpha-post")
    assert alpha.terms == {"topics": ("alpha", "news", "roar")}
    multiline = wxr.read("m.xml", (DEV / "authors-multiline.xml").read_bytes(), ReadSettings())
    assert multiline.articles[0].authors == ("alice",)
    terms_only = wxr.read("t.xml", (DEV / "term-formats.xml").read_bytes(), ReadSettings())
    assert terms_only.articles == ()
    assert [d.message for d in terms_only.diagnostics] == [
        "the WordPress export holds no posts or pages"]


# --- end to end ----------------------------------------------------------------------------

def test_build_a_site_from_an_export(tmp_path: Path) -> None:
    config = make_site(tmp_path / "site", {
        "export.xml": (DATA / "harbour-gazette.xml").read_bytes()})
    report = build_site(config)
    pages = [p.read_text(encoding="utf-8") for p in config.output_dir.rglob("index.html")]
    assert any("Ferry timetable changes &amp; new pier" in page for page in pages)
    assert any("Storm warning for the coast tonight." in page for page in pages)
    assert not any("Not ready yet." in page or "Subscribers read this." in page
                   for page in pages)
    assert not any("javascript:" in page for page in pages)
    assert report is not None
