from datetime import UTC, datetime

import pytest

from newsarchive.urls import (
    article_url,
    output_path,
    relative,
    slugify,
    taxonomy_url,
    term_slug,
    term_url,
)


@pytest.mark.parametrize(("text", "slug"), [
    ("Iran, Russia Reach ‘New Chapter’ in Military Ties, Leaving US Fretting",
     "iran-russia-reach-new-chapter-in-military-ties-leaving-us-fretting"),
    ("../../x", "x"),
    ("<script>alert(1)</script>", "script-alert-1-script"),
    ("Россия — Иран", "россия-иран"),
    ("中国经济", "中国经济"),
    ("L'économie française", "léconomie-française"),
    ("  Hello   World  ", "hello-world"),
])
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_slugify_never_returns_an_empty_or_dot_slug() -> None:
    for text in ("", "...", "/", "..", "!!!"):
        slug = slugify(text)
        assert slug and slug not in (".", "..") and "/" not in slug
    assert slugify("...", fallback="article") == "article"


def test_slugify_cuts_long_titles_at_a_word() -> None:
    slug = slugify("word " * 40)
    assert len(slug) <= 80 and not slug.endswith("-") and slug.endswith("word")


def test_term_slug_avoids_reserved_names() -> None:
    assert term_slug("Page") == "page-term"
    assert term_slug("All") == "all-term"
    assert term_slug("Iran") == "iran"


def test_url_scheme() -> None:
    day = datetime(2000, 12, 28, 2, tzinfo=UTC)
    assert article_url(day, "slug") == "2000/12/28/slug/"
    assert article_url(None, "slug") == "undated/slug/"
    assert term_url("places", "iran") == "places/iran/"
    assert taxonomy_url("places") == "places/"
    assert taxonomy_url("topics") == "topics/all/"
    assert output_path("") == "index.html"
    assert output_path("2000/") == "2000/index.html"
    assert output_path("feed.xml") == "feed.xml"


@pytest.mark.parametrize(("src", "dst", "index", "link"), [
    ("", "2000/", True, "2000/index.html"),
    ("2000/12/28/a/", "2000/", True, "../../../../2000/index.html"),
    ("2000/12/28/a/", "", False, "../../../../"),
    ("2000/", "2000/", True, "../2000/index.html"),
    ("topics/x/feed.xml", "topics/x/", True, "../../topics/x/index.html"),
    ("feed.xml", "", True, "index.html"),
    ("", "", False, "./"),
])
def test_relative_links(src: str, dst: str, index: bool, link: str) -> None:
    assert relative(src, dst, index) == link


@pytest.mark.parametrize(("path", "article"), [
    ("2000/12/28/slug/index.html", True),
    ("undated/slug/index.html", True),
    ("undated/page/2/index.html", False),
    ("2000/12/28/index.html", False),
    ("2000/12/index.html", False),
    ("places/iran/index.html", False),
    ("feed.xml", False),
])
def test_is_article_path(path: str, article: bool) -> None:
    from newsarchive.urls import is_article_path

    assert is_article_path(path) is article
