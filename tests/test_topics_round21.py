"""Topics, twenty-first round (issue 16): a place or a company read as a person, and the
countries model reading each country beside the others the story names
(benchmarks/TOPICS.md, "Round 21").

Every article is a constructed example written for the test (invented people, companies
and events); each asserts on the extractor's output, with a control.
"""

from __future__ import annotations

import pytest

from newsarchive.config import TopicSettings
from newsarchive.topics import country_evidence, extract_terms
from newsarchive.topics.countries import country_rows
from newsarchive.topics.gazetteer import load_gazetteer, match_entities
from newsarchive.topics.salience import tokenize

LAB = ("ANN ARBOR, Mich. (AP) - Researchers at the University of Michigan said on Tuesday "
       "they had found a cheaper way to store solar power.\n\n"
       "\"This is a big step,\" said Professor Helen Marsh, who led the team in Ann Arbor. "
       "The work was paid for by a grant from the state.\n\n"
       "Ann Arbor, home to the university, will host a trial next year, and Marsh said a "
       "second trial would follow in Alice Springs, in the Australian outback.")


def _people(title: str, text: str) -> tuple[str, ...]:
    return extract_terms(title, text, TopicSettings())["people"]


def test_a_place_with_a_given_name_is_not_a_person() -> None:
    people = _people("Michigan team finds cheaper storage", LAB)
    assert people == ("Helen Marsh",)  # not "Ann Arbor", not "Alice Springs"
    places = extract_terms("Michigan team finds cheaper storage", LAB,
                           TopicSettings())["places"]
    assert {"Ann Arbor", "Michigan", "United States"} <= set(places)


def test_a_person_named_like_a_town_in_part_stays_a_person() -> None:
    # the whole name must be the place: "Ann Marsh" is a person though "Ann" starts a town
    text = ("Ann Marsh, a nurse, said on Monday the clinic would reopen.\n\n"
            "Marsh said 40 patients were waiting.")
    assert _people("Clinic to reopen", text) == ("Ann Marsh",)


@pytest.mark.parametrize("company", ["Harwell Electronics", "Orrin Microsystems",
                                     "Tessel Labs", "Calder Dynamics", "Brisk Media"])
def test_a_company_that_speaks_is_not_a_person(company: str) -> None:
    text = (f"{company} said on Wednesday it would cut 300 jobs, and chief executive Mark "
            f"Doyle said the plant would close.\n\n{company} said sales fell 9 percent.")
    assert _people("Job cuts", text) == ("Mark Doyle",)


STORY = ("BRASILIA, May 4 - Brazil's central bank raised its benchmark rate on Wednesday, "
         "and Brazil's finance minister said inflation in Brazil would fall next year.\n\n"
         "Brazil exports more soya than any other country; buyers in China and Japan took "
         "most of it last year.")


def test_each_country_is_read_beside_the_others() -> None:
    tokens = tokenize("Brazil raises rates", STORY).tokens
    gazetteer = load_gazetteer()
    matches = match_entities(tuple(t.text for t in tokens), gazetteer, {})
    rows = country_rows(tokens, matches, gazetteer.places)
    assert set(rows) == {"Brazil", "China", "Japan"}
    brazil, china = rows["Brazil"], rows["China"]
    assert brazil["most named"] == 1.0 and china["most named"] == 0.0
    assert brazil["share"] == pytest.approx(5 / 7)  # five of the seven mentions
    assert china["share"] == pytest.approx(1 / 7)
    # judging one country alone (as the build does) reads it beside the same others
    alone = country_rows(tokens, matches, gazetteer.places, only={"China"})
    assert alone == {"China": china}


def test_the_training_evidence_carries_the_shares() -> None:
    evidence = country_evidence("Brazil raises rates", STORY, TopicSettings())
    assert evidence.rows["Brazil"]["share"] > evidence.rows["Japan"]["share"] > 0
