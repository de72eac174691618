"""The digests that decide what a build redoes: of the config (by what each key
affects, see :mod:`newsarchive.config`) and of the classes kept pickled in the cache."""

from __future__ import annotations

import hashlib
from dataclasses import fields

from newsarchive import __version__
from newsarchive.config import Config, key_values
from newsarchive.errors import Diagnostic
from newsarchive.model import Article, Entry, ReadResult, SourceFile, Term
from newsarchive.pipeline.enrich import ENRICH_VERSION
from newsarchive.pipeline.read import READ_VERSION

__all__ = ["config_digest", "pickled_format", "settings_digest"]


def pickled_format(*classes: type) -> tuple[tuple[str, ...], ...]:
    """The field names of dataclasses kept pickled in the cache: a cache written by
    code whose classes had other fields is a miss, never unpickled into them."""
    return tuple((c.__module__, c.__qualname__, *(f.name for f in fields(c))) for c in classes)


def settings_digest(config: Config) -> str:
    """Digest of everything besides a source's bytes that shapes its cached result: the
    versions of the code, every config key declared to affect ``"read"`` (see
    :data:`newsarchive.config.KEYS`) and the fields of the classes kept pickled."""
    material = repr((__version__, ENRICH_VERSION, READ_VERSION, key_values(config, "read"),
                     pickled_format(SourceFile, Article, ReadResult, Term, Entry, Diagnostic)))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def config_digest(config: Config) -> str:
    """Digest of the config as it affects rendered pages: every key declared to affect
    ``"pages"`` (see :data:`newsarchive.config.KEYS`)."""
    material = repr(key_values(config, "pages"))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()
