"""The core types that flow through the pipeline.

``read`` turns bytes into :class:`Article` values, ``enrich`` turns those into
:class:`Entry` values (an article plus everything derived from it: slug, URL,
summary, terms by taxonomy), ``archive`` indexes entries, and ``pages`` plans
:class:`PageSpec` values that ``render`` turns into bytes.

Every type is frozen; collections are tuples, or dicts typed as read-only
``Mapping`` (never ``MappingProxyType``, which cannot be pickled), so values
can be cached, hashed into fingerprints and sent to worker processes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from newsarchive.errors import Diagnostic
from newsarchive.pickling import by_constructor
from newsarchive.taxonomy import BUILTIN

__all__ = [
    "TAXONOMIES",
    "Article",
    "BodyFormat",
    "BuildReport",
    "Entry",
    "Image",
    "Loaded",
    "ReadResult",
    "SourceFile",
    "Term",
]

BodyFormat = Literal["text", "markdown", "html"]

#: The built-in taxonomies, in the order the theme lists them (a site adds its
#: own after them: ``Config.taxonomies`` is the whole table, see
#: :mod:`newsarchive.taxonomy`).  ``topics`` holds explicit front-matter terms
#: (``topics``, ``tags``, ``keywords`` and ``categories`` all map here);
#: ``places``, ``people``, ``organizations`` and ``subjects`` are explicit or
#: derived from the text; ``sources`` and ``authors`` come from the article's fields;
#: ``languages`` from its language tag.
TAXONOMIES: tuple[str, ...] = tuple(t.name for t in BUILTIN)


@by_constructor
@dataclass(frozen=True, slots=True)
class SourceFile:
    """A discovered input file: its path relative to the source folder and its digest."""

    source_path: str
    digest: str


@by_constructor
@dataclass(frozen=True, slots=True)
class Image:
    """An image of an article: ``src`` is an http(s) URL or a path relative to the
    source folder; ``alt`` its text alternative; ``caption`` shown below it."""

    src: str
    alt: str = ""
    caption: str = ""


@by_constructor
@dataclass(frozen=True, slots=True)
class Article:
    """One article as read from a source, before anything is derived from it.

    ``source_path`` is the relative posix path of the file; ``record`` names the
    record inside a multi-article file (a JSON array index or JSON Lines line
    number as a string), ``""`` for single-article files.  ``body`` is kept as
    written: prose paragraphs separated by blank lines when ``body_format`` is
    ``"text"`` (never interpreted as Markdown), Markdown or sanitised HTML
    otherwise.  ``published`` is timezone-aware or ``None`` (undated).
    ``terms`` holds explicit taxonomy terms by taxonomy name; ``extra`` holds
    every other front-matter key, passed through to templates.
    ``body_line`` is the 1-based line where the body starts in the source.
    """

    source_path: str
    title: str
    body: str
    body_format: BodyFormat = "text"
    record: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    source: str = ""
    authors: tuple[str, ...] = ()
    dateline: str = ""
    agency: str = ""
    copyright: str = ""
    original_url: str = ""
    lang: str = ""
    slug: str = ""
    summary: str = ""
    terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    draft: bool = False
    body_line: int = 1
    #: The article's images, the lead image first: remote (an http(s) URL) or a
    #: file beside the source (a path relative to the source folder).
    images: tuple[Image, ...] = ()
    #: Names the story this article is a translation of: articles sharing it
    #: (in different languages) link each other (``hreflang``).
    translation_key: str = ""
    #: Names the story thread this article belongs to: articles sharing it are
    #: linked in date order (see :mod:`newsarchive.pipeline.threads`).
    thread: str = ""

    @property
    def key(self) -> str:
        """Identity of the article across builds: its path plus record, if any."""
        return f"{self.source_path}#{self.record}" if self.record else self.source_path


@by_constructor
@dataclass(frozen=True, slots=True)
class ReadResult:
    """What a reader made of one source file: its articles and any diagnostics.

    A file that yields no article and an error diagnostic is a skipped file;
    one no reader takes has ``unread`` saying what it looks like ("a PDF
    document"): a file not read, reported once.
    """

    articles: tuple[Article, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    unread: str = ""


@by_constructor
@dataclass(frozen=True, slots=True)
class Term:
    """A value of a taxonomy, e.g. ``Term("places", "Iran", "iran")``."""

    taxonomy: str
    name: str
    slug: str


@by_constructor
@dataclass(frozen=True, slots=True)
class Entry:
    """An article plus what is derived from it, ready to be indexed and shown.

    ``url`` is the site-relative path of its page (``2000/12/28/slug/``);
    ``terms`` maps each taxonomy to its term names (explicit, else derived);
    ``body_html`` is the rendered, safe body; ``summary`` is plain text;
    ``local`` is ``published`` in the archive's timezone (it decides the date
    pages); ``lang`` and ``direction`` (``ltr``/``rtl``) are the article's.
    """

    article: Article
    slug: str
    url: str
    summary: str
    body_html: str
    terms: Mapping[str, tuple[str, ...]]
    digest: str
    local: datetime | None = None
    lang: str = ""
    direction: str = "ltr"
    #: Links to other source files and image files the body holds as markers
    #: (see :mod:`newsarchive.pipeline.assets`): ``(kind, target, line, column)``.
    markers: tuple[tuple[str, str, int, int], ...] = ()
    #: The MinHash signature of the body (see :mod:`newsarchive.pipeline.copies`),
    #: made while the body is at hand: b"" when it is too short to compare.
    copy_sig: bytes = b""
    #: The body's keywords, space-separated (see
    #: :func:`newsarchive.pipeline.threads.body_keywords`), made while the body is
    #: at hand: what story threads compare of two bodies.
    keywords: str = ""
    #: The article's key (:attr:`Article.key`), kept: an edit that plans 10,000
    #: articles again read it 565,000 times, each through two properties.
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", self.article.key)

    @property
    def published(self) -> datetime | None:
        return self.article.published

    @property
    def title(self) -> str:
        return self.article.title


#: What one source file becomes: its read result (diagnostics only) and its
#: light entries (see :mod:`newsarchive.run.jobs`).
Loaded = tuple[ReadResult, tuple[Entry, ...]]


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did.  ``skipped`` maps each skipped source file to its reason."""

    articles: int = 0
    undated: int = 0
    duplicates: int = 0
    skipped: Mapping[str, str] = field(default_factory=dict)
    sources: int = 0
    sources_read: int = 0
    pages: int = 0
    rendered: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    diagnostics: tuple[Diagnostic, ...] = ()
    seconds: float = 0.0
    dry_run: bool = False
    written_paths: tuple[str, ...] = ()
    removed_paths: tuple[str, ...] = ()
    #: Entries of the source folder not read (links out of it, names that are
    #: not UTF-8), with the reason: warnings, not skipped articles.
    refused: Mapping[str, str] = field(default_factory=dict)
    #: Files no reader takes (not an article format), with what each looks like:
    #: warnings, reported once each, not skipped articles.
    not_read: Mapping[str, str] = field(default_factory=dict)
    #: Image files of articles copied beside their pages (counted among ``pages``).
    images: int = 0
    #: What the search step did: ``indexed`` (``search_pages`` pages in
    #: ``search_seconds``), ``unchanged``, ``unavailable``, ``failed``, or ``""``
    #: when it did not run (search off, a dry run).
    search: str = ""
    search_pages: int = 0
    search_seconds: float = 0.0

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")

    @property
    def exit_status(self) -> int:
        """0 when every source was used, 1 when any file was skipped or errored."""
        return 1 if self.skipped or self.errors else 0
