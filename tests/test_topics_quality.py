"""Quality regression: the extractor against the hand-labelled set (deterministic).

The figures come from benchmarks/topics_eval.py; see benchmarks/TOPICS.md.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _eval_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("topics_eval",
                                                  ROOT / "benchmarks" / "topics_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["topics_eval"] = module
    spec.loader.exec_module(module)
    return module


EVAL = _eval_module()
CASES, SKIPPED = EVAL.load_cases()
TALLIES, TOP1 = EVAL.evaluate(CASES)


def test_labelled_set_is_large_enough() -> None:
    own = [c for c in CASES if c.text]
    assert len(own) >= 60
    assert {c.split for c in own} == {"dev", "holdout", "holdout2"}
    assert sum(c.split == "holdout2" for c in own) == 36


ORIGINAL = [c for c in CASES if c.split in ("dev", "holdout")]
TALLIES_64, TOP1_64 = EVAL.evaluate(ORIGINAL)


def test_issue_targets_met_on_original_64() -> None:
    # Issue #4 targets on the 64 articles (dev + holdout) they were first declared on.
    assert TALLIES_64["places"].precision >= 0.90
    assert TALLIES_64["places"].recall >= 0.75
    assert TALLIES_64["people"].precision >= 0.85
    assert TALLIES_64["organizations"].precision >= 0.85
    assert TOP1_64 >= 0.85


def test_issue_targets_met_on_whole_set() -> None:
    # Met on the 100-article set since the fourth round (benchmarks/TOPICS.md).
    assert TALLIES["places"].precision >= 0.90
    assert TALLIES["people"].precision >= 0.85
    assert TOP1 >= 0.85


@pytest.mark.xfail(strict=True, reason="places recall (0.748) and organizations precision "
                   "(0.832) miss the targets on the 100-article set (benchmarks/TOPICS.md); "
                   "strict: remove this mark when they are met")
def test_issue_targets_still_missed_on_whole_set() -> None:
    assert TALLIES["places"].recall >= 0.75
    assert TALLIES["organizations"].precision >= 0.85


def test_no_regression_below_measured_floor() -> None:
    # Measured on the whole set (100 articles: dev, holdout, holdout2) after the
    # fourth round: places P 0.907 R 0.748, people P 0.893 R 0.730, organizations
    # P 0.832 R 0.610, subject top-1 0.870; raise these as quality improves.
    assert TALLIES["places"].precision >= 0.905
    assert TALLIES["places"].recall >= 0.745
    assert TALLIES["people"].precision >= 0.89
    assert TALLIES["people"].recall >= 0.725
    assert TALLIES["organizations"].precision >= 0.83
    assert TALLIES["organizations"].recall >= 0.605
    assert TOP1 >= 0.865
