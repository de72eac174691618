"""How an organization is mentioned: in passing, in a list, as a venue, as background.

:func:`~newsarchive.topics.organizations.score_organizations` gives a body its bonus
only when one mention names it as an actor; the predicates here say when a mention does
not: a channel or building (``a BBC interview``), a person's workplace (``an analyst
at``), a source, example, funder or destination (``according to the``), a member of a
list of three or more, a story's background dated by year (``joined Princeton
University in 1963``).
"""

from __future__ import annotations

from collections.abc import Sequence

from newsarchive.topics.gazetteer import Match
from newsarchive.topics.salience import SENTENCE_ENDS, Document, Token

__all__ = ["CHANNEL_NOUNS", "affiliation", "dated_background", "in_lists", "in_passing",
           "joined", "named_in_passing"]

#: Tokens that may separate the members of a list of organizations.
_LIST_JOINERS = frozenset({",", "and", "or", "Inc.", "Inc", "Corp.", "Corp", "Co.", "Co",
                           "Cos", "Ltd", "plc", "PLC", "LLC", "AG", "SA", "NV"})


def affiliation(tokens: Sequence[Token], k: int) -> bool:
    """Whether ``at`` at ``k`` ends a person's role (``a strategist at``, ``an
    electronics analyst at``): the body is where the person works, not an actor.
    """
    if tokens[k].text != "at":
        return False
    for article in (k - 2, k - 3):
        if article >= 0 and tokens[article].text in ("a", "an"):
            return all(t.text.islower() for t in tokens[article + 1:k])
    return False


#: After a body's name these make it a channel or a building, not an actor
#: ("a BBC interview", "BBC reports", "the new Congress building").
CHANNEL_NOUNS = frozenset({"interview", "interviews", "report", "reports", "documentary",
                            "programme", "program", "broadcast", "building", "buildings",
                            "headquarters", "offices", "grounds", "stadium",
                            # a competition named after the body: "the FA Cup final"
                            "cup", "trophy"})


#: Words before a body named once below the lead that make it a source, an example, a
#: funder, a destination or a label for another group rather than an actor: "according
#: to the X", "makers such as X", "work funded by the X", "the injured were taken to the
#: X", "elected to the X", "militants linked to X".
_PASSING_BEFORE = {
    "to": frozenset({"according", "taken", "rushed", "flown", "airlifted", "admitted",
                     "transferred", "elected", "linked", "tied", "allied"}),
    "with": frozenset({"affiliated", "aligned"}),
    "as": frozenset({"such"}),
    "by": frozenset({"funded", "financed", "sponsored", "paid", "bankrolled"}),
}

#: Before a body, these name it as a comparison: "rivals NEC Corp. and Toshiba Corp.".
_RIVAL_WORDS = frozenset({"rival", "rivals", "competitor", "competitors"})


def dated_background(tokens: Sequence[Token], match: Match) -> bool:
    """Whether the sentence of ``match`` dates itself in a year (``joined Princeton
    University in 1963``): news tells the current event by weekday and the background
    by year (``since 2008`` or ``from 2013`` only compares, and does not count).
    """
    if match.end < len(tokens) and tokens[match.end].text in _SPEECH_VERBS:
        return False  # "..., the Ministry of Water Resources said": a current source
    k = match.start
    while k > 0 and tokens[k - 1].text not in SENTENCE_ENDS \
            and tokens[k - 1].paragraph == tokens[match.start].paragraph:
        k -= 1
    end = match.end
    while end < len(tokens) and tokens[end].text not in SENTENCE_ENDS \
            and tokens[end].paragraph == tokens[match.start].paragraph:
        end += 1
    return any(tokens[i - 1].text == "in" and _is_year(tokens[i].text)
               for i in range(max(k, 1), end))


def _is_year(text: str) -> bool:
    """Whether ``text`` is a year from 1900 to 2099 (``1971,`` as tokenized)."""
    digits = text.rstrip(",.:")
    return len(digits) == 4 and digits[:2] in ("19", "20") and digits.isdigit()


_SPEECH_VERBS = frozenset({"said", "says", "announced", "reported", "told", "added",
                           "confirmed", "warned", "stated", "estimated"})


def joined(previous: Match, match: Match, tokens: Sequence[Token]) -> bool:
    """Whether ``match`` follows ``previous`` in one list (``,``, ``and (the)``, legal
    suffixes).
    """
    between = tokens[previous.end:match.start]
    return 0 < len(between) <= 3 \
        and all(t.text in _LIST_JOINERS or t.text == "the" for t in between) \
        and tokens[match.start].paragraph == tokens[previous.start].paragraph


def named_in_passing(tokens: Sequence[Token], start: int) -> bool:
    """Whether the words before the body mention at ``start`` (``the`` skipped) name
    it as a source, an example, a funder or a destination (``_PASSING_BEFORE``);
    ``paid for by`` counts as ``paid by``.
    """
    k = start - 1
    if k >= 0 and tokens[k].text == "the":
        k -= 1
    if k >= 0 and tokens[k].text.lower() in _RIVAL_WORDS:
        return True
    if k < 1 or tokens[k].text not in _PASSING_BEFORE:
        return False
    before = tokens[k - 1].text.lower()
    if before == "for" and k >= 2 and tokens[k].text == "by":
        before = tokens[k - 2].text.lower()
    return before in _PASSING_BEFORE[tokens[k].text]


def in_passing(tokens: Sequence[Token], k: int, end: int) -> bool:
    """Whether the body mention ending at ``end`` (``k``: the word before it, ``the``
    skipped) names it in passing: the channel a person speaks through (``he told
    BBC Scotland``, ``a BBC interview``) or a building (``the Congress building``).
    A person's title (``the leader of the African National Congress``) is not in
    passing: the labels attach the body.
    """
    if end < len(tokens) and tokens[end].text.lower() in CHANNEL_NOUNS:
        return True
    if k < 0:
        return False
    return tokens[k].text == "told"


def in_lists(kept: Sequence[Match], doc: Document) -> set[int]:
    """Indexes of body mentions below the lead that sit in a list of three or more."""
    tokens = doc.tokens
    listed: set[int] = set()
    group: list[int] = []

    def close() -> None:
        if len(group) >= 3:
            listed.update(i for i in group if tokens[kept[i].start].paragraph > 0)

    for index, match in enumerate(kept):
        if group:
            between = [t.text for t in tokens[kept[group[-1]].end:match.start]]
            if not (0 < len(between) <= 3
                    and all(w in _LIST_JOINERS for w in between)
                    and tokens[match.start].paragraph == tokens[kept[group[-1]].start].paragraph):
                close()
                group = []
        group.append(index)
    close()
    return listed
