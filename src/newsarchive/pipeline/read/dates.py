"""Parsing the dates news sources print, into timezone-aware datetimes.

ISO 8601 and its loose cousins (``2012-02-22 15:09:51 -0400``,
``2020-01-21 9:10:00 -0500``, ``2014-11-17 10:00:00 -5``,
``2025-04-01T00:11:21.446Z``, ``2019-02-28``) are parsed by a strict pattern
here; every other form (``December 28th, 2000 - 02:00 GMT``,
``28 Dec 2000``, ``28/12/2000``, ``7/23/17``) by python-dateutil.  Slashed
dates are month-first unless the first number cannot be a month
(``28/12/2000``); dotted dates (``28.12.2000``) are day-first.  A date
without a zone is in the configured timezone.  Years outside 1000-9998 are
rejected as bogus (scrapers write ``0001-11-30`` for "unknown").
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as dateutil_parser

__all__ = ["coerce_date", "date_from_filename", "parse_date", "zone"]

MIN_YEAR = 1000
MAX_YEAR = 9998
#: Longest text read as a date (the longest real ones are about 60 characters).
MAX_DATE_LENGTH = 200

_HOURS = {
    "Z": 0, "UT": 0, "UTC": 0, "GMT": 0, "WET": 0, "BST": 1, "IST": 1, "CET": 1, "WEST": 1,
    "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "AST": -4, "EDT": -4, "EST": -5, "CDT": -5,
    "CST": -6, "MDT": -6, "MST": -7, "PDT": -7, "PST": -8, "AKDT": -8, "AKST": -9,
    "HST": -10, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}
_TZINFOS = {name: timezone(timedelta(hours=hours)) if hours else UTC
            for name, hours in _HOURS.items()}

_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?"
)
_MONTHS = (r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?"
           r"|sep(t|tember)?|oct(ober)?|nov(ember)?|dec(ember)?")
_HAS_DATE = re.compile(
    rf"\b(({_MONTHS})\.?\b.*\b\d{{4}}\b|\d{{4}}\b.*\b({_MONTHS})\b"
    rf"|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}\b|\d{{4}}-\d{{1,2}}-\d{{1,2}}\b)",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"\b(\d{1,2})(st|nd|rd|th)\b", re.IGNORECASE)
_FILENAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[-_]|$)")


def zone(name: str) -> tzinfo:
    """The tzinfo of an IANA timezone name; UTC when the name is unknown."""
    if name in ("UTC", "utc", ""):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _aware(value: datetime, default: tzinfo) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=default)
    if isinstance(value.tzinfo, timezone | ZoneInfo):
        return value
    offset = value.utcoffset()
    if offset is None:
        return value.replace(tzinfo=default)
    return value.replace(tzinfo=UTC if not offset else timezone(offset))


def _checked(value: datetime) -> datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year {value.year} is not a plausible publication year")
    return value


def _parse_iso(match: re.Match[str], default: tzinfo) -> datetime:
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    value = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                     int(second or 0), micro)
    if not offset:
        return value.replace(tzinfo=default)
    if offset.upper() in ("Z", "UTC", "GMT"):
        return value.replace(tzinfo=UTC)
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    hours, minutes = (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]),
                                                                 int(digits[-2:]))
    delta = timedelta(hours=hours, minutes=minutes) * sign
    if abs(delta) >= timedelta(hours=24):
        raise ValueError(f"time zone offset {offset} is out of range")
    return value.replace(tzinfo=timezone(delta) if delta else UTC)


def parse_date(text: str, timezone_name: str = "UTC") -> datetime:
    """Parse a date as printed by a news source into an aware datetime.

    Raises ValueError (with a short reason) when ``text`` is not one date, or
    names an impossible or implausible one.
    """
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValueError("the date is empty")
    if len(cleaned) > MAX_DATE_LENGTH:
        # _HAS_DATE backtracks over long text (quadratic), and no date is this long.
        raise ValueError(f"more than {MAX_DATE_LENGTH} characters is not one date")
    default = zone(timezone_name)
    match = _ISO.fullmatch(cleaned)
    if match:
        return _checked(_parse_iso(match, default))
    if not _HAS_DATE.search(cleaned):
        raise ValueError("no day, month and year found")
    cleaned = _ORDINAL.sub(r"\1", cleaned)
    cleaned = re.sub(r"\s+[-–—|]+\s+|,?\s+at\s+", " ", cleaned)
    dayfirst = bool(re.search(r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b", cleaned))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = dateutil_parser.parse(cleaned, dayfirst=dayfirst, tzinfos=_TZINFOS,
                                          default=datetime(2000, 1, 1))
        except (ValueError, OverflowError, TypeError, LookupError) as exc:
            raise ValueError(str(exc).split(":")[0] or "not a date") from None
    return _checked(_aware(value, default))


def coerce_date(value: object, timezone_name: str = "UTC") -> datetime:
    """Turn a front-matter or JSON value (text, date, datetime, epoch number) into a datetime.

    Raises ValueError with a short reason when it is none of these or not a
    plausible date.
    """
    default = zone(timezone_name)
    if isinstance(value, datetime):
        return _checked(_aware(value, default))
    if isinstance(value, date):
        return _checked(datetime.combine(value, time(), default))
    if isinstance(value, bool):
        raise ValueError("a yes/no value is not a date")
    if isinstance(value, int | float):
        try:
            seconds = float(value) / 1000 if abs(value) > 1e11 else float(value)
            moment = datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"{value} is not a timestamp") from None
        return _checked(moment)
    if isinstance(value, str):
        return parse_date(value, timezone_name)
    raise ValueError(f"a {type(value).__name__} is not a date")


def date_from_filename(name: str) -> date | None:
    """The date of a Jekyll-style file name ``YYYY-MM-DD-slug.md``, or None."""
    match = _FILENAME_DATE.match(name)
    if not match:
        return None
    try:
        found = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return found if MIN_YEAR <= found.year <= MAX_YEAR else None
