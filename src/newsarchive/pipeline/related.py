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
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING

from newsarchive.model import Entry
from newsarchive.pickling import by_constructor

if TYPE_CHECKING:
    from newsarchive.pipeline.copies import CopiesMemo

__all__ = ["DECAY_DAYS", "IGNORED", "NEIGHBOURS", "RULE", "WINDOW_DAYS", "PlanMemory",
           "RelatedMemo", "related_entries", "remembered_related"]

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


def _entry_terms(entry: Entry, ignored: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """The ``(taxonomy, casefolded term)`` pairs of ``entry`` that can relate it, once each."""
    seen: dict[tuple[str, str], None] = {}
    for taxonomy, names in entry.terms.items():
        if taxonomy not in ignored:
            for name in names:
                seen.setdefault((taxonomy, name.casefold()))
    return tuple(seen)


def term_postings(entries: Sequence[Entry], ignored: frozenset[str] = IGNORED
                  ) -> dict[tuple[str, str], list[int]]:
    """The inverted index: ``(taxonomy, casefolded term)`` -> positions in
    ``entries`` (which are in date order), for the terms held by 2 entries or more."""
    return _postings([_entry_terms(e, ignored) for e in entries])


def _postings(terms: Sequence[tuple[tuple[str, str], ...]]) -> dict[tuple[str, str], list[int]]:
    postings: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, held in enumerate(terms):
        for term in held:
            postings[term].append(i)
    return {t: p for t, p in postings.items() if len(p) >= 2}


class _Index:
    """What every related list of an archive is computed from (see the module
    docstring), for the dated entries' ``keys``, ``days`` and relating ``terms``."""

    def __init__(self, keys: Sequence[str], days: Sequence[int],
                 terms: Sequence[tuple[tuple[str, str], ...]]) -> None:
        self.keys, self.days = keys, days
        self.postings = postings = _postings(terms)
        # 1 / (1 + floor(log2 df)): rarer terms weigh more, like IDF, but the weight
        # does not move with the archive's size and moves with a term's own count only
        # when it doubles, so adding an article leaves the other lists as they were.
        self.rarity = {t: 1.0 / (1 + int(math.log2(len(p)))) for t, p in postings.items()}
        self.terms_of: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for term in sorted(postings):  # sorted: the float sums below add in one order
            for i in postings[term]:
                self.terms_of[i].append(term)
        # Each term's entries' days, in date order: the window is a run of them, found
        # by bisection instead of a test per candidate.
        self.term_days = {t: [days[j] for j in p] for t, p in postings.items()}

    def related(self, i: int, limit: int) -> tuple[str, ...]:
        """The keys of the ``limit`` entries most related to entry ``i``, best first."""
        shared: dict[int, float] = defaultdict(float)
        day = self.days[i]
        for term in self.terms_of.get(i, ()):
            plist, pdays = self.postings[term], self.term_days[term]
            at = bisect_left(plist, i)
            lo = max(at - NEIGHBOURS, bisect_left(pdays, day - WINDOW_DAYS, 0, at))
            hi = min(at + NEIGHBOURS + 1, bisect_right(pdays, day + WINDOW_DAYS, at + 1))
            weight = self.rarity[term]
            for j in plist[lo:at]:
                shared[j] += weight
            for j in plist[at + 1:hi]:
                shared[j] += weight
        return _best(shared, day, self.days, self.keys, limit) if shared else ()


def related_entries(entries: Sequence[Entry], limit: int,
                    ignored: frozenset[str] = IGNORED) -> dict[str, tuple[str, ...]]:
    """Entry key -> the keys of its ``limit`` most related entries, best first.

    ``entries`` are the archive's dated entries in date order (``Archive.dated``);
    an entry with no related entry is left out.  ``limit`` 0 gives ``{}``.
    """
    return remembered_related(entries, limit, None, ignored).found


#: The rule the lists follow (its constants and a number to raise when the code
#: changes it): a memo made by another rule, saved by an earlier version, is not reused.
RULE = (1, NEIGHBOURS, WINDOW_DAYS, DECAY_DAYS)


@by_constructor
@dataclass(frozen=True, slots=True)
class RelatedMemo:
    """The related lists of one plan (``found``, as :func:`related_entries` gives
    them) with what they were computed from, so that the next plan of the same
    dated entries computes again only the lists a change of terms can reach.
    Everything the lists depend on is in it: a memo is exact for what it was
    made from, however old (the cache keeps the last full build's)."""

    rule: tuple[float, ...]
    limit: int
    ignored: frozenset[str]
    keys: tuple[str, ...]
    days: tuple[int, ...]
    terms: tuple[tuple[tuple[str, str], ...], ...]
    found: dict[str, tuple[str, ...]]


@dataclass(slots=True)
class PlanMemory:
    """What one plan keeps for the next plan of the same archive (the session's
    next build, or, saved in the cache, the next build's): the related lists with
    what they were computed from, so that an edit changing an article's terms
    computes again only the lists it can reach (:func:`remembered_related`), and
    the copies found (:func:`newsarchive.pipeline.copies.remembered_copies`)."""

    related: RelatedMemo | None = None
    copies: CopiesMemo | None = None


def remembered_related(entries: Sequence[Entry], limit: int, last: RelatedMemo | None,
                       ignored: frozenset[str] = IGNORED) -> RelatedMemo:
    """The related lists of ``entries`` (see :func:`related_entries`), reusing ``last``,
    the memo of an earlier plan, when it was made for the same dated entries on the
    same days; then only the lists a change of terms can reach are computed again
    (:func:`_reached`)."""
    keys = tuple(e.key for e in entries)
    days = tuple(_day(e) for e in entries)
    interned: dict[tuple[str, str], tuple[str, str]] = {}
    terms = tuple(tuple(interned.setdefault(t, t) for t in _entry_terms(e, ignored))
                  for e in entries)
    if limit <= 0 or len(entries) < 2:
        return RelatedMemo(RULE, limit, ignored, keys, days, terms, {})
    index = _Index(keys, days, terms)
    if last is None or (last.rule, last.limit, last.ignored, last.keys, last.days) != (
            RULE, limit, ignored, keys, days):
        found: dict[str, tuple[str, ...]] = {}
        for i in index.terms_of:
            if best := index.related(i, limit):
                found[keys[i]] = best
        return RelatedMemo(RULE, limit, ignored, keys, days, terms, found)
    found = dict(last.found)
    for i in sorted(_reached(index, last.terms, terms)):
        if best := index.related(i, limit):
            found[keys[i]] = best
        else:
            found.pop(keys[i], None)
    return RelatedMemo(RULE, limit, ignored, keys, days, terms, found)


def _reached(index: _Index, before: Sequence[tuple[tuple[str, str], ...]],
             after: Sequence[tuple[tuple[str, str], ...]]) -> set[int]:
    """The positions whose related lists can differ when the entries' terms go from
    ``before`` to ``after`` (same entries, same days).  An entry's list is a
    function of the holders of its terms: an entry none of whose terms gained or
    lost a holder keeps its list.  A term that did keeps the lists of most of
    its holders too: while its rarity stays the same (its count did not cross
    a power of two), a holder further than :data:`NEIGHBOURS` places in the
    term's date order from every entry that came or went has the same
    neighbours as before.  So the changed entries, the holders near them and
    every holder of a term whose rarity changed."""
    changed = [i for i, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
    delta: dict[tuple[str, str], int] = defaultdict(int)  # holders gained
    near: dict[tuple[str, str], list[int]] = defaultdict(list)  # the entries that came or went
    for i in changed:
        old, new = set(before[i]), set(after[i])
        for term in old ^ new:
            delta[term] += 1 if term in new else -1
            near[term].append(i)
    reached = set(changed)
    if not near:
        return reached
    holders: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, held in enumerate(after):
        for term in held:
            if term in near:
                holders[term].append(i)

    def weight_class(count: int) -> int | None:
        return int(math.log2(count)) if count >= 2 else None

    for term, moved in near.items():
        now = len(holders[term])
        if weight_class(now) != weight_class(now - delta[term]):
            reached.update(holders[term])
            continue
        if weight_class(now) is None:  # held by one entry at most, before and after
            continue
        plist = index.postings[term]  # two holders or more, before and after
        for i in moved:
            at = bisect_left(plist, i)
            reached.update(plist[max(0, at - NEIGHBOURS - 1):at + NEIGHBOURS + 2])
    return reached


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
