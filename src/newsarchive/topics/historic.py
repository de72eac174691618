"""Historic states: a city in a story of the state of its time is filed under that state.

Issue 16, eleventh round.  The gazetteer files every city under today's country
(``Bonn`` -> North Rhine-Westphalia -> Germany, ``Moscow`` -> Russia).  Wire copy of the
1970s and 1980s is datelined ``BONN`` and speaks of West Germany, the Soviet Union,
Yugoslavia or Czechoslovakia; filing those stories under Germany or Russia puts them
under a state that did not exist then and misses the one that did.  So when an article
names a historic state, its cities and regions whose modern country succeeded it (and
which the article does not also give their modern country) are filed under the
historic state, without the modern region, and a plain ``German`` in a story that
names only one of the two German states (and never ``Germany`` alone) means that
state.

Nothing else changes: an article that names Russia keeps Moscow in Russia, and the
gazetteer's own hierarchy (``place_parent``) stays today's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from newsarchive.topics.gazetteer import Entity, Match, Place

__all__ = ["SUCCESSORS", "historic_states"]

#: Each historic state and the modern countries that hold its territory.
SUCCESSORS: dict[str, frozenset[str]] = {
    "Soviet Union": frozenset({
        "Russia", "Ukraine", "Belarus", "Kazakhstan", "Uzbekistan", "Georgia", "Azerbaijan",
        "Lithuania", "Latvia", "Estonia", "Moldova", "Kyrgyzstan", "Tajikistan", "Armenia",
        "Turkmenistan"}),
    "Yugoslavia": frozenset({"Serbia", "Croatia", "Slovenia", "Bosnia and Herzegovina",
                             "North Macedonia", "Montenegro", "Kosovo"}),
    "Czechoslovakia": frozenset({"Czechia", "Slovakia"}),
    "West Germany": frozenset({"Germany"}),
    "East Germany": frozenset({"Germany"}),
}
#: The states of today's Germany that were East Germany (Berlin goes with whichever of
#: the two states the article names).
_EAST = frozenset({"Brandenburg", "Mecklenburg-Western Pomerania", "Saxony",
                   "Saxony-Anhalt", "Thuringia"})


def _held(state: str, place: Place) -> bool:
    """Whether the German ``place`` lay in ``state`` (any place for other states)."""
    if not state.endswith(" Germany"):
        return True
    region = place.name if place.kind == "region" else place.region
    if not region or region == "Berlin":
        return True
    return (region in _EAST) == (state == "East Germany")


def historic_states(matches: Sequence[Match], places: Mapping[str, Place],
                    dateline: str = "") -> tuple[Sequence[Match], dict[str, Place]]:
    """``(matches, overrides)``: the article's matches with a plain ``German`` renamed
    to the one German state it names, and the places (``dateline``'s among them) to
    file under a historic state."""
    named = {m.entity.name for m in matches if m.entity.taxonomy == "places"
             and m.entity.name}
    states = [state for state in SUCCESSORS if state in named]
    if not states:
        return matches, {}
    germanies = [state for state in states if state.endswith(" Germany")]
    nouns = {m.entity.name for m in matches if m.entity.taxonomy == "places"
             and not m.entity.adjective}
    if len(germanies) == 1 and "Germany" in named and "Germany" not in nouns:
        # "West German election ... German voters": the state of the time (not
        # "Germany's first woman chancellor, who grew up in East Germany")
        matches = [Match(m.start, m.end, Entity("places", germanies[0], m.entity.adjective))
                   if m.entity.taxonomy == "places" and m.entity.name == "Germany" else m
                   for m in matches]
        named = (named - {"Germany"}) | {germanies[0]}
    overrides: dict[str, Place] = {}
    for name in named | ({dateline} if dateline else set()):
        place = places.get(name)
        if place is None or place.kind == "country" or place.parent in named:
            continue
        for state in states:
            if place.parent in SUCCESSORS[state] and _held(state, place):
                overrides[name] = Place(name, place.kind, state, "", place.population)
                break
    return matches, overrides
