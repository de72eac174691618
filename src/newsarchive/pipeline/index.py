"""Index entries by date and by taxonomy term; assign final URLs; paginate stably.

Indexing is done in full on every build (cheap, and where stale-page bugs are
avoided); only reading and rendering are incremental.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from newsarchive.errors import Diagnostic
from newsarchive.model import TAXONOMIES, Entry, Term
from newsarchive.urls import article_url, term_slug

__all__ = ["Archive", "ListingPage", "TermIndex", "build_archive", "is_anchor", "page_sizes",
           "paginate"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TermIndex:
    """One term and its entries: the dated oldest first, then the undated by title."""

    term: Term
    entries: tuple[Entry, ...]

    @property
    def listed(self) -> tuple[Entry, ...]:
        """The entries in the order :func:`paginate` takes them: the undated
        before the oldest (reversed), so a newest-first term page shows them
        last, by title, after every dated one."""
        dated = len(self.entries)
        while dated and self.entries[dated - 1].local is None:
            dated -= 1
        return self.entries[dated:][::-1] + self.entries[:dated]


@dataclass(frozen=True, slots=True)
class Archive:
    """The whole collection, indexed.  Every tuple of entries is oldest first.

    ``dated`` is in chronological order (ties by source key), which is also
    the previous/next order of article pages; ``undated`` is sorted by title.
    """

    dated: tuple[Entry, ...]
    undated: tuple[Entry, ...]
    by_year: Mapping[int, tuple[Entry, ...]]
    by_month: Mapping[tuple[int, int], tuple[Entry, ...]]
    by_day: Mapping[tuple[int, int, int], tuple[Entry, ...]]
    by_term: Mapping[str, tuple[TermIndex, ...]]

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self.dated + self.undated


@dataclass(frozen=True, slots=True)
class ListingPage:
    """One page of a paginated listing, numbered stably from the oldest page.

    ``number`` 0 is the newest page (the listing's own URL); pages 1.. count
    from the oldest, so adding a new article changes the newest page only
    and never renumbers older ones.  ``total`` is the number of pages (the
    newest page is page ``total`` to a reader).  ``items`` are newest first;
    ``older``/``newer`` are page numbers or None.
    """

    number: int
    items: tuple[Entry, ...]
    older: int | None
    newer: int | None
    total: int = 1

    @property
    def position(self) -> int:
        """The page's number to a reader: 1 for the oldest, ``total`` for the newest."""
        return self.number or self.total


def page_sizes(per_page: int) -> tuple[int, int, int]:
    """``(minimum, spacing, maximum)`` of content-defined pages of ``per_page``
    items on average: a page closes after an anchor item once it holds at least
    ``minimum`` (about one item in ``spacing`` is an anchor), or at ``maximum``."""
    minimum = max(1, per_page // 2)
    return minimum, per_page - minimum + 1, 2 * per_page


@functools.lru_cache(maxsize=1 << 18)
def _key_hash(key: str) -> int:
    """A stable hash of ``key``, kept: an article's key is tested once per listing
    that holds it (its day, month, year, each term and the term's years and months)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


def is_anchor(key: str, spacing: int) -> bool:
    """Whether the item of ``key`` may close a page: a stable hash of the key alone,
    so the same items make the same pages in every build and on every machine."""
    return _key_hash(key) % spacing == 0


def _chunks(items: Sequence[T], keys: Sequence[str], per_page: int) -> list[Sequence[T]]:
    minimum, spacing, maximum = page_sizes(per_page)
    chunks: list[Sequence[T]] = []
    start = 0
    for i, key in enumerate(keys):
        size = i + 1 - start
        if size >= maximum or (size >= minimum and is_anchor(key, spacing)):
            chunks.append(items[start:i + 1])
            start = i + 1
    tail = items[start:]
    if chunks and len(tail) < minimum:  # a short newest page joins the page before it
        chunks[-1] = [*chunks[-1], *tail]
    elif tail or not chunks:
        chunks.append(tail)
    return chunks


def paginate(items: Sequence[Entry], per_page: int) -> tuple[ListingPage, ...]:
    """Split ``items`` (oldest first) into pages anchored on their content,
    newest page first.

    Page boundaries depend on the items alone (:func:`is_anchor` of each key,
    :func:`page_sizes`), never on a count from either end: inserting an item
    changes its own page only, unless the item is itself an anchor or moves
    one past ``minimum`` (then the pages after it are renumbered), and an
    edit that keeps the key changes nothing.  Pages hold ``per_page`` items
    on average, ``per_page // 2`` to ``2 * per_page``; the newest page, which
    grows as articles are added, holds the items after the last closed page,
    joined to the closed page before when they are fewer than the minimum
    (so up to ``2 * per_page + per_page // 2 - 1``).  An empty listing makes one
    empty page.
    """
    chunks = _chunks(items, [e.key for e in items], per_page)
    total = len(chunks)
    pages = []
    for index in range(total - 1, -1, -1):
        number = 0 if index == total - 1 else index + 1
        older = index or None  # page ``index`` is the one before, when index >= 1
        newer = None if number == 0 else (0 if index + 1 == total - 1 else index + 2)
        pages.append(ListingPage(number, tuple(reversed(chunks[index])), older, newer, total))
    return tuple(pages)


def _assign_urls(entries: Iterable[Entry]) -> tuple[list[Entry], list[Diagnostic]]:
    """Give each entry its URL; entries sharing one get a stable digest suffix."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[article_url(entry.local, entry.slug)].append(entry)
    placed: list[Entry] = []
    problems: list[Diagnostic] = []
    for url, group in groups.items():
        group.sort(key=lambda e: e.key)
        first = group[0]
        placed.append(first if first.url == url else dataclasses.replace(first, url=url))
        for other in group[1:]:
            suffix = hashlib.sha1(other.key.encode("utf-8")).hexdigest()[:6]
            slug = f"{other.slug}-{suffix}"
            placed.append(dataclasses.replace(other, slug=slug,
                                              url=article_url(other.local, slug)))
            problems.append(Diagnostic(
                other.article.source_path, 0, 0,
                f"URL /{url} is also claimed by {group[0].key}; this article gets /"
                f"{article_url(other.local, slug)}",
                "give one of them a distinct `slug:` in its front matter", "warning"))
    return placed, problems


def _unique_entries(group: Sequence[Entry]) -> tuple[Entry, ...]:
    seen: set[str] = set()
    kept = []
    for entry in group:
        if entry.key not in seen:
            seen.add(entry.key)
            kept.append(entry)
    return tuple(kept)


def _index_terms(entries: Sequence[Entry]) -> dict[str, tuple[TermIndex, ...]]:
    members: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    names: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    slugs: dict[str, str] = {}  # term names repeat across articles; slugify once each
    for entry in entries:
        for taxonomy, values in entry.terms.items():
            for name in values:
                slug = slugs.get(name)
                if slug is None:
                    slug = slugs[name] = term_slug(name)
                key = (taxonomy, slug)
                members[key].append(entry)
                names[key][name] += 1
    by_term: dict[str, list[TermIndex]] = {t: [] for t in TAXONOMIES}
    for (taxonomy, slug), group in members.items():
        # The spelling most articles use names the term; ties go to the first in order.
        name = min(names[(taxonomy, slug)].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        by_term.setdefault(taxonomy, []).append(
            TermIndex(Term(taxonomy, name, slug), _unique_entries(group)))
    return {t: tuple(sorted(v, key=lambda ti: ti.term.slug)) for t, v in by_term.items()}


def build_archive(entries: Iterable[Entry]) -> tuple[Archive, tuple[Diagnostic, ...]]:
    """Index ``entries`` (any order) into an Archive; report URL collisions."""
    placed, problems = _assign_urls(entries)
    dated = sorted((e for e in placed if e.local is not None),
                   key=lambda e: (e.local, e.key))
    undated = sorted((e for e in placed if e.local is None), key=lambda e: (e.title, e.key))
    by_year: dict[int, list[Entry]] = defaultdict(list)
    by_month: dict[tuple[int, int], list[Entry]] = defaultdict(list)
    by_day: dict[tuple[int, int, int], list[Entry]] = defaultdict(list)
    for entry in dated:
        assert entry.local is not None
        day = entry.local
        by_year[day.year].append(entry)
        by_month[(day.year, day.month)].append(entry)
        by_day[(day.year, day.month, day.day)].append(entry)
    ordered = dated + undated
    archive = Archive(
        dated=tuple(dated),
        undated=tuple(undated),
        by_year=MappingProxyType({k: tuple(v) for k, v in by_year.items()}),
        by_month=MappingProxyType({k: tuple(v) for k, v in by_month.items()}),
        by_day=MappingProxyType({k: tuple(v) for k, v in by_day.items()}),
        by_term=MappingProxyType(_index_terms(ordered)),
    )
    return archive, tuple(problems)
