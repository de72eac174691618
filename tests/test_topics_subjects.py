"""The subject classifier (topics/classifier.py) and how subjects.py combines it with cues."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from newsarchive.config import TopicSettings
from newsarchive.topics import extract_terms
from newsarchive.topics.classifier import (
    MODEL_FILE,
    Model,
    feature_counts,
    format_model,
    load_model,
    parse_model,
    predict,
)
from newsarchive.topics.salience import tokenize
from newsarchive.topics.subjects import SUBJECTS, find_subjects, main_subject

ROOT = Path(__file__).resolve().parents[1]
WEIGHTS = ROOT / "src" / "newsarchive" / "topics" / "data" / MODEL_FILE
#: SHA-256 of the shipped weights, as written by benchmarks/train_subjects.py (with the
#: US-government corpora present); retraining changes it, and this test says so.
WEIGHTS_SHA256 = "6245e2355f5fd35d9c3ef7f04aabcf7b6e099bb00d41bb8bbdbc9a32c2f71779"
DEFAULT = TopicSettings()
CUES_ONLY = dataclasses.replace(DEFAULT, subject_model=False)

# Constructed examples (original text, not in the training passages).
GAME = ("Zombie sequel breaks pre-order record for its studio",
        "The sequel to last year's zombie survival game has become the most pre-ordered "
        "title in the studio's history, and players will be able to download it on consoles "
        "and PCs from Friday.\n\nIn the online mode, teams of four players compete in "
        "matches against the clock, and the developer promised new maps every season. Fans "
        "who played the preview said the graphics were a big step forward.\n\nThe studio "
        "said the game had been built with a new engine that runs on older hardware, and "
        "that a version for mobile phones would follow. Critics gave the preview high "
        "scores, and it won the award for the best game at the trade show in the summer.")
CRIME_BILL = ("Senators clash over crime bill as vote nears",
              "Senators argued for a second day over the crime bill on Wednesday, with "
              "Republicans saying its longer prison sentences for repeat offenders were needed "
              "to cut violent crime and Democrats saying they would fill prisons without "
              "making streets safer.\n\nThe bill would also pay for 20,000 more police "
              "officers and give judges less discretion in sentencing. The majority leader "
              "said a vote could come on Friday if the two parties agreed on the amendments."
              "\n\nThe president has said he will sign the bill if it reaches his desk, and "
              "the House passed its own version last month. Several moderate senators said "
              "they were still undecided.")
PHONE = ("Phone maker's new handset goes on sale",
         "The phone maker's latest smartphone went on sale on Friday with a bigger screen, a "
         "faster chip and a camera app that sharpens photos taken at night.\n\nShoppers "
         "queued outside its stores, and the company said pre-orders were the highest for any "
         "handset it has launched. Analysts expect sales of 40 million units this year, and "
         "the shares rose 2 percent.\n\nThe software update that comes with the phone lets "
         "users move apps and data from an old device over the internet.")


def _train_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("train_subjects",
                                                  ROOT / "benchmarks" / "train_subjects.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("train_subjects", module)
    spec.loader.exec_module(module)
    return module


def test_a_video_game_story_is_science_and_technology() -> None:
    # its words cue sport (game, players, teams, matches, season, won): the cues alone
    # file it under sport, the classifier reading the whole article does not
    assert extract_terms(*GAME, CUES_ONLY)["subjects"][0] == "sport"
    assert extract_terms(*GAME, DEFAULT)["subjects"][0] == "science and technology"


def test_a_phone_launch_is_science_and_technology() -> None:
    assert extract_terms(*PHONE, DEFAULT)["subjects"][0] == "science and technology"


def test_a_crime_bill_debate_is_politics_with_crime_second() -> None:
    assert extract_terms(*CRIME_BILL, CUES_ONLY)["subjects"][0] == "crime, law and justice"
    subjects = extract_terms(*CRIME_BILL, DEFAULT)["subjects"]
    assert subjects[:2] == ("politics", "crime, law and justice")


def test_the_classifier_gives_a_distribution_over_the_vocabulary() -> None:
    probabilities = predict(tokenize(*GAME))
    assert set(probabilities) <= set(SUBJECTS)
    assert abs(sum(probabilities.values()) - 1.0) < 1e-9
    assert max(probabilities, key=probabilities.__getitem__) == "science and technology"


def test_no_cue_no_subject_even_with_the_model() -> None:
    # the cues still decide whether a subject is attached at all
    assert extract_terms("Notes", "A few words here.", DEFAULT)["subjects"] == ()
    assert find_subjects(tokenize("", ""), 2.0, frozenset()) == ()


def test_main_subject_combines_cue_share_and_probability() -> None:
    scores = {"sport": 10.0, "science and technology": 2.0}
    assert main_subject(scores, {"sport": 0.2, "science and technology": 0.8},
                        frozenset()) == "science and technology"
    assert main_subject(scores, {"sport": 0.6, "science and technology": 0.4},
                        frozenset()) == "sport"
    # technology's prior (0.9): 1 + 3 * 0.5 against 0.2 + 3 * 0.5 + 0.9
    assert main_subject(scores, {"sport": 0.5, "science and technology": 0.5},
                        frozenset()) == "science and technology"
    # a blocked subject never wins, however probable
    assert main_subject(scores, {"science and technology": 1.0},
                        frozenset({"science and technology"})) == "sport"
    assert main_subject({}, {"sport": 1.0}, frozenset()) is None


def test_blocked_subject_is_not_chosen_by_the_model() -> None:
    settings = dataclasses.replace(DEFAULT, block=("Science and technology",))
    assert "science and technology" not in extract_terms(*GAME, settings)["subjects"]


def test_subjects_are_deterministic() -> None:
    first = [extract_terms(*case, DEFAULT)["subjects"] for case in (GAME, CRIME_BILL, PHONE)]
    load_model.cache_clear()
    again = [extract_terms(*case, DEFAULT)["subjects"] for case in (GAME, CRIME_BILL, PHONE)]
    assert first == again
    assert predict(tokenize(*GAME)) == predict(tokenize(*GAME))


def test_features_are_words_and_pairs_weighted_by_position() -> None:
    counts = feature_counts(tokenize("Chip sales", "Chip sales rose. Sales fell."))
    assert counts["chip"] == 3.0 + 2.0  # title 3, lead 2
    assert counts["chip sales"] == 5.0
    assert counts["sales"] == 3.0 + 2.0 + 2.0
    assert "rose sales" not in counts  # a pair never spans a full stop


def test_weights_file_round_trips() -> None:
    text = gzip.decompress(WEIGHTS.read_bytes()).decode("utf-8")
    model = parse_model(text.splitlines())
    assert format_model(model) == text
    assert model.classes == tuple(s for s in SUBJECTS if s in model.classes)


def test_shipped_weights_are_compact_and_recorded() -> None:
    data = WEIGHTS.read_bytes()
    assert len(data) <= 1_000_000
    assert hashlib.sha256(data).hexdigest() == WEIGHTS_SHA256, (
        "the weights changed: retrain with benchmarks/train_subjects.py and record the "
        "new checksum here and in benchmarks/TOPICS.md")


def test_training_is_reproducible_on_a_tiny_fixture(tmp_path: Path) -> None:
    train = _train_module()
    examples = [
        train.Example("t:1", "Console sales", "Gamers bought the console and its games online.",
                      "science and technology"),
        train.Example("t:2", "New app", "The app lets users stream games to phones online.",
                      "science and technology"),
        train.Example("s:1", "Cup final", "The team won the final and the players lifted the cup.",
                      "sport"),
        train.Example("s:2", "League", "The players scored as the team won the league match.",
                      "sport"),
    ]
    first, second = train.train(examples, epochs=5), train.train(list(examples), epochs=5)
    assert first == second
    train.write_model(first, tmp_path / "a.gz")
    train.write_model(second, tmp_path / "b.gz")
    assert (tmp_path / "a.gz").read_bytes() == (tmp_path / "b.gz").read_bytes()
    assert first.classes == ("science and technology", "sport")
    doc = tokenize("Online games", "Gamers stream games to the console and phones.")
    probabilities = predict(doc, first)
    assert probabilities["science and technology"] > probabilities["sport"]
    assert isinstance(parse_model(format_model(first).splitlines()), Model)


def test_training_skips_absent_corpora_with_a_reason(tmp_path: Path) -> None:
    examples, skipped = _train_module().gov_examples(tmp_path)
    assert examples == []
    assert skipped == [f"digitalgov-news-hugo: {tmp_path}/digitalgov-news-hugo/content not present",
                       f"18f-blog-posts: {tmp_path}/18f-blog-posts/content not present"]


def test_training_never_reads_the_measurement_splits() -> None:
    # every split scored blind once is a tuning split; the newest blind split is not
    train = _train_module()
    splits = {e.source.split(":")[0] for e in train.labelled_examples()}
    assert splits == {"dev", "holdout", "dev2", *(f"holdout{n}" for n in range(2, 11))}
    assert "holdout11" not in splits
