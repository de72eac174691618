"""The two German states: a German city in a story of West or East Germany is filed there.

Issue 16, eleventh round.  The gazetteer files every city under today's country
(``Bonn`` -> North Rhine-Westphalia -> Germany).  Wire copy of 1949-1990 is datelined
``BONN`` and speaks of West Germany or East Germany; filing those stories under Germany,
a state that did not exist then, misses the one that did.  So when an article names
exactly one of the two German states, or both, its German cities and regions (unless
it also names Germany itself) are filed under the state they lay in, without their
modern region, and a plain ``German`` in a story that names only one of the two (and
never ``Germany`` alone) means that state.

The unions are left as they are: a union's republics were places of their own, and
the labelled set files ``YEREVAN`` in a story of the Soviet Union under Armenia as
well as the Soviet Union (which its own mentions attach); a story that names the
Soviet Union only in passing (``former Soviet foreign minister``) is no story of it.
The gazetteer's own hierarchy (``place_parent``) stays today's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from newsarchive.topics.gazetteer import Entity, Match, Place

__all__ = ["EAST", "GERMAN_STATES", "german_states"]

GERMAN_STATES = ("West Germany", "East Germany")
#: The states of today's Germany that were East Germany (Berlin goes with whichever of
#: the two states the article names, or stays in Germany when it names both).
EAST = frozenset({"Brandenburg", "Mecklenburg-Western Pomerania", "Saxony",
                  "Saxony-Anhalt", "Thuringia"})


def _state_of(place: Place, states: Sequence[str]) -> str:
    """The German state of the two named in ``states`` that ``place`` lay in, or ""."""
    region = place.name if place.kind == "region" else place.region
    if not region or region == "Berlin":
        return states[0] if len(states) == 1 else ""
    state = "East Germany" if region in EAST else "West Germany"
    return state if state in states else ""


def german_states(matches: Sequence[Match], places: Mapping[str, Place],
                  dateline: str = "") -> tuple[Sequence[Match], dict[str, Place]]:
    """``(matches, overrides)``: the article's matches with a plain ``German`` renamed
    to the one German state it names, and its German places (``dateline``'s among
    them) filed under the German state of the time."""
    named = {m.entity.name for m in matches if m.entity.taxonomy == "places"
             and m.entity.name}
    states = [state for state in GERMAN_STATES if state in named]
    if not states:
        return matches, {}
    nouns = {m.entity.name for m in matches if m.entity.taxonomy == "places"
             and not m.entity.adjective}
    if len(states) == 1 and "Germany" in named and "Germany" not in nouns:
        # "West German election ... German voters": the state of the time (not
        # "Germany's first woman chancellor, who grew up in East Germany")
        matches = [Match(m.start, m.end, Entity("places", states[0], m.entity.adjective))
                   if m.entity.taxonomy == "places" and m.entity.name == "Germany" else m
                   for m in matches]
        named = (named - {"Germany"}) | {states[0]}
    if "Germany" in named:
        return matches, {}
    overrides: dict[str, Place] = {}
    for name in named | ({dateline} if dateline else set()):
        place = places.get(name)
        if place is None or place.kind == "country" or place.parent != "Germany":
            continue
        state = _state_of(place, states)
        if state:
            overrides[name] = Place(name, place.kind, state, "", place.population)
    return matches, overrides
