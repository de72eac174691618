"""What the agency XML readers (:mod:`~newsarchive.formats.nitf`,
:mod:`~newsarchive.formats.newsml`) share.

- :func:`root_of` reads the root element of a file from its first bytes (for
  the sniffers);
- :func:`compact_date` reads ISO 8601 dates, basic (``20240131T101500+0100``)
  or extended; :func:`iptc_subject` names an IPTC subject code's top level;
- :class:`HtmlWriter` writes XML content (NITF ``body.content``, an XHTML
  ``body``) as plain HTML and collects its images;
- :func:`find`, :func:`first_text`, :func:`children` and :func:`child` find
  elements by local name; :func:`title_from_body` and :func:`line_of` give a
  title and a line when the document does not.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from newsarchive.formats.common import clean_text, date_of, local_name
from newsarchive.model import Image
from newsarchive.urls import safe_url

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["HtmlWriter", "child", "children", "compact_date", "find", "first_text",
           "iptc_subject", "line_of", "root_of", "title_from_body"]

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


def first_text(element: Element, *names: str) -> str:
    """The first non-empty text of a descendant (or ``element``) named one of ``names``."""
    for found in find(element, *names):
        text = clean_text(" ".join(found.itertext()))
        if text:
            return text
    return ""


def children(element: Element | None, name: str) -> list[Element]:
    """The children of ``element`` (none when it is None) with the local ``name``."""
    if element is None:
        return []
    return [c for c in element if isinstance(c.tag, str) and local_name(c.tag) == name]


def child(element: Element | None, name: str) -> Element | None:
    """The first child of ``element`` with the local ``name``, or None."""
    found = children(element, name)
    return found[0] if found else None


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
