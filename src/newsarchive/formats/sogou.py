"""Sogou Labs news corpora (SogouCS, SogouCA): ``<doc>`` records in pseudo-XML.

Each record holds ``<url>``, ``<docno>``, ``<contenttitle>`` and ``<content>``,
one field per line, nothing escaped (a bare ``&`` is common), so it is read
record by record with a pattern, not an XML parser.  The files are usually
GBK, whatever their suffix (``.dat``, ``.txt``, ``.xml`` or none); they are
decoded like every text file (:func:`~newsarchive.pipeline.read.text.decode_clean`:
UTF-8, else the CJK encoding the bytes read as, with a warning when that
guess is unsure).  The records carry no date, so the date comes from the URL when it holds
one (``sohu.com/20120706/n347457739.shtml``).  Paragraphs are separated by
runs of ideographic spaces (U+3000) in ``<content>``.
"""

from __future__ import annotations

import codecs
import re
from datetime import datetime, time
from urllib.parse import urlsplit

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError, Diagnostic
from newsarchive.formats.common import clean_text
from newsarchive.model import Article, ReadResult
from newsarchive.urls import safe_url

__all__ = ["SUFFIXES", "read", "sniff"]

SUFFIXES: tuple[str, ...] = ()
_RECORD = re.compile(r"<doc>(.*?)</doc>", re.DOTALL)
_FIELD = re.compile(r"<(url|docno|contenttitle|content)>(.*?)</\1>", re.DOTALL)
_HEAD = re.compile(rb"<doc>\s*<url>|<docno>|<contenttitle>")
_PARAGRAPHS = re.compile(r"(?:\u3000{2,}|\s*\n\s*)")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[-/]?(\d{2})[-/]?(\d{2})(?:/|$)")


def sniff(head: bytes) -> bool:
    """``<doc>`` records with Sogou's field names, after a byte-order mark or an
    XML declaration if any; UTF-16 too."""
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom):].decode(codec, "ignore").encode("utf-8")
            break
    head = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if head.startswith(b"<?xml"):
        head = head[head.find(b"?>") + 2:].lstrip()
    return head[:64].startswith((b"<doc", b"<docs>", b"<doclist>")) and bool(
        _HEAD.search(head))


def _date(url: str, settings: ReadSettings) -> datetime | None:
    from newsarchive.pipeline.read.dates import zone

    match = _URL_DATE.search(urlsplit(url).path)
    if match is None:
        return None
    try:
        day = datetime(int(match[1]), int(match[2]), int(match[3])).date()
    except ValueError:
        return None
    return datetime.combine(day, time(), zone(settings.timezone))


def _first_words(body: str, limit: int = 30) -> str:
    """A title for a record without one: its first sentence, or ``limit`` characters of it."""
    first = re.split(r"(?<=[。！？!?])", body.split("\n", 1)[0], maxsplit=1)[0].strip()
    return first if len(first) <= limit else first[:limit].rstrip() + "…"


def read(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """One article per ``<doc>`` record with a title or content (a headline alone is kept).

    Raises ContentError for bytes that are no text, or that hold no record.
    """
    from newsarchive.pipeline.read.text import decode_clean, detect_lang

    # Not repaired as mojibake: ftfy over a whole corpus file of Chinese costs
    # seconds, and GBK text has no UTF-8 mojibake to repair.
    text, removed = decode_clean(source_path, data, fix=False)
    if _RECORD.search(text) is None:
        raise ContentError(Diagnostic(source_path, 0, 0, "no <doc> record found",
                                      "a Sogou file holds <doc> records"))
    articles: list[Article] = []
    diagnostics: list[Diagnostic] = [removed.diagnostic(source_path)] if removed else []
    for number, match in enumerate(_RECORD.finditer(text)):
        line = text.count("\n", 0, match.start()) + 1
        fields = {name: value.strip() for name, value in _FIELD.findall(match.group(1))}
        title = clean_text(fields.get("contenttitle", ""))
        paragraphs = [p.strip() for p in _PARAGRAPHS.split(fields.get("content", ""))]
        body = "\n\n".join(p for p in paragraphs if p)
        if not title and not body:
            diagnostics.append(Diagnostic(
                source_path, line, 1, f"record {number}: neither a title nor text; skipped",
                "a Sogou record holds <contenttitle> and <content>", "warning"))
            continue
        if not title:
            title = _first_words(body)
            diagnostics.append(Diagnostic(
                source_path, line, 1, f"record {number}: no title; using the text's first "
                "words", "", "warning"))
        elif not body:  # a headline alone (a photo gallery, a brief): still a record of the story
            diagnostics.append(Diagnostic(
                source_path, line, 1, f"record {number}: no text; kept with its title only",
                "", "warning"))
        url = safe_url(fields.get("url", ""), "link") or ""
        published = _date(url, settings)
        articles.append(Article(
            source_path, title, body, "text", record=fields.get("docno") or str(number),
            published=published, source=urlsplit(url).hostname or "", original_url=url,
            lang=detect_lang(f"{title}\n{body}") or "zh", body_line=line))
        if published is None:
            diagnostics.append(Diagnostic(
                source_path, line, 1, f"record {number}: undated: its URL holds no date; the "
                "article is kept without a date", "", "warning"))
    return ReadResult(tuple(articles), tuple(diagnostics))
