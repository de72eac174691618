"""Volume over time, as plain data for the templates' charts (``_charts.html``).

- a *chart* (``archive/`` per year, a year page per month, a term page per year
  or, when the term spans two years or less, per month) is
  ``{"unit": "year" | "month", "max": N, "bars": [{label, tick, url, count}]}``:
  one bar per period from the first to the last, gaps included (count 0, no
  URL); ``tick`` is the short axis label of the bars that get one (else "");
- a *sparkline* (``topics/`` and the taxonomy overviews) is a term's number of
  articles per year over the archive's years (:func:`archive_years`).

Labels are written here, in the site's language (:mod:`newsarchive.i18n`), so
they enter the pages' params and fingerprints; the templates only draw.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from babel.dates import get_month_names

from newsarchive.i18n import format_month, format_year, site_locale
from newsarchive.model import Entry
from newsarchive.pipeline.index import Archive
from newsarchive.urls import month_url, year_url

__all__ = ["archive_chart", "archive_years", "month_chart", "sparkline", "term_chart",
           "year_chart"]

#: At most this many labels under the bars of a chart.
_TICKS = 6

#: ``url_of(year, month)``: the page a bar links (month 0: a year), or None.
UrlOf = Callable[[int, int], "str | None"]


def _short_month(month: int, language: str) -> str:
    names = get_month_names("abbreviated", context="stand-alone", locale=site_locale(language))
    return str(names[month])


#: Bars by their values, shared by the charts of one family of pages (params
#: are read-only): the term pages' charts took 0.8 KiB per article as a dict per bar.
Bars = dict[tuple[str, str, "str | None", int], dict[str, Any]]


def _chart(unit: str, slots: Sequence[tuple[str, str, str | None, int]],
           shared: Bars | None = None) -> dict[str, Any]:
    """A chart of ``slots`` (label, tick, url, count), every ``ceil(n / 6)``-th
    one with its tick; equal bars taken from ``shared`` (and kept there)."""
    step = max(1, -(-len(slots) // _TICKS))
    bars = []
    for i, (label, tick, url, count) in enumerate(slots):
        values = (label, tick if i % step == 0 else "", url if count else None, count)
        bar = shared.get(values) if shared is not None else None
        if bar is None:
            bar = dict(zip(("label", "tick", "url", "count"), values, strict=True))
            if shared is not None:
                shared[values] = bar
        bars.append(bar)
    return {"unit": unit, "max": max((slot[3] for slot in slots), default=0), "bars": bars}


def _by_year(counts: Counter[int], url_of: UrlOf, language: str,
             shared: Bars | None = None) -> dict[str, Any]:
    first, last = min(counts), max(counts)
    slots = []
    for year in range(first, last + 1):
        label = format_year(year, language)
        slots.append((label, label, url_of(year, 0), counts[year]))
    return _chart("year", slots, shared)


def _by_month(counts: Counter[tuple[int, int]], months: Iterable[tuple[int, int]],
              url_of: UrlOf, language: str, shared: Bars | None = None) -> dict[str, Any]:
    return _chart("month", [(format_month(y, m, language), _short_month(m, language),
                             url_of(y, m), counts[(y, m)]) for (y, m) in months], shared)


def _archive_url(year: int, month: int) -> str:
    return month_url(year, month) if month else year_url(year)


def archive_chart(archive: Archive, language: str = "en") -> dict[str, Any] | None:
    """``archive/``: articles per year, each bar linking its year page (None
    when no article is dated)."""
    if not archive.by_year:
        return None
    counts = Counter({year: len(entries) for year, entries in archive.by_year.items()})
    return _by_year(counts, _archive_url, language)


def year_chart(archive: Archive, year: int, language: str = "en") -> dict[str, Any]:
    """A year page: its twelve months, each bar linking its month page."""
    counts = Counter({(y, m): len(entries) for (y, m), entries in archive.by_month.items()
                      if y == year})
    return _by_month(counts, [(year, m) for m in range(1, 13)], _archive_url, language)


def month_chart(counts: Counter[tuple[int, int]], url_of: UrlOf, language: str = "en",
                shared: Bars | None = None) -> dict[str, Any]:
    """Articles per month from the first month of ``counts`` to its last."""
    (y, m), last = min(counts), max(counts)
    months = []
    while (y, m) <= last:
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return _by_month(counts, months, url_of, language, shared)


def term_chart(entries: Sequence[Entry], url_of: UrlOf, language: str = "en",
               shared: Bars | None = None) -> dict[str, Any] | None:
    """A term page: its dated ``entries`` per year or, when they span two
    calendar years or less, per month (None when none is dated); equal bars
    taken from ``shared``."""
    dated = [e.local for e in entries if e.local is not None]
    if not dated:
        return None
    if dated[-1].year - dated[0].year <= 1:  # entries are oldest first
        return month_chart(Counter((d.year, d.month) for d in dated), url_of, language,
                           shared)
    return _by_year(Counter(d.year for d in dated), url_of, language, shared)


def archive_years(archive: Archive, language: str = "en") -> dict[str, Any] | None:
    """The years the sparklines span: ``{first, last, first_label, last_label}``,
    or None when the archive's dated articles fit in one year (a line needs two)."""
    if len(archive.by_year) < 2:
        return None
    first, last = min(archive.by_year), max(archive.by_year)
    return {"first": first, "last": last, "first_label": format_year(first, language),
            "last_label": format_year(last, language)}


def sparkline(entries: Sequence[Entry], years: dict[str, Any] | None) -> list[int] | None:
    """A term's articles per year over ``years`` (:func:`archive_years`), or None."""
    if years is None:
        return None
    counts = Counter(e.local.year for e in entries if e.local is not None)
    return [counts[year] for year in range(years["first"], years["last"] + 1)]
