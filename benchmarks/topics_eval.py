"""Measure automatic topics against the hand-labelled set in tests/data/topics/.

Run:  .venv/bin/python benchmarks/topics_eval.py [--split NAME] [-v]   (NAME: see SPLITS)

Prints micro-averaged precision and recall per taxonomy (places, people,
organizations, subjects as sets) and subject top-1 accuracy (the extractor's
first subject equals the labelled main subject), per split.  Gold names are
canonicalised through the extractor's own alias tables (``U.N.`` and
``United Nations`` are one organization), which is a naming convention, not a
judgement.  Articles labelled by reference to ../shared/corpora are evaluated
only when that folder is present.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsarchive.config import TopicSettings  # noqa: E402
from newsarchive.topics import extract_terms  # noqa: E402
from newsarchive.topics.gazetteer import load_gazetteer  # noqa: E402
from newsarchive.topics.salience import split_words  # noqa: E402

DATA = ROOT / "tests" / "data" / "topics"
CORPORA = ROOT.parent / "shared" / "corpora"
ENTITY_TAXONOMIES = ("places", "people", "organizations")
#: Splits reported, in order: dev (tuned on), holdout, holdout2 (never tuned on),
#: holdout3 and holdout4 (tuning splits since the sixth and seventh rounds),
#: holdout5 (never tuned on), first100 (dev + holdout + holdout2, the set the targets
#: were first measured on), all.
SPLITS = ("dev", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "first100",
          "all")
FIRST_100 = frozenset({"dev", "holdout", "holdout2"})


def in_split(case: Case, split: str) -> bool:
    """Whether ``case`` belongs to the reported ``split``."""
    if split == "all":
        return True
    if split == "first100":
        return case.split in FIRST_100
    return case.split == split


@dataclass
class Case:
    """One labelled article."""

    id: str
    split: str
    title: str
    text: str
    gold: dict[str, list[str]]


@dataclass
class Tally:
    """Counts for one taxonomy."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def canonical(taxonomy: str, name: str) -> str:
    """The extractor's canonical form of a gold label (aliases merged)."""
    if taxonomy not in ("places", "organizations"):
        return name
    entity = load_gazetteer().lookup(tuple(split_words(name)), taxonomy)
    return entity.name if entity is not None else name


def _corpus_text(ref: dict[str, Any]) -> tuple[str, str] | None:
    path = CORPORA / ref["path"]
    if not path.exists():
        return None
    record = json.loads(path.read_text(encoding="utf-8"))
    return str(record.get("title", "")), str(record.get(ref.get("field", "content"), ""))


def load_cases() -> tuple[list[Case], list[str]]:
    """All labelled cases, and the reasons any were skipped."""
    cases: list[Case] = []
    skipped: list[str] = []
    for path in sorted(DATA.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for article in data["articles"]:
            gold = {t: [canonical(t, n) for n in article.get(t) or []]
                    for t in (*ENTITY_TAXONOMIES, "subjects")}
            if "ref" in article:
                loaded = _corpus_text(article["ref"])
                if loaded is None:
                    skipped.append(f"{article['id']}: {CORPORA} not present")
                    continue
                title, text = loaded
            else:
                title, text = article["title"], article["text"]
            cases.append(Case(str(article["id"]), data["split"], title, text, gold))
    return cases, skipped


def evaluate(cases: list[Case], settings: TopicSettings | None = None
             ) -> tuple[dict[str, Tally], float]:
    """Tallies per taxonomy and subject top-1 accuracy over ``cases``."""
    settings = settings or TopicSettings()
    tallies = {t: Tally() for t in (*ENTITY_TAXONOMIES, "subjects")}
    top1 = 0
    for case in cases:
        got = extract_terms(case.title, case.text, settings)
        for taxonomy, tally in tallies.items():
            predicted, gold = set(got.get(taxonomy, ())), set(case.gold[taxonomy])
            tally.tp += len(predicted & gold)
            tally.fp += len(predicted - gold)
            tally.fn += len(gold - predicted)
            for name in sorted(predicted - gold):
                tally.errors.append(f"{case.id} {taxonomy} FP {name}")
            for name in sorted(gold - predicted):
                tally.errors.append(f"{case.id} {taxonomy} FN {name}")
        subjects = got.get("subjects", ())
        if subjects and case.gold["subjects"] and subjects[0] == case.gold["subjects"][0]:
            top1 += 1
        elif case.gold["subjects"]:
            tallies["subjects"].errors.append(
                f"{case.id} subjects TOP1 got {subjects[:1]} want {case.gold['subjects'][0]}")
    return tallies, top1 / len(cases) if cases else 0.0


def main(argv: list[str] | None = None) -> int:
    """Print the report; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="all", choices=SPLITS)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every error")
    args = parser.parse_args(argv)
    cases, skipped = load_cases()
    print(f"$ python benchmarks/topics_eval.py --split {args.split}")
    for reason in skipped:
        print(f"skipped {reason}")
    splits = SPLITS if args.split == "all" else (args.split,)
    for split in splits:
        chosen = [c for c in cases if in_split(c, split)]
        tallies, top1 = evaluate(chosen)
        print(f"\n[{split}] {len(chosen)} articles")
        print(f"{'taxonomy':<14} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
        for taxonomy, tally in tallies.items():
            print(f"{taxonomy:<14} {tally.precision:9.3f} {tally.recall:7.3f} "
                  f"{tally.tp:4d} {tally.fp:4d} {tally.fn:4d}")
        print(f"subject top-1 accuracy: {top1:.3f}")
        if args.verbose:
            for tally in tallies.values():
                for error in tally.errors:
                    print("  " + error)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
