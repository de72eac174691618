"""RSS 0.9x, RSS 1.0 (RDF), RSS 2.0 and Atom feeds: one article per item or entry.

Parsed with feedparser (which sanitises HTML, resolves relative links and
falls back to a lenient parser for feeds that are not well-formed XML); a
feed declaring entities in a DOCTYPE is refused before parsing, and control
characters XML forbids are taken out of the bytes first, with one warning.

Each entry maps to an :class:`~newsarchive.model.Article`: ``title``; the
longest full ``content`` (``content:encoded``, Atom ``content``) as the body,
else the ``summary``/``description`` (HTML stays HTML); ``summary`` when
there is a separate full content; ``published``/``updated`` from the raw
date strings (offsets kept); authors (an Atom entry without one inherits the
feed's); categories as topics; the link as ``original_url``; image
enclosures, ``media:content`` and ``media:thumbnail`` as images; the feed's
title as ``source``; its language as ``lang``; ``record`` is the entry's
0-based index and ``extra["guid"]`` its id.
"""

from __future__ import annotations

import codecs
import io
import re
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError, Diagnostic
from newsarchive.formats.common import authors_of, clean_text, date_of, strip_tags
from newsarchive.model import Article, BodyFormat, Image, ReadResult
from newsarchive.pipeline.read.fields import dedupe, dropped_url
from newsarchive.pipeline.read.text import Removed, detect_lang, strip_forbidden
from newsarchive.urls import safe_url

__all__ = ["SUFFIXES", "ascii_head", "images_of", "read", "sniff", "text_body", "title_from"]

SUFFIXES: tuple[str, ...] = (".rss", ".atom", ".rdf")

_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*", re.S)
_ROOT = re.compile(rb"<(rss|(?:[\w.-]+:)?feed|(?:[\w.-]+:)?RDF)[\s>/]")
_ATOM = (b"http://www.w3.org/2005/Atom", b"http://purl.org/atom/ns#")
_RSS1 = b"http://purl.org/rss/1.0/"
_WXR = b"wordpress.org/export/"
_ENTRY = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s>/]")
_ENTITY = re.compile(rb"<!ENTITY", re.I)
_CONTROL_BYTES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b\x0c\x0e-\x1f]")
_WIDE = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SENTENCE = re.compile(r"^(.+?[.!?])(?:\s|$)")
# "Kaur, M., Shukla, A. K." -- surnames and initials, as bibliographic feeds write them.
_INITIALS = re.compile(r"(?:[A-Z]\.\s*)+(?:[A-Z]\.?)?|[A-Z]{1,3}")
_CHAR_REFERENCE = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,8})|0*([0-9]{1,10}));")
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")


def ascii_head(head: bytes) -> bytes:
    """``head`` as ASCII-compatible bytes: a BOM dropped, UTF-16/32 decoded."""
    if head.startswith(codecs.BOM_UTF8):
        return head[3:]
    for bom, codec in zip(_WIDE, ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"),
                          strict=True):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, "ignore").encode("utf-8")
    if head.startswith((b"<\x00", b"\x00<")):
        codec = "utf-16-le" if head.startswith(b"<") else "utf-16-be"
        return head.decode(codec, "ignore").encode("utf-8")
    return head


def sniff(head: bytes) -> bool:
    """Whether ``head`` (a file's first bytes) starts an RSS, RSS 1.0 or Atom feed.

    The root element decides, after any XML declaration, comments and DOCTYPE:
    ``<rss>`` (but not a WordPress export, read as WXR), ``<feed>`` in the Atom
    namespace, ``<rdf:RDF>`` with the RSS 1.0 namespace.
    """
    text = ascii_head(head)
    prolog = _PROLOG.match(text)
    found = _ROOT.match(text, prolog.end() if prolog else 0)
    if found is None:
        return False
    name = found.group(1)
    if name == b"rss":
        return _WXR not in text
    if name.endswith(b"feed"):
        return any(namespace in text for namespace in _ATOM)
    return _RSS1 in text


def _without_controls(data: bytes) -> tuple[bytes, Removed | None]:
    """``data`` without the control bytes XML forbids (only for byte-oriented
    encodings: in UTF-16 a NUL is half a character)."""
    if data.startswith(_WIDE) or data.startswith((b"<\x00", b"\x00<")):
        return data, None
    first = _CONTROL_BYTES.search(data)
    if first is None:
        return data, None
    found = _CONTROL_BYTES.findall(data)
    points = tuple(dict.fromkeys(match[0] for match in found))
    line = data.count(b"\n", 0, first.start()) + 1
    column = first.start() - (data.rfind(b"\n", 0, first.start()) + 1) + 1
    return (_CONTROL_BYTES.sub(b"", data),
            Removed(len(found), points, line, column))


def _refuse_entities(source_path: str, data: bytes) -> None:
    """Raise ContentError when the feed declares entities (how XML bombs are made)."""
    found = _ENTITY.search(data, 0, _root_offset(data))
    if found is not None:
        line = data.count(b"\n", 0, found.start()) + 1
        raise ContentError(Diagnostic(
            source_path, line, found.start() - (data.rfind(b"\n", 0, found.start()) + 1) + 1,
            "the feed declares entities in its DOCTYPE; not read",
            "remove the <!DOCTYPE ...> block with its entities"))


def _root_offset(data: bytes) -> int:
    prolog = _PROLOG.match(data)
    return prolog.end() if prolog else 0


def _entry_lines(data: bytes, count: int) -> list[int]:
    """The 1-based line of each item/entry start tag, or 0s when the tags found
    do not match the entries parsed (one in CDATA, a feed parsed leniently)."""
    offsets = [match.start() for match in _ENTRY.finditer(data)]
    if len(offsets) != count:
        return [0] * count
    lines, line, last = [], 1, 0
    for offset in offsets:
        line += data.count(b"\n", last, offset)
        last = offset
        lines.append(line)
    return lines


def _bozo(source_path: str, parsed: Any) -> Diagnostic | None:
    """The problem feedparser noted, located when its parser gave a place."""
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    line = column = 0
    message = str(exc)
    if hasattr(exc, "getLineNumber"):
        line, column = exc.getLineNumber() or 0, (exc.getColumnNumber() or 0) + 1
        message = exc.getMessage()
    return Diagnostic(source_path, line, column, f"the feed is not well-formed: {message}",
                      "the file is damaged or cut short; export it again")


@dataclass(frozen=True, slots=True)
class _Feed:
    """What every entry of one feed shares."""

    source: str
    lang: str
    authors: tuple[str, ...]


def read(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """One article per item (RSS) or entry (Atom) of the feed in ``data``.

    Raises ContentError when the file is no feed, declares entities, or is so
    damaged that no entry can be read; a damaged feed whose entries were still
    read gives a warning.  An entry without title or body is an error for
    that entry alone.
    """
    import feedparser

    if not data.strip():
        raise ContentError(Diagnostic(source_path, 0, 0, "empty file",
                                      "delete it, or export the feed again"))
    data, removed = _without_controls(data)
    _refuse_entities(source_path, data)
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True,
                              resolve_relative_uris=True)
    entries = parsed.entries
    problem = _bozo(source_path, parsed)
    diagnostics: list[Diagnostic] = []
    if not entries:
        if problem is not None:
            raise ContentError(problem)
        if not parsed.get("version"):
            raise ContentError(Diagnostic(source_path, 0, 0, "not an RSS or Atom feed",
                                          "a feed's root element is <rss>, <feed> or <rdf:RDF>"))
        diagnostics.append(Diagnostic(source_path, 0, 0, "the feed has no items; nothing to read",
                                      "", "warning"))
    elif problem is not None:
        diagnostics.append(Diagnostic(
            problem.path, problem.line, problem.column,
            f"{problem.message}; read {len(entries)} entries leniently",
            problem.hint, "warning"))
    meta = parsed.feed
    feed = _Feed(clean_text(meta.get("title")), clean_text(meta.get("language")),
                 authors_of(meta.get("authors")) if str(parsed.get("version", "")
                                                        ).startswith("atom") else ())
    articles: list[Article] = []
    for index, (entry, line) in enumerate(zip(entries, _entry_lines(data, len(entries)),
                                             strict=True)):
        article, found = _article(source_path, str(index), line, entry, feed, settings)
        diagnostics.extend(found)
        if article is not None:
            article, removed_here = _scrubbed(article)
            if removed_here is not None:
                removed = removed_here.merged(removed) if removed else removed_here
            articles.append(article)
    if removed is not None:
        diagnostics.insert(0, removed.diagnostic(source_path))
    return ReadResult(tuple(articles), tuple(diagnostics))


def _without_references(body: str) -> tuple[str, Removed | None]:
    """An HTML ``body`` without character references to characters XML forbids."""
    points: list[int] = []

    def drop(match: re.Match[str]) -> str:
        hexadecimal, decimal = match.groups()
        point = int(hexadecimal, 16) if hexadecimal else int(decimal)
        if point > 0x10FFFF or strip_forbidden(chr(point))[1] is not None:
            points.append(point)
            return ""
        return match.group()

    cleaned = _CHAR_REFERENCE.sub(drop, body) if "&#" in body else body
    return (cleaned, Removed(len(points), tuple(dict.fromkeys(points)))) if points \
        else (body, None)


def _scrubbed(article: Article) -> tuple[Article, Removed | None]:
    """``article`` without forbidden characters in its body and summary (a lenient
    parse can let them through), nor references to them in an HTML body."""
    body, in_body = strip_forbidden(article.body)
    if article.body_format == "html":
        body, referenced = _without_references(body)
        if referenced is not None:
            in_body = referenced.merged(in_body)
    summary, in_summary = strip_forbidden(article.summary)
    found = in_body.merged(in_summary) if in_body else in_summary
    if found is None:
        return article, None
    return replace(article, body=body, summary=summary), found


def text_body(text: str) -> str:
    """Plain text as paragraphs separated by blank lines (single line breaks are
    taken as paragraph breaks when the text has no blank line)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\n\n" not in text:
        text = text.replace("\n", "\n\n")
    return re.sub(r"\n\s*\n\s*", "\n\n", text)


def title_from(body: str, body_format: BodyFormat) -> str:
    """A title from a body's first sentence (at most 120 characters), or ``""``."""
    plain = clean_text(strip_tags(body) if body_format == "html" else body)
    found = _SENTENCE.match(plain)
    first = found.group(1) if found else plain
    if len(first) > 120:
        first = first[:120].rsplit(" ", 1)[0] + "…"
    return first.lstrip("<").strip()


def _kind(detail: Any) -> BodyFormat:
    kind = str((detail or {}).get("type") or "text/html").lower()
    return "html" if kind in _HTML_TYPES else "text"


def _body(entry: Any) -> tuple[str, BodyFormat, str]:
    """(body, its format, summary): the longest full content, else the summary."""
    contents = [c for c in entry.get("content") or () if str(c.get("value") or "").strip()]
    summary = str(entry.get("summary") or "")
    summary_kind = _kind(entry.get("summary_detail"))
    if contents:
        best = max(contents, key=lambda c: len(str(c.get("value"))))
        body, kind = str(best.get("value")), _kind(best)
        shown = clean_text(summary)
        if shown == clean_text(body):
            shown = ""
        return body.strip(), kind, shown
    return summary.strip(), summary_kind, ""


def _author_names(value: Any) -> tuple[str, ...]:
    """Names from feedparser's ``authors`` list; "Kaur, M., Shukla, A." read as pairs."""
    names: list[str] = []
    for item in value or ():
        name = clean_text(item.get("name") if isinstance(item, dict) else item)
        parts = [p.strip() for p in name.split(",")]
        if len(parts) >= 2 and len(parts) % 2 == 0 and all(
                _INITIALS.fullmatch(p) for p in parts[1::2]):
            names.extend(f"{initials} {surname}" for surname, initials
                         in zip(parts[::2], parts[1::2], strict=True))
        elif name:
            names.extend(authors_of(name))
    return dedupe(names)


def _date(entry: Any, key: str, timezone: str) -> datetime | None:
    """The entry's date ``key`` from its raw text (offset kept), else feedparser's UTC.

    Read past feedparser's own lookup, which answers ``updated`` with ``published``.
    """
    moment = date_of(dict.get(entry, key), timezone)
    if moment is not None:
        return moment
    parsed = dict.get(entry, f"{key}_parsed")
    if isinstance(parsed, time.struct_time):
        try:
            return datetime(*parsed[:6], tzinfo=UTC)
        except ValueError:
            return None
    return None


def images_of(candidates: list[tuple[Any, Any, str]]) -> tuple[Image, ...]:
    """Images from (url, mime type or medium, caption) candidates: image types only,
    safe http(s) URLs only, each once."""
    images: list[Image] = []
    seen: set[str] = set()
    for url, kind, caption in candidates:
        kind_text = str(kind or "image").lower()
        if not (kind_text.startswith("image") or kind_text == "picture"):
            continue
        src = safe_url(url, "image") if url else None
        if src is None or src in seen:
            continue
        seen.add(src)
        images.append(Image(src, "", clean_text(caption)))
    return tuple(images)


def _entry_images(entry: Any) -> tuple[Image, ...]:
    candidates: list[tuple[Any, Any, str]] = []
    for media in entry.get("media_content") or ():
        candidates.append((media.get("url"), media.get("medium") or media.get("type"), ""))
    for enclosure in entry.get("enclosures") or ():
        candidates.append((enclosure.get("href"), enclosure.get("type") or "", ""))
    for thumbnail in entry.get("media_thumbnail") or ():
        candidates.append((thumbnail.get("url"), "image", ""))
    return images_of(candidates)


def _article(source_path: str, record: str, line: int, entry: Any, feed: _Feed,
             settings: ReadSettings) -> tuple[Article | None, list[Diagnostic]]:
    where = f"item {record}"
    diagnostics: list[Diagnostic] = []
    body, body_format, summary = _body(entry)
    if body_format == "text":
        body = text_body(body)
    title = clean_text(entry.get("title"))
    if not title:
        title = title_from(body, body_format)
        if not title:
            return None, [Diagnostic(source_path, line, 0, f"{where}: no title",
                                     "give the item a <title> or a description")]
    if not body:
        diagnostics.append(Diagnostic(source_path, line, 0, f"{where}: the item has no text",
                                      "", "warning"))
    url = ""
    link = str(entry.get("link") or "").strip()
    if link:
        url = safe_url(link, "link") or ""
        if not url:
            diagnostics.append(dropped_url(source_path, line, 0, "link", link))
    published = _date(entry, "published", settings.timezone)
    updated = _date(entry, "updated", settings.timezone)
    if published is None:
        published = updated
    if published is None:
        diagnostics.append(Diagnostic(
            source_path, line, 0, f"undated: {where} has no date; kept without a date",
            "give the item a <pubDate> (RSS) or <published> (Atom)", "warning"))
    topics = dedupe(clean_text(tag.get("term") or tag.get("label"))
                    for tag in entry.get("tags") or ())
    plain = f"{title}\n{strip_tags(body)[:1000]}"
    guid = clean_text(entry.get("id"))
    article = Article(
        source_path=source_path, title=title, body=body, body_format=body_format,
        record=record, published=published,
        updated=updated if updated is not None and updated != published else None,
        source=feed.source, authors=_author_names(entry.get("authors")) or feed.authors,
        original_url=url,
        lang=clean_text((entry.get("title_detail") or {}).get("language")) or feed.lang
        or detect_lang(plain),
        summary=summary, terms={"topics": topics} if topics else {},
        extra={"guid": guid} if guid else {}, body_line=line or 1,
        images=_entry_images(entry))
    return article, diagnostics
