"""Periods inside a term: the pages of one term in one year (``places/iran/2000/``,
"Iran in 2000") and the ``nav.term-periods`` that jumps to them.

Only a term whose listing holds more than one page gets them: on a one-page
term every article is already in view.  A year's page lists that year's
articles like any listing (:func:`~newsarchive.pipeline.plan.listing.listing`),
and its newest page links each month to the page of the year's listing
holding the month's newest article.  The year links are on the term's newest
page only.  So an added article changes its terms' newest pages and the page
of its own year it lands on (with the year's newest page): every other year's
pages, and every older page of the term, keep their bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from newsarchive.i18n import N_, format_year, month_name, translations
from newsarchive.model import Entry
from newsarchive.pipeline.index import ListingPage
from newsarchive.pipeline.plan.listing import listing
from newsarchive.pipeline.plan.spec import PageSpec
from newsarchive.urls import page_url

__all__ = ["TERM_IN_YEAR", "by_year", "month_pages", "term_year_url", "year_pages", "years_nav"]

TERM_IN_YEAR = N_("%(term)s in %(year)s")


def term_year_url(base: str, year: int) -> str:
    """``places/iran/2000/`` for the term at ``base``."""
    return f"{base}{year:04d}/"


def by_year(entries: Sequence[Entry]) -> dict[int, list[Entry]]:
    """The dated ``entries`` (oldest first) by year, oldest year first."""
    years: dict[int, list[Entry]] = {}
    for entry in entries:
        if entry.local is not None:
            years.setdefault(entry.local.year, []).append(entry)
    return years


def years_nav(base: str, years: Sequence[int], language: str) -> list[dict[str, Any]]:
    """The year links of ``nav.term-periods``: ``{year, label, url}``, oldest first."""
    return [{"year": year, "label": format_year(year, language),
             "url": term_year_url(base, year)} for year in years]


def month_pages(url: str, pages: Sequence[ListingPage]) -> dict[int, str]:
    """Each month of one year's listing at ``url`` (its ``pages``, :func:`paginate`
    of the year's entries): the page that holds the month's newest article."""
    found: dict[int, str] = {}
    for page in pages:  # the newest page first, newest item first
        for entry in page.items:
            assert entry.local is not None
            found.setdefault(entry.local.month, page_url(url, page.number))
    return found


def year_pages(base: str, params: Mapping[str, Any], years: Mapping[int, Sequence[ListingPage]],
               language: str) -> list[PageSpec]:
    """The listing of each year of the term at ``base`` (``years``: each year's
    pages, :func:`paginate` of its entries): ``params`` (the term page's) titled
    "Iran in 2000", with ``parent`` (the term's page, for the breadcrumbs); on
    the newest page, ``count`` and ``months`` (the year's month links, each to
    the page holding the month's newest article)."""
    term = {"label": params["title"], "url": base}
    title = translations(language).gettext(TERM_IN_YEAR)
    specs: list[PageSpec] = []
    for year, pages in years.items():
        url = term_year_url(base, year)
        p = {key: value for key, value in params.items()
             if key not in ("title_lang", "title_dir")}  # the title is no longer the name alone
        p.update(title=title % {"term": params["title"], "year": format_year(year, language)},
                 parent=term)
        months = [{"label": month_name(month, language), "url": link}
                  for month, link in sorted(month_pages(url, pages).items())]
        specs += listing(url, "term.html", p, pages,
                         {"count": sum(len(page.items) for page in pages), "chart": None,
                          "periods": None, "months": months})
    return specs
