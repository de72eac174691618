"""Writing systems for place names beyond English: detection, normalisation, word forms.

Shared by :mod:`newsarchive.topics.build_intl` (which writes the names of each
script group, normalised) and :mod:`newsarchive.topics.intl` (which matches them),
so both sides normalise a name the same way.  Script groups:

- ``arab`` (Arabic, Persian, Urdu): words; attached prefixes (``و ف ب ك ل``, the
  article ``ال`` and combinations: ``بالسعودية``, ``والعراق``, ``لليمن``) are
  stripped, and every word is also tried without ``ال``;
- ``hebr``: words; one-letter prefixes (``ו ה ב ל מ ש כ``, combined) stripped;
- ``cyrl`` (Russian, Ukrainian, Bulgarian, Serbian, Belarusian): words; case
  endings generated from the name (``Россия`` -> ``России, Россию, Россией``);
- ``grek``: words, with the genitive ``-ς``;
- ``hani`` (Chinese, Japanese kanji and kana) and ``thai``: no spaces, substrings,
  longest first; a katakana name must not sit inside a longer katakana word;
- ``hang`` (Korean): a name must start a word; particles may follow it;
- ``deva``, ``beng``, ``geor``, ``armn``, ``taml``: whole words only.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["GROUP_OF_LANG", "LANGS", "cyrillic_forms", "detect_group", "normalize"]

#: Languages whose CLDR/iso-codes country names are shipped, by script group.
LANGS: dict[str, tuple[str, ...]] = {
    "arab": ("ar", "fa", "ur"),
    "hebr": ("he",),
    "cyrl": ("ru", "uk", "bg", "sr", "be"),
    "grek": ("el",),
    "hani": ("zh", "zh_Hant", "ja"),
    "hang": ("ko",),
    "thai": ("th",),
    "deva": ("hi", "mr", "ne"),
    "beng": ("bn",),
    "geor": ("ka",),
    "armn": ("hy",),
    "taml": ("ta",),
}
GROUP_OF_LANG = {lang: group for group, langs in LANGS.items() for lang in langs}

#: First and last code point of each group's letters (kana and CJK ideographs share ``hani``).
_RANGES: tuple[tuple[str, int, int], ...] = (
    ("grek", 0x0370, 0x03FF), ("cyrl", 0x0400, 0x052F), ("armn", 0x0530, 0x058F),
    ("hebr", 0x0590, 0x05FF), ("arab", 0x0600, 0x06FF), ("arab", 0x0750, 0x077F),
    ("deva", 0x0900, 0x097F), ("beng", 0x0980, 0x09FF), ("taml", 0x0B80, 0x0BFF),
    ("thai", 0x0E00, 0x0E7F), ("geor", 0x10A0, 0x10FF), ("hang", 0x1100, 0x11FF),
    ("hani", 0x3040, 0x30FF), ("hani", 0x3400, 0x4DBF), ("hani", 0x4E00, 0x9FFF),
    ("hang", 0xAC00, 0xD7AF), ("arab", 0xFB50, 0xFDFF), ("arab", 0xFE70, 0xFEFF),
)
_NON_LATIN = re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for _g, a, b in _RANGES) + "]")
#: Sample size for detection: enough letters to decide, small enough to stay cheap.
_SAMPLE = 600


def detect_group(title: str, text: str) -> str:
    """The script group of an article, or ``""`` for Latin-script (English path) text.

    A group is chosen when letters of non-Latin scripts make up more than a
    quarter of the first characters of the title and body (letters are ~80% of
    a text's characters, so this is "mostly non-Latin"); the most frequent
    group among them wins.  Cost for English text: one regex scan of the sample.
    """
    sample = (title + "\n" + text[:_SAMPLE])[:_SAMPLE]
    found = _NON_LATIN.findall(sample)
    if len(found) * 4 <= len(sample):
        return ""
    counts: dict[str, int] = {}
    for char in found:
        point = ord(char)
        for group, first, last in _RANGES:
            if first <= point <= last:
                counts[group] = counts.get(group, 0) + 1
                break
    return max(counts, key=lambda g: counts[g])


_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640\u06d6-\u06ed]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي",
                              "ی": "ي", "ک": "ك"})
_HEBREW_MARKS = re.compile("[\u0591-\u05c7]")


def normalize(group: str, text: str) -> str:
    """``text`` normalised for matching in script ``group`` (same for names and articles).

    NFC everywhere; Arabic: short vowels, tatweel and Quranic marks removed, alef
    forms folded to ``ا``, final ``ى`` and Persian ``ی ک`` to ``ي ك`` (``ة`` is kept:
    ``جدة`` Jeddah is not ``جده``); Hebrew: points removed; Cyrillic: ``ё`` -> ``е``.
    """
    text = unicodedata.normalize("NFC", text)
    if group == "arab":
        return _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLD)
    if group == "hebr":
        return _HEBREW_MARKS.sub("", text)
    if group == "cyrl":
        return text.replace("ё", "е").replace("Ё", "Е")
    return text


#: Russian case endings by the ending of the nominative (longest ending first).
#: Nouns: -ия (Россия), -я (Корея), -а (Украина), -ь (Израиль), -й (Китай),
#: plural -ы (Штаты, Филиппины); adjectives: -ая, -ое, -ые, -ие, -ый, -ий, -ой.
#: Names ending otherwise in a vowel (Перу, Того, Чили) do not decline; a
#: consonant takes the masculine endings (Иран -> Ирана, Ирану, Ираном, Иране).
_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ая", ("ая", "ой", "ую", "ою", "ей")),
    ("яя", ("яя", "ей", "юю")),
    ("ое", ("ое", "ого", "ому", "ым", "ом")),
    ("ые", ("ые", "ых", "ым", "ыми")),
    ("ие", ("ие", "их", "им", "ими")),
    ("ый", ("ый", "ого", "ому", "ым", "ом")),
    ("ий", ("ий", "ого", "ому", "им", "ом")),
    ("ой", ("ой", "ого", "ому", "ым", "ом")),
    ("ия", ("ия", "ии", "ию", "ией", "иею")),
    ("я", ("я", "и", "ю", "ей", "е", "ею")),
    ("а", ("а", "ы", "и", "е", "у", "ой", "ою")),
    ("ь", ("ь", "я", "ю", "ем", "е", "и", "ью")),
    ("й", ("й", "я", "ю", "ем", "е")),
    ("ы", ("ы", "ов", "", "ам", "ами", "ах")),
)
_VOWELS = frozenset("аеиоуыэюяєіїАЕИОУЫЭЮЯ")
#: Fleeting vowels the endings cannot derive.
_IRREGULAR = {"Египет": ("Египта", "Египту", "Египтом", "Египте")}


def cyrillic_forms(word: str) -> tuple[str, ...]:
    """The nominative ``word`` and its case forms (Russian endings, also fitting much
    of Ukrainian and Belarusian); indeclinable words give only themselves."""
    if word in _IRREGULAR:
        return (word, *_IRREGULAR[word])
    if len(word) < 3:
        return (word,)
    for ending, forms in _ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            stem = word[: -len(ending)]
            return (word, *(stem + form for form in forms if stem + form != word))
    if word[-1] in _VOWELS:
        return (word,)
    return (word, *(word + ending for ending in ("а", "у", "ом", "е")))
