"""Subjects: a fixed IPTC-like vocabulary scored from cue words.

Every word of the article is looked up among the cues of each subject
(``data/subjects.tsv``: exact words, word prefixes, two-word phrases); a hit
adds the subject's weight times the word's position weight (title, lead, top,
rest).  The best subject is attached when its score reaches the threshold;
others when they also reach a share of the best score.

With the classifier (:mod:`~newsarchive.topics.classifier`, on by default), the cues
still decide *whether* subjects are attached and which secondary ones, but the main
subject is the best of ``cue score / best cue score + MODEL_WEIGHT * probability``:
the model reads every word of the article, so a story about a video game whose
words cue sport ("game", "players", "win") goes to science and technology, and a
debate on a crime bill to politics.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping

from newsarchive.topics.classifier import Model, load_model, probabilities
from newsarchive.topics.gazetteer import load_gazetteer
from newsarchive.topics.salience import Document

__all__ = ["MAX_SUBJECTS", "MODEL_WEIGHT", "PRIORS", "RELATIVE_THRESHOLD", "SUBJECTS",
           "find_subjects", "main_subject", "rank_subjects", "score_subjects",
           "score_with_features"]

#: The vocabulary, in the order of ``data/subjects.tsv``.
SUBJECTS: tuple[str, ...] = (
    "politics", "conflict, war and peace", "economy, business and finance",
    "science and technology", "sport", "arts, culture, entertainment and media", "health",
    "environment", "crime, law and justice", "education", "disaster, accident and emergency",
    "lifestyle and leisure", "religion", "society", "weather", "labour", "human interest",
)
#: A subject after the first needs this share of the best subject's score.
RELATIVE_THRESHOLD = 0.5
MAX_SUBJECTS = 3
#: What the classifier's probability counts beside the cue score scaled to the best
#: cue = 1 (chosen by cross-validation on the tuning splits; benchmarks/TOPICS.md).
MODEL_WEIGHT = 3.0
#: What a subject's combined score gains before the main subject is chosen: the
#: classifier, trained mostly on wire copy, gives company news about phones, chips,
#: software and the web to business, where readers and broadcasters file most of it
#: under technology (39 of the 95 section misses of the labelled set).  Chosen on the
#: blind splits of rounds 13 to 20, which the classifier is not trained on
#: (benchmarks/TOPICS.md, "Round 20").
PRIORS: Mapping[str, float] = {"science and technology": 0.9}
#: Ties between subjects break by vocabulary order.
_RANK = {subject: index for index, subject in enumerate(SUBJECTS)}


@functools.lru_cache(maxsize=1 << 16)
def _word_hits(text: str) -> tuple[str, tuple[tuple[str, float], ...]]:
    """The lower-case word and the subjects cued by one word as written (memoised:
    the cues never change); an acronym cue (``WHO``) needs capitals."""
    cues = load_gazetteer().subjects
    word = text.lower()
    if word in cues.acronyms and not text.isupper():
        return word, ()
    hits: dict[str, float] = dict(cues.words.get(word, ()))
    for stem, subject, weight in cues.prefixes.get(word[:3], ()):
        if word.startswith(stem):
            hits[subject] = max(hits.get(subject, 0.0), weight)
    return word, tuple(hits.items())


#: A token's text -> its word and cues (``("", ())`` when it does not start with a
#: letter), memoised across articles (bounded): one dictionary look-up per token.
_HITS: dict[str, tuple[str, tuple[tuple[str, float], ...]]] = {}
_HITS_SIZE = 200_000


def _text_hits(text: str) -> tuple[str, tuple[tuple[str, float], ...]]:
    found = _word_hits(text) if text[:1].isalpha() else ("", ())
    if len(_HITS) < _HITS_SIZE:
        _HITS[text] = found
    return found


def score_subjects(doc: Document) -> dict[str, float]:
    """Score every subject with at least one cue (from the shipped list) in ``doc``."""
    cues = load_gazetteer().subjects
    phrases, starts = cues.phrases, cues.phrase_starts
    scores: dict[str, float] = {}
    previous = ""
    memo = _HITS
    for token in doc.tokens:
        text = token[0]  # the hot loop of this module: index, not attribute
        found = memo.get(text)
        if found is None:
            found = _text_hits(text)
        word, hits = found
        if not word:
            previous = ""
            continue
        if previous in starts:
            phrase = phrases.get(f"{previous} {word}")
            if phrase:
                cued = {subject for subject, _ in hits}
                hits = hits + tuple(h for h in phrase if h[0] not in cued)
        if hits:
            weight = token[2]
            for subject, cue in hits:
                scores[subject] = scores.get(subject, 0.0) + cue * weight
        previous = word
    return scores


#: A token's text -> its cue word and cues (as ``_HITS``), then the model's view of it
#: (as ``Model.entry``: lower-case word, feature number, pairs it starts), for one model
#: (the shipped one, unless a test passes another); bounded like ``_HITS``.
_Joint = tuple[str, tuple[tuple[str, float], ...], int, Mapping[str, int] | None, str]
_JOINT: list[tuple[Model, dict[str, _Joint]]] = []


def _joint_memo(model: Model) -> dict[str, _Joint]:
    if not _JOINT or _JOINT[0][0] is not model:
        _JOINT[:] = [(model, {})]
    return _JOINT[0][1]


def _joint_entry(memo: dict[str, _Joint], model: Model, text: str) -> _Joint:
    word, hits = _HITS.get(text) or _text_hits(text)
    lower, number, starts = model.by_text.get(text) or model.entry(text)
    found = (word, hits, number, starts, lower)
    if len(memo) < _HITS_SIZE:
        memo[text] = found
    return found


def score_with_features(doc: Document, model: Model) -> tuple[dict[str, float], dict[int, float]]:
    """:func:`score_subjects` and ``classifier.count_known(doc, model)`` in one pass over
    the tokens (one look-up per token for both): the same two dictionaries, same order."""
    cues = load_gazetteer().subjects
    phrases, phrase_starts = cues.phrases, cues.phrase_starts
    memo = _joint_memo(model)
    # defaultdicts: ``d[k] += w`` without a method call; 0.0 + w is w, as with get()
    scores: defaultdict[str, float] = defaultdict(float)
    counts: defaultdict[int, float] = defaultdict(float)
    previous = ""  # the previous cue word (phrases)
    following: Mapping[str, int] | None = None  # model pairs that start with it
    for token in doc.tokens:
        text = token[0]  # the hot loop: index, not attribute
        found = memo.get(text)
        if found is None:
            found = _joint_entry(memo, model, text)
        word, hits, number, starts, lower = found
        if not word:  # the model's word is empty exactly when the cue word is
            previous = ""
            following = None
            continue
        weight = token[2]
        if number >= 0:
            counts[number] += weight
        if following is not None:
            number = following.get(lower, -1)
            if number >= 0:
                counts[number] += weight
        following = starts
        if previous in phrase_starts:
            phrase = phrases.get(f"{previous} {word}")
            if phrase:
                cued = {subject for subject, _ in hits}
                hits = hits + tuple(h for h in phrase if h[0] not in cued)
        for subject, cue in hits:
            scores[subject] += cue * weight
        previous = word
    return dict(scores), dict(counts)


def main_subject(scores: Mapping[str, float], probabilities: Mapping[str, float],
                 blocked: frozenset[str]) -> str | None:
    """The main subject from cue ``scores`` and the classifier's ``probabilities``.

    The best of ``score / best score + MODEL_WEIGHT * probability`` plus the subject's
    :data:`PRIORS` over subjects not in ``blocked``; ties break by vocabulary order.
    ``None`` when no subject has a cue.
    """
    allowed = [s for s in scores if s.casefold() not in blocked]
    best = max((scores[s] for s in allowed), default=0.0)
    if best <= 0.0:
        return None
    candidates = set(allowed) | {s for s in probabilities if s.casefold() not in blocked}
    combined = {s: scores.get(s, 0.0) / best + MODEL_WEIGHT * probabilities.get(s, 0.0)
                for s in candidates}
    for subject, prior in PRIORS.items():
        if subject in combined:
            combined[subject] += prior
    return min(combined, key=lambda s: (-combined[s], _RANK.get(s, 99)))


def find_subjects(doc: Document, threshold: float, blocked: frozenset[str],
                  use_model: bool = True) -> tuple[str, ...]:
    """The subjects of ``doc``: :func:`rank_subjects` of its cue scores, the classifier
    choosing the main one when ``use_model`` (its features are counted in the cues'
    pass; its probabilities are computed only when a cue reaches ``threshold``)."""
    if not use_model:
        return rank_subjects(score_subjects(doc), threshold, blocked)
    model = load_model()
    scores, counts = score_with_features(doc, model)
    if max(scores.values(), default=0.0) < threshold:
        return rank_subjects(scores, threshold, blocked)
    return rank_subjects(scores, threshold, blocked, probabilities(counts, model))


def rank_subjects(scores: dict[str, float], threshold: float, blocked: frozenset[str],
                  probabilities: Mapping[str, float] | None = None) -> tuple[str, ...]:
    """Subjects most salient first: the best if it reaches ``threshold``, then close ones.

    Subjects in ``blocked`` (case-folded names) are left out before the best is chosen.
    With the classifier's ``probabilities``, :func:`main_subject` comes first.
    """
    ordered = sorted((s for s in scores if s.casefold() not in blocked),
                     key=lambda s: (-scores[s], _RANK.get(s, 99)))
    if not ordered or scores[ordered[0]] < threshold:
        return ()
    best = scores[ordered[0]]
    kept = [s for s in ordered if scores[s] >= max(threshold, RELATIVE_THRESHOLD * best)]
    if probabilities is not None:
        main = main_subject(scores, probabilities, blocked)
        if main is not None:
            kept = [main, *(s for s in kept if s != main)]
    return tuple(kept[:MAX_SUBJECTS])
