"""Subjects from the whole article: a small linear model shipped with the package.

The model is a multinomial logistic regression over the article's words and word
pairs (lower-case, letters only), trained by ``benchmarks/train_subjects.py`` on text
this project may use (its own labelled articles, self-written passages and public-domain
US-government posts; see that script and ``benchmarks/TOPICS.md``).  Its weights are
``data/subjects_model.tsv.gz``: a header line with the classes and their biases, then
one line per feature with its non-zero weights (``class-index:weight``).

A feature's value is the sum of its mentions' position weights (title 3, lead 2, ...,
as in :mod:`~newsarchive.topics.salience`), then ``log(1 + value)``, the vector
scaled to unit length over the features the model knows.  Inference is pure Python:
one dictionary look-up per word and word pair, then a softmax over the classes.
"""

from __future__ import annotations

import functools
import gzip
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources

from newsarchive.topics.salience import Document

__all__ = ["MODEL_FILE", "Model", "count_known", "feature_counts", "format_model", "load_model",
           "parse_model", "predict", "probabilities", "vectorize"]

#: The shipped weights, in ``newsarchive/topics/data``.
MODEL_FILE = "subjects_model.tsv.gz"
_FORMAT = "subjects-model-v1"

#: Lower-case form of a token, or "" for tokens without letters (memoised, bounded).
_LOWER: dict[str, str] = {}
_LOWER_CACHE_SIZE = 200_000


_Row = tuple[tuple[int, float], ...]


def _parse_row(cells: str) -> _Row:
    """``"3:0.25 7:-0.1"`` -> ``((3, 0.25), (7, -0.1))``; ``ValueError`` if malformed."""
    return tuple((int(i), float(w)) for i, _, w in (cell.partition(":") for cell in cells.split()))


class _Weights(Mapping[str, _Row]):
    """Each feature's weights, parsed from its cells' text when looked up (prediction
    keeps what it read: :meth:`Model.row`).

    An article uses a few hundred of the model's ~21,000 features: parsing all ~86,000
    weights up front cost each process ~60-75 ms before its first article.
    """

    __slots__ = ("_cells",)

    def __init__(self, cells: dict[str, str]) -> None:
        self._cells = cells

    def __getitem__(self, feature: str) -> _Row:
        return _parse_row(self._cells[feature])

    def __contains__(self, feature: object) -> bool:
        return feature in self._cells

    def __iter__(self) -> Iterator[str]:
        return iter(self._cells)

    def __len__(self) -> int:
        return len(self._cells)


@dataclass(frozen=True, slots=True)
class Model:
    """Classes, their biases, and each known feature's non-zero weights by class index.

    Derived for prediction: ``features`` (in the order of ``weights``: a feature's
    number is its place there), ``rows`` (every feature's weights by number, ``None``
    until :meth:`row` first reads them), ``word_ids`` (a word's number) and ``pair_ids``
    (a word pair's number, by first then second word, so that a pair is looked up
    without building its string).
    """

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, _Row]
    features: tuple[str, ...] = field(init=False, repr=False, compare=False)
    rows: list[_Row | None] = field(init=False, repr=False, compare=False)
    word_ids: Mapping[str, int] = field(init=False, repr=False, compare=False)
    pair_ids: Mapping[str, Mapping[str, int]] = field(init=False, repr=False, compare=False)
    #: A token's text -> (its lower-case word, the word's number or -1, the pairs it
    #: starts): one look-up per token in :func:`predict` (filled as texts are met,
    #: bounded like the lower-case cache).
    by_text: dict[str, tuple[str, int, Mapping[str, int] | None]] = field(
        init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        features = tuple(self.weights)
        words: dict[str, int] = {}
        pairs: dict[str, dict[str, int]] = {}
        for number, feature in enumerate(features):
            first, _, second = feature.partition(" ")
            if second:
                pairs.setdefault(first, {})[second] = number
            else:
                words[feature] = number
        object.__setattr__(self, "features", features)
        object.__setattr__(self, "rows", [None] * len(features))
        object.__setattr__(self, "word_ids", words)
        object.__setattr__(self, "pair_ids", pairs)
        object.__setattr__(self, "by_text", {})

    def row(self, number: int) -> _Row:
        """The weights of feature ``number``, read from ``weights`` and kept in ``rows``."""
        row = self.rows[number] = self.weights[self.features[number]]
        return row

    def entry(self, text: str) -> tuple[str, int, Mapping[str, int] | None]:
        """``text``'s lower-case word, its feature number (-1: unknown) and the pairs
        it starts (see ``by_text``)."""
        word = _lower(text)
        found = (word, self.word_ids.get(word, -1), self.pair_ids.get(word)) if word \
            else ("", -1, None)
        if len(self.by_text) < _LOWER_CACHE_SIZE:
            self.by_text[text] = found
        return found


def _lower(text: str) -> str:
    word = _LOWER.get(text)
    if word is None:
        word = text.lower() if text[:1].isalpha() else ""
        if word.endswith("."):
            word = word.rstrip(".")
        if len(_LOWER) < _LOWER_CACHE_SIZE:
            _LOWER[text] = word
    return word


def feature_counts(doc: Document) -> dict[str, float]:
    """Words and adjacent word pairs of ``doc`` with the sum of their position weights.

    A pair never spans punctuation or a number (the previous word is forgotten).
    """
    counts: dict[str, float] = {}
    get = counts.get
    previous = ""
    for token in doc.tokens:
        word = _lower(token[0])
        if not word:
            previous = ""
            continue
        weight = token[2]
        counts[word] = get(word, 0.0) + weight
        if previous:
            pair = previous + " " + word
            counts[pair] = get(pair, 0.0) + weight
        previous = word
    return counts


def vectorize(counts: Mapping[str, float], known: Mapping[str, object] | Iterable[str]
              ) -> dict[str, float]:
    """The model's input: ``log(1 + count)`` of the features in ``known``, unit length."""
    vocabulary = known if isinstance(known, Mapping) else frozenset(known)
    values = {f: math.log1p(c) for f, c in counts.items() if f in vocabulary}
    norm = math.sqrt(sum(v * v for v in values.values()))
    if norm == 0.0:
        return {}
    return {f: v / norm for f, v in values.items()}


def predict(doc: Document, model: Model | None = None) -> dict[str, float]:
    """The probability of every class of ``model`` (default: the shipped one) for ``doc``.

    Same arithmetic as ``vectorize`` then a dot product: :func:`count_known` then
    :func:`probabilities`.
    """
    model = model or load_model()
    return probabilities(count_known(doc, model), model)


def count_known(doc: Document, model: Model) -> dict[int, float]:
    """The summed position weights of the features of ``doc`` that ``model`` knows, by
    feature number, in order of first mention (the hot path: one pass over the words,
    no feature dictionary of unknown words is built).

    ``subjects.score_with_features`` computes the same in its pass over the cue words;
    a test keeps the two equal.
    """
    by_text, entry = model.by_text, model.entry
    counts: dict[int, float] = {}
    get = counts.get
    following: Mapping[str, int] | None = None  # pairs that start with the previous word
    for token in doc.tokens:
        text = token[0]
        word, number, starts = by_text.get(text) or entry(text)
        if not word:
            following = None
            continue
        if number >= 0:
            counts[number] = get(number, 0.0) + token[2]
        if following is not None:
            number = following.get(word, -1)
            if number >= 0:
                counts[number] = get(number, 0.0) + token[2]
        following = starts
    return counts


def probabilities(counts: Mapping[int, float], model: Model) -> dict[str, float]:
    """The probability of every class of ``model`` from ``counts`` (see
    :func:`count_known`): ``log(1 + count)`` scaled to unit length, a dot product with
    the weights, the biases, then a softmax.  The sums run in the order of ``counts``."""
    rows = model.rows
    scores = [0.0] * len(model.classes)
    square = 0.0
    log1p = math.log1p
    for number, count in counts.items():
        value = log1p(count)
        square += value * value
        row = rows[number]
        if row is None:
            row = model.row(number)
        for index, weight in row:
            scores[index] += weight * value
    norm = math.sqrt(square) or 1.0
    scores = [b + s / norm for b, s in zip(model.bias, scores, strict=True)]
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return {name: e / total for name, e in zip(model.classes, exps, strict=True)}


def parse_model(lines: Iterable[str]) -> Model:
    """Read the weights format (see the module docstring).

    A bad header raises ``ValueError`` here; a feature's cells are parsed when the
    feature is first looked up (see ``_Weights``), so a malformed cell raises
    ``ValueError`` then (at the latest when an article uses the feature).
    """
    rows = iter(lines)
    header = next(rows, "").rstrip("\n").split("\t")
    if not header or header[0] != _FORMAT:
        raise ValueError(f"not a {_FORMAT} file")
    classes: list[str] = []
    bias: list[float] = []
    for cell in header[1:]:
        name, _, value = cell.rpartition("=")
        classes.append(name)
        bias.append(float(value))
    cells: dict[str, str] = {}
    for line in rows:
        feature, _, text = line.rstrip("\n").partition("\t")
        if feature and not feature.startswith("#"):
            cells[feature] = text
    return Model(tuple(classes), tuple(bias), _Weights(cells))


def format_model(model: Model) -> str:
    """The text of the weights file for ``model`` (features sorted: byte-for-byte stable)."""
    header = "\t".join([_FORMAT, *(f"{c}={b:.4f}" for c, b in
                                   zip(model.classes, model.bias, strict=True))])
    lines = [header]
    for feature in sorted(model.weights):
        cells = " ".join(f"{i}:{w:.4f}" for i, w in model.weights[feature])
        lines.append(f"{feature}\t{cells}")
    return "\n".join(lines) + "\n"


@functools.lru_cache(maxsize=1)
def load_model() -> Model:
    """The shipped model (read once per process)."""
    data = resources.files("newsarchive.topics").joinpath("data", MODEL_FILE).read_bytes()
    return parse_model(gzip.decompress(data).decode("utf-8").splitlines())
