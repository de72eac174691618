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

The helpers that turn XML content into HTML and read compact dates are in
:mod:`newsarchive.formats.agency`, shared with :mod:`newsarchive.formats.newsml`,
which meets NITF inside NewsML.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from newsarchive.config import ReadSettings
from newsarchive.errors import Diagnostic
from newsarchive.formats.agency import (
    HtmlWriter,
    compact_date,
    find,
    first_text,
    iptc_subject,
    line_of,
    root_of,
    title_from_body,
)
from newsarchive.formats.common import authors_of, clean_text, local_name, parse_xml
from newsarchive.model import Article, ReadResult
from newsarchive.pipeline.read.fields import dedupe

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["SUFFIXES", "read", "sniff"]

SUFFIXES: tuple[str, ...] = (".nitf",)


def sniff(head: bytes) -> bool:
    """Whether ``head`` starts an XML document whose root element is ``nitf``."""
    root = root_of(head)
    return root is not None and root[0] == "nitf"


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
    title = first_text(root, "hl1") or first_text(root, "title")
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
    summary = first_text(root, "abstract") or first_text(root, "hl2")
    return Article(
        source_path=source_path, title=title, body=body, body_format="html", record=record,
        published=published, source=_source(root), authors=_authors(root),
        dateline=_dateline(root), agency=first_text(root, "distributor"),
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
    named = first_text(root, "doc.source", "doc-source")
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
        place = first_text(dateline, "location")
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
    return first_text(root, "copyrite")


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
