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
"""

from __future__ import annotations

import codecs
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import unquote

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError, Diagnostic
from newsarchive.formats.common import clean_text, date_of, local_name, strip_tags
from newsarchive.model import Article, Image, ReadResult
from newsarchive.pipeline.read.fields import dedupe, dropped_url
from newsarchive.pipeline.read.text import Removed
from newsarchive.urls import safe_url

__all__ = ["SUFFIXES", "read", "sniff"]

#: WXR files are ``.xml``: found by :func:`sniff`, never by suffix.
SUFFIXES: tuple[str, ...] = ()

_EXPORT_NS = b"wordpress.org/export/"
_BLOCK = re.compile(r"<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|section|article|"
                    r"aside|header|footer|hr|dl|address|form|fieldset|details)[\s/>]",
                    re.IGNORECASE)
_INLINE = re.compile(r"</?(?:a|b|i|em|strong|span|code|small|sub|sup|u|abbr)\b[^>]*>",
                     re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE = re.compile(r"^(.{1,120}?[.!?])(?:\s|$)")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_TOPIC_DOMAINS = frozenset({"", "category", "post_tag", "tag"})
_IGNORED_DOMAINS = frozenset({"post_format", "nav_menu"})
#: WordPress statuses of posts not meant to be public yet (or at all).
_UNPUBLISHED = {"draft": "draft", "pending": "pending review", "private": "private",
                "future": "scheduled", "auto-draft": "auto-draft"}
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


@dataclass
class _Item:
    """The fields of one ``<item>``, first occurrence of each kept."""

    fields: dict[str, str] = field(default_factory=dict)
    categories: list[tuple[str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


@dataclass
class _Export:
    """What has been read of one export so far."""

    source_path: str
    settings: ReadSettings
    source: str = ""
    lang: str = ""
    authors: dict[str, str] = field(default_factory=dict)
    articles: list[Article] = field(default_factory=list)
    thumbnails: dict[str, str] = field(default_factory=dict)
    images: dict[str, Image] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    records: set[str] = field(default_factory=set)
    drafts: Counter[str] = field(default_factory=Counter)
    ignored: Counter[str] = field(default_factory=Counter)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _item_of(element: ET.Element) -> _Item:
    item = _Item()
    for child in element:
        name, text = local_name(child.tag), child.text or ""
        if name == "encoded":
            name = "excerpt" if "excerpt" in child.tag else "content"
        if name == "category":
            item.categories.append((child.get("domain", ""), clean_text(text)))
        elif name == "postmeta":
            key = (child.findtext("{*}meta_key") or "").strip()
            item.meta.setdefault(key, child.findtext("{*}meta_value") or "")
        else:
            item.fields.setdefault(name, text if name in ("content", "excerpt") else text.strip())
    return item


def _wp_date(value: str, timezone: str) -> datetime | None:
    if not value or value.startswith("0000-00-00"):
        return None
    return date_of(value, timezone)


def _html_body(content: str) -> str:
    """``content`` as HTML: paragraphs wrapped as WordPress's autop does when no
    block tag is there."""
    content = content.strip()
    if not content or _BLOCK.search(content):
        return content
    paragraphs = (p.strip() for p in _BLANK_LINES.split(content.replace("\r\n", "\n")))
    return "\n".join("<p>" + "<br>\n".join(line.strip() for line in p.split("\n")) + "</p>"
                     for p in paragraphs if p)


def _plain(html: str) -> str:
    """``html`` as one line of text, inline tags removed without leaving a space."""
    return clean_text(_INLINE.sub("", html))


def _title_from(body: str) -> str:
    text = " ".join(strip_tags(body).split())
    match = _SENTENCE.match(text)
    if match:
        return clean_text(match.group(1))
    if len(text) <= 120:
        return clean_text(text)
    return clean_text(text[:120].rsplit(" ", 1)[0]) + "…"


def _url(export: _Export, item: _Item, line: int) -> str:
    for key, value in (("link", item.get("link")), ("guid", item.get("guid"))):
        if not value:
            continue
        url = safe_url(value, "page")
        if url is not None:
            return url
        export.diagnostics.append(dropped_url(export.source_path, line, 0, key, value))
    return ""


def _terms(item: _Item) -> tuple[dict[str, tuple[str, ...]], dict[str, list[str]]]:
    topics = dedupe(name for domain, name in item.categories if domain in _TOPIC_DOMAINS)
    others: dict[str, list[str]] = {}
    for domain, name in item.categories:
        if domain not in _TOPIC_DOMAINS and domain not in _IGNORED_DOMAINS and name:
            others.setdefault(domain, []).append(name)
    return ({"topics": topics} if topics else {}), others


def _record(export: _Export, item: _Item, index: int) -> str:
    record = item.get("post_id") or str(index)
    if record in export.records:
        record = f"{record}-{index}"
    export.records.add(record)
    return record


def _post(export: _Export, item: _Item, index: int, line: int, body_line: int) -> None:
    """Add the article of a post or page item (or the error that it has none)."""
    path, timezone = export.source_path, export.settings.timezone
    body = _html_body(item.get("content"))
    title = _plain(item.get("title")).lstrip("< ")  # never a title that reads as a tag
    where = f"item {index} (post {item.get('post_id') or '?'})"
    if not title:
        if not strip_tags(body).strip():
            export.diagnostics.append(Diagnostic(
                path, line, 0, f"{where}: no title", "give the post a title in WordPress"))
            return
        title = _title_from(body)
        export.diagnostics.append(Diagnostic(
            path, line, 0, f"{where} has no title; using the body's first sentence", "",
            "warning"))
    status = item.get("status").lower() or "publish"
    if status in _UNPUBLISHED:
        export.drafts[_UNPUBLISHED[status]] += 1
    elif item.get("post_password"):
        export.drafts["password-protected"] += 1
    login = item.get("creator") or item.get("author")
    author = export.authors.get(login, login)
    terms, other_terms = _terms(item)
    extra: dict[str, Any] = {"wp_post_type": item.get("post_type")}
    if item.get("guid"):
        extra["guid"] = item.get("guid")
    if other_terms:
        extra["wp_terms"] = other_terms
    record = _record(export, item, index)
    if item.meta.get("_thumbnail_id", "").strip():
        export.thumbnails[record] = item.meta["_thumbnail_id"].strip()
    export.articles.append(Article(
        source_path=path, title=title, body=body, body_format="html", record=record,
        published=(_wp_date(item.get("post_date_gmt"), "UTC")
                   or _wp_date(item.get("post_date"), timezone)),
        updated=(_wp_date(item.get("post_modified_gmt"), "UTC")
                 or _wp_date(item.get("post_modified"), timezone)),
        source=export.source, authors=dedupe([clean_text(author)]), lang=export.lang,
        original_url=_url(export, item, line), slug=clean_text(unquote(item.get("post_name"))),
        summary=_plain(item.get("excerpt")), terms=terms, extra=extra,
        draft=status != "publish" or bool(item.get("post_password")),
        body_line=body_line or line))


def _attachment(export: _Export, item: _Item, line: int) -> None:
    """Keep an attachment's image for the post it belongs to."""
    raw = item.get("attachment_url") or item.get("guid")
    src = safe_url(raw, "image")
    if src is None:
        if raw:
            export.diagnostics.append(dropped_url(export.source_path, line, 0,
                                                  "wp:attachment_url", raw))
        export.ignored["attachment without a usable URL"] += 1
        return
    alt = clean_text(item.meta.get("_wp_attachment_image_alt") or item.get("title"))
    key = item.get("post_id")
    export.images[key] = Image(src=src, alt=alt, caption=clean_text(item.get("excerpt")))
    export.children.setdefault(item.get("post_parent") or "0", []).append(key)


def _add_item(export: _Export, element: ET.Element, index: int, line: int,
              body_line: int) -> None:
    item = _item_of(element)
    kind = item.get("post_type") or "post"
    if kind == "attachment":
        _attachment(export, item, line)
    elif kind not in ("post", "page"):
        export.ignored[kind] += 1
    elif item.get("status").lower() == "trash":
        export.ignored["trashed post"] += 1
    else:
        _post(export, item, index, line, body_line)


def _with_images(export: _Export) -> list[Article]:
    """The articles with their attachments as images, the thumbnail first."""
    used: set[str] = set()
    articles = []
    for article in export.articles:
        post_id = article.record.split("-", 1)[0]
        keys = list(export.children.get(post_id, ()))
        lead = export.thumbnails.get(article.record)
        if lead in export.images:
            keys = [lead] + [k for k in keys if k != lead]
        used.update(keys)
        images = tuple(export.images[k] for k in keys if k in export.images)
        articles.append(replace(article, images=images) if images else article)
    unattached = len(set(export.images) - used)
    if unattached:
        export.ignored["attachment of no post read"] += unattached
    return articles


def _summary(export: _Export) -> Diagnostic | None:
    """The one warning that counts what this export holds but the archive will not show."""
    parts = []
    if export.drafts:
        listed = ", ".join(f"{n} {kind}" for kind, n in export.drafts.most_common())
        parts.append(f"{listed} read as drafts"
                     + ("" if export.settings.include_drafts else ", not built"))
    if export.ignored:
        parts.append("ignored " + ", ".join(f"{n} {kind}" for kind, n
                                            in export.ignored.most_common()))
    if not parts:
        return None
    return Diagnostic(export.source_path, 0, 0, "WordPress export: " + "; ".join(parts),
                      "set read.include_drafts: true to build drafts" if export.drafts
                      and not export.settings.include_drafts else "", "warning")


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


def _channel_child(export: _Export, element: ET.Element) -> None:
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


def _parse(export: _Export, data: bytes) -> None:
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
            _add_item(export, element, index, builder.item_lines.popleft(),
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
    export = _Export(source_path, settings)
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
    articles = _with_images(export)
    note = _summary(export)
    return ReadResult(tuple(articles), tuple(export.diagnostics) + ((note,) if note else ()))
