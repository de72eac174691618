"""The one place that knows the URL scheme.

A page's ``url`` is site-relative, never starts with ``/`` and ends with ``/``
for directory pages (``2000/12/28/iran-russia/``) or is a file name
(``feed.xml``); the front page is ``""``.  Its output path is the url plus
``index.html`` for directory pages.  Links between pages are relative
(:func:`relative`), so one build works at a domain root, under a subpath and
from disk.  Every path component that comes from content passes through
:func:`slugify`, which cannot produce ``.``, ``..``, ``/`` or markup.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime
from functools import lru_cache
from typing import Literal

__all__ = [
    "RESERVED_SLUGS",
    "UrlKind",
    "absolute",
    "article_url",
    "day_url",
    "is_article_path",
    "month_url",
    "output_path",
    "page_url",
    "relative",
    "safe_url",
    "slugify",
    "taxonomy_url",
    "term_url",
    "year_url",
]

#: Slugs a term may not take, because the scheme uses them below a taxonomy.
RESERVED_SLUGS = frozenset({"page", "a-z", "all", "feed.xml", "index.html"})
_MAX_SLUG = 80
#: A slug's byte budget: file systems refuse a name over 255 bytes, and a slug
#: is a folder name that may gain ``-term``/``-2`` suffixes.
_MAX_SLUG_BYTES = 160
_DROP = re.compile(r"[\u2018\u2019'\u02bc`\"]")


def slugify(text: str, fallback: str = "") -> str:
    """Return a lowercase URL slug of ``text`` that keeps letters of every script.

    ``"Iran, Russia Reach ‘New Chapter’"`` -> ``"iran-russia-reach-new-chapter"``;
    ``"Россия"`` -> ``"россия"``.  Anything that is not a letter, a digit or a
    combining mark becomes a single ``-``.  The result is at most 80
    characters and 160 UTF-8 bytes (a slug cut for its bytes ends in ``-`` and
    8 hex digits of a digest of ``text``, so it stays unique), never empty
    (``fallback`` or a digest of ``text``) and never ``.``/``..``.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DROP.sub("", text)
    out: list[str] = []
    dash = False
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "LN" or (category[0] == "M" and out):
            out.append(char)
            dash = False
        elif out and not dash:
            out.append("-")
            dash = True
    slug = "".join(out).strip("-")
    if len(slug) > _MAX_SLUG:
        cut = slug[:_MAX_SLUG]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[_MAX_SLUG // 2:] else cut
        slug = slug.strip("-")
    if len(slug.encode("utf-8")) > _MAX_SLUG_BYTES:
        slug = _cut_bytes(slug, text)
    if not slug:
        digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
        slug = fallback or "x-" + digest[:8]
    return slug


def _cut_bytes(slug: str, text: str) -> str:
    """``slug`` cut to fit :data:`_MAX_SLUG_BYTES` UTF-8 bytes at a character (and,
    where one is near, a word) boundary, plus ``-`` and 8 hex digits of a digest
    of the whole ``text``: two long titles that share their start keep apart."""
    tag = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    budget = _MAX_SLUG_BYTES - len(tag) - 1
    cut = slug.encode("utf-8")[:budget].decode("utf-8", "ignore")
    if "-" in cut[len(cut) // 2:]:
        cut = cut.rsplit("-", 1)[0]
    return f"{cut.strip('-')}-{tag}"


@lru_cache(maxsize=1 << 16)
def term_slug(name: str) -> str:
    """Slug of a taxonomy term; never one of :data:`RESERVED_SLUGS` (memoised: a
    term's name comes back on every page that lists it, and on every build)."""
    slug = slugify(name)
    return f"{slug}-term" if slug in RESERVED_SLUGS else slug


def article_url(published: datetime | None, slug: str) -> str:
    """``2000/12/28/<slug>/`` for a dated article, ``undated/<slug>/`` otherwise."""
    if published is None:
        return f"undated/{slug}/"
    return f"{published:%Y/%m/%d}/{slug}/"


_ARTICLE_PATH = re.compile(r"^(?:\d{4}/\d\d/\d\d|undated)/(?!page/)[^/]+/index\.html$")


def is_article_path(path: str) -> bool:
    """Whether the output path ``path`` is an article page."""
    return _ARTICLE_PATH.match(path) is not None


def year_url(year: int) -> str:
    """``2000/``"""
    return f"{year:04d}/"


def month_url(year: int, month: int) -> str:
    """``2000/12/``"""
    return f"{year:04d}/{month:02d}/"


def day_url(year: int, month: int, day: int) -> str:
    """``2000/12/28/``"""
    return f"{year:04d}/{month:02d}/{day:02d}/"


def taxonomy_url(taxonomy: str) -> str:
    """``places/``; the explicit ``topics`` taxonomy lists all its terms at
    ``topics/all/``, because ``topics/`` is the overview of every taxonomy."""
    return "topics/all/" if taxonomy == "topics" else f"{taxonomy}/"


def term_url(taxonomy: str, slug: str) -> str:
    """``places/iran/``"""
    return f"{taxonomy}/{slug}/"


def page_url(base: str, number: int) -> str:
    """URL of page ``number`` of a paginated listing whose first page is ``base``.

    Page numbers count from the oldest page (see ``archive.paginate``); the
    newest page is ``base`` itself, signalled by ``number == 0``.
    """
    return base if number == 0 else f"{base}page/{number}/"


def output_path(url: str) -> str:
    """Relative output file path of ``url``: directory pages get ``index.html``."""
    return f"{url}index.html" if url == "" or url.endswith("/") else url


def relative(from_url: str, to_url: str, index_html: bool = True) -> str:
    """Relative link from the page at ``from_url`` to ``to_url`` (both site-relative).

    With ``index_html`` a link to a directory page ends in ``index.html`` so
    the site also works opened from disk (``file://`` serves no directory
    index).  An empty result (the page itself) becomes ``./``.
    """
    target = output_path(to_url) if index_html else to_url
    # Every "/" of a site-relative url (never leading) closes one folder, for
    # directory pages and files alike.
    link = "../" * from_url.count("/") + target
    return link or "./"


def absolute(base_url: str, url: str) -> str:
    """Absolute URL of a site-relative ``url`` under ``base_url`` (which ends in ``/``)."""
    return base_url + url


UrlKind = Literal["link", "image", "page"]

# What a browser ignores or strips before it reads a URL's scheme: ASCII
# whitespace and C0 controls at both ends, tab and newlines anywhere
# (WHATWG URL standard, "basic URL parser").  "java\tscript:" is javascript:.
_URL_EDGES = "".join(map(chr, range(0x21))) + "\x7f"
_URL_INNER = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_HOST = re.compile(r"^https?://[^/?#\s@]*@?[^/?#\s:@]+", re.IGNORECASE)
_ALLOWED_SCHEMES: dict[UrlKind, frozenset[str]] = {
    "link": frozenset({"http", "https", "mailto"}),
    "image": frozenset({"http", "https"}),
    "page": frozenset({"http", "https"}),
}


def safe_url(value: object, kind: UrlKind = "link") -> str | None:
    """The URL ``value`` cleaned for an HTML or XML attribute, or None when it is unsafe.

    The one allow-list every URL from content passes before it reaches an
    attribute (links, images, canonical, Open Graph, JSON-LD, feeds):
    ``http`` and ``https`` with a host (and ``mailto:`` for ``kind="link"``).
    Scheme case, surrounding whitespace and control characters, and tabs or
    newlines inside the scheme are read as a browser reads them, so
    ``" JaVa\\tScRiPt:alert(1)"`` is refused like ``javascript:``.  Relative
    and protocol-relative URLs (``//host``) are refused: a URL from a source
    file points at the site it came from, not at this archive.  Returns the URL
    without the characters a browser would strip.
    """
    if not isinstance(value, str):
        return None
    url = _URL_INNER.sub("", value.strip(_URL_EDGES))
    match = _SCHEME.match(url)
    if match is None or match.group(1).lower() not in _ALLOWED_SCHEMES[kind]:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return None
    scheme = match.group(1).lower()
    if scheme in ("http", "https") and not _HOST.match(url):
        return None
    if scheme == "mailto" and len(url) <= len("mailto:"):
        return None
    return url
