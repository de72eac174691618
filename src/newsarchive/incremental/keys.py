"""What a build did (:class:`BuildReport`), and the digests that decide what a build redoes."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from newsarchive import __version__
from newsarchive.config import Config
from newsarchive.errors import Diagnostic
from newsarchive.model import Article, Entry, ReadResult, SourceFile, Term
from newsarchive.pipeline.enrich import ENRICH_VERSION
from newsarchive.pipeline.read import READ_VERSION

__all__ = ["BuildReport", "config_digest", "pickled_format", "settings_digest"]


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


def pickled_format(*classes: type) -> tuple[tuple[str, ...], ...]:
    """The field names of dataclasses kept pickled in the cache: a cache written by
    code whose classes had other fields is a miss, never unpickled into them."""
    return tuple((c.__module__, c.__qualname__, *(f.name for f in fields(c))) for c in classes)


def settings_digest(config: Config) -> str:
    """Digest of everything besides a source's bytes that shapes its cached result."""
    material = repr((__version__, ENRICH_VERSION, READ_VERSION, config.read, config.topics,
                     config.timezone, config.language,
                     pickled_format(SourceFile, Article, ReadResult, Term, Entry, Diagnostic)))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def config_digest(config: Config) -> str:
    """Digest of the config as it affects rendered pages."""
    material = repr((config.title, config.description, config.base_url, config.language,
                     config.timezone, config.per_page, config.feed_size, config.index_html,
                     config.cname))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()
