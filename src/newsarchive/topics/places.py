"""Places: countries, regions and major cities, with demonyms mapped.

Decisions (see benchmarks/TOPICS.md): a city is attached only when the text
puts an event in it (a locative preposition, ``in Baghdad``, or the dateline),
because capitals are so often metonyms (``annoy Washington``); every mention
of a city or region also counts for its country, and an attached city or
region always brings its country along.  :func:`place_parent` exposes the
containing country.  A place name that is part of a person's name (``Michael
Jordan``) is not a place.  A country or region is also anchored when the
sentence makes it an actor (``Italy has``, ``Pakistan's foreign minister``,
``Iranian officials``, ``Hubei province``), and places joined in one list
(``in Kyiv, Kharkiv and Odesa``) share their anchoring.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from newsarchive.topics.gazetteer import Gazetteer, Match, Place, load_gazetteer
from newsarchive.topics.people import People
from newsarchive.topics.salience import BODY_WEIGHT, Document, split_words

__all__ = ["LOCATIVE_BONUS", "place_parent", "score_places"]

#: Bonus for a place that is the location of an event (an anchored mention).
LOCATIVE_BONUS = 0.5
_LOCATIVE = frozenset({"in", "at", "near", "outside", "inside", "across", "around",
                       "throughout", "within", "into", "toward", "towards", "off", "along"})
#: Direction words that may sit between the preposition and the place ("in southern India").
_DIRECTIONS = frozenset({"northern", "southern", "eastern", "western", "central", "north",
                         "south", "east", "west", "northeastern", "northwestern",
                         "southeastern", "southwestern", "downtown", "suburban", "coastal",
                         "rural", "neighbouring", "neighboring"})
#: Words joining places in one list; a list shares its members' anchoring.
_COORDINATORS = frozenset({",", "and", "or"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
#: A country (or region) followed by one of these acts in the sentence.
_ACTOR_VERBS = frozenset({
    "said", "says", "has", "have", "had", "is", "was", "were", "will", "would", "could",
    "can", "may", "might", "must", "should", "did", "does", "announced", "accused",
    "warned", "agreed", "rejected", "signed", "sent", "launched", "called", "urged",
    "denied", "condemned", "told", "plans", "wants", "voted", "reported", "declared",
    "confirmed", "threatened", "demanded", "insisted", "refused", "imposed", "recorded",
    "won", "beat", "lost", "joined", "expelled", "recalled", "pledged", "promised",
})
#: Nouns that make a preceding country or demonym an actor ("the Iranian government").
_STATE_NOUNS = frozenset({
    "government", "governments", "officials", "authorities", "forces", "troops", "military",
    "army", "navy", "police", "embassy", "diplomats", "delegation", "negotiators",
    "leaders", "leader", "leadership", "regime", "parliament", "cabinet", "administration",
    "state", "spokesman", "spokeswoman", "ambassador", "regulators", "soldiers",
})
#: Subdivision words: "Hubei province", "Sindh and Balochistan provinces".
_SUBDIVISIONS = frozenset({"province", "provinces", "prefecture", "state", "region",
                           "county", "district", "coast", "desert", "valley"})
_DATELINE = re.compile(
    r"^([A-Z][A-Z'.\- ]*[A-Z.])(?:,\s+([A-Z][\w.]*(?:\s[A-Z][\w.]*)*))?\s*(?:\(|,|:|-|—|–)")


def place_parent(name: str) -> str | None:
    """The country containing the place ``name`` (``Tehran`` -> ``Iran``), else ``None``.

    Countries and places without a known country return ``None``.
    """
    place = load_gazetteer().places.get(name)
    return place.parent or None if place is not None else None


def _dateline_places(lead: str, gazetteer: Gazetteer) -> list[str]:
    match = _DATELINE.match(lead)
    if not match:
        return []
    found: list[str] = []
    for group in match.groups()[:1]:  # "OAKLAND, Calif.": the state only disambiguates
        words = tuple(split_words(" ".join(w.capitalize() if w.isupper() else w
                                            for w in group.split())))
        for tokens, entity in gazetteer.surfaces.get(words[0] if words else "", ()):
            if tokens == words and entity.taxonomy == "places" and entity.name:
                found.append(entity.name)
                break
    return found


def _anchor_group(group: list[int], kept: list[tuple[Match, bool, bool]],
                  anchored: set[str], places: Mapping[str, Place]) -> None:
    """Anchor every member of a coordinated list when one member is anchored.

    A locative anchors cities, regions and countries alike; an actor cue
    (verb, possessive, state noun) anchors only countries and regions.
    """
    members = [kept[i] for i in group]
    locative = any(loc for _m, loc, _a in members)
    actor = any(act for _m, _loc, act in members)
    for match, loc, act in members:
        entity = match.entity
        kind = places[entity.name].kind
        if entity.adjective:
            if act:
                anchored.add(entity.name)
        elif loc or locative or ((act or actor) and kind != "city"):
            anchored.add(entity.name)


def score_places(doc: Document, matches: Sequence[Match], people: People,
                 gazetteer: Gazetteer, threshold: float) -> dict[str, float]:
    """Final salience of each place; only names reaching ``threshold`` are kept.

    Cities need a locative mention and the threshold without the bonus;
    continents and seas need twice the threshold; an attached city or region
    lifts its country to at least its own score.
    """
    tokens = doc.tokens
    scores: dict[str, float] = {}
    anchored: set[str] = set()
    for name in _dateline_places(doc.lead, gazetteer):
        scores[name] = scores.get(name, 0.0) + BODY_WEIGHT
        anchored.add(name)
    places = gazetteer.places
    kept: list[tuple[Match, bool, bool]] = []  # (match, locative, actor)
    for match in matches:
        entity = match.entity
        if entity.taxonomy != "places" or not entity.name:
            continue
        start, end = match.start, match.end
        if any(k in people.covered for k in range(start, end)) or (
                end - start == 1 and tokens[start].text in people.name_words):
            continue
        scores[entity.name] = scores.get(entity.name, 0.0) + tokens[start].weight
        kind = places[entity.name].kind
        k = start - 1
        if k >= 0 and tokens[k].text.lower() in _DIRECTIONS:
            k -= 1
        if k >= 0 and tokens[k].text == "the":
            k -= 1
        before = tokens[k].text.lower() if k >= 0 else ""
        after = tokens[end].text if end < len(tokens) else ""
        locative = not entity.adjective and before in _LOCATIVE
        lower = after.lower()
        if entity.adjective:
            actor = lower in _STATE_NOUNS  # "Iranian officials", not "French President X"
        elif kind == "city":
            actor = False  # "Moscow said": a metonym, evidence for the country only
        else:
            following = tokens[end + 1].text if end + 1 < len(tokens) else ""
            # possessive before a lower-case word: not "Germany's Bundesbank"
            actor = ((after in _POSSESSIVE and following[:1].islower())
                     or lower in _ACTOR_VERBS or lower in _STATE_NOUNS
                     or lower in _SUBDIVISIONS
                     or (kind == "region" and lower in gazetteer.titles))  # "Louisiana Governor"
        kept.append((match, locative, actor))
    # Coordination: "in Kyiv, Kharkiv and Odesa", "Spain, France and Germany have".
    group: list[int] = []
    for index, (match, _locative, _actor) in enumerate(kept):
        if group:
            previous = kept[group[-1]][0]
            between = [t.text for t in tokens[previous.end:match.start]]
            if not (0 < len(between) <= 2 and all(w in _COORDINATORS for w in between)):
                _anchor_group(group, kept, anchored, places)
                group = []
        group.append(index)
    _anchor_group(group, kept, anchored, places)
    final: dict[str, float] = {}
    for name, score in scores.items():
        place = gazetteer.places[name]
        total = score + (LOCATIVE_BONUS if name in anchored else 0.0)
        if place.kind == "city" and (name not in anchored or score < threshold):
            total = 0.0
        elif place.kind == "region" and not place.parent and score < 2 * threshold:
            total = 0.0  # continents and seas: only when the story is about them
        final[name] = total
    for name, score in scores.items():
        parent = gazetteer.places[name].parent
        if parent and parent in gazetteer.places:
            lifted = final.get(parent, 0.0) + score
            if final[name] >= threshold:
                lifted = max(lifted, final[name])
            final[parent] = lifted
    return final
