"""IPTC ninjs 1.x and 2.x (news in JSON): one article per text or composite item.

A file holds one item or an array of them.  Each ``text``/``composite`` item
maps to an :class:`~newsarchive.model.Article`: ``headline`` (2.x:
``headlines``, the ``main`` one first); ``body_html``/``body_xhtml`` (2.x:
``bodies`` of an HTML type) as an HTML body, else ``body_text`` as prose;
``description_text``/``description_html`` (2.x: ``descriptions``) as the
summary; ``firstcreated`` as ``published`` and ``versioncreated`` as
``updated`` (``versioncreated`` is the date when there is no
``firstcreated``); ``byline``/``by``, else ``authors``, as authors;
``subject`` names as subjects (a leading ``#`` dropped; codes without a name
kept in ``extra["subject_codes"]``); ``keywords`` as topics;
``place``/``places``, ``organisation``/``organisations``,
``person``/``people`` as places, organizations and people; ``located`` as
dateline; ``language``; ``copyrightnotice`` (else ``copyrightholder``) as
copyright; ``source`` as source; pictures among ``associations`` as images
(their widest rendition with a safe http(s) address).  ``uri``/``guid`` is kept as
``extra["guid"]``, with ``usageterms``, ``embargoed``, ``pubstatus``,
``urgency``, ``slugline``, ``ednote`` and other agency fields.

An item embargoed until a moment still to come, or whose ``pubstatus`` is
``withheld`` or ``canceled``, is a draft (with a warning).  Items of other
types (``picture``, ``video``...) are not articles: they are counted and
skipped with one warning.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError, Diagnostic
from newsarchive.formats.common import authors_of, clean_text, date_of
from newsarchive.formats.feeds import ascii_head, images_of, text_body, title_from
from newsarchive.formats.jsonfeed import line_of, load_json
from newsarchive.model import Article, BodyFormat, ReadResult
from newsarchive.pipeline.read.fields import dedupe, plain
from newsarchive.pipeline.read.text import detect_lang
from newsarchive.urls import safe_url

__all__ = ["SUFFIXES", "read", "sniff"]

SUFFIXES: tuple[str, ...] = (".ninjs",)

_ID = re.compile(rb'"(?:uri|guid)"\s*:')
_SIGNS = (
    re.compile(rb'"versioncreated"\s*:'),
    re.compile(rb'"firstcreated"\s*:'),
    re.compile(rb'"headlines?"\s*:'),
    re.compile(rb'"(?:body_html|body_text|body_xhtml|bodies)"\s*:'),
    re.compile(rb'"type"\s*:\s*"(?:text|composite|picture|graphic|video|audio|component)"'),
)
_ARTICLE_TYPES = ("text", "composite")
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_EXTRA_KEYS = ("usageterms", "embargoed", "pubstatus", "urgency", "priority", "slugline",
               "ednote", "version", "profile", "copyrightholder", "genre", "service")


def sniff(head: bytes) -> bool:
    """Whether ``head`` starts a ninjs item (or an array of them): JSON with a
    ``uri`` or ``guid`` and at least two of the fields that mark a news item."""
    text = ascii_head(head).lstrip()
    if not text.startswith((b"{", b"[")) or _ID.search(text) is None:
        return False
    return sum(1 for sign in _SIGNS if sign.search(text)) >= 2


def read(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """One article per text or composite item of the ninjs file in ``data``.

    Raises ContentError when the file is not valid JSON or holds no object;
    an item without headline and body is an error for that item alone.
    """
    value, text, removed = load_json(source_path, data)
    many = isinstance(value, list)
    items = value if isinstance(value, list) else [value]
    if not items or not any(isinstance(item, dict) for item in items):
        raise ContentError(Diagnostic(source_path, 1, 1, "not a ninjs item: no JSON object",
                                      "a ninjs file holds one item object or an array of them"))
    diagnostics = [removed.diagnostic(source_path)] if removed is not None else []
    articles: list[Article] = []
    skipped: dict[str, int] = {}
    offset = 0
    for index, item in enumerate(items):
        record = str(index) if many else ""
        if not isinstance(item, dict):
            diagnostics.append(Diagnostic(source_path, 0, 0, f"item {index} is not an object",
                                          "each ninjs item is a JSON object"))
            continue
        kind = str(item.get("type") or "text").lower()
        if kind not in _ARTICLE_TYPES:
            skipped[kind] = skipped.get(kind, 0) + 1
            continue
        key = "uri" if "uri" in item else "guid"
        line, offset = line_of(text, key, item.get(key), offset) if many else (1, 0)
        article, found = _article(source_path, record, line, item, settings)
        diagnostics.extend(found)
        if article is not None:
            articles.append(article)
    if skipped:
        counted = ", ".join(f"{count} {kind}" for kind, count in sorted(skipped.items()))
        diagnostics.append(Diagnostic(
            source_path, 0, 0, f"skipped {sum(skipped.values())} item(s) that are not "
            f"articles ({counted})", "only ninjs items of type text or composite are read",
            "warning"))
    return ReadResult(tuple(articles), tuple(diagnostics))


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _values(value: Any, role: str = "main") -> list[dict[str, Any]]:
    """A ninjs 2.x list of ``{value, role, contenttype}`` objects, ``role`` first."""
    found = [v for v in value if isinstance(v, dict) and isinstance(v.get("value"), str)] \
        if isinstance(value, list) else []
    return sorted(found, key=lambda v: v.get("role") != role)


def _title(item: dict[str, Any]) -> str:
    title = clean_text(_string(item.get("headline")))
    if not title:
        title = next((clean_text(v["value"]) for v in _values(item.get("headlines"))), "")
    return title


def _body(item: dict[str, Any]) -> tuple[str, BodyFormat]:
    for key in ("body_html", "body_xhtml"):
        html = _string(item.get(key)).strip()
        if html:
            return html, "html"
    bodies = _values(item.get("bodies"))
    for body in bodies:
        if str(body.get("contenttype") or "").lower() in _HTML_TYPES and body["value"].strip():
            return body["value"].strip(), "html"
    text = _string(item.get("body_text")) or next((b["value"] for b in bodies), "")
    return text_body(text), "text"


def _summary(item: dict[str, Any]) -> str:
    return clean_text(_string(item.get("description_text"))
                      or _string(item.get("description_html"))
                      or next((d["value"] for d in _values(item.get("descriptions"))), ""))


def _names(item: dict[str, Any], *keys: str) -> tuple[str, ...]:
    """The ``name`` of each object (or each string) listed under ``keys``."""
    names: list[str] = []
    for key in keys:
        listed = item.get(key)
        for entry in listed if isinstance(listed, list) else [listed] if listed else ():
            name = entry.get("name") if isinstance(entry, dict) else entry
            if isinstance(name, str):
                names.append(clean_text(name).lstrip("#").strip())
    return dedupe(names)


def _terms(item: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    terms = {
        "subjects": _names(item, "subject", "subjects"),
        "topics": _names(item, "keywords"),
        "places": _names(item, "place", "places"),
        "organizations": _names(item, "organisation", "organisations", "organization"),
        "people": _names(item, "person", "people"),
    }
    return {taxonomy: names for taxonomy, names in terms.items() if names}


def _subject_codes(item: dict[str, Any]) -> list[str]:
    """Codes of subjects given without a name (``medtop:20000763``)."""
    subjects = item.get("subject") or item.get("subjects")
    return [str(s.get("code") or s.get("uri")) for s in subjects
            if isinstance(s, dict) and not s.get("name") and (s.get("code") or s.get("uri"))
            ] if isinstance(subjects, list) else []


def _width(rendition: dict[str, Any]) -> int:
    width = rendition.get("width")
    return width if isinstance(width, int) else 0


def _images(item: dict[str, Any]) -> list[tuple[Any, Any, str]]:
    """(href, type, caption) of the widest image rendition of each associated picture."""
    associations = item.get("associations")
    linked = list(associations.values()) if isinstance(associations, dict) else \
        associations if isinstance(associations, list) else []
    candidates: list[tuple[Any, Any, str]] = []
    for picture in linked:
        if not isinstance(picture, dict) or picture.get("type") not in ("picture", "graphic"):
            continue
        renditions = picture.get("renditions")
        found = list(renditions.values()) if isinstance(renditions, dict) else \
            renditions if isinstance(renditions, list) else []
        usable = [r for r in found if isinstance(r, dict) and safe_url(r.get("href"), "image")]
        if not usable:
            continue
        widest = max(usable, key=_width)
        kind = widest.get("mimetype") or widest.get("contenttype") or "image"
        caption = _string(picture.get("description_text")) or _string(picture.get("headline"))
        candidates.append((widest["href"], kind, caption))
    return candidates


def _draft(source_path: str, line: int, where: str, item: dict[str, Any]
           ) -> tuple[bool, list[Diagnostic]]:
    """Whether the item may not be published yet (embargo to come, withheld)."""
    embargo = date_of(item.get("embargoed"), "UTC")
    if embargo is not None and embargo > datetime.now(UTC):
        return True, [Diagnostic(source_path, line, 0,
                                 f"{where} is embargoed until {embargo.isoformat()}; "
                                 "kept as a draft", "build after the embargo", "warning")]
    status = _string(item.get("pubstatus")).lower()
    if status in ("withheld", "canceled", "cancelled"):
        return True, [Diagnostic(source_path, line, 0, f"{where} is {status}; kept as a draft",
                                 "", "warning")]
    return False, []


def _article(source_path: str, record: str, line: int, item: dict[str, Any],
             settings: ReadSettings) -> tuple[Article | None, list[Diagnostic]]:
    where = f"item {record}" if record else "the item"
    body, body_format = _body(item)
    title = _title(item) or title_from(body, body_format)
    if not title:
        return None, [Diagnostic(source_path, line, 0, f"{where}: no title",
                                 "give the item a 'headline' or a body")]
    diagnostics: list[Diagnostic] = []
    published = date_of(item.get("firstcreated"), settings.timezone)
    updated = date_of(item.get("versioncreated"), settings.timezone)
    if published is None:
        published, updated = updated, None
    if published is None:
        diagnostics.append(Diagnostic(
            source_path, line, 0, f"undated: {where} has no date; kept without a date",
            "give the item a 'firstcreated' or 'versioncreated'", "warning"))
    draft, found = _draft(source_path, line, where, item)
    diagnostics.extend(found)
    extra: dict[str, Any] = {key: plain(item[key]) for key in _EXTRA_KEYS
                             if item.get(key) not in (None, "", [], {})}
    guid = item.get("uri") or item.get("guid")
    if guid:
        extra["guid"] = plain(guid)
    codes = _subject_codes(item)
    if codes:
        extra["subject_codes"] = codes
    lang = clean_text(_string(item.get("language")))
    article = Article(
        source_path=source_path, title=title, body=body, body_format=body_format,
        record=record, published=published,
        updated=updated if updated is not None and updated != published else None,
        source=clean_text(_string(item.get("source"))),
        authors=authors_of(item.get("byline") or item.get("by")) or authors_of(
            item.get("authors")),
        dateline=clean_text(_string(item.get("located"))),
        copyright=clean_text(_string(item.get("copyrightnotice"))
                             or _string(item.get("copyrightholder"))),
        lang=lang or detect_lang(f"{title}\n{clean_text(body[:2000])}"),
        summary=_summary(item), terms=_terms(item), extra=extra, draft=draft,
        body_line=line or 1, images=images_of(_images(item)))
    return article, diagnostics
