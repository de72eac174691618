"""Paginated listings, the front page that is one, and the feeds of listings.

Page numbers count from the oldest page (see :func:`newsarchive.pipeline.index.paginate`);
the newest page sits at the listing's own URL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from newsarchive.config import Config
from newsarchive.model import Entry
from newsarchive.pipeline.index import Archive, ListingPage, paginate
from newsarchive.pipeline.plan.languages import language_feeds
from newsarchive.pipeline.plan.spec import PageSpec
from newsarchive.urls import output_path, page_url

__all__ = ["WINDOW", "feed_keys", "front_pages", "listing", "page_window", "site_feed"]


#: Numbered links on each side of the current page in the pager.
WINDOW = 2
#: A gap in the pager's window ("…"), the same on every page.
_GAP: dict[str, Any] = {"gap": True}


def page_window(position: int, total: int, width: int = WINDOW) -> list[int | None]:
    """The page positions the pager shows, in reading order (newest, ``total``,
    first; the oldest, 1, last): the first and the last, ``width`` on each side
    of ``position``, and None for a gap ("…"); a gap that would hide a single
    page shows that page instead."""
    shown = {1, total, *range(max(1, position - width), min(total, position + width) + 1)}
    ordered = sorted(shown, reverse=True)
    window: list[int | None] = []
    for previous, current in zip([None, *ordered], ordered, strict=False):
        if previous is not None and previous - current == 2:
            window.append(current + 1)
        elif previous is not None and previous - current > 2:
            window.append(None)
        window.append(current)
    return window


def _pager(base: str, page: ListingPage, links: dict[tuple[int, bool], dict[str, Any]]
           ) -> dict[str, Any]:
    """The pager's params of ``page``: its total, the URLs of the first (newest)
    and last (oldest) pages where they are not this one, and the window of
    numbered links (``{gap: false, number, url, current}``, or ``{gap: true}``).
    The links are kept in ``links`` by (position, current) and shared by the
    pages of one listing (params are read-only)."""
    def url_of(position: int) -> str:
        return page_url(base, 0 if position == page.total else position)

    def link(position: int | None) -> dict[str, Any]:
        if position is None:
            return _GAP
        current = position == page.position
        found = links.get((position, current))
        if found is None:
            found = links[(position, current)] = {
                "gap": False, "number": position, "url": url_of(position), "current": current}
        return found

    window = [link(position) for position in page_window(page.position, page.total)]
    return {
        "total": page.total,
        "first": url_of(page.total) if page.newer is not None else None,
        "last": url_of(1) if page.older is not None else None,
        "window": window if page.total > 1 else [],
    }


def listing(base: str, template: str, params: dict[str, Any], pages: Sequence[ListingPage],
            front_only: Mapping[str, Any] | None = None) -> list[PageSpec]:
    """The pages of one listing whose newest page is at ``base``: ``params`` on
    each, plus its number (0 on the newest), the number of pages (``total``),
    the older/newer/first/last links and the pager's numbered ``window``
    (:func:`page_window`); ``front_only`` values on the newest page only (None
    on the others)."""
    specs = []
    links: dict[tuple[int, bool], dict[str, Any]] = {}
    for page in pages:
        url = page_url(base, page.number)
        p: dict[str, Any] = {
            **params, "number": page.number,
            "older": page_url(base, page.older) if page.older is not None else None,
            "newer": page_url(base, page.newer) if page.newer is not None else None,
            **_pager(base, page, links),
        }
        for key, value in (front_only or {}).items():
            p[key] = value if page.number == 0 else None
        specs.append(PageSpec(url, output_path(url), template, p,
                              tuple(e.key for e in page.items)))
    return specs


def front_pages(archive: Archive, config: Config) -> list[PageSpec]:
    """The front page and its older pages: every dated article, newest first.
    The newest links the feed of each language of a multilingual archive
    (``language_feeds``)."""
    return listing("", "index.html", {"kind": "index", "title": config.title},
                   paginate(archive.dated, config.per_page),
                   {"language_feeds": language_feeds(archive, config.taxonomies)})


def feed_keys(entries: Sequence[Entry], size: int) -> tuple[str, ...]:
    """Keys of the ``size`` newest dated entries, newest first (undated never in feeds)."""
    newest: list[str] = []
    for entry in reversed(entries):  # stops after `size`: big terms are not scanned whole
        if len(newest) == size:
            break
        if entry.local is not None:
            newest.append(entry.key)
    return tuple(newest)


def site_feed(archive: Archive, config: Config) -> PageSpec:
    """``feed.xml``: the newest articles of the whole site, with their bodies."""
    return PageSpec("feed.xml", "feed.xml", "feed.xml",
                    {"kind": "feed", "title": config.title, "self": "feed.xml",
                     "alternate": "", "full": True},
                    feed_keys(archive.dated, config.feed_size), in_sitemap=False)
