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
ALL_CASES, SKIPPED = EVAL.load_cases()
# The seven rounds the targets below were declared on; the eighth round's dev2 and
# holdout6 (wire copy with a ``section`` field) are measured on their own.
CASES = [c for c in ALL_CASES if EVAL.in_split(c, "first180")]
TALLIES, TOP1 = EVAL.evaluate(CASES)


def test_labelled_set_is_large_enough() -> None:
    own = [c for c in CASES if c.text]
    assert len(own) >= 60
    assert {c.split for c in own} == {"dev", "holdout", "holdout2", "holdout3", "holdout4",
                                      "holdout5"}
    assert sum(c.split == "holdout2" for c in own) == 36
    assert sum(c.split == "holdout3" for c in own) >= 24
    assert sum(c.split == "holdout4" for c in own) >= 24
    assert sum(c.split == "holdout5" for c in own) >= 24


def test_eighth_round_splits_are_labelled_with_sections() -> None:
    for split in ("dev2", "holdout6"):
        chosen = [c for c in ALL_CASES if c.split == split]
        assert len(chosen) >= 60
        assert all(c.text and c.section in EVAL.SECTIONS for c in chosen)
        assert all(c.gold["subjects"] for c in chosen)
    ids = [c.id for c in ALL_CASES]
    assert len(ids) == len(set(ids))


def test_ninth_round_blind_split_is_labelled_with_sections() -> None:
    # holdout7: 60 articles written and labelled before the extractor first ran on
    # them (tests/data/topics/README.md, "Round 9"), in two halves of 30
    chosen = [c for c in ALL_CASES if c.split == "holdout7"]
    assert len(chosen) == 60
    assert all(c.text and c.section in EVAL.SECTIONS and c.gold["subjects"] for c in chosen)
    assert {c.id[0] for c in chosen} == {"t", "u"}
    assert len(ALL_CASES) >= 480


def test_tenth_round_blind_split_is_labelled_with_sections() -> None:
    # holdout8: 60 articles written and labelled before the extractor first ran on
    # them (tests/data/topics/README.md, "Round 10"), wire copy (v) and features (w)
    chosen = [c for c in ALL_CASES if c.split == "holdout8"]
    assert len(chosen) == 60
    assert all(c.text and c.section in EVAL.SECTIONS and c.gold["subjects"] for c in chosen)
    assert {c.id[0] for c in chosen} == {"v", "w"}
    assert len(ALL_CASES) >= 540


def test_eleventh_round_blind_split_is_labelled_with_sections() -> None:
    # holdout9: 60 articles written and labelled before the extractor first ran on
    # them (tests/data/topics/README.md, "Round 11"), wire copy (x) and features (y)
    chosen = [c for c in ALL_CASES if c.split == "holdout9"]
    assert len(chosen) == 60
    assert all(c.text and c.section in EVAL.SECTIONS and c.gold["subjects"] for c in chosen)
    assert {c.id[0] for c in chosen} == {"x", "y"}
    assert len(ALL_CASES) >= 600


@pytest.mark.parametrize(("split", "prefixes"), [
    ("holdout10", {"z0", "z1", "z2", "z3", "zb"}), ("holdout11", {"ya", "yb"}),
    ("holdout12", {"xa", "xb"}), ("holdout13", {"wa", "wb"}), ("holdout14", {"ta", "tb"}),
    ("holdout15", {"sa", "sb"}), ("holdout16", {"va", "vb"}), ("holdout17", {"ua", "ub"}),
    ("holdout18", {"oa", "ob"}), ("holdout19", {"ra", "rb"}), ("holdout20", {"ka", "kb"}),
    ("holdout21", {"ja", "jb"}), ("holdout22", {"ha", "hb"}),
    ("holdout23", {"ea", "eb"})])
def test_blind_splits_since_the_twelfth_round_are_labelled(split: str,
                                                           prefixes: set[str]) -> None:
    # written and labelled before the extractor first ran on them
    # (tests/data/topics/README.md, "Round 12" to "Round 21")
    chosen = [c for c in ALL_CASES if c.split == split]
    assert len(chosen) == 60
    assert all(c.text and c.section in EVAL.SECTIONS and c.gold["subjects"] for c in chosen)
    assert {c.id[:2] for c in chosen} <= prefixes
    assert len(ALL_CASES) >= 780


def test_people_are_compared_without_diacritics() -> None:
    # a label spelled Wałęsa names the person wire copy of 1980 wrote Walesa
    assert EVAL.unaccented("Lech Wałęsa") == "Lech Walesa"
    assert EVAL.unaccented("Javier Pérez de Cuéllar") == "Javier Perez de Cuellar"
    assert EVAL.unaccented("Søren Kierkegaard") == "Soren Kierkegaard"
    case = EVAL.Case("x1", "test", "Strike ends",
                     "Lech Walesa, the union leader, said the strike was over.\n\n"
                     "Walesa said the workers would go back on Monday.",
                     {"places": [], "people": ["Lech Wałęsa"], "organizations": [],
                      "subjects": []}, None)
    people = EVAL.score([case]).tallies["people"]
    assert (people.tp, people.fp, people.fn) == (1, 0, 0)


def test_place_hierarchy_and_sections_in_the_evaluation() -> None:
    assert EVAL.country_of("Houston") == "United States"
    assert EVAL.country_of("United States") == "United States"
    assert {"Houston", "United States"} <= EVAL.with_ancestors({"Houston"})
    assert EVAL.countries({"Tehran", "Texas", "Nowhere-on-the-map"}) == {
        "Iran", "United States"}
    # An ambiguous name is read the way its own set reads it (gold or predicted).
    assert EVAL.countries({"Reading", "Pennsylvania"}) == {"United States"}
    assert "United Kingdom" not in EVAL.with_ancestors({"London", "Ontario", "Canada"})
    assert "United Kingdom" in EVAL.with_ancestors({"London"})
    assert EVAL.section_of(("labour", "politics")) == "business"
    assert EVAL.section_of(("crime, law and justice",)) == "politics"
    assert EVAL.section_of(("science and technology",)) == "technology"
    assert EVAL.section_of(("weather",)) == "other"
    assert EVAL.section_of(()) == "other"


ORIGINAL = [c for c in CASES if c.split in ("dev", "holdout")]
TALLIES_64, TOP1_64 = EVAL.evaluate(ORIGINAL)
FIRST_100 = [c for c in CASES if EVAL.in_split(c, "first100")]
TALLIES_100, TOP1_100 = EVAL.evaluate(FIRST_100)


def test_issue_targets_met_on_original_64() -> None:
    # Issue #4 targets on the 64 articles (dev + holdout) they were first declared on.
    assert TALLIES_64["places"].precision >= 0.90
    assert TALLIES_64["places"].recall >= 0.75
    assert TALLIES_64["people"].precision >= 0.85
    assert TALLIES_64["organizations"].precision >= 0.85
    assert TOP1_64 >= 0.85


def test_issue_targets_met_on_first_100() -> None:
    # Every issue #4 target on dev + holdout + holdout2 since the fifth round
    # (benchmarks/TOPICS.md): places P 0.908 R 0.783, people P 0.893,
    # organizations P 0.871, top-1 0.870.
    assert len(FIRST_100) == 100
    assert TALLIES_100["places"].precision >= 0.90
    assert TALLIES_100["places"].recall >= 0.75
    assert TALLIES_100["people"].precision >= 0.85
    assert TALLIES_100["organizations"].precision >= 0.85
    assert TOP1_100 >= 0.85


def test_issue_targets_met_on_whole_set() -> None:
    # Every issue #4 target on the whole set (180 articles, holdout3-5 included) since
    # the eighth round (benchmarks/TOPICS.md): places P 0.908 R 0.779, people P 0.875,
    # organizations P 0.860, subject top-1 0.850 (153/180, exactly at the target).
    assert len(CASES) == 180
    # 0.908 until issue 16 made every dateline city (and its country) a place of the
    # story; these labels were written under the earlier rule (a statement's dateline
    # is not a place), so those places now count against precision: 0.898.
    assert TALLIES["places"].precision >= 0.895
    assert TALLIES["places"].recall >= 0.75
    assert TALLIES["people"].precision >= 0.85
    assert TALLIES["organizations"].precision >= 0.85
    assert TOP1 >= 0.85


def test_no_regression_below_measured_floor() -> None:
    # Measured after the eighth round.  First 100: places P 0.926 R 0.831, people
    # P 0.893 R 0.730, organizations P 0.898 R 0.631, top-1 0.870.  Whole set (180):
    # places P 0.908 R 0.779, people P 0.875 R 0.734, organizations P 0.860 R 0.541,
    # top-1 0.850.  Raise these as quality improves.
    # Issue 16's dateline rule (see test_issue_targets_met_on_whole_set): 0.908.
    assert TALLIES_100["places"].precision >= 0.905
    # Since the eighth round places are scored with gold and predicted sets closed
    # under place_parent (benchmarks/topics_eval.py): first 100 P 0.923 R 0.830 with
    # the same predictions (e.g. a gold Simi Valley now implies California).  Round 21:
    # 0.829 -> 0.815, the countries model trained on 1,320 articles (the first 100 are
    # among them) takes away countries listed in a story of many (Italy and the United
    # States in d01's pandemic story, Thailand, Nigeria, Indonesia); left out in turn,
    # each blind split gains precision and recall (benchmarks/TOPICS.md, "Round 21").
    assert TALLIES_100["places"].recall >= 0.81
    assert TALLIES_100["people"].precision >= 0.89
    # ninth round (people named once, more given names): first 100 R 0.940, all 180 R 0.949
    assert TALLIES_100["people"].recall >= 0.93
    assert TALLIES_100["organizations"].precision >= 0.89
    assert TALLIES_100["organizations"].recall >= 0.66  # 0.667 after the ninth round
    assert TOP1_100 >= 0.865
    assert TALLIES["places"].precision >= 0.895
    # tenth round: 0.791 -> 0.787, two dev labels (a07, d05) attach the United States
    # that only condemns below the lead, which the round-8 policy leaves out; round 18:
    # 0.787 -> 0.783, the second opinion on countries (trained on these articles) takes
    # away 3 labelled places and 17 that are not (precision 0.922 -> 0.951); round 20:
    # 0.786 -> 0.778, a country it takes away takes its cities and regions with it (5
    # labelled places and 6 that are not; precision 0.952 -> 0.962); round 21: 0.778 ->
    # 0.768, the model trained on 1,320 articles (6 labelled places, 1 that is not)
    assert TALLIES["places"].recall >= 0.765
    assert TALLIES["people"].precision >= 0.87
    assert TALLIES["organizations"].precision >= 0.855
    assert TALLIES["organizations"].recall >= 0.58  # 0.586 after the ninth round
    assert TALLIES["people"].recall >= 0.94
    assert TOP1 >= 0.845
