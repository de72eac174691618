"""Month calendars for the date pages: the weekday headers and the grid of a month.

A calendar is plain data planned in the site's language (a page's params, so
its fingerprint follows what it shows): the week starts on the locale's first
day (Sunday in the United States, Saturday in Egypt, Monday in France), the
weekday names are CLDR's, the day numbers are in the locale's digits.  A day
with articles links its day page and carries its count; any other day is a
plain number.  Nothing here depends on the build date, so the output is the
same on every build.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from functools import cache
from typing import Any

from babel import Locale
from babel.core import get_global
from babel.dates import get_day_names

from newsarchive.i18n import format_number, site_locale

__all__ = ["first_week_day", "locale_digits", "month_calendar", "weekday_headers"]


@cache
def _week_locale(language: str) -> Locale:
    """The locale of ``language`` with a territory: the first day of the week is a
    territory's (``en`` alone is read as ``en-US``, ``ar`` as ``ar-EG``, as CLDR's
    likely subtags say)."""
    locale = site_locale(language)
    if locale.territory:
        return locale
    likely: Mapping[str, str] = get_global("likely_subtags")
    for name in (str(locale), locale.language):
        if name in likely:
            try:
                return Locale.parse(likely[name])
            except (ValueError, TypeError):  # pragma: no cover - CLDR's own data
                break
    return locale


def first_week_day(language: str) -> int:
    """The first day of the week in ``language``'s locale, 0 = Monday .. 6 = Sunday."""
    return int(_week_locale(language).first_week_day)


@cache
def weekday_headers(language: str) -> tuple[dict[str, str], ...]:
    """The seven column headers of a calendar, from the locale's first day: each
    ``{short, full}`` (``{"short": "lun.", "full": "lundi"}``).  ``short`` is CLDR's
    abbreviated name, or its short one where the abbreviated name is the full name
    (Arabic), so that seven columns fit a phone's width."""
    locale = site_locale(language)
    abbreviated = get_day_names("abbreviated", locale=locale)
    short = get_day_names("short", locale=locale)
    wide = get_day_names("wide", locale=locale)
    first = first_week_day(language)
    headers = []
    for offset in range(7):
        day = (first + offset) % 7
        name = str(abbreviated[day])
        if name == str(wide[day]):
            name = str(short[day])
        headers.append({"short": name, "full": str(wide[day])})
    return tuple(headers)


@cache
def locale_digits(language: str) -> dict[int, int] | None:
    """A ``str.translate`` table from Latin digits to the locale's (None when they
    are Latin): numbers inside a label (``December 28``) as the pages write counts."""
    digits = "".join(format_number(d, language) for d in range(10))
    return None if digits == "0123456789" else str.maketrans("0123456789", digits)


def month_calendar(year: int, month: int, counts: Mapping[int, tuple[int, str]],
                   caption: str, url: str | None, language: str) -> dict[str, Any]:
    """One month as a calendar: ``{caption, url, weeks}``.  ``counts`` maps a day of
    the month to its number of articles and its day page's URL (days without
    articles are absent); ``url`` is the month page's (None when the caption
    links nowhere).  ``weeks`` is a list of seven-cell rows from the locale's
    first day, each cell None (outside the month) or ``{day, url, count}``
    (``url`` and ``count`` None on a day without articles)."""
    grid = calendar.Calendar(first_week_day(language)).monthdayscalendar(year, month)
    weeks = []
    for row in grid:
        cells: list[dict[str, Any] | None] = []
        for day in row:
            if not day:
                cells.append(None)
                continue
            count, day_page = counts.get(day, (0, None))
            cells.append({"day": format_number(day, language), "url": day_page,
                          "count": count or None})
        weeks.append(cells)
    return {"caption": caption, "url": url, "weeks": weeks}
