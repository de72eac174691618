"""Train the second opinion on countries shipped as
src/newsarchive/topics/data/countries_model.tsv, and measure it split by split.

Run:  .venv/bin/python benchmarks/train_countries.py [--output PATH]
      .venv/bin/python benchmarks/train_countries.py --loso

A logistic regression (:mod:`newsarchive.topics.countries`) learns, for every country
an article of the labelled set names or the place rules attach, whether the labels
(``tests/data/topics``: the project's own articles, labelled before the extractor
first ran on them) hold it, from the features :func:`newsarchive.topics.country_evidence`
gives: how and where each mention is written and the words around it.  Plain
stochastic gradient descent with a fixed seed over articles read in a fixed order,
so the same inputs give the same file.  Trained on every split but those in
``HELD_OUT`` (blind splits scored with the shipped model, never trained on).

``--loso`` measures instead: for each blind split of rounds 11 to 20 (holdout9 to
holdout21), a model trained on every other split (and never on ``HELD_OUT``) takes
its turn as the shipped one would, and the countries are counted at country level
as ``topics_eval.py`` does, against the rules alone, with the shipped threshold and
guard (:func:`newsarchive.topics.countries.vetoed`).

Never used: Reuters-21578 and the BBC News (2004-2005) classification corpus.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import topics_eval as evaluation  # noqa: E402

from newsarchive.config import TopicSettings  # noqa: E402
from newsarchive.topics import CountryEvidence, country_evidence  # noqa: E402
from newsarchive.topics.countries import (  # noqa: E402
    MODEL_FILE,
    Row,
    format_model,
    probability,
    vetoed,
)

OUTPUT = ROOT / "src" / "newsarchive" / "topics" / "data" / MODEL_FILE
#: Splits never trained on: the blind splits of the round the shipped model was made in
#: (holdout22 and holdout23, round 21; the model is trained on every older split).
HELD_OUT = ("holdout22", "holdout23")
#: The blind splits of rounds 11 to 20, each left out in turn by ``--loso``.
LOSO = tuple(f"holdout{n}" for n in range(9, 22))
SEED = 17
EPOCHS = 40
RATE = 0.05
L2 = 1e-3


@dataclass(frozen=True)
class Article:
    """One labelled article: its split, the evidence, and the labelled countries."""

    split: str
    evidence: CountryEvidence
    gold: frozenset[str]


def articles() -> list[Article]:
    """Every labelled article with text, in the order of the labelled set."""
    cases, _skipped = evaluation.load_cases()
    settings = TopicSettings()
    return [Article(case.split, country_evidence(case.title, case.text, settings),
                    frozenset(evaluation.countries(set(case.gold["places"]))))
            for case in cases if case.text]


def train(rows: Sequence[tuple[Row, bool]]) -> dict[str, float]:
    """Logistic regression weights by stochastic gradient descent (fixed seed)."""
    weights: dict[str, float] = {}
    order = list(range(len(rows)))
    shuffle = random.Random(SEED).shuffle
    for _ in range(EPOCHS):
        shuffle(order)
        for index in order:
            row, label = rows[index]
            error = probability(weights, row) - (1.0 if label else 0.0)
            for name, value in row.items():
                weight = weights.get(name, 0.0)
                weights[name] = weight - RATE * (error * value + L2 * weight)
    return weights


def examples(chosen: Sequence[Article]) -> list[tuple[Row, bool]]:
    """One example per country each article names or the rules attach."""
    return [(row, country in article.gold) for article in chosen
            for country, row in article.evidence.rows.items()]


def _figures(tp: int, fp: int, fn: int) -> str:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return f"{precision:.3f}/{recall:.3f} ({tp}/{fp}/{fn})"


def loso(table: Sequence[Article]) -> None:
    """Print the rules and the rules with the second opinion, each blind split left out."""
    print(f"{'split':<11} {'rules P/R (tp/fp/fn)':<27} with the second opinion")
    totals: Counter[str] = Counter()
    for held in LOSO:
        weights = train(examples([a for a in table
                                  if a.split != held and a.split not in HELD_OUT]))
        counts: Counter[str] = Counter()
        for article in (a for a in table if a.split == held):
            ev = article.evidence
            # the rules' countries: those attached, and those of attached places
            ruled = evaluation.countries(set(ev.attached) | set(ev.held) | ev.guarded)
            # (every labelled article is longer than MIN_TOKENS: the model judges all;
            # a country taken away takes its cities and regions with it)
            kept = ruled - vetoed(ev.rows, ev.judged, ev.guarded, weights)
            for who, chosen in (("r", ruled), ("m", kept)):
                counts[f"{who}tp"] += len(chosen & article.gold)
                counts[f"{who}fp"] += len(chosen - article.gold)
                counts[f"{who}fn"] += len(article.gold - chosen)
        totals.update(counts)
        print(_row(held, counts))
    print(_row("pooled", totals))


def _row(name: str, counts: Counter[str]) -> str:
    rules, model = (_figures(*(counts[f"{who}{what}"] for what in ("tp", "fp", "fn")))
                    for who in "rm")
    return f"{name:<11} {rules:<27} {model}"


def main(argv: list[str] | None = None) -> int:
    """Train and write the weights (or measure, ``--loso``); returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--loso", action="store_true",
                        help="measure each blind split left out instead of writing")
    args = parser.parse_args(argv)
    table = articles()
    if args.loso:
        loso(table)
        return 0
    chosen = [a for a in table if a.split not in HELD_OUT]
    rows = examples(chosen)
    weights = train(rows)
    args.output.write_text(format_model(weights), encoding="utf-8")
    print(f"{len(chosen)} articles, {len(rows)} countries, {len(weights)} features -> "
          f"{args.output} ({args.output.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
