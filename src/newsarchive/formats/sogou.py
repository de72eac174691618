"""Sogou Labs news corpora (SogouCS, SogouCA): ``<doc>`` records in pseudo-XML.

Each record holds ``<url>``, ``<docno>``, ``<contenttitle>`` and ``<content>``,
one field per line, nothing escaped (a bare ``&`` is common), so it is read
record by record with a pattern, not an XML parser.  The files are usually
GBK; the records carry no date, so the date comes from the URL when it holds
one (``sohu.com/20120706/n347457739.shtml``).  Paragraphs are separated by
runs of ideographic spaces (U+3000) in ``<content>``.
"""

from __future__ import annotations

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
    """``<doc>`` records with Sogou's field names."""
    return head.lstrip()[:64].startswith((b"<doc", b"<docs>", b"<doclist>")) and bool(
        _HEAD.search(head))


def _decode(source_path: str, data: bytes) -> str:
    """UTF-8 when the bytes are, else GB18030 (a superset of GBK and GB2312)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ContentError(Diagnostic(
                source_path, 0, 0, f"neither UTF-8 nor GBK text: {exc.reason} at byte "
                f"{exc.start}", "save the file as UTF-8 or GBK")) from None


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


def read(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """One article per ``<doc>`` record with a title and content."""
    text = _decode(source_path, data).replace("\r\n", "\n")
    articles: list[Article] = []
    diagnostics: list[Diagnostic] = []
    for number, match in enumerate(_RECORD.finditer(text)):
        line = text.count("\n", 0, match.start()) + 1
        fields = {name: value.strip() for name, value in _FIELD.findall(match.group(1))}
        title = clean_text(fields.get("contenttitle", ""))
        paragraphs = [p.strip() for p in _PARAGRAPHS.split(fields.get("content", ""))]
        body = "\n\n".join(p for p in paragraphs if p)
        if not title or not body:
            diagnostics.append(Diagnostic(
                source_path, line, 1, f"record {number}: no {'title' if not title else 'text'}; "
                "skipped", "a Sogou record needs <contenttitle> and <content>", "warning"))
            continue
        url = safe_url(fields.get("url", ""), "link") or ""
        published = _date(url, settings)
        articles.append(Article(
            source_path, title, body, "text", record=fields.get("docno") or str(number),
            published=published, source=urlsplit(url).hostname or "", original_url=url,
            lang="zh", body_line=line))
        if published is None:
            diagnostics.append(Diagnostic(
                source_path, line, 1, f"record {number}: undated: its URL holds no date; the "
                "article is kept without a date", "", "warning"))
    if not articles and not diagnostics:
        raise ContentError(Diagnostic(source_path, 0, 0, "no <doc> record found",
                                      "a Sogou file holds <doc> records"))
    return ReadResult(tuple(articles), tuple(diagnostics))
