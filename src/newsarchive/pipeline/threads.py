"""Story threads: articles that continue one story, linked in date order.

A thread is either **explicit** (the articles share a front-matter ``thread:``
value) or **automatic**: two dated articles at most :data:`GAP_DAYS` apart
are linked when they share named entities (people, organizations, places)
of rarity weight at least :data:`MIN_ENTITY_WEIGHT` *and* at least
:data:`MIN_TITLE_WORDS` content words of their titles besides the shared
names.  Each article is linked to its best earlier match only, and a thread stops growing at
:data:`MAX_MEMBERS`, so a busy topic does not chain into one long thread:
precision comes first.  An article in an explicit thread is never put in an
automatic one.

The title words are read from the entry's slug (made from its title, or
given by ``slug:``): the slug decides the article's URL, so a title edit that
keeps it changes no thread (and the incremental build, which re-renders only
the pages naming an edited article, stays exact).

The cost is bounded like :mod:`.related`: an inverted index of entities,
terms held by more than :data:`MAX_POSTINGS` entries skipped, and per term only
the next :data:`NEIGHBOURS` entries in date order within :data:`GAP_DAYS`.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from newsarchive.model import Entry
from newsarchive.urls import slugify

__all__ = ["ENTITIES", "GAP_DAYS", "MAX_MEMBERS", "MIN_ENTITY_WEIGHT", "MIN_TITLE_WORDS",
           "Thread", "find_threads", "follow_up_score", "title_words"]

#: The taxonomies of named entities.
ENTITIES: tuple[str, ...] = ("people", "organizations", "places")
#: Most days between two consecutive members of an automatic thread.
GAP_DAYS = 14
#: Least rarity weight (sum of ``log(1 + N / df)`` of the shared entities).
MIN_ENTITY_WEIGHT = 2.5
#: Least number of shared title content words.
MIN_TITLE_WORDS = 2
#: Most members of an automatic thread.
MAX_MEMBERS = 25
#: Entities held by more entries are skipped.
MAX_POSTINGS = 2000
#: Later entries considered per entity.
NEIGHBOURS = 60

# Function words and news-title filler that say nothing about the story.
_STOPWORDS = frozenset({
    "a", "about", "after", "against", "all", "also", "amid", "an", "and", "are", "as", "at",
    "be", "been", "before", "but", "by", "can", "could", "day", "days", "did", "do", "does",
    "first", "for", "from", "get", "gets", "had", "has", "have", "he", "her", "here", "his",
    "how", "if", "in", "into", "is", "it", "its", "last", "make", "makes", "may", "might",
    "more", "most", "new", "news", "not", "now", "of", "off", "old", "on", "one", "or",
    "our", "out", "over", "report", "said", "says", "set", "sets", "she", "so", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "two",
    "up", "update", "updates", "us", "via", "vs", "was", "we", "week", "weeks", "were",
    "what", "when", "where", "which", "who", "why", "will", "with", "would", "year", "years",
    "you", "your",
})


@dataclass(frozen=True, slots=True)
class Thread:
    """One story thread: its URL slug, its members' keys in date order (undated
    last, by key) and whether it came from ``thread:`` keys."""

    slug: str
    keys: tuple[str, ...]
    explicit: bool


def title_words(entry: Entry) -> frozenset[str]:
    """The content words of ``entry``'s title, as its slug spells them."""
    return frozenset(w for w in entry.slug.split("-")
                     if len(w) >= 3 and not w.isdigit() and w not in _STOPWORDS)


def _entities(entry: Entry) -> set[tuple[str, str]]:
    return {(tax, name.casefold()) for tax in ENTITIES for name in entry.terms.get(tax, ())}


def follow_up_score(a: Entry, b: Entry, rarity: dict[tuple[str, str], float]) -> float:
    """How strongly ``b`` continues ``a``'s story: the rarity weight of their
    shared entities (0.0 when they miss a threshold or are too far apart)."""
    if a.local is None or b.local is None:
        return 0.0
    if abs(b.local.toordinal() - a.local.toordinal()) > GAP_DAYS:
        return 0.0
    shared = _entities(a) & _entities(b)
    weight = sum(rarity.get(t, 0.0) for t in shared)
    # A shared name counts once, as an entity, not again as title words.
    named = {w for _, name in shared for w in slugify(name).split("-")}
    words = len((title_words(a) & title_words(b)) - named)
    if weight < MIN_ENTITY_WEIGHT or words < MIN_TITLE_WORDS:
        return 0.0
    return weight + words


def _explicit(entries: Sequence[Entry]) -> dict[str, list[Entry]]:
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        name = entry.article.thread.strip()
        if name:
            groups[name].append(entry)
    return groups


def _automatic(dated: Sequence[Entry], taken: set[str]) -> list[list[Entry]]:
    total = len(dated)
    postings: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, entry in enumerate(dated):
        if entry.key not in taken:
            for term in sorted(_entities(entry)):
                postings[term].append(i)
    rarity = {t: math.log(1.0 + total / len(p)) for t, p in postings.items()
              if 2 <= len(p) <= MAX_POSTINGS}
    parent = list(range(total))
    size = [1] * total

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, entry in enumerate(dated):
        if entry.key in taken:
            continue
        candidates: set[int] = set()
        for term in _entities(entry):
            if term in rarity:
                plist = postings[term]
                at = bisect_right(plist, i)
                candidates.update(plist[max(0, at - 1 - NEIGHBOURS):at - 1])
        best: tuple[float, str, int] | None = None
        for j in candidates:  # earlier entries only: each links to one predecessor
            score = follow_up_score(dated[j], entry, rarity)
            if score and (best is None or (-score, dated[j].key) < (-best[0], best[1])):
                best = (score, dated[j].key, j)
        if best is not None:
            a, b = root(best[2]), root(i)
            if a != b and size[a] + size[b] <= MAX_MEMBERS:
                parent[b] = a
                size[a] += size[b]
    groups: dict[int, list[Entry]] = defaultdict(list)
    for i, entry in enumerate(dated):
        if entry.key not in taken:
            groups[root(i)].append(entry)
    return [members for members in groups.values() if len(members) >= 2]


def _order(entry: Entry) -> tuple[bool, str, str]:
    return (entry.local is None, entry.local.isoformat() if entry.local else "", entry.key)


def find_threads(dated: Sequence[Entry], undated: Sequence[Entry] = ()) -> tuple[Thread, ...]:
    """Every thread of the archive (``dated`` in date order, as ``Archive.dated``),
    ordered by first member.  Explicit threads take dated and undated entries and
    are slugged from their ``thread:`` value; automatic ones are slugged from
    their first member's slug.  A slug taken by an earlier thread gets ``-2``,
    ``-3``...  A thread has at least two members."""
    found: list[tuple[list[Entry], str, bool]] = []
    taken: set[str] = set()
    for name, members in _explicit([*dated, *undated]).items():
        taken.update(e.key for e in members)
        if len(members) >= 2:
            found.append((sorted(members, key=_order), slugify(name, "thread"), True))
    for members in _automatic(dated, taken):
        found.append((sorted(members, key=_order), members[0].slug or "thread", False))
    found.sort(key=lambda t: (_order(t[0][0]), t[1]))
    threads: list[Thread] = []
    used: set[str] = set()
    for members, slug, explicit in found:
        unique, n = slug, 1
        while unique in used:
            n += 1
            unique = f"{slug}-{n}"
        used.add(unique)
        threads.append(Thread(unique, tuple(e.key for e in members), explicit))
    return tuple(threads)
