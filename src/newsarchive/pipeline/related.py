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
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from operator import itemgetter

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
    # Each term's entries' days, in date order: the window is a run of them, found
    # by bisection instead of a test per candidate.
    term_days = {t: [days[j] for j in p] for t, p in postings.items()}
    keys = [e.key for e in entries]
    found: dict[str, tuple[str, ...]] = {}
    for i, terms in terms_of.items():
        shared: dict[int, float] = defaultdict(float)
        day = days[i]
        for term in terms:
            plist, pdays = postings[term], term_days[term]
            at = bisect_left(plist, i)
            lo = max(at - NEIGHBOURS, bisect_left(pdays, day - WINDOW_DAYS, 0, at))
            hi = min(at + NEIGHBOURS + 1, bisect_right(pdays, day + WINDOW_DAYS, at + 1))
            weight = rarity[term]
            for j in plist[lo:at]:
                shared[j] += weight
            for j in plist[at + 1:hi]:
                shared[j] += weight
        if shared:
            found[keys[i]] = _best(shared, day, days, keys, limit)
    return found


def _best(shared: Mapping[int, float], day: int, days: Sequence[int], keys: Sequence[str],
          limit: int) -> tuple[str, ...]:
    """The keys of the ``limit`` best of the candidates ``shared`` (position ->
    summed weight) of the entry on ``day``, best first, ties by key.

    A candidate's score is its weight times a decay of at most 1, so once
    ``limit`` scores are found, a candidate whose weight is below the lowest of
    them cannot enter: candidates are scored heaviest first and the rest left out.
    """
    scored: list[tuple[float, str]] = []
    lowest: list[float] = []  # a heap of the best ``limit`` scores so far
    for j, weight in sorted(shared.items(), key=itemgetter(1), reverse=True):
        if len(lowest) == limit and weight < lowest[0]:
            break
        score = weight / (1.0 + abs(days[j] - day) / DECAY_DAYS)
        scored.append((-score, keys[j]))
        if len(lowest) < limit:
            heapq.heappush(lowest, score)
        elif score > lowest[0]:
            heapq.heapreplace(lowest, score)
    scored.sort()
    return tuple(key for _, key in scored[:limit])


def rank_of(related: Mapping[str, tuple[str, ...]], key: str) -> list[str]:
    """The keys of the entries whose related list holds ``key`` (for measuring
    what adding an article changes)."""
    return sorted(k for k, keys in related.items() if key in keys)
