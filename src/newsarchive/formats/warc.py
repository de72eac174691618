"""Web archives (WARC and the older ARC, plain or gzipped): the saved news pages in them.

Each ``response`` record with HTTP status 200 and an HTML content type is one
page, read as :mod:`newsarchive.formats.html` reads a saved page: its
``record`` is the ``WARC-Record-ID`` (or the record's index), its
``original_url`` the ``WARC-Target-URI``, and the capture time (``WARC-Date``)
is kept in ``extra["captured"]`` and serves as ``published`` only for pages
that give no date of their own.  Everything else a crawl holds (images,
stylesheets, scripts, DNS lookups, requests, metadata, revisits, redirects,
error pages, later captures of the same URL) is counted and skipped: one note
per file says what.  Records are read one at a time (warcio's
``ArchiveIterator``); a page body over :data:`MAX_BODY_BYTES` is skipped.  A
damaged or cut-short archive keeps the pages read before the damage and gets
an error naming the byte offset of the record that failed.
"""

from __future__ import annotations

import dataclasses
import io
import zlib
from collections import Counter
from typing import TYPE_CHECKING, Any

from newsarchive.errors import ContentError, Diagnostic, Severity
from newsarchive.formats.common import date_of
from newsarchive.formats.html import decode_page, extract_page
from newsarchive.model import Article, ReadResult

if TYPE_CHECKING:
    from collections.abc import Iterator

    from newsarchive.config import ReadSettings

__all__ = ["MAX_BODY_BYTES", "SUFFIXES", "read", "sniff"]

SUFFIXES: tuple[str, ...] = (".warc", ".warc.gz", ".arc", ".arc.gz")

#: A page body larger than this (after HTTP decoding) is skipped with a warning.
MAX_BODY_BYTES = 20 * 1024 * 1024

#: The severity of the per-file summary: a note, but :data:`Severity` has only
#: errors and warnings, and a warning is never fatal.
_NOTE: Severity = "warning"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
#: How skipped records are named in the note, by kind: (singular, plural).
_KINDS: dict[str, tuple[str, str]] = {
    "image": ("image", "images"), "script": ("script", "scripts"),
    "stylesheet": ("stylesheet", "stylesheets"), "font": ("font", "fonts"),
    "redirect": ("redirect", "redirects"), "error": ("error page", "error pages"),
    "dns": ("DNS record", "DNS records"), "warcinfo": ("warcinfo record", "warcinfo records"),
    "request": ("request", "requests"), "metadata": ("metadata record", "metadata records"),
    "revisit": ("revisit", "revisits"), "repeat": ("repeated capture", "repeated captures"),
    "no text": ("page without article text", "pages without article text"),
    "too large": ("page too large", "pages too large"), "other": ("other record", "other records"),
}


def sniff(head: bytes) -> bool:
    """Whether ``head`` starts a WARC file (``WARC/1.``), an ARC file
    (``filedesc://``), or a gzip stream whose first bytes decompress to either."""
    if head.lstrip(b"\r\n").startswith((b"WARC/1.", b"filedesc://")):
        return True
    if not head.startswith(b"\x1f\x8b"):
        return False
    try:
        inner = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 4096)
    except zlib.error:
        return False
    return inner.lstrip(b"\r\n").startswith((b"WARC/", b"filedesc://"))


@dataclasses.dataclass(slots=True)
class _Tally:
    """What reading one archive has found so far."""

    articles: list[Article] = dataclasses.field(default_factory=list)
    diagnostics: list[Diagnostic] = dataclasses.field(default_factory=list)
    counts: Counter[str] = dataclasses.field(default_factory=Counter)
    seen: set[str] = dataclasses.field(default_factory=set)
    undated: int = 0
    #: Index and byte offset of the latest record, and whether it gave the last article
    #: (``"dated"``, ``"undated"``: dated by its capture) or not (``""``).
    latest: tuple[int, int] = (-1, 0)
    latest_page: str = ""


def read(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """The news pages of the web archive ``data``, one article per HTML page.

    Raises ContentError when ``data`` is not an archive at all (its first
    record cannot be read); later damage becomes an error diagnostic.
    """
    if not sniff(data[:4096]):
        raise ContentError(Diagnostic(source_path, 0, 0, "not a web archive",
                                      "a WARC file starts with WARC/1.0 or WARC/1.1"))
    tally = _Tally()
    iterator = _iterator(data)
    for index, record, failure in _records(iterator):
        if failure is not None:
            _damaged(source_path, index, failure, _offset(iterator, index, tally), tally)
            break
        tally.latest, tally.latest_page = (index, int(iterator.offset)), ""
        _take(source_path, index, record, settings, tally)
    tally.diagnostics.append(_summary(source_path, len(tally.articles), tally.counts))
    if tally.undated:
        tally.diagnostics.append(Diagnostic(
            source_path, 0, 0, f"{tally.undated} page(s) give no date of their own: dated by "
            "their capture time (WARC-Date)", "", _NOTE))
    return ReadResult(tuple(tally.articles), tuple(tally.diagnostics))


def _take(source_path: str, index: int, record: Any, settings: ReadSettings,
          tally: _Tally) -> None:
    """Read record ``index`` into ``tally``: an article for a page, a count otherwise."""
    kind = _kind(record)
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if kind == "page" and uri in tally.seen:
        kind = "repeat"
    if kind != "page":
        tally.counts[kind] += 1
        return
    tally.seen.add(uri)
    article, problem = _page(source_path, record, index, settings)
    if article is None:
        tally.counts[problem] += 1
        if problem == "too large":
            tally.diagnostics.append(Diagnostic(
                source_path, 0, 0, f"record {index + 1} ({uri}) skipped: its body is over "
                f"{MAX_BODY_BYTES // (1024 * 1024)} MiB", "", "warning"))
        return
    tally.latest_page = "dated"
    if article.published is None and article.extra.get("captured"):
        tally.undated += 1
        tally.latest_page = "undated"
        article = dataclasses.replace(article, published=date_of(
            article.extra["captured"], settings.timezone))
    tally.articles.append(article)


def _damaged(source_path: str, index: int, failure: str, offset: int, tally: _Tally) -> None:
    """Record that record ``index`` cannot be read; a page read from it (cut short) is
    dropped.  Raises ContentError when nothing at all could be read."""
    if index == tally.latest[0] and tally.latest_page:
        tally.articles.pop()
        tally.undated -= tally.latest_page == "undated"
    if index == 0 and not tally.articles and not tally.counts:
        raise ContentError(Diagnostic(source_path, 0, 0, f"not a web archive: {failure}",
                                      "a WARC file starts with WARC/1.0 or WARC/1.1"))
    kept = len(tally.articles)
    tally.diagnostics.append(Diagnostic(
        source_path, 0, 0, f"damaged archive: record {index + 1} at byte offset {offset} "
        f"cannot be read ({failure}); the {kept} page{'s' if kept != 1 else ''} before it "
        "are kept", "the file is cut short or corrupt; copy or export it again"))


_FAILURES: tuple[type[BaseException], ...] = (EOFError, ValueError, OSError, zlib.error,
                                              UnicodeDecodeError, IndexError)


def _failures() -> tuple[type[BaseException], ...]:
    """The exceptions warcio raises for a damaged archive."""
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.statusandheaders import StatusAndHeadersParserException

    return (ArchiveLoadFailed, StatusAndHeadersParserException, *_FAILURES)


def _iterator(data: bytes) -> Any:
    """warcio's ArchiveIterator over ``data``, telling (instead of printing to stderr)
    where a record is not followed by the blank line its Content-Length implies."""
    from warcio.archiveiterator import ArchiveIterator

    class QuietIterator(ArchiveIterator):  # type: ignore[misc]
        misaligned: int | None = None

        def _consume_blanklines(self) -> tuple[bytes | None, int]:
            empty_size, first_line = 0, True
            while True:
                line = self.reader.readline()
                if not line:
                    return None, empty_size
                if not line.rstrip() or first_line:
                    empty_size += len(line)
                    if line.rstrip() and self.misaligned is None:
                        self.misaligned = self.fh.tell() - self.reader.rem_length() - empty_size
                    first_line = False
                    continue
                return line, empty_size

    return QuietIterator(io.BytesIO(data), arc2warc=True)


def _records(iterator: Any) -> Iterator[tuple[int, Any, str | None]]:
    """``(index, record, None)`` for each record, then ``(index, None, why)`` for the
    first that cannot be read or is cut short (the iteration stops there).

    warcio reads a cut-short record as a shorter one: a record whose block ends
    before its ``Content-Length`` (or that has none) is reported as damaged.
    """
    failures = _failures()
    index = 0
    records = iter(iterator)
    previous: Any = None
    while True:
        try:
            record = next(records)
        except StopIteration:
            record = None
        except failures as exc:
            yield index, None, _why(exc)
            return
        if previous is not None and getattr(previous.raw_stream, "limit", 0) > 0:
            yield index - 1, None, "the record ends before its Content-Length"
            return
        if getattr(iterator, "misaligned", None) is not None:
            yield index - 1, None, "the record does not end where its Content-Length says"
            return
        if record is None:
            return
        if record.format.startswith("warc") and not record.rec_headers.get_header(
                "Content-Length"):
            yield index, None, "the record has no Content-Length"
            return
        yield index, record, None
        previous = record
        index += 1


def _why(exc: BaseException) -> str:
    """A short, printable account of a warcio exception (whose text may quote raw bytes)."""
    text = str(exc).strip()
    if text.startswith("Unknown archive format"):
        return "not a WARC or ARC record"
    text = text.splitlines()[0] if text else type(exc).__name__
    return "".join(ch if ch.isprintable() else "?" for ch in text[:120])


def _offset(iterator: Any, index: int, tally: _Tally) -> int:
    """The byte offset of record ``index`` (of its gzip member in a .warc.gz)."""
    if index == tally.latest[0]:
        return tally.latest[1]
    try:
        return int(iterator.offset)
    except (AttributeError, TypeError, ValueError):
        return 0


def _kind(record: Any) -> str:
    """What a record is: ``page`` (an HTML page to read) or the kind it is skipped as."""
    if record.rec_type != "response":
        return record.rec_type if record.rec_type in _KINDS else "other"
    headers = record.http_headers
    if headers is None:
        content_type = (record.rec_headers.get_header("Content-Type") or "").lower()
        return "dns" if "dns" in content_type else "other"
    status = headers.get_statuscode() or ""
    if status.startswith("3"):
        return "redirect"
    if status.startswith(("4", "5")):
        return "error"
    content_type = (headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if status == "200" and content_type in _HTML_TYPES:
        return "page"
    if content_type.startswith("image/"):
        return "image"
    if "javascript" in content_type or "ecmascript" in content_type:
        return "script"
    if content_type == "text/css":
        return "stylesheet"
    if content_type.startswith("font/") or "font" in content_type:
        return "font"
    return "other"


def _page(source_path: str, record: Any, index: int, settings: ReadSettings
          ) -> tuple[Article | None, str]:
    """The article of an HTML response record, or None and why it was skipped."""
    try:
        body = record.content_stream().read(MAX_BODY_BYTES + 1)
    except _failures():
        return None, "other"
    if len(body) > MAX_BODY_BYTES:
        return None, "too large"
    content_type = record.http_headers.get_header("Content-Type") or ""
    charset = content_type.lower().partition("charset=")[2].strip(" \"';") or None
    record_id = (record.rec_headers.get_header("WARC-Record-ID") or "").strip("<> ")
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    try:
        text, _ = decode_page(source_path, body, _codec(charset))
        article, _ = extract_page(source_path, text, uri or None, settings,
                                  record=record_id or str(index))
    except ContentError:
        return None, "no text"
    captured = record.rec_headers.get_header("WARC-Date") or ""
    extra = {**article.extra, "captured": captured} if captured else dict(article.extra)
    return dataclasses.replace(article, extra=extra), ""


def _codec(charset: str | None) -> str | None:
    """The codec an HTTP ``charset=`` names, or None when unknown."""
    import codecs

    if not charset:
        return None
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        return None
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _summary(source_path: str, pages: int, counts: Counter[str]) -> Diagnostic:
    """The one note saying how many pages were read and what was skipped."""
    read_part = f"{pages} HTML page{'s' if pages != 1 else ''} read"
    skipped = [f"{count} {_KINDS[kind][0] if count == 1 else _KINDS[kind][1]}"
               for kind, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    message = read_part + (f"; skipped: {', '.join(skipped)}" if skipped else "")
    if pages:
        return Diagnostic(source_path, 0, 0, message, "", _NOTE)
    return Diagnostic(source_path, 0, 0, message, "the archive holds no news page the reader "
                      "recognises", "warning")
