"""What a part of the search index is: a period of the articles' dates.

A part is a period of the articles' dates, as coarse as keeps it at most
``part_size`` pages: a decade (``1990s``), else a year (``1998``), else half
or quarter years (``1998-h2``, ``1998-q3``), else months (``1998-07``); a
month above the size is split into halves (``1998-07-h1``: days 1-15), a half
still above it into its two quarters (``1998-07-q2``: days 9-15; ``-q3`` and
``-q4`` from the 16th and the 24th), and a quarter still above it into days
(``1998-07-04``), which are never split.
Undated articles are the part ``undated``; any other page that carries
``data-pagefind-body`` (a plugin's page) is the part ``other``.  A period's
part changes only when its own page count crosses ``part_size``, so adding
an article re-indexes its own part and no other.

The size (:data:`PART_SIZE`, 200 pages) bounds what an edit costs: Pagefind
takes about 2 ms per page here, so an edited article's part is indexed in at
most about 0.4 s instead of 0.8 s for a year of 400 pages (issue 17); the search
page merges more parts in exchange (88 instead of 25 at 10,000 articles).  The
search page loads every part it merges (20-40 ms each), so a larger archive gets
larger parts (:func:`part_size_for`): the size doubles until the article pages
fill at most :data:`MAX_PARTS` parts of it (1,600 pages at 100,000 articles,
about a hundred parts instead of 700).  The size changes only when the archive
doubles, and then every part is made again once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

__all__ = ["MAX_PARTS", "OTHER", "PART_SIZE", "UNDATED", "assign", "folders", "order",
           "part_size_for"]

#: The most pages a part holds, unless a single day holds more (the least size:
#: see :func:`part_size_for`).
PART_SIZE = 200
#: How many full parts the article pages may fill before the size doubles.
MAX_PARTS = 64
UNDATED = "undated"
OTHER = "other"
_DATED = re.compile(r"(\d{4})/(\d\d)/(\d\d)/")
#: Months of each sub-year period: halves, quarters, months.
_SPLITS: tuple[tuple[str, int], ...] = (("h", 6), ("q", 3), ("", 1))


def _period(path: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a dated article page's path, else None."""
    found = _DATED.match(path)
    return (int(found.group(1)), int(found.group(2)), int(found.group(3))) if found else None


def _sub_key(year: int, month: int, split: tuple[str, int]) -> str:
    letter, months = split
    if not letter:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{letter}{(month - 1) // months + 1}"


#: The first days of a month's halves, and of its quarters (two to a half).
_HALVES = (1, 16)
_QUARTERS = (1, 9, 16, 24)


def _day_key(year: int, month: int, day: int, level: int) -> str:
    """The key of a day's part in a month split in halves (``level`` 0: ``-h2``, from
    the 16th), quarters (1: ``-q3``; from the 1st, 9th, 16th, 24th) or days (2: ``-04``)."""
    if level == 2:
        return f"{year:04d}-{month:02d}-{day:02d}"
    starts = _QUARTERS if level else _HALVES
    number = sum(1 for start in starts if day >= start)
    return f"{year:04d}-{month:02d}-{'q' if level else 'h'}{number}"


def part_size_for(article_pages: int) -> int:
    """The part size for an archive of ``article_pages`` article pages:
    :data:`PART_SIZE` doubled until they fill at most :data:`MAX_PARTS` parts."""
    size = PART_SIZE
    while article_pages > size * MAX_PARTS:
        size *= 2
    return size


def assign(article_paths: Iterable[str], part_size: int = PART_SIZE) -> dict[str, list[str]]:
    """The parts of ``article_paths`` (article pages): key to its pages, sorted."""
    dated: dict[str, tuple[int, int, int]] = {}
    parts: dict[str, list[str]] = {}
    for path in article_paths:
        period = _period(path)
        if period is None:
            parts.setdefault(UNDATED, []).append(path)
        else:
            dated[path] = period
    decades = Counter(year // 10 for year, _, _ in dated.values())
    years = Counter(year for year, _, _ in dated.values())
    months = Counter((year, month) for year, month, _ in dated.values())
    year_split: dict[int, tuple[str, int]] = {}
    for year in years:
        if years[year] <= part_size:
            continue
        for split in _SPLITS:
            buckets: Counter[str] = Counter()
            for (in_year, month), count in months.items():
                if in_year == year:
                    buckets[_sub_key(year, month, split)] += count
            if max(buckets.values()) <= part_size:
                break
        year_split[year] = split
    # A month above the size (in a year split by months): its halves; a half above
    # the size: its two quarters; a quarter above it: its days.
    big = {key for key, count in months.items() if count > part_size}
    counts = Counter(_day_key(year, month, day, level) for year, month, day in dated.values()
                     if (year, month) in big for level in (0, 1))
    for path, (year, month, day) in dated.items():
        if decades[year // 10] <= part_size:
            key = f"{year // 10 * 10:04d}s"
        elif year not in year_split:
            key = f"{year:04d}"
        elif (year, month) in big:
            half, quarter = _day_key(year, month, day, 0), _day_key(year, month, day, 1)
            key = (half if counts[half] <= part_size else quarter
                   if counts[quarter] <= part_size else _day_key(year, month, day, 2))
        else:
            key = _sub_key(year, month, year_split[year])
        parts.setdefault(key, []).append(path)
    return {key: sorted(pages) for key, pages in parts.items()}


def _start(key: str) -> tuple[int, int, int]:
    """Where a dated part's period starts, (year, month, day), for ordering."""
    year = int(key[:4])
    rest = key[5:]
    if rest.startswith("h"):
        return year, (int(rest[1:]) - 1) * 6 + 1, 1
    if rest.startswith("q"):
        return year, (int(rest[1:]) - 1) * 3 + 1, 1
    if not rest:
        return year, 1, 1
    month, _, day = rest.partition("-")
    if day[:1] in ("h", "q"):
        return year, int(month), (_HALVES if day[0] == "h" else _QUARTERS)[int(day[1:]) - 1]
    return year, int(month), int(day) if day else 1


def folders(key: str) -> list[str]:
    """The output folders (relative, with a trailing slash) holding the pages of the
    part ``key`` (not :data:`OTHER`, whose pages may be anywhere)."""
    if key == UNDATED:
        return [f"{UNDATED}/"]
    year, month, day = _start(key)
    rest = key[5:]
    if key.endswith("s"):
        return [f"{year + offset:04d}/" for offset in range(10)]
    if not rest:
        return [f"{year:04d}/"]
    if rest[0] in "hq":
        span = 6 if rest[0] == "h" else 3
        return [f"{year:04d}/{month + offset:02d}/" for offset in range(span)]
    if len(rest) == 2:
        return [f"{year:04d}/{month:02d}/"]
    if rest[3:].isdigit():
        return [f"{year:04d}/{month:02d}/{day:02d}/"]
    starts = _HALVES if rest[3] == "h" else _QUARTERS
    end = next((start for start in starts if start > day), 32)
    return [f"{year:04d}/{month:02d}/{number:02d}/" for number in range(day, end)]


def order(keys: Iterable[str]) -> list[str]:
    """Part keys newest first; then ``undated``, then ``other``."""
    dated = sorted((key for key in keys if key not in (UNDATED, OTHER)), key=_start,
                   reverse=True)
    return dated + [key for key in (UNDATED, OTHER) if key in keys]
