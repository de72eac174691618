"""Saved news web pages: the article taken out of its navigation, ads and comments.

A page saved from a browser (or captured in a web archive, see
:mod:`newsarchive.formats.warc`) holds one article inside a lot of page
chrome.  trafilatura finds the main text (``favor_precision``: on the pages
measured it drops repeated headlines, "updated" stamps and author bios and
loses no article paragraph) and the metadata (htmldate for the date, Open
Graph, JSON-LD and ``<meta>`` for the rest).  Nothing is fetched: the page is
parsed from the bytes given.

Fields: ``title`` (the page's headline, else ``<title>``), ``body`` as simple
HTML (``<p>``, ``<h2>``-``<h6>``, lists, quotes, tables, ``<img>``),
``published`` (made aware in ``settings.timezone`` when the page gives no
zone), ``authors`` (company names and one-word place names that sites put in
``<meta name="author">`` left out), ``original_url`` (the canonical URL),
``source`` (site name, else host), ``summary`` (the page description),
``lang`` (``<html lang>``), ``images`` (the lead ``og:image``) and
``terms["topics"]`` (the page's categories and keywords).
"""

from __future__ import annotations

import codecs
import html
import re
from typing import TYPE_CHECKING, Any

from newsarchive.errors import ContentError, Diagnostic
from newsarchive.formats.common import authors_of, clean_text, date_of
from newsarchive.model import Article, Image, ReadResult
from newsarchive.pipeline.read.text import (
    decode_clean,
    normalise_newlines,
    repair,
    strip_forbidden,
)
from newsarchive.urls import safe_url

if TYPE_CHECKING:
    from datetime import datetime

    from newsarchive.config import ReadSettings

__all__ = ["SUFFIXES", "decode_page", "extract_page", "read", "sniff"]

SUFFIXES: tuple[str, ...] = (".html", ".htm", ".xhtml")

#: Pages larger than this are not read (a saved article is rarely over 2 MiB).
MAX_PAGE_BYTES = 20 * 1024 * 1024

#: Less extracted text than this is a menu or a caption, not an article.
_MIN_TEXT = 40
#: Titles are cut to this many characters (a headline is rarely over 150).
MAX_TITLE = 300

_PROLOG = re.compile(rb"\s*(?:<\?xml[^>]*>|<!--.*?-->|<!doctype[^>]*>)", re.IGNORECASE | re.DOTALL)
_FIRST_TAG = re.compile(rb"\s*<([a-z][a-z0-9:-]*)", re.IGNORECASE)
_HEAD_TAGS = frozenset({b"head", b"body"})
_INNER_HEAD_TAGS = frozenset({b"title", b"meta", b"link", b"base", b"style", b"script"})
_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([a-z0-9_.:-]+)""",
                           re.IGNORECASE)
_LEADING_HEADING = re.compile(r"<h[2-6]>(.*?)</h[2-6]>", re.DOTALL)
_BODY_TAG = re.compile(r"<body[\s>]", re.IGNORECASE)
_SENTENCE = re.compile(r"^(.{10,120}?[.!?])(?:\s|$)")
#: Parts of an author field that name a company, not a person.
_COMPANY = re.compile(r"\b(gmbh|ag|ltd|inc|llc|plc|verlag|medien|media|online|newspapers?|"
                      r"zeitung|redaktion|staff|editorial|publishing)\b\.?", re.IGNORECASE)
_LEGAL_FORM = re.compile(r"\b(gmbh|ag|ltd|inc|llc|plc|verlag|kg)\b\.?", re.IGNORECASE)
#: Lazy-loading placeholders that stand in for a picture until a script swaps it.
_PLACEHOLDER = re.compile(r"/(?:leer|blank|spacer|pixel|transparent|placeholder|1x1)\.(?:gif|png)"
                          r"(?:[?#]|$)", re.IGNORECASE)
_NO_TEXT_HINT = ("the page holds no article the extractor recognises (a front page, a gallery, "
                 "a page drawn by scripts); save the article page itself")


def sniff(head: bytes) -> bool:
    """Whether ``head`` (a file's first bytes) is an HTML page: after a BOM, blank
    space, an XML declaration, comments and a doctype, ``<!doctype html``,
    ``<html``, or a ``<head>``/``<body>`` start.  Feeds, NITF and other XML are not."""
    data = head[3:] if head.startswith(codecs.BOM_UTF8) else head
    position = 0
    while match := _PROLOG.match(data, position):
        if match.group(0).lstrip()[:14].lower() == b"<!doctype html":
            return True
        position = match.end()
    tag = _FIRST_TAG.match(data, position)
    if tag is None:
        return False
    name = tag.group(1).lower()
    if name == b"html" or name in _HEAD_TAGS:
        return True
    lowered = data.lower()
    return name in _INNER_HEAD_TAGS and (b"<head" in lowered or b"<body" in lowered)


def declared_charset(head: bytes) -> str | None:
    """The codec name a page declares in its first bytes (``<meta charset>``,
    ``http-equiv`` Content-Type, XML declaration), or None when none or unknown."""
    match = _XML_ENCODING.match(head) or _CHARSET.search(head[:4096])
    if match is None:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    # Browsers read Latin-1 labels as windows-1252 (the WHATWG encoding standard).
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def decode_page(source_path: str, data: bytes, declared: str | None = None
                ) -> tuple[str, tuple[Diagnostic, ...]]:
    """The text of page ``data`` and a warning when control characters were taken out.

    UTF-8 (the bytes decode as UTF-8) and undeclared pages go through
    :func:`decode_clean`; a page that declares another charset (``declared``,
    e.g. from an HTTP header, else its ``<meta charset>``) and is not UTF-8 is
    read in that charset.  Raises ContentError for empty or binary files.
    """
    charset = declared or declared_charset(data[:4096])
    if charset and charset not in ("utf-8", "utf-8-sig"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            if b"\x00" in data and not charset.startswith("utf-16"):
                raise ContentError(Diagnostic(source_path, 0, 0, "binary file (contains NUL "
                                              "bytes)", "only text pages can be read")) from None
            text, removed = strip_forbidden(normalise_newlines(data.decode(charset, "replace")))
            return text, (removed.diagnostic(source_path),) if removed else ()
    # Mojibake is repaired in the extracted fields (see extract_page), not in the
    # whole page: ftfy over scripts and styles costs a second on a large page.
    text, removed = decode_clean(source_path, data, fix=False)
    return text, (removed.diagnostic(source_path),) if removed else ()


def read(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """The article of the saved page ``data``; raises ContentError when the page is
    empty, too large or holds no article text."""
    if len(data) > MAX_PAGE_BYTES:
        raise ContentError(Diagnostic(
            source_path, 0, 0, f"page too large ({len(data) // (1024 * 1024)} MiB)",
            f"saved article pages are under {MAX_PAGE_BYTES // (1024 * 1024)} MiB; "
            "save the article alone"))
    text, diagnostics = decode_page(source_path, data)
    article, problems = extract_page(source_path, text, None, settings)
    return ReadResult((article,), diagnostics + problems)


def _page_facts(tree: Any) -> dict[str, str]:
    """What trafilatura does not give: ``<html lang>``, ``<title>``, the lead image's alt."""
    def first(xpath: str) -> str:
        found = tree.xpath(xpath)
        return clean_text(found[0]) if found else ""

    return {
        "lang": first("/html/@lang") or first("//html/@lang") or first("//html/@xml:lang"),
        "title": first("//head/title/text()") or first("//title/text()"),
        "site_name": first("//meta[@property='og:site_name' or @name='og:site_name']/@content"),
        "image_alt": first("//meta[@property='og:image:alt' or @name='og:image:alt' or "
                           "@name='twitter:image:alt' or @property='twitter:image:alt']/@content"),
    }


def _extract(source_path: str, text: str, url: str | None) -> tuple[Any, dict[str, str]]:
    """trafilatura's Document for page ``text`` (None when it finds no text) and page facts."""
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(text)
    if tree is None:
        raise ContentError(Diagnostic(source_path, 0, 0, "not an HTML page",
                                      "the file does not parse as HTML"))
    facts = _page_facts(tree)
    try:
        document = trafilatura.bare_extraction(
            tree, url=url, favor_precision=True, include_comments=False, include_tables=True,
            include_images=True, include_formatting=True, include_links=False,
            with_metadata=True, deduplicate=False,
            date_extraction_params={"original_date": True, "extensive_search": True,
                                    "outputformat": "%Y-%m-%dT%H:%M:%S%z"})
    except (ValueError, TypeError, RecursionError) as exc:
        raise ContentError(Diagnostic(source_path, 0, 0, f"the page could not be read ({exc})",
                                      _NO_TEXT_HINT)) from None
    return document, facts


def extract_page(source_path: str, text: str, url: str | None, settings: ReadSettings,
                 record: str = "") -> tuple[Article, tuple[Diagnostic, ...]]:
    """The article in page ``text`` (decoded HTML) found at ``url`` (None: the page's
    own canonical URL is used), and a warning when that URL is refused.  Raises
    ContentError "no article text found" when the page holds no main text."""
    document, facts = _extract(source_path, text, url)
    body_element = getattr(document, "body", None)
    if document is None or body_element is None or not (document.text or "").strip():
        raise ContentError(Diagnostic(source_path, 0, 0, "no article text found", _NO_TEXT_HINT))
    lead = safe_url(document.image, "image") if document.image else None
    body = repair(_body_html(body_element, lead))
    if len(clean_text(body)) < _MIN_TEXT:
        raise ContentError(Diagnostic(source_path, 0, 0, "no article text found", _NO_TEXT_HINT))
    title = repair(_title(clean_text(document.title) or facts["title"])) or _first_sentence(
        clean_text(body))
    body = _without_title(body, title)
    source = _source(clean_text(document.sitename), facts["site_name"],
                     clean_text(document.hostname))
    link = url or document.url
    original_url = safe_url(link, "link") or ""
    diagnostics: tuple[Diagnostic, ...] = ()
    if link and not original_url:
        diagnostics = (Diagnostic(source_path, 0, 0, f"page URL {clean_text(link)[:200]!r} "
                                  "refused (only http and https URLs are kept)", "", "warning"),)
    body_match = _BODY_TAG.search(text)
    return Article(
        source_path=source_path, title=title, body=body, body_format="html", record=record,
        published=_published(document.date, settings.timezone),
        source=source, authors=_authors(document.author, source),
        original_url=original_url, lang=facts["lang"][:35],
        summary=repair(clean_text(document.description)), terms=_topics(document.categories,
                                                                 document.tags),
        extra={"hostname": clean_text(document.hostname)} if document.hostname else {},
        body_line=text.count("\n", 0, body_match.start()) + 1 if body_match else 1,
        images=(Image(lead, facts["image_alt"]),) if lead else (),
    ), diagnostics


def _source(sitename: str, og_site_name: str, hostname: str) -> str:
    """The site's name: trafilatura's (JSON-LD publisher, Open Graph) unless it is a
    company's legal name (``... Verlag GmbH``), then ``og:site_name``, then the host."""
    if sitename and not _LEGAL_FORM.search(sitename):
        return sitename
    return og_site_name or sitename or hostname


def _without_title(body: str, title: str) -> str:
    """``body`` without a first heading that repeats the title."""
    match = _LEADING_HEADING.match(body)
    if match and clean_text(match.group(1)).casefold() == title.casefold():
        rest = body[match.end():].lstrip()
        return rest if clean_text(rest) else body
    return body


def _title(text: str) -> str:
    """A cleaned title without leading ``<`` and at most :data:`MAX_TITLE` characters."""
    text = text.lstrip("<").strip()
    if len(text) > MAX_TITLE:
        text = text[:MAX_TITLE].rsplit(" ", 1)[0] + "…"
    return text


def _first_sentence(text: str) -> str:
    """The first sentence of ``text`` when it is at most 120 characters, else its start."""
    text = text.lstrip("<").strip()
    match = _SENTENCE.match(text)
    if match:
        return match.group(1)
    return text[:120].rsplit(" ", 1)[0] if len(text) > 120 else text


def _published(value: str | None, timezone: str) -> datetime | None:
    """htmldate's date (``2020-01-14T09:21:29+0100``, ``...T00:00:00`` for a day) as aware."""
    if not value:
        return None
    if value.endswith("T00:00:00"):  # a day without a time: read it as a date
        value = value[:10]
    return date_of(value, timezone)


def _authors(value: str | None, source: str) -> tuple[str, ...]:
    """People named in trafilatura's ``;``-joined author field: companies, the site
    itself and one-word parts (``Munich``, ``Germany`` after a company name) left out."""
    names = []
    for name in authors_of(value.replace(";", ",") if value else None):
        if _COMPANY.search(name) or " " not in name or name.casefold() == source.casefold():
            continue
        names.append(name)
    return tuple(names)


def _topics(categories: list[str] | None, tags: list[str] | None) -> dict[str, tuple[str, ...]]:
    """Categories and keywords (often one comma-joined string) as distinct topics;
    identifiers such as ``ISIN_US3453708600`` left out."""
    seen: dict[str, str] = {}
    for value in [*(categories or ()), *(tags or ())]:
        for part in str(value).split(","):
            name = clean_text(part)
            if name and "_" not in name and len(name) <= 80:
                seen.setdefault(name.casefold(), name)
    return {"topics": tuple(seen.values())} if seen else {}


# trafilatura's XML -> simple HTML.  Headings start at h2: the page's h1 is the title.
_BLOCKS = {"p": "p", "list": "ul", "item": "li", "quote": "blockquote", "table": "table",
           "row": "tr", "code": "code", "del": "del"}
_TRAILING_BREAK = re.compile(r"(?:\s*<br>)+\s*(</(?:p|li|h[2-6]|td|th|blockquote)>)")
_EMPTY_BLOCK = re.compile(r"\n?<(p|li|h[2-6]|blockquote)>\s*</\1>")
_LAYOUT_BLOCKS = frozenset({"p", "head", "list", "quote", "table"})
#: A paragraph this long is running text, not a menu entry.
_PROSE = 80
_HI = {"#b": "b", "#i": "i", "#u": "u", "#t": "code", "#sub": "sub", "#sup": "sup"}


def _tag_for(element: Any) -> str | None:
    """The HTML tag for a trafilatura element, or None to keep only its content."""
    tag, rend = element.tag, element.get("rend") or ""
    if tag == "head":
        level = int(rend[1]) if len(rend) == 2 and rend[0] == "h" and rend[1].isdigit() else 2
        return f"h{min(max(level, 2), 6)}"
    if tag == "list":
        return "ol" if rend == "ol" else "ul"
    if tag == "cell":
        return "th" if element.get("role") == "head" else "td"
    if tag == "hi":
        return _HI.get(rend)
    if tag == "code" and element.getparent() is not None and element.getparent().tag == "body":
        return "pre"
    return _BLOCKS.get(tag)


def _render(element: Any, lead: str | None, out: list[str]) -> None:
    """Append the HTML of ``element``'s content (not its tail) to ``out``."""
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            out.append(html.escape(child.tail or "", quote=False))
            continue
        if child.tag == "lb":
            out.append("<br>")
        elif child.tag == "graphic":
            out.append(_image(child, lead))
        elif child.tag == "table" and _is_layout(child):
            _render_layout(child, lead, out)
        else:
            tag = _tag_for(child)
            out.append(f"<{tag}>" if tag else "")
            out.append(html.escape(child.text or "", quote=False))
            _render(child, lead, out)
            out.append(f"</{tag}>" if tag else "")
        out.append(html.escape(child.tail or "", quote=False))


def _cells(table: Any) -> list[Any]:
    """The cells of ``table``'s own rows (not of tables nested in them)."""
    return [cell for row in table if row.tag == "row" for cell in row if cell.tag == "cell"]


def _is_layout(table: Any) -> bool:
    """Whether a table lays out a page (its cells hold paragraphs or headings) rather
    than holding data: old news sites put menu and article side by side in one."""
    return any(child.tag in _LAYOUT_BLOCKS for cell in _cells(table) for child in cell)


def _render_layout(table: Any, lead: str | None, out: list[str]) -> None:
    """Append the content of a layout table's article cells: those holding a
    paragraph of running text, else the one with the most text."""
    cells = _cells(table)

    def prose(cell: Any) -> bool:
        return any(len(clean_text("".join(p.itertext()))) >= _PROSE for p in cell.iter("p"))

    kept = [cell for cell in cells if prose(cell)] or sorted(
        cells, key=lambda cell: len("".join(cell.itertext())))[-1:]
    for cell in kept:
        out.append("\n" + html.escape(cell.text or "", quote=False))
        _render(cell, lead, out)


def _image(element: Any, lead: str | None) -> str:
    """An ``<img>`` for a trafilatura ``graphic``, or "" for placeholders, unsafe
    sources and the lead image (shown apart from the body)."""
    src = safe_url(element.get("src") or "", "image")
    if src is None or src == lead or _PLACEHOLDER.search(src):
        return ""
    alt = clean_text(element.get("alt") or element.get("title"))
    return f'<img src="{html.escape(src)}" alt="{html.escape(alt)}">'


def _body_html(body: Any, lead: str | None) -> str:
    """trafilatura's body tree as HTML blocks, one a line; "" when it has no text."""
    out: list[str] = [html.escape(body.text or "", quote=False)]
    _render(body, lead, out)
    rendered = "".join(out).strip()
    # Each block on its own line, runs of blank space inside text collapsed.
    rendered = re.sub(r"[ \t]*\n\s*", "\n", rendered)
    rendered = re.sub(r"\s*(<(?:p|h[2-6]|ul|ol|blockquote|table|pre)>)", r"\n\1", rendered)
    rendered = _TRAILING_BREAK.sub(r"\1", rendered)
    rendered = _EMPTY_BLOCK.sub("", rendered)
    if not clean_text(re.sub(r"<img [^>]*>", "", rendered)):
        return ""
    return rendered.strip()
