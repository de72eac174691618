"""Story threads: articles that continue one story, linked in date order.

A thread is either **explicit** (the articles share a front-matter ``thread:``
value) or **automatic**: two dated articles at most :data:`GAP_DAYS` apart
are linked when they share named entities (people, organizations, places)
of rarity weight at least :data:`MIN_ENTITY_WEIGHT` *and* at least
:data:`MIN_TITLE_WORDS` content words of their titles besides the shared
names; or when they share entities of weight at least
:data:`MIN_ENTITY_WEIGHT_WITH_WORDS` *and* the words of their bodies agree:
the cosine of their :func:`body_keywords` sets, each word weighted by its
rarity in the archive, is at least :data:`MIN_WORD_SIMILARITY` (follow-ups
are often titled with other words than the story they continue, but their
bodies keep its vocabulary: "website", "rollout", "penalty").  Each article
is linked to its best earlier match only, and a thread stops growing at
:data:`MAX_MEMBERS`, so a busy topic does not chain into one long thread:
precision comes first.  An article in an explicit thread is never put in an
automatic one.

The body's keywords are found when the source is loaded (the body is not at
hand when pages are planned): its :data:`KEYWORDS` most frequent words of at
least four letters used at least twice, function words left out, in its first
:data:`KEYWORD_CHARS` characters (a news story puts its matter first, and the
cost stays bounded).

The title words are read from the entry's slug (made from its title, or
given by ``slug:``): the slug decides the article's URL, so a title edit that
keeps it changes no thread (and the incremental build, which re-renders only
the pages naming an edited article, stays exact).

The cost is bounded like :mod:`.related`: an inverted index of entities,
terms held by more than :data:`MAX_POSTINGS` entries skipped, and per term only
the next :data:`NEIGHBOURS` entries in date order within :data:`GAP_DAYS`.
"""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newsarchive.model import Entry
from newsarchive.urls import slugify

__all__ = ["ENTITIES", "GAP_DAYS", "KEYWORDS", "KEYWORD_CHARS", "MAX_MEMBERS",
           "MIN_ENTITY_WEIGHT", "MIN_ENTITY_WEIGHT_WITH_WORDS", "MIN_TITLE_WORDS",
           "MIN_WORD_SIMILARITY", "Thread", "body_keywords", "find_threads", "follow_up_score",
           "title_words"]

#: The taxonomies of named entities.
ENTITIES: tuple[str, ...] = ("people", "organizations", "places")
#: Most days between two consecutive members of an automatic thread.
GAP_DAYS = 14
#: Least rarity weight (sum of ``log(1 + N / df)`` of the shared entities).
MIN_ENTITY_WEIGHT = 2.5
#: Least number of shared title content words.
MIN_TITLE_WORDS = 2
#: Least rarity weight of the shared entities when the bodies' words decide.
MIN_ENTITY_WEIGHT_WITH_WORDS = 2.0
#: Least rarity-weighted cosine of two bodies' keyword sets.
MIN_WORD_SIMILARITY = 0.3
#: Keywords kept per body, and the characters of the body they are read from.
KEYWORDS = 15
KEYWORD_CHARS = 5000
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


# Function words of four letters or more, in the languages whose words
# body_keywords reads; rarity weighting discounts whatever common words remain.
_FUNCTION_WORD_TEXT = """
    about above across after again against also among another anyone because been before
    being below between both cannot could does doing down during each even every from further
    going have having here however into itself just like made many more most much must near
    never only other others over same should since some still such than that their theirs them
    themselves then there these they this those though through told under until upon very
    were what whether which while whom whose will with within without would your yours
    said says saying according added asked called including
    aber alle als auch auf aus bei damit dann dass dem den der des die dies diese dieser durch
    eine einem einen einer eines für haben hat hatte ist kann mehr mit nach nicht noch nur oder
    schon sein sich sind über und unter vom von wenn werden wie wird wurde zum zur zwei
    ainsi alors après aussi autre avant avec cette comme dans depuis deux elle elles encore
    entre être leur leurs mais même nous peut plus pour sans selon sont sous tout tous très
    aunque como con contra desde donde durante ella ellos entre esta este esto hasta más para
    pero porque según sobre también todo todos tras una unos
"""
_FUNCTION_WORDS = _STOPWORDS | frozenset(_FUNCTION_WORD_TEXT.split())
#: A word of four letters or more, apostrophes and hyphens inside it kept ("romney's",
#: "health-care": a possessive is not its name, so a name alone weighs more).
_WORD = re.compile(r"[^\W\d_][\w'’-]{2,}[^\W_]")


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


def body_keywords(body: str) -> str:
    """The :data:`KEYWORDS` most frequent content words (casefolded, of at least four
    letters, no function words, used at least twice) of ``body``'s first
    :data:`KEYWORD_CHARS` characters, sorted and joined by spaces (one string:
    a build holds one per article in memory); ties are broken by the word, so
    the result is the same on every machine.  A word used once is left out,
    so a sentence added to a story seldom changes them (and with them the
    threads: see ``incremental.memory.shape``)."""
    counts = Counter(_WORD.findall(body[:KEYWORD_CHARS].casefold()))
    for word in _FUNCTION_WORDS.intersection(counts):
        del counts[word]
    repeated = [(word, n) for word, n in counts.items() if n >= 2]
    top = heapq.nsmallest(KEYWORDS, repeated, key=lambda item: (-item[1], item[0]))
    return " ".join(sorted(word for word, _ in top))


class _BodyWords:
    """The keywords of an archive's dated entries: each word's rarity among them, and
    each entry's set with its rarity-weighted norm, made once per entry."""

    def __init__(self, dated: Sequence[Entry]) -> None:
        frequency: dict[str, int] = defaultdict(int)
        for entry in dated:
            for word in entry.keywords.split():
                frequency[word] += 1
        total = len(dated)
        # A keyword held by a single entry is shared by none.
        self.rarity = {w: math.log(1.0 + total / n) for w, n in frequency.items() if n >= 2}
        self._vectors: dict[str, tuple[frozenset[str], float]] = {}

    def _vector(self, entry: Entry) -> tuple[frozenset[str], float]:
        found = self._vectors.get(entry.key)
        if found is None:
            words = entry.keywords.split()
            found = (frozenset(words), sum(self.rarity.get(w, 0.0) for w in words))
            self._vectors[entry.key] = found
        return found

    def similarity(self, a: Entry, b: Entry) -> float:
        """The cosine of ``a``'s and ``b``'s keyword sets, each word weighted by its
        rarity (summed in word order: the same float on every run)."""
        words_a, norm_a = self._vector(a)
        words_b, norm_b = self._vector(b)
        shared = sum(self.rarity.get(w, 0.0) for w in sorted(words_a & words_b))
        return shared / math.sqrt(norm_a * norm_b) if shared else 0.0


def _entities(entry: Entry) -> set[tuple[str, str]]:
    return {(tax, name.casefold()) for tax in ENTITIES for name in entry.terms.get(tax, ())}


def follow_up_score(a: Entry, b: Entry, rarity: Mapping[tuple[str, str], float],
                    bodies: _BodyWords | None = None) -> float:
    """How strongly ``b`` continues ``a``'s story: the rarity weight of their
    shared entities plus their shared title words, or plus ten times their
    bodies' word similarity (with ``bodies``, the archive's keywords); 0.0 when
    they miss the thresholds or are too far apart."""
    if a.local is None or b.local is None:
        return 0.0
    if abs(b.local.toordinal() - a.local.toordinal()) > GAP_DAYS:
        return 0.0
    shared = sorted(_entities(a) & _entities(b))  # summed in order: the same float every run
    weight = sum(rarity.get(t, 0.0) for t in shared)
    # A shared name counts once, as an entity, not again as title words.
    named = {w for _, name in shared for w in slugify(name).split("-")}
    words = len((title_words(a) & title_words(b)) - named)
    if weight >= MIN_ENTITY_WEIGHT and words >= MIN_TITLE_WORDS:
        return weight + words
    if bodies is None or weight < MIN_ENTITY_WEIGHT_WITH_WORDS:
        return 0.0
    similarity = bodies.similarity(a, b)
    return weight + 10 * similarity if similarity >= MIN_WORD_SIMILARITY else 0.0


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
    bodies = _BodyWords(dated)
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
            score = follow_up_score(dated[j], entry, rarity, bodies)
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
