"""Raw scraped news text: the seed's form and its cousins.

The shape read::

    Title line
                                         (blank lines optional)
    Published December 28th, 2000 - 02:00 GMT   <- date lines, "Updated ..." lines
    Al Bawaba                                   <- source (a repeated line collapses)
    By Jane Doe                                 <- byline -> authors

    TEHRAN (AFP) - First paragraph ...          <- a dateline at the start ...
    ...
    Last paragraph ... -- TEHRAN (AFP)          <- ... or at the end
    © 2000 Al Bawaba                            <- copyright line
    Subscribe                                   <- boilerplate, removed

Header paragraphs after the title are metadata only when each of their lines
is a date, a byline, a ``Source:`` line or a short name-like line, and at
least one is a date or a byline; otherwise the text is a "title line, then
body" dump and everything after the title is body.  The body is prose
(``body_format="text"``): paragraphs separated by one blank line, every line
as written minus trailing whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError, Diagnostic
from newsarchive.model import Article
from newsarchive.pipeline.read.dates import parse_date
from newsarchive.pipeline.read.fields import dedupe
from newsarchive.pipeline.read.text import boilerplate_matcher, detect_lang

__all__ = ["Cleaned", "Paragraph", "clean_body", "read_text", "split_authors", "split_paragraphs"]

Paragraph = tuple[int, tuple[str, ...]]
"""A paragraph: the 1-based line it starts on and its lines (trailing space stripped)."""

_DATE_PREFIX = re.compile(
    r"(?:(first published|published|posted|last updated|updated|modified|date)\b\s*(?:on\b|:)?"
    r"\s*)?(.*)", re.IGNORECASE)
_BYLINE = re.compile(r"(?:[Bb]y|BY)\s+([A-Z\u00C0-\u024F][^\d]{1,100})")
_SOURCE = re.compile(r"(?:source|from)\s*:\s*(.{1,80})", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…:;\"”“»]$")
_PLACE = r"[A-Z][A-Z.'\-]*(?: [A-Z][A-Z.'\-]*){0,3}"
_DASH = r"(?:-{1,2}|–|—)"
_START_DATELINE = re.compile(
    rf"({_PLACE})(?:,\s*[A-Z][A-Za-z.]*(?:\.?\s+\d{{1,2}})?)?\s*(?:\(([^()]{{1,30}})\))?"
    rf"\s*{_DASH}\s+(?=\S)")
_END_DATELINE = re.compile(rf"\s*{_DASH}\s*({_PLACE})\s*\(([^()]{{1,30}})\)\s*$")
_ONLY_DATELINE = re.compile(rf"(?:{_DASH}\s*)?({_PLACE})\s*\(([^()]{{1,30}})\)")
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright\s+(?:©|\(c\)|\d{4})).{0,200}", re.IGNORECASE)
_ROLE_WORD = (r"(?:senior|staff|opinion|special|guest|chief|contributing|political|foreign|"
              r"national|white house|washington|news|sports|business|associate|managing|"
              r"contributor|correspondent|writer|editor|reporter|columnist|analyst|"
              r"producer|intern|bureau chief|fellow)s?")
_ROLE = re.compile(rf"(?:{_ROLE_WORD}\s*)+|special to .+", re.IGNORECASE)

MetaKind = Literal["published", "updated", "byline", "source", "weak", "baddate"]
_DATEISH = re.compile(r"(?=.*\d)[\w ,:/.+()-]+")


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A body after cleaning, with what was taken out of it."""

    paragraphs: tuple[Paragraph, ...]
    dateline: str = ""
    agency: str = ""
    copyright: str = ""


def split_paragraphs(text: str, first_line: int = 1) -> list[Paragraph]:
    """Split ``text`` into paragraphs at blank lines, stripping trailing whitespace."""
    result: list[Paragraph] = []
    current: list[str] = []
    start = first_line
    for number, line in enumerate(text.split("\n"), start=first_line):
        stripped = line.rstrip()
        if stripped:
            if not current:
                start = number
            current.append(stripped)
        elif current:
            result.append((start, tuple(current)))
            current = []
    if current:
        result.append((start, tuple(current)))
    return result


def split_authors(text: str) -> tuple[str, ...]:
    """Authors named in a byline: ``Jane Doe and John Roe, Opinion Contributor`` -> two names."""
    parts = re.split(r"\s*(?:,|;|&|\band\b|\|)\s*", text)
    return dedupe(part for part in parts if part and not _ROLE.fullmatch(part))


def clean_body(paragraphs: Sequence[Paragraph], boilerplate: Sequence[str] = ()) -> Cleaned:
    """Remove boilerplate lines, take out copyright lines and a start or end dateline."""
    matcher = boilerplate_matcher(tuple(boilerplate))
    copyright_line = ""
    kept: list[Paragraph] = []
    for start, lines in paragraphs:
        remaining = []
        for line in lines:
            stripped = line.strip()
            if _COPYRIGHT.fullmatch(stripped):
                copyright_line = copyright_line or stripped
            elif not matcher.fullmatch(stripped):
                remaining.append(line)
        if remaining:
            kept.append((start, tuple(remaining)))
    dateline = agency = ""
    if kept:
        start, lines = kept[-1]
        only = _ONLY_DATELINE.fullmatch(" ".join(lines).strip())
        end = _END_DATELINE.search(lines[-1])
        if only and len(kept) > 1:
            dateline, agency = only.group(1), only.group(2)
            kept.pop()
        elif end and end.start() > 0:
            dateline, agency = end.group(1), end.group(2)
            kept[-1] = (start, (*lines[:-1], lines[-1][:end.start()].rstrip()))
    if kept:
        start, lines = kept[0]
        match = _START_DATELINE.match(lines[0])
        if match and len(match.group(1).replace(" ", "")) >= 3:
            dateline, agency = match.group(1), match.group(2) or agency
            kept[0] = (start, (lines[0][match.end():], *lines[1:]))
    return Cleaned(tuple(kept), dateline.strip(), agency.strip(), copyright_line)


def _classify(line: str, timezone: str) -> tuple[MetaKind, str | datetime] | None:
    stripped = line.strip()
    prefix_match = _DATE_PREFIX.fullmatch(stripped)
    # Only a short rest can be a date line; parsing a long one is wasted (and slow).
    if prefix_match and len(prefix_match.group(2)) <= 80:
        prefix, rest = prefix_match.group(1), prefix_match.group(2)
        try:
            when = parse_date(rest, timezone)
        except ValueError as exc:
            if prefix and len(rest) <= 40 and _DATEISH.fullmatch(rest):
                column = prefix_match.start(2) + 1 + (len(line) - len(line.lstrip()))
                return "baddate", f"{column}\n{rest}\n{exc}"
        else:
            if len(rest) <= 80:
                kind: MetaKind = "updated" if prefix and prefix.lower() in (
                    "updated", "last updated", "modified") else "published"
                return kind, when
    byline = _BYLINE.fullmatch(stripped)
    if byline:
        return "byline", byline.group(1)
    source = _SOURCE.fullmatch(stripped)
    if source:
        return "source", source.group(1).strip()
    if (len(stripped) <= 60 and len(stripped.split()) <= 6
            and not _SENTENCE_END.search(stripped) and not stripped.isdigit()):
        return "weak", stripped
    return None


def read_text(source_path: str, text: str, settings: ReadSettings) -> Article:
    """Read decoded raw news text into an Article (``body_format="text"``).

    Raises ContentError for a file without any text line, or a date line with
    an explicit prefix (``Published: ...``) whose date cannot be read.  An
    article without a date is returned undated (``read_source`` warns).
    """
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        raise ContentError(Diagnostic(source_path, 0, 0, "empty file",
                                      "delete it, or write the article into it"))
    meta: dict[str, list[str | datetime]] = {}
    queue: list[Paragraph] = list(paragraphs)
    title = ""
    # The title paragraph: its first line not a date, then meta lines.
    start, lines = queue.pop(0)
    index = 0
    while not title and index < len(lines):
        found = _classify(lines[index], settings.timezone)
        if found and found[0] == "baddate":
            _header(lines[index:index + 1], start + index, settings, source_path)
        if found and found[0] in ("published", "updated"):
            meta.setdefault(found[0], []).append(found[1])
        else:
            title = " ".join(lines[index].split())
        index += 1
    leftover = lines[index:]
    if leftover:
        header = _header(leftover, start + index, settings, source_path)
        if header is None:
            queue.insert(0, (start + index, tuple(leftover)))
        else:
            _merge(meta, header)
    while queue:
        header = _header(queue[0][1], queue[0][0], settings, source_path)
        if header is None:
            break
        _merge(meta, header)
        queue.pop(0)
    if not title:
        raise ContentError(Diagnostic(source_path, start, 1, "missing title",
                                      "start the file with the title on its own line"))
    cleaned = clean_body(queue, settings.boilerplate)
    body = "\n\n".join("\n".join(lines) for _, lines in cleaned.paragraphs)
    published = next((v for v in meta.get("published", []) if isinstance(v, datetime)), None)
    updated = next((v for v in meta.get("updated", []) if isinstance(v, datetime)), None)
    authors = dedupe(name for value in meta.get("byline", [])
                     for name in split_authors(str(value)))
    sources = dedupe(str(value) for value in meta.get("source", []) + meta.get("weak", []))
    return Article(
        source_path=source_path,
        title=title,
        body=body,
        body_format="text",
        published=published or updated,
        updated=updated if published else None,
        source=sources[0] if sources else "",
        authors=authors,
        dateline=cleaned.dateline,
        agency=cleaned.agency,
        copyright=cleaned.copyright,
        lang=detect_lang(f"{title}\n{body}"),
        extra={"sources": list(sources[1:])} if len(sources) > 1 else {},
        body_line=cleaned.paragraphs[0][0] if cleaned.paragraphs else start,
    )


def _header(lines: Sequence[str], start: int, settings: ReadSettings, source_path: str
            ) -> dict[str, list[str | datetime]] | None:
    """The metadata of a header paragraph, or None when it is body text.

    Raises ContentError when it is a header with a date line that cannot be read.
    """
    found: dict[str, list[str | datetime]] = {}
    bad: tuple[int, str] | None = None
    for offset, line in enumerate(lines):
        kind = _classify(line, settings.timezone)
        if kind is None:
            return None
        if kind[0] == "baddate" and bad is None:
            bad = (start + offset, str(kind[1]))
        found.setdefault(kind[0], []).append(kind[1])
    if not {"published", "updated", "byline", "source", "baddate"} & found.keys():
        return None
    if bad is not None:
        column, rest, reason = bad[1].split("\n", 2)
        raise ContentError(Diagnostic(
            source_path, bad[0], int(column), f"cannot read the date {rest!r}: {reason}",
            "write it like 'Published December 28, 2000 - 02:00 GMT' or "
            "'Published: 2000-12-28'"))
    return found


def _merge(meta: dict[str, list[str | datetime]], found: dict[str, list[str | datetime]]
           ) -> None:
    for kind, values in found.items():
        meta.setdefault(kind, []).extend(values)
