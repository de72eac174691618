"""What one ``<item>`` of a WordPress export becomes (the mapping is in
:mod:`newsarchive.formats.wxr`): a post or page an article, an attachment an
image of the post it belongs to, anything else a count.  :class:`Export` holds
what has been read of one export so far; :func:`with_images` gives the
articles their images at the end and :func:`summary_warning` the one warning
that counts what was not built.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from newsarchive.config import ReadSettings
from newsarchive.errors import Diagnostic
from newsarchive.formats.common import clean_text, date_of, local_name, strip_tags
from newsarchive.model import Article, Image
from newsarchive.pipeline.read.fields import dedupe, dropped_url
from newsarchive.urls import safe_url

__all__ = ["Export", "add_item", "summary_warning", "with_images"]

_BLOCK = re.compile(r"<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|section|article|"
                    r"aside|header|footer|hr|dl|address|form|fieldset|details)[\s/>]",
                    re.IGNORECASE)
_INLINE = re.compile(r"</?(?:a|b|i|em|strong|span|code|small|sub|sup|u|abbr)\b[^>]*>",
                     re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE = re.compile(r"^(.{1,120}?[.!?])(?:\s|$)")
_TOPIC_DOMAINS = frozenset({"", "category", "post_tag", "tag"})
_IGNORED_DOMAINS = frozenset({"post_format", "nav_menu"})
#: WordPress statuses of posts not meant to be public yet (or at all).
_UNPUBLISHED = {"draft": "draft", "pending": "pending review", "private": "private",
                "future": "scheduled", "auto-draft": "auto-draft"}


@dataclass
class _Item:
    """The fields of one ``<item>``, first occurrence of each kept."""

    fields: dict[str, str] = field(default_factory=dict)
    categories: list[tuple[str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


@dataclass
class Export:
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


def _url(export: Export, item: _Item, line: int) -> str:
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


def _record(export: Export, item: _Item, index: int) -> str:
    record = item.get("post_id") or str(index)
    if record in export.records:
        record = f"{record}-{index}"
    export.records.add(record)
    return record


def _post(export: Export, item: _Item, index: int, line: int, body_line: int) -> None:
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


def _attachment(export: Export, item: _Item, line: int) -> None:
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


def add_item(export: Export, element: ET.Element, index: int, line: int,
             body_line: int) -> None:
    """Read the ``index``-th ``<item>`` (starting on ``line``, its content on
    ``body_line``, 0 when unknown) into ``export``: a post or page, an attachment,
    or a count of what is ignored."""
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


def with_images(export: Export) -> list[Article]:
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


def summary_warning(export: Export) -> Diagnostic | None:
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

