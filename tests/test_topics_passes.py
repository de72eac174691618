"""The subject cues and the classifier's features counted in one pass (topics/subjects.py
``score_with_features``) give what the two separate passes give; the topics modules stay
small."""

from __future__ import annotations

from pathlib import Path

import yaml

from newsarchive.config import TopicSettings
from newsarchive.topics import extract_terms
from newsarchive.topics.classifier import (
    count_known,
    load_model,
    parse_model,
    predict,
    probabilities,
)
from newsarchive.topics.salience import tokenize
from newsarchive.topics.subjects import score_subjects, score_with_features

ROOT = Path(__file__).resolve().parents[1]
TOPICS = ROOT / "src" / "newsarchive" / "topics"

# Original text: phrases, possessives, initialisms, numbers and punctuation between words
# (a pair never spans them), a word known in two cases ("Game", "game").
MIXED = ("Game studio's U.S. sales rise; crime bill vote set",
         "The game studio said U.S. sales rose 12% in the quarter. Game sales, it said, "
         "were up.\n\nThe crime bill -- a prison and police bill -- goes to a vote. "
         "Senators (and the House) will vote on Friday.\n\n_ 42 ... \"Health care\" "
         "costs rose; the health care bill stalled.")


def _labelled() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for path in sorted((ROOT / "tests" / "data" / "topics").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out += [(a["title"], a["text"]) for a in data["articles"]]
    return out


def test_one_pass_equals_the_cue_pass_and_the_model_pass() -> None:
    model = load_model()
    cases = [MIXED, ("", ""), ("Title only", ""), *_labelled()]
    assert len(cases) > 100
    for title, text in cases:
        doc = tokenize(title, text)
        scores, counts = score_with_features(doc, model)
        separate = score_subjects(doc), count_known(doc, model)
        # same keys in the same order (the sums run in that order), same floats
        assert list(scores.items()) == list(separate[0].items())
        assert list(counts.items()) == list(separate[1].items())
        assert probabilities(counts, model) == predict(doc, model)


def test_the_one_pass_counts_words_and_pairs_by_position() -> None:
    model = load_model()
    doc = tokenize("Crime bill", "The crime bill passed. Crime fell.")
    _, counts = score_with_features(doc, model)
    names = {number: feature for number, feature in enumerate(model.weights)}
    by_name = {names[number]: count for number, count in counts.items()}
    assert by_name["crime"] == 3.0 + 2.0 + 2.0  # title 3, lead 2 twice
    assert by_name["crime bill"] == 3.0 + 2.0
    assert "passed crime" not in by_name  # a pair never spans a full stop


def test_the_one_pass_follows_the_model_it_is_given() -> None:
    shipped = load_model()
    # A one-feature model: its memo must not answer for the shipped model, nor back.
    tiny = parse_model(["subjects-model-v1\tsport=0.0\tpolitics=0.0", "game\t0:1.0"])
    doc = tokenize(*MIXED)
    before = score_with_features(doc, shipped)
    _, tiny_counts = score_with_features(doc, tiny)
    assert tiny_counts == {0: 3.0 + 2.0 + 2.0}  # "Game" in the title, twice in the lead
    assert score_with_features(doc, shipped) == before
    assert before[1] == count_known(doc, shipped)


def test_subjects_are_the_same_with_a_fresh_model() -> None:
    settings = TopicSettings()
    first = extract_terms(*MIXED, settings)["subjects"]
    load_model.cache_clear()
    assert extract_terms(*MIXED, settings)["subjects"] == first
    assert first  # a subject was found: the model ran


def test_every_topics_module_is_at_most_400_lines() -> None:
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines())
             for path in TOPICS.glob("*.py")}
    assert "org_mentions.py" in sizes
    assert {name: n for name, n in sizes.items() if n > 400} == {}
