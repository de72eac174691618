"""NITF (News Industry Text Format, IPTC): one article per ``<nitf>`` document.

The mapping::

    head/title, body.head/hedline/hl1      -> title (hl2 -> summary when no abstract)
    body.content                           -> body, HTML (content markup only)
    byline (byttl dropped)                 -> authors
    dateline/location, story.date          -> dateline (story.date@norm: a date fallback)
    docdata/date.issue@norm, date.release  -> published (ISO 8601 basic: 20240131T101500+0100)
    doc.copyright@holder/@year             -> copyright
    tobject.subject (type/matter/detail)   -> subjects (a bare refnum: its IPTC top level)
    evloc@city/@state-prov, location       -> places
    identified-content person / org        -> people / organizations
    pubdata@name, doc.source, doc-id@regsrc-> source
    distributor                            -> agency
    date.release later than now, embargo   -> a draft (with a note); date.expire -> extra
    media[@media-type=image]               -> images (remote sources only)

The helpers that turn XML content into HTML and read compact dates are shared
with :mod:`newsarchive.formats.newsml`, which meets NITF inside NewsML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from newsarchive.config import ReadSettings
from newsarchive.errors import Diagnostic
from newsarchive.formats.common import authors_of, clean_text, date_of, local_name, parse_xml
from newsarchive.model import Article, Image, ReadResult
from newsarchive.pipeline.read.fields import dedupe
from newsarchive.urls import safe_url

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["SUFFIXES", "HtmlWriter", "compact_date", "find", "iptc_subject", "line_of",
           "read", "root_of", "sniff", "title_from_body"]

SUFFIXES: tuple[str, ...] = (".nitf",)

_PROLOG = re.compile(
    r"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*"
    r"<(?:[A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)([^>]*)", re.DOTALL)
_XMLNS = re.compile(r"""xmlns(?::[\w.\-]+)?\s*=\s*["']([^"']*)["']""")


def root_of(head: bytes) -> tuple[str, tuple[str, ...]] | None:
    """The root element's local name and the namespaces its start tag declares,
    read from a file's first bytes (BOM, XML declaration, comments and a DOCTYPE
    skipped), or None when the bytes do not start like XML."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("latin-1").removeprefix("\xef\xbb\xbf")
    match = _PROLOG.match(text)
    if match is None:
        return None
    return match.group(1), tuple(_XMLNS.findall(match.group(2)))


def sniff(head: bytes) -> bool:
    """Whether ``head`` starts an XML document whose root element is ``nitf``."""
    root = root_of(head)
    return root is not None and root[0] == "nitf"


# --- shared with newsml: compact dates, IPTC subject codes, XML content as HTML ---

_COMPACT = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2}))?"
                      r"(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?")


def compact_date(value: str | None, timezone: str) -> datetime | None:
    """A date in ISO 8601 basic (``20240131T101500+0100``) or extended form, or
    None when ``value`` is empty or no date."""
    text = (value or "").strip()
    match = _COMPACT.fullmatch(text)
    if match is None:
        return date_of(text, timezone)
    year, month, day, hour, minute, second, zone = match.groups()
    iso = f"{year}-{month}-{day}T{hour or '00'}:{minute or '00'}:{second or '00'}"
    if zone:
        iso += "+00:00" if zone == "Z" else f"{zone[:3]}:{zone[-2:]}"
    return date_of(iso, timezone)


#: IPTC subject codes' (and Media Topics') top levels: a code without a name is
#: shown as the name of its top level.
_IPTC_TOP: dict[str, str] = {
    "01": "arts, culture and entertainment", "02": "crime, law and justice",
    "03": "disaster and accident", "04": "economy, business and finance",
    "05": "education", "06": "environment", "07": "health", "08": "human interest",
    "09": "labour", "10": "lifestyle and leisure", "11": "politics",
    "12": "religion and belief", "13": "science and technology", "14": "social issue",
    "15": "sport", "16": "unrest, conflicts and war", "17": "weather",
}


def iptc_subject(code: str) -> str:
    """The top-level name of an IPTC subject code (``15054000``, ``subj:15054000``,
    ``medtop:15000000``), or ``""`` for anything else."""
    scheme, _, number = code.rpartition(":")
    if scheme not in ("", "subj", "iptc", "medtop") or not re.fullmatch(r"\d{8}", number):
        return ""
    if scheme == "medtop" and not number.endswith("000000"):
        return ""
    return _IPTC_TOP.get(number[:2], "")


#: Elements kept as HTML (others are unwrapped: their text stays).
_KEEP = frozenset({"p", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody",
                   "tfoot", "tr", "td", "th", "caption", "blockquote", "em", "strong",
                   "b", "i", "u", "s", "a", "br", "hr", "h1", "h2", "h3", "h4", "h5",
                   "h6", "pre", "code", "q", "sub", "sup", "cite", "abbr", "figure",
                   "figcaption"})
_RENAME = {"hl1": "h2", "hl2": "h2", "bq": "blockquote", "nitf-table": "table",
           "credit": "p", "tagline": "p"}
#: Elements dropped with their content: metadata, scripts and media (read apart).
_DROP = frozenset({"head", "header", "title", "meta", "script", "style", "object",
                   "iframe", "embed", "media", "img", "nitf-table-metadata", "byline",
                   "dateline", "hedline", "body.head", "body.end", "noscript", "form",
                   "button", "input"})
_VOID = frozenset({"br", "hr"})
_EMPTY_P = re.compile(r"<(p|li|h2|h3|h4)>(?:\s|&nbsp;|\xa0)*</\1>")
_MAX_DEPTH = 60


@dataclass
class HtmlWriter:
    """Writes XML content (NITF ``body.content``, an XHTML ``body``) as plain
    HTML: content markup kept, links allow-listed, metadata elements dropped,
    images collected; an element with a class in ``skip_classes`` is dropped
    and its text kept in ``skipped`` (a dateline span)."""

    skip_classes: frozenset[str] = frozenset()
    parts: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)

    def inner(self, element: Element) -> str:
        """The HTML of ``element``'s content (not the element itself)."""
        start = len(self.parts)
        self.parts.append(html.escape(element.text or "", quote=False))
        for child in element:
            self._write(child, 1)
        text = "".join(self.parts[start:])
        del self.parts[start:]
        return _EMPTY_P.sub("", text).strip()

    def _write(self, element: Element, depth: int) -> None:
        if not isinstance(element.tag, str):
            return
        name = local_name(element.tag).lower()
        classes = set((element.get("class") or "").split())
        if classes & self.skip_classes:
            key = sorted(classes & self.skip_classes)[0]
            self.skipped.setdefault(key, clean_text(" ".join(element.itertext())))
        elif name == "img":
            self._image(element.get("src"), element.get("alt") or "", "")
        elif name not in _DROP:
            self._element(element, name, depth)
        self.parts.append(html.escape(element.tail or "", quote=False))

    def _element(self, element: Element, name: str, depth: int) -> None:
        tag = _RENAME.get(name, name if name in _KEEP else "")
        if depth > _MAX_DEPTH:  # nesting no article needs: keep the words only
            self.parts.append(html.escape(" ".join(element.itertext()), quote=False))
            return
        if tag == "a":
            href = element.get("href")
            url = safe_url(href, "link") if href else None
            if href and url is None:
                self.refused.append(href)
            tag_open = f'<a href="{html.escape(url)}">' if url else "<a>"
            self.parts.append(tag_open)
        elif tag in ("td", "th") and element.get("colspan", "").isdigit():
            self.parts.append(f'<{tag} colspan="{element.get("colspan")}">')
        elif tag:
            self.parts.append(f"<{tag}>")
        self.parts.append(html.escape(element.text or "", quote=False))
        for child in element:
            self._write(child, depth + 1)
        if tag and tag not in _VOID:
            self.parts.append(f"</{tag}>")
        elif not tag and name in ("div", "section", "block", "article"):
            self.parts.append("\n")

    def _image(self, src: str | None, alt: str, caption: str) -> None:
        url = safe_url(src, "image") if src else None
        if url is None:
            if src:
                self.refused.append(src)
            return
        if all(image.src != url for image in self.images):
            self.images.append(Image(url, clean_text(alt), clean_text(caption)))

    def media(self, element: Element) -> None:
        """Collect the image of a NITF ``media`` element (its remote reference)."""
        if (element.get("media-type") or "image").lower() != "image":
            return
        caption = " ".join(clean_text(" ".join(e.itertext())) for e in find(element,
                                                                            "media-caption"))
        for ref in find(element, "media-reference"):
            src = ref.get("source") or ref.get("data-location") or ref.get("href")
            self._image(src, ref.get("alternate-text") or "", caption)


def find(element: Element, *names: str) -> list[Element]:
    """The descendants of ``element`` (itself too) with one of the local ``names``."""
    wanted = set(names)
    return [e for e in element.iter() if isinstance(e.tag, str) and local_name(e.tag) in wanted]


def _first_text(element: Element, *names: str) -> str:
    for found in find(element, *names):
        text = clean_text(" ".join(found.itertext()))
        if text:
            return text
    return ""


_SENTENCE = re.compile(r"(.{10,120}?[.!?])(?:\s|$)")


def title_from_body(body_html: str) -> str:
    """The first sentence of a body (at most 120 characters), or ``""``."""
    text = clean_text(body_html.replace("</p>", " \n"))
    match = _SENTENCE.match(text)
    return match.group(1) if match else text[:120].rsplit(" ", 1)[0] if len(text) > 120 else text


def line_of(data: bytes, needle: bytes, start: int = 0) -> int:
    """The 1-based line of the first ``needle`` in ``data`` after ``start``, or 1."""
    at = data.find(needle, start)
    return data.count(b"\n", 0, at) + 1 if at >= 0 else 1


# --- the NITF reader ---

def read(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """Read one NITF document; raises ContentError for XML that cannot be read
    (not well-formed, entity declarations)."""
    root = parse_xml(source_path, data)
    if local_name(root.tag) != "nitf":
        return ReadResult((), (Diagnostic(source_path, 1, 1, f"the root element is "
                                          f"<{local_name(root.tag)}>, not <nitf>",
                                          "this is not a NITF document"),))
    article, diagnostics = nitf_article(source_path, root, settings, line_of(data, b"body.content"))
    return ReadResult((article,) if article else (), tuple(diagnostics))


def nitf_article(source_path: str, root: Element, settings: ReadSettings, body_line: int,
                 record: str = "") -> tuple[Article | None, list[Diagnostic]]:
    """The article of a ``<nitf>`` element and the problems found (also used for
    NITF inside NewsML, where ``record`` names the item)."""
    where = f"item {record}: " if record else ""
    writer = HtmlWriter()
    for media in find(root, "media"):
        writer.media(media)
    body = "\n".join(writer.inner(content) for content in find(root, "body.content"))
    diagnostics = [Diagnostic(source_path, body_line, 0, f"{where}dropped the unsafe URL "
                              f"{url[:80]!r}", "only http(s) links and images are kept",
                              "warning") for url in dedupe(writer.refused)]
    title = _first_text(root, "hl1") or _first_text(root, "title")
    if not title:
        title = title_from_body(body)
        if not title:
            return None, [*diagnostics, Diagnostic(source_path, body_line, 0,
                                                   f"{where}no title", "give it a <hl1> headline")]
        diagnostics.append(Diagnostic(source_path, body_line, 0, f"{where}no headline; using "
                                      "the body's first words", "", "warning"))
    published, draft, extra, notes = _dates(root, settings)
    diagnostics += [Diagnostic(source_path, 0, 0, f"{where}{note}", "", "warning")
                    for note in notes]
    extra.update(_ids(root))
    summary = _first_text(root, "abstract") or _first_text(root, "hl2")
    return Article(
        source_path=source_path, title=title, body=body, body_format="html", record=record,
        published=published, source=_source(root), authors=_authors(root),
        dateline=_dateline(root), agency=_first_text(root, "distributor"),
        copyright=_copyright(root), lang=root.get("baselang") or _xml_lang(root),
        summary=summary if summary != title else "", terms=_terms(root, settings),
        extra=extra, draft=draft, body_line=body_line, images=tuple(writer.images),
    ), diagnostics


def _xml_lang(root: Element) -> str:
    return root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""


def _dates(root: Element, settings: ReadSettings
           ) -> tuple[datetime | None, bool, dict[str, object], list[str]]:
    """Published date, draft flag (embargoed), extra keys and notes."""
    def norm(name: str) -> datetime | None:
        for found in find(root, name):
            value = compact_date(found.get("norm") or found.text, settings.timezone)
            if value is not None:
                return value
        return None

    issued, release, expire = norm("date.issue"), norm("date.release"), norm("date.expire")
    embargo = norm("embargo") or (release if release and (not issued or release > issued)
                                  else None)
    published = issued or release
    if published is None:
        for pub in find(root, "pubdata"):
            published = published or compact_date(pub.get("date.publication"),
                                                   settings.timezone)
        published = published or norm("story.date")
    extra: dict[str, object] = {}
    notes: list[str] = []
    if expire:
        extra["expires"] = expire.isoformat()
    draft = False
    if embargo:
        extra["embargo"] = embargo.isoformat()
        if embargo > datetime.now(UTC):
            draft = True
            notes.append(f"embargoed until {embargo.isoformat()}; kept as a draft")
    if published is None:
        notes.append("undated: no date.issue, date.release or pubdata date; kept without a date")
    return published, draft, extra, notes


def _ids(root: Element) -> dict[str, object]:
    extra: dict[str, object] = {}
    for doc_id in find(root, "doc-id"):
        if doc_id.get("id-string"):
            extra["id"] = doc_id.get("id-string", "")
    urgency = [u.get("ed-urg") for u in find(root, "urgency") if u.get("ed-urg")]
    if urgency:
        extra["urgency"] = urgency[0]
    genres = [t.get("tobject.type") for t in find(root, "tobject") if t.get("tobject.type")]
    genres += [p.get("tobject.property.type") for p in find(root, "tobject.property")]
    if any(genres):
        extra["genre"] = list(dedupe(g for g in genres if g))
    codes = [s.get("tobject.subject.refnum") for s in find(root, "tobject.subject")]
    if any(codes):
        extra["iptc_subjects"] = list(dedupe(c for c in codes if c))
    return extra


def _source(root: Element) -> str:
    for pub in find(root, "pubdata"):
        if pub.get("name"):
            return clean_text(pub.get("name"))
    named = _first_text(root, "doc.source", "doc-source")
    if named:
        return named
    return next((clean_text(d.get("regsrc")) for d in find(root, "doc-id") if d.get("regsrc")),
                "")


def _authors(root: Element) -> tuple[str, ...]:
    names: list[str] = []
    for byline in find(root, "byline"):
        people = [clean_text(" ".join(p.itertext())) for p in find(byline, "person")]
        if people:
            names.extend(people)
            continue
        parts = [byline.text or ""]
        for child in byline:
            if local_name(str(child.tag)) != "byttl":
                parts.append(" ".join(child.itertext()))
            parts.append(child.tail or "")
        names.extend(authors_of(" ".join(parts)))
    return dedupe(names)


def _dateline(root: Element) -> str:
    for dateline in find(root, "dateline"):
        place = _first_text(dateline, "location")
        if place:
            return place
        parts = [dateline.text or ""] + [
            (" ".join(c.itertext()) if local_name(str(c.tag)) != "story.date" else "")
            + (c.tail or "") for c in dateline]
        text = clean_text(" ".join(parts)).strip(" ,-–—")
        if text:
            return text
    return ""


def _copyright(root: Element) -> str:
    for found in find(root, "doc.copyright"):
        holder, year = found.get("holder") or "", found.get("year") or ""
        if holder:
            return clean_text(f"© {year} {holder}")
    return _first_text(root, "copyrite")


def _terms(root: Element, settings: ReadSettings) -> dict[str, tuple[str, ...]]:
    places: list[str] = []
    for evloc in find(root, "evloc"):
        places += [clean_text(evloc.get(k)) for k in ("city", "state-prov") if evloc.get(k)]
    people: list[str] = []
    orgs: list[str] = []
    for content in find(root, "identified-content"):
        for location in find(content, "location"):
            parts = [clean_text(" ".join(e.itertext())) for e in find(
                location, "city", "country", "region", "state")]
            places += parts or [clean_text(" ".join(location.itertext()))]
        people += [clean_text(" ".join(p.itertext())) for p in find(content, "person")]
        orgs += [clean_text(" ".join(o.itertext())) for o in find(content, "org")]
    subjects: list[str] = []
    for subject in find(root, "tobject.subject"):
        names = [name for k in ("type", "matter", "detail")
                 if (name := clean_text(subject.get(f"tobject.subject.{k}")))]
        subjects += names or [iptc_subject(subject.get("tobject.subject.refnum") or "")]
    topics = [clean_text(k.get("key")) for k in find(root, "keyword")]
    found = {"topics": topics, "places": places, "people": people, "organizations": orgs,
             "subjects": subjects}
    return {name: kept for name, values in found.items()
            if name in settings.term_keys and (kept := dedupe(v for v in values if v))}
