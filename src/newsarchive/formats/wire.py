"""News agency wire text: ANPA 1312 (AP) and IPTC 7901 (dpa and others).

A message as it comes down the wire::

    SYN SYN SOH W2607 US asian                     <- transmission header: service,
    r a DC3 DC1 BC-US--Ethanol 1stLd   11-13 1693     sequence, priority, category,
    STX ^BC-US--Ethanol-Losing Grassland,1140<        keyword, word count
    ^Prairies vanish in the US push for green energy<   <- headline (ANPA: ``^`` lines)
    ^By JANE DOE=                                  <- byline
    TAB   ROSCOE, South Dakota (AP) _ First ...    <- dateline, agency; paragraphs
    ETX AP-WF-11-13-13 0745GMT<                    <- trailer: the time stamp (GMT)
    EOT

IPTC 7901 has no ``^`` marks: keyword lines end with ``/``, the headline with
`` =``; paragraphs are separated by blank lines and the time stamp closes the
text (``131137 GMT Nov 13``: day 13, 11:37 GMT, November 2013).  A file may
hold several messages (one article each).  The body is text
(``body_format="text"``); the header, framing and the codes of ANPA
typesetting (``<``, ``=`` line ends, backspace and space-band bytes) are taken
out; ANPA's ASCII conventions (``_`` dashes, ```` `` '' ```` quotes) are shown
as the characters they stand for.  Bytes that are not UTF-8 are read as
Windows-1252.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError, Diagnostic
from newsarchive.formats.common import authors_of, clean_text
from newsarchive.model import Article, ReadResult
from newsarchive.pipeline.read.fields import dedupe

__all__ = ["SUFFIXES", "read", "sniff"]

SUFFIXES: tuple[str, ...] = (".tst", ".anpa", ".7901")

#: SYN padding, SOH, then a service or selector code with a message number.
_START = re.compile(rb"(?:\A|(?<=[\x04\n]))[\x16\r\n ]*\x01(?=[A-Za-z]{0,5}\d{2,6}[\x1f ])")
_SNIFF = re.compile(rb"\A(?:\xef\xbb\xbf)?[\x16\r\n ]*\x01[A-Za-z]{0,5}\d{2,6}[\x1f ]"
                    rb"[^\x02]{0,600}\x02")
_ANPA_LINE2 = re.compile(r"([a-z])\s+([a-z])\W*\s*([\w.\-/]+)?\s*(.*?)\s+(\d{1,2})-(\d{1,2})"
                         r"\s+(\d{1,5})\s*$", re.IGNORECASE)
_IPTC_LINE1 = re.compile(r"([A-Za-z]{0,5})(\d{2,6})\s+(\S)\s+(\S{1,3})\s+(\d{1,6})\s*(.*)")
_AP_STAMP = re.compile(r"\b([A-Z]{2,4})-[A-Z]{1,4}-(\d{2})-(\d{2})-(\d{2})\s+(\d{2})(\d{2})\s*GMT")
_DPA_STAMP = re.compile(r"^\s*(\d{2})(\d{2})(\d{2})\s+GMT\s+([A-Za-z]{3})\w*\s+(\d{2})\s*$", re.M)
_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}  # noqa: SIM905
_DATELINE = re.compile(
    r"([A-Z][A-Za-z.'\-]*(?: [A-Za-z][A-Za-z.'\-]*){0,3}(?:, [A-Z][A-Za-z.' ]{1,30})?)"
    r" \(([A-Za-z][\w .&\-]{0,24})\)\s*(?:—|–|-{1,2}|_)\s+")
_BYLINE = re.compile(r"(?:By|BY|Von|VON|Par|PAR)\s+(\S.{1,120})")
_NOTE = re.compile(r"\(?(?:Eds?\b|Editors?\b|EDITOR'S NOTE|AP Photos?\b|With AP\b|AP Video|"
                   r"Photos?:|Graphics?:)", re.IGNORECASE)
_AGENCIES = re.compile(r"(?:the )?(?:associated press|ap|dpa|reuters|afp|apa|sda|ansa|"
                       r"efe|ntb|tt|stt|ritzau|belga|anp)", re.IGNORECASE)
_SIGNOFF = re.compile(r"[a-z]{2,6}(?: [a-z0-9]{1,4}){1,6}")
_NOT_PUBLIC = re.compile(r"(?:the following information is not (?:intended )?for "
                         r"publication|#+ (?:notebook|notizblock)).*", re.IGNORECASE)


def sniff(head: bytes) -> bool:
    """Whether ``head`` starts with a wire transmission header: optional SYN
    bytes, SOH, a service code and message number, then (within a short
    header) STX before the text."""
    return _SNIFF.match(head) is not None


@dataclass(frozen=True, slots=True)
class _Message:
    header: str
    text: str
    trailer: str
    text_line: int


def read(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """Read every message of a wire file; raises ContentError when the file
    holds no message (no SOH header, no STX before the text)."""
    messages = _split(source_path, data)
    articles: list[Article] = []
    diagnostics: list[Diagnostic] = []
    warned = False
    for index, message in enumerate(messages, 1):
        record = str(index) if len(messages) > 1 else ""
        try:
            article, found, removed = _article(source_path, message, settings, record)
        except ContentError as exc:
            diagnostics.append(replace(exc.diagnostic, line=message.text_line,
                                       message=f"message {index}: {exc.diagnostic.message}"))
            continue
        if removed is not None and not warned:
            diagnostics.append(removed)
            warned = True
        diagnostics += found
        if article is not None:
            articles.append(article)
    return ReadResult(tuple(articles), tuple(diagnostics))


def _split(source_path: str, data: bytes) -> list[_Message]:
    """The messages of ``data``: header (before STX), text, trailer (after ETX)."""
    starts = [m.end() for m in _START.finditer(data)]
    if not starts:
        raise ContentError(Diagnostic(source_path, 1, 1, "no wire header (SOH and a service "
                                      "code) at the start", "this is not ANPA or IPTC 7901 "
                                      "wire text"))
    messages = []
    for start, end in zip(starts, [*starts[1:], len(data)], strict=True):
        chunk = data[start:end]
        stx = chunk.find(b"\x02")
        if stx < 0:
            continue
        etx = _first(chunk, (b"\x03", b"\x04"), stx)
        eot = chunk.find(b"\x04", etx)
        messages.append(_Message(
            header=_plain(chunk[:stx]), text="", trailer=_plain(chunk[etx:eot if eot >= 0
                                                                      else len(chunk)]),
            text_line=data.count(b"\n", 0, start + stx) + 1))
        messages[-1] = replace(messages[-1], text=chunk[stx + 1:etx].decode("latin-1"))
    if not messages:
        raise ContentError(Diagnostic(source_path, 1, 1, "no STX (start of text) after the "
                                      "wire header", "the file is cut short"))
    return messages


def _first(chunk: bytes, marks: tuple[bytes, ...], start: int) -> int:
    found = [at for mark in marks if (at := chunk.find(mark, start)) >= 0]
    return min(found) if found else len(chunk)


def _plain(raw: bytes) -> str:
    """Header or trailer bytes as text, control characters as spaces."""
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]+", " ", _decode_bytes(raw))


def _decode_bytes(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Windows-1252, with the five bytes it leaves undefined read as Latin-1.
        text = raw.decode("cp1252", errors="surrogateescape")
        return re.sub("[\udc80-\udcff]", lambda m: chr(ord(m.group()) - 0xDC00), text)


def _text(source_path: str, message: _Message) -> tuple[str, Diagnostic | None]:
    """The message text decoded and cleaned, and the warning for what was removed."""
    from newsarchive.pipeline.read.text import decode_clean

    raw = message.text.encode("latin-1")
    # ANPA typesetting: backspace starts a tab (table) line, DLE is a space band.
    raw = raw.replace(b"\x08", b"\t").replace(b"\x10 ", b" ").replace(b"\x10", b" ")
    nul = raw.count(b"\x00")
    text, removed = decode_clean(source_path, _decode_bytes(raw.replace(b"\x00", b"")).encode(),
                                 fix=True)
    if removed is not None:
        found = removed.diagnostic(source_path)
        return text, replace(found, line=found.line + message.text_line - 1)
    if nul:
        return text, Diagnostic(source_path, message.text_line, 0, f"removed {nul} NUL "
                                "byte(s) from the text", "", "warning")
    return text, None


def _article(source_path: str, message: _Message, settings: ReadSettings, record: str
             ) -> tuple[Article | None, list[Diagnostic], Diagnostic | None]:
    text, removed = _text(source_path, message)
    anpa = bool(re.search(r"^\^", text, re.M))
    lines = [_anpa_line(line) if anpa else line.rstrip() for line in text.split("\n")]
    meta, body_lines = (_anpa_meta if anpa else _iptc_meta)(lines)
    extra: dict[str, Any] = _header(message.header)
    keywords = [row.strip() for row in message.header.split("\n")[1:]
                if row.strip().endswith("/")]
    if keywords and not anpa:  # IPTC 7901 keyword lines before STX: "Wahlen/Kommunal/"
        meta["keyword"] = keywords[-1]
        meta["topics"] = [t.strip() for k in keywords for t in k.split("/") if t.strip()]
    extra.update({k: v for k, v in meta.items() if k in ("keyword", "notes") and v})
    body_lines, stamp, notes = _trailer(body_lines, message.trailer, settings.timezone)
    if notes:
        extra["notebook"] = notes
    paragraphs = _paragraphs(body_lines)
    dateline = agency = ""
    if paragraphs and (match := _DATELINE.match(paragraphs[0])):
        dateline, agency = match.group(1), match.group(2)
        paragraphs[0] = paragraphs[0][match.end():]
    authors = [a for a in meta.get("authors", ()) if not _AGENCIES.fullmatch(a)]
    stamp_agency = _AP_STAMP.search(message.trailer)
    agency = (agency or (stamp_agency.group(1) if stamp_agency else "")
              or (meta.get("agency") or [""])[0] or extra.get("agency", ""))
    body = "\n\n".join(p for p in paragraphs if p)
    where = f"message {record}: " if record else ""
    diagnostics: list[Diagnostic] = []
    title = clean_text(meta.get("headline", ""))
    if not title:
        sentence = re.match(r"(.{10,120}?[.!?])(?:\s|$)", body)
        title = sentence.group(1) if sentence else clean_text(body[:120])
        if not title:
            return None, [Diagnostic(source_path, message.text_line, 0,
                                     f"{where}no title", "the message has no text")], removed
        diagnostics.append(Diagnostic(source_path, message.text_line, 0, f"{where}no "
                                      "headline; using the body's first words", "", "warning"))
    if stamp is None:
        diagnostics.append(Diagnostic(
            source_path, message.text_line, 0, f"undated: {where}no time stamp in the "
            "trailer; kept without a date", "wire text carries its date after ETX, "
            "such as 'AP-NY-11-13-23 1311GMT'", "warning"))
    return Article(
        source_path=source_path, title=title, body=body, body_format="text", record=record,
        published=stamp, authors=dedupe(_names(authors)), dateline=dateline, agency=agency,
        terms={"topics": tuple(meta["topics"])}
        if meta.get("topics") and "topics" in settings.term_keys else {},
        extra=extra, body_line=message.text_line + 1,
    ), diagnostics, removed


def _anpa_line(line: str) -> str:
    """An ANPA line without typesetting codes, with its ASCII conventions as characters."""
    line = re.sub(r"[<>]", "", line.rstrip()).rstrip("= ")
    line = line.replace("``", "“").replace("''", "”")
    return re.sub(r"(?<=\S) _ (?=\S)", " — ", line)


def _anpa_meta(lines: list[str]) -> tuple[dict[str, Any], list[str]]:
    """ANPA: the ``^`` lines before the first indented line are the header."""
    meta: dict[str, Any] = {"notes": [], "authors": [], "agency": []}
    first_body = next((i for i, line in enumerate(lines) if line[:1] in ("\t", " ")
                       and line.strip()), len(lines))
    heads = [line[1:].strip() for line in lines[:first_body] if line.startswith("^")]
    if heads and re.match(r"[A-Za-z]{2}-[A-Za-z]{2,5}-", heads[0]):
        meta["keyword"] = heads.pop(0)
    # A "^" line inside the text is a heading (or a table's head row): a paragraph.
    body = [re.sub(r"^(\s*)\^", "\t", line) for line in lines[first_body:]]
    bylines = [(i, m) for i, line in enumerate(heads) if (m := _BYLINE.fullmatch(line))]
    if bylines:
        # Lines after the byline (and the title under a person's name) are text:
        # the first table headings of a sports summary, say.
        at, byline = bylines[0]
        names = authors_of(byline.group(1))
        meta["authors"] += names
        meta["agency"] += [n for n in names if _AGENCIES.fullmatch(n)]
        body = ["\t" + line for line in heads[at + (1 if meta["agency"] else 2):]] + body
        heads = heads[:at]
    for line in heads:
        if _NOTE.match(line):
            meta["notes"].append(line)
        elif "headline" not in meta:
            meta["headline"] = line
        else:
            meta["notes"].append(line)
    return meta, body


def _iptc_meta(lines: list[str]) -> tuple[dict[str, Any], list[str]]:
    """IPTC 7901: keyword lines end with ``/``; the headline ends with `` =`` (or is
    the first line); ``By`` lines name the authors."""
    meta: dict[str, Any] = {"notes": [], "authors": [], "topics": []}
    index = 0
    head = [line.strip() for line in lines[:8]]
    marked = next((i for i, line in enumerate(head) if line.endswith(" =")), None)
    while index < len(lines) and (not lines[index].strip()
                                  or lines[index].rstrip().endswith("/")):
        if lines[index].strip():
            meta["keyword"] = lines[index].strip()
            meta["topics"] += [t.strip() for t in lines[index].split("/") if t.strip()]
        index += 1
    if marked is not None and marked >= index:
        meta["notes"] += [line for line in head[index:marked] if line]
        meta["headline"] = head[marked].rstrip(" =")
        index = marked + 1
    elif index < len(lines):
        meta["headline"] = lines[index].strip()
        index += 1
    while index < len(lines) and (not lines[index].strip() or _BYLINE.fullmatch(
            lines[index].strip())):
        byline = _BYLINE.fullmatch(lines[index].strip())
        if byline:
            meta["authors"] += authors_of(byline.group(1))
        index += 1
    return meta, lines[index:]


def _header(header: str) -> dict[str, Any]:
    """What the transmission header says: sequence, priority, category, word count."""
    extra: dict[str, Any] = {}
    rows = [row.strip() for row in header.split("\n") if row.strip()]
    first = _IPTC_LINE1.match(rows[0]) if rows else None
    if first and first.group(6):
        extra.update(service=first.group(1), sequence=first.group(2),
                     priority=first.group(3), category=first.group(4))
        words = first.group(6).split()
        if words and not words[0].isdigit():
            extra["agency"] = words[0]
    elif rows:
        service = re.match(r"([A-Za-z]{0,5})(\d{2,6})\s*(.*)", rows[0])
        if service:
            extra.update(service=service.group(1), sequence=service.group(2))
            if service.group(3):
                extra["selector"] = service.group(3)
    second = _ANPA_LINE2.match(rows[1]) if len(rows) > 1 else None
    if second:
        extra.update(priority=second.group(1), category=second.group(2),
                     words=int(second.group(7)))
    return {k: v for k, v in extra.items() if v}


def _trailer(lines: list[str], trailer: str, timezone: str
             ) -> tuple[list[str], datetime | None, str]:
    """The body lines without the closing time stamp, sign-off and notebook, the
    time stamp (GMT), and the notebook's text."""
    text = "\n".join(lines)
    stamp = _stamp(trailer) or _stamp(text)
    text = _DPA_STAMP.sub("", _AP_STAMP.sub("", text)).rstrip()
    kept = text.split("\n")
    while kept and (not kept[-1].strip() or _SIGNOFF.fullmatch(kept[-1].strip())
                    or re.fullmatch(r"\s*_{3,}\s*", kept[-1])):
        kept.pop()
    text = "\n".join(kept)
    notes = ""
    cut = _NOT_PUBLIC.search(text)
    if cut:
        notes = re.sub(r"\s+", " ", text[cut.start():]).strip()
        kept = text[:cut.start()].split("\n")
    return kept, stamp, notes


def _stamp(text: str) -> datetime | None:
    """The GMT time stamp of a trailer: ``AP-WF-11-13-13 0745GMT`` or ``131137 GMT Nov 13``."""
    try:
        ap = _AP_STAMP.search(text)
        if ap:
            month, day, year, hour, minute = (int(g) for g in ap.groups()[1:])
            return datetime(_century(year), month, day, hour, minute, tzinfo=UTC)
        dpa = _DPA_STAMP.search(text)
        if dpa and dpa.group(4).lower() in _MONTHS:
            day, hour, minute = int(dpa.group(1)), int(dpa.group(2)), int(dpa.group(3))
            return datetime(_century(int(dpa.group(5))), _MONTHS[dpa.group(4).lower()], day,
                            hour, minute, tzinfo=UTC)
    except ValueError:  # day 31 of a 30-day month, hour 25: no date
        return None
    return None


def _century(year: int) -> int:
    """A two-digit year as a full one: no later than next year."""
    return 2000 + year if 2000 + year <= datetime.now(UTC).year + 1 else 1900 + year


def _paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs: an indented line starts one, a blank line ends one; lines of
    only underscores (a separator) are dropped."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if not line.strip() or re.fullmatch(r"\s*_{3,}\s*", line):
            if current:
                paragraphs.append(current)
            current = []
            continue
        if line[:1] in ("\t", " ") and current:
            paragraphs.append(current)
            current = []
        current.append(line.strip())
    if current:
        paragraphs.append(current)
    return ["\n".join(p) for p in paragraphs]


def _names(names: list[str]) -> list[str]:
    """Names written in capitals (``CHET BROKAW``) in their usual case."""
    return [name.title() if name.isupper() else name for name in names]
