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

from newsarchive.i18n import N_, format_day, format_month, format_year, month_name, translations
from newsarchive.model import Entry
from newsarchive.pipeline.index import Archive, paginate
from newsarchive.pipeline.plan.calendars import month_calendar, weekday_headers
from newsarchive.pipeline.plan.charts import year_chart
from newsarchive.pipeline.plan.listing import listing
from newsarchive.pipeline.plan.onthisday import on_this_day_url
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
    each links its neighbours of the same level (for a day, the previous and next
    days *with articles*), its parents and (years, months) its children;
    labelled in ``language``.  The first page of a month shows its calendar, of a
    year the calendars of its twelve months (:func:`period_calendars`); a day
    page links its ``on-this-day/MM-DD/`` page."""

    # One link ({label, url}) per period, shared by every page that shows it (its
    # neighbours' prev/next, its children's breadcrumbs): params are read-only.
    links: dict[tuple[int, ...], dict[str, str]] = {}

    def link(key: tuple[int, ...]) -> dict[str, str]:
        found = links.get(key)
        if found is None:
            year, month, day = (*key, 0, 0)[:3]
            found = links[key] = {"label": period_label(year, month, day, language),
                                  "url": url_of[len(key)](key)}
        return found

    def label(key: tuple[int, ...]) -> str:
        return link(key)["label"]

    neighbours_of: dict[tuple[int, ...], dict[str, str]] = {}

    def neighbour(key: tuple[int, ...]) -> dict[str, str]:
        found = neighbours_of.get(key)
        if found is None:  # its own dict: the keys in this order, as the params always had
            found = neighbours_of[key] = {"url": link(key)["url"], "label": link(key)["label"]}
        return found

    crumbs_of: dict[tuple[int, ...], list[dict[str, str]]] = {}
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
                "prev_period": neighbour(keys[i - 1]) if i else None,
                "next_period": neighbour(keys[i + 1]) if i + 1 < len(keys) else None,
            }
            children = []
            if level != "day":
                child_groups: Mapping[Any, tuple[Entry, ...]] = (
                    archive.by_month if level == "year" else archive.by_day)
                for child in sorted(children_of.get(key, ())):
                    children.append({"label": label(child),
                                     "url": url_of[len(child)](child),
                                     "count": len(child_groups[child])})
            crumbs = crumbs_of.get(key[:-1])
            if crumbs is None:  # the days of a month share their breadcrumbs
                crumbs = crumbs_of[key[:-1]] = [link(key[:n]) for n in range(1, len(key))]
            params = {"kind": "period", "level": level, "title": label(key),
                      "crumbs": crumbs, **neighbours}
            params["on_this_day"] = on_this_day_url(key[1], key[2]) if level == "day" else None
            # On the newest page only: an added article re-renders no older page.
            front = {"children": children, "count": len(groups[key]),
                     **period_calendars(archive, key, language)}
            # A year's articles per month (plan/charts.py), drawn by _charts.html.
            front["chart"] = year_chart(archive, key[0], language) if level == "year" else None
            specs += listing(base, "period.html", params, paginate(groups[key], per_page), front)
    return specs


def period_calendars(archive: Archive, key: tuple[int, ...], language: str = "en"
                     ) -> dict[str, Any]:
    """The calendar of the month ``key`` (none for a year or a day): ``calendars``,
    a list of one :func:`~newsarchive.pipeline.plan.calendars.month_calendar`
    captioned "December 2000", and ``weekdays``,
    the column headers.  Built from the days of ``archive.by_day`` in the period,
    so they change exactly when the period's counts do."""
    if len(key) != 2:
        # A year page has its month grid (the months with their counts) and its
        # chart instead: twelve day calendars would take 50 KB of a 60 KB page.
        return {"calendars": None, "weekdays": None}
    year = key[0]
    months = (key[1],) if len(key) == 2 else tuple(range(1, 13))
    counts: dict[int, dict[int, tuple[int, str]]] = {m: {} for m in months}
    for month in months:
        if (year, month) not in archive.by_month:
            continue
        for day in range(1, 32):
            entries = archive.by_day.get((year, month, day))
            if entries:
                counts[month][day] = (len(entries), day_url(year, month, day))
    calendars = []
    for month in months:
        if len(key) == 2:
            caption, url = format_month(year, month, language), None
        else:
            caption = month_name(month, language)
            url = month_url(year, month) if (year, month) in archive.by_month else None
        calendars.append(month_calendar(year, month, counts[month], caption, url, language))
    return {"calendars": calendars, "weekdays": [dict(h) for h in weekday_headers(language)]}


def undated_pages(archive: Archive, per_page: int, language: str = "en") -> list[PageSpec]:
    """``undated/``: the articles without a date, by title (none when there are none)."""
    if not archive.undated:
        return []
    title = translations(language).gettext(UNDATED)
    return listing("undated/", "period.html",
                   {"kind": "undated", "level": "undated", "title": title,
                    "crumbs": [], "prev_period": None, "next_period": None,
                    "on_this_day": None},
                   paginate(archive.undated, per_page),
                   {"count": len(archive.undated), "children": [], "chart": None,
                    "calendars": None,
                    "weekdays": None})
