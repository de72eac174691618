"""A country's role in its sentence: a member that acts, a helper, or a place passed by.

Issue 16, eleventh and twelfth rounds (benchmarks/TOPICS.md), classes found on the
tuning splits:

- **deeds**: wire copy about negotiations, aid and sanctions lists the countries that
  act, often once and far below the lead (``Italy, France and Spain, with large textile
  industries, had demanded action; Sweden and Denmark had opposed it``, ``Spain, Qatar
  and the United Kingdom sent search and rescue teams``, ``The embargo, imposed by Saudi
  Arabia, Kuwait and Libya``, ``Rescue teams arrived from Israel, Germany and
  Greece``, ``The central banks of the Netherlands, Belgium and Austria raised their
  rates``, ``Britain and Germany said they would send ventilators``).  The labelling
  policy makes each of them a place of the story, so such a mention attaches the
  country however late it comes; a reaction (``said it was disappointed``) stays a
  comment (:func:`newsarchive.topics.trade.comments`);
- **places passed by** below the lead: where people live, were born or once worked,
  where a film was shot or opens, where operators or regulators elsewhere do the same
  (``Irish people living in Britain``, ``filmed in Tunisia``, ``Operators in Germany
  and Britain have begun``), and where a meeting will be held (``ministers will discuss
  the proposal in Luxembourg next month``): no evidence for the place, nor for the
  places listed with it, nor for a place a second ``in`` adds (``shot in Gdansk and in
  Yugoslavia``: :func:`continued`, which market lists use too);
- a person ``of the United States`` is a nationality, like a person ``of Kenya``
  (:mod:`newsarchive.topics.places`), and so is a beaten opponent's in the lead
  (``beating world No. 3 Amanda Whitlow of the United States``) or a person described
  as ``a 14-year-old schoolgirl from Romania`` or by an office after the name
  (``said Rafidah Aziz, Malaysia's minister of trade``);
- a country that ``has previously`` or ``had never`` done something is background
  (``Only the United States and China have previously landed on the moon``), not an
  actor of the story.
"""

from __future__ import annotations

import re
from collections.abc import Sequence, Set

from newsarchive.topics.salience import Token

__all__ = ["DEED_VERBS", "background", "beaten", "compared", "compares", "continued",
           "deed_agent", "deed_verb", "described_as_official", "described_from", "does_deed",
           "main_verb", "passed_by", "stance"]

#: Verbs (every form) of a country's deed: a position taken in talks, a measure, aid.
DEED_VERBS = frozenset({
    "oppose", "opposes", "opposed", "want", "wants", "wanted", "back", "backs",
    "backed", "support", "supports", "supported", "plan", "plans", "planned", "accept",
    "accepts", "accepted", "ask", "asks", "asked", "press", "presses", "pressed",
    "repeat", "repeats", "repeated", "raise", "raises", "raised", "pledge", "pledges",
    "pledged", "provide", "provides", "provided", "offer", "offers", "offered",
    "donate", "donates", "donated", "contribute", "contributes", "contributed",
    "deploy", "deploys", "deployed", "dispatch", "dispatches", "dispatched", "ban",
    "bans", "banned", "bar", "bars", "barred", "block", "blocks", "blocked", "veto",
    "vetoes", "vetoed", "ratify", "ratifies", "ratified", "recognise", "recognises",
    "recognised", "recognize", "recognizes", "recognized", "challenge", "challenges",
    "challenged", "demand", "demands", "demanded", "resist", "resists", "resisted",
    "refuse", "refuses", "refused", "agree", "agrees", "agreed", "approve", "approves",
    "approved", "reject", "rejects", "rejected", "vote", "votes", "voted", "boycott",
    "boycotts", "boycotted", "impose", "imposes", "imposed", "lift", "lifts", "lifted",
    "invade", "invades", "invaded", "seize", "seizes", "seized", "devalue", "devalues",
    "devalued", "sign", "signs", "signed", "join", "joins", "joined", "send", "sends",
    "sent", "give", "gives", "gave", "lend", "lends", "lent", "cut", "cuts", "withdraw",
    "withdraws", "withdrew", "seek", "seeks", "sought", "favour", "favours", "favoured",
    "favor", "favors", "favored", "propose", "proposes", "proposed", "expel", "expels",
    "expelled", "recall", "recalls", "recalled", "sanction", "sanctions", "sanctioned",
    "intervene", "intervened", "mediate", "mediated", "host", "hosts", "hosted", "keep",
    "keeps", "kept", "hold", "holds", "held", "flew", "flown", "airlifted", "led",
    "suspend", "suspends", "suspended", "freeze", "freezes", "froze", "halt", "halts",
    "halted", "cancel", "cancels", "cancelled", "canceled", "evacuate", "evacuated",
    "restrict", "restricts", "restricted", "moved", "promise", "promises", "promised",
})
#: Words between a country and its verb: ``also plan``, ``has banned``, ``had not``.
_BETWEEN = frozenset({"also", "too", "then", "jointly", "quickly", "has", "have", "had",
                      "will", "would", "could", "may", "might", "not", "already", "later",
                      "both", "each", "all", "themselves", "itself"})
#: Words that open an aside after a country: ``West Germany, whose steelmakers wanted
#: freedom, pressed``, ``Italy, with large textile industries, had demanded``.
_ASIDES = frozenset({"which", "whose", "who", "with", "home", "the", "a", "an", "leading",
                     "formed", "like", "as", "in", "among", "one", "both"})
_MODALS = frozenset({"will", "would", "could", "may", "might"})
#: Pronoun and auxiliary of ``said they would send``: a pledge, not a comment.
_PLEDGE = frozenset({"it", "they", "that", "would", "will", "was", "were", "ready", "to",
                     "planned", "intended", "keep", "also", "jointly"})
#: What a pledge promises: aid, a measure or a case (``would challenge the tariffs``);
#: ``said they would recognise`` or ``would seek details`` stays a comment.
_PLEDGED = frozenset({"send", "provide", "providing", "give", "donate", "contribute",
                      "lend", "deploy", "dispatch", "supply", "offer", "impose", "challenge",
                      "raise", "cut", "join", "boycott", "ban", "sending"})
#: What a state reports it has done: ``said it had moved troops into the buffer zone``.
_REPORTED = frozenset({"moved", "sent", "deployed", "imposed", "banned", "suspended",
                       "closed", "evacuated", "seized", "halted", "restricted", "frozen"})
#: Nouns of people or means sent by a state: ``teams from``, ``the central banks of``.
_AGENT_NOUNS = frozenset({
    "teams", "team", "crews", "troops", "forces", "rescuers", "firefighters", "doctors",
    "experts", "soldiers", "peacekeepers", "volunteers", "aid", "planes", "ships",
    "warships", "observers", "delegates", "delegations", "delegation", "ministers",
    "governments", "banks", "counterparts", "negotiators", "envoys",
    "representatives", "loans", "contributions", "pledges",
})
_ARRIVALS = frozenset({"arrived", "came", "flew", "flown", "sent", "rushed", "poured"})
#: Past participles without ``-ed`` before an agent ``by``: ``led by``, ``sent by``.
_PARTICIPLES = frozenset({"led", "sent", "given", "lent", "sought", "kept", "made", "won",
                          "brought", "paid", "held", "put"})
#: Words just before ``in`` that make the place one a sentence passes by (below the
#: lead): where people live, come from or stay, where a film is made or opens, where a
#: service is available.
_RESIDENCE = frozenset({"living", "live", "lives", "lived", "based", "born", "raised",
                        "filmed", "shot", "recorded", "headquartered", "registered",
                        "studied", "studying", "settled", "previously", "formerly",
                        "once", "staying", "stayed", "exile", "treatment", "holidaying",
                        "vacationing", "available"})
#: Plural nouns before ``in`` naming others elsewhere: ``Operators in Germany and
#: Britain``, ``Regulators in Europe, China and Canada``, ``Markets in Tokyo, Singapore
#: and Sydney also fell``.
_OTHERS = frozenset({"operators", "regulators", "rivals", "peers", "users", "viewers",
                     "audiences", "fans", "listeners", "carriers", "companies", "firms",
                     "manufacturers", "makers", "retailers", "investors", "traders",
                     "dealers", "brokers", "analysts", "economists", "markets", "bourses",
                     "exchanges", "stocks"})
#: A future meeting: an auxiliary before the place and a time after it in the sentence.
_FUTURE = frozenset({"will", "due", "scheduled", "expected", "opens", "open"})
_LATER = frozenset({"next", "later", "tomorrow", "scheduled", "January", "February",
                    "March", "April", "May", "June", "July", "August", "September",
                    "October", "November", "December"})


def _verb_index(tokens: Sequence[Token], end: int) -> int:
    """Index of the verb after a name ending at ``end``: an aside between commas and
    adverbs or auxiliaries skipped (``Japan, which bans rice imports, said``)."""
    k = end
    if k + 1 < len(tokens) and tokens[k].text == "," and \
            tokens[k + 1].text.lower() in _ASIDES and not tokens[k + 1].namelike:
        for j in range(k + 2, min(k + 25, len(tokens))):
            text = tokens[j].text
            if tokens[j].starts_sentence or text in (";", ":"):
                return -1
            if text == ",":
                k = j + 1
                break
        else:
            return -1
    while k < len(tokens) and tokens[k].text.lower() in _BETWEEN:
        k += 1
    return k if k < len(tokens) else -1


def stance(tokens: Sequence[Token], end: int) -> bool:
    """Whether the country ending before ``end`` only states a stance below the lead: a
    modal before a verb that is no deed, or a negated one (``said the United States
    would watch the group's activities``, ``said New Zealand would not recognise a
    government installed by force``; not ``would send observers``)."""
    k = _verb_index(tokens, end)
    between = {t.text.lower() for t in tokens[end:k]} if k > end else set()
    if tokens[end - 1].paragraph <= 0 or not between & _MODALS:
        return False
    return "not" in between or tokens[k].text.lower() not in DEED_VERBS | _PLEDGED


def deed_verb(tokens: Sequence[Token], end: int) -> bool:
    """Whether the country ending before ``end`` does something (``had opposed it``,
    ``also plan to raise output``) or pledges it (``said they would send``)."""
    k = _verb_index(tokens, end)
    if k < 0 or compares(tokens, end):
        return False
    word = tokens[k].text.lower()
    if word in DEED_VERBS:
        return not stance(tokens, end)
    if word not in ("said", "says"):
        return False
    modal = perfect = False
    for j in range(k + 1, min(k + 6, len(tokens))):
        following = tokens[j].text.lower()
        if (following in _PLEDGED and modal) or (following in _REPORTED and perfect):
            return True  # "said they would send", "said it had moved troops"
        if following not in _PLEDGE and following not in ("had", "has"):
            return False
        modal = modal or following in ("would", "will")
        perfect = perfect or following in ("had", "has")
    return False


def deed_agent(tokens: Sequence[Token], start: int) -> bool:
    """Whether the country starting at ``start`` is the agent of a deed: ``imposed by
    Saudi Arabia``, ``pledged by the United States``, ``teams arrived from Israel``,
    ``the central banks of the Netherlands``."""
    k = start - 1
    if k >= 0 and tokens[k].text == "the":
        k -= 1
    if k < 1:
        return False
    preposition, word = tokens[k].text, tokens[k - 1].text.lower()
    if preposition == "by":
        return word.endswith("ed") or word in _PARTICIPLES
    if preposition not in ("of", "from"):
        return False
    if word in _AGENT_NOUNS:
        # "The central banks of the Netherlands, Belgium and Austria raised their rates",
        # not "The military governments of Mali and Burkina Faso have said"
        return _acts_later(tokens, start)
    if preposition != "from" or word not in _ARRIVALS:
        return False
    for j in range(k - 2, max(k - 8, -1), -1):  # "planes with blankets and tents arrived"
        if tokens[j].text.lower() in _AGENT_NOUNS:
            return True
        if tokens[j].starts_sentence or tokens[j].text in (",", ";"):
            return False
    return False


#: Verbs of help that are no measure of their own: ``crews from Canada are helping``.
_HELPING = frozenset({"help", "helps", "helped", "helping", "arrive", "arrived", "arriving",
                      "worked", "working", "joined", "searched", "searching", "landed",
                      "met", "meet", "meets"})


def _acts_later(tokens: Sequence[Token], start: int) -> bool:
    """Whether the sentence after ``start`` has a verb of a deed or of help."""
    for j in range(start + 1, min(start + 30, len(tokens))):
        if tokens[j].starts_sentence:
            return False
        word = tokens[j].text.lower()
        if word in DEED_VERBS or word in _HELPING:
            return True
    return False


#: Words before ``of`` or ``after`` that rank a country against the story's:
#: ``ahead of the United States``, ``the third country after the Soviet Union``.
_RANKED = frozenset({"ahead", "country", "nation", "countries", "nations"})


def compared(tokens: Sequence[Token], k: int) -> bool:
    """Whether the word at ``k``, before a country (past ``the`` and ``former``), ranks
    or compares it: ``than``, ``ahead of``, ``the third country after``."""
    while k > 0 and tokens[k].text.lower() in ("the", "former"):
        k -= 1
    word = tokens[k].text.lower() if k >= 0 else ""
    return word == "than" or (word in ("of", "after") and k > 0
                              and tokens[k - 1].text.lower() in _RANKED)


def passed_by(tokens: Sequence[Token], k: int) -> bool:
    """Whether the locative at ``k`` (below the lead) names a place the sentence only
    passes by: a residence, a film's location or opening, others elsewhere, or a
    meeting still to come."""
    if k < 1 or tokens[k].paragraph <= 0 or tokens[k].text != "in":
        return False
    earlier = continued(tokens, k)
    if earlier >= 0 and passed_by(tokens, earlier):
        return True  # "shot in Gdansk and in Yugoslavia"
    before = tokens[k - 1].text.lower()
    if before in _RESIDENCE or before in _OTHERS or compares(tokens, k, False) or (
            before == "up" and tokens[k - 2].text.lower() in ("grew", "grown")):
        return True
    future = False
    j = k - 1
    while j >= 0 and not tokens[j].starts_sentence:
        future = future or tokens[j].text.lower() in _FUTURE
        j -= 1
    if not future:
        return False
    for j in range(k + 1, min(k + 12, len(tokens))):
        if tokens[j].starts_sentence:
            return False
        if tokens[j].text in _LATER:
            return True
    return False


#: Words of a defeat before a beaten opponent's name: ``beating world No. 3 X``.
_DEFEAT = frozenset({"beating", "beat", "defeating", "defeated", "over", "against",
                     "edging", "past", "outpacing", "ahead"})


def beaten(tokens: Sequence[Token], last: int, covered: Set[int]) -> bool:
    """Whether the person whose name ends at ``last`` (indexes in ``covered``) is an
    opponent the sentence beats: a word of defeat at most six words before the name
    (``beat world No. 1 Akane Yamashiro``)."""
    first = last
    while first - 1 in covered:
        first -= 1
    return any(tokens[j].text.lower() in _DEFEAT for j in range(max(first - 6, 0), first))


#: Adverbs after ``have``/``had`` that make the clause background.
_BACKGROUND = frozenset({"previously", "once", "never", "long", "formerly", "twice"})


def background(tokens: Sequence[Token], end: int) -> bool:
    """Whether the country ending before ``end`` did something only in the past:
    ``have previously made``, ``had never won``, or below the lead a sentence of
    :func:`compares` (``Canada has banned most foreigners since January``)."""
    if end + 1 < len(tokens) and tokens[end].text in ("have", "has", "had") and \
            tokens[end + 1].text.lower() in _BACKGROUND:
        return True
    return end < len(tokens) and tokens[end].paragraph > 0 and compares(tokens, end)


def described_from(tokens: Sequence[Token], start: int, covered: Set[int]) -> bool:
    """Whether the place at ``start`` ends a description of a named person: ``Nadia
    Comaneci, a 14-year-old schoolgirl from Romania`` (a nationality)."""
    k = start - 1
    if k >= 0 and tokens[k].text == "the":
        k -= 1
    if k < 3 or tokens[k].text != "from":
        return False
    for j in range(k - 1, max(k - 8, 1), -1):
        if tokens[j].starts_sentence or tokens[j].text in (",", ";"):
            return False
        if tokens[j].text in ("a", "an"):
            return tokens[j - 1].text == "," and j - 2 in covered
    return False


def continued(tokens: Sequence[Token], k: int) -> int:
    """The earlier ``in`` of the same sentence that the ``in`` at ``k`` continues
    (``on sale in Japan next year and in the United States``, ``on 900 screens in India
    and 700 abroad, including in Malaysia``), else -1."""
    if k < 2 or tokens[k - 1].text not in ("and", "or", ",", "including"):
        return -1
    for j in range(k - 2, max(k - 12, -1), -1):
        if tokens[j].text == "in":
            return j
        if tokens[j].starts_sentence or tokens[j].text in (";", ":"):
            return -1
    return -1


def described_as_official(tokens: Sequence[Token], start: int, end: int,
                          covered: Set[int], titles: Set[str]) -> bool:
    """Whether the country at ``start:end`` names a person's office after the name:
    ``said Rafidah Aziz, Malaysia's minister of trade`` (a nationality)."""
    return start >= 2 and tokens[start - 1].text == "," and start - 2 in covered and \
        end + 1 < len(tokens) and tokens[end].text in ("'s", "’s") and \
        tokens[end + 1].text.lower() in titles


#: A comparison (``similar``) makes a sentence background, and so does a year for a deed
#: (``in 1996``; not ``by 1990``, a target).
_YEAR = re.compile(r"(1[89]|20)[0-9][0-9]")
_COMPARISONS = frozenset({"similar", "similarly", "likewise"})
#: Times that put a deed before the story: ``China devalued the yuan last week``,
#: ``Canada has banned most foreigners since January`` (or since a year; not ``since
#: World War II``), ``earlier this month``.
_EARLIER = frozenset({"ago", "earlier", "previously"})
_PERIODS = frozenset({"week", "month", "year", "weekend", "summer", "winter", "spring",
                      "autumn"})


def compares(tokens: Sequence[Token], k: int, years: bool = True) -> bool:
    """Whether the sentence around ``k`` is a comparison or (``years``) a past deed told
    as background: it names a likeness, a year after ``in`` or an earlier time
    (``Australia banned similar weapons after the Port Arthur massacre in 1996``,
    ``Similar protests have blocked roads in Belgium``, ``China devalued the yuan last
    week``)."""
    j = min(k, len(tokens) - 1)
    while j > 0 and not tokens[j].starts_sentence:
        j -= 1
    for index in range(j, min(k + 40, len(tokens))):
        token = tokens[index]
        if index > j and token.starts_sentence:
            break
        if token.text.lower() in _COMPARISONS or (years and (
                (_YEAR.fullmatch(token.text) and tokens[index - 1].text in ("in", "since"))
                or token.text in _EARLIER
                or (token.text in _LATER and tokens[index - 1].text == "since")
                or (token.text in _PERIODS and tokens[index - 1].text == "last"))):
            return True
    return False


def main_verb(tokens: Sequence[Token], end: int) -> str:
    """The word after a name ending at ``end`` past adverbs and auxiliaries, lower-case
    (``have said`` -> ``said``), or "" at the end of the text."""
    k = end
    while k < len(tokens) and tokens[k].text.lower() in _BETWEEN:
        k += 1
    return tokens[k].text.lower() if k < len(tokens) else ""


def does_deed(tokens: Sequence[Token], start: int, end: int, agent: bool = True) -> bool:
    """Whether the country (or city) at ``start:end`` does a deed (:func:`deed_verb`)
    or (``agent``) is its agent (:func:`deed_agent`); not a name inside a name
    (``Virgin Australia banned``: a capitalized word before it)."""
    if start and tokens[start - 1].namelike and not tokens[start - 1].starts_sentence:
        return False
    return deed_verb(tokens, end) or (agent and deed_agent(tokens, start))
