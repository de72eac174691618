"""Places by their role in a sentence, fifteenth round (issue 16): the classes found on
holdout13 once it had been scored blind (benchmarks/TOPICS.md, "Round 15").

Every article is a constructed example written for the test (invented people, companies
and events); each asserts on the extractor's output, with a control where the same
place keeps the role that makes it a place of the story.
"""

from __future__ import annotations

import pytest

from topicskit import places

COUP = ("SUVA, Fiji, May 14 (AP) - Soldiers led by an army colonel seized power in Fiji on "
        "Thursday and detained the prime minister and his cabinet.\n\n"
        "Troops set up roadblocks in the capital.\n\n{}")


def test_a_negated_pledge_is_a_stance_and_a_deed_makes_a_place() -> None:
    stance = places("Coup in Fiji", COUP.format(
        "Prime Minister Alan Dorne said Tonga would not recognise a government installed "
        "by force."))
    deed = places("Coup in Fiji", COUP.format("Tonga recognised the new government on Friday."))
    assert "Fiji" in stance and "Tonga" not in stance
    assert "Tonga" in deed


@pytest.mark.parametrize("sentence", [
    "Tonga suspended defence cooperation with Fiji.",
    "Tonga said it had moved two patrol boats into Fijian waters.",
])
def test_a_suspension_or_a_reported_move_is_a_deed(sentence: str) -> None:
    assert "Tonga" in places("Coup in Fiji", COUP.format(sentence))


def test_a_state_that_reports_only_concerns_is_not_a_place() -> None:
    got = places("Coup in Fiji", COUP.format("Tonga said it had concerns about the detentions."))
    assert "Fiji" in got and "Tonga" not in got


def test_restricting_exports_past_an_aside_is_a_deed() -> None:
    got = places("Rice at a record", (
        "MANILA, April 3 (Reuters) - Rice prices rose to a record on Thursday as the "
        "Philippines scrambled for supplies.\n\nImporters met on Wednesday.\n\n"
        "Vietnam and India, the second and third largest exporters, have restricted "
        "sales abroad."))
    assert {"Philippines", "Vietnam", "India"} <= set(got)


def test_countries_a_first_is_ranked_against_are_not_places() -> None:
    lead = ("BEIJING, Oct 15 (Xinhua) - China launched its first crewed spacecraft on "
            "Wednesday, {}.")
    ranked = places("China in space", lead.format(
        "making China the third country after the former Soviet Union and the United "
        "States to send a person into orbit"))
    listed = places("China in space", lead.format(
        "with the former Soviet Union and the United States sending observers"))
    assert "China" in ranked and not {"Soviet Union", "United States"} & set(ranked)
    assert {"Soviet Union", "United States"} <= set(listed)


@pytest.mark.parametrize(("compared", "country"), [
    ("ahead of the United States", "United States"), ("faster than Japan", "Japan")])
def test_ahead_of_and_than_compare(compared: str, country: str) -> None:
    lead = ("SEOUL, April 4 (Yonhap) - South Korea's carriers switched on a national 5G "
            "network late on Wednesday, {}.")
    assert country not in places("5G in Korea", lead.format(compared))
    assert "United States" in places("5G in Korea", lead.format("with the United States"))


@pytest.mark.parametrize(("sentence", "country"), [
    ("The colonel named Crown Prince Sione, who is receiving medical treatment in "
     "Switzerland, as head of state.", "Switzerland"),
    ("The deposed premier's wife is staying in Morocco.", "Morocco"),
    ("The king, who returned from exile in Britain, called for calm.", "United Kingdom"),
])
def test_where_a_person_stays_is_passed_by(sentence: str, country: str) -> None:
    got = places("Coup in Fiji", COUP.format(sentence))
    assert "Fiji" in got and country not in got


def test_an_arrest_where_a_person_stays_is_a_place() -> None:
    got = places("Coup in Fiji", COUP.format("The crown prince was arrested in Switzerland "
                                             "on Friday."))
    assert "Switzerland" in got


def test_a_given_name_that_is_a_country_names_a_person() -> None:
    person = places("European elections", (
        "PARIS, June 9 (Reuters) - The list led by Jordan Bardell, the 28-year-old "
        "president of the National Rally, won 31.4% of the vote in France on Sunday."))
    country = places("Border closed", "AMMAN, June 9 (Reuters) - Jordan closed its border "
                                      "with Syria on Sunday.")
    assert "France" in person and "Jordan" not in person
    assert "Jordan" in country


def test_congo_after_the_democratic_republic_is_the_democratic_republic() -> None:
    outbreak = places("Outbreak spreads", (
        "GENEVA, Aug 14 (Reuters) - A new strain of the virus spread from the Democratic "
        "Republic of Congo into neighbouring countries, the agency said.\n\n"
        "Most cases this year were in Congo, where the strain has spread through South "
        "Kivu."))
    port = places("Port road", "BRAZZAVILLE, Aug 14 (Reuters) - President Denis Sassou "
                               "Nguesso of Congo opened a new port road on Wednesday.")
    assert "Democratic Republic of the Congo" in outbreak
    assert "Republic of the Congo" not in outbreak
    assert "Republic of the Congo" in port
