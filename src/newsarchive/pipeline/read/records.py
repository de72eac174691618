"""Scraper dumps: JSON (one object or an array of them) and JSON Lines, one article per record.

Record keys are mapped to article fields by ``settings.json_fields`` (see
``DEFAULT_JSON_FIELDS`` in :mod:`newsarchive.config_checks`): for each field the
first listed key holding a value wins.  The keys of a site's own taxonomies
(``settings.term_keys`` beyond the built-in ones; matched ignoring case) hold
their terms, as in front matter.  Every other key is kept in
``Article.extra`` (a key that would mean something else in a page's front
matter, such as a second ``date``, is kept as ``record_<key>``).

``Article.record`` is the 0-based array index for a JSON array, the 1-based
line number for JSON Lines, and ``""`` for a file holding one object.  A
wrapper object whose only job is to hold the array (``{"articles": [...]}``)
is looked through.

Bodies are prose (``body_format="text"``): single newlines in a body without
blank lines are taken as paragraph breaks (scrapers write either), then
boilerplate, copyright lines and datelines are taken out as for raw text.
A body is HTML (``body_format="html"``, kept as written for the build to
sanitise) when its key says so (``body_html``, ``content_html``, ``html``) or
it starts with a block-level tag such as ``<p>``.  Titles and summaries are
plain text: tags stripped, entities decoded.  Authors may be written as a
byline (``By Jane Doe and John Roe``) or a list written as text
(``"['Emma Bowman']"``).  After the configured keys, ``body_html``,
``content_html``, ``html`` and ``body_text`` are tried for the body and
``firstcreated`` and ``versioncreated`` (ninjs) for the date.

Being machine output, records are read leniently: a record without a title
takes its body's first words (with a warning); a record with neither title
nor body, or that is not an object, is an error for that record only; a date
that cannot be used (``0001-11-30``, ``"soon"``) leaves the article undated
with a warning naming the value.

Hostile records fail alone: one nested more than
:data:`~newsarchive.pipeline.read.limits.MAX_DEPTH` levels deep, or holding a number
of more than 4300 digits, is an error for that record (the next JSON Lines
line, or array element, is still read).  Characters XML cannot carry
(``\\u0000``, ``\\u001b``, ``\\b``, lone surrogates) are taken out of every
string, keys included, with one warning per file.  The record's URL is kept
only when it is an ``http(s)`` address (:func:`newsarchive.urls.safe_url`);
another (``javascript:``, ``data:``, ``//host``) is dropped with a warning
and the next URL key is tried.

The records are found by :mod:`newsarchive.pipeline.read.jsonscan`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from newsarchive.config import ReadSettings
from newsarchive.errors import Diagnostic
from newsarchive.formats.common import authors_of, clean_text
from newsarchive.model import Article, BodyFormat, ReadResult
from newsarchive.pipeline.read.dates import coerce_date
from newsarchive.pipeline.read.fields import CANONICAL_KEYS, dedupe, dropped_url, plain, present
from newsarchive.pipeline.read.jsonscan import (
    DEEP_HINT,
    first_forbidden_escape,
    json_records,
    line_of,
)
from newsarchive.pipeline.read.limits import (
    MAX_DEPTH,
    deep_offset,
    depth_exceeds,
)
from newsarchive.pipeline.read.rawtext import Cleaned, clean_body, split_paragraphs
from newsarchive.pipeline.read.text import Removed, detect_lang, repair, scrub
from newsarchive.taxonomy import BUILTIN
from newsarchive.urls import safe_url

__all__ = ["read_records"]

#: Keys tried after the configured ones: HTML bodies and ninjs-shaped records.
_FALLBACK_KEYS: dict[str, tuple[str, ...]] = {
    "body": ("body_html", "content_html", "html", "body_text"),
    "date": ("firstcreated", "versioncreated"),
}
_HTML_KEY = re.compile(r"(?:^|[_-])html$", re.IGNORECASE)
_BLOCK_START = re.compile(
    r"\s*<(?:p|div|h[1-6]|ul|ol|dl|blockquote|table|section|article|figure|pre|header|main"
    r"|aside|hr|br)(?:\s[^>]*)?/?>", re.IGNORECASE)


def _pick(record: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str, Any] | None:
    for key in keys:
        value = record.get(key)
        if present(value):
            return key, value
    return None


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("title") or "")
    return repair(str(value)) if value is not None else ""


def _with_fallbacks(fields: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """``fields`` with :data:`_FALLBACK_KEYS` tried after the configured keys."""
    merged = dict(fields)
    for field, keys in _FALLBACK_KEYS.items():
        known = merged.get(field, ())
        merged[field] = known + tuple(key for key in keys if key not in known)
    return merged


def _body(picked: Mapping[str, tuple[str, Any]], line: int, boilerplate: tuple[str, ...]
          ) -> tuple[str, BodyFormat, Cleaned | None]:
    """The record's body, its format, and what cleaning prose took out of it
    (None for an HTML body, which is kept as written)."""
    key, raw = picked.get("body", ("", ""))
    raw_body = _text(raw)
    if isinstance(raw, str) and (_HTML_KEY.search(key) or _BLOCK_START.match(raw_body)):
        return raw_body.strip(), "html", None
    if "\n\n" not in raw_body.strip():
        raw_body = raw_body.replace("\n", "\n\n")
    cleaned = clean_body(split_paragraphs(raw_body, line), boilerplate)
    return "\n\n".join("\n".join(lines) for _, lines in cleaned.paragraphs), "text", cleaned


def _title_from(body: str) -> str:
    first = body.split("\n", 1)[0].strip()
    if len(first) <= 80:
        return first
    cut = first[:80].rsplit(" ", 1)[0]
    return f"{cut}…"


def _article(source_path: str, name: str, line: int, record: Any, settings: ReadSettings,
             key_position: Callable[[str], tuple[int, int]]
             ) -> tuple[Article | None, list[Diagnostic]]:
    where = f"record {name}: the record" if name else "the record"
    prefix = f"record {name}: " if name else ""
    if not isinstance(record, dict):
        kind = "an array" if isinstance(record, list) else type(record).__name__
        return None, [Diagnostic(source_path, line, 0, f"{where} is {kind}, not an object",
                                 "each record must be a JSON object such as "
                                 '{"title": ..., "text": ...}')]
    fields = _with_fallbacks(settings.json_fields)
    picked = {field: found for field in fields
              if (found := _pick(record, tuple(fields.get(field, ())))) is not None}
    used = {found[0] for found in picked.values()}
    used.update(key for keys in fields.values() for key in keys
                if key in record and not present(record[key]))

    def value(field: str) -> str:
        return _text(picked[field][1]) if field in picked else ""

    diagnostics: list[Diagnostic] = []

    body, body_format, cleaned = _body(picked, line, settings.boilerplate)
    title = clean_text(value("title"))
    if not title:
        if not body:
            configured = settings.json_fields
            return None, [Diagnostic(source_path, line, 0, f"{where} has neither a title nor "
                                     "a body", "looked for: " + ", ".join(
                                         configured.get("title", ())
                                         + configured.get("body", ())))]
        title = _title_from(clean_text(body) if body_format == "html" else body)
        diagnostics.append(Diagnostic(
            source_path, line, 0, f"{where} has no title; using the body's first words",
            "title keys looked for: " + ", ".join(settings.json_fields.get("title", ())),
            "warning"))
    elif not body:
        diagnostics.append(Diagnostic(source_path, line, 0, f"{where} has an empty body",
                                      "", "warning"))

    url = ""
    for key in fields.get("url", ()):
        if key not in record or not present(record[key]):
            continue
        used.add(key)
        raw_url = _text(record[key])
        safe = safe_url(raw_url, "page")
        if safe is not None:
            url = safe
            break
        diagnostics.append(dropped_url(source_path, *key_position(key), key, raw_url))

    published = None
    bad_date = False
    if "date" in picked:
        key, raw_date = picked["date"]
        try:
            published = coerce_date(raw_date, settings.timezone)
        except ValueError as exc:
            bad_date = True
            diagnostics.append(Diagnostic(
                source_path, line, 0, f"{prefix}cannot use the date {raw_date!r} of '{key}' "
                f"({exc}); kept undated", "correct the date in the source", "warning"))
    if published is None and not bad_date:
        diagnostics.append(Diagnostic(
            source_path, line, 0, f"undated: {prefix}no date found; kept without a date",
            "map the record's date key with read.json_fields.date in archive.yaml",
            "warning"))

    topics = dedupe(name for key in fields.get("topics", ()) if key in record
                    for name in _topic_names(record[key]))
    used.update(key for key in fields.get("topics", ()) if key in record)
    terms: dict[str, tuple[str, ...]] = {"topics": topics} if topics else {}
    terms.update(_own_terms(record, settings.term_keys, used))
    extra = {(f"record_{key}" if key.lower() in CANONICAL_KEYS else key): plain(value)
             for key, value in record.items() if key not in used}
    summary = clean_text(value("summary"))
    if "summary" in picked and picked["summary"] == picked.get("body"):
        summary = ""
    article = Article(
        source_path=source_path,
        title=title,
        body=body,
        body_format=body_format,
        record=name,
        published=published,
        source=" ".join(value("source").split()),
        authors=dedupe(repair(n) for n in authors_of(picked["authors"][1]))
        if "authors" in picked else (),
        dateline=cleaned.dateline if cleaned else "",
        agency=cleaned.agency if cleaned else "",
        copyright=cleaned.copyright if cleaned else "",
        original_url=url,
        lang=value("lang").strip() or detect_lang(
            f"{title}\n{clean_text(body[:2000]) if cleaned is None else body}"),
        summary=summary,
        terms=terms,
        extra=extra,
        body_line=line,
    )
    return article, diagnostics


_BUILTIN_NAMES = frozenset(t.name for t in BUILTIN)


def _own_terms(record: Mapping[str, Any], term_keys: Mapping[str, tuple[str, ...]],
               used: set[str]) -> dict[str, tuple[str, ...]]:
    """The terms of the site's own taxonomies in ``record``, by taxonomy; the record
    keys they came from are added to ``used``.  (Built-in taxonomies other than
    topics stay unread in records: their keys land in ``extra`` as before.)"""
    taxonomy_of = {key: name for name, keys in term_keys.items() if name not in _BUILTIN_NAMES
                   for key in keys}
    if not taxonomy_of:
        return {}
    names: dict[str, list[str]] = {}
    for key, value in record.items():
        taxonomy = taxonomy_of.get(key.lower())
        if taxonomy is None or key in used:
            continue
        used.add(key)
        names.setdefault(taxonomy, []).extend(_topic_names(value))
    return {name: found for name, listed in names.items() if (found := dedupe(listed))}


def _topic_names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [repair(part) for part in value.split(",")]
    if isinstance(value, list):
        return [name for item in value for name in _topic_names(item)]
    return [] if value is None or isinstance(value, dict) else [str(value)]


def read_records(source_path: str, text: str, settings: ReadSettings, lines: bool,
                 removed: Removed | None = None) -> ReadResult:
    """Read decoded JSON (``lines=False``) or JSON Lines text into one article per record.

    A syntax error in a JSON file is a ContentError for the whole file (raised);
    in JSON Lines it is an error for that line only.  Other problems are
    reported per record and the remaining records are still read.
    ``removed`` is what decoding took out of ``text``; it is reported with
    what the records' escapes held, as one warning.
    """
    articles: list[Article] = []
    diagnostics: list[Diagnostic] = []
    escaped = first_forbidden_escape(text)
    removed_here: Removed | None = None
    for name, line, offset, value in json_records(source_path, text, lines):
        if isinstance(value, Diagnostic):
            diagnostics.append(value)
            continue
        if depth_exceeds(value):
            deep_line, column = line_of(text, deep_offset(text, MAX_DEPTH, offset) or offset)
            diagnostics.append(Diagnostic(
                source_path, deep_line, column,
                f"invalid JSON: nested more than {MAX_DEPTH} levels deep", DEEP_HINT))
            continue
        if escaped is not None:
            value, found = scrub(value)
            if found is not None:
                removed_here = found if removed_here is None else removed_here.merged(found)

        def key_position(key: str, offset: int = offset, line: int = line) -> tuple[int, int]:
            for spelling in (json.dumps(key, ensure_ascii=False), json.dumps(key)):
                at = text.find(spelling, offset)
                if at >= 0:
                    return line_of(text, at)
            return line, 0

        article, found_diagnostics = _article(source_path, name, line, value, settings,
                                              key_position)
        diagnostics.extend(found_diagnostics)
        if article is not None:
            articles.append(article)
    if removed_here is not None and escaped is not None:
        where = line_of(text, escaped)
        removed_here = replace(removed_here, line=where[0], column=where[1])
    if removed is not None:
        removed_here = removed.merged(removed_here)
    if removed_here is not None:
        diagnostics.insert(0, removed_here.diagnostic(source_path))
    if not articles and not diagnostics:
        diagnostics.append(Diagnostic(source_path, 0, 0, "no records found; nothing to read",
                                      "", "warning"))
    return ReadResult(tuple(articles), tuple(diagnostics))
