"""Language tags: every tag that enters a build made a valid BCP 47 tag in one place.

Readers take a language from wherever a format keeps it (front matter
``lang``/``language``, a feed's ``<language>``, NewsML's ``language@tag``,
ninjs, JSON Feed, ``<html lang>``) and ``archive.yaml`` names the site's;
:func:`normalize` turns each into the canonical spelling of RFC 5646
(``zh_cn`` -> ``zh-CN``, ``EN-us`` -> ``en-US``, ``zh-hans`` -> ``zh-Hans``,
``iw`` -> ``he``, ``eng`` -> ``en``, ``Arabic`` -> ``ar``) or refuses it
(``""``).  :func:`direction` says which way a tag's script runs, and
:func:`native_name` names a language in itself (``العربية``, ``中文``).
Babel's CLDR data decides which languages, scripts and regions exist.
"""

from __future__ import annotations

import re
from functools import cache

__all__ = ["RTL_LANGUAGES", "RTL_SCRIPTS", "direction", "native_name", "normalize", "primary"]

#: Languages written right to left in their usual script (when Babel's likely
#: script is unknown).
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "ps", "yi", "ckb", "dv", "sd", "ug", "ks",
                           "syr", "arc", "prs", "pnb", "azb", "lrc", "mzn", "glk", "bal", "nqo"})
#: ISO 15924 scripts written right to left.
RTL_SCRIPTS = frozenset({"Arab", "Aran", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Mand", "Samr",
                         "Rohg", "Yezi", "Mend", "Avst", "Phnx", "Sogd", "Chrs", "Elym"})

_SUBTAG = re.compile(r"[A-Za-z0-9]{1,8}")
_SEPARATORS = re.compile(r"[-_\s]+")
#: Tags in use that no alias table names (old Chinese and Norwegian forms).
#: Codes for "undetermined", "several", "no linguistic content", "uncoded".
_NOT_A_LANGUAGE = frozenset({"und", "mul", "zxx", "mis"})
_GRANDFATHERED = {"zh-cmn": "zh", "zh-guoyu": "zh", "zh-yue": "yue", "no-bok": "nb",
                  "no-nyn": "nn", "i-klingon": "tlh", "i-hak": "hak"}


@cache
def _cldr() -> tuple[frozenset[str], frozenset[str], frozenset[str], dict[str, str],
                     dict[str, str]]:
    """Known languages, scripts and regions; language aliases; English names -> codes."""
    from babel import Locale
    from babel.core import get_global

    english = Locale("en")
    codes = [str(code) for code in english.languages]
    languages = frozenset(code for code in codes if "_" not in code)
    aliases = {str(k): str(v) for k, v in get_global("language_aliases").items()
               if "_" not in str(k) and "_" not in str(v)}
    names = {str(name).casefold(): str(code) for code, name in english.languages.items()
             if "_" not in str(code)}
    return (languages, frozenset(map(str, english.scripts)),
            frozenset(map(str, english.territories)), aliases, names)


@cache
def normalize(value: str) -> str:
    """``value`` as a canonical BCP 47 tag, or ``""`` when it is not a language tag.

    Separators ``_`` and spaces become ``-``; the language is lower case,
    a script title case, a region upper case, variants lower case;
    deprecated and three-letter codes become their current two-letter ones
    (``iw`` -> ``he``, ``eng`` -> ``en``); an English language name is
    accepted (``Arabic`` -> ``ar``).  Refused: an empty value, a language,
    script or region CLDR does not know, a private-use tag (``x-...``), ``und``
    and the other codes that name no language.
    """
    text = " ".join(str(value).split())
    if not text or len(text) > 64:
        return ""
    languages, scripts, regions, aliases, names = _cldr()
    lowered = text.casefold()
    if lowered in names:
        return names[lowered]
    lowered = _SEPARATORS.sub("-", lowered).strip("-")
    lowered = _GRANDFATHERED.get(lowered, lowered)
    parts = lowered.split("-")
    if not all(_SUBTAG.fullmatch(part) for part in parts):
        return ""
    language = aliases.get(parts[0], parts[0])
    if (not (2 <= len(language) <= 3 and language.isalpha()) or language not in languages
            or language in _NOT_A_LANGUAGE):
        return ""
    out = [language]
    rest = parts[1:]
    if rest and len(rest[0]) == 4 and rest[0].isalpha():
        script = rest.pop(0).title()
        if script not in scripts:
            return ""
        out.append(script)
    if rest and ((len(rest[0]) == 2 and rest[0].isalpha()) or (len(rest[0]) == 3
                 and rest[0].isdigit())):
        region = rest.pop(0).upper()
        if region not in regions:
            return ""
        out.append(region)
    for part in rest:  # variants (5-8 characters, or a digit and 3), nothing else
        if part == "x" or not (5 <= len(part) <= 8 or (len(part) == 4 and part[0].isdigit())):
            return ""
        out.append(part)
    return "-".join(out)


def primary(tag: str) -> str:
    """The language subtag of ``tag`` (``en-US`` -> ``en``): what makes two tags one language."""
    return tag.split("-", 1)[0].lower()


@cache
def _likely_script(language: str) -> str:
    from babel.core import get_global

    likely = get_global("likely_subtags").get(language, "")
    parts = str(likely).split("_")
    return parts[1] if len(parts) > 1 and len(parts[1]) == 4 else ""


@cache
def direction(tag: str) -> str:
    """``rtl`` or ``ltr`` as the script of ``tag`` runs (its script subtag, else
    the language's usual script); ``""`` when the tag does not say (empty)."""
    if not tag:
        return ""
    parts = tag.split("-")
    script = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), "")
    if not script:
        script = _likely_script(parts[0].lower())
    if script:
        return "rtl" if script in RTL_SCRIPTS else "ltr"
    return "rtl" if parts[0].lower() in RTL_LANGUAGES else "ltr"


@cache
def native_name(tag: str) -> str:
    """The name of ``tag``'s language in that language (``ar`` -> ``العربية``,
    ``zh`` -> ``中文``), else in English, else the tag itself."""
    from babel import Locale, UnknownLocaleError

    code = primary(tag)
    try:
        name = Locale.parse(code).get_language_name(code)
    except (UnknownLocaleError, ValueError, TypeError):
        name = None
    if not name:
        name = Locale("en").languages.get(code)
    return str(name) if name else tag
