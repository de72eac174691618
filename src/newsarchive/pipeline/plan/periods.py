"""The date pages: one listing per year, month and day, and the undated articles.

Their labels are written at plan time in the site's language
(:mod:`newsarchive.i18n`: one form per locale, the same the templates' date
filters give), so a page's params, and so its fingerprint, follow ``language``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

from newsarchive.i18n import N_, format_day, format_month, format_year, translations
from newsarchive.model import Entry
from newsarchive.pipeline.index import Archive, paginate
from newsarchive.pipeline.plan.listing import listing
from newsarchive.pipeline.plan.spec import PageSpec
from newsarchive.urls import day_url, month_url, year_url

__all__ = ["UNDATED", "period_label", "period_pages", "undated_pages"]

UNDATED = N_("Undated")


def period_label(year: int, month: int = 0, day: int = 0, language: str = "en") -> str:
    """``2000``, ``December 2000`` or ``December 28, 2000`` in ``language``
    (``2000年``, ``2000年12月``, ``2000年12月28日`` in ``zh``)."""
    if day:
        return format_day(date(year, month, day), language)
    if month:
        return format_month(year, month, language)
    return format_year(year, language)


def period_pages(archive: Archive, per_page: int, language: str = "en") -> list[PageSpec]:
    """Every year, then every month, then every day with articles, oldest first;
    each links its neighbours, its parents and (years, months) its children;
    labelled in ``language``."""

    def label(key: tuple[int, ...]) -> str:
        year, month, day = (*key, 0, 0)[:3]
        return period_label(year, month, day, language)

    specs: list[PageSpec] = []
    levels: list[tuple[str, Mapping[Any, tuple[Entry, ...]]]] = [
        ("year", {(y,): v for y, v in archive.by_year.items()}),
        ("month", archive.by_month),
        ("day", archive.by_day),
    ]
    url_of = {1: lambda k: year_url(*k), 2: lambda k: month_url(*k), 3: lambda k: day_url(*k)}
    # Children of each year and month, grouped once (not a scan of every key per parent).
    children_of: dict[Any, list[Any]] = defaultdict(list)
    for level_groups in (archive.by_month, archive.by_day):
        for child in level_groups:
            children_of[child[:-1]].append(child)
    for level, groups in levels:
        keys = sorted(groups)
        for i, key in enumerate(keys):
            base = url_of[len(key)](key)
            neighbours = {
                "prev_period": {"url": url_of[len(key)](keys[i - 1]),
                                "label": label(keys[i - 1])} if i else None,
                "next_period": {"url": url_of[len(key)](keys[i + 1]),
                                "label": label(keys[i + 1])}
                if i + 1 < len(keys) else None,
            }
            children = []
            if level != "day":
                child_groups: Mapping[Any, tuple[Entry, ...]] = (
                    archive.by_month if level == "year" else archive.by_day)
                for child in sorted(children_of.get(key, ())):
                    children.append({"label": label(child),
                                     "url": url_of[len(child)](child),
                                     "count": len(child_groups[child])})
            crumbs = [{"label": label(key[:n]), "url": url_of[n](key[:n])}
                      for n in range(1, len(key))]
            params = {"kind": "period", "level": level, "title": label(key),
                      "crumbs": crumbs, **neighbours}
            specs += listing(base, "period.html", params, paginate(groups[key], per_page),
                             {"children": children, "count": len(groups[key])})
    return specs


def undated_pages(archive: Archive, per_page: int, language: str = "en") -> list[PageSpec]:
    """``undated/``: the articles without a date, by title (none when there are none)."""
    if not archive.undated:
        return []
    title = translations(language).gettext(UNDATED)
    return listing("undated/", "period.html",
                   {"kind": "undated", "level": "undated", "title": title,
                    "crumbs": [], "prev_period": None, "next_period": None},
                   paginate(archive.undated, per_page),
                   {"count": len(archive.undated), "children": []})
