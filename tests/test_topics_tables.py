"""The data tables read on first look-up (the classifier's weights in topics/classifier.py,
the towns in topics/gazetteer.py) give what reading them whole gives, entry for entry."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from newsarchive.topics.classifier import (
    MODEL_FILE,
    count_known,
    format_model,
    load_model,
    parse_model,
    predict,
)
from newsarchive.topics.gazetteer import Town, Towns, load_gazetteer
from newsarchive.topics.salience import tokenize

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "newsarchive" / "topics" / "data"
HEADER = "subjects-model-v1\tsport=0.5\tpolitics=-0.25"

_Rows = dict[str, tuple[tuple[int, float], ...]]


def _weights_text() -> str:
    return gzip.decompress((DATA / MODEL_FILE).read_bytes()).decode("utf-8")


def _eager_weights(lines: list[str]) -> _Rows:
    """Every feature's weights as the format was read before it was read lazily."""
    weights: _Rows = {}
    for line in lines[1:]:
        feature, _, cells = line.rstrip("\n").partition("\t")
        if feature and not feature.startswith("#"):
            weights[feature] = tuple((int(i), float(w)) for i, _, w in
                                     (cell.partition(":") for cell in cells.split()))
    return weights


def _eager_towns() -> dict[str, tuple[Town, ...]]:
    """Every key's towns as ``towns.tsv`` was read before it was read lazily."""
    towns: dict[str, tuple[Town, ...]] = {}
    for line in (DATA / "towns.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, name, country, state, population = line.split("\t")
            towns[key] = (*towns.get(key, ()), Town(name, country, state, int(population)))
    return towns


def test_the_shipped_weights_read_lazily_equal_an_eager_reading() -> None:
    lines = _weights_text().splitlines()
    eager = _eager_weights(lines)
    model = parse_model(lines)
    assert model.rows == [None] * len(eager)  # nothing parsed before a look-up
    assert list(model.weights) == list(eager) == list(model.features)  # numbering order
    assert len(model.weights) == len(eager)
    for number, feature in enumerate(eager):
        assert feature in model.weights
        assert model.row(number) == eager[feature] == model.weights[feature]
    words = {f: n for n, f in enumerate(eager) if " " not in f}
    pairs: dict[str, dict[str, int]] = {}
    for number, feature in enumerate(eager):
        first, _, second = feature.partition(" ")
        if second:
            pairs.setdefault(first, {})[second] = number
    assert model.word_ids == words
    assert model.pair_ids == pairs


def test_a_prediction_parses_only_the_features_it_uses() -> None:
    model = parse_model(_weights_text().splitlines())
    doc = tokenize("Senators clash over crime bill", "The crime bill goes to a vote on Friday.")
    counts = count_known(doc, model)
    probabilities = predict(doc, model)
    assert {n for n, row in enumerate(model.rows) if row is not None} == set(counts)
    assert probabilities == predict(doc, load_model())  # the same as the shipped model's


def test_a_malformed_cell_raises_when_its_feature_is_used() -> None:
    for cells in ("0:x", "0", "q:1.0", "0:1.0 1:"):
        model = parse_model([HEADER, "game\t0:1.0", f"goal\t{cells}"])
        assert "goal" in model.weights  # reading the file does not parse the cells
        assert model.weights["game"] == ((0, 1.0),)
        with pytest.raises(ValueError):
            model.weights["goal"]
        with pytest.raises(ValueError):
            predict(tokenize("Goal", "A goal."), model)
    assert predict(tokenize("Game", "A game."), model)  # other features still work


@pytest.mark.parametrize("header", ["", "subjects-model-v2\tsport=0.0", "nothing",
                                    "subjects-model-v1\tsport=zero"])
def test_a_bad_header_raises_at_once(header: str) -> None:
    with pytest.raises(ValueError):
        parse_model([header, "game\t0:1.0"])


def test_reading_and_formatting_round_trip() -> None:
    text = _weights_text()
    model = parse_model(text.splitlines())
    assert format_model(model) == text
    assert parse_model(format_model(model).splitlines()) == model
    # comments, blank lines and a later line for the same feature, as an eager read had it
    small = parse_model([HEADER + "\n", "# note\n", "\n", "goal\t1:0.5\n", "game\t0:1\n",
                         "goal\t0:2.0 1:-0.5\n", "lone\n"])
    assert dict(small.weights) == {"goal": ((0, 2.0), (1, -0.5)), "game": ((0, 1.0),),
                                   "lone": ()}
    assert small.features == ("goal", "game", "lone")
    assert format_model(small) == ("subjects-model-v1\tsport=0.5000\tpolitics=-0.2500\n"
                                   "game\t0:1.0000\ngoal\t0:2.0000 1:-0.5000\nlone\t\n")


def test_the_towns_table_is_sorted_by_key_after_its_header() -> None:
    # what the bisection in Towns relies on (build_data writes it so)
    lines = (DATA / "towns.tsv").read_bytes().splitlines()
    header = 0
    while lines[header].startswith(b"#"):
        header += 1
    body = lines[header:]
    assert header and all(body) and not any(line.startswith(b"#") for line in body)
    keys = [line.partition(b"\t")[0] for line in body]
    assert keys == sorted(keys)
    assert all(byte >= 0x20 for key in set(keys) for byte in key)  # none sorts below a tab


def test_the_shipped_towns_read_lazily_equal_an_eager_reading() -> None:
    eager = _eager_towns()
    towns = load_gazetteer().towns
    assert list(towns) == list(eager)
    assert len(towns) == len(eager)
    for key, expected in eager.items():
        assert towns[key] == expected
        assert towns.get(key) == expected
        assert key in towns
    assert sum(len(v) > 1 for v in eager.values()) > 100  # keys shared by several towns


def test_towns_sharing_a_key_keep_their_order_and_prefixes_stay_apart() -> None:
    towns = Towns("# a header\n# key\tname\tcountry\tregion\tpopulation\n"
                  "Alba\tAlba\tItaly\tPiedmont\t31000\n"
                  "Alba\tAlba\tSpain\t\t20000\n"
                  "Alba Iulia\tAlba Iulia\tRomania\t\t63000\n"
                  "Zug\tZug\tSwitzerland\t\t30000\n"
                  "Zürich\tZürich\tSwitzerland\t\t400000\n"
                  "Ålesund\tÅlesund\tNorway\t\t45000\n".encode())
    assert towns["Alba"] == (Town("Alba", "Italy", "Piedmont", 31000),
                             Town("Alba", "Spain", "", 20000))
    assert towns["Alba Iulia"] == (Town("Alba Iulia", "Romania", "", 63000),)
    assert towns["Zürich"][0].population == 400000
    assert towns["Ålesund"][0].country == "Norway"
    assert list(towns) == ["Alba", "Alba Iulia", "Zug", "Zürich", "Ålesund"]
    for missing in ("Alb", "Alba Iul", "alba", "", "Zu", "Alba\tAlba", "# a header",
                    "\ud800", "Ω"):
        assert missing not in towns
        assert towns.get(missing) is None
        assert towns.get(missing, ()) == ()
        with pytest.raises(KeyError):
            towns[missing]
    assert ("Alba",) not in towns  # not a string: not a key


def test_a_malformed_town_line_raises_when_its_key_is_looked_up() -> None:
    towns = Towns(b"Alba\tAlba\tItaly\tPiedmont\tmany\nZug\tZug\tSwitzerland\n"
                  b"Zurich\tZurich\tSwitzerland\t\t400000\n")
    assert towns["Zurich"][0].population == 400000
    for key in ("Alba", "Zug"):
        with pytest.raises(ValueError):
            towns.get(key)
