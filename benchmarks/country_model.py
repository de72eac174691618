"""Would a learned decision on each country beat the place rules?  A measurement.

Run:  .venv/bin/python benchmarks/country_model.py

For every labelled article (``tests/data/topics``) and every country it names (by
name, demonym or one of its cities) or the extractor attaches, features of how the
text names that country are counted: mentions in the title, the lead and below,
the word before each mention (``in``, ``from``, ``of``, ``by``, ``than``...), a
possessive after it, a demonym, a city of it, and the role tests of the place rules
(``roles.deed_verb``, ``stance``, ``passed_by``, ``compared``, ``compares``), plus
what the rules decided (attached or not, and the rank).  A logistic regression
(plain stochastic gradient descent, fixed seed) learns from every split but one
whether a human indexer attached the country; it is scored on the split left out,
for each blind split of rounds 11 to 17 (holdout9 to holdout15), against the rules
on the same split.  Country level as ``topics_eval.py`` counts it.

This is a measurement, not part of the package: it says whether such a model is
worth building (``benchmarks/TOPICS.md``, "Rounds 15 to 17").
"""

from __future__ import annotations

import math
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import topics_eval as evaluation  # noqa: E402

from newsarchive.config import TopicSettings  # noqa: E402
from newsarchive.topics import extract_terms  # noqa: E402
from newsarchive.topics.gazetteer import load_gazetteer, match_entities  # noqa: E402
from newsarchive.topics.roles import (  # noqa: E402
    compared,
    compares,
    deed_verb,
    passed_by,
    stance,
)
from newsarchive.topics.salience import Token, tokenize  # noqa: E402

BLIND = ("holdout9", "holdout10", "holdout11", "holdout12", "holdout13", "holdout14",
         "holdout15")
BEFORE = ("in", "at", "from", "of", "to", "by", "with", "against", "and", "than", "the")
SEED = 17
EPOCHS = 40
RATE = 0.05
L2 = 1e-3

Features = dict[str, float]


def _mention(tokens: list[Token], start: int, end: int, kind: str, adjective: bool
             ) -> list[str]:
    """The names of the features one mention turns on."""
    on = [f"kind={kind}", "adjective" if adjective else "name"]
    paragraph = tokens[start].paragraph
    on.append("title" if paragraph < 0 else "lead" if paragraph == 0 else "body")
    before = tokens[start - 1].text.lower() if start else ""
    if before == "the" and start > 1:
        before = tokens[start - 2].text.lower()
    on.append(f"before={before}" if before in BEFORE else "before=other")
    after = tokens[end].text if end < len(tokens) else ""
    if after in ("'s", "’s"):
        on.append("possessive")
    if not adjective and kind == "country":
        if deed_verb(tokens, end):
            on.append("deed")
        if stance(tokens, end):
            on.append("stance")
        if compared(tokens, start - 1):
            on.append("compared")
    if start and passed_by(tokens, start - 1):
        on.append("passed_by")
    if compares(tokens, start):
        on.append("background")
    return on


def candidates(title: str, text: str) -> tuple[dict[str, Features], set[str]]:
    """Each country the article names (with its features) and the rules' countries."""
    gazetteer = load_gazetteer()
    places = gazetteer.places
    doc = tokenize(title, text)
    tokens = list(doc.tokens)
    words = tuple(token.text for token in tokens)
    found: dict[str, Counter[str]] = {}
    first: dict[str, int] = {}
    for match in match_entities(words, gazetteer, {}):
        entity = match.entity
        if entity.taxonomy != "places" or entity.name not in places:
            continue
        place = places[entity.name]
        country = entity.name if place.kind == "country" else place.parent
        if not country:
            continue
        counts = found.setdefault(country, Counter())
        counts.update(_mention(tokens, match.start, match.end, place.kind, entity.adjective))
        counts["mentions"] += 1
        first.setdefault(country, tokens[match.start].paragraph)
    got = extract_terms(title, text, TopicSettings()).get("places", ())
    ruled = evaluation.countries(set(got))
    order = [evaluation.country_of(name) for name in got]
    features: dict[str, Features] = {}
    for country in set(found) | ruled:
        counts = found.get(country, Counter())
        row: Features = {f"log {name}": math.log1p(value) for name, value in counts.items()}
        row["bias"] = 1.0
        row["rules"] = 1.0 if country in ruled else 0.0
        if country in order:
            row["rules rank"] = 1.0 / (1 + order.index(country))
        row["first paragraph"] = 1.0 / (2 + first.get(country, 20))
        features[country] = row
    return features, ruled


def train(rows: list[tuple[Features, bool]]) -> dict[str, float]:
    """Logistic regression weights by stochastic gradient descent (fixed seed)."""
    weights: dict[str, float] = {}
    order = list(range(len(rows)))
    shuffle = random.Random(SEED).shuffle
    for _ in range(EPOCHS):
        shuffle(order)
        for index in order:
            row, label = rows[index]
            error = _probability(weights, row) - (1.0 if label else 0.0)
            for name, value in row.items():
                weight = weights.get(name, 0.0)
                weights[name] = weight - RATE * (error * value + L2 * weight)
    return weights


def _probability(weights: dict[str, float], row: Features) -> float:
    z = sum(weights.get(name, 0.0) * value for name, value in row.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _figures(tp: int, fp: int, fn: int) -> str:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return f"{precision:.3f}/{recall:.3f} ({tp}/{fp}/{fn})"


def main() -> int:
    cases, _ = evaluation.load_cases()
    table: list[tuple[str, dict[str, Features], set[str], set[str]]] = []
    for case in cases:
        features, ruled = candidates(case.title, case.text)
        gold = evaluation.countries(set(case.gold["places"]))
        table.append((case.split, features, ruled, gold))
    print("split       rules P/R (tp/fp/fn)        model P/R (tp/fp/fn)")
    totals = Counter()
    for held in BLIND:
        rows = [(row, country in gold) for split, features, _, gold in table
                if split != held for country, row in features.items()]
        weights = train(rows)
        counts = Counter()
        for split, features, ruled, gold in table:
            if split != held:
                continue
            chosen = {c for c, row in features.items() if _probability(weights, row) >= 0.5}
            counts["rtp"] += len(ruled & gold)
            counts["rfp"] += len(ruled - gold)
            counts["rfn"] += len(gold - ruled)
            counts["mtp"] += len(chosen & gold)
            counts["mfp"] += len(chosen - gold)
            counts["mfn"] += len(gold - chosen)
        totals.update(counts)
        print(_row(held, counts))
    print(_row("pooled", totals))
    return 0


def _row(name: str, counts: Counter[str]) -> str:
    """One line of the table: the rules' figures (``r*``), then the model's (``m*``)."""
    rules, model = (_figures(*(counts[f"{who}{what}"] for what in ("tp", "fp", "fn")))
                    for who in "rm")
    return f"{name:<11} {rules:<27} {model}"


if __name__ == "__main__":
    raise SystemExit(main())
