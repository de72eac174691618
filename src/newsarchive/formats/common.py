"""What every format reader does the same way: titles, authors, dates, XML safety.

- :func:`clean_text` turns a field that may hold markup or entities into plain
  text (``IRS &#8211; Usability`` -> ``IRS – Usability``);
- :func:`authors_of` turns bylines and author fields into names (``By Jane Doe
  and John Roe``, ``['Emma Bowman']``, lists, mappings with a ``name``);
- :func:`date_of` reads a date field in any of the forms the readers meet;
- :func:`parse_xml` parses XML with entity expansion and DTDs refused
  (defusedxml), giving a located :class:`~newsarchive.errors.ContentError`.
"""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from newsarchive.errors import ContentError, Diagnostic
from newsarchive.pipeline.read.fields import dedupe
from newsarchive.pipeline.read.rawtext import split_authors

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["authors_of", "clean_text", "date_of", "local_name", "parse_xml", "strip_tags"]

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
#: C0 controls but tab and newline, DEL, C1 controls: never part of a title.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BY = re.compile(r"^\s*(?:by|von|par|por|di|door)\s*[:\-]?\s+", re.IGNORECASE)


def strip_tags(text: str) -> str:
    """``text`` without tags (each becomes a space), entities decoded."""
    return html.unescape(_TAG.sub(" ", text))


def clean_text(value: Any) -> str:
    """A one-line plain-text value: tags removed, entities decoded (twice-escaped
    ones too), control characters dropped, whitespace collapsed."""
    if value is None:
        return ""
    text = str(value)
    for _ in range(2):  # "&amp;#8211;" is an escaped entity: decode both levels
        if "&" not in text and "<" not in text:
            break
        text = strip_tags(text)
    return _SPACE.sub(" ", _CONTROL.sub("", text)).strip()


def _listed(text: str) -> list[str] | None:
    """The names of a Python- or JSON-style list written as text (``['A', 'B']``)."""
    stripped = text.strip()
    if not (stripped.startswith("[") and stripped.endswith("]")):
        return None
    try:
        value = ast.literal_eval(stripped)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return [str(v) for v in value] if isinstance(value, list | tuple) else None


def authors_of(value: Any) -> tuple[str, ...]:
    """Author names from a byline or an author field: ``By`` dropped, lists written
    as text parsed, ``A and B`` split, mappings read by their ``name``."""
    names: list[str] = []

    def add(item: Any) -> None:
        if item is None:
            return
        if isinstance(item, dict):
            add(item.get("name") or item.get("display_name") or item.get("title"))
            return
        if isinstance(item, list | tuple):
            for part in item:
                add(part)
            return
        text = clean_text(item)
        listed = _listed(text)
        if listed is not None:
            for part in listed:
                add(part)
            return
        text = _BY.sub("", text)
        names.extend(split_authors(text))

    add(value)
    return dedupe(names)


def date_of(value: Any, timezone: str = "UTC") -> datetime | None:
    """A date field as an aware datetime (dates without a zone are in ``timezone``),
    or None when it is empty or not a date."""
    from newsarchive.pipeline.read.dates import coerce_date

    if value is None or value == "":
        return None
    try:
        return coerce_date(value.strip() if isinstance(value, str) else value, timezone)
    except (ValueError, TypeError, OverflowError, ContentError):
        return None


def local_name(tag: str) -> str:
    """An element's name without its namespace: ``{http://...}item`` -> ``item``."""
    return tag.rsplit("}", 1)[-1]


def parse_xml(source_path: str, data: bytes) -> Element:
    """The root element of ``data``; DTDs, entity declarations and external
    references are refused (they are how XML bombs and file reads are made).
    Raises ContentError with the line and column of the problem."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as safe
    from defusedxml import DefusedXmlException

    try:
        root: Element = safe.fromstring(data, forbid_dtd=False)
        return root
    except DefusedXmlException as exc:
        raise ContentError(Diagnostic(
            source_path, 0, 0, f"the XML declares entities or external references ({exc}); "
            "not read", "remove the <!DOCTYPE ...> block with its entities")) from None
    except ParseError as exc:
        line, column = exc.position
        raise ContentError(Diagnostic(
            source_path, line, column + 1, f"not well-formed XML: {exc}",
            "the file is damaged or cut short; export it again")) from None


def first(values: Iterable[str]) -> str:
    """The first non-empty of ``values``, or ``""``."""
    return next((v for v in values if v), "")
