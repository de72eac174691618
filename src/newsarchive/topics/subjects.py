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
from collections.abc import Mapping

from newsarchive.topics.classifier import predict
from newsarchive.topics.gazetteer import load_gazetteer
from newsarchive.topics.salience import Document

__all__ = ["MAX_SUBJECTS", "MODEL_WEIGHT", "RELATIVE_THRESHOLD", "SUBJECTS", "find_subjects",
           "main_subject", "rank_subjects", "score_subjects"]

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


def score_subjects(doc: Document) -> dict[str, float]:
    """Score every subject with at least one cue (from the shipped list) in ``doc``."""
    cues = load_gazetteer().subjects
    phrases, starts = cues.phrases, cues.phrase_starts
    scores: dict[str, float] = {}
    previous = ""
    for token in doc.tokens:
        text = token[0]  # the hot loop of this module: index, not attribute
        if not text[:1].isalpha():
            previous = ""
            continue
        word, hits = _word_hits(text)
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


def main_subject(scores: Mapping[str, float], probabilities: Mapping[str, float],
                 blocked: frozenset[str]) -> str | None:
    """The main subject from cue ``scores`` and the classifier's ``probabilities``.

    The best of ``score / best score + MODEL_WEIGHT * probability`` over subjects not in
    ``blocked``; ties break by vocabulary order.  ``None`` when no subject has a cue.
    """
    allowed = [s for s in scores if s.casefold() not in blocked]
    best = max((scores[s] for s in allowed), default=0.0)
    if best <= 0.0:
        return None
    candidates = set(allowed) | {s for s in probabilities if s.casefold() not in blocked}
    combined = {s: scores.get(s, 0.0) / best + MODEL_WEIGHT * probabilities.get(s, 0.0)
                for s in candidates}
    return min(combined, key=lambda s: (-combined[s], _RANK.get(s, 99)))


def find_subjects(doc: Document, threshold: float, blocked: frozenset[str],
                  use_model: bool = True) -> tuple[str, ...]:
    """The subjects of ``doc``: :func:`rank_subjects` of its cue scores, the classifier
    choosing the main one when ``use_model`` (it runs only when a cue reaches
    ``threshold``)."""
    scores = score_subjects(doc)
    if not use_model or max(scores.values(), default=0.0) < threshold:
        return rank_subjects(scores, threshold, blocked)
    return rank_subjects(scores, threshold, blocked, predict(doc))


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
