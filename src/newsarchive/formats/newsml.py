"""NewsML-G2 (``newsMessage``, ``newsItem``, ``packageItem``) and NewsML 1.x (``NewsML``).

One article per text item: a G2 ``newsItem`` of class ``ninat:text`` with its
``contentSet/inlineXML`` (XHTML or NITF) or ``inlineData``; a NewsML 1.x
``NewsItem`` with ``ContentItem``s whose ``DataContent`` holds NITF, XHTML or
text.  Pictures, videos, packages (which list items kept in other files) and
other items are counted and skipped with a note; a picture item of the same
message gives its remote rendition as an image of the text it goes with.

The G2 mapping::

    contentMeta/headline, itemMeta/title    -> title
    inlineXML XHTML body / NITF body.content -> body, HTML
    firstCreated, contentCreated, versionCreated -> published (versionCreated,
                                               contentModified -> updated)
    by, creator/name (a full name)          -> authors
    dateline ("London (dpa) -"), located    -> dateline, agency
    creditline, provider                    -> agency; provider name -> source
    subject by type: cpnat:geoArea/poi -> places, cpnat:person -> people,
    cpnat:organisation -> organizations, others -> subjects (by name, or an
    IPTC code's top level); keyword -> topics
    language@tag, rightsInfo/copyrightNotice, embargoed (future: a draft)
    link rel=irel:seeAlso                   -> extra["links"]

The G2 metadata fields are read in :mod:`newsarchive.formats.newsml_meta`; the
XML helpers shared with NITF are in :mod:`newsarchive.formats.agency`.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from newsarchive.config import ReadSettings
from newsarchive.errors import Diagnostic
from newsarchive.formats.agency import (
    HtmlWriter,
    child,
    compact_date,
    find,
    first_text,
    iptc_subject,
    line_of,
    root_of,
    title_from_body,
)
from newsarchive.formats.common import authors_of, clean_text, local_name, parse_xml
from newsarchive.formats.newsml_meta import (
    DATELINE,
    embargo_draft,
    g2_authors,
    g2_dateline,
    g2_extra,
    g2_holder,
    g2_info_source,
    g2_lang,
    g2_summary,
    g2_terms,
    party,
)
from newsarchive.model import Article, Image, ReadResult
from newsarchive.pipeline.read.fields import dedupe
from newsarchive.urls import safe_url

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["G2_NAMESPACE", "SUFFIXES", "read", "sniff"]

SUFFIXES: tuple[str, ...] = (".newsml",)
G2_NAMESPACE = "http://iptc.org/std/nar/2006-10-01/"
_G2_ROOTS = ("newsMessage", "newsItem", "packageItem")
_G2_ITEMS = ("newsItem", "packageItem", "conceptItem", "knowledgeItem", "planningItem")


def sniff(head: bytes) -> bool:
    """Whether ``head`` starts a NewsML 1.x document or a NewsML-G2 message or item."""
    root = root_of(head)
    if root is None:
        return False
    name, namespaces = root
    return name == "NewsML" or (name in _G2_ROOTS and G2_NAMESPACE in namespaces)


def read(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """Read every text item of a NewsML file; raises ContentError for XML that
    cannot be read (not well-formed, entity declarations)."""
    root = parse_xml(source_path, data)
    name = local_name(root.tag)
    if name == "NewsML":
        items = find(root, "NewsItem")
        reader = _v1_article
    else:
        items = [root] if name in _G2_ITEMS else [
            e for e in root.iter() if isinstance(e.tag, str) and local_name(e.tag) in _G2_ITEMS]
        reader = _g2_article
    texts = [item for item in items if _kind(item) == "text"]
    skipped = [_kind(item) for item in items if _kind(item) != "text"]
    pictures = [item for item in items if _kind(item) == "picture"]
    articles: list[Article] = []
    diagnostics: list[Diagnostic] = []
    for index, item in enumerate(texts, 1):
        guid = item.get("guid") or clean_text(" ".join(
            e.text or "" for e in find(item, "PublicIdentifier")))
        record = "" if len(texts) == 1 else guid or str(index)
        line = line_of(data, guid.encode()) if guid else 1
        linked = pictures if len(texts) == 1 else [
            p for p in pictures if p.get("guid") in _residrefs(item)]
        article, found = reader(source_path, item, settings, record, line)
        diagnostics += found
        if article is not None:
            images = [*article.images, *(i for p in linked for i in _picture_images(p))]
            articles.append(replace(article, images=tuple(dict.fromkeys(images))))
    if skipped:
        counts = ", ".join(f"{skipped.count(k)} {k}" for k in dict.fromkeys(skipped))
        diagnostics.append(Diagnostic(
            source_path, 1, 0, f"skipped {len(skipped)} item(s) that are not text ({counts})",
            "pictures, videos and packages (lists of items kept in other files) are "
            "not articles", "warning"))
    elif not items:
        diagnostics.append(Diagnostic(source_path, 1, 0, "no news item in this NewsML file",
                                      "", "warning"))
    return ReadResult(tuple(articles), tuple(diagnostics))


def _kind(item: Element) -> str:
    """``text``, ``picture``, ``video``, ``package`` ... : what an item holds."""
    if local_name(item.tag) == "packageItem":
        return "package"
    if local_name(item.tag) == "NewsItem":
        types = {(m.get("FormalName") or "").lower() for m in find(item, "MediaType")}
        return "text" if "text" in types or (not types and find(item, "DataContent")) else (
            sorted(types)[0] if types else "empty")
    if local_name(item.tag) != "newsItem":
        return local_name(item.tag)
    classes = [c.get("qcode") or "" for c in find(item, "itemClass")]
    kind = classes[0].rpartition(":")[2].lower() if classes else ""
    if kind in ("text", "") and (find(item, "inlineXML") or find(item, "inlineData")):
        return "text"
    return kind or "empty"


def _residrefs(item: Element) -> set[str]:
    return {link.get("residref") or "" for link in find(item, "link")}


def _picture_images(item: Element) -> list[Image]:
    caption = first_text(item, "description") or first_text(item, "headline")
    found = [r for r in find(item, "remoteContent")
             if (r.get("contenttype") or "image/").startswith("image/")]
    found.sort(key=lambda r: -int(r.get("width") or 0) if (r.get("width") or "").isdigit()
               else 0)
    for remote in found:
        url = safe_url(remote.get("href"), "image")
        if url:
            return [Image(url, caption, caption)]
    return []


# --- NewsML-G2 ---

def _g2_article(source_path: str, item: Element, settings: ReadSettings, record: str,
                line: int) -> tuple[Article | None, list[Diagnostic]]:
    where = f"item {record}: " if record else ""
    meta, content = child(item, "itemMeta"), child(item, "contentMeta")
    body, writer, lead_title = _g2_body(item)
    diagnostics = [Diagnostic(source_path, line, 0, f"{where}dropped the unsafe URL "
                              f"{url[:80]!r}", "only http(s) links and images are kept",
                              "warning") for url in dedupe(writer.refused)]
    title = first_text(content, "headline") if content is not None else ""
    title = title or (first_text(meta, "title") if meta is not None else "") or lead_title
    if not title:
        title = title_from_body(body)
        if not title:
            return None, [*diagnostics, Diagnostic(source_path, line, 0, f"{where}no title",
                                                   "give the item a contentMeta/headline")]
        diagnostics.append(Diagnostic(source_path, line, 0, f"{where}no headline; using the "
                                      "body's first words", "", "warning"))
    if not body:
        diagnostics.append(Diagnostic(source_path, line, 0, f"{where}the item has an empty "
                                      "body", "", "warning"))
    dates = {name: compact_date(first_text(item, name), settings.timezone) for name in (
        "firstCreated", "contentCreated", "versionCreated", "contentModified", "embargoed",
        "sent")}
    published = (dates["firstCreated"] or dates["contentCreated"] or dates["versionCreated"]
                 or dates["sent"])
    updated = dates["versionCreated"] or dates["contentModified"]
    dateline, agency = g2_dateline(content, writer.skipped.get("dateline", ""))
    extra = g2_extra(item, meta, content)
    draft, notes = embargo_draft(dates["embargoed"], published, extra)
    diagnostics += [Diagnostic(source_path, line, 0, f"{where}{note}", "", "warning")
                    for note in notes]
    provider = child(meta, "provider")
    credit = first_text(content, "creditline").strip(" –-") if content is not None else ""
    return Article(
        source_path=source_path, title=title, body=body, body_format="html", record=record,
        published=published, updated=updated if updated and updated != published else None,
        source=party(provider, full=True) or g2_info_source(content),
        authors=g2_authors(content), dateline=dateline,
        agency=agency or credit or party(provider, full=False),
        copyright=first_text(item, "copyrightNotice") or g2_holder(item),
        lang=g2_lang(item, content), summary=g2_summary(content), terms=g2_terms(
            content, settings), extra=extra, draft=draft, body_line=line,
        images=tuple(writer.images)), diagnostics


def _g2_body(item: Element) -> tuple[str, HtmlWriter, str]:
    """The body HTML of an item, its writer (images, dateline span, refused URLs)
    and the headline of inline NITF, if any."""
    writer = HtmlWriter(skip_classes=frozenset({"dateline"}))
    for inline in find(item, "inlineXML"):
        nitf = find(inline, "nitf")
        if nitf:
            for media in find(nitf[0], "media"):
                writer.media(media)
            body = "\n".join(writer.inner(c) for c in find(nitf[0], "body.content"))
            return body, writer, first_text(nitf[0], "hl1")
        bodies = find(inline, "body")
        body = writer.inner(bodies[0] if bodies else inline)
        if body:
            return body, writer, ""
    for data in find(item, "inlineData"):
        paragraphs = re.split(r"\n\s*\n", (data.text or "").strip())
        body = "\n".join(f"<p>{html.escape(p.strip(), quote=False)}</p>"
                         for p in paragraphs if p.strip())
        if body:
            return body, writer, ""
    return "", writer, ""


# --- NewsML 1.x ---

def _v1_article(source_path: str, item: Element, settings: ReadSettings, record: str,
                line: int) -> tuple[Article | None, list[Diagnostic]]:
    where = f"item {record}: " if record else ""
    writer = HtmlWriter(skip_classes=frozenset({"dateline"}))
    parts: list[str] = []
    nitf_title = ""
    for content in find(item, "ContentItem"):
        media = {(m.get("FormalName") or "").lower() for m in find(content, "MediaType")}
        if media & {"photo", "picture", "image", "graphic"}:
            caption = first_text(content, "Caption")
            url = safe_url(content.get("Href"), "image")
            if url:
                writer.images.append(Image(url, caption, caption))
            continue
        for data in find(content, "DataContent"):
            nitf = find(data, "nitf")
            if nitf:
                nitf_title = nitf_title or first_text(nitf[0], "hl1")
                parts += [writer.inner(c) for c in find(nitf[0], "body.content")]
                continue
            bodies = find(data, "body")
            inner = writer.inner(bodies[0] if bodies else data)
            if inner and "<" not in inner:  # plain text: paragraphs by blank lines
                inner = "\n".join(f"<p>{p.strip()}</p>" for p in re.split(r"\n\s*\n", inner)
                                  if p.strip())
            parts.append(inner)
    body = "\n".join(p for p in parts if p)
    title = first_text(item, "HeadLine") or nitf_title or title_from_body(body)
    if not title:
        return None, [Diagnostic(source_path, line, 0, f"{where}no title",
                                 "give the item a NewsLines/HeadLine")]
    first = compact_date(first_text(item, "FirstCreated"), settings.timezone)
    revised = compact_date(first_text(item, "ThisRevisionCreated"), settings.timezone)
    published = first or revised
    status = {(s.get("FormalName") or "").lower() for s in find(item, "Status")}
    change = next((compact_date(first_text(s, "DateAndTime"), settings.timezone)
                   for s in find(item, "StatusWillChange")), None)
    extra: dict[str, Any] = {"guid": record} if record else {}
    draft, notes = embargo_draft(change if "embargoed" in status else None, published, extra)
    dateline = first_text(item, "DateLine")
    match = DATELINE.fullmatch(dateline)
    terms = _v1_terms(item, settings)
    return Article(
        source_path=source_path, title=title, body=body, body_format="html", record=record,
        published=published, updated=revised if revised and revised != published else None,
        authors=authors_of(first_text(item, "ByLine")),
        dateline=match.group(1).strip(" ,") if match else dateline.strip(" -–—"),
        agency=match.group(2) if match else first_text(item, "CreditLine"),
        source=next((clean_text(p.get("FormalName")) for s in find(item, "Provider")
                     for p in find(s, "Party") if p.get("FormalName")), ""),
        copyright=first_text(item, "CopyrightLine", "CopyrightHolder"),
        lang=next((lang.get("FormalName") or "" for lang in find(item, "Language")), ""),
        summary=first_text(item, "SubHeadLine"), terms=terms, extra=extra, draft=draft,
        body_line=line, images=tuple(writer.images),
    ), [Diagnostic(source_path, line, 0, f"{where}{note}", "", "warning") for note in notes]


def _v1_terms(item: Element, settings: ReadSettings) -> dict[str, tuple[str, ...]]:
    subjects = [iptc_subject(s.get("FormalName") or "") for s in find(
        item, "Subject", "SubjectMatter", "SubjectDetail")]
    places = [clean_text(p.get("Value")) for location in find(item, "Location")
              for p in find(location, "Property")
              if (p.get("FormalName") or "").lower() in ("city", "country", "countryarea",
                                                         "worldregion")]
    topics = [clean_text(k.text) for k in find(item, "KeywordLine")]
    found = {"subjects": subjects, "places": places, "topics": topics}
    return {name: kept for name, values in found.items()
            if name in settings.term_keys and (kept := dedupe(v for v in values if v))}
