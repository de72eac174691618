"""Towns and datelines: places below the city threshold, and the story's dateline.

A town (``data/towns.tsv``) is attached only with strong anchoring (the dateline
with its state or country, ``in <Town>, <State>``, or two locative mentions);
the dateline (``CAIRO (Reuters) -``, ``OAKLAND, Calif. --``) names the city the
story is filed from.  Split from :mod:`newsarchive.topics.places`, which calls
:func:`dateline` and :func:`score_towns`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from newsarchive.topics.gazetteer import Gazetteer, Match, Place, Town
from newsarchive.topics.people import People
from newsarchive.topics.salience import BODY_WEIGHT, Document, split_words

__all__ = ["ADDRESS_WORDS", "LOCATIVE_BONUS", "as_lead", "dateline", "score_towns"]

#: Bonus for a place that is the location of an event (an anchored mention).
LOCATIVE_BONUS = 0.5
_DATELINE = re.compile(
    r"^([A-Z][A-Z'.\- ]*[A-Z.])(?:,\s+([A-Z][\w.]*(?:\s[A-Z][\w.]*)*))?\s*(?:\(|,|:|-|—|–)")
#: A dateline in title case needs a date or an agency: ``New York, March 3 (Reuters) -``.
_TITLE_DATELINE = re.compile(
    r"^((?:[A-Z][\w'.\-]*|of|de)(?: (?:[A-Z][\w'.\-]*|of|de)){0,3})"
    r"(?:,\s+([A-Z][\w.]*(?:\s[A-Z][\w.]*)?))?"
    r"(?=(?:,\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2})"
    r"|\s*\((?:Reuters|AP|AFP|UPI|Xinhua|CP|AAP|PTI|IANS|dpa|Bloomberg|Kyodo)\))")


def _place_name(words: tuple[str, ...], gazetteer: Gazetteer) -> str:
    entity = gazetteer.lookup(words, "places")
    return entity.name if entity is not None else ""


def _fits(town: Town, qualifier: str, gazetteer: Gazetteer) -> bool:
    """Whether ``qualifier`` (a place name after the comma) names the town's state or country."""
    if not qualifier:
        return False
    if town.state and (qualifier == town.state or town.state.startswith(qualifier + " (")):
        return True
    place = gazetteer.places.get(qualifier)
    if place is None:
        return False
    if place.kind == "country":
        return town.country == qualifier
    # a region of the town's country; a US town needs its own state
    return bool(place.parent) and place.parent == town.country != "United States"


def _pick_town(candidates: tuple[Town, ...], qualifier: str, gazetteer: Gazetteer
               ) -> Town | None:
    for town in candidates:
        if _fits(town, qualifier, gazetteer):
            return town
    return None


def _title(word: str) -> str:
    """``WINSTON-SALEM`` -> ``Winston-Salem``; other words as written."""
    return "-".join(part.capitalize() for part in word.split("-")) if word.isupper() else word


def as_lead(value: str) -> str:
    """A reader's dateline field (``PARIS, Dec. 28``, ``Berlin``, ``CHICAGO, Ill.``) as
    it starts a wire lead (``PARIS, Dec. 28 -``), for :func:`dateline`."""
    city, comma, rest = " ".join(value.split()).partition(",")
    return f"{city.upper()}{comma}{rest} -"


def dateline(lead: str, gazetteer: Gazetteer) -> tuple[str, str, str, int]:
    """``(place, town key, qualifier, length)`` of the dateline: a gazetteer place or a town.

    Wire forms: ``NEW YORK, March 3 -``, ``WASHINGTON (Reuters) -``, ``CHICAGO, Ill., Jan
    5 (AP) --``, ``LONDON —``, and in title case with a date or an agency
    (``New York, March 3 (Reuters) -``).
    ``OAKLAND, Calif.``: the state after the comma only disambiguates; it picks
    a town (``GREELEY, Colo.``) and overrides a same-named city elsewhere
    (``ATHENS, Ga.`` is not the Greek capital).  ``length`` is how many tokens the
    dateline (``BRUSSELS, Belgium (``) takes at the start of ``lead``; without a
    dateline every field is empty and ``length`` is 0.
    """
    lead = lead.lstrip()
    match = _DATELINE.match(lead) or _TITLE_DATELINE.match(lead)
    if not match:
        return "", "", "", 0
    length = len(split_words(match.group(0)))
    city, rest = match.groups()
    words = tuple(split_words(" ".join(_title(w) for w in city.split())))
    qualifier = _place_name(tuple(split_words(rest)), gazetteer) if rest else ""
    if not qualifier and rest and rest.split()[0] in gazetteer.places:
        qualifier = rest.split()[0]
    key = " ".join(words)
    place = _place_name(words, gazetteer)
    if place:
        parent = gazetteer.places[place].parent
        if qualifier and place != qualifier and parent != qualifier and \
                gazetteer.places.get(qualifier, Place("", "", "")).parent != parent and \
                _pick_town(gazetteer.towns.get(key, ()), qualifier, gazetteer):
            return "", key, qualifier, length
        return place, "", qualifier, length
    if key in gazetteer.towns:
        return "", key, qualifier, length
    return "", "", qualifier, length


#: Words before a locative that make the place an address or a site, not an event
#: ("based in", "born in", "living in", "a refinery in"): no locative anchor for any
#: place.  For any place a named body before the locative is its address too ("the
#: Pentagon in Virginia"); for towns, any capitalized word ("the Jet Propulsion
#: Laboratory in Pasadena").
ADDRESS_WORDS = frozenset({"based", "headquartered", "born", "raised", "lives", "lived",
                            "living", "resides", "resided", "residing", "registered",
                            "incorporated", "listed", "offices", "office", "headquarters",
                            "plant", "plants", "factory", "factories", "refinery",
                            "refineries", "mine", "mines", "mill", "mills", "warehouse",
                            "warehouses", "store", "stores", "stations", "branch",
                            "branches", "subsidiary", "base", "bases"})
#: A dateline town this populous is the story's even when the text never names its
#: country (``CANNES``); a smaller one (``NARA`` is also a town in Mali, the gazetteer's
#: only Nara) needs its country named when the text names another.
_NOTABLE = 50_000
#: Locatives that put an event in a town (a narrower set than for known places).
_TOWN_LOCATIVES = frozenset({"in", "at", "near", "outside"})


def score_towns(doc: Document, matches: Sequence[Match], entity_tokens: frozenset[int],
                people: People, gazetteer: Gazetteer, threshold: float,
                dateline: tuple[str, str], scores: Mapping[str, float]) -> dict[Town, float]:
    """Towns below the city threshold, attached only with strong anchoring.

    A town (``towns.tsv``) is attached when the dateline names it with its
    state or country (``GREELEY, Colo.``), when the text says ``in <Town>,
    <State or Country>``, or when it is the place of two locative mentions
    (the dateline counts as one).  Addresses (``based in``, ``the Laboratory
    in``) do not count, nor words of a known name (``entity_tokens``).
    """
    table = gazetteer.towns
    tokens = doc.tokens
    n = len(tokens)
    strong: dict[str, Town] = {}
    weight: dict[str, float] = {}
    count: dict[str, int] = {}
    key, qualifier = dateline
    if key:
        town = _pick_town(table[key], qualifier, gazetteer)
        if town is None:
            # "CANNES --": a dateline town is where the story is filed; of several
            # towns of the name, the first (largest) whose region or country the text
            # names, else the largest if it is notable or the text names no country
            town = next((t for t in table[key] if t.state in scores), None) or next(
                (t for t in table[key] if t.country in scores), None)
            if town is None and (table[key][0].population >= _NOTABLE or not any(
                    gazetteer.places[name].kind == "country"
                    for name in scores if name in gazetteer.places)):
                town = table[key][0]  # not "NARA" in a story of Japan: no Nara, Mali
        if town is not None:
            strong[key] = town
        count[key] = 1
        weight[key] = BODY_WEIGHT
    place_at = {m.start: m.entity.name for m in matches
                if m.entity.taxonomy == "places" and m.entity.name}
    covered = people.covered
    for i in range(doc.title_end, n - 1):
        if tokens[i].text not in _TOWN_LOCATIVES:
            continue
        j = i + 1
        if not tokens[j].namelike or j in entity_tokens or j in covered:
            continue
        previous = tokens[i - 1] if i > doc.title_end else None
        if previous is not None and (previous.text.lower() in ADDRESS_WORDS or (
                previous.namelike and not previous.starts_sentence)):
            continue
        found = ""
        for size in (3, 2, 1):
            if j + size <= n:
                candidate = " ".join(t.text for t in tokens[j:j + size])
                if candidate in table:
                    found, end = candidate, j + size
                    break
        if not found or (end < n and tokens[end].namelike):
            continue
        count[found] = count.get(found, 0) + 1
        weight[found] = weight.get(found, 0.0) + tokens[j].weight
        if found not in strong and end + 1 < n and tokens[end].text == ",":
            town = _pick_town(table[found], place_at.get(end + 1, ""), gazetteer)
            if town is not None:
                strong[found] = town
    attached: dict[Town, float] = {}
    for found, total in count.items():
        town = strong.get(found)
        if town is None and total >= 2:
            candidates = table[found]
            town = next((t for t in candidates if t.country in scores), candidates[0])
        if town is not None:
            attached[town] = max(threshold, weight[found] + LOCATIVE_BONUS)
    return attached
