"""Related articles: for each dated entry, the entries that share its rarest terms,
nearest in time.

The score of a candidate ``c`` for an entry ``e`` is the sum, over the terms
they share, of the term's rarity (``1 / (1 + floor(log2 df))`` for a term held
by ``df`` entries: ordered like the inverse document frequency, but blind to the
archive's size, so an added article does not reorder every list), times a
decay over the days between them
(``1 / (1 + days / DECAY_DAYS)``).  The ``limit`` best are kept, ties broken by
key, so the lists are deterministic.

The cost is bounded, with no all-pairs scan: an inverted index maps each term
to its entries in date order (a term held by one entry relates nothing and is
left out; a term held by many weighs little, and there is no cut-off, whose
crossing would change every list of the term at once), and for each of an
entry's terms only the ``NEIGHBOURS`` entries on each side of it
in that term's date order, within ``WINDOW_DAYS``, are considered.  So an
entry looks at most ``2 * NEIGHBOURS`` candidates per term, and adding an
article can change only the lists of the entries it is such a neighbour of.

Terms come from every taxonomy except those in :data:`IGNORED` (a source, an
author or a language says little about the story).  Undated entries get no
list and are no candidates (they have no place in time).
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence

from newsarchive.model import Entry

__all__ = ["DECAY_DAYS", "IGNORED", "NEIGHBOURS", "WINDOW_DAYS",
           "related_entries"]

#: Taxonomies that do not make two articles related.
IGNORED: frozenset[str] = frozenset({"sources", "authors", "languages"})
#: Candidates considered per term, on each side of the entry in date order.
NEIGHBOURS = 40
#: Candidates further apart than this (in days) are not considered.
WINDOW_DAYS = 3 * 365
#: The days after which date proximity halves a candidate's score.
DECAY_DAYS = 180.0


def _day(entry: Entry) -> int:
    assert entry.local is not None
    return entry.local.toordinal()


def term_postings(entries: Sequence[Entry], ignored: frozenset[str] = IGNORED
                  ) -> dict[tuple[str, str], list[int]]:
    """The inverted index: ``(taxonomy, casefolded term)`` -> positions in
    ``entries`` (which are in date order), for the terms held by 2 entries or more."""
    postings: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, entry in enumerate(entries):
        seen: set[tuple[str, str]] = set()
        for taxonomy, names in entry.terms.items():
            if taxonomy in ignored:
                continue
            for name in names:
                term = (taxonomy, name.casefold())
                if term not in seen:
                    seen.add(term)
                    postings[term].append(i)
    return {t: p for t, p in postings.items() if len(p) >= 2}


def related_entries(entries: Sequence[Entry], limit: int,
                    ignored: frozenset[str] = IGNORED) -> dict[str, tuple[str, ...]]:
    """Entry key -> the keys of its ``limit`` most related entries, best first.

    ``entries`` are the archive's dated entries in date order (``Archive.dated``);
    an entry with no related entry is left out.  ``limit`` 0 gives ``{}``.
    """
    if limit <= 0 or len(entries) < 2:
        return {}
    postings = term_postings(entries, ignored)
    # 1 / (1 + floor(log2 df)): rarer terms weigh more, like IDF, but the weight
    # does not move with the archive's size and moves with a term's own count only
    # when it doubles, so adding an article leaves the other lists as they were.
    rarity = {t: 1.0 / (1 + int(math.log2(len(p)))) for t, p in postings.items()}
    days = [_day(e) for e in entries]
    terms_of: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for term in sorted(postings):  # sorted: the float sums below add in one order
        for i in postings[term]:
            terms_of[i].append(term)
    keys = [e.key for e in entries]
    found: dict[str, tuple[str, ...]] = {}
    for i, terms in terms_of.items():
        shared: dict[int, float] = defaultdict(float)
        day = days[i]
        for term in terms:
            plist = postings[term]
            at = bisect_left(plist, i)
            weight = rarity[term]
            for j in plist[max(0, at - NEIGHBOURS):at + NEIGHBOURS + 1]:
                if j != i and abs(days[j] - day) <= WINDOW_DAYS:
                    shared[j] += weight
        if not shared:
            continue
        best = heapq.nsmallest(limit, (
            (-(weight / (1.0 + abs(days[j] - day) / DECAY_DAYS)), keys[j])
            for j, weight in shared.items()))
        found[keys[i]] = tuple(key for _, key in best)
    return found


def rank_of(related: Mapping[str, tuple[str, ...]], key: str) -> list[str]:
    """The keys of the entries whose related list holds ``key`` (for measuring
    what adding an article changes)."""
    return sorted(k for k, keys in related.items() if key in keys)
