"""Where a mention sits: in a quotation, an agreement's name, a market sentence, a
statement's podium, an event clause, a person's affiliation or an official's title.

The helpers the place rules share (:mod:`newsarchive.topics.places`, moved here in the
ninth round to keep that module short), and two classes of false places on wire copy
(issue 16, ninth round in benchmarks/TOPICS.md):

- a place a quoted speaker names is a comparison or an aside far more often than
  the scene (``"Texas is closing prisons because this approach failed there"``,
  ``"broadband that is already available in the United States"``): a mention inside
  a direct quotation counts as evidence for the place but never anchors it (no
  locative, no actor);
- a place that names an agreement, a round of talks or a doctrine (``the Uruguay
  Round``, ``the Kyoto Protocol``, ``the Plaza Accord``) names where it was once
  signed or launched, not a place of the story: such a mention is not a place at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from newsarchive.topics.salience import Token

__all__ = ["AGREEMENT_WORDS", "MARKET_WORDS", "SPEECH_VERBS", "acts", "aside", "at_venue",
           "before_name", "event_site", "names_agreement", "official_next", "official_of",
           "quoted_tokens", "works_at"]

#: Capitalized words after a place that make it the name of an agreement or talks.
AGREEMENT_WORDS = frozenset({
    "Round", "Accord", "Accords", "Agreement", "Agreements", "Protocol", "Treaty",
    "Convention", "Conventions", "Declaration", "Consensus", "Doctrine", "Communique",
    "Communiqué", "Process", "Formula", "Pact",
})


def quoted_tokens(tokens: Sequence[Token], marks: Sequence[int] | None = None
                  ) -> frozenset[int]:
    """Indexes of the tokens inside a direct quotation (``"..."`` or ``“...”``).

    ``marks``: the indexes of every quotation-like token when known
    (``Document.quotes_at``), so that not every token is looked at.

    A quotation never runs past its paragraph here: wire copy that continues a quote
    into the next paragraph reopens it there, and an unbalanced mark must not put the
    rest of the article inside quotes.
    """
    inside: list[int] = []
    opened = -1  # index of the open mark, -1 when outside a quotation
    if marks is None:
        marks = range(len(tokens))
    for k in [k for k in marks if tokens[k][0] in _MARKS]:
        text = tokens[k][0]
        if opened >= 0 and tokens[opened][1] != tokens[k][1]:
            inside.extend(_to_paragraph_end(tokens, opened))
            opened = -1
        if opened < 0 and text != "”":
            opened = k
        elif opened >= 0 and text != "“":
            inside.extend(range(opened + 1, k))
            opened = -1
    if opened >= 0:
        inside.extend(_to_paragraph_end(tokens, opened))
    return frozenset(inside)


#: Quotation marks: straight (opens or closes), curly opening, curly closing.
_MARKS = frozenset({'"', "“", "”"})


def _to_paragraph_end(tokens: Sequence[Token], opened: int) -> range:
    """The tokens after an unclosed mark at ``opened`` to the end of its paragraph."""
    end = opened + 1
    while end < len(tokens) and tokens[end][1] == tokens[opened][1]:
        end += 1
    return range(opened + 1, end)


def names_agreement(tokens: Sequence[Token], end: int) -> bool:
    """Whether the place ending before ``end`` is the first word of an agreement's name
    (``Uruguay Round``, ``Kyoto Protocol``, ``Camp David Accords``)."""
    return end < len(tokens) and tokens[end][0] in AGREEMENT_WORDS


def official_of(tokens: Sequence[Token], country: bool, end: int, covered: AbstractSet[int],
                titles: AbstractSet[str]) -> bool:
    """Whether the country name ending before ``end`` is an official's nationality:
    ``U.S. President Bill Clinton telephoned``, ``U.S. Secretary of State Madeleine
    Albright said``, ``Britain's Prime Minister John Major called``, below the lead: a
    title follows (after a possessive or not) and a person's name within four words.
    In the lead (``Russian President Boris Yeltsin and U.S. President Bill Clinton
    agreed``) the official is a principal actor and the country a place.

    Like a demonym (``French President``), it is evidence for the country but does
    not name it as a place of the story (a government reacting from abroad).  A
    region before a title is the official's own place (``Louisiana Governor``), so
    ``country`` must be true.
    """
    if end < len(tokens) and tokens[end][0] in ("'s", "’s"):
        end += 1
    # "Brazil's president, Luiz Inácio Lula da Silva, who had backed": a lower-case
    # title is one when the name follows after a comma
    return (country and end + 1 < len(tokens) and tokens[end][1] > 0
            and (tokens[end][4] or tokens[end + 1][0] == ",")
            and tokens[end][0].lower() in titles
            and any(k in covered for k in range(end + 1, end + 5)))


#: Verbs (and auxiliaries) that make the body before them the subject of a clause.
ACTOR_VERBS = frozenset({
    "said", "says", "has", "have", "had", "will", "would", "announced", "agreed",
    "approved", "called", "pledged", "welcomed", "warned", "urged", "voted", "decided",
    "rejected", "accused", "demanded", "imposed", "lifted", "raised", "cut", "lowered",
    "granted", "sent", "signed", "adopted", "suspended", "expelled", "ruled",
    "ordered", "launched", "condemned", "endorsed", "offered", "forecast", "predicted",
    "estimated", "reported", "insisted", "proposed", "opened", "filed", "sued", "fined",
    "confirmed", "denied", "plans", "wants", "is", "was", "were", "are",
})


def acts(tokens: Sequence[Token], end: int) -> bool:
    """Whether the name ending before ``end`` is the subject of a verb: ``The African
    Union said``, ``the EC has pledged``, ``The International Energy Agency in Paris
    said`` (a place between the body and its verb is its seat)."""
    if end < len(tokens) and tokens[end][0] == "in" and end + 2 < len(tokens) \
            and tokens[end + 1][4]:
        end += 2
    return end < len(tokens) and tokens[end][0] in ACTOR_VERBS


def before_name(tokens: Sequence[Token], k: int) -> int:
    """Index of the word before the capitalized name that ends just before ``k``
    (an article ``the`` skipped), or -1 when no name ends there."""
    j = k - 1
    while j >= 0 and tokens[j].namelike and not tokens[j].starts_sentence:
        j -= 1
    if j == k - 1 or j < 0:
        return -1
    if tokens[j].text == "the":
        j -= 1
    return j


def at_venue(tokens: Sequence[Token], k: int) -> bool:
    """Whether ``at/outside (the) <Name>`` ends just before the preposition at ``k``.

    ``sweeping four Oscars at the Dolby Theatre in Los Angeles``: a named venue
    puts the event in the city.  ``a professor at Brown University in
    Providence`` is an affiliation (``a/an <word> at``), not an event.
    """
    j = before_name(tokens, k)
    return j >= 0 and tokens[j].text in ("at", "outside") and not (
        j >= 2 and tokens[j - 2].text in ("a", "an"))


#: Words of a sentence about a market: a city there is where shares trade ("Shares
#: in Carlsberg fell 3.4 per cent in Copenhagen", "in Tokyo trading").
MARKET_WORDS = frozenset({"shares", "stock", "stocks", "bonds", "trading", "traded",
                           "closing", "bourse", "exchange", "spot", "crude", "futures",
                           "barrel", "bullion", "dealings", "dealers", "prices"})
#: A statement's verb: "she said in Brisbane", "told reporters in Brussels".
SPEECH_VERBS = frozenset({"said", "says", "told", "tells", "announced"})
def aside(tokens: Sequence[Token], k: int, after: str, podium: bool = True) -> bool:
    """Whether the locative at ``k`` is where shares trade or (``podium``) where a
    statement is made.

    ``Toyota shares fell 1.2% in Tokyo trading``, ``she said in Brisbane``,
    ``told a news conference in Washington``: the market and the podium are not
    places the story is about.
    """
    if after.lower() in ("trading", "trade", "markets", "market"):
        return True
    j = k - 1
    while j >= 0 and not tokens[j].starts_sentence:
        word = tokens[j].text.lower()
        if word in MARKET_WORDS or (podium and k - j <= 5 and word in SPEECH_VERBS):
            return True
        j -= 1
    return j >= 0 and tokens[j].text.lower() in MARKET_WORDS


#: Subjects-of-sentence words before "was/were held": an event was staged there.
_STAGED = frozenset({"was", "were", "also", "been", "being"})


def event_site(tokens: Sequence[Token], k: int) -> bool:
    """Whether the ``in`` at ``k`` ends an event clause that news uses for extra scenes.

    ``Rallies were also held in Jerusalem, Haifa and Beersheba``, ``Deaths were
    also reported in Mandalay``, ``rallied outside the Myanmar embassy in
    Bangkok``: a staged event, an added scene, or a crowd outside a building.
    """
    if k < 2 or tokens[k].text != "in":
        return False
    verb, before = tokens[k - 1].text.lower(), tokens[k - 2].text.lower()
    if verb == "held" and before in _STAGED:
        return True
    if before == "also" and verb.endswith("ed") and k >= 3 and \
            tokens[k - 3].text.lower() in ("was", "were"):
        return True
    for j in range(k - 1, max(k - 6, -1), -1):
        if tokens[j].starts_sentence or tokens[j].text in (",", ";", ":"):
            return False
        if tokens[j].text == "outside":
            return tokens[j + 1].text == "the" or tokens[j + 1].namelike
    return False


def works_at(tokens: Sequence[Token], k: int) -> bool:
    """Whether ``a/an <role> at/with <Name> in`` ends at the preposition ``k``.

    ``Koji Endo, an analyst at SBI Securities in Tokyo``, ``a lawyer with the
    Free Market Foundation in Plano``: the place is where the person works.
    """
    j = before_name(tokens, k)
    return j >= 2 and tokens[j].text in ("at", "with") and tokens[j - 2].text in ("a", "an")


def official_next(tokens: Sequence[Token], start: int, titles: frozenset[str]) -> bool:
    """Whether a titled person opens the clause at ``start``: a title before a name
    (``President George Bush``, ``the European commission president, Jean-Claude
    Juncker``, ``Secretary of State X``), not ``party workers``."""
    window = tokens[start:start + 5]
    for index, token in enumerate(window[:-1]):
        following = window[index + 1]
        if token.text.lower() in titles and (
                following.namelike or following.text in (",", "of")):
            return True
    return False
