"""Markdown to HTML with the engine ``markdown.engine`` of ``archive.yaml`` names.

Both engines give the same shape: headings moved so the highest level of the
body is ``<h2>`` and none is skipped (the page title is the only ``<h1>``:
``#`` and ``##`` become ``h2`` and ``h3``, and so do ``##`` and ``###``), an id
on every heading so in-article links resolve, and the same HTML for the same
input on every run.  Their output is unsafe until
:func:`newsarchive.pipeline.enrich.body_html` sanitises it; no engine is
trusted with that.

``markdown-it``
    markdown-it-py, CommonMark plus tables: the default and the fastest.
``python-markdown``
    Python-Markdown with the extensions of ``markdown.extensions`` and their
    options, so a site moving from Pelican or MkDocs keeps its ``toc``,
    ``footnotes``, ``admonition`` ...  Heading ids are given before ``toc``
    runs, so its table of contents links to them; an id set in the text
    (``attr_list``: ``## Intro {#start}``) is kept.
"""

from __future__ import annotations

import html
import pickle
import re
from collections.abc import Mapping
from functools import cache, lru_cache
from threading import Lock
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from newsarchive.config import MarkdownSettings
from newsarchive.urls import slugify

if TYPE_CHECKING:
    from markdown import Markdown
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = ["render_markdown"]

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_TAG = re.compile(r"<[^>]*>")


def render_markdown(body: str, settings: MarkdownSettings) -> str:
    """HTML of the Markdown ``body`` (not yet sanitised) with the engine of ``settings``.

    Raises nothing for any text; an extension that fails to load was reported
    when the config was read (:mod:`newsarchive.config`).
    """
    if settings.engine == "python-markdown":
        return _python_markdown_html(body, settings)
    return _markdown_it_html(body)


class _HeadingIds:
    """GitHub/Hugo-style heading ids, ``-2``, ``-3`` ... for repeats, unique in one body."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def add(self, words: str) -> str:
        slug = base = slugify(words, fallback="section")
        n = 1
        while slug in self.used:
            n += 1
            slug = f"{base}-{n}"
        self.used.add(slug)
        return slug


def _shifted(tag: str, top: int = 1) -> str:
    """``tag`` moved so that the body's highest heading level ``top`` becomes ``h2``
    (the page title is the ``h1``), so no level is skipped after the title."""
    return f"h{max(2, min(int(tag[1]) - top + 2, 6))}"


# -- markdown-it ---------------------------------------------------------------------------------

@cache
def _markdown_it() -> MarkdownIt:
    from markdown_it import MarkdownIt  # imported on first use: warm builds never need it

    return MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")


def _markdown_it_html(body: str) -> str:
    md = _markdown_it()
    tokens = md.parse(body)
    ids = _HeadingIds()
    top = min((int(t.tag[1]) for t in tokens if t.type == "heading_open"), default=1)
    for i, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close"):
            token.tag = _shifted(token.tag, top)
        if token.type == "heading_open" and not token.attrGet("id"):
            children = tokens[i + 1].children or []
            given = _given_id(children)
            words = "".join(c.content for c in children if c.type in ("text", "code_inline"))
            token.attrSet("id", ids.add(given) if given else ids.add(words))
    return str(md.renderer.render(tokens, md.options, {}))


#: A heading's own id written after it, as Hugo, Pandoc and kramdown allow:
#: ``## Personas {#personas}``.
_GIVEN_ID = re.compile(r"\s*\{#([A-Za-z][\w.:-]*)\}\s*$")


def _given_id(children: list[Token]) -> str:
    """The ``{#id}`` ending a heading's text, taken out of the text; or ``""``."""
    last = next((c for c in reversed(children) if c.type == "text"), None)
    if last is None:
        return ""
    match = _GIVEN_ID.search(last.content)
    if match is None:
        return ""
    last.content = last.content[:match.start()]
    return match.group(1)


# -- Python-Markdown -----------------------------------------------------------------------------

def _python_markdown_html(body: str, settings: MarkdownSettings) -> str:
    md, lock = _python_markdown(settings.extensions,
                                pickle.dumps(dict(settings.extension_configs)))
    with lock:  # a Markdown object holds the state of one conversion at a time
        md.reset()  # footnote numbers, toc ids and stashed HTML start afresh for each body
        return md.convert(body)


def _heading_text(heading: Element, md: Markdown) -> str:
    """The words of a heading as read: raw HTML and entities kept aside by
    Python-Markdown put back as text, backslash escapes undone."""
    from markdown.util import ETX, HTML_PLACEHOLDER_RE, STX

    def stashed(match: re.Match[str]) -> str:
        block = md.htmlStash.rawHtmlBlocks[int(match.group(1))]
        return html.unescape(_TAG.sub("", block if isinstance(block, str) else ""))

    text = HTML_PLACEHOLDER_RE.sub(stashed, "".join(heading.itertext()))
    return re.sub(f"{STX}([0-9]+){ETX}", lambda m: chr(int(m.group(1))), text)


@lru_cache(maxsize=8)
def _python_markdown(extensions: tuple[str, ...], configs: bytes) -> tuple[Markdown, Lock]:
    # The options arrive pickled: a hashable cache key for nested YAML values.
    import markdown
    from markdown.treeprocessors import Treeprocessor

    options: Mapping[str, Mapping[str, Any]] = pickle.loads(configs)

    class HeadingIds(Treeprocessor):
        """Gives every heading without an id one, as the markdown-it engine does."""

        def run(self, root: Element) -> None:
            ids = _HeadingIds()
            headings = [el for el in root.iter() if el.tag in _HEADINGS]
            for el in headings:  # ids written in the text are taken first
                if el.get("id"):
                    ids.used.add(el.get("id", ""))
            for el in headings:
                if not el.get("id"):
                    el.set("id", ids.add(_heading_text(el, self.md)))

    class ShiftHeadings(Treeprocessor):
        """Headings moved so the highest is ``h2``, after every extension (toc counts
        levels as written)."""

        def run(self, root: Element) -> None:
            headings = [el for el in root.iter() if el.tag in _HEADINGS]
            top = min((int(el.tag[1]) for el in headings), default=1)
            for el in headings:
                el.tag = _shifted(el.tag, top)

    md = markdown.Markdown(extensions=list(extensions),
                           extension_configs={name: dict(options.get(name, {}))
                                              for name in extensions},
                           output_format="html")
    # After inline parsing (20) and attr_list (8), before toc (5); the shift runs last
    # but one, before the unescaping of backslash escapes (0).
    md.treeprocessors.register(HeadingIds(md), "newsarchive_heading_ids", 6)
    md.treeprocessors.register(ShiftHeadings(md), "newsarchive_shift_headings", 1)
    return md, Lock()
