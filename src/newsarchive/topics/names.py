"""One name per person and per organization.

A person's canonical name is the fullest name the text gives without titles,
possessives, middle initials or a generational suffix (``President Donald J.
Trump's`` -> ``Donald Trump``, ``Henry M. Paulson Jr.`` -> ``Henry Paulson``):
:func:`canonical_person` (usable on labels too, so that a label and the
extractor agree) and :func:`person_words` (on tokens).  An initial that opens a
name stays, spaced or not (``A. Raja``, ``F. W. de Klerk`` = ``F.W. de
Klerk``): there it is the name's usual written form, not a middle name.  Two
presidents written ``George W. Bush`` and ``George H.W. Bush`` therefore share
``George Bush``: the price of one rule for every name.

An organization's name never starts with a clause word, a preposition or a
placing adjective (``When the Russian Federal Security Service``,
``Philadelphia-based Keystone Fidelity``): :func:`strip_clause_words`; it ends
where a role and a person's name start (``Bank of Japan Governor Satoshi
Sumita``): :func:`role_cut`.  Other written forms of a curated body merge into
it (the other spelling, ``Organisation``/``Organization``: :func:`known_body`;
the aliases of ``data/organizations_aliases.tsv``); a body built from the text
spells its country out (``U.S. Bankruptcy Court`` -> ``United States
Bankruptcy Court``); a place's own body is not the curated one it shares a name
with (``Georgia General Assembly``, not the UN's): :func:`place_body`.  Short
forms count for a body only in a story that already names it (``the
Community`` in a story about the European Community, ``the Fund`` beside the
IMF): :data:`SHORT_FORMS`, :func:`count_short_forms`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from newsarchive.topics.gazetteer import Gazetteer, Match, load_gazetteer
from newsarchive.topics.salience import Token

__all__ = ["CLAUSE_WORDS", "CONTEXT_BODIES", "EXTRA_TITLES", "GENERIC_BODIES", "GENERIC_ENDS",
           "ROLE_WORDS", "SHORT_FORMS", "UN_ORGANS", "canonical_person", "count_short_forms",
           "drop_middle_initials",
           "full_country_prefix", "in_context", "is_initial", "known_body", "names_un",
           "person_words", "place_body", "role_cut", "strip_clause_words"]

#: Capitalized words that open a clause or a prepositional phrase, never a name
#: ("When the Russian Federal Security Service raided ...", "After the FA ...").
CLAUSE_WORDS = frozenset({
    "When", "Whenever", "After", "Before", "Although", "Though", "But", "And", "Or", "Nor",
    "If", "While", "Whilst", "Since", "As", "Because", "Unless", "Until", "Once", "Where",
    "Whether", "Yet", "So", "In", "On", "At", "From", "With", "Without", "By", "Under",
    "Over", "Against", "Despite", "During", "Through", "Unlike", "Like", "Meanwhile",
    "However", "Also", "Then", "Now", "Still", "Even", "Only", "Instead", "Thus", "Hence",
    "Following", "Amid", "Among", "Between", "Within", "Inside", "Outside", "Throughout",
    "Including", "Besides", "Earlier", "Later", "Last", "This", "That", "These", "Those",
    "Both", "Neither", "Either", "Why", "How", "What", "Which", "Who", "Whose", "Asked",
    "Told", "Says", "Said", "To", "Of", "Into", "Onto", "Upon", "Toward", "Towards", "Via",
})

#: A capitalized short form after ``the`` -> the body it stands for, counted only in a
#: story that names that body in full or by acronym ("the Community" in an EC story).
SHORT_FORMS: Mapping[str, str] = {
    "Community": "European Community",
    "Fund": "International Monetary Fund",
    "Bank": "World Bank",
    "Alliance": "NATO",
    "Cartel": "OPEC",
}

#: Titles written without a full stop (British style) or missing from
#: ``data/titles.txt``, lower-cased: stripped like the titles there ("Rev Rod Thomas",
#: "Det Garda Seán Ryan").
EXTRA_TITLES = frozenset({"rev", "revd", "det", "supt", "insp", "sgt", "cllr", "lt", "gen",
                          "col", "capt", "cpl", "pte", "cdr", "cmdr", "brig", "fr", "garda",
                          "selectman", "selectwoman", "alderman", "alderwoman", "exchequer"})

_INITIAL = re.compile(r"(?:[A-Z]\.){1,3}|[A-Z]")
_POSSESSIVE = re.compile(r"['’]s?$")
#: Name suffixes kept at the end of a name (``Jr.``), never taken for an initial.
_SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV", "V", "VI"})


def is_initial(word: str) -> bool:
    """Whether ``word`` is an initial or a run of initials (``J.``, ``H.W.``, ``J``)."""
    return bool(_INITIAL.fullmatch(word)) and word not in _SUFFIXES


def drop_middle_initials(words: Sequence[str]) -> tuple[str, ...]:
    """``words`` of a person's name without the initials between the first name
    and the family name (``Donald J. Trump`` -> ``Donald Trump``).

    An initial that opens the name stays (``A. Raja``), and so does everything
    when fewer than two other words would remain.
    """
    if len(words) < 3 or is_initial(words[0]):
        return tuple(words)
    last = len(words) - 1
    while last > 0 and words[last] in _SUFFIXES:
        last -= 1
    kept = [w for k, w in enumerate(words) if not (0 < k < last and is_initial(w))]
    return tuple(kept) if len(kept) >= 2 else tuple(words)


#: Generational suffixes left out of the canonical name when two name words remain
#: (``Henry Paulson Jr.``, ``James Baker III`` -> ``James Baker``); a regnal number
#: stays (``Elizabeth II``, ``John Paul II``).
_DROPPED_SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "III"})


#: Names whose middle initial tells two people apart (a father and a son, a president
#: and a namesake): kept whole, with a generational suffix (``Robert F. Kennedy Jr.``).
_DISTINGUISHING = frozenset({
    ("George", "W.", "Bush"), ("George", "H.W.", "Bush"), ("John", "F.", "Kennedy"),
    ("Robert", "F.", "Kennedy"), ("Franklin", "D.", "Roosevelt"), ("Harry", "S.", "Truman"),
    ("Lyndon", "B.", "Johnson"), ("Dwight", "D.", "Eisenhower"), ("John", "D.", "Rockefeller"),
    ("Michael", "J.", "Fox"), ("Samuel", "L.", "Jackson"), ("Martin", "Luther", "King"),
})


def person_words(words: Sequence[str]) -> tuple[str, ...]:
    """The canonical words of a person's name: spaced opening initials joined
    (``F. W. de Klerk`` -> ``F.W. de Klerk``), one opening initial before a known given
    name dropped (``W. Daniel Hillis`` -> ``Daniel Hillis``), middle initials dropped
    (:func:`drop_middle_initials`), then a generational suffix
    (``Henry M. Paulson Jr.`` -> ``Henry Paulson``)."""
    if len(words) < 3:
        return tuple(words)  # most names: nothing to drop
    joined = list(words)
    while len(joined) > 2 and _INITIAL.fullmatch(joined[0]) and joined[0].endswith(".") \
            and _INITIAL.fullmatch(joined[1]) and joined[1].endswith("."):
        joined[:2] = [joined[0] + joined[1]]
    if len(joined) > 3 and _INITIAL.fullmatch(joined[1]) and _INITIAL.fullmatch(joined[2]):
        joined[1:3] = [joined[1] + joined[2]]  # "George H. W. Bush"
    if tuple(joined[:3]) in _DISTINGUISHING:
        return tuple(joined)
    if len(joined[0]) <= 2 and is_initial(joined[0]) and \
            joined[1] in load_gazetteer().given_names:
        joined.pop(0)  # "W. Daniel Hillis", "R. Eugene Pincham": known by the given name
    kept = list(drop_middle_initials(joined))
    while len(kept) > 2 and kept[-1] in _DROPPED_SUFFIXES:
        kept.pop()
    return tuple(kept)


def canonical_person(name: str, titles: frozenset[str] = frozenset()) -> str:
    """The canonical form of a person's name as written in text or a label.

    Leading words in ``titles`` (lower-cased, e.g. the gazetteer's
    ``mr.``, ``sen.``, ``president``; see ``data/titles.txt``) and a trailing
    possessive are stripped, the words made canonical (:func:`person_words`),
    spaces normalised.  Deterministic; never raises.
    """
    words = name.replace(",", " ").split()  # "Richard S. Fuld, Jr."
    # a title before one name word stays ("Queen Elizabeth II", as the extractor says)
    while words and words[0].lower() in titles and \
            len([w for w in words[1:] if w not in _SUFFIXES]) >= 2:
        words.pop(0)
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1]) or words[-1]
    return " ".join(person_words(words))


#: Endings of a capitalized adjective that places a body rather than naming it
#: ("Philadelphia-based Keystone Fidelity", "Kremlin-backed ...").
_PLACING = ("-based", "-backed", "-owned", "-run", "-controlled", "-led", "-funded")


def strip_clause_words(words: Sequence[str]) -> int:
    """How many leading words of a capitalized run to drop before an organization's
    name: clause words and prepositions (:data:`CLAUSE_WORDS`), placing adjectives
    (``Philadelphia-based``) and the articles after them (``When the Russian ...``
    -> 2)."""
    if not words or (words[0] not in CLAUSE_WORDS and not words[0].endswith(_PLACING)):
        return 0  # most runs
    k = 0
    while k < len(words) and (words[k] in CLAUSE_WORDS or words[k].endswith(_PLACING) or (
            k and words[k] in ("The", "the")
            and (words[k - 1] in CLAUSE_WORDS or words[k - 1].endswith(_PLACING)))):
        k += 1
    return k


#: Roles that, inside a capitalized run, end a body's name and start a person's
#: ("Bank of Japan Governor Satoshi Sumita", "UN Secretary General Ban Ki-moon").
ROLE_WORDS = frozenset({
    "Governor", "Chairman", "Chairwoman", "Chair", "President", "Director", "Spokesman",
    "Spokeswoman", "Spokesperson", "Minister", "Secretary", "Chief", "Commissioner",
    "Sheriff", "Chancellor", "Leader", "Mayor", "Deputy", "Executive", "CEO", "Head",
    "Manager", "Coach", "Analyst", "Economist", "Professor", "Superintendent"})


def role_cut(words: Sequence[str]) -> int:
    """Where a body's name ends because a role and a person's name follow it
    (``Bank of Japan Governor Satoshi Sumita`` -> 3), else ``0``: a role word after
    the first word followed by two or more capitalized words to the end."""
    if len(words) < 4:
        return 0
    for k in range(1, len(words) - 2):
        if words[k] in ROLE_WORDS and all(w[:1].isupper() for w in words[k + 1:]):
            return k
    return 0


#: Curated bodies whose name a place's own body shares ("Georgia General Assembly",
#: "Texas National Guard", "Pakistan Supreme Court"): after a place they are that
#: place's body, not the curated one.
GENERIC_BODIES = frozenset({"UN General Assembly", "Senate", "House of Representatives",
                            "Supreme Court", "Congress", "National Guard", "Democratic Party",
                            "Republican Party", "UN Security Council"})


#: The last words of the :data:`GENERIC_BODIES` and their aliases (a quick test).
GENERIC_ENDS = frozenset({"Assembly", "Senate", "Representatives", "House", "Court",
                           "Congress", "Guard", "Party", "Council"})


def place_body(words: Sequence[str], gazetteer: Gazetteer) -> bool:
    """Whether ``words`` are a place's name then a generic body's (:data:`GENERIC_BODIES`):
    ``Georgia General Assembly``, ``Ohio National Guard``."""
    if len(words) < 2 or words[-1] not in GENERIC_ENDS:
        return False
    for n in range(1, len(words)):
        place = gazetteer.lookup(tuple(words[:n]), "places")
        if place is None or place.adjective:
            continue
        body = gazetteer.lookup(tuple(words[n:]), "organizations")
        return body is not None and body.name in GENERIC_BODIES
    return False


#: British and American spellings of the words of bodies' names, both ways.
_SPELLINGS = {"Organisation": "Organization", "Organization": "Organisation",
              "Programme": "Program", "Program": "Programme", "Labour": "Labor",
              "Labor": "Labour", "Defence": "Defense", "Defense": "Defence",
              "Centre": "Center", "Center": "Centre"}


def known_body(words: Sequence[str], gazetteer: Gazetteer) -> str:
    """The canonical name of the curated body that ``words`` name in another written
    form, else ``""``: the other spelling (``Palestine Liberation Organisation``)."""
    if any(w in _SPELLINGS for w in words):
        known = gazetteer.lookup(tuple(_SPELLINGS.get(w, w) for w in words), "organizations")
        if known is not None:
            return known.name
    return ""


def full_country_prefix(name: str) -> str:
    """``U.S. Bankruptcy Court`` -> ``United States Bankruptcy Court``: a body's name
    built from the text spells its country out, as labels and formal names do."""
    for short in ("U.S. ", "US "):
        if name.startswith(short) and len(name) > len(short):
            return "United States " + name[len(short):]
    return name


def count_short_forms(tokens: Sequence[Token], matches: Sequence[Match],
                      covered: frozenset[int], scores: dict[str, float]) -> None:
    """Count ``the Community``, ``the Fund`` ... (:data:`SHORT_FORMS`) for the
    body they stand for, in a story that already names it; a short form that starts
    a longer name (``the Bank of Montreal``, ``the Community Party``) is not one."""
    wanted = {short for short, body in SHORT_FORMS.items() if body in scores}
    if not wanted:
        return
    inside = {k for m in matches for k in range(m.start, m.end)}
    for k in range(1, len(tokens)):
        if tokens[k].text in wanted and k not in inside and k not in covered \
                and tokens[k - 1].text in ("the", "The"):
            nxt = tokens[k + 1] if k + 1 < len(tokens) else None
            if nxt is None or not (nxt.namelike or nxt.text in ("of", "for")):
                body = SHORT_FORMS[tokens[k].text]
                scores[body] += tokens[k].weight


#: Bodies whose bare name means another body in a story about a given country:
#: ``the Congress`` in an Indian story is the Indian National Congress, not the US one.
CONTEXT_BODIES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "Congress": (("India", "Indian National Congress"),),
}


def in_context(scores: dict[str, float], matches: Sequence[Match], gazetteer: Gazetteer
               ) -> dict[str, float]:
    """``scores`` of organizations with the bodies of :data:`CONTEXT_BODIES` renamed
    when the country named most often in the story (places matched, a city counting
    for its country) is the one that gives them another meaning."""
    if not any(name in CONTEXT_BODIES for name in scores):
        return scores
    counts: dict[str, int] = {}
    for match in matches:
        name = match.entity.name
        if match.entity.taxonomy == "places" and name:
            place = gazetteer.places.get(name)
            country = place.parent if place is not None and place.kind != "country" else name
            counts[country] = counts.get(country, 0) + 1
    top = max(counts, key=lambda c: counts[c]) if counts else ""  # first of equals
    renamed: dict[str, float] = {}
    for name, score in scores.items():
        name = dict(CONTEXT_BODIES.get(name, ())).get(top, name)
        renamed[name] = renamed.get(name, 0.0) + score
    return renamed


#: UN organs whose bare name (``Security Council``, ``General Assembly``) a national body
#: shares: the UN organ only when the article names the United Nations.
UN_ORGANS = frozenset({"UN Security Council", "UN General Assembly"})


def names_un(tokens: Sequence[Token]) -> bool:
    """Whether the text names the United Nations (``UN``, ``U.N.``, ``United Nations``)."""
    words = [t[0] for t in tokens]
    return "UN" in words or "U.N." in words or any(
        w == "United" and words[k + 1:k + 2] == ["Nations"] for k, w in enumerate(words))
