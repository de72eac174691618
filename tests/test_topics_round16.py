"""Topics, sixteenth round (issue 16): the classes found on holdout14 once it had been
scored blind (benchmarks/TOPICS.md, "Round 16").

Every article is a constructed example written for the test (invented people, companies
and events); each asserts on the extractor's output, with a control.
"""

from __future__ import annotations

from newsarchive.config import TopicSettings
from newsarchive.topics import extract_terms
from topicskit import places

FLIGHT = ("BISHKEK, April 8 (Reuters) - Opposition leaders formed an interim government in "
          "Kyrgyzstan on Thursday after the president fled the capital.\n\n"
          "Crowds gathered in the main square.\n\n{}")
LAUNCH = ("NAIROBI, July 14 (Reuters) - A satellite internet service went live in Kenya on "
          "Thursday, undercutting local providers.\n\nOfficials welcomed it.\n\n{}")


def test_a_capital_that_does_a_deed_makes_its_country_act() -> None:
    deed = places("Interim government", FLIGHT.format(
        "Moscow promised humanitarian aid to the new leaders."))
    comment = places("Interim government", FLIGHT.format(
        "Moscow said it was watching the situation closely."))
    backer = places("Interim government", FLIGHT.format(
        "A fund backed by the Moscow government will also invest."))
    assert "Russia" in deed
    assert "Russia" not in comment and "Russia" not in backer


def test_where_a_service_is_available_is_passed_by() -> None:
    available = places("Satellite internet", LAUNCH.format(
        "The service is also available in Rwanda and Mozambique."))
    installed = places("Satellite internet", LAUNCH.format(
        "Engineers also installed dishes in Rwanda and Mozambique."))
    assert "Kenya" in available and not {"Rwanda", "Mozambique"} & set(available)
    assert {"Rwanda", "Mozambique"} <= set(installed)


def test_an_airline_is_an_organization_and_an_occupation_is_a_title() -> None:
    terms = extract_terms("Jet lands", (
        "MIAMI (AP) - A Pan Am jet landed safely in Miami on Monday after an engine fire, "
        "the airline said.\n\n\"We heard a bang,\" said shopkeeper Alma Ruiz, who was "
        "aboard. Pan Am said it would inspect its fleet."), TopicSettings())
    assert terms["organizations"] == ("Pan Am",)
    assert terms["people"] == ("Alma Ruiz",)


def test_a_future_that_is_no_deed_is_a_stance() -> None:
    summit = ("ALMATY, June 15 (Reuters) - Six nations founded a regional security group on "
              "Friday at a summit in the Kazakh city.\n\nThe leaders signed the charter.\n\n{}")
    watch = places("Group founded", summit.format(
        "A spokesman said Canada would watch the new group's activities closely."))
    send = places("Group founded", summit.format(
        "A spokesman said Canada would send observers to its next meeting."))
    assert "Kazakhstan" in watch and "Canada" not in watch
    assert "Canada" in send
