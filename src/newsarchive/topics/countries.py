"""A learned second opinion on the countries the place rules attach.

The rules of :mod:`~newsarchive.topics.places` attach a country that a story names
in certain ways (it acts, events happen there, it is the dateline's); they also
attach some that the story only names in passing, in the same ways (``the State
Department said the United States would maintain relations``, ``a leaked US hacking
tool``).  Telling the two apart takes the words around each mention, which a small
logistic regression reads: for every country the article names, features of each
mention (title, lead or below; the word before it; a possessive, a demonym, a city
of it; the rules' role tests: a deed, a stance, a place passed by, a comparison, a
background event) and the words within :data:`WINDOW` tokens on either side, each
counted over the mentions (``log(1 + count)``), and where it stands among the countries
the story names (its share of their mentions, whether it is the most named).  The
weights are trained by ``benchmarks/train_countries.py`` on the project's labelled
articles (``tests/data/topics``) and shipped as ``data/countries_model.tsv``.

The model only takes away: a country the rules attached, or one holding a city or
region they attached, is dropped with those cities and regions when the model gives it
a probability below one half, unless the rules found it acting or the story is
datelined in it (:func:`vetoed`), and only in an article of at least
:data:`MIN_TOKENS` tokens.  It never adds a country.  Measured in
``benchmarks/TOPICS.md`` ("Round 18", "Round 20", "Round 21").
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from importlib import resources

from newsarchive.topics.gazetteer import Match, Place
from newsarchive.topics.roles import compared, compares, deed_verb, passed_by, stance
from newsarchive.topics.salience import Token

__all__ = ["MIN_TOKENS", "MODEL_FILE", "THRESHOLD", "WINDOW", "country_rows", "format_model",
           "load_model", "parse_model", "probability", "vetoed"]

#: The shipped weights, in ``newsarchive/topics/data``.
MODEL_FILE = "countries_model.tsv"
_FORMAT = "countries-model-v1"
#: Tokens read on each side of a mention (same paragraph).
WINDOW = 3
#: A country the rules attached is dropped below this probability.
THRESHOLD = 0.5
#: Articles shorter than this many tokens are left to the rules: the model was trained
#: on articles of 110 tokens and more, and a brief gives it too few words to overrule
#: them.
MIN_TOKENS = 100
#: Words before a mention that get a feature of their own.
_BEFORE = frozenset({"in", "at", "from", "of", "to", "by", "with", "against", "and", "than",
                     "the"})
_POSSESSIVE = frozenset({"'s", "’s"})

Row = dict[str, float]


def _mention(tokens: Sequence[Token], start: int, end: int, kind: str, adjective: bool
             ) -> list[str]:
    """The names of the features one mention turns on."""
    on = [f"kind={kind}", "adjective" if adjective else "name"]
    paragraph = tokens[start].paragraph
    on.append("title" if paragraph < 0 else "lead" if paragraph == 0 else "body")
    before = tokens[start - 1].text.lower() if start else ""
    if before == "the" and start > 1:
        before = tokens[start - 2].text.lower()
    on.append(f"before={before}" if before in _BEFORE else "before=other")
    if end < len(tokens) and tokens[end].text in _POSSESSIVE:
        on.append("possessive")
    if not adjective and kind == "country":
        if deed_verb(tokens, end):
            on.append("deed")
        if stance(tokens, end):
            on.append("stance")
        if compared(tokens, start - 1):
            on.append("compared")
    on.extend("wb:" + tokens[j].text.lower() for j in range(max(0, start - WINDOW), start)
              if tokens[j].paragraph == paragraph)
    on.extend("wa:" + tokens[j].text.lower()
              for j in range(end, min(len(tokens), end + WINDOW))
              if tokens[j].paragraph == paragraph)
    if start and passed_by(tokens, start - 1):
        on.append("passed_by")
    if compares(tokens, start):
        on.append("background")
    return on


def country_rows(tokens: Sequence[Token], matches: Iterable[Match],
                 places: Mapping[str, Place], extra: Collection[str] = (),
                 only: Collection[str] | None = None) -> dict[str, Row]:
    """The features of every country the article names (by name, demonym or one of
    its places), and of each of ``extra`` (countries attached otherwise); of the
    countries in ``only`` alone when it is given."""
    found: dict[str, Counter[str]] = {}
    first: dict[str, int] = {}
    mentions: Counter[str] = Counter()  # of every country, for the shares
    for match in matches:
        entity = match.entity
        place = places.get(entity.name) if entity.taxonomy == "places" else None
        if place is None:
            continue
        country = entity.name if place.kind == "country" else place.parent
        if not country:
            continue
        mentions[country] += 1
        if only is not None and country not in only:
            continue
        counts = found.setdefault(country, Counter())
        counts.update(_mention(tokens, match.start, match.end, place.kind, entity.adjective))
        counts["mentions"] += 1
        first.setdefault(country, tokens[match.start].paragraph)
    total, most = sum(mentions.values()) or 1, max(mentions.values(), default=0)
    rows: dict[str, Row] = {}
    for country in sorted(set(found).union(extra if only is None else only)):
        counts = found.get(country, Counter())
        row = {f"log {name}": math.log1p(value) for name, value in counts.items()}
        row["bias"] = 1.0
        row["first paragraph"] = 1.0 / (2 + first.get(country, 20))
        # beside the other countries the story names: its share of their mentions, and
        # whether none is named more often
        row["share"] = mentions[country] / total
        row["most named"] = 1.0 if mentions[country] == most > 0 else 0.0
        rows[country] = row
    return rows


def probability(weights: Mapping[str, float], row: Row) -> float:
    """The model's probability that a human indexer attaches the country of ``row``."""
    z = sum(weights.get(name, 0.0) * value for name, value in row.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def vetoed(rows: Mapping[str, Row], judged: Iterable[str], guarded: Collection[str],
           weights: Mapping[str, float]) -> set[str]:
    """The ``judged`` countries (attached, or holding an attached city or region) the
    model takes away: those below :data:`THRESHOLD`, except the ``guarded`` ones (those
    that act, the dateline's)."""
    return {country for country in judged
            if country not in guarded and country in rows
            and probability(weights, rows[country]) < THRESHOLD}


def format_model(weights: Mapping[str, float]) -> str:
    """The weights as the shipped file's text (sorted, stable across runs)."""
    lines = [_FORMAT]
    lines += [f"{name}\t{weight:.6g}" for name, weight in sorted(weights.items())
              if abs(weight) >= 1e-6]
    return "\n".join(lines) + "\n"


def parse_model(text: str) -> dict[str, float]:
    """The weights of a model file's ``text``; ``ValueError`` when it is not one."""
    header, _, body = text.partition("\n")
    if header != _FORMAT:
        raise ValueError(f"not a {_FORMAT} file")
    weights: dict[str, float] = {}
    for line in body.splitlines():
        name, _, value = line.rpartition("\t")
        weights[name] = float(value)
    return weights


@functools.cache
def load_model() -> dict[str, float]:
    """The shipped weights (read once per process)."""
    data = resources.files("newsarchive.topics") / "data" / MODEL_FILE
    return parse_model(data.read_text(encoding="utf-8"))
