"""Countries by their role in a sentence, twelfth round (issue 16): the classes found on
holdout9 once it had been scored blind (benchmarks/TOPICS.md, "Twelfth round").

Every article is a constructed example written for the test (invented people, companies
and events); each asserts on the extractor's output, with a control where the same
place keeps the role that makes it a place of the story.
"""

from __future__ import annotations

import pytest

from newsarchive.topics.roles import continued
from newsarchive.topics.salience import tokenize
from newsarchive.topics.trade import price_sentence
from topicskit import places

COFFEE = ("SAO PAULO, July 21 - A frost hit coffee areas of Parana state overnight, "
          "damaging up to a fifth of next year's crop, growers said.\n\n"
          "Brazilian officials toured the farms on Tuesday.\n\n"
          "{}")


def test_a_city_where_a_price_is_quoted_is_a_market() -> None:
    got = places("Frost hits Brazil coffee", COFFEE.format(
        "In London, robusta for September delivery rose 62 stg to 798 stg a tonne."))
    assert "Brazil" in got and "London" not in got and "United Kingdom" not in got


def test_a_city_where_a_toll_rises_stays_a_place() -> None:
    got = places("Frost hits Brazil coffee", COFFEE.format(
        "In London, the number of protesters outside the embassy rose to 300."))
    assert "London" in got


def test_price_sentence_needs_a_move_and_a_unit() -> None:
    words = tokenize("", "In Oslo, cod rose 4 pct. In Oslo, the toll rose to 45.").tokens
    starts = [k for k, t in enumerate(words) if t.text == "In"]
    assert [price_sentence(words, k) for k in starts] == [True, False]


@pytest.mark.parametrize("sentence", [
    "Traders in Singapore said the cut was in line with expectations.",
    "The machine will go on sale in Japan next year and in Singapore in 1997.",
])
def test_traders_elsewhere_and_later_markets_are_not_places(sentence: str) -> None:
    got = places("Frost hits Brazil coffee", COFFEE.format(sentence))
    assert "Brazil" in got and "Singapore" not in got


def test_a_second_in_continues_the_first() -> None:
    words = tokenize("", "It was shot in Gdansk and in Split. It was shown in Rome, "
                     "then sold. Talks ended in Bonn; in Rome they went on.").tokens
    ins = [k for k, t in enumerate(words) if t.text == "in"]
    assert [continued(words, k) for k in ins] == [-1, ins[0], -1, -1, -1]
    film = places("Festival prize", (
        "CANNES, France, May 24 (AFP) - A film by Dieter Amsel won the top prize at the "
        "Cannes festival on Thursday.\n\nThe jury praised its actors.\n\n"
        "The film, shot in Gdansk and in Yugoslavia, is Amsel's third."))
    assert "France" in film and "Yugoslavia" not in film and "Poland" not in film


@pytest.mark.parametrize("sentence, country", [
    ("Brazil's president, Jose Almeida Prado, who had backed the rival, wished the new "
     "government luck.", "Brazil"),
    ('"We cannot go it alone," said Rafidah Amin, Malaysia\'s minister of trade.',
     "Malaysia"),
])
def test_an_officials_office_after_the_name_is_a_nationality(sentence: str,
                                                             country: str) -> None:
    got = places("Argentina elects a new president", (
        "BUENOS AIRES, Nov 19 - Argentines elected Carlos Ibarra president on Sunday, "
        "official results showed.\n\nIbarra won 56 pct of the vote.\n\n" + sentence))
    assert "Argentina" in got and country not in got


def test_the_same_country_acting_stays_a_place() -> None:
    got = places("Argentina elects a new president", (
        "BUENOS AIRES, Nov 19 - Argentines elected Carlos Ibarra president on Sunday, "
        "official results showed.\n\nIbarra won 56 pct of the vote.\n\n"
        "Brazil sent observers to watch the count."))
    assert "Brazil" in got


def test_helpers_arriving_from_abroad_are_places_however_described() -> None:
    got = places("Earthquake in Armenia", (
        "YEREVAN, Dec 9 - Rescuers searched the ruins of Spitak for survivors on "
        "Friday.\n\nFrance sent a team of doctors, and planes with blankets and tents "
        "arrived from Britain and the United States."))
    assert {"Armenia", "France", "United Kingdom", "United States"} <= set(got)


def test_a_small_dateline_town_of_a_country_the_story_never_names_is_not_filed() -> None:
    nara = places("Former premier shot in Nara", (
        "NARA - Former Prime Minister Kenji Sato was shot while giving a speech outside a "
        "station in the city of Nara on Friday.\n\nSato, Japan's longest-serving leader, "
        "was flown to hospital."))
    assert "Japan" in nara and "Mali" not in nara
    cannes = places("Danish film wins at Cannes", (
        "CANNES - A Danish drama by Lars Holm won the top prize at the festival on "
        "Sunday.\n\nHolm thanked his crew in Copenhagen."))
    assert {"Cannes", "France"} <= set(cannes)


# --- thirteenth round (tuned on holdout10 after its blind score) -----------------------

QUAKE = ("BEIRUT, Aug 6 - Rescuers searched the rubble of the port district on Thursday "
         "after an explosion killed at least 135 people, Lebanese officials said.\n\n"
         "Hospitals across the city were full.\n\n{}")


@pytest.mark.parametrize("sentence", [
    "Qatar and Kuwait flew in field hospitals.",
    "The UK and Qatar pledged £5m each and sent search and rescue experts.",
])
def test_countries_that_fly_in_help_or_pledge_are_places(sentence: str) -> None:
    got = places("Blast in Beirut", QUAKE.format(sentence))
    assert "Lebanon" in got and "Qatar" in got
    assert ("United Kingdom" in got) == ("UK" in sentence)


@pytest.mark.parametrize("sentence", [
    "Qantas Airways and Virgin Australia banned the use of the phones on their flights.",
    "Australia banned similar weapons after the Port Arthur massacre in 1996.",
    "Similar protests have blocked roads in Australia in recent weeks.",
])
def test_a_company_name_and_a_comparison_are_no_deeds(sentence: str) -> None:
    got = places("Blast in Beirut", QUAKE.format(sentence))
    assert "Lebanon" in got and "Australia" not in got


def test_a_deed_with_a_target_year_stays_a_deed() -> None:
    got = places("Blast in Beirut", QUAKE.format(
        "Qatar and Kuwait pledged to rebuild the port by 2026."))
    assert {"Qatar", "Kuwait"} <= set(got)


# --- fourteenth round (tuned on holdout11 after its blind score) -----------------------

TENGE = ("ALMATY - Kazakhstan let the tenge float freely on Thursday, sending it down 23 "
         "percent against the dollar, the central bank said.\n\n"
         "Governor Arman Dzhaksybekov said deposits were safe.\n\n{}")


@pytest.mark.parametrize("sentence", [
    "Economists said the move was overdue after Peru devalued its sol last week.",
    "Peru has banned most foreign purchases of its currency since January.",
    "The military governments of neighbouring Peru and Chile have said that any "
    "intervention would be treated as hostile.",
])
def test_an_earlier_deed_or_a_comment_by_a_body_of_the_state_is_background(
        sentence: str) -> None:
    got = places("Kazakhstan lets tenge float", TENGE.format(sentence))
    assert "Kazakhstan" in got and "Peru" not in got


@pytest.mark.parametrize("sentence", [
    "The central banks of Peru and Chile raised their own rates within hours.",
    "The finance ministers of Peru and Chile met for five hours at a hotel in Almaty.",
])
def test_bodies_of_states_that_act_in_the_story_are_places(sentence: str) -> None:
    got = places("Kazakhstan lets tenge float", TENGE.format(sentence))
    assert {"Kazakhstan", "Peru", "Chile"} <= set(got)
