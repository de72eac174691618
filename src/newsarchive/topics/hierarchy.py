"""Place hierarchy and ambiguous place names.

Every place knows its parent (city -> first-level region -> country, from
``data/city_regions.tsv`` and the ``parent`` column): :func:`place_parent` and
:func:`place_chain` expose it, and :func:`attach_ancestors` attaches the region and
country of every attached city or region, ranked just after it, so an article in
Houston is also filed under Texas and the United States.

A name with several referents (Reading, England or Pennsylvania; Georgia the
country or the US state; Paris, Texas; London, Ontario) is resolved per article by
:func:`resolve_places` from the article's other places and words; without evidence
the usual referent (the gazetteer's) stays.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import NamedTuple

from newsarchive.topics.gazetteer import Gazetteer, Match, Place, Town, load_gazetteer
from newsarchive.topics.salience import Document

__all__ = ["attach_ancestors", "expand_places", "place_chain", "place_parent", "resolve_places",
           "town_term"]

#: Evidence weights: a referent's region (or the referent itself as the region of
#: another place) named in the article, its country (when the usual referent's
#: differs), a cue word, a qualifier right after the name (``Reading, Pa.``).
_REGION_EVIDENCE = 2
_COUNTRY_EVIDENCE = 1
_CUE_EVIDENCE = 2
_QUALIFIER_EVIDENCE = 4
#: An alternate referent needs at least this much evidence, and more than the usual one.
_MIN_EVIDENCE = 2
#: A town this many times smaller than the usual city needs twice the evidence.
_POPULATION_RATIO = 10
_BIG = 10_000_000  # a curated city of unknown size
#: How much below its child an implied ancestor ranks.
_STEP = 0.001


def place_parent(name: str) -> str | None:
    """The place directly containing ``name``: a city's first-level region when known
    (``Houston`` -> ``Texas``), else its country (``Tehran`` -> ``Iran``); a region's
    country (``Texas`` -> ``United States``); a qualified town's region or country
    (``Reading, Pennsylvania`` -> ``Pennsylvania``, see :func:`town_term`).  ``None``
    for countries and unknown names.
    """
    gazetteer = load_gazetteer()
    place = gazetteer.places.get(name)
    if place is None:
        base, comma, qualifier = name.rpartition(", ")
        for town in gazetteer.towns.get(base, ()) if comma else ():
            if qualifier in (_display(town.state), _display(town.country)):
                return town.state or town.country or None
        return None
    return place.region or place.parent or None


def _display(name: str) -> str:
    """A region's name as a reader writes it after a town: ``Georgia (U.S. state)`` ->
    ``Georgia``, ``New York (state)`` -> ``New York``."""
    return name.split(" (", 1)[0]


def town_term(name: str, region: str, country: str) -> str:
    """The term of the town ``name`` in ``region`` (may be empty) of ``country``.

    A town that shares its name with a gazetteer place elsewhere or with towns in other
    regions is qualified the way a reader tells them apart (``Reading, Pennsylvania``
    beside Reading, England; ``Paris, Texas``; ``Athens, Georgia``), so each has its own
    term page; a name with one referent stays as it is.  :func:`place_parent` reads the
    qualified name back.
    """
    gazetteer = load_gazetteer()
    usual = gazetteer.places.get(name)
    if usual is not None:
        if (usual.parent, usual.region) == (country, region) or name == country or (
                usual.parent == country and not region):
            return name  # the usual referent, or the city-state itself (Singapore)
    elif len({(town.country, town.state) for town in gazetteer.towns.get(name, ())}) <= 1:
        return name
    return f"{name}, {_display(region or country)}"


def place_chain(name: str) -> tuple[str, ...]:
    """``name`` and its ancestors, nearest first (``Houston`` -> ``("Houston", "Texas",
    "United States")``); ``()`` for an unknown name."""
    if name not in load_gazetteer().places and place_parent(name) is None:
        return ()  # unknown (a qualified town term is known: "Reading, Pennsylvania")
    chain = [name]
    while (parent := place_parent(chain[-1])) is not None and parent not in chain:
        chain.append(parent)
    return tuple(chain)


def expand_places(names: Sequence[str]) -> tuple[str, ...]:
    """``names`` each followed by its ancestors (:func:`place_chain`), without repeats:
    the places an editor wrote in the front matter (``[Houston]``) filed the way derived
    places are (``Houston``, ``Texas``, ``United States``).  A name the gazetteer does not
    know stays as written."""
    out: dict[str, None] = {}
    for name in names:
        out[name] = None
        for ancestor in place_chain(name)[1:]:
            out.setdefault(ancestor, None)
    return tuple(out)


def attach_ancestors(final: MutableMapping[str, float], places: Mapping[str, Place],
                     threshold: float, towns: Mapping[str, Town] | None = None) -> None:
    """Attach the region and country of every attached place (score >= ``threshold``)
    in ``final``, each ranked just after its child unless it scores higher itself.

    ``places`` is the article's view of the gazetteer (with resolved referents);
    ``towns`` maps attached town names to their :class:`Town` (region: ``state``).
    """
    for name, score in list(final.items()):
        if score < threshold:
            continue
        town = towns.get(name) if towns else None
        place = places.get(name)
        if town is not None:  # "READING, Pa.": the town, not the English city
            chain = (town.state, town.country)
        elif place is not None:
            chain = (place.region, place.parent)
        else:
            continue
        below = score
        for ancestor in chain:
            if not ancestor or ancestor not in places:
                continue
            implied = max(threshold, below - _STEP)
            if final.get(ancestor, 0.0) < implied:
                final[ancestor] = implied
            below = final[ancestor]


class _Context(NamedTuple):
    """What the rest of an article says about where an ambiguous name is."""

    named: frozenset[str]  # other places named
    regions: frozenset[str]  # regions of the other places named
    countries: frozenset[str]  # countries of the other places named (and those named)
    qualifiers: frozenset[str]  # places written right after the name and a comma


def _context(doc: Document, matches: Sequence[Match], names: set[str],
             places: Mapping[str, Place], name: str) -> _Context:
    named = names - {name}
    regions = {places[n].region for n in named if n in places}
    countries = {places[n].parent for n in named if n in places} | named
    by_start = {m.start: m.entity.name for m in matches if m.entity.taxonomy == "places"}
    tokens = doc.tokens
    qualifiers = {by_start.get(m.end + 1, "") for m in matches
                  if m.entity.name == name and m.end + 1 < len(tokens)
                  and tokens[m.end].text == ","}
    return _Context(frozenset(named), frozenset(regions), frozenset(countries),
                    frozenset(qualifiers))


def _evidence(context: _Context, region: str, country: str, foreign: bool) -> int:
    """Evidence that the name means a place in ``region`` (or that is ``region``) of
    ``country``; ``foreign``: the country counts (it is not the usual referent's)."""
    score = 0
    if region:
        if region in context.named:
            score += _REGION_EVIDENCE  # "Pennsylvania", "Ga."
        if region in context.regions:
            score += _REGION_EVIDENCE  # "Philadelphia", "Atlanta"
        if region in context.qualifiers:
            score += _QUALIFIER_EVIDENCE
    if country and foreign:
        if country in context.countries:
            score += _COUNTRY_EVIDENCE
        if country in context.qualifiers:
            score += _QUALIFIER_EVIDENCE
    return score


def _usual_population(name: str, usual: Place, gazetteer: Gazetteer) -> int:
    if usual.population:
        return usual.population
    same = [t.population for t in gazetteer.towns.get(name, ()) if t.country == usual.parent]
    return max(same) if same else _BIG


def resolve_places(doc: Document, matches: Sequence[Match], gazetteer: Gazetteer
                   ) -> tuple[dict[str, str], dict[str, Place]]:
    """``(renames, overrides)`` for the ambiguous place names of an article.

    ``renames`` maps a canonical name to another place it means here (``Georgia`` ->
    ``Georgia (U.S. state)``); ``overrides`` gives a name the :class:`Place` of a
    same-named town (``Reading`` in Pennsylvania).  A referent wins over the usual
    one with more evidence, and at least :data:`_MIN_EVIDENCE`: its region or
    country named, places in its region named, cue words (``data/ambiguous.tsv``), a
    qualifier after the name (``Reading, Pa.``).  A town more than
    :data:`_POPULATION_RATIO` times smaller than the usual city needs a qualifier, or
    twice the evidence while nothing points to the usual one (``Lima`` with ``Peru``
    and ``Cleveland, Ohio`` stays in Peru).
    """
    places = gazetteer.places
    names = {m.entity.name for m in matches if m.entity.taxonomy == "places"
             and m.entity.name and not m.entity.adjective}
    renames: dict[str, str] = {}
    overrides: dict[str, Place] = {}
    words: frozenset[str] | None = None
    for name in names:
        usual = places.get(name)
        if usual is None:
            continue
        towns = gazetteer.towns.get(name, ()) if usual.kind == "city" else ()
        alternates = gazetteer.alternates.get(name, ())
        if not towns and not alternates:
            continue
        context = _context(doc, matches, names, places, name)
        if usual.kind == "city":  # "Lima" with "Peru": the country is strong evidence here
            best = _evidence(context, usual.region, usual.parent, True) + (
                _REGION_EVIDENCE - _COUNTRY_EVIDENCE if usual.parent in context.countries
                else 0)
        else:
            best = _evidence(context, name, "", False)
        best_town: Town | None = None
        best_name = ""
        size = _usual_population(name, usual, gazetteer) if towns else 0
        for town in towns:
            if (town.country, town.state) == (usual.parent, usual.region):
                continue
            score = _evidence(context, town.state, town.country, town.country != usual.parent)
            qualified = bool({town.state, town.country} & context.qualifiers)
            if size > _POPULATION_RATIO * town.population and not qualified and (
                    best or score < 2 * _MIN_EVIDENCE):
                continue  # a much smaller town needs a qualifier, or a silent rival
            if score > best and score >= _MIN_EVIDENCE:
                best, best_town = score, town
        if alternates:
            if words is None:
                words = frozenset(token.text for token in doc.tokens)
            best += _CUE_EVIDENCE * len(alternates[0].default_cues & words)
            for alternate in alternates:
                other = places.get(alternate.name)
                if other is None:
                    continue
                score = _evidence(context, alternate.name, other.parent,
                                  other.parent != usual.parent) + \
                    _CUE_EVIDENCE * len(alternate.cues & words)
                if score > best and score >= _MIN_EVIDENCE:
                    best, best_name, best_town = score, alternate.name, None
        if best_name:
            renames[name] = best_name
        elif best_town is not None:
            overrides[name] = Place(name, "city", best_town.country, best_town.state,
                                    best_town.population)
    return renames, overrides

