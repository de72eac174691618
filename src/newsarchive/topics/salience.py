"""Tokens with their position in the article, and the salience of a mention.

An article is the title plus the body's paragraphs; a mention's weight says how
prominent its place is: the title counts most, then the lead (first paragraph),
then the top of the story (paragraphs 2 to 5), then the rest.  A term's
salience is the sum of its mentions' weights plus a bonus when one mention is
anchored (a place after a locative preposition, a person introduced with a
title or role, a curated organization).  Only terms whose salience reaches
``TopicSettings.min_salience`` are attached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

__all__ = [
    "ABBREVIATIONS",
    "SENTENCE_ENDS",
    "TITLE_WEIGHT",
    "Document",
    "Token",
    "capitalized_spans",
    "is_namelike",
    "rank",
    "split_words",
    "tokenize",
    "zone_weight",
]

TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
TOP_WEIGHT = 1.5
BODY_WEIGHT = 1.0
#: Paragraphs after the lead that still count as the top of the story.
TOP_PARAGRAPHS = 4

#: Words whose trailing period belongs to the word rather than ending a sentence.
ABBREVIATIONS = frozenset({
    "Mr.", "Mrs.", "Ms.", "Dr.", "Gen.", "Sen.", "Rep.", "Gov.", "Lt.", "Col.", "Maj.",
    "Capt.", "Sgt.", "Adm.", "Brig.", "Rev.", "Fr.", "Prof.", "St.", "Jr.", "Sr.", "Co.",
    "Corp.", "Inc.", "Ltd.", "Bros.", "No.", "Mt.", "Ft.", "Calif.", "Fla.", "Ga.", "Ala.",
    "Ariz.", "Ark.", "Colo.", "Conn.", "Del.", "Ill.", "Ind.", "Kan.", "Ky.", "La.", "Md.",
    "Mass.", "Mich.", "Minn.", "Miss.", "Mo.", "Mont.", "Neb.", "Nev.", "Okla.", "Ore.",
    "Pa.", "Tenn.", "Vt.", "Va.", "Wash.", "Wis.", "Wyo.", "Jan.", "Feb.", "Aug.", "Sept.",
    "Oct.", "Nov.", "Dec.",
})

_TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}(?:[^\W\d_]\.?)?"          # initialisms: U.S., F.W., W.Va.
    r"|[^\W\d_]+(?:['’\-.&][^\W\d_]+)*\.?"         # words, with inner ' - . &
    r"|\d[\d,.:]*"
    r"|[^\w\s]"
)
#: Tokens that end a sentence.
SENTENCE_ENDS = frozenset({".", "!", "?"})
_QUOTES = frozenset({'"', "“", "”", "‘", "’", "'", "(", "«"})


class Token(NamedTuple):
    """One token: its text, paragraph (-1 for the title), weight and flags.

    A named tuple rather than a frozen dataclass: an article has hundreds of
    tokens and a frozen dataclass's ``__init__`` is several times slower.

    ``starts_sentence`` is true for the first word of a sentence, whose capital
    says nothing about it being a name; ``capitalized`` is true when the text
    starts with an upper-case letter.
    """

    text: str
    paragraph: int
    weight: float
    starts_sentence: bool
    capitalized: bool
    namelike: bool = False


@dataclass(frozen=True, slots=True)
class Document:
    """A tokenized article: the title tokens then the body tokens, in order."""

    tokens: tuple[Token, ...]
    title_end: int
    lead: str
    #: Indexes of the name-like tokens, and of the quotation marks and brackets
    #: (``_QUOTES``), noted while tokenizing so that later passes need not scan every
    #: token again.
    namelike_at: tuple[int, ...] = ()
    quotes_at: tuple[int, ...] = ()


def zone_weight(paragraph: int) -> float:
    """The weight of a mention in ``paragraph`` (-1 is the title, 0 the lead)."""
    if paragraph < 0:
        return TITLE_WEIGHT
    if paragraph == 0:
        return LEAD_WEIGHT
    if paragraph <= TOP_PARAGRAPHS:
        return TOP_WEIGHT
    return BODY_WEIGHT


def split_words(text: str) -> list[str]:
    """Split ``text`` into word and punctuation tokens (``Russia's`` -> ``Russia``, ``'s``)."""
    words: list[str] = []
    for raw in _TOKEN.findall(text):
        words += _split_raw(raw)
    return words


def _split_raw(word: str) -> tuple[str, ...]:
    """One match of ``_TOKEN`` as tokens: a possessive or a sentence's full stop apart."""
    last = word[-1]
    if last in "sS" and len(word) > 2 and word[-2] in "'’":
        return (word[:-2], word[-2:])
    if last == "." and len(word) > 2 and word.count(".") == 1 and word not in ABBREVIATIONS:
        return (word[:-1], ".")
    return (word,)


#: Per whitespace-separated chunk of text: its tokens with their shapes (see
#: ``_shape``), memoised across articles (bounded).  No ``_TOKEN`` match contains
#: whitespace, so a chunk's tokens never depend on its neighbours: the tokenizer's hot
#: loop does one look-up per chunk and runs the regular expression only on new chunks.
_PIECES: dict[str, tuple[tuple[str, bool, bool, int], ...]] = {}


def _pieces(chunk: str) -> tuple[tuple[str, bool, bool, int], ...]:
    pieces = tuple((word, *(_SHAPES.get(word) or _shape(word)))
                   for raw in _TOKEN.findall(chunk) for word in _split_raw(raw))
    if len(_PIECES) < _SHAPE_CACHE_SIZE:
        _PIECES[chunk] = pieces
    return pieces


#: Per-word (capitalized, namelike, what the word does to sentence starts: 1 ends
#: a sentence, 0 leaves the flag as it is (quotes), -1 clears it), memoised
#: across articles (bounded).
_SHAPES: dict[str, tuple[bool, bool, int]] = {}
_SHAPE_CACHE_SIZE = 200_000


def _shape(word: str) -> tuple[bool, bool, int]:
    capitalized = word[:1].isupper()
    namelike = (capitalized and is_namelike(word)) or word[:3] in ("al-", "el-")
    effect = 1 if word in SENTENCE_ENDS else 0 if word in _QUOTES else -1
    shape = (capitalized, namelike, effect)
    if len(_SHAPES) < _SHAPE_CACHE_SIZE:
        _SHAPES[word] = shape
    return shape


def tokenize(title: str, text: str) -> Document:
    """Split ``title`` and ``text`` (paragraphs separated by blank lines) into tokens."""
    tokens: list[Token] = []
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    parts: list[tuple[int, str]] = [(-1, title), *enumerate(paragraphs)]
    title_end = 0
    append = tokens.append
    new = tuple.__new__  # Token(...) without the generated __new__ wrapper (hot loop)
    memo = _PIECES
    namelike_at: list[int] = []
    quotes_at: list[int] = []
    for paragraph, part in parts:
        weight = zone_weight(paragraph)
        start = True
        for chunk in part.split():
            for word, capitalized, namelike, effect in memo.get(chunk) or _pieces(chunk):
                if namelike:
                    namelike_at.append(len(tokens))
                append(new(Token, (word, paragraph, weight, start, capitalized, namelike)))
                if effect:
                    start = effect > 0
                else:
                    quotes_at.append(len(tokens) - 1)
        if paragraph < 0:
            title_end = len(tokens)
    return Document(tuple(tokens), title_end, paragraphs[0] if paragraphs else "",
                    tuple(namelike_at), tuple(quotes_at))


def rank(scores: dict[str, float], threshold: float, blocked: frozenset[str] = frozenset()
         ) -> tuple[str, ...]:
    """Names whose score reaches ``threshold``, most salient first, minus ``blocked``
    (case-folded names).

    Ties keep the order of first appearance (dicts preserve insertion order).
    """
    order = {name: i for i, name in enumerate(scores)}
    kept = [n for n, s in scores.items() if s >= threshold and n.casefold() not in blocked]
    return tuple(sorted(kept, key=lambda n: (-scores[n], order[n])))


#: Lower-case particles that may sit inside a person's name ("Osama bin Laden").
_NAME_CONNECTORS = frozenset({"bin", "ibn", "al", "el", "de", "del", "della", "der", "den",
                              "van", "von", "da", "das", "dos", "du", "di", "la", "le", "y"})
_ORG_CONNECTORS = frozenset({"of", "for", "the", "de"})


def is_namelike(word: str) -> bool:
    """Whether ``word`` can be part of a proper name (capitalized, mostly letters)."""
    if word[:3] in ("al-", "el-") and word[3:4].isupper():
        return True
    if not word[:1].isupper():
        return False
    if "." in word:
        return len(word) <= 4 or word in ABBREVIATIONS or word.count(".") >= 2
    return any(ch.isalpha() for ch in word)


def capitalized_spans(doc: Document, connectors: str = "name") -> list[tuple[int, int]]:
    """Runs ``(start, end)`` of name-like body tokens, joined by lower-case particles.

    ``connectors`` is ``"name"`` (bin, de, van ...) or ``"org"`` (of, for,
    the).  Title tokens are skipped: headline capitals say nothing.
    """
    allowed = _NAME_CONNECTORS if connectors == "name" else _ORG_CONNECTORS
    tokens = doc.tokens
    spans: list[tuple[int, int]] = []
    n = len(tokens)
    # the hot loop: tuple indexes (0 text, 1 paragraph, 5 namelike), not attributes
    i = doc.title_end
    for k in doc.namelike_at:
        if k < i:
            continue
        start = end = j = k
        paragraph = tokens[k][1]
        while j < n and tokens[j][1] == paragraph:
            token = tokens[j]
            if token[5]:
                end = j + 1
                j += 1
            elif token[0] in allowed and j + 1 < n and (
                    tokens[j + 1][5] or tokens[j + 1][0] in allowed):
                j += 1
            else:
                break
        spans.append((start, end))
        i = max(end, k + 1)
    return spans
