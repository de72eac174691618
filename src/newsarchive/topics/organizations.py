"""Organizations: curated bodies by name or acronym, plus names the text defines.

Three sources, merged under one canonical name: the curated list
(``data/organizations.tsv``, acronyms and full names as aliases); names built
like an organization's (a capitalized run holding a head word such as
``Council``, ``Party`` or ``Authority`` and one distinctive word:
``Leeds City Council``); and acronyms the article defines in parentheses
(``Suez Canal Authority (SCA)``).  A news agency credited in parentheses
(``(AFP)``) is a source, not a topic, and is not counted.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsarchive.topics.clauses import acts
from newsarchive.topics.gazetteer import AGENCIES, SEATS_OF_POWER, Entity, Gazetteer, Match
from newsarchive.topics.names import (
    CLAUSE_WORDS,
    GENERIC_ENDS,
    UN_ORGANS,
    count_short_forms,
    full_country_prefix,
    in_context,
    known_body,
    names_un,
    place_body,
    role_cut,
    strip_clause_words,
)
from newsarchive.topics.org_mentions import (
    CHANNEL_NOUNS,
    affiliation,
    dated_background,
    in_lists,
    in_passing,
    joined,
    named_in_passing,
)
from newsarchive.topics.salience import Document, capitalized_spans

__all__ = ["CURATED_BONUS", "find_org_candidates", "score_organizations"]

#: Bonus for a curated or text-defined organization (an anchored mention).
CURATED_BONUS = 0.5

_HEADS = frozenset({
    "Police", "Council", "Party", "Ministry", "Department", "Authority", "Agency",
    "Commission", "Committee", "Institute", "Association", "Union", "University", "Bank",
    "Airlines", "Airways", "Corporation", "Company", "Corp.", "Inc.", "Ltd", "Group",
    "Movement", "Organization", "Organisation", "Service", "Court", "Fund", "Foundation",
    "Federation", "League", "Congress", "Parliament", "Front", "Army", "Properties",
    "Holdings", "Society", "Institution", "Laboratory", "Centre", "Center", "Academy",
    "College", "Board", "Bureau", "Trust", "Alliance", "Coalition", "Brigade", "Corps",
    "Club", "Administration", "Telescope", "Forces", "Cross", "Exchange",
})
_GENERIC = frozenset({
    "The", "National", "Federal", "State", "Central", "General", "Supreme", "International",
    "Royal", "Foreign", "Interior", "Home", "Defence", "Defense", "City", "Public", "High",
    "Higher", "New", "Provincial", "Regional", "Local", "County", "District", "Municipal",
    "Democratic", "Republican", "People's", "World", "Global", "European", "United",
    "Armed", "Civil", "Security", "Special", "Joint", "Islamic", "Communist", "Socialist",
})


#: Before a body (``the`` may follow) these make it a venue, not an actor: "rose on
#: the New York Stock Exchange", "crowds outside the Government Center".
_VENUE_WORDS = frozenset({"on", "outside"})

#: Sentence-initial words kept as the start of a body's name: they name an area
#: ("Greater Manchester Police", "Upper Nile State Council"), not the sentence.
_AREA_PREFIXES = frozenset({"Greater", "Upper", "Lower", "Northern", "Southern", "Eastern",
                            "Western"})

#: After a party's one-word name these make it a portfolio ("Labour Minister").
_PORTFOLIO_WORDS = frozenset({"Minister", "Ministry", "Secretary", "Department"})

#: Words after which the next run may continue a name ("Research" + "and" +
#: "Development Organisation", "Governors" + "'" + "Association").
_JOINERS = frozenset({"and", "&", "'", "’"})
#: One-word runs that take the full path: clause words, articles, generic ends.
_ONE_WORD_SLOW = CLAUSE_WORDS | GENERIC_ENDS | {"The", "the"}


def _is_pattern_org(words: Sequence[str], gazetteer: Gazetteer) -> bool:
    heads = [k for k, w in enumerate(words) if w in _HEADS]
    if not heads or len(words) < 2:
        return False
    if heads[0] == 0 and "of" not in words and "for" not in words:
        return False
    return any(w[:1].isupper() and w not in _HEADS and w not in _GENERIC
               and w.lower() not in gazetteer.titles for w in words)


#: Legal-form suffixes: part of a company's written name, not of the name indexed.
_LEGAL_SUFFIXES = frozenset({"Inc.", "Inc", "Corp.", "Corp", "Co.", "Co", "Ltd", "Ltd.",
                             "plc", "PLC", "LLC"})


def _and_tail(doc: Document, words: Sequence[str], end: int, gazetteer: Gazetteer
              ) -> list[str]:
    """The words after ``and`` that finish an ``of A and B`` name, else ``[]``.

    ``Department of Fisheries`` + ``and Oceans``: the part after ``and`` has no
    head word, is capitalized, not a known name or title, and ends the run.
    """
    tokens = doc.tokens
    if "of" not in words or end + 1 >= len(tokens) or tokens[end].text not in ("and", "&"):
        return []
    tail: list[str] = []
    k = end + 1
    while k < len(tokens) and tokens[k].namelike and len(tail) < 3 \
            and tokens[k].paragraph == tokens[end].paragraph:
        tail.append(tokens[k].text)
        k += 1
    if not tail or (k < len(tokens) and tokens[k].text in ("of", "for", "'s", "’s")):
        return []
    if any(w in _HEADS or w.lower() in gazetteer.titles or w in gazetteer.given_names
           for w in tail):
        return []
    # a known name inside the tail ("and Google") ends the body's name; a word that
    # merely starts one ("Environmental" of "Environmental Protection Agency") does not
    for k, word in enumerate(tail):
        if any(list(known) == tail[k:k + len(known)]
               for known, _ in gazetteer.surfaces.get(word, ())):
            return []
    return tail


def find_org_candidates(doc: Document, gazetteer: Gazetteer
                        ) -> dict[str, list[tuple[tuple[str, ...], Entity]]]:
    """Organization names and acronyms defined by this article's body.

    Returns ``(tokens, entity)`` surfaces by first token, in text order (the
    caller sorts them longest first with its other per-article surfaces).
    """
    tokens = doc.tokens
    found: dict[str, list[tuple[tuple[str, ...], Entity]]] = {}

    def add(words: tuple[str, ...], canonical: str) -> None:
        found.setdefault(words[0], []).append((words, Entity("organizations", canonical)))

    previous: list[str] = []
    previous_end = -1
    n = len(tokens)
    for start, end in capitalized_spans(doc, connectors="org"):
        word = tokens[start][0]
        if end - start == 1 and word not in _ONE_WORD_SLOW and "-" not in word and not (
                tokens[start][3] and word in gazetteer.non_names) and (
                start == 0 or tokens[start - 1][0] not in _JOINERS) and (
                end + 2 >= n or tokens[end][0] != "("):
            # one word that joins nothing and defines no acronym: never a built name
            # (most runs; the hot path); it may still start an "A and B" name
            previous, previous_end = [word], end
            continue
        words = [t.text for t in tokens[start:end]]
        span_start = start
        if words[0] in CLAUSE_WORDS or "-" in words[0]:  # most runs: neither
            clause = strip_clause_words(words)  # "When the Russian Federal Security Service"
            del words[:clause]
            start += clause
        while words and (words[0] in ("The", "the") or (
                tokens[start].starts_sentence and words[0] in gazetteer.non_names
                and words[0] not in _HEADS and words[0] not in _AREA_PREFIXES)):
            words.pop(0)
            start += 1
        if len(words) > 2 and words[1] in ("of", "for") and words[0] not in _HEADS \
                and tokens[start].starts_sentence and words[0] not in gazetteer.surfaces:
            del words[:2]  # "Scientists of the Bhabha Atomic Research Centre"
            start += 2
            while words and words[0] in ("The", "the"):
                words.pop(0)
                start += 1
        # "Terry Done of the Australian Institute of Marine Science": the body is
        # the part after "of (the)" when the part before holds no head word
        role = role_cut(words) if len(words) > 3 else 0
        if role:  # "Bank of Japan Governor Satoshi Sumita": the body, then a person
            end = start + role
            words = words[:role]
        cut = next((k for k, w in enumerate(words) if w in ("of", "for")), 0)
        # ... or "Rob Enderle of Giga Information Group": a person "of" the body
        skip = 2 if words[cut + 1:cut + 2] == ["the"] else 1 if words and (
            words[0] in gazetteer.given_names
            or (cut == 2 and not any(w in _HEADS or w in _GENERIC for w in words[:2]))) else 0
        if cut and skip and not any(w in _HEADS for w in words[:cut]) and (
                _is_pattern_org(words[cut + skip:], gazetteer)  # "Officials of the
                or gazetteer.lookup(tuple(words[cut + skip:]), "organizations")):  # World Bank"
            start += cut + skip
            words = words[cut + skip:]
        # "the Defence Research" + "and" + "Development Organisation": one name
        # ... and "Prison Governors" + "'" + "Association" (a plural possessive)
        joiner = tokens[span_start - 1].text if span_start else ""
        if previous and previous_end == span_start - 1 and not any(
                w in _HEADS for w in previous) and (joiner in ("and", "&") or (
                    joiner in ("'", "’") and previous[-1].endswith("s"))):
            words = [*previous, joiner, *words]
        previous, previous_end = words, end
        canonical = ""
        first = gazetteer.surfaces.get(words[0], ()) if words else ()
        known = [e for toks, e in first if list(toks) == words]
        if known and known[0].taxonomy == "organizations":
            canonical = known[0].name
        elif not known and words and words[-1] in GENERIC_ENDS and place_body(words, gazetteer):
            canonical = " ".join(words)  # "Georgia General Assembly": the state's own
            add(tuple(words), canonical)
        elif not known and _is_pattern_org(words, gazetteer) and not (
                end < len(tokens) and tokens[end].text in ("'s", "’s")):
            # a name cut by a possessive ("... of the National People" + "'s
            # Congress") is not a name: leave the words to the curated list; a
            # known place ("Soviet Union") is not built as an organization
            tail = _and_tail(doc, words, end, gazetteer)
            if tail:  # "the Department of Fisheries" + "and Oceans": one name
                words = [*words, tokens[end].text, *tail]
                end += len(tail) + 1
            canonical = " ".join(w for w in words[:-1]) if words[-1] in _LEGAL_SUFFIXES \
                and len(words) > 2 else " ".join(words)
            canonical = canonical.replace(" ' ", "' ").replace(" ’ ", "’ ")
            # "Palestine Liberation Organisation": the known body spelt the other way
            canonical = known_body(words, gazetteer) or full_country_prefix(canonical)
            add(tuple(words), canonical)
        if canonical and end + 2 < len(tokens) and tokens[end].text == "(" \
                and tokens[end + 2].text == ")":
            acronym = tokens[end + 1].text
            if acronym.isupper() and 2 <= len(acronym) <= 8:
                add((acronym,), canonical)
    return found


def score_organizations(doc: Document, matches: Sequence[Match], covered: frozenset[int],
                        gazetteer: Gazetteer) -> dict[str, float]:
    """Salience of each organization matched in ``doc`` (people's tokens excluded)."""
    tokens = doc.tokens
    kept: list[Match] = []
    for match in matches:
        entity = match.entity
        if entity.taxonomy != "organizations" or not entity.name \
                or entity.name in SEATS_OF_POWER:
            continue  # "the Kremlin said": the building stands for the country
        if any(k in covered for k in range(match.start, match.end)):
            continue
        if entity.name in AGENCIES and 0 < match.start < len(tokens) - 1 and \
                tokens[match.start - 1].text == "(":
            continue
        if entity.name in UN_ORGANS and match.end - match.start == 2 and \
                tokens[match.start].text in ("Security", "General") and not names_un(tokens):
            continue  # "Russia's Security Council", "Georgia's General Assembly"
        if match.end - match.start == 1 and entity.name.endswith(" Party") \
                and match.end < len(tokens) and tokens[match.end].text in _PORTFOLIO_WORDS:
            continue  # "Labour Minister Ricardo Solari": a portfolio, not the party
        kept.append(match)
    listed = in_lists(kept, doc)
    scores: dict[str, float] = {}
    anchored: set[str] = set()
    actors: set[str] = set()  # "The African Union said", "the EC has pledged"
    for index, match in enumerate(kept):
        name = match.entity.name
        # "a BBC interview", "BBC reports": the channel, not the body, is mentioned
        channel = match.end < len(tokens) and \
            tokens[match.end].text.lower() in CHANNEL_NOUNS
        scores[name] = scores.get(name, 0.0) + (0.0 if channel else tokens[match.start].weight)
        k = match.start - 1
        if k >= 0 and tokens[k].text == "the":
            k -= 1
        venue = k >= 0 and (tokens[k].text in _VENUE_WORDS or affiliation(tokens, k))
        # "talks at the Federal Reserve Bank of New York, where ...": a venue
        where = tokens[match.end:match.end + 2] if match.end + 1 < len(tokens) else ()
        venue = venue or [t.text for t in where] == [",", "where"] or \
            in_passing(tokens, k, match.end)
        if index not in listed and not venue:
            anchored.add(name)
            if acts(tokens, match.end):
                actors.add(name)
    # A body named once below the lead as a source, an example, a funder, a rival or
    # a destination is in passing; the members of a list share the first one's role
    # ("rivals NEC Corp. and Toshiba Corp.").
    mentions: dict[str, list[int]] = {}
    passing: list[bool] = []
    for index, match in enumerate(kept):
        mentions.setdefault(match.entity.name, []).append(index)
        flag = named_in_passing(tokens, match.start)
        if not flag and index and joined(kept[index - 1], match, tokens):
            flag = passing[index - 1]
        passing.append(flag)
    for name, found in mentions.items():
        if len(found) == 1 and tokens[kept[found[0]].start].paragraph > 0 \
                and (passing[found[0]] or dated_background(tokens, kept[found[0]])):
            anchored.discard(name)
    count_short_forms(tokens, matches, covered, scores)
    # The bonus (curated or text-built names alike) needs one mention outside a list
    # of three or more bodies ("rivals Amazon, Alphabet and Microsoft" names them in
    # passing) that is not a trading venue ("on the New York Stock Exchange") or the
    # place of a meeting ("at the X, where").
    # A body that is the subject of a verb acts in the story, even named once.
    return in_context({name: score + (CURATED_BONUS if name in anchored else 0.0)
                       + (CURATED_BONUS if name in actors and name in anchored else 0.0)
                       for name, score in scores.items()}, matches, gazetteer)
