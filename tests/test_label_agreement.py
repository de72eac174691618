"""The second labelling of the labelled set and how benchmarks/label_agreement.py
compares labellers and the extractor (see benchmarks/TOPICS.md)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


EVAL = _module("topics_eval")
AGREEMENT = _module("label_agreement")
SPLITS = sorted(p.stem for p in AGREEMENT.SECOND.glob("*.yaml"))
CASES, _SKIPPED = EVAL.load_cases()


def test_second_labellings_exist() -> None:
    assert {"holdout13", "holdout14", "holdout15"} <= set(SPLITS)


@pytest.mark.parametrize("split", SPLITS)
def test_second_labelling_covers_its_split_with_known_names(split: str) -> None:
    second = AGREEMENT.second_labels(split)
    first = {c.id: c for c in CASES if c.split == split}
    assert set(second) == set(first)
    for case_id, entry in second.items():
        assert entry["section"] in EVAL.SECTIONS, case_id
        countries, unknown = AGREEMENT.second_countries(list(entry["countries"]))
        assert unknown == [], case_id
        assert len(countries) == len(set(entry["countries"])), case_id


def _row(name: str, first: set[str], second: set[str], extractor: set[str]
         ) -> dict[str, float | int]:
    return AGREEMENT._tally([AGREEMENT._ROWS[name]((first, second, extractor))])


def test_rows_count_what_their_names_say() -> None:
    first, second = {"France", "Chad"}, {"France", "Niger"}
    extractor = {"France", "Niger", "Mali"}
    assert _row("second vs first", first, second, extractor) == {
        "precision": 0.5, "recall": 0.5, "tp": 1, "fp": 1, "fn": 1}
    # Either labeller's country is right; missed only what both attached.
    assert _row("extractor vs either", first, second, extractor) == {
        "precision": round(2 / 3, 4), "recall": 1.0, "tp": 2, "fp": 1, "fn": 0}
    assert _row("extractor vs either", first, second, {"Mali"}) == {
        "precision": 0.0, "recall": 0.0, "tp": 0, "fp": 1, "fn": 1}
    assert _row("extractor vs both", first, second, extractor) == {
        "precision": round(1 / 3, 4), "recall": 1.0, "tp": 1, "fp": 2, "fn": 0}


def test_second_labeller_names_roll_up_to_countries() -> None:
    countries, unknown = AGREEMENT.second_countries(["Houston", "West Germany", "Atlantis"])
    assert countries == {"United States", "West Germany"}
    assert unknown == ["Atlantis"]
