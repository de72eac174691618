"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org): one article per item.

Each item maps to an :class:`~newsarchive.model.Article`: ``title`` (else the
first line of ``content_text``); ``content_html`` as an HTML body, else
``content_text`` as prose; ``summary``; ``date_published`` (else
``date_modified``) and ``date_modified``; ``authors`` (1.1) or ``author``
(1.0), the feed's when the item names none; ``tags`` as topics; ``url``
(else ``external_url``) as ``original_url``; ``image``, ``banner_image`` and
image attachments as images; ``language`` (1.1, the item's else the feed's);
the feed's ``title`` as ``source``; ``record`` is the item's 0-based index
and ``extra["guid"]`` its ``id``.

:func:`load_json` is how this reader and :mod:`newsarchive.formats.ninjs`
parse a file: located syntax errors, nesting and number limits, characters
XML forbids taken out with one warning.
"""

from __future__ import annotations

import json
import re
from typing import Any

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError, Diagnostic
from newsarchive.formats.common import authors_of, clean_text, date_of
from newsarchive.formats.feeds import ascii_head, images_of, text_body, title_from
from newsarchive.model import Article, BodyFormat, ReadResult
from newsarchive.pipeline.read.fields import dedupe, dropped_url, plain
from newsarchive.pipeline.read.limits import MAX_DEPTH, depth_exceeds, max_digits
from newsarchive.pipeline.read.text import Removed, decode_clean, detect_lang, scrub
from newsarchive.urls import safe_url

__all__ = ["SUFFIXES", "line_of", "load_json", "read", "sniff"]

#: JSON Feeds are ``.json`` files: found by :func:`sniff`.
SUFFIXES: tuple[str, ...] = ()

_VERSION = re.compile(rb'"version"\s*:\s*"https?:\\?/\\?/jsonfeed\.org\\?/version\\?/')


def sniff(head: bytes) -> bool:
    """Whether ``head`` starts a JSON object whose ``version`` is a jsonfeed.org URL."""
    text = ascii_head(head).lstrip()
    return text.startswith(b"{") and _VERSION.search(text) is not None


def load_json(source_path: str, data: bytes) -> tuple[Any, str, Removed | None]:
    """The JSON value in ``data``, the decoded text, and the characters XML forbids
    taken out of the value.

    Raises ContentError (located) for bytes that are not text, invalid JSON,
    nesting deeper than the readers accept, or a number Python refuses.
    """
    text, removed = decode_clean(source_path, data, fix=False)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentError(Diagnostic(source_path, exc.lineno, exc.colno,
                                      f"invalid JSON: {exc.msg}",
                                      "the file is damaged or cut short; export it again")
                           ) from None
    except RecursionError:
        value = None  # reported as too deep below
    except ValueError:
        raise ContentError(Diagnostic(
            source_path, 0, 0, f"invalid JSON: a number with more than {max_digits()} digits",
            "write such a number as a string")) from None
    if (value is None and text.strip() != "null") or depth_exceeds(value):
        raise ContentError(Diagnostic(
            source_path, 0, 0, f"invalid JSON: nested more than {MAX_DEPTH} levels deep",
            "no field of a feed or news item needs lists or objects nested this deep"))
    value, found = scrub(value)
    if found is not None:
        removed = found.merged(removed) if removed is not None else found
    return value, text, removed


def line_of(text: str, key: str, value: Any, start: int) -> tuple[int, int]:
    """(1-based line, offset) of ``"key": value`` in ``text`` at or after ``start``,
    or (0, start) when it is not found (a best effort for locating items)."""
    if not isinstance(value, str):
        return 0, start
    for spelling in (json.dumps(value, ensure_ascii=False), json.dumps(value)):
        found = re.compile(rf'"{re.escape(key)}"\s*:\s*{re.escape(spelling)}').search(
            text, start)
        if found is not None:
            return text.count("\n", 0, found.start()) + 1, found.end()
    return 0, start


def read(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """One article per item of the JSON Feed in ``data``.

    Raises ContentError when the file is not valid JSON or not a feed object
    with an ``items`` list; an item without title and content is an error for
    that item alone.
    """
    feed, text, removed = load_json(source_path, data)
    if not isinstance(feed, dict) or not isinstance(feed.get("items"), list):
        raise ContentError(Diagnostic(source_path, 1, 1, "not a JSON Feed: no 'items' list",
                                      "a JSON Feed is an object with 'version' and 'items'"))
    diagnostics: list[Diagnostic] = [removed.diagnostic(source_path)] if removed else []
    articles: list[Article] = []
    offset = 0
    for index, item in enumerate(feed["items"]):
        if not isinstance(item, dict):
            diagnostics.append(Diagnostic(source_path, 0, 0, f"item {index} is not an object",
                                          "each item is an object with 'id' and content"))
            continue
        line, offset = line_of(text, "id", item.get("id"), offset)
        article, found = _article(source_path, str(index), line, item, feed, settings)
        diagnostics.extend(found)
        if article is not None:
            articles.append(article)
    if not feed["items"]:
        diagnostics.append(Diagnostic(source_path, 0, 0, "the feed has no items; nothing to read",
                                      "", "warning"))
    return ReadResult(tuple(articles), tuple(diagnostics))


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _body(item: dict[str, Any]) -> tuple[str, BodyFormat]:
    html = _string(item.get("content_html")).strip()
    if html:
        return html, "html"
    return text_body(_string(item.get("content_text"))), "text"


def _authors(item: dict[str, Any]) -> tuple[str, ...]:
    return authors_of(item.get("authors") or item.get("author"))


def _images(item: dict[str, Any]) -> list[tuple[Any, Any, str]]:
    candidates: list[tuple[Any, Any, str]] = [
        (item.get(key), "image", "") for key in ("image", "banner_image")
        if isinstance(item.get(key), str)]
    attachments = item.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else ():
        if isinstance(attachment, dict) and isinstance(attachment.get("url"), str):
            candidates.append((attachment["url"], _string(attachment.get("mime_type")),
                               _string(attachment.get("title"))))
    return candidates


def _link(source_path: str, line: int, item: dict[str, Any],
          diagnostics: list[Diagnostic]) -> str:
    for key in ("url", "external_url"):
        value = _string(item.get(key)).strip()
        if not value:
            continue
        safe = safe_url(value, "link")
        if safe is not None:
            return safe
        diagnostics.append(dropped_url(source_path, line, 0, key, value))
    return ""


def _article(source_path: str, record: str, line: int, item: dict[str, Any],
             feed: dict[str, Any], settings: ReadSettings
             ) -> tuple[Article | None, list[Diagnostic]]:
    where = f"item {record}"
    diagnostics: list[Diagnostic] = []
    body, body_format = _body(item)
    title = clean_text(_string(item.get("title")))
    if not title:
        first_line = _string(item.get("content_text")).strip().split("\n", 1)[0]
        title = title_from(first_line, "text") if first_line else title_from(body, body_format)
        if not title:
            return None, [Diagnostic(source_path, line, 0, f"{where}: no title",
                                     "give the item a 'title' or some content")]
    published = date_of(item.get("date_published"), settings.timezone)
    updated = date_of(item.get("date_modified"), settings.timezone)
    if published is None:
        published = updated
    if published is None:
        diagnostics.append(Diagnostic(
            source_path, line, 0, f"undated: {where} has no date; kept without a date",
            "give the item a 'date_published'", "warning"))
    tags = item.get("tags")
    topics = dedupe(clean_text(tag) for tag in tags if isinstance(tag, str)) \
        if isinstance(tags, list) else ()
    guid = item.get("id")
    extra: dict[str, Any] = {"guid": plain(guid)} if guid not in (None, "") else {}
    if isinstance(item.get("external_url"), str) and isinstance(item.get("url"), str):
        extra["external_url"] = item["external_url"]
    lang = clean_text(_string(item.get("language")) or _string(feed.get("language")))
    article = Article(
        source_path=source_path, title=title, body=body, body_format=body_format,
        record=record, published=published,
        updated=updated if updated is not None and updated != published else None,
        source=clean_text(_string(feed.get("title"))),
        authors=_authors(item) or _authors(feed),
        original_url=_link(source_path, line, item, diagnostics),
        lang=lang or detect_lang(f"{title}\n{clean_text(body[:2000])}"),
        summary=clean_text(_string(item.get("summary"))),
        terms={"topics": topics} if topics else {}, extra=extra, body_line=line or 1,
        images=images_of(_images(item)))
    return article, diagnostics
