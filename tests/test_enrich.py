"""enrich: safe body HTML, summaries, terms, slugs."""

from __future__ import annotations

from datetime import UTC, datetime

from newsarchive.config import Config, TopicSettings
from newsarchive.model import Article
from newsarchive.pipeline.enrich import body_html, enrich, summarize

NO_TOPICS = Config(topics=TopicSettings(enabled=()))


def test_raw_text_is_prose_never_markup() -> None:
    body = "Stars *shine* and _glow_.\n\n# Not a heading\n1. not a list\n\n<b>bold</b> & more"
    html = body_html(Article("a.txt", "t", body, "text"))
    assert html == ("<p>Stars *shine* and _glow_.</p>\n"
                    "<p># Not a heading<br>\n1. not a list</p>\n"
                    "<p>&lt;b&gt;bold&lt;/b&gt; &amp; more</p>")


def test_markdown_is_sanitised() -> None:
    body = ("Hi <script>alert(1)</script><img src=x onerror=alert(2)>"
            "[js](javascript:alert(3)) [ok](https://example.org/) ![pic](/images/a.png)")
    html = body_html(Article("a.md", "t", body, "markdown"))
    assert "<script" not in html and "onerror" not in html and 'href="javascript' not in html
    assert '<a href="https://example.org/" rel="noopener noreferrer nofollow">ok</a>' in html
    # unresolvable on this site: dropped, never a broken link or image
    assert "/images/a.png" not in html and "<img" not in html and "pic" in html


def test_markdown_headings_step_down_and_get_ids_that_fragment_links_use() -> None:
    body = ("# Top\n\nSee [chapters](#chapters), [gone](#nope), [note](#fn1).\n\n"
            "## Chapters\n\n## Chapters\n\n<p id=\"fn1\">Note.</p>\n")
    html = body_html(Article("a.md", "t", body, "markdown"))
    assert '<h2 id="body-top">Top</h2>' in html
    assert '<h3 id="body-chapters">Chapters</h3>\n<h3 id="body-chapters-2">' in html
    assert 'href="#body-chapters"' in html and 'href="#body-fn1"' in html
    assert 'id="body-fn1"' in html
    assert "#nope" not in html and "<h1" not in html


def test_summary_is_the_lead_cut_at_a_word() -> None:
    assert summarize("Short lead.\n\nSecond.") == "Short lead."
    long = "word " * 100
    cut = summarize(long, 50)
    assert len(cut) <= 50 and cut.endswith("…") and not cut.endswith(" …")


def test_enrich_terms_explicit_sources_and_authors() -> None:
    article = Article("a.md", "Hello, World!", "Body.", "markdown",
                      published=datetime(2001, 2, 3, 23, 30, tzinfo=UTC), source="Reuters",
                      authors=("Jane Doe", "jane  doe"),
                      terms={"topics": ("Energy", "energy", "Oil"), "places": ("Iran",)})
    entry = enrich(article, NO_TOPICS)
    assert entry.slug == "hello-world" and entry.url == ""
    assert dict(entry.terms) == {"topics": ("Energy", "Oil"), "places": ("Iran",),
                                 "sources": ("Reuters",), "authors": ("Jane Doe",),
                                 "languages": ("en",)}
    assert entry.summary == "Body."
    assert entry.direction == "ltr" and entry.lang == "en"


def test_dates_follow_the_archive_timezone() -> None:
    article = Article("a.md", "t", "b", published=datetime(2001, 2, 3, 23, 30, tzinfo=UTC))
    entry = enrich(article, Config(timezone="Asia/Tokyo", topics=TopicSettings(enabled=())))
    assert entry.local is not None and entry.local.day == 4


def test_right_to_left_articles() -> None:
    arabic = Article("a.txt", "عنوان الخبر", "نص الخبر باللغة العربية.")
    assert enrich(arabic, NO_TOPICS).direction == "rtl"
    assert enrich(Article("b.txt", "t", "b", lang="he"), NO_TOPICS).direction == "rtl"


def test_front_matter_places_are_filed_with_their_region_and_country() -> None:
    article = Article("a.md", "Port reopens", "The port reopened on Monday.", "markdown",
                      terms={"places": ("Houston", "Atlantis Bay")})
    places = enrich(article, Config(topics=TopicSettings(enabled=("places",)))).terms["places"]
    # As written first, each followed by its ancestors; an unknown name stays alone.
    assert places == ("Houston", "Texas", "United States", "Atlantis Bay")
    # With automatic places off, the front matter is kept as written.
    assert enrich(article, NO_TOPICS).terms["places"] == ("Houston", "Atlantis Bay")
