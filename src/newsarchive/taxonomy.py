"""The taxonomies of an archive, declared in one table.

The built-in ones (:data:`BUILTIN`) are entries of the same table a site
extends with ``taxonomies:`` in ``archive.yaml``.  (Draft: completed by the
taxonomy work; the names and fields below are the interface.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["BUILTIN", "Taxonomy", "parse_taxonomies", "term_keys"]


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """One taxonomy: ``name`` is its URL folder and its key in ``Entry.terms``;
    ``keys`` are the front-matter / record keys whose values are its terms;
    ``derived``: automatic topics may add terms; ``keywords``: its terms say
    what an article is about (SEO keywords); ``facet``: a search filter;
    ``feeds``: a feed per term."""

    name: str
    singular: str
    plural: str
    keys: tuple[str, ...] = ()
    derived: bool = False
    keywords: bool = True
    facet: bool = True
    feeds: bool = True


BUILTIN: tuple[Taxonomy, ...] = (
    Taxonomy("topics", "Topic", "Topics", ("topics", "tags", "keywords", "categories")),
    Taxonomy("places", "Place", "Places", ("places",), derived=True),
    Taxonomy("people", "Person", "People", ("people",), derived=True),
    Taxonomy("organizations", "Organization", "Organizations", ("organizations",),
             derived=True),
    Taxonomy("subjects", "Subject", "Subjects", ("subjects",), derived=True),
    Taxonomy("sources", "Source", "Sources", (), keywords=False),
    Taxonomy("authors", "Author", "Authors", (), keywords=False),
)


def parse_taxonomies(value: Any) -> tuple[tuple[Taxonomy, ...], list[tuple[str, str]]]:
    """The built-in taxonomies plus those of ``value`` (the ``taxonomies:`` entry of
    archive.yaml), and the problems found as ``(message, hint)`` pairs."""
    return BUILTIN, []


def term_keys(taxonomies: tuple[Taxonomy, ...]) -> Mapping[str, tuple[str, ...]]:
    """Taxonomy name -> the front-matter keys merged into it."""
    return {t.name: t.keys for t in taxonomies if t.keys}
