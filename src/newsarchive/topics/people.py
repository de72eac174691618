"""People: named persons with titles stripped, later surname mentions attached.

A run of capitalized words in the body is a person's name when, after leading
titles, roles, demonyms and place or organization names are stripped
(``Iranian President Mohammad Khatami`` -> ``Mohammad Khatami``), two to five
name words remain, none of them a calendar, organization or place word (nor
the run a place's whole name: ``Ann Arbor``), and the text says it is a person:
a title or role before it, a known given name first, or a speech verb or
appositive next to it.  Single-word mentions (``Shamkhani added``, ``Mr.
Vajpayee``) count for the full name introduced earlier whose family name they
are; a lone surname never becomes a term.
One person, one name: middle initials and generational suffixes are dropped
(``Donald J. Trump`` and ``Donald Trump`` are one term,
:func:`newsarchive.topics.names.person_words`), and a title inside the run
starts the name (``Housing Minister John Lohr``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newsarchive.topics.gazetteer import Gazetteer
from newsarchive.topics.names import EXTRA_TITLES, person_words
from newsarchive.topics.salience import TOP_WEIGHT, Document, Token, capitalized_spans

__all__ = ["People", "find_people"]

#: Bonus for a person introduced with a title or role, or quoted (an anchored mention).
TITLE_BONUS = 1.0
_SPEECH = frozenset({"said", "says", "told", "added", "asked", "wrote", "who", "whose",
                     "announced", "urged", "declared", "warned", "insisted", "explained"})
_APPOSITIVE = frozenset({"who", "a", "an", "the", "whose", "chief", "head", "president",
                         "director", "chairman", "spokesman", "spokeswoman", "leader"})
#: Words after a person's name that make the run a thing named after them ("John F.
#: Kennedy Stadium", "Liam MacCarthy Cup", "Philip Morris Cos Inc", "Al Rajhi Capital").
_NAMED_AFTER = frozenset({
    "Building", "Stadium", "Cup", "Trophy", "Prize", "Award", "Awards", "Medal", "Airport",
    "Center", "Centre", "Bridge", "Street", "Avenue", "Road", "Boulevard", "Square",
    "Foundation", "Institute", "University", "College", "School", "Hospital", "Library",
    "Museum", "Memorial", "Capital", "Cos", "Co", "Corp", "Inc", "Ltd", "Plc", "Holdings",
    "Arena", "Theatre", "Theater", "Highway", "Plaza", "Tower", "Doctrine", "Federal",
})
#: Words that are never a family name: from the second word on they make the run a
#: company, a title or a thing ("Ditsela Transport said", "Columbia Pictures said",
#: "the Bafta Fellowship", "Monivea Bog").
_THING_WORDS = frozenset({
    "Co.", "Corp.", "Inc.", "Ltd.", "LLC", "PLC", "AG", "SA", "Pictures", "Studios",
    "Entertainment", "Promotions", "Advisory", "Partners", "Foods", "Coaches", "Transport",
    "Telecommunications", "Telecom", "Industrial", "Industries", "Electric", "Energy",
    "Data", "Systems", "Technologies", "Securities", "Insurance", "Investments",
    "Ventures", "Logistics", "Shipping", "Airlines", "Airways", "Motors", "Chemicals",
    "Pharmaceuticals", "Minerals", "Mining", "Petroleum", "Resources", "Properties",
    "Outlook", "Fellowship", "Tournament", "Bog", "Basin", "County", "Sabha", "Aid",
    "Slam", "Nights", "Mother", "Electronics", "Microsystems", "Technology", "Networks",
    "Communications", "Labs", "Laboratories", "Platforms", "Engineering", "Dynamics",
    "Software", "Semiconductor", "Semiconductors", "Robotics", "Biotech", "Therapeutics",
    "Interactive", "Enterprises", "Brothers", "Records", "Mines", "Consolidated",
    "Bancorporation", "Management", "Markets", "Motor", "Heavy", "Mobile", "Phones",
    "Precision", "Media", "Music", "Quantum", "Shipbuilding",
})
#: The same as a lower-case word right after the name ("BL's Austin Morris division").
_NAMED_AFTER_LOWER = frozenset({"division", "laws", "brand", "stadium", "cup", "trophy",
                                "prize", "award", "doctrine"})
_SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV", "V", "VI", "XVI",
                       "XXIII", "XIII", "XII"})


@dataclass(frozen=True, slots=True)
class People:
    """Scores by full name, the tokens that are parts of names, and name words."""

    scores: Mapping[str, float]
    covered: frozenset[int]
    name_words: frozenset[str]


def _core(words: tuple[str, ...]) -> list[str]:
    """The words of a name without suffixes (``Jr.``) and lower-case particles (``bin``)."""
    return [w for w in words if w not in _SUFFIXES and not w[:1].islower()]


def _has_context(doc: Document, start: int, end: int, titles: frozenset[str]) -> tuple[bool, bool]:
    """(role before the span, speech verb or appositive around it)."""
    tokens = doc.tokens
    before = tokens[start - 1].text.lower() if start > doc.title_end else ""
    before2 = tokens[start - 2].text.lower() if start - 1 > doc.title_end else ""
    role = before in titles or (before == "," and before2 in titles)
    after = tokens[end].text.lower() if end < len(tokens) else ""
    after2 = tokens[end + 1].text.lower() if end + 1 < len(tokens) else ""
    speech = (after in _SPEECH or before in ("said", "says") or
              (after == "," and (after2 in _APPOSITIVE or after2.isdigit())))
    return role, speech


def _named_after(tokens: Sequence[Token], start: int, end: int) -> bool:
    """Whether the capitalized run ``tokens[start:end]`` (from the name's first word) names
    a building, prize, company or law (after a person or not): a :data:`_THING_WORDS`
    word from its second word on, a :data:`_NAMED_AFTER` word from its third word on (the
    second may be a family name: ``John Hall``, ``Sally Field``), or a
    :data:`_NAMED_AFTER_LOWER` word right after it."""
    if any(tokens[k].text in _THING_WORDS for k in range(start + 1, end)) or \
            any(tokens[k].text in _NAMED_AFTER for k in range(start + 2, end)):
        return True
    return end < len(tokens) and tokens[end].text in _NAMED_AFTER_LOWER


@functools.cache
def _all_titles(titles: frozenset[str]) -> frozenset[str]:
    """The gazetteer's titles plus :data:`~.names.EXTRA_TITLES` (once per process)."""
    return titles | EXTRA_TITLES


def _title_of(lower: str, titles: frozenset[str]) -> str:
    """The title the lower-cased word ``lower`` is, else ``""``: itself, or the last
    part of a hyphenated title (``attorney-general``, ``co-organiser``)."""
    if lower in titles:
        return lower
    if "-" in lower:
        last = lower.rsplit("-", 1)[1]
        if last in titles:
            return last
    return ""


def _portfolio_title(tokens: Sequence[Token], i: int, titles: frozenset[str]) -> str:
    """The title (lower-case) whose portfolio the run of capitalized words at ``i``
    ends, after ``and``: ``Minister of Education, Science and Technology Lee Ju-ho``,
    ``State Minister for Labour and Employment Monnujan Sufian``; else ""."""
    k = i - 1
    if k < 3 or tokens[k].text not in ("and", "&"):
        return ""
    k -= 1
    while k > 1 and (tokens[k].text == "," or (
            tokens[k].capitalized and not tokens[k].starts_sentence)):
        k -= 1
    title = tokens[k - 1].text.lower()
    return title if tokens[k].text in ("of", "for") and k < i - 2 and title in titles else ""


def find_people(doc: Document, gazetteer: Gazetteer, entity_tokens: frozenset[int]
                ) -> People:
    """Find people in ``doc``; ``entity_tokens`` are tokens already matched as places/orgs."""
    tokens = doc.tokens
    scores: dict[str, float] = {}
    anchored: set[str] = set()
    introduced: set[str] = set()  # a known given name, no title nor speech verb
    covered: set[int] = set()
    names: dict[str, tuple[str, ...]] = {}
    titles = _all_titles(gazetteer.titles)
    for start, end in capitalized_spans(doc):
        if end - start == 1 and "-" not in tokens[start][0] and \
                tokens[start][0].lower() not in titles:
            continue  # one word and no title: never a name (most runs; the hot path)
        stripped_title = ""
        i = start
        while i < end:
            word = tokens[i].text
            lower = word.lower()
            if lower not in titles:
                lower = _title_of(lower, titles) if "-" in lower else ""
            if lower or word in gazetteer.non_names:
                stripped_title = lower or stripped_title
                i += 1
            elif i in entity_tokens and word not in gazetteer.given_names:
                i += 1
            else:
                break
        # "Housing Minister John Lohr", "Ross County Sheriff Ron Nichols": a title
        # inside the run, two name words after it, starts the name
        for k in range(end - 3, i - 1, -1):
            lower = tokens[k].text.lower()
            if lower not in titles:
                lower = _title_of(lower, titles) if "-" in lower else ""
            if lower and tokens[k].text not in gazetteer.given_names:
                stripped_title, i = lower, k + 1
                break
        if end - i >= 3 and tokens[i + 1].text in gazetteer.given_names and \
                tokens[i].text not in gazetteer.given_names and \
                not tokens[i].text.endswith(".") and (
                    tokens[i].starts_sentence or tokens[i - 1].text in ("for", "of")):
            i += 1  # "Teller Jana Whitlock said", "Minister for Jobs Richard Bruton": a role
        elif end - i >= 3 and (portfolio := _portfolio_title(tokens, i, titles)):
            # "Minister of Education, Science and Technology Lee Ju-ho", "... of Foreign
            # Trade and Economic Cooperation Shi Guangsheng": the portfolio's last words
            stripped_title = portfolio
            i += 1
            while end - i > 2 and tokens[i].text not in gazetteer.given_names:
                i += 1
        given = i < end and tokens[i].text in gazetteer.given_names
        j = end
        while j > i and (tokens[j - 1].text in gazetteer.non_names or (
                not given and (j - 1) in entity_tokens and tokens[j - 1].text not in _SUFFIXES)):
            j -= 1
        words = tuple(t.text for t in tokens[i:j])
        if j - i > 2:  # "Donald J. Trump", "Henry Paulson Jr.": one name per person
            words = person_words(words)
        if i < j and all(k in entity_tokens for k in range(i, j)):
            continue  # "Zembla Marine Park Authority": a given name inside a known name
        core = _core(words)
        royal = stripped_title in gazetteer.royal_titles and len(core) == 1
        if len(words) == 1 and stripped_title:
            head = stripped_title
            if head == "minister" and i >= 2 and tokens[i - 2].text.lower() == "prime":
                head = "prime minister"
            full = gazetteer.leaders.get((head, words[0]))
            if full is not None:  # "President Clinton" -> Bill Clinton
                _add(full, tuple(full.split()), tokens[i].weight, names, scores, anchored)
                covered.update(range(i, j))
                continue
        if not royal and not 2 <= len(core) <= 5:
            continue
        if any(w in gazetteer.non_names or (w.isupper() and "." not in w and len(w) > 1
                                              and w not in _SUFFIXES) for w in core):
            continue
        if not given and any(k in entity_tokens and tokens[k].text not in gazetteer.given_names
                             for k in range(i, j)):
            continue
        if _named_after(tokens, i, end):
            continue
        role, speech = _has_context(doc, i, j, titles)
        role = role or bool(stripped_title)
        if not (role or given or speech):
            continue
        name = " ".join(words)
        if len(words) > 1 and (gazetteer.lookup(words, "places") is not None
                               or name in gazetteer.towns):
            continue  # "Ann Arbor", "Alice Springs", "Ciudad Real": a place, not a person
        if royal:
            name = f"{stripped_title.title()} {name}"
        for other, other_words in names.items():
            if len(words) < len(other_words) and other_words[-len(words):] == words:
                name = other
                break
        names.setdefault(name, words)
        scores[name] = scores.get(name, 0.0) + tokens[i].weight
        if role or speech:
            anchored.add(name)
        elif given and len(core) >= 2:
            introduced.add(name)
        covered.update(range(i, j))
    _attach_surnames(doc, names, scores, covered)
    for name in anchored:
        scores[name] += TITLE_BONUS
    # "Jack Nicklaus, playing in his 34th Masters, finished at even par": news names a
    # person in full once and may never come back to them; a known given name and a
    # family name say it is a person of the story, so one mention below the lead is
    # enough (more mentions reach the threshold by themselves, ranked as before)
    for name in introduced - anchored:
        if scores[name] <= TOP_WEIGHT:
            scores[name] += TITLE_BONUS
    name_words = frozenset(w for words in names.values() for w in words)
    return People(scores, frozenset(covered), name_words)


def _add(name: str, words: tuple[str, ...], weight: float, names: dict[str, tuple[str, ...]],
         scores: dict[str, float], anchored: set[str]) -> None:
    """Count an anchored mention of a known leader under an earlier or new full name."""
    for other, other_words in names.items():
        if other_words[-1:] == words[-1:] and other_words[:1] == words[:1]:
            name = other
            break
    names.setdefault(name, words)
    scores[name] = scores.get(name, 0.0) + weight
    anchored.add(name)


def _attach_surnames(doc: Document, names: Mapping[str, tuple[str, ...]],
                     scores: dict[str, float], covered: set[int]) -> None:
    """Count lone family names (and full names in the title) for known people."""
    by_surname: dict[str, str] = {}
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for name, words in names.items():
        core = _core(words)
        if len(core) >= 2:
            by_surname.setdefault(core[-1], name)
        by_first.setdefault(words[0], []).append((words, name))
    tokens = doc.tokens
    n, title_end = len(tokens), doc.title_end
    after = 0  # the first index not inside a full name matched in the title
    # every name word is name-like, so only name-like tokens can match: tuple
    # indexes, not attributes (the hot loop of this module)
    for i in doc.namelike_at:
        if i < after:
            continue
        word = tokens[i][0]
        if i < title_end and i not in covered:
            matched = False
            for words, name in by_first.get(word, ()):
                if tuple(t[0] for t in tokens[i:i + len(words)]) == words:
                    scores[name] += tokens[i][2]
                    covered.update(range(i, i + len(words)))
                    after = i + len(words)
                    matched = True
                    break
            if matched:
                continue
        name_of = by_surname.get(word)
        if name_of is not None and i not in covered:
            nxt = tokens[i + 1][0] if i + 1 < n else ""
            if not (nxt[:1].isupper() and i >= title_end):
                scores[name_of] += tokens[i][2]
                covered.add(i)
