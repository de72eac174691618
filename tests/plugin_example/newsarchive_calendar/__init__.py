"""A newsarchive plugin: CSV news rows, and one calendar page per source.

- Reads ``.csv`` files (and, by sniffing, files of any other suffix starting
  with the same header) whose rows are ``date,title,source,body``; each row is
  an article.
- Plans ``calendar/<source-slug>/``: that source's dated articles by month,
  rendered with ``calendar.html`` shipped here, which uses the filter
  ``month_name``.
- After a build, notes when no calendar page was made.

Enabled by ``plugins: [calendar]`` in ``archive.yaml``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from newsarchive.config import Config, ReadSettings
from newsarchive.errors import Diagnostic
from newsarchive.hooks import Registry
from newsarchive.model import Article, BuildReport, ReadResult
from newsarchive.pipeline.index import Archive
from newsarchive.pipeline.plan import PageSpec
from newsarchive.urls import output_path

__all__ = ["HEADER", "calendar_pages", "month_name", "read_rows", "register"]

#: The header line every file this plugin reads starts with.
HEADER = ("date", "title", "source", "body")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def register(registry: Registry) -> None:
    """The entry point: what this plugin adds to a build."""
    registry.add_reader(read_rows, suffixes=(".csv",), sniff=_has_header)
    registry.add_page_family(calendar_pages)
    registry.add_templates(Path(__file__).parent / "templates")
    registry.add_filter("month_name", month_name)
    registry.add_write_hook(_note_no_calendar)


def _has_header(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip() == ",".join(HEADER).encode()


def read_rows(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """One article per row of ``date,title,source,body``; a row without a title or
    with a date that is not ``YYYY-MM-DD`` is skipped with an error naming its line."""
    text = data.decode("utf-8-sig")
    rows = csv.reader(io.StringIO(text, newline=""))
    if tuple(next(rows, ())) != HEADER:
        return ReadResult((), (Diagnostic(source_path, 1, 1, "not a news CSV file",
                                          f"the first line must be {','.join(HEADER)}"),))
    zone = ZoneInfo(settings.timezone)
    articles: list[Article] = []
    problems: list[Diagnostic] = []
    for row in rows:
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        day, title, source, body = [*row, "", "", "", ""][:4]
        if not title.strip():
            problems.append(Diagnostic(source_path, line, 0, "a row without a title; skipped",
                                       "give every row a title in its second column"))
            continue
        try:
            published = datetime.combine(date.fromisoformat(day.strip()), datetime.min.time(),
                                         zone)
        except ValueError:
            problems.append(Diagnostic(source_path, line, 1, f"not a date: {day!r}; skipped",
                                       "write dates as YYYY-MM-DD"))
            continue
        articles.append(Article(source_path, title.strip(), body.strip(), record=str(line),
                                published=published, source=source.strip(), body_line=line))
    return ReadResult(tuple(articles), tuple(problems))


def month_name(value: datetime | None) -> str:
    """``March 2001`` for a date; ``""`` when undated."""
    return f"{_MONTHS[value.month - 1]} {value.year}" if value is not None else ""


def calendar_pages(archive: Archive, config: Config) -> Iterable[PageSpec]:
    """``calendar/<source-slug>/`` for every source with dated articles: its
    articles oldest first, listed by key (so an edit re-renders the page)."""
    for index in archive.by_term.get("sources", ()):
        dated = [e for e in index.entries if e.local is not None]
        if not dated:
            continue
        url = f"calendar/{index.term.slug}/"
        params: dict[str, Any] = {"kind": "calendar", "title": f"{index.term.name} by month",
                                  "source": index.term.name, "count": len(dated)}
        yield PageSpec(url, output_path(url), "calendar.html", params,
                       tuple(e.key for e in dated))


def _note_no_calendar(report: BuildReport, config: Config) -> list[Diagnostic]:
    if report.pages and not report.dry_run and not (config.output_dir / "calendar").is_dir():
        return [Diagnostic(str(config.config_path or "archive.yaml"), 0, 0,
                           "calendar: no article names its source, so no calendar page was made",
                           "give articles a `source:`", "warning")]
    return []
