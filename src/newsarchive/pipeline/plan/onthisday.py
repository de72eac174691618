"""The "on this day" pages: a calendar day's articles across the years.

- ``on-this-day/MM-DD/``: one page for each calendar day (``12-28``) that has
  articles in some year, up to 366 (``02-29`` included).  Its articles are
  grouped by year, newest year first, at most ``per_page`` of each year (the
  newest), each group linking that year's day page, where all of them are.
  A day without any article has no page, and nothing links one.
- ``on-this-day/``: the index, every day of the year by month, those with a
  page linked.  It shows no counts, so only a first article on a new calendar
  day re-renders it.

The front page links the page of the date of the *newest article*, not of the
build date, so that a build's output depends on its sources alone
(:func:`front_page_link`).  Day pages link the page of their day
(:mod:`.periods`).  An added article changes the one page of its calendar day.
"""

from __future__ import annotations

import calendar
import dataclasses
from collections import defaultdict
from datetime import date
from functools import lru_cache
from typing import Any

from babel.dates import format_skeleton

from newsarchive.i18n import (
    N_,
    format_day,
    format_number,
    format_year,
    month_name,
    site_locale,
    translations,
)
from newsarchive.model import Entry
from newsarchive.pipeline.index import Archive
from newsarchive.pipeline.plan.calendars import locale_digits
from newsarchive.pipeline.plan.spec import PageSpec
from newsarchive.urls import day_url, output_path

__all__ = ["ON_THIS_DAY", "front_page_link", "month_day_label", "on_this_day_pages",
           "on_this_day_url"]

#: The index page's URL.
ON_THIS_DAY = "on-this-day/"
_TITLE = N_("On this day")
_DAY_TITLE = N_("On this day: %(day)s")
#: A leap year: every calendar day, 29 February included, has a date in it.
_LEAP = 2000


def on_this_day_url(month: int, day: int) -> str:
    """``on-this-day/12-28/``"""
    return f"{ON_THIS_DAY}{month:02d}-{day:02d}/"


@lru_cache(maxsize=1024)
def month_day_label(month: int, day: int, language: str = "en") -> str:
    """A day of the year without its year: ``December 28``, ``28 décembre``,
    ``12月28日`` (skeleton ``MMMMd``), in the locale's digits."""
    text = str(format_skeleton("MMMMd", date(_LEAP, month, day), locale=site_locale(language)))
    table = locale_digits(language)
    return text if table is None else text.translate(table)


def _by_calendar_day(archive: Archive) -> dict[tuple[int, int], list[int]]:
    """Each (month, day) with articles and its years, newest first."""
    years: dict[tuple[int, int], list[int]] = defaultdict(list)
    for year, month, day in archive.by_day:
        years[(month, day)].append(year)
    return {key: sorted(found, reverse=True) for key, found in sorted(years.items())}


def on_this_day_pages(archive: Archive, per_page: int, language: str = "en"
                      ) -> list[PageSpec]:
    """The index and one page per calendar day with articles (none in an archive
    without dated articles), titled in ``language``."""
    calendar_days = _by_calendar_day(archive)
    if not calendar_days:
        return []
    gettext = translations(language).gettext
    index_title = gettext(_TITLE)
    specs = [_index(calendar_days, index_title, language)]
    for (month, day), years in calendar_days.items():
        label = month_day_label(month, day, language)
        groups: list[dict[str, Any]] = []
        keys: list[str] = []
        for year in years:
            entries: tuple[Entry, ...] = archive.by_day[(year, month, day)]
            shown = [e.key for e in reversed(entries[-per_page:])]
            groups.append({"label": format_year(year, language),
                           "url": day_url(year, month, day),
                           "date": format_day(date(year, month, day), language),
                           "count": len(entries), "start": len(keys),
                           "stop": len(keys) + len(shown)})
            keys += shown
        url = on_this_day_url(month, day)
        specs.append(PageSpec(url, output_path(url), "onthisday.html",
                              {"kind": "onthisday", "title": gettext(_DAY_TITLE) % {"day": label},
                               "day": label, "index": ON_THIS_DAY, "index_title": index_title,
                               "groups": groups, "months": None},
                              tuple(keys)))
    return specs


def _index(calendar_days: dict[tuple[int, int], list[int]], title: str, language: str
           ) -> PageSpec:
    """``on-this-day/``: twelve months, each day linked when it has a page."""
    months = []
    for month in range(1, 13):
        days = [{"label": format_number(day, language),
                 "url": on_this_day_url(month, day) if (month, day) in calendar_days else None}
                for day in range(1, calendar.monthrange(_LEAP, month)[1] + 1)]
        months.append({"name": month_name(month, language), "days": days})
    return PageSpec(ON_THIS_DAY, output_path(ON_THIS_DAY), "onthisday.html",
                    {"kind": "onthisday", "title": title, "day": None, "index": None,
                     "index_title": title, "groups": None, "months": months})


def front_page_link(spec: PageSpec, archive: Archive, language: str = "en") -> PageSpec:
    """``spec`` (the front page) with ``on_this_day``: ``{url, label}`` of the page
    of the newest article's calendar day (None without dated articles).  The
    newest article, not the build date: the same sources make the same page."""
    link = None
    if archive.dated and spec.params.get("number") == 0:
        newest = archive.dated[-1].local
        assert newest is not None  # dated entries have a local date
        link = {"url": on_this_day_url(newest.month, newest.day),
                "label": month_day_label(newest.month, newest.day, language)}
    return dataclasses.replace(spec, params={**spec.params, "on_this_day": link})
