"""The learned second opinion on countries (topics/countries.py; benchmarks/TOPICS.md,
"Round 18"): what it takes away, what it may not, and that the shipped weights are
what the training script makes from the labelled set."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import sys
from pathlib import Path

import pytest

from newsarchive.config import TopicSettings
from newsarchive.pipeline.enrich import ENRICH_VERSION
from newsarchive.topics import country_evidence, extract_terms
from newsarchive.topics.countries import (
    MIN_TOKENS,
    THRESHOLD,
    format_model,
    load_model,
    parse_model,
    probability,
    vetoed,
)
from newsarchive.topics.salience import tokenize
from topicskit import places

ROOT = Path(__file__).resolve().parents[1]
ELECTION = ("SANTIAGO, Oct 24 - Chile's Congress elected Senator Pablo Ortega as president on "
            "Saturday by 153 votes to 35, confirming his narrow lead in the September popular "
            "vote.\n\nOrtega, a physician who has led the Socialist Party for a decade, has "
            "promised to nationalise the copper mines, the banks and the large estates, and "
            "to raise the wages of miners and farm workers.\n\nThe armed forces said they "
            "would respect the vote of Congress. Crowds gathered outside the presidential "
            "palace to celebrate, and the new president told them the country had chosen its "
            "own road. He takes office on Nov 3.\n\n{}")
# Background the rules attach the United States for (a locative in the past), which
# the model reads as passing; a deed it does not take away.
COMMENT = ("Ortega studied medicine in the United States in the 1950s, and he told reporters "
           "he admired American universities.")
DEED = "The United States cut off all aid to Chile on Sunday and recalled its ambassador."


def test_a_country_named_in_passing_is_taken_away_one_that_acts_is_not() -> None:
    comment, deed = ELECTION.format(COMMENT), ELECTION.format(DEED)
    assert "United States" not in places("Ortega confirmed", comment)
    assert "United States" in places("Ortega confirmed", deed)
    weights = load_model()
    rows = {text: country_evidence("Ortega confirmed", text, TopicSettings()).rows
            for text in (comment, deed)}
    assert probability(weights, rows[comment]["United States"]) < THRESHOLD
    assert probability(weights, rows[deed]["United States"]) >= THRESHOLD


def test_the_model_can_be_switched_off() -> None:
    rules_alone = dataclasses.replace(TopicSettings(), country_model=False)
    got = extract_terms("Ortega confirmed", ELECTION.format(COMMENT), rules_alone)
    assert "United States" in got["places"]


def test_a_brief_is_left_to_the_rules() -> None:
    brief = ELECTION.split("\n\n")[0] + "\n\n" + COMMENT
    assert len(tokenize("Ortega confirmed", brief).tokens) < MIN_TOKENS
    assert "United States" in places("Ortega confirmed", brief)


def test_countries_that_act_or_date_the_story_are_guarded() -> None:
    settings = TopicSettings()
    comment = country_evidence("Ortega confirmed", ELECTION.format(COMMENT), settings)
    deed = country_evidence("Ortega confirmed", ELECTION.format(DEED), settings)
    assert "Chile" in comment.guarded  # the dateline's
    assert "United States" not in comment.guarded
    assert "United States" in deed.guarded  # it acts
    march = country_evidence("Protest in Lagos", (
        "Thousands of workers marched in Lagos on Monday against a rise in fuel prices.\n\n"
        "Nigeria's labour unions called a general strike."), settings)
    # a city of the story no longer guards its country (round 20): the model judges
    # it, and would take the city with it
    assert "Nigeria" not in march.guarded and "Nigeria" in march.judged
    assert "Lagos" in march.held["Nigeria"]
    assert vetoed(comment.rows, comment.judged, comment.guarded, {"bias": -10.0}) == {
        "United States"}
    assert vetoed(comment.rows, comment.judged, comment.guarded, {"bias": 10.0}) == set()


def test_training_evidence_covers_every_country_named() -> None:
    evidence = country_evidence("Ortega confirmed", ELECTION.format(
        "Argentina and Peru said they would watch."), TopicSettings())
    assert {"Chile", "Argentina", "Peru"} <= set(evidence.rows)
    row = evidence.rows["Argentina"]
    assert row["bias"] == 1.0 and row["log body"] > 0 and row["log wa:and"] > 0


def test_model_file_round_trips_and_refuses_other_files() -> None:
    weights = load_model()
    assert "bias" in weights and len(weights) > 1000
    assert parse_model(format_model(weights)) == weights
    with pytest.raises(ValueError):
        parse_model("subjects-model-v1\nbias\t1\n")


#: The shipped weights and the enrichment version they were shipped with: new weights
#: change articles' places, so cached enrichments must be made again.
WEIGHTS_SHA256 = "853baeb339cb7f337cdb9c09416d755b3bf27ea6083ba09426df69167f840883"
WEIGHTS_ENRICH_VERSION = "20"


def test_new_weights_come_with_a_new_enrichment_version() -> None:
    shipped = ROOT / "src" / "newsarchive" / "topics" / "data" / "countries_model.tsv"
    assert hashlib.sha256(shipped.read_bytes()).hexdigest() == WEIGHTS_SHA256, (
        "the weights changed: bump ENRICH_VERSION (pipeline/enrich.py) and record both here")
    assert int(ENRICH_VERSION) >= int(WEIGHTS_ENRICH_VERSION)


def test_shipped_weights_are_what_the_training_script_makes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "train_countries", ROOT / "benchmarks" / "train_countries.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_countries"] = module
    spec.loader.exec_module(module)
    output = tmp_path / "model.tsv"
    assert module.main(["--output", str(output)]) == 0
    shipped = ROOT / "src" / "newsarchive" / "topics" / "data" / "countries_model.tsv"
    assert output.read_bytes() == shipped.read_bytes()
