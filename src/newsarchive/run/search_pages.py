"""What Pagefind is given of each page: which pages (:func:`pages_to_index`), and of
each one the HTML it reads (:func:`page_for_index`, then :func:`trimmed`).

That HTML differs from the written file in three ways, none of which readers
see: the ``<html>`` element carries the language of the indexed body (its
``lang``, else the page's, else the site's; the primary subtag only), which is
how Pagefind picks the page's index; words whose NFKC form differs (full-width
``ＶＩＰ``, ``２０１２``) are added in their folded form as a metadata field of
the page, which Pagefind makes searchable without showing it in excerpts, so
``VIP`` finds ``ＶＩＰ``; and only what Pagefind reads of the page is sent
(:func:`trimmed`: the same bundle, in less time).
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from html import escape, unescape
from pathlib import Path

from newsarchive.run.search_bundle import BUNDLE_DIR

__all__ = ["BODY_MARK", "FOLDED_META", "folded_words", "page_for_index", "pages_to_index",
           "trimmed"]

#: Pagefind indexes only pages holding this mark when any page holds it.
BODY_MARK = b"data-pagefind-body"
#: The metadata field that holds a page's NFKC-folded words (not shown by the search page).
FOLDED_META = "folded"
_HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_BODY_TAG = re.compile(r"<[a-z][a-z0-9-]*\b[^>]*\bdata-pagefind-body\b[^>]*>", re.IGNORECASE)
_LANG = re.compile(r"""\slang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_SKIPPED = re.compile(r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->",
                      re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Runs of Han or kana, and runs of other word characters: the pieces folded one by one.
_RUN = re.compile(f"[{_CJK}]+|[^\\W{_CJK}]+")


def pages_to_index(output_dir: Path, folders: Sequence[str] = ("",)) -> list[str]:
    """The HTML files of ``output_dir`` to index: relative posix paths, sorted.

    Hidden files and folders, ``pagefind/`` and folders reached through a
    symbolic link are skipped.  ``folders`` (relative, each ending in ``/``;
    ``""`` for the whole output folder) limits the walk to those folders.
    The folders below the first level are walked by a few threads at once:
    listing a folder the kernel no longer holds in memory waits on the disk
    (the output of a 100,000-article site, most of it out of memory: 16-20 s
    one folder at a time, 7.8-8.9 s in four threads).
    """
    found: list[str] = []
    below: list[tuple[str, str]] = []
    for prefix in folders:
        if not _through_link(output_dir, prefix):
            _scan(os.path.join(output_dir, prefix), prefix, found, below)
    if len(below) > 1:
        with ThreadPoolExecutor(min(_READERS, len(below))) as pool:
            for pages in pool.map(_walk, below):
                found.extend(pages)
    elif below:
        found.extend(_walk(below[0]))
    return sorted(found)


#: How many threads read the output folder at once (:func:`pages_to_index`).
_READERS = 4


def _scan(folder: str, prefix: str, found: list[str], pending: list[tuple[str, str]]) -> None:
    """The HTML files of one folder into ``found``, its folders to walk into ``pending``."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            if prefix or name != BUNDLE_DIR:
                pending.append((entry.path, f"{prefix}{name}/"))
        elif name.endswith(".html"):
            found.append(prefix + name)


def _walk(start: tuple[str, str]) -> list[str]:
    """The HTML files under the folder ``start`` (its path and relative prefix)."""
    found: list[str] = []
    pending = [start]
    while pending:
        _scan(*pending.pop(), found, pending)
    return found


def _through_link(output_dir: Path, prefix: str) -> bool:
    """Whether the folder ``prefix`` of ``output_dir`` is, or lies in, a symbolic link."""
    parts = prefix.split("/")[:-1]
    return any(os.path.islink(os.path.join(output_dir, *parts[:depth]))
               for depth in range(1, len(parts) + 1))


def _lang_of(tag: str) -> str:
    """The ``lang`` attribute of the start tag ``tag`` ("" when it has none)."""
    found = _LANG.search(tag)
    return next((group for group in found.groups() if group is not None), "") if found else ""


def folded_words(text: str) -> list[str]:
    """The NFKC forms of the words of ``text`` that NFKC changes, once each, in order.

    Runs of Han or kana and runs of other word characters are folded apart, so
    ``ＶＩＰ头等车厢`` gives ``VIP``; a run that NFKC leaves alone gives nothing.
    """
    if unicodedata.is_normalized("NFKC", text):
        return []
    seen: dict[str, None] = {}
    for run in _RUN.findall(text):
        folded = unicodedata.normalize("NFKC", run)
        if folded != run:
            for word in _RUN.findall(folded):
                seen.setdefault(word, None)
    return list(seen)


@functools.lru_cache(maxsize=64)
def _tags_named(name: str) -> re.Pattern[str]:
    """Start and end tags of the element ``name`` (lower case)."""
    return re.compile(rf"<(/?){re.escape(name)}\b", re.IGNORECASE)


def _end_of(content: str, start: re.Match[str]) -> int:
    """Where the element whose start tag is ``start`` ends (its end tag, else the end)."""
    name = re.match(r"<([a-z][a-z0-9-]*)", start.group(), re.IGNORECASE)
    assert name is not None
    depth = 1
    for tag in _tags_named(name.group(1).lower()).finditer(content, start.end()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.start()
    return len(content)


def page_for_index(content: str, default_language: str = "") -> str:
    """The page ``content`` as Pagefind is given it (see the module docstring).

    ``<html lang>`` becomes the primary subtag (``zh``) of the ``lang`` of the
    ``data-pagefind-body`` element when that has one, else of the page's own,
    else of ``default_language``; the
    folded words of the indexed body go in a ``hidden`` element holding only
    the metadata field :data:`FOLDED_META`.  A page without that element only
    gets its missing language.
    """
    html = _HTML_TAG.search(content)
    body = _body_tag(content)
    language = _lang_of(body.group()) if body else ""
    if html is not None and not language and not _lang_of(html.group()):
        language = default_language
    # Pagefind keeps an index per distinct lang; one per language is enough (zh-CN and
    # zh-TW are searched alike) and lets the search page name each index by its subtag.
    language = (language or (_lang_of(html.group()) if html else "")).split("-")[0].lower()
    if html is not None and language and _lang_of(html.group()) != language:
        tag = _LANG.sub("", html.group())
        content = (content[:html.start()] + f'{tag[:-1].rstrip()} lang="{escape(language)}">'
                   + content[html.end():])
        body = _body_tag(content)
    if body is None:
        return content
    inner = content[body.end():_end_of(content, body)]
    words = folded_words(unescape(_TAG.sub(" ", _SKIPPED.sub(" ", inner))))
    if not words:
        return content
    meta = f'<span hidden data-pagefind-meta="{FOLDED_META}:{escape(" ".join(words))}"></span>'
    return content[:body.end()] + meta + content[body.end():]


#: The attributes :func:`trimmed` looks for, written in lower case: a literal search,
#: where a case-blind pattern tried at every ``<`` of a 15 KB page took 0.1 ms.
_ATTRIBUTE = re.compile(r"data-pagefind-(body|filter|meta|sort|ignore)\b")
_START_TAG = re.compile(r"<[a-zA-Z][a-zA-Z0-9-]*\b[^>]*>")
_PREFIX = "data-pagefind-"
_PREFIX_BYTES = _PREFIX.encode("ascii")
_WORD = re.compile(r"\w")
#: Pagefind's default title and image are the page's first heading and image.
_HEADING_OR_IMAGE = re.compile(r"<(?:h1|img)\b", re.IGNORECASE)
_ALL = re.compile(r"""\s*=\s*["']?all\b""", re.IGNORECASE)
_TITLE = re.compile(r"<title\b[^>]*>.*?</title\s*>", re.IGNORECASE | re.DOTALL)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})


def _element_end(content: str, start: re.Match[str]) -> int:
    """Where the element whose start tag is ``start`` ends, past its end tag."""
    name = start.group()[1:].split(None, 1)[0].rstrip("/>").lower()
    if name in _VOID or start.group().endswith("/>"):
        return start.end()
    close = content.find(">", _end_of(content, start))
    return len(content) if close < 0 else close + 1


def _marks(page: str) -> list[tuple[str, re.Match[str], int]]:
    """Each Pagefind attribute of a start tag of ``page``, in order: its kind (``body``,
    ``filter``, ``meta``, ``sort``, ``ignore``), its start tag, where it ends."""
    found = []
    for attribute in _ATTRIBUTE.finditer(page):
        start = page.rfind("<", 0, attribute.start())
        tag = _START_TAG.match(page, start) if start >= 0 else None
        if tag is not None and tag.end() > attribute.start() \
                and not _WORD.match(page, attribute.start() - 1):
            found.append((attribute.group(1), tag, attribute.end()))
    return found


def _lower_case(page: str) -> bool:
    """Whether every Pagefind attribute of ``page`` is written in lower case.

    Only ASCII letters are folded: ``str.lower`` turns no other character into
    one of the prefix's (U+0130 becomes ``i`` and a combining dot, U+212A
    ``k``), so the count is the same as in ``page.lower()``, in half the time
    on a page with a few non-ASCII characters."""
    return page.count(_PREFIX) == _ascii_folded(page).count(_PREFIX_BYTES)


def _ascii_folded(text: str) -> bytes:
    """``text`` in UTF-8 with its ASCII letters in lower case, every other byte as it is."""
    return text.encode("utf-8", "surrogatepass").lower()


#: Characters that a case-blind pattern matches to the ``i`` of the body mark.
_DOTTED_I = ("\u0130", "\u0131")


def _body_tag(content: str) -> re.Match[str] | None:
    """``_BODY_TAG.search(content)``, without trying the pattern at every ``<``.

    A match holds the mark and no ``>`` before it, so none starts before the
    ``>`` that precedes the first place the mark is written in any case; the
    pattern is tried from there.  Only ASCII letters are folded to find that
    place: a case-blind pattern matches no other character to a letter of the
    mark but U+0130 and U+0131 (capital I with a dot, small i without one) to
    its ``i``, and a page holding either is searched whole."""
    if any(letter in content for letter in _DOTTED_I):
        return _BODY_TAG.search(content)
    folded = _ascii_folded(content)
    first = folded.find(BODY_MARK)
    if first < 0:
        return None
    start = len(folded[:first].decode("utf-8", "surrogatepass"))
    return _BODY_TAG.search(content, content.rfind(">", 0, start) + 1)


def trimmed(page: str) -> str:
    """``page`` (as :func:`page_for_index` made it) cut down to what Pagefind reads of it:
    the ``<html>`` tag, the ``<title>``, the ``data-pagefind-body`` element and, in
    their places around it, the elements outside it that set a filter, metadata or a
    sort key.  The bundle Pagefind writes from it is the same bytes, once normalised,
    as from the whole page, and Pagefind takes 12-16% less time (the article pages are
    15 KB, mostly navigation, lists and citations it skips).  A page with a heading
    or an image outside that element (Pagefind's default title and image), with an
    element ignored ``"all"`` outside it, without the element, or with a Pagefind
    attribute not in lower case, is given whole."""
    html = _HTML_TAG.search(page)
    marks = _marks(page)
    body = next((tag for kind, tag, _ in marks if kind == "body"), None)
    if html is None or body is None or not _lower_case(page):
        return page
    end = _element_end(page, body)
    outside = [(kind, tag, after) for kind, tag, after in marks
               if not body.start() <= tag.start() < end]
    if _HEADING_OR_IMAGE.search(page, 0, body.start()) or _HEADING_OR_IMAGE.search(page, end) \
            or any(kind == "ignore" and _ALL.match(page, after) for kind, _, after in outside):
        return page
    before: list[str] = []
    behind: list[str] = []
    position = 0
    for kind, tag, _ in outside:
        if kind == "ignore" or tag.start() < position:
            continue
        position = _element_end(page, tag)
        (before if tag.start() < body.start() else behind).append(page[tag.start():position])
    title = _TITLE.search(page, 0, body.start())
    return "".join(("<!doctype html>\n", html.group(), "<head>",
                    title.group() if title else "", "</head><body>", *before,
                    page[body.start():end], *behind, "</body></html>\n"))
