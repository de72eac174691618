"""How far two labellers agree on the countries and sections of the labelled set,
and how the extractor compares with each, and with both.

Run:  .venv/bin/python benchmarks/label_agreement.py [--split NAME ...] [--json]

``tests/data/topics/second/<split>.yaml`` holds a second labelling of a split:
for each article id, the countries of the story and its section, written by a
second labeller who read the indexing policy (``tests/data/topics/README.md``,
its general rules and the eighth round's) and the articles' texts, and neither
the first labels, the per-round notes that name articles, nor anything the
extractor wrote.  The first labels are the split's own (``places`` rolled up to
countries as ``topics_eval.py`` does).

Rows, country level (``topics_eval.py``'s ``countries``), precision/recall of the
first named against the second as the truth:

- ``second vs first``: the labellers' agreement (its precision is the other
  row's recall);
- ``extractor vs first``: ``topics_eval.py``'s own figure;
- ``extractor vs second``;
- ``extractor vs either``: a country either labeller attached counts as right,
  and a missed one is one both attached (the most lenient reading of the labels);
- ``extractor vs both``: only countries both attached are true.

Sections: how often the labellers agree, and how often the extractor's section
(``topics_eval.section_of``) matches each.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import topics_eval as te

from newsarchive.config import TopicSettings
from newsarchive.topics import extract_terms

SECOND = te.DATA / "second"

Sets = tuple[set[str], set[str], set[str]]  # first labels, second labels, extractor
_ROWS: dict[str, Callable[[Sets], tuple[set[str], set[str]]]] = {
    "second vs first": lambda s: (s[1], s[0]),
    "extractor vs first": lambda s: (s[2], s[0]),
    "extractor vs second": lambda s: (s[2], s[1]),
    "extractor vs either": lambda s: (s[2], (s[0] & s[1]) | (s[2] & (s[0] | s[1]))),
    "extractor vs both": lambda s: (s[2], s[0] & s[1]),
}


def second_labels(split: str) -> dict[str, dict[str, object]]:
    """The second labelling of ``split``: id -> {countries, section}."""
    entries = yaml.safe_load((SECOND / f"{split}.yaml").read_text(encoding="utf-8"))
    return {str(entry["id"]): entry for entry in entries}


def second_countries(names: list[str]) -> tuple[set[str], list[str]]:
    """The countries of a second label list, by the extractor's names, and the names
    the gazetteer does not know as a place of a country."""
    found: set[str] = set()
    unknown: list[str] = []
    for name in names:
        country = te.country_of(te.canonical("places", name))
        if country is None:
            unknown.append(name)
        else:
            found.add(country)
    return found, unknown


def _tally(pairs: list[tuple[set[str], set[str]]]) -> dict[str, float | int]:
    tally = te.Tally()
    for predicted, gold in pairs:
        te._count(tally, "", "countries", predicted, gold)
    return {"precision": round(tally.precision, 4), "recall": round(tally.recall, 4),
            "tp": tally.tp, "fp": tally.fp, "fn": tally.fn}


def measure(splits: list[str]) -> dict[str, Any]:
    """Every row and the section figures over ``splits``."""
    cases, _skipped = te.load_cases()
    settings = TopicSettings()
    rows: dict[str, list[tuple[set[str], set[str]]]] = {name: [] for name in _ROWS}
    sections = {"articles": 0, "labellers agree": 0, "extractor = first": 0,
                "extractor = second": 0}
    unknown: list[str] = []
    for split in splits:
        second = second_labels(split)
        for case in (c for c in cases if c.split == split):
            entry = second[case.id]
            theirs, missing = second_countries(list(entry.get("countries") or []))
            unknown += [f"{case.id}: {name}" for name in missing]
            got = extract_terms(case.title, case.text, settings)
            sets = (te.countries(set(case.gold["places"])), theirs,
                    te.countries(set(got.get("places", ()))))
            for name, pick in _ROWS.items():
                rows[name].append(pick(sets))
            if case.section is not None:
                ours = te.section_of(got.get("subjects", ()))
                sections["articles"] += 1
                sections["labellers agree"] += case.section == entry["section"]
                sections["extractor = first"] += ours == case.section
                sections["extractor = second"] += ours == entry["section"]
    return {"splits": splits, "countries": {name: _tally(p) for name, p in rows.items()},
            "sections": sections, "unknown": unknown}


def main(argv: list[str] | None = None) -> int:
    """Print the figures; returns the exit status."""
    available = sorted(p.stem for p in SECOND.glob("*.yaml"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", action="append", choices=available,
                        help="a split with a second labelling (default: every one)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = measure(args.split or available)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"splits: {', '.join(result['splits'])}")
    print(f"{'countries':<22} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
    for name, t in result["countries"].items():
        print(f"{name:<22} {t['precision']:9.3f} {t['recall']:7.3f} "
              f"{t['tp']:4d} {t['fp']:4d} {t['fn']:4d}")
    sections = result["sections"]
    for name, hits in sections.items():
        if name != "articles":
            print(f"sections, {name}: {hits}/{sections['articles']} "
                  f"({hits / max(sections['articles'], 1):.3f})")
    for line in result["unknown"]:
        print(f"not a known place: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
