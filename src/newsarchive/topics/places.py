"""Places: countries, regions and major cities, with demonyms mapped.

Decisions (see benchmarks/TOPICS.md): a city is attached only when the text
puts an event in it (a locative preposition, ``in Baghdad``, or the dateline),
because capitals are so often metonyms (``annoy Washington``); every mention
of a city or region also counts for its country, and an attached city or
region always brings its country along.  :func:`place_parent` exposes the
containing country.  A place name that is part of a person's name (``Michael
Jordan``) is not a place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsarchive.topics.gazetteer import Gazetteer, Match, load_gazetteer
from newsarchive.topics.people import People
from newsarchive.topics.salience import BODY_WEIGHT, Document, split_words

__all__ = ["LOCATIVE_BONUS", "place_parent", "score_places"]

#: Bonus for a place that is the location of an event (an anchored mention).
LOCATIVE_BONUS = 0.5
_LOCATIVE = frozenset({"in", "at", "near", "outside", "inside", "across", "around",
                       "throughout", "within", "into", "toward", "towards"})
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
    previous_end, previous_locative = -1, False
    for match in matches:
        entity = match.entity
        if entity.taxonomy != "places" or not entity.name:
            continue
        span = range(match.start, match.end)
        if any(k in people.covered for k in span) or (
                match.end - match.start == 1 and tokens[match.start].text in people.name_words):
            continue
        before = tokens[match.start - 1].text if match.start > 0 else ""
        if before == "the" and match.start > 1:
            before = tokens[match.start - 2].text
        locative = not entity.adjective and (
            before.lower() in _LOCATIVE
            or (before == "," and previous_end == match.start - 1 and previous_locative))
        scores[entity.name] = scores.get(entity.name, 0.0) + tokens[match.start].weight
        if locative:
            anchored.add(entity.name)
        is_city = gazetteer.places[entity.name].kind == "city"
        previous_end, previous_locative = match.end, locative and is_city
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
