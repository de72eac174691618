"""Countries by their role in a sentence, eleventh round (issue 16): one test per class
found on the tuning splits (benchmarks/TOPICS.md, "Eleventh round").

Every article is a constructed example written for the test (invented people, companies
and events); each asserts on the extractor's output, and each class has a control that
keeps (or drops) the country when the sentence gives it the other role.
"""

from __future__ import annotations

import pytest

from newsarchive.topics.roles import (
    background,
    beaten,
    deed_agent,
    deed_verb,
    described_from,
    passed_by,
)
from newsarchive.topics.salience import tokenize
from topicskit import places


def index(doc_words: list[str], word: str) -> int:
    return doc_words.index(word)


#: Five paragraphs of a Brussels story, so that the sixth paragraph weighs least.
BRUSSELS = ("BRUSSELS, Oct 28 - The European Community Commission proposed on Wednesday "
            "to keep production quotas on most steel products for another year.\n\n"
            "Industry Commissioner Hans Obermaier told a news conference the cuts had "
            "been unevenly shared.\n\n"
            "The Commission said some 30 mln tonnes of surplus capacity remained.\n\n"
            "Eurofer, the producers' association, said it would study the plan.\n\n"
            "Steel prices have fallen by a fifth in two years, the Commission said.\n\n"
            "{}")


# --- deeds: countries that act, however late and however listed ---------------------

@pytest.mark.parametrize("sentence", [
    "Italy, France and Spain, with large steel industries, had demanded action; Sweden "
    "and Denmark had opposed it.",
    "Italy, France, Spain, Sweden and Denmark also plan to cut output.",
    "The central banks of Italy, France, Spain, Sweden and Denmark raised their rates.",
    "Italy, France, Spain, Sweden and Denmark backed the plan.",
])
def test_countries_that_act_late_in_the_story_are_places(sentence: str) -> None:
    got = places("EC steel quotas", BRUSSELS.format(sentence))
    assert {"Italy", "France", "Spain", "Sweden"} <= set(got)


def test_countries_that_only_comment_late_in_the_story_are_not() -> None:
    got = places("EC steel quotas", BRUSSELS.format(
        "Italy, France and Spain said they were disappointed by the delay."))
    assert not {"Italy", "France", "Spain"} & set(got)
    assert "Brussels" in got and "Belgium" in got


DISASTER = ("IZMIT, Turkey (AP) - A powerful earthquake struck northwestern Turkey before "
            "dawn Tuesday, killing more than 2,000 people in Izmit.\n\n"
            "A naval base at the port collapsed, killing sailors as they slept.\n\n"
            "{}\n\n"
            "\"We will remember who came,\" said resident Nurhan Ozdemir.")


@pytest.mark.parametrize("sentence", [
    "Rescue teams arrived from Israel, Germany and Greece, setting aside old rivalries.",
    "Israel, Germany and Greece sent search and rescue teams.",
    "Israel, Germany and Greece said they would send rescue teams and tents.",
    "Aid pledged by Israel, Germany and Greece reached the town on Wednesday.",
])
def test_countries_that_send_help_are_places(sentence: str) -> None:
    got = places("Earthquake kills thousands in Turkey", DISASTER.format(sentence))
    assert {"Israel", "Germany", "Greece", "Turkey", "Izmit"} <= set(got)


def test_countries_that_promise_words_not_help_are_not() -> None:
    got = places("Earthquake kills thousands in Turkey", DISASTER.format(
        "Israel, Germany and Greece said they would recognise the rescuers' work."))
    assert not {"Israel", "Germany", "Greece"} & set(got)


def test_deed_helpers_on_tokens() -> None:
    words = tokenize("", "Japan, which bans rice imports, had opposed it. Chile said it "
                     "would send tents. Peru said it was sad. The embargo imposed by "
                     "Libya. Teams flew from Ghana.").tokens
    text = [t.text for t in words]
    assert deed_verb(words, index(text, "Japan") + 1)  # the aside skipped
    assert deed_verb(words, index(text, "Chile") + 1)
    assert not deed_verb(words, index(text, "Peru") + 1)
    assert deed_agent(words, index(text, "Libya"))
    assert deed_agent(words, index(text, "Ghana"))
    assert not deed_agent(words, index(text, "Japan"))


# --- places a sentence passes by ------------------------------------------------------

VOTE = ("DUBLIN, May 26 - Voters backed by two to one a proposal to change the "
        "constitution, the count at Dublin Castle confirmed on Saturday.\n\n"
        "Every constituency but one voted Yes.\n\n"
        "{}")


@pytest.mark.parametrize("sentence", [
    "Thousands of Irish people living in Britain, Australia and Canada had flown home "
    "to vote.",
    "A documentary on the campaign was filmed in Britain, Australia and Canada.",
    "Regulators in Britain, Australia and Canada are watching the result.",
    "Campaign leaders will meet supporters in Britain, Australia and Canada next month.",
])
def test_places_a_sentence_passes_by_are_not_places(sentence: str) -> None:
    got = places("Ireland votes to change constitution", VOTE.format(sentence))
    assert "Ireland" in got and "Dublin" in got
    assert not {"United Kingdom", "Australia", "Canada"} & set(got)


def test_the_same_places_as_the_scene_stay_places() -> None:
    got = places("Ireland votes to change constitution", VOTE.format(
        "Rallies were held in London and Toronto, where Irish voters marched."))
    assert {"London", "United Kingdom", "Toronto", "Canada"} <= set(got)


def test_passed_by_on_tokens() -> None:
    words = tokenize("", "A lead.\n\nShe was born in Oslo. Talks will resume in Rome next "
                     "week. Talks resumed in Bern. Operators in Kyiv agreed.").tokens
    text = [t.text for t in words]
    ins = [k for k, word in enumerate(text) if word == "in"]
    assert [passed_by(words, k) for k in ins] == [True, True, False, True]
    lead = tokenize("", "Talks will resume in Rome next week.").tokens
    assert not passed_by(lead, [t.text for t in lead].index("in"))  # the lead's own event


# --- nationalities and background -----------------------------------------------------

SPRINT = ("BEIJING (AP) - Usain Bolt of Jamaica won the 100 meters in a world record "
          "9.69 seconds at the Bird's Nest stadium Saturday night.\n\n"
          "{}\n\n"
          "A crowd of 91,000 watched the final.")


def test_an_athlete_of_the_united_states_is_a_nationality() -> None:
    got = places("Bolt wins 100 meters", SPRINT.format(
        "Richard Thompson of Trinidad and Tobago took silver and Walter Dix of the "
        "United States won bronze."))
    assert "China" in got and "Beijing" in got
    assert "United States" not in got


def test_a_beaten_opponent_in_the_lead_is_a_nationality_and_an_elected_one_is_not() -> None:
    golf = places("Teenager wins at Incheon", (
        "INCHEON - Amateur Choi Hye-rin won the tournament at Sky72 Golf Club on Sunday, "
        "beating world No. 3 Amanda Whitlow of the United States on the second playoff "
        "hole.\n\nChoi holed a putt on the 18th to force a playoff."))
    assert "South Korea" in golf and "United States" not in golf
    pope = places("New pope elected", (
        "VATICAN CITY (AP) - Cardinal Jorge Bergoglio of Argentina was elected pope on "
        "Wednesday, the first from the Americas.\n\nCrowds cheered in St Peter's Square."))
    assert "Argentina" in pope


def test_a_person_described_as_from_a_country_is_a_nationality() -> None:
    got = places("Perfect 10 at Montreal", (
        "MONTREAL (UPI) -- Nadia Comaneci, a 14-year-old schoolgirl from Romania, scored "
        "the first perfect 10 in Olympic gymnastics history Sunday.\n\n"
        "The scoreboard could only show 1.00."))
    assert "Montréal" in got and "Canada" in got
    assert "Romania" not in got


def test_countries_that_did_it_before_are_background() -> None:
    text = ("The probe touched down near the lunar south pole.\n\n"
            "Only the United States, the Soviet Union and China have previously made "
            "controlled landings on the moon.")
    got = places("India lands on the moon", "BANGALORE, India - " + text)
    assert "India" in got
    assert not {"United States", "Soviet Union", "China"} & set(got)


def test_nationality_and_background_helpers_on_tokens() -> None:
    doc = tokenize("", "Kevin Curren of the United States lost, beating Ann Lee of Peru. "
                   "Mia Sand, a nurse from Chile, spoke. Peru has previously won.")
    words = doc.tokens
    text = [t.text for t in words]
    covered = {index(text, "Ann"), index(text, "Lee"), index(text, "Mia"),
               index(text, "Sand"), 0, 1}
    assert beaten(words, index(text, "Lee"), covered)
    assert not beaten(words, 1, covered)  # "Kevin Curren" opens the sentence
    assert described_from(words, index(text, "Chile"), covered)
    peru = len(text) - 1 - text[::-1].index("Peru")
    assert background(words, peru + 1)
    assert not background(words, index(text, "United") + 2)


# --- historic states ------------------------------------------------------------------

def test_a_city_in_a_story_of_a_german_state_is_filed_under_that_state() -> None:
    bonn = places("Coalition wins West German election", (
        "BONN, March 6 - Chancellor Dieter Amsel's coalition won a clear majority in West "
        "Germany's general election on Sunday.\n\n"
        "German voters gave the Greens 8.3 pct.\n\n"
        "Turnout was 84 pct, the electoral office said."))
    assert {"Bonn", "West Germany"} <= set(bonn)
    assert "Germany" not in bonn and "North Rhine-Westphalia" not in bonn
    leipzig = places("Crowds march in Leipzig", (
        "LEIPZIG, Oct 9 - About 70,000 people marched through Leipzig on Monday in the "
        "largest protest East Germany has seen, witnesses said.\n\n"
        "East German police did not intervene."))
    assert {"Leipzig", "East Germany"} <= set(leipzig)
    assert "Germany" not in leipzig and "Saxony" not in leipzig



def test_a_city_of_a_unions_republic_keeps_its_republic() -> None:
    yerevan = places("Earthquake in Soviet Armenia", (
        "YEREVAN, Dec 8 - An earthquake destroyed much of the town of Spitak on "
        "Wednesday, Soviet officials said.\n\nRescuers dug through the rubble of "
        "Yerevan's suburbs through the night."))
    assert {"Yerevan", "Armenia"} <= set(yerevan)


def test_a_modern_story_that_names_a_historic_state_keeps_todays_country() -> None:
    berlin = places("Chancellor sworn in", (
        "BERLIN - Greta Vollmer was sworn in as Germany's chancellor on Tuesday.\n\n"
        "Vollmer, a chemist who grew up in communist East Germany, said jobs came "
        "first.\n\nThe Bundestag elected her with 397 votes."))
    assert {"Berlin", "Germany"} <= set(berlin) and "East Germany" not in berlin
    moscow = places("Kremlin marks anniversary", (
        "MOSCOW - Russian officials marked the anniversary of the Soviet Union's collapse "
        "with a ceremony in Moscow on Sunday.\n\nRussia's parliament held a minute's "
        "silence."))
    assert {"Moscow", "Russia"} <= set(moscow)
