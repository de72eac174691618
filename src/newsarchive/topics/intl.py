"""Places in articles written in a non-Latin script (Arabic, Cyrillic, Chinese, ...).

The English extractor reads capitals, prepositions and demonyms; none of that
carries over, so text in another script takes this simpler, precision-first
path: the country and big-city names of the article's script group
(``data/places_intl.tsv.gz``, built by :mod:`newsarchive.topics.build_intl`)
are matched the way the script writes words (:mod:`newsarchive.topics.scripts`),
and a place counts when its mentions reach the threshold with the weights
title 3, lead 2, elsewhere 1: named once in the title or lead, or twice
anywhere ("lead" is the first paragraph, at most its first
:data:`LEAD_CHARS` characters, since many feeds put the whole body in one
paragraph).  Every city mention also counts for its country, and an attached
city brings its country.  Terms are the English gazetteer's canonical names,
so an Arabic article about Iraq files under the same ``Iraq`` term as an
English one.  People, organizations and subjects are not derived here.
"""

from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

from newsarchive.topics.gazetteer import load_gazetteer
from newsarchive.topics.salience import BODY_WEIGHT, LEAD_WEIGHT, TITLE_WEIGHT
from newsarchive.topics.scripts import cyrillic_forms, normalize

__all__ = ["LEAD_CHARS", "intl_places"]

#: How much of the first paragraph counts as the lead, by script group (ideographs
#: carry about three times the content per character).
LEAD_CHARS = {"hani": 100, "thai": 150}
_DEFAULT_LEAD_CHARS = 250
#: Groups matched as substrings (no spaces between words).
_UNSPACED = frozenset({"hani", "thai", "hang"})
#: Arabic conjunctions and prepositions written onto the next word ("and", "in/by",
#: "for", "as"); the article stays on the name (``بالعراق`` -> ``العراق``).  ``لل``
#: is ``ل`` + ``ال`` with the alef dropped (``للعراق`` -> ``العراق``).
_ARABIC_PREFIXES = ("وب", "ول", "فب", "فل", "وك", "و", "ف", "ب", "ك", "ل")
_ARABIC_LAM = ("ولل", "فلل", "لل")
_HEBREW_PREFIXES = frozenset("והבלמשכ")
_WORD = re.compile(r"\w+")
_KATAKANA = re.compile(r"[\u30a0-\u30ff]+")

_Names = tuple[tuple[tuple[str, ...], str], ...]


@dataclass(frozen=True, slots=True)
class ScriptNames:
    """The names of one script group, indexed for matching.

    ``words``: first word core -> (word cores, canonical), longest first (spaced
    scripts); ``forms``: Cyrillic case form -> nominatives; ``starts``: first
    character -> (surface, canonical), longest first (unspaced scripts).  A
    canonical ``""`` is a blocked surface: it is matched and ignored.
    """

    words: Mapping[str, _Names]
    forms: Mapping[str, tuple[str, ...]]
    starts: Mapping[str, tuple[tuple[str, str], ...]]


@functools.cache
def _rows() -> tuple[tuple[str, str, str], ...]:
    data = resources.files("newsarchive.topics").joinpath("data/places_intl.tsv.gz").read_bytes()
    places = load_gazetteer().places
    rows = []
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        if line and not line.startswith("#"):
            group, surface, canonical, _kind = line.split("\t")
            if canonical == "-" or canonical in places:
                rows.append((group, surface, "" if canonical == "-" else canonical))
    return tuple(rows)


@functools.cache
def load_script(group: str) -> ScriptNames:
    """The names of script ``group`` (cached: once per process and group)."""
    words: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    forms: dict[str, list[str]] = {}
    starts: dict[str, list[tuple[str, str]]] = {}
    for row_group, surface, canonical in _rows():
        if row_group != group:
            continue
        if group in _UNSPACED:
            starts.setdefault(surface[0], []).append((surface, canonical))
            continue
        cores = tuple(_WORD.findall(surface))
        if cores:
            words.setdefault(cores[0], []).append((cores, canonical))
        if group == "cyrl":
            for word in cores:
                for form in cyrillic_forms(word):
                    if word not in forms.setdefault(form, []):
                        forms[form].append(word)
    return ScriptNames(
        words=MappingProxyType({k: tuple(sorted(v, key=lambda c: -len(c[0])))
                                for k, v in words.items()}),
        forms=MappingProxyType({k: tuple(v) for k, v in forms.items()}),
        starts=MappingProxyType({k: tuple(sorted(v, key=lambda c: -len(c[0])))
                                 for k, v in starts.items()}))


def _word_cores(group: str, word: str, forms: Mapping[str, tuple[str, ...]]) -> set[str]:
    """The forms under which ``word`` may name a place: itself, without prefixes
    (Arabic, Hebrew), its nominatives (Cyrillic), without a genitive ``ς`` (Greek)."""
    cores = {word}
    if group == "arab":
        for prefix in _ARABIC_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                cores.add(word[len(prefix):])
        for prefix in _ARABIC_LAM:
            if word.startswith(prefix) and len(word) - len(prefix) >= 2:
                cores.add("ال" + word[len(prefix):])
    elif group == "hebr":
        k = 0
        while k < 3 and k < len(word) - 2 and word[k] in _HEBREW_PREFIXES:
            k += 1
            cores.add(word[k:])
    elif group == "cyrl":
        cores.update(forms.get(word, ()))
    elif group == "grek" and word.endswith("ς"):
        cores.add(word[:-1])
    return cores


_Mention = tuple[int, int, str]


def _match_words(group: str, text: str, names: ScriptNames) -> list[_Mention]:
    """(start, end, canonical) of each name in ``text``, longest match first."""
    spans = [(m.start(), m.end(), _word_cores(group, m.group(), names.forms))
             for m in _WORD.finditer(text)]
    found: list[_Mention] = []
    i = 0
    while i < len(spans):
        offset, _end, cores = spans[i]
        best: tuple[int, str] | None = None
        for core in cores:
            for tokens, canonical in names.words.get(core, ()):
                size = len(tokens)
                if (best is None or size > best[0]) and i + size <= len(spans) and all(
                        tokens[k] in spans[i + k][2] for k in range(1, size)):
                    best = (size, canonical)
                    break
        if best is None:
            i += 1
            continue
        if best[1]:
            found.append((offset, spans[i + best[0] - 1][1], best[1]))
        i += best[0]
    return found


def _is_katakana(char: str) -> bool:
    return "\u30a0" <= char <= "\u30ff"


def _match_unspaced(group: str, text: str, names: ScriptNames) -> list[_Mention]:
    """(start, end, canonical) of names in text without spaces: leftmost, longest first.

    A katakana name must not continue a katakana word (``インド`` is not in
    ``インドア``); a Korean name must start a word (particles may follow it).
    """
    found: list[_Mention] = []
    starts = names.starts
    i, n = 0, len(text)
    while i < n:
        candidates = starts.get(text[i])
        end = 0
        for surface, canonical in candidates or ():
            if not text.startswith(surface, i):
                continue
            stop = i + len(surface)
            if _KATAKANA.fullmatch(surface) and (
                    (i and _is_katakana(text[i - 1])) or (stop < n and _is_katakana(text[stop]))):
                continue
            if group == "hang" and i and "\uac00" <= text[i - 1] <= "\ud7af":
                continue
            end = stop
            if canonical:
                found.append((i, stop, canonical))
            break
        i = end or i + 1
    return found


def _mentions(group: str, text: str) -> list[_Mention]:
    names = load_script(group)
    text = normalize(group, text)
    if group in _UNSPACED:
        return _match_unspaced(group, text, names)
    return _match_words(group, text, names)


def intl_places(title: str, text: str, group: str) -> dict[str, float]:
    """Salience of each place named in ``title`` and ``text`` (script ``group``).

    ``group`` is a script group of :mod:`newsarchive.topics.scripts` (from
    :func:`~newsarchive.topics.scripts.detect_group`).  Cities add their
    mentions to their country and lift it to at least their own score.
    Never raises on any text; an unknown group gives ``{}``.
    """
    places = load_gazetteer().places
    scores: dict[str, float] = {}
    text = text.strip()
    paragraph = re.split(r"\n\s*\n", text, maxsplit=1)[0]
    lead_end = min(len(paragraph), LEAD_CHARS.get(group, _DEFAULT_LEAD_CHARS))
    zones = [(TITLE_WEIGHT, title, len(title))] if title.strip() else []
    zones.append((LEAD_WEIGHT, text, lead_end))
    for weight, part, lead in zones:
        mentions = _mentions(group, part)
        listed = _listed(part, mentions) if weight == LEAD_WEIGHT else set()
        for index, (offset, _end, canonical) in enumerate(mentions):
            mention = weight if offset < lead and index not in listed else BODY_WEIGHT
            scores[canonical] = scores.get(canonical, 0.0) + mention
            parent = places[canonical].parent
            if parent and parent in places:
                scores[parent] = scores.get(parent, 0.0) + mention
    return scores


#: What may separate the members of a list of places ("巴西、印度、俄罗斯", "سوريا والعراق").
_LIST_GAPS = frozenset({"", "、", ",", "，", "،", "و"})


def _listed(text: str, mentions: list[_Mention]) -> set[int]:
    """Indexes of mentions in a list of three or more places: a list in the lead
    ("已经有巴西、印度、俄罗斯、越南和菲律宾等") is in passing, so its members get
    the body weight."""
    listed: set[int] = set()
    run = [0] if mentions else []
    for index in range(1, len(mentions) + 1):
        if index < len(mentions) and text[mentions[index - 1][1]:mentions[index][0]].strip() \
                in _LIST_GAPS | {"和", "及", "与"}:
            run.append(index)
            continue
        if len(run) >= 3:
            listed.update(run)
        run = [index]
    return listed
