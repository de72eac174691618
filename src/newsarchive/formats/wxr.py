"""WordPress eXtended RSS (WXR 1.0-1.2) exports: one article per post or page.

A WXR file is an RSS 2.0 document whose ``<channel>`` carries
``wp:wxr_version`` (namespace ``http://wordpress.org/export/1.x/``).  It is
read as a stream (:func:`defusedxml.ElementTree.iterparse`): each ``<item>``
is turned into what it holds and then dropped from the tree, so an export of
thousands of posts keeps memory flat.  DTDs declaring entities (XML bombs) are
refused for the whole file.

Per item of ``wp:post_type`` ``post`` or ``page``:

- title: ``<title>`` as plain text (empty: the body's first sentence, with a
  warning; no body either: an error for that item);
- body: ``content:encoded`` as HTML.  Classic-editor content is stored
  without paragraph tags (WordPress adds them when showing it): content
  without any block tag gets its blank-line-separated paragraphs wrapped in
  ``<p>`` and its remaining newlines turned into ``<br>``, as WordPress does;
- summary: ``excerpt:encoded``; slug: ``wp:post_name``; record: ``wp:post_id``;
- published: ``wp:post_date_gmt`` (UTC), else ``wp:post_date`` in
  ``settings.timezone`` (``0000-00-00 00:00:00`` means none); updated likewise
  from ``wp:post_modified_gmt``/``wp:post_modified``;
- authors: the display name of the login in ``dc:creator`` (the channel's
  ``wp:author`` entries map ``wp:author_login`` to ``wp:author_display_name``);
- topics: ``<category>`` elements of domain ``category``, ``post_tag`` or
  ``tag`` (and none); other taxonomies are kept in ``extra["wp_terms"]``;
- original URL: ``<link>``, else a ``<guid>`` that is an http(s) address;
- status: ``publish`` is an article; ``draft``, ``pending``, ``private``,
  ``future`` and password-protected posts are drafts (``draft=True``: the
  build leaves them out unless ``read.include_drafts``); ``trash`` is skipped.

Attachments (``wp:post_type`` ``attachment``) become the images of the post
named by their ``wp:post_parent`` (the one the post's ``_thumbnail_id`` names
first); menu items, revisions and other types are ignored.  One warning per
file counts what was not built.  The channel ``<title>`` is every article's
source, its ``<language>`` their language.

A file that stops being well-formed part-way keeps the articles read before
the break, with a located error; with none read it is a ContentError.

The items themselves are read in :mod:`newsarchive.formats.wxr_items`.
"""

from __future__ import annotations

import codecs
import io
import re
import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import replace
from typing import Any

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError, Diagnostic
from newsarchive.formats.common import clean_text, local_name
from newsarchive.formats.wxr_items import Export, add_item, summary_warning, with_images
from newsarchive.model import ReadResult
from newsarchive.pipeline.read.text import Removed

__all__ = ["SUFFIXES", "read", "sniff"]

#: WXR files are ``.xml``: found by :func:`sniff`, never by suffix.
SUFFIXES: tuple[str, ...] = ()

_EXPORT_NS = b"wordpress.org/export/"
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
#: Every C0 control byte XML 1.0 forbids (tab, newline, carriage return are allowed).
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0D))


def sniff(head: bytes) -> bool:
    """Whether ``head`` (a file's first 4096 bytes) opens a WordPress export:
    an ``<rss`` element and the ``wordpress.org/export/`` namespace."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    return b"<rss" in head and _EXPORT_NS in head


class _Located(ET.TreeBuilder):
    """A tree builder that notes the line where each ``<item>`` and its content start."""

    def __init__(self) -> None:
        super().__init__()
        self.expat: Any = None
        self.item_lines: deque[int] = deque()
        self.body_lines: dict[int, int] = {}
        self.items = 0

    def start(self, tag: Any, attrs: Any) -> Any:
        name = local_name(tag)
        line = int(self.expat.CurrentLineNumber) if self.expat is not None else 0
        if name == "item":
            self.items += 1
            self.item_lines.append(line)
        elif name == "encoded" and "content" in tag:
            self.body_lines.setdefault(self.items, line)
        return super().start(tag, attrs)


def _without_controls(data: bytes) -> tuple[bytes, Removed | None]:
    """``data`` without the control bytes XML forbids (exports sometimes carry them
    and no XML parser reads past one); UTF-16 files are left as they are."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data, None
    cleaned = data.translate(None, _CONTROL_BYTES)
    if len(cleaned) == len(data):
        return data, None
    first = next(i for i, b in enumerate(data) if b in _CONTROL_BYTES)
    line = data.count(b"\n", 0, first) + 1
    points = tuple(dict.fromkeys(b for b in data if b in _CONTROL_BYTES))
    return cleaned, Removed(len(data) - len(cleaned), points, line,
                            first - (data.rfind(b"\n", 0, first) + 1) + 1)


def _channel_child(export: Export, element: ET.Element) -> None:
    """Read what the channel says about every item: its title, language, authors."""
    name = local_name(element.tag)
    if name == "title" and not export.source:
        export.source = clean_text(element.text)
    elif name == "language" and _LANG.match((element.text or "").strip()):
        export.lang = (element.text or "").strip()
    elif name == "author":
        login = (element.findtext("{*}author_login") or "").strip()
        shown = clean_text(element.findtext("{*}author_display_name"))
        if login:
            export.authors.setdefault(login, shown or login)


def _parse(export: Export, data: bytes) -> None:
    """Stream ``data`` into ``export``; raises ParseError or DefusedXmlException."""
    builder = _Located()
    parser = safe_et.DefusedXMLParser(target=builder, forbid_dtd=False,
                                      forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    stack: list[ET.Element] = []
    index = 0
    for event, element in safe_et.iterparse(io.BytesIO(data), ("start", "end"), parser):
        if event == "start":
            if not stack and local_name(element.tag) != "rss":
                raise ContentError(Diagnostic(
                    export.source_path, 1, 0, f"not a WordPress export: the root element is "
                    f"<{local_name(element.tag)}>, not <rss>", "export the site again"))
            stack.append(element)
            continue
        stack.pop()
        if len(stack) != 2 or local_name(stack[1].tag) != "channel":
            continue
        if local_name(element.tag) == "item":
            index += 1
            add_item(export, element, index, builder.item_lines.popleft(),
                      builder.body_lines.pop(index, 0))
        else:
            _channel_child(export, element)
        stack[1].remove(element)  # keep memory flat: the item has been read


def read(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """The published posts and pages of a WordPress export (drafts marked ``draft``).

    Raises ContentError when the file declares entities, is not an ``<rss>``
    document, or is malformed before any article was read; a file broken
    later keeps the articles read before the break, with a located error.
    """
    if not data.strip():
        raise ContentError(Diagnostic(source_path, 0, 0, "empty file",
                                      "export the site again"))
    data, removed = _without_controls(data)
    export = Export(source_path, settings)
    if removed is not None:
        export.diagnostics.append(removed.diagnostic(source_path))
    try:
        _parse(export, data)
    except DefusedXmlException as exc:
        raise ContentError(Diagnostic(
            source_path, 0, 0, f"the XML declares entities or external references ({exc}); "
            "not read", "remove the <!DOCTYPE ...> block with its entities")) from None
    except ET.ParseError as exc:
        line, column = exc.position
        error = Diagnostic(source_path, line, column + 1, f"not well-formed XML: {exc}",
                           "the file is damaged or cut short; export it again")
        if not export.articles:
            raise ContentError(error) from None
        export.diagnostics.append(replace(
            error, message=f"{error.message} (the {len(export.articles)} articles before it "
                           "were read)"))
    if not export.articles and not export.ignored and not export.diagnostics:
        export.diagnostics.append(Diagnostic(
            source_path, 0, 0, "the WordPress export holds no posts or pages", "", "warning"))
    articles = with_images(export)
    note = summary_warning(export)
    return ReadResult(tuple(articles), tuple(export.diagnostics) + ((note,) if note else ()))
