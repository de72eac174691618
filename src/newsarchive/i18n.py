"""The interface in the archive's language: message catalogs, numbers and dates.

``archive.yaml``'s ``language`` (a BCP 47 tag: ``fr``, ``ar-SA``, ``zh-CN``)
chooses two things:

- the **catalog** of interface strings (``locale/<catalog>/LC_MESSAGES/messages.mo``),
  by :func:`catalog_name`: the tag's language, plus its script for Chinese
  (``zh``, ``zh-CN``, ``zh-SG``, ``zh-Hans`` -> ``zh_Hans``).  Traditional
  Chinese (``zh-TW``, ``zh-HK``, ``zh-MO``, ``zh-Hant``) has no catalog yet and
  uses ``zh_Hans``'s strings (a reader of Traditional Chinese reads them;
  English would not help), while its dates and numbers follow ``zh_Hant``.
  A language without a catalog, or a tag Babel does not know, gets the
  English strings; a string missing from a catalog shows in English.
- the **locale** of numbers and dates, by :func:`site_locale`: the whole tag
  (``fr-CA`` formats as Canadian French), or English when Babel does not
  know it.  Numbers use the locale's default numbering system in CLDR (as
  Babel 2.19 ships it, that is Latin digits for all shipped catalogs, ``ar``
  included: ``1,311``; a locale whose default is another system, such as
  ``ar-EG`` or ``fa``, gets its digits in numbers *and* dates).

Every date a page shows in the site's language has one form per locale:
:func:`format_day` (CLDR ``long``: ``July 23, 2015``, ``23 juillet 2015``,
``2015年7月23日``), :func:`format_month` (skeleton ``yMMMM``: ``July 2015``),
:func:`format_year` (skeleton ``y``: ``2015``, ``2015年``).

Strings made in Python are marked with :func:`N_` (extracted by pybabel,
translated where the page is planned).  Pure functions, cached per language.
"""

from __future__ import annotations

import gettext
import hashlib
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, get_month_names
from babel.numbers import format_decimal
from babel.support import Translations

__all__ = ["CATALOGS", "DOMAIN", "LOCALE_DIR", "N_", "catalog_name", "catalogs_digest",
           "day_number", "format_day", "format_month", "format_number", "format_year",
           "month_name", "site_locale", "translations"]

#: The folder of the shipped catalogs: ``<catalog>/LC_MESSAGES/messages.po`` and ``.mo``.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
#: The shipped catalogs, as named under :data:`LOCALE_DIR`.
CATALOGS = ("en", "ar", "zh_Hans", "fr", "de", "es", "ru", "ja")
_TRADITIONAL = frozenset({"TW", "HK", "MO"})
_LATIN_DIGITS = "0123456789"


def N_(message: str) -> str:  # the name pybabel extracts by default
    """``message`` unchanged: marks a string made in Python for the catalogs; it is
    translated where it is shown (:func:`translations`)."""
    return message


@cache
def site_locale(language: str) -> Locale:
    """The Babel locale of the BCP 47 tag ``language``; English when Babel does not
    know it (never raises)."""
    try:
        return Locale.parse(language.strip() or "en", sep="-" if "-" in language else "_")
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


@cache
def catalog_name(language: str) -> str:
    """The shipped catalog for ``language`` (see the module docstring), ``en`` when
    there is none."""
    locale = site_locale(language)
    name = locale.language
    if name == "zh":
        # Locale.parse("zh-TW") leaves the script unset: the territory tells it.
        traditional = locale.script == "Hant" or (locale.script is None
                                                  and locale.territory in _TRADITIONAL)
        name = "zh_Hant" if traditional else "zh_Hans"
        if name not in CATALOGS:
            name = "zh_Hans"
    return name if name in CATALOGS else "en"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The interface strings for ``language``, with English (the msgids) for any
    string or catalog missing."""
    return Translations.load(str(LOCALE_DIR), [catalog_name(language)], DOMAIN)


def catalogs_digest() -> str:
    """Digest of every compiled catalog: part of each template's digest, so pages
    are rendered again when a translation changes."""
    hasher = hashlib.sha256()
    for path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.mo")):
        hasher.update(f"{path.relative_to(LOCALE_DIR).as_posix()}\0".encode())
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


#: The zero of the decimal numbering systems CLDR makes a locale's default
#: (``arab`` for ar-SA and ar-EG, ``arabext`` for fa and ps, ...); Babel knows
#: their separators but writes Latin digits, so the digits are replaced here.
_ZEROS = {"arab": 0x660, "arabext": 0x6F0, "beng": 0x9E6, "deva": 0x966, "mymr": 0x1040,
          "tibt": 0xF20, "olck": 0x1C50, "mtei": 0xABF0}


@cache
def _numbering(language: str) -> tuple[str, dict[int, int] | None]:
    """The locale's default numbering system (``latn`` when Babel has no symbols for
    it) and a str.translate table from Latin digits to its digits (None for Latin)."""
    locale = site_locale(language)
    system = locale.default_numbering_system
    if system not in locale.number_symbols:
        system = "latn"
    zero = _ZEROS.get(system)
    if zero is None:
        return system, None
    return system, str.maketrans(_LATIN_DIGITS, "".join(chr(zero + d) for d in range(10)))


def _in_digits(text: str, language: str) -> str:
    table = _numbering(language)[1]
    return text if table is None else text.translate(table)


@lru_cache(maxsize=65536)
def format_number(number: int, language: str) -> str:
    """``1,311`` (en), ``1 311`` (fr), ``1.311`` (de), ``١٬٣١١`` (ar-SA): CLDR's
    decimal format in the locale's default numbering system."""
    system = _numbering(language)[0]
    text = format_decimal(number, locale=site_locale(language), numbering_system=system)
    return _in_digits(str(text), language)


@lru_cache(maxsize=65536)
def format_day(day: date, language: str) -> str:
    """A full date: ``July 23, 2015``, ``23 juillet 2015``, ``2015年7月23日`` (CLDR ``long``)."""
    # Babel costs 3-5 µs a call and a listing page shows 20 dates; days repeat a lot.
    if isinstance(day, datetime):
        day = day.date()
    return _in_digits(str(format_date(day, format="long", locale=site_locale(language))),
                      language)


@lru_cache(maxsize=4096)
def format_month(year: int, month: int, language: str) -> str:
    """A month of a year: ``July 2015``, ``juillet 2015``, ``2015年7月`` (skeleton ``yMMMM``)."""
    text = format_skeleton("yMMMM", date(year, month, 1), locale=site_locale(language))
    return _in_digits(str(text), language)


@lru_cache(maxsize=1024)
def format_year(year: int, language: str) -> str:
    """A year: ``2015``, ``2015年`` (skeleton ``y``)."""
    return _in_digits(str(format_skeleton("y", date(year, 1, 1), locale=site_locale(language))),
                      language)


@lru_cache(maxsize=1024)
def month_name(month: int, language: str) -> str:
    """A month's name on its own, as in a list of months: ``July``, ``juillet``, ``七月``."""
    names = get_month_names("wide", context="stand-alone", locale=site_locale(language))
    return str(names[month])


@lru_cache(maxsize=1024)
def day_number(day: int, language: str) -> str:
    """A day of the month on its own: ``23``, ``23日`` (skeleton ``d``)."""
    return _in_digits(str(format_skeleton("d", date(2000, 1, day), locale=site_locale(language))),
                      language)
