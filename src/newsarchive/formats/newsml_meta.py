"""The metadata of NewsML items: what a NewsML-G2 item's ``itemMeta`` and
``contentMeta`` say (provider and source, authors, dateline, language, summary,
extra keys, terms by subject type), and the dateline pattern and embargo rule
both NewsML versions share.  The mapping is in :mod:`newsarchive.formats.newsml`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from newsarchive.config import ReadSettings
from newsarchive.formats.agency import child, children, find, first_text, iptc_subject
from newsarchive.formats.common import authors_of, clean_text
from newsarchive.pipeline.read.fields import dedupe
from newsarchive.urls import safe_url

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["DATELINE", "embargo_draft", "g2_authors", "g2_dateline", "g2_extra", "g2_holder",
           "g2_info_source", "g2_lang", "g2_summary", "g2_terms", "party"]

#: A dateline naming its agency: ``London (dpa) -`` (place, agency).
DATELINE = re.compile(r"(.*?)\s*\(([^()]{1,30})\)\s*[-–—_]*\s*")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TERM_OF_TYPE = {"cpnat:geoArea": "places", "cpnat:poi": "places", "cpnat:person": "people",
                 "cpnat:organisation": "organizations", "cpnat:organization": "organizations"}


def party(element: Element | None, full: bool) -> str:
    """A provider's name (``full``) or its short form: literal, or qcode code."""
    if element is None:
        return ""
    name = first_text(element, "name")
    short = element.get("literal") or (element.get("qcode") or "").rpartition(":")[2]
    return clean_text(name or short) if full else clean_text(short or name)


def g2_info_source(content: Element | None) -> str:
    """The first ``infoSource`` named by a literal, or ``""``."""
    return next((clean_text(s.get("literal")) for s in children(content, "infoSource")
                 if s.get("literal")), "")


def g2_holder(item: Element) -> str:
    """``© holder`` of the item's first ``copyrightHolder``, or ``""``."""
    holder = next((party(h, full=True) for h in find(item, "copyrightHolder")), "")
    return f"© {holder}" if holder else ""


def g2_lang(item: Element, content: Element | None) -> str:
    """The item's language: ``language@tag``, else ``xml:lang``, else ``""``."""
    tags = [lang.get("tag") for lang in children(content, "language") if lang.get("tag")]
    return tags[0] if tags and tags[0] else item.get(_XML_LANG) or ""


def g2_summary(content: Element | None) -> str:
    """The first ``description`` that is no caption, or ``""``."""
    for description in children(content, "description"):
        if "caption" not in (description.get("role") or ""):
            text = clean_text(" ".join(description.itertext()))
            if text:
                return text
    return ""


def g2_authors(content: Element | None) -> tuple[str, ...]:
    """The names of the byline (``by``), else the creators with a full name."""
    byline = " ".join(" ".join(b.itertext()) for b in children(content, "by")).strip()
    if byline:
        return authors_of(byline)
    names = [first_text(c, "name") for c in children(content, "creator")]
    # A creator named without a space is an account ("degenhardt.sandra") or an agency.
    return dedupe(n for n in names if " " in n)


def g2_dateline(content: Element | None, span: str) -> tuple[str, str]:
    """The dateline place and agency: ``<dateline>London (dpa) - </dateline>``, a
    dateline span of the body, or the ``located`` name; a date is no dateline."""
    for text in (*(clean_text(" ".join(d.itertext())) for d in children(content, "dateline")),
                 span):
        if text and not text[0].isdigit():
            match = DATELINE.fullmatch(text)
            return (match.group(1).strip(" ,"), match.group(2)) if match else (
                text.strip(" -–—"), "")
    located = child(content, "located")
    return (first_text(located, "name") if located is not None else ""), ""


def embargo_draft(embargo: datetime | None, published: datetime | None,
                  extra: dict[str, Any]) -> tuple[bool, list[str]]:
    """Whether an item is a draft (embargoed until later than now) and the notes
    to give (embargoed, undated); the embargo is kept in ``extra``."""
    notes: list[str] = []
    if published is None:
        notes.append("undated: no firstCreated, contentCreated or versionCreated; kept "
                     "without a date")
    if embargo is None:
        return False, notes
    extra["embargo"] = embargo.isoformat()
    if embargo > datetime.now(UTC):
        notes.append(f"embargoed until {embargo.isoformat()}; kept as a draft")
        return True, notes
    return False, notes


def g2_extra(item: Element, meta: Element | None, content: Element | None
             ) -> dict[str, Any]:
    """The item's ``extra`` keys: guid, version, urgency, slugline, usage terms,
    genres and ``seeAlso`` links."""
    extra: dict[str, Any] = {}
    for key, value in (("guid", item.get("guid")), ("version", item.get("version")),
                       ("urgency", first_text(content, "urgency") if content is not None else ""),
                       ("slugline", first_text(content, "slugline") if content is not None else ""),
                       ("usage_terms", first_text(item, "usageTerms"))):
        if value:
            extra[key] = value
    genres = dedupe(first_text(g, "name") or (g.get("qcode") or "")
                    for g in children(content, "genre"))
    if genres:
        extra["genre"] = list(genres)
    links = dedupe(url for link in children(meta, "link")
                   if "seeAlso" in (link.get("rel") or "")
                   and (url := safe_url(link.get("href"), "link")))
    if links:
        extra["links"] = list(links)
    return extra


def _g2_name(subject: Element) -> str:
    names = children(subject, "name")
    display = [n for n in names if (n.get("role") or "nrol:display") == "nrol:display"]
    for name in display or names:
        text = clean_text(" ".join(name.itertext()))
        if text:
            return text
    return iptc_subject(subject.get("qcode") or "")


def g2_terms(content: Element | None, settings: ReadSettings) -> dict[str, tuple[str, ...]]:
    """The terms of an item by taxonomy (those ``settings`` knows): subjects by type,
    the ``located`` place and keywords."""
    found: dict[str, list[str]] = {"topics": [], "places": [], "people": [],
                                   "organizations": [], "subjects": []}
    located = child(content, "located")
    if located is not None:
        found["places"].append(_g2_name(located))
    for subject in children(content, "subject"):
        kind = subject.get("type") or ""
        name = _g2_name(subject)
        # A point of interest is named with its address: the place is its first part.
        found[_TERM_OF_TYPE.get(kind, "subjects")].append(
            name.split(",")[0] if kind == "cpnat:poi" else name)
    for kind, name in (("people", "person"), ("organizations", "organisation")):
        found[kind] += [_g2_name(s) for s in children(content, name)]
    found["topics"] += [clean_text(k.text) for k in children(content, "keyword")]
    return {name: kept for name, values in found.items()
            if name in settings.term_keys and (kept := dedupe(v for v in values if v))}
