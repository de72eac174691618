"""Countries named as markets or as an adjective: two classes of false places on wire copy.

Issue 16, tenth round (benchmarks/TOPICS.md "Tenth round"):

- a country that is only where goods go, come from or sell (``for shipment to India
  and Pakistan``, ``weak demand from Pakistan and Egypt``, ``buyers from Russia, India
  and the UK``, ``has sold especially strongly in the United States and Europe``,
  ``at theaters in the United States and Canada``) is a market, not a place of the
  story: that mention is no evidence for it, nor for the places listed with it;
- a country's abbreviation before a common noun (``a US carrier``, ``U.S.-built``,
  ``US customers wanted``) is an adjective, like ``American``: evidence for the
  country that does not name it as a place (a state noun in the lead still makes it an
  actor: ``U.S. troops``).
"""

from __future__ import annotations

from collections.abc import Sequence

from newsarchive.topics.roles import DEED_VERBS, background, continued, main_verb, stance
from newsarchive.topics.salience import Token

__all__ = ["ACTOR_VERBS", "COMMENT_VERBS", "MARKET_NOUNS", "abbreviated_adjective", "acts",
           "comments", "market_preposition", "price_sentence"]

#: Nouns before ``in``/``from``/``to`` that make the places after it a market:
#: ``demand from``, ``buyers in``, ``shipment to``, ``theaters in``.
MARKET_NOUNS = frozenset({
    "demand", "buyers", "buyer", "customers", "consumers", "shipment", "shipments",
    "exports", "imports", "sales", "importers", "exporters", "theaters",
    "theatres", "screens", "charts", "markets", "route", "routes", "cargoes", "cargo",
    "growers", "producers", "deliveries", "sale",
})
#: Verbs of selling shortly before the preposition: ``has sold strongly in``.
SALE_VERBS = frozenset({"sold", "sells", "sell", "selling", "shipped", "exported",
                        "imported", "released", "grossed", "earned"})
_MARKET_PREPOSITIONS = frozenset({"in", "from", "to"})
#: Abbreviations of country names that newsrooms also use as adjectives.
_ABBREVIATIONS = frozenset({"U.S.", "US", "U.K.", "UK", "U.S"})
#: Lower-case words after an abbreviation that keep it a noun (``the U.S. said``).
_NOT_NOUNS = frozenset({
    "and", "or", "but", "in", "on", "at", "to", "from", "for", "of", "by", "with", "as",
    "than", "is", "was", "are", "were", "has", "had", "have", "will", "would", "could",
    "can", "may", "might", "should", "must", "said", "says", "did", "does", "also",
    "itself", "last", "this", "next", "since", "after", "before", "over", "under",
    "into", "about", "against", "that", "which", "who", "where", "when", "while",
})


def market_preposition(tokens: Sequence[Token], k: int) -> bool:
    """Whether the preposition at ``k`` makes the places after it a market or a trade
    partner: a market noun just before it (``demand from``, ``buyers in``), or a verb of
    selling at most three words before it in the same sentence (``sold strongly in``)."""
    if k < 1 or tokens[k].text not in _MARKET_PREPOSITIONS:
        return False
    if tokens[k - 1].text.lower() in MARKET_NOUNS:
        return True
    earlier = continued(tokens, k)
    if earlier >= 0 and market_preposition(tokens, earlier):
        return True  # "on sale in Japan next year and in the United States"
    for j in range(k - 1, max(k - 4, -1), -1):
        if tokens[j].text.lower() in SALE_VERBS:
            return True
        if tokens[j].starts_sentence:
            break
    return False


def abbreviated_adjective(tokens: Sequence[Token], start: int, end: int) -> bool:
    """Whether the one-token country name at ``start:end`` is an abbreviation used as an
    adjective: ``US carrier``, ``a U.S. regional airline``, ``U.S.-built``."""
    if end - start != 1 or end >= len(tokens) or tokens[start].text not in _ABBREVIATIONS:
        return False
    if start > 0 and tokens[start - 1].text == ",":
        return False  # "flown to Guam, U.S. officials said": maybe a qualifier
    following = tokens[end]
    if following.paragraph != tokens[start].paragraph:
        return False
    if following.text == "-":
        return True
    word = following.text
    # "the UK pledged £5m": a deed's verb, not a noun
    # "a U.S. short-seller's report": a hyphenated noun too
    return word[:1].islower() and word.replace("-", "").isalpha() and word not in _NOT_NOUNS and \
        word not in DEED_VERBS


#: Verbs of a reaction: a country that only says, welcomes or condemns below the lead
#: comments on the story (the labelling policy: "countries that only comment are not").
COMMENT_VERBS = frozenset({"said", "says", "welcomed", "criticised", "criticized",
                           "condemned", "praised", "protested", "warned", "urged"})


#: A country (or region) followed by one of these acts in the sentence.
ACTOR_VERBS = frozenset({
    "said", "says", "has", "have", "had", "is", "was", "were", "will", "would", "could",
    "can", "may", "might", "must", "should", "did", "does", "announced", "accused",
    "warned", "agreed", "rejected", "signed", "sent", "launched", "called", "urged",
    "denied", "condemned", "told", "plans", "wants", "voted", "reported", "declared",
    "confirmed", "threatened", "demanded", "insisted", "refused", "imposed", "recorded",
    "won", "beat", "lost", "joined", "expelled", "recalled", "pledged", "promised",
})


def comments(tokens: Sequence[Token], start: int, verb: str) -> bool:
    """Whether a country at ``start`` followed by ``verb`` only comments: a reaction verb
    below the lead (``Poland and Canada said they would recognise``, ``The United States
    said it would review its relations``).  In the lead it is a principal actor."""
    return verb in COMMENT_VERBS and tokens[start].paragraph > 0


def acts(tokens: Sequence[Token], start: int, end: int) -> bool:
    """Whether the country at ``start:end`` acts by the verb after it (``Japan said``,
    ``France has``), unless the deed is background, a comment below the lead or a
    stance (``said New Zealand would not recognise``)."""
    lower = tokens[end].text.lower() if end < len(tokens) else ""
    return lower in ACTOR_VERBS and not background(tokens, end) and \
        not comments(tokens, start, main_verb(tokens, end)) and not stance(tokens, end)


#: Verbs of a price's move and the units it is quoted in: ``In London, robusta for
#: September delivery rose 62 stg to 798 stg a tonne``.
_MOVES = frozenset({"rose", "fell", "eased", "firmed", "gained", "dropped", "climbed",
                    "slipped", "jumped", "closed", "ended", "finished", "traded", "up",
                    "down", "fixing", "fixed", "raised", "lowered", "cut"})
_UNITS = frozenset({"stg", "cents", "dlrs", "dollars", "pct", "tonne", "yen", "points",
                    "ounce", "barrel", "bushel", "pence", "sen", "ringgit", "rupees"})


def price_sentence(tokens: Sequence[Token], k: int) -> bool:
    """Whether the sentence from ``k`` on quotes a price's move: a move verb and a
    price unit (a death toll that rose is no market)."""
    moved = quoted = False
    for j in range(k + 1, min(k + 40, len(tokens))):
        if tokens[j].starts_sentence:
            break
        word = tokens[j].text.lower()
        moved = moved or word in _MOVES
        quoted = quoted or word in _UNITS
    return moved and quoted
