"""Spreadsheet exports: CSV and TSV files, one article per row.

The first row names the columns (a header is required).  Columns are matched
to article fields by ``settings.json_fields`` (``read.json_fields`` in
archive.yaml configures JSON records and spreadsheets alike), ignoring case:
for each field (title, date, body, authors, url, source, summary, lang,
topics) the first listed column holding a value in that row wins.  Columns
named by ``settings.term_keys`` (``places``, ``people``, a site's own
taxonomies) hold those terms; every other column is kept in ``extra``.

``.tsv`` files are tab-separated; for ``.csv`` files :class:`csv.Sniffer`
picks the delimiter (``,``, ``;``, tab or ``|``) and quoting from the start of
the file.  Bytes are decoded by :func:`~newsarchive.pipeline.read.text.decode_clean`
(UTF-8 with or without BOM, UTF-16 with BOM, cp1252 ...).

``Article.record`` is the 1-based row number below the header and
``body_line`` the line the row starts on.  Bodies starting with a block tag
(``<p>``, ``<div>`` ...) are HTML; other bodies are prose (single newlines
become paragraph breaks when there is no blank line).  Authors are read by
:func:`~newsarchive.formats.common.authors_of` (``['A', 'B']``, ``A; B``,
``By A and B``), topics split on ``,``, ``;`` and ``|``.

Problems are located by line: a row without title and body is skipped with
a warning, a row with more or fewer cells than the header is read with a
warning, a field longer than :data:`MAX_FIELD` characters stops the reading
there with an error (the rows before it are kept).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError, Diagnostic
from newsarchive.formats.common import authors_of, clean_text, date_of, strip_tags
from newsarchive.model import Article, BodyFormat, ReadResult
from newsarchive.pipeline.read.fields import CANONICAL_KEYS, dedupe, dropped_url
from newsarchive.pipeline.read.text import decode_clean, detect_lang
from newsarchive.urls import safe_url

__all__ = ["MAX_FIELD", "SUFFIXES", "read", "sniff"]

SUFFIXES: tuple[str, ...] = (".csv", ".tsv")
#: The longest field read, in characters: longer ones are an error, not a crash.
MAX_FIELD = 16 * 1024 * 1024

_SAMPLE = 16 * 1024
_DELIMITERS = ",;\t|"
_HTML_START = re.compile(r"\s*<(?:p|div|h[1-6]|ul|ol|table|blockquote|section|article|figure|"
                         r"pre|header|main|br|hr|img)[\s/>]", re.IGNORECASE)
_TERM_SPLIT = re.compile(r"[,;|]")
_SENTENCE = re.compile(r"^(.{1,120}?[.!?])(?:\s|$)")
_FIELDS = ("title", "date", "body", "authors", "url", "source", "summary", "lang", "topics")


def sniff(head: bytes) -> bool:
    """Never: only files named ``.csv`` or ``.tsv`` are read as spreadsheets
    (a comma-separated first line is too common to claim a file by)."""
    return False


@dataclass(frozen=True, slots=True)
class _Columns:
    """Where each field is in a row: column indexes in the order they are tried."""

    names: tuple[str, ...]
    fields: Mapping[str, tuple[int, ...]]
    terms: Mapping[str, tuple[int, ...]]
    extra: tuple[int, ...]


@dataclass
class _Rows:
    """What has been read of one file so far."""

    source_path: str
    settings: ReadSettings
    articles: list[Article] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The line the row being read starts on.
    line: int = 1

    def warn(self, line: int, message: str, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(self.source_path, line, 0, message, hint, "warning"))


def _dialect(source_path: str, text: str) -> type[csv.Dialect] | csv.Dialect:
    """Tabs for ``.tsv``; else what :class:`csv.Sniffer` finds, unless that splits the
    header into one cell: then the delimiter the header line holds most of."""
    if source_path.lower().endswith(".tsv"):
        return csv.excel_tab
    sample = text[:_SAMPLE]
    if len(text) > _SAMPLE and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    header = sample.split("\n", 1)[0]
    try:
        found: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, _DELIMITERS)
    except csv.Error:
        found = csv.excel
    if len(next(csv.reader([header], found), [])) > 1:
        return found
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return _Delimited(best) if counts[best] else found


class _Delimited(csv.excel):
    """Excel's CSV dialect with another delimiter."""

    def __init__(self, delimiter: str) -> None:
        super().__init__()
        self.delimiter = delimiter


def _columns(source_path: str, header: Sequence[str], settings: ReadSettings) -> _Columns:
    """The fields' columns named by ``header``; raises ContentError when it names
    neither a title nor a body column (then it is no header)."""
    names = tuple(clean_text(name) for name in header)
    index: dict[str, int] = {}
    for number, name in enumerate(names):
        index.setdefault(name.casefold(), number)
    fields = {name: tuple(index[key.casefold()] for key in settings.json_fields.get(name, ())
                          if key.casefold() in index) for name in _FIELDS}
    if not fields["title"] and not fields["body"]:
        looked = settings.json_fields.get("title", ()) + settings.json_fields.get("body", ())
        raise ContentError(Diagnostic(
            source_path, 1, 0, "no header row naming a title or body column "
            f"(the first row is {', '.join(repr(n) for n in names[:6])})",
            "make the first row name the columns, e.g. title,date,body; the names looked "
            f"for are {', '.join(looked)} (read.json_fields in archive.yaml adds others)"))
    used = {i for columns in fields.values() for i in columns}
    terms = {taxonomy: found for taxonomy, keys in settings.term_keys.items()
             if taxonomy != "topics"
             and (found := tuple(index[k.casefold()] for k in keys
                                 if k.casefold() in index and index[k.casefold()] not in used))}
    used.update(i for columns in terms.values() for i in columns)
    extra = tuple(i for name, i in index.items() if i not in used and name)
    return _Columns(names, fields, terms, extra)


def _first(row: Sequence[str], columns: tuple[int, ...]) -> str:
    return next((row[i].strip() for i in columns if i < len(row) and row[i].strip()), "")


def _term_names(row: Sequence[str], columns: tuple[int, ...]) -> tuple[str, ...]:
    cells = (row[i] for i in columns if i < len(row))
    return dedupe(clean_text(part.strip().strip("[]'\"")) for cell in cells
                  for part in _TERM_SPLIT.split(cell))


def _body(raw: str) -> tuple[str, BodyFormat]:
    if _HTML_START.match(raw):
        return raw.strip(), "html"
    text = raw.strip()
    if "\n\n" not in text:
        text = text.replace("\n", "\n\n")
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p), "text"


def _title_from(body: str) -> str:
    text = " ".join(strip_tags(body).split())
    match = _SENTENCE.match(text)
    if match:
        return clean_text(match.group(1))
    return clean_text(text if len(text) <= 120 else text[:120].rsplit(" ", 1)[0] + "…")


def _url(rows: _Rows, line: int, row: Sequence[str], columns: _Columns) -> str:
    for i in columns.fields["url"]:
        value = row[i].strip() if i < len(row) else ""
        if not value:
            continue
        url = safe_url(value, "page")
        if url is not None:
            return url
        rows.diagnostics.append(dropped_url(rows.source_path, line, 0, columns.names[i], value))
    return ""


def _article(rows: _Rows, number: int, line: int, row: Sequence[str], columns: _Columns
             ) -> Article | None:
    """The article of one row, or None (with a warning) when it has neither title nor body."""
    def value(name: str) -> str:
        return _first(row, columns.fields[name])

    body, body_format = _body(value("body"))
    title = clean_text(value("title")).lstrip("< ")  # never a title that reads as a tag
    if not title:
        if not body:
            rows.warn(line, f"row {number} has neither a title nor a body; skipped")
            return None
        title = _title_from(body)
        rows.warn(line, f"row {number} has no title; using the body's first sentence")
    published = date_of(value("date"), rows.settings.timezone)
    if published is None and value("date"):
        rows.warn(line, f"row {number}: cannot use the date {value('date')!r}; kept undated",
                  "write dates as 2021-03-02 or 2021-03-02T08:15:00+01:00")
    terms = {"topics": _term_names(row, columns.fields["topics"])}
    terms.update({name: _term_names(row, found) for name, found in columns.terms.items()})
    extra: dict[str, Any] = {}
    for i in columns.extra:
        if i < len(row) and row[i].strip():
            name = columns.names[i]
            extra[f"record_{name}" if name.casefold() in CANONICAL_KEYS else name] = row[i]
    summary = clean_text(value("summary"))
    if columns.fields["summary"][:1] == columns.fields["body"][:1]:
        summary = ""  # "description" may name both: it is the body then
    return Article(
        source_path=rows.source_path, title=title, body=body, body_format=body_format,
        record=str(number), published=published, source=clean_text(value("source")),
        authors=authors_of(value("authors")), original_url=_url(rows, line, row, columns),
        lang=clean_text(value("lang")) or detect_lang(f"{title}\n{body}"), summary=summary,
        terms={name: names for name, names in terms.items() if names}, extra=extra,
        body_line=line)


def _records(rows: _Rows, reader: Any) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each non-empty row; raises csv.Error as the reader does
    (``rows.line`` is then the line the broken row starts on)."""
    for row in reader:
        start, rows.line = rows.line, reader.line_num + 1
        if any(cell.strip() for cell in row):
            yield start, row


def _read_rows(rows: _Rows, text: str) -> None:
    """Read every row of ``text`` into ``rows``; raises csv.Error (too long a field,
    a NUL) and ContentError (no header)."""
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(rows.source_path, text))
    records = _records(rows, reader)
    first = next(records, None)
    if first is None:
        raise ContentError(Diagnostic(rows.source_path, 0, 0, "no rows",
                                      "write a header row, then one row per article"))
    columns = _columns(rows.source_path, first[1], rows.settings)
    for number, (line, row) in enumerate(records, start=1):
        if len(row) != len(columns.names):
            rows.warn(line, f"row {number} has {len(row)} cells, the header {len(columns.names)}",
                      "a cell holding the delimiter or a line break must be in double quotes")
        article = _article(rows, number, line, row, columns)
        if article is not None:
            rows.articles.append(article)


def read(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """One article per row of a ``.csv`` or ``.tsv`` file.

    Raises ContentError for a file that is empty, binary, has no header row,
    or breaks (a field over :data:`MAX_FIELD` characters) before any article
    was read; a break later keeps the rows before it, with a located error.
    """
    text, removed = decode_clean(source_path, data, fix=True)
    rows = _Rows(source_path, settings)
    if removed is not None:
        rows.diagnostics.append(removed.diagnostic(source_path))
    previous = csv.field_size_limit(MAX_FIELD)
    try:
        _read_rows(rows, text)
    except csv.Error as exc:
        error = Diagnostic(source_path, rows.line, 0, f"cannot read the row: {exc}",
                           f"a field may hold at most {MAX_FIELD:,} characters; check for an "
                           "unclosed double quote")
        if not rows.articles:
            raise ContentError(error) from None
        rows.diagnostics.append(error)
    finally:
        csv.field_size_limit(previous)
    return ReadResult(tuple(rows.articles), tuple(rows.diagnostics))

