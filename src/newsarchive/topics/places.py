"""Places: countries, regions and major cities, with demonyms mapped.

Decisions (see benchmarks/TOPICS.md): a city is attached only when the text
puts an event in it (a locative preposition, ``in Baghdad``, or the dateline),
because capitals are so often metonyms (``annoy Washington``); every mention
of a city or region also counts for its country, and an attached city or
region always brings its region and country along
(:mod:`newsarchive.topics.hierarchy`, which also resolves ambiguous names).  A
place name that is part of a person's name (``Michael Jordan``) is not a place.
A country or region is also anchored when the sentence makes it an actor
(``Italy has``, ``Pakistan's foreign minister``, ``Iranian officials``, ``Hubei
province``), and places joined in one list (``in Kyiv, Kharkiv and Odesa``) share
their anchoring.  The dateline city is always a place of the story (no rule drops
it); cities of an event clause (``Rallies were also held in Haifa``) need no
second mention.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from newsarchive.topics.clauses import (
    aside,
    at_venue,
    event_site,
    names_agreement,
    official_next,
    official_of,
    quoted_tokens,
    works_at,
)
from newsarchive.topics.gazetteer import SEATS_OF_POWER, Entity, Gazetteer, Match, Place
from newsarchive.topics.hierarchy import attach_ancestors, resolve_places, town_term
from newsarchive.topics.historic import german_states
from newsarchive.topics.people import People
from newsarchive.topics.roles import (
    beaten,
    compared,
    described_as_official,
    described_from,
    does_deed,
    passed_by,
)
from newsarchive.topics.salience import BODY_WEIGHT, Document, Token
from newsarchive.topics.towns import (
    ADDRESS_WORDS,
    LOCATIVE_BONUS,
    as_lead,
    dateline,
    score_towns,
)
from newsarchive.topics.trade import (
    abbreviated_adjective,
    acts,
    market_preposition,
    price_sentence,
)

__all__ = ["LOCATIVE_BONUS", "score_places"]

_LOCATIVE = frozenset({"in", "at", "near", "outside", "inside", "across", "around",
                       "throughout", "within", "into", "toward", "towards", "off", "along"})
#: Direction words that may sit between the preposition and the place ("in southern India").
_DIRECTIONS = frozenset({"northern", "southern", "eastern", "western", "central", "north",
                         "south", "east", "west", "northeastern", "northwestern",
                         "southeastern", "southwestern", "downtown", "suburban", "coastal",
                         "rural", "neighbouring", "neighboring"})
#: "in the heart of Baghdad", "in the city of Basra": the area is the place's.
_AREA_NOUNS = frozenset({"heart", "centre", "center", "streets", "outskirts", "suburbs",
                         "middle", "city", "town", "village", "port", "province", "state",
                         "region"})
#: Words joining places in one list; a list shares its members' anchoring.
_COORDINATORS = frozenset({",", "and", "or"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
#: Nouns that make a preceding country or demonym an actor ("the Iranian government").
_STATE_NOUNS = frozenset({
    "government", "governments", "officials", "authorities", "forces", "troops", "military",
    "army", "navy", "police", "embassy", "diplomats", "delegation", "negotiators",
    "leaders", "leader", "leadership", "regime", "parliament", "cabinet", "administration",
    "state", "spokesman", "spokeswoman", "ambassador", "regulators", "soldiers",
})
#: The dateline city is a place even when the lead puts the event elsewhere (issue 16);
#: ``False``: the earlier rule, which the first 180 labels follow (benchmarks/TOPICS.md).
DATELINE_ALWAYS = True
#: Subdivision words: "Hubei province", "Sindh and Balochistan provinces".
_SUBDIVISIONS = frozenset({"province", "provinces", "prefecture", "state", "region",
                           "county", "district", "coast", "desert", "valley"})
#: After a city's name these make it the surrounding area ("Kumamoto prefecture").
_CITY_SUBDIVISIONS = frozenset({"province", "prefecture", "region", "county", "district"})


#: A demonym before these is the state itself ("the Irish Republic", "the Iranian Government").
_STATE_NAMES = frozenset({"republic", "government", "kingdom", "federation", "state"})
#: Titles of nobility and sees: "Prince of Wales", "Duke of York" name a person.
_NOBLE_TITLES = frozenset({"Prince", "Princess", "Duke", "Duchess", "Earl", "Countess",
                           "Marquess", "Baron", "Baroness", "Archbishop", "Bishop"})
#: Capitalized words before a demonym that make it part of a continent's adjective.
_CONTINENT_PREFIXES = frozenset({"North", "South", "Latin", "Central"})


def _inside_name(tokens: Sequence[Token], start: int, end: int, titles: frozenset[str]
                 ) -> bool:
    """Whether the demonym at ``start:end`` is a word of a longer proper name.

    ``Yushu Tibetan Autonomous Prefecture``, ``the American League``: a demonym
    followed by a capitalized word inside a sentence is part of a name (a title
    such as ``French President`` is not); ``North American`` is a continent.
    """
    if start > 0 and tokens[start - 1].text in _CONTINENT_PREFIXES:
        return True
    if end >= len(tokens) or tokens[end].paragraph != tokens[start].paragraph:
        return False
    following = tokens[end]
    lower = following.text.lower()
    return (following.namelike and not tokens[start].starts_sentence
            and lower not in titles and lower not in _STATE_NAMES
            and tokens[start].paragraph >= 0)


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


def score_places(doc: Document, matches: Sequence[Match], entity_tokens: frozenset[int],
                 people: People, gazetteer: Gazetteer, threshold: float,
                 given_dateline: str = "", sure: set[str] | None = None
                 ) -> dict[str, float]:
    """Final salience of each place; only names reaching ``threshold`` are kept.

    ``given_dateline``: one a reader took out of the body (``PARIS, Dec. 28``), else
    the dateline is read at the start of the lead.  ``sure`` (when given) receives the
    dateline's place and country, and every country found to act (deeds, metonyms).

    ``entity_tokens`` are the tokens of ``matches`` that name an entity.  Cities
    need a locative mention and the threshold without the bonus; continents and
    seas need twice the threshold; an attached city or region lifts its country
    to at least its own score.
    """
    tokens = doc.tokens
    places: Mapping[str, Place] = gazetteer.places
    renames, overrides = resolve_places(doc, matches, gazetteer)
    if overrides:  # "a Pennsylvania bank in Reading": this article's Reading
        places = {**gazetteer.places, **overrides}
    if renames:  # "Georgia" in a story from Atlanta: the US state
        matches = [Match(m.start, m.end, Entity("places", renames[m.entity.name]))
                   if m.entity.taxonomy == "places" and m.entity.name in renames
                   and not m.entity.adjective else m for m in matches]
    scores: dict[str, float] = {}
    anchored: set[str] = set()
    dateline_place, dateline_town, qualifier, length = dateline(
        as_lead(given_dateline) if given_dateline else doc.lead, gazetteer)
    matches, historic = german_states(matches, places, dateline_place)
    if historic:  # "BONN ... West Germany": filed under the state of the time
        places = {**places, **historic}
    if given_dateline:
        length = 0  # its words are not among the tokens
    dateline_country = places[dateline_place].parent if dateline_place else ""
    dateline_end = -1
    if dateline_place:
        scores[dateline_place] = BODY_WEIGHT
        anchored.add(dateline_place)
        if qualifier:
            # "BRUSSELS, Belgium (AP)": the dateline counts once, for the city (and so
            # for its country); the qualifier after the comma only disambiguates
            dateline_end = doc.title_end + length
    # "the Pentagon in Virginia": a place after a named body is its address
    org_ends = {m.end for m in matches if m.entity.taxonomy == "organizations"}
    org_starts = {m.start for m in matches if m.entity.taxonomy == "organizations"}
    place_starts = {m.start for m in matches if m.entity.taxonomy == "places"}
    kept: list[tuple[Match, bool, bool]] = []  # (match, locative, actor)
    lead_sites: set[str] = set()  # places the lead puts an event in ("struck targets in Belgrade")
    named: set[str] = set()  # places named at least once (not only by a demonym)
    venues: set[str] = set()
    sites: set[int] = set()  # indexes in ``kept`` of event-clause locatives
    deeds: set[int] = set()  # indexes in ``kept`` of countries that act or give
    metonyms: set[str] = set()  # countries whose city (a seat of government) acts
    market_ends: set[int] = set()  # ends of place names in a market sentence
    # a place only a quoted speaker names never anchors
    quoted = quoted_tokens(tokens, doc.quotes_at)
    unquoted = {m.entity.name for m in matches if m.start not in quoted}
    for match in matches:
        entity = match.entity
        if entity.taxonomy != "places" or not entity.name:
            seat = SEATS_OF_POWER.get(entity.name)
            if seat is not None:  # "the Kremlin said": evidence for Russia, not anchored
                scores[seat] = scores.get(seat, 0.0) + tokens[match.start].weight
                if tokens[match.start].paragraph <= 0:  # below the lead: a reaction
                    named.add(seat)
            continue
        start, end = match.start, match.end
        if start >= 2 and tokens[start - 1].text == "of" and \
                tokens[start - 2].text in _NOBLE_TITLES:
            # "Diana, Princess of Wales": a title, not a place of the story; like a
            # seat of power it is evidence for the country
            parent = places[entity.name].parent
            if parent in places:
                scores[parent] = scores.get(parent, 0.0) + tokens[start].weight
                named.add(parent)
            continue
        if names_agreement(tokens, end) or (end < len(tokens) and tokens[end].text == "$"):
            continue  # "the Uruguay Round", "US$34.5 billion": a name or a currency
        if dateline_town and entity.name == dateline_town:
            continue  # "ATHENS, Ga.": the town, not the Greek capital
        if start < dateline_end and entity.name == qualifier:
            continue
        if any(k in people.covered for k in range(start, end)) or (
                end - start == 1 and tokens[start].text in people.name_words):
            continue
        if entity.adjective and _inside_name(tokens, start, end, gazetteer.titles):
            continue  # "Yushu Tibetan Autonomous Prefecture", "North American rights"
        scores[entity.name] = scores.get(entity.name, 0.0) + tokens[start].weight
        # "Canada's Eugenie Bouchard", "Brazil's Companhia Siderurgica Nacional": a
        # person's or a company's nationality, like a demonym (not "Berlin's Alexanderplatz")
        nationality = end + 1 < len(tokens) and tokens[end].text in _POSSESSIVE and \
            (end + 1 in people.covered or tokens[end + 1].text in people.name_words
             or tokens[end + 1].text in gazetteer.given_names or end + 1 in org_starts
             or (tokens[end + 1].namelike and end + 1 not in place_starts
                 and places[entity.name].kind == "country"
                 and tokens[end + 1].text.lower() not in gazetteer.titles))
        # "Meseret Bekele of Ethiopia won", below the lead: a person "of" (the) country is
        # a nationality (in the lead it is the story, "Cardinal X of Argentina was
        # elected", unless the person is beaten: "beating Kevin Curren of the United States")
        of = start - 2 if start >= 3 and tokens[start - 1].text == "the" else start - 1
        nationality = nationality or (of >= 1 and tokens[of].text == "of"
                                      and of - 1 in people.covered
                                      and places[entity.name].kind == "country"
                                      and (tokens[start].paragraph > 0
                                           or beaten(tokens, of - 1, people.covered)))
        nationality = nationality or described_from(tokens, start, people.covered) or \
            described_as_official(tokens, start, end, people.covered, gazetteer.titles)
        if nationality or official_of(tokens, places[entity.name].kind == "country", end,
                                                  people.covered, gazetteer.titles):
            continue
        if abbreviated_adjective(tokens, start, end):  # "a US carrier": a demonym
            entity = Entity("places", entity.name, adjective=True)
            match = Match(start, end, entity)
        if not entity.adjective or (end < len(tokens) and tokens[end].capitalized
                                    and tokens[end].text.lower() in _STATE_NAMES):
            named.add(entity.name)  # a name, or "the Irish Republic"
        kind = places[entity.name].kind
        k = start - 1
        if k >= 0 and tokens[k].text.lower() in _DIRECTIONS:
            k -= 1
        if k >= 0 and tokens[k].text == "the":
            k -= 1
        if k >= 2 and tokens[k].text == "of" and tokens[k - 1].text.lower() in _AREA_NOUNS:
            k -= 2  # "into the heart of Baghdad", "in the streets of Manila"
            if k >= 0 and tokens[k].text == "the":
                k -= 1
        before = tokens[k].text.lower() if k >= 0 else ""
        after = tokens[end].text if end < len(tokens) else ""
        if kind == "city" and ((before in _LOCATIVE and (aside(tokens, k, after, False)
                                                         or price_sentence(tokens, k)))
                               or (before in _COORDINATORS and k in market_ends)):
            # "prices fell in London and New York": the market (and every place listed
            # with it) is no evidence for the city nor its country
            scores[entity.name] -= tokens[start].weight
            market_ends.add(end)
            continue
        if kind != "city" and (market_preposition(tokens, k) or (
                before in _COORDINATORS and k in market_ends)):
            # "demand from Pakistan and Egypt": a market, no evidence (trade.py)
            scores[entity.name] -= tokens[start].weight
            market_ends.add(end)
            continue
        if passed_by(tokens, k) or (kind == "country" and compared(tokens, start - 1)):
            # "Irish people living in Britain", "ahead of the United States" (roles.py)
            scores[entity.name] -= tokens[start].weight
            market_ends.add(end)
            continue
        locative = not entity.adjective and before in _LOCATIVE and not (
            k > 0 and (tokens[k - 1].text.lower() in ADDRESS_WORDS or k in org_ends
                       or works_at(tokens, k))
        ) and not aside(tokens, k, after)
        if kind == "city" and locative and event_site(tokens, k):
            sites.add(len(kept))
        if kind == "city" and before in ("in", "near") and k not in org_ends \
                and at_venue(tokens, k) and not aside(tokens, k, after):
            locative = True  # "at the Dolby Theatre in Los Angeles": the event's city
            venues.add(entity.name)
        if kind == "city" and before == "in" and tokens[k].starts_sentence and \
                after == "," and not official_next(tokens, end + 1, gazetteer.titles) \
                and not {end + 1, end + 2} & org_starts:
            # "In Manchester, doctors marched": the scene of the sentence; not "In
            # Washington, President Bush said" nor "In Beirut, the PLO denounced" (an
            # official's or a body's reaction from where it sits)
            venues.add(entity.name)
        lower = after.lower()
        if entity.adjective:
            # "Iranian officials", not "French President X"; below the lead a demonym
            # is a side actor ("British troops consolidated their hold on Basra")
            actor = lower in _STATE_NOUNS and tokens[start].paragraph <= 0
        elif kind == "city":
            actor = False  # "Moscow said": a metonym, evidence for the country only
            if lower in _CITY_SUBDIVISIONS:
                anchored.add(entity.name)  # "Kumamoto prefecture": the area, not a metonym
        else:
            following = tokens[end + 1].text if end + 1 < len(tokens) else ""
            # possessive before a lower-case word: not "Germany's Bundesbank"
            actor = ((after in _POSSESSIVE and following[:1].islower())
                     or acts(tokens, start, end)
                     or lower in _STATE_NOUNS
                     or lower in _SUBDIVISIONS
                     or (kind == "region" and lower in gazetteer.titles))  # "Louisiana Governor"
        if entity.adjective or start in quoted:
            pass
        elif kind != "city" and does_deed(tokens, start, end):
            deeds.add(len(kept))  # "Sweden and Denmark had opposed it" (roles.py)
        elif kind == "city" and places[entity.name].parent and \
                does_deed(tokens, start, end, agent=False):
            metonyms.add(places[entity.name].parent)  # "Moscow promised aid"
        if start in quoted and entity.name not in unquoted:
            locative = actor = False
        if locative and tokens[start].paragraph == 0 and entity.name != dateline_place:
            lead_sites.add(entity.name)
        kept.append((match, locative, actor))
    # Coordination: "in Kyiv, Kharkiv and Odesa", "Spain, France and Germany have".
    groups: list[list[int]] = []
    for index, (match, _locative, _actor) in enumerate(kept):
        if groups:
            previous = kept[groups[-1][-1]][0]
            between = [t.text for t in tokens[previous.end:match.start]]
            if between[-1:] == ["the"]:  # "Britain, Germany and the United States"
                between.pop()
            if 0 < len(between) <= 2 and all(w in _COORDINATORS for w in between):
                groups[-1].append(index)
                continue
        groups.append([index])
    acting: set[str] = set()
    for group in groups:
        _anchor_group(group, kept, anchored, places)
        if deeds.intersection(group):  # "Spain, Qatar and the UK sent rescue teams"
            acting.update(kept[i][0].entity.name for i in group
                          if places[kept[i][0].entity.name].kind != "city"
                          and not kept[i][0].entity.adjective)
        if sites.intersection(group):  # "held in Jerusalem, Haifa and Beersheba"
            venues.update(kept[i][0].entity.name for i in group
                          if places[kept[i][0].entity.name].kind == "city")
    towns = score_towns(doc, matches, entity_tokens, people, gazetteer, threshold,
                        (dateline_town, qualifier), scores)
    final: dict[str, float] = {}
    for name, score in scores.items():
        place = places[name]
        total = score + (LOCATIVE_BONUS if name in anchored else 0.0)
        if name not in named and name not in anchored and \
                name not in (dateline_place, dateline_country):
            total = 0.0  # only "the Danish brewer": a nationality, not a place of the story
        if place.kind == "city" and name in venues:
            total = max(total, threshold)
        elif place.kind == "city" and (name not in anchored or score < threshold):
            total = 0.0
        elif place.kind == "region" and not place.parent and score < 2 * threshold:
            total = 0.0  # continents and seas: only when the story is about them
        elif name in acting:
            total = max(total, threshold)
        final[name] = total
    if sure is not None:
        sure.update(acting, metonyms, filter(None, (dateline_place, dateline_country)))
    for name in metonyms:  # "Moscow promised humanitarian aid": the country acts
        final[name] = max(final.get(name, 0.0), threshold)
    if dateline_place and (DATELINE_ALWAYS or not lead_sites - {dateline_country}):
        # "NEW YORK, March 3 -": the story is filed there; no rule (market city, metonym,
        # a lead that puts the event elsewhere) drops the dateline
        final[dateline_place] = max(final[dateline_place], threshold)
    for name, score in scores.items():
        parent = places[name].parent
        if parent and parent in places:
            lifted = final.get(parent, 0.0) + score
            if final[name] >= threshold:
                lifted = max(lifted, final[name])
            final[parent] = lifted
    for town, score in towns.items():
        final[town.name] = score
        if town.country in places:
            final[town.country] = max(final.get(town.country, 0.0) + BODY_WEIGHT, score)
    attach_ancestors(final, places, threshold, {town.name: town for town in towns})
    # "Reading, Pennsylvania" beside Reading, England: a town's own term
    terms = {town.name: town_term(town.name, town.state, town.country) for town in towns}
    terms.update((name, town_term(name, place.region, place.parent))
                 for name, place in overrides.items())
    if any(name != term for name, term in terms.items()):
        return {terms.get(name, name): score for name, score in final.items()}
    return final

