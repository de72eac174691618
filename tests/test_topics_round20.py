"""Topics, twentieth round (issue 16): technology company news, filed by readers and
broadcasters under technology, went to business; a city of the story kept its country
whatever the countries model said; the last words of a minister's portfolio became a
given name (benchmarks/TOPICS.md, "Round 20").

Every article is a constructed example written for the test (invented people, companies
and events); each asserts on the extractor's output, with a control.
"""

from __future__ import annotations

import pytest

import newsarchive.topics
from newsarchive.config import TopicSettings
from newsarchive.topics import extract_terms, subjects

NETWORK = ("Chatterly to charge for verified accounts",
           "Chatterly, the social network, said on Wednesday it would start charging users "
           "$8 a month for verified accounts and fewer advertisements, as it tries to make up "
           "for falling advertising revenue.\n\n"
           "The company's advertising sales fell 12 percent last quarter. It has 300 million "
           "users.\n\n"
           "The update to its app also lets users edit their posts.\n\n"
           "Analysts said few users were likely to pay.")
BANK = ("Harlow Bank profit rises as lending grows",
        "Harlow Bank said on Tuesday its quarterly profit rose 12 percent as lending to "
        "households and small firms grew and bad loans fell to their lowest level in six "
        "years.\n\n"
        "Net interest income climbed to 2.1 billion, and the bank raised its dividend by 10 "
        "percent. Shares rose 3 percent in early trading.\n\n"
        "Chief executive Tom Reyes said the bank expected mortgage demand to hold up next "
        "year despite higher rates.")
STORES = ("Brennan's sales fall as shoppers cut back",
          "Brennan's, the department store chain, said on Thursday that sales fell 6 percent "
          "in the quarter as shoppers cut spending on clothing and furniture, and it lowered "
          "its profit forecast for the year.\n\n"
          "Online sales rose 8 percent but did not make up for weaker trade in its stores. The "
          "shares fell 11 percent.\n\n"
          "Chief executive Paula Grant said the company would close 20 stores and cut costs "
          "by $150 million.")


def _main(article: tuple[str, str], settings: TopicSettings | None = None) -> str:
    return extract_terms(*article, settings or TopicSettings())["subjects"][0]


def test_technology_company_news_is_filed_under_technology() -> None:
    assert _main(NETWORK) == "science and technology"
    assert "economy, business and finance" in extract_terms(*NETWORK, TopicSettings())[
        "subjects"]


def test_without_the_prior_the_same_story_went_to_business(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(subjects, "PRIORS", {})
    assert _main(NETWORK) == "economy, business and finance"


@pytest.mark.parametrize("article", [BANK, STORES])
def test_business_news_stays_business(article: tuple[str, str]) -> None:
    assert _main(article) == "economy, business and finance"


def test_the_prior_needs_the_classifier(monkeypatch: pytest.MonkeyPatch) -> None:
    # with the classifier off (``topics.subject_model: false``) the cue rules alone
    # choose: no prior, however large, changes their choice
    cues_only = TopicSettings(subject_model=False)
    chosen = _main(NETWORK, cues_only), _main(BANK, cues_only)
    monkeypatch.setattr(subjects, "PRIORS", {"science and technology": 100.0})
    assert (_main(NETWORK, cues_only), _main(BANK, cues_only)) == chosen
    assert _main(BANK) == "science and technology"  # while the classifier's choice moves


SMELTER = ("ADELAIDE, March 3 - Shares in Kestrel Mining rose 8 percent on Tuesday after the "
           "company said it had found a rich seam of copper at its Mount Gunson project in the "
           "state's north.\n\n"
           "The find follows two years of drilling on a lease the company bought from a rival "
           "in 2019. Kestrel said the seam ran for at least 400 metres and held ore grading 2.1 "
           "percent copper, among the richest found in South Australia in a decade.\n\n"
           "On Monday Kestrel signed an agreement to ship the ore to a smelter in Osaka, where "
           "its chairman met buyers from three trading houses. The smelter in Osaka will take "
           "the first cargo next year.\n\n"
           "Kestrel's managing director, Ruth Calder, said the company would spend 30 million "
           "dollars on further drilling this year and hoped to decide on a mine by 2026. Copper "
           "prices have risen by a fifth this year on demand from makers of electric vehicles "
           "and power cables.")


@pytest.mark.parametrize(("bias", "japan"), [(-10.0, False), (10.0, True)])
def test_a_country_taken_away_takes_its_cities_with_it(
        monkeypatch: pytest.MonkeyPatch, bias: float, japan: bool) -> None:
    # weights that take away (or keep) every country they may judge
    monkeypatch.setattr(newsarchive.topics, "load_countries_model", lambda: {"bias": bias})
    places = extract_terms("Kestrel finds copper", SMELTER, TopicSettings())["places"]
    assert {"Australia", "Adelaide", "South Australia"} <= set(places)  # the dateline's
    assert ("Japan" in places) is japan
    assert ("Osaka" in places) is japan  # it goes with its country
    rules = extract_terms("Kestrel finds copper", SMELTER,
                          TopicSettings(country_model=False))["places"]
    assert {"Japan", "Osaka"} <= set(rules)


@pytest.mark.parametrize(("text", "person"), [
    ("\"The rocket reached orbit,\" Minister of Education, Science and Technology Lee "
     "Ju-ho told reporters at the launch site on Tuesday.\n\nLee said the data would be "
     "confirmed by evening.", "Lee Ju-ho"),
    ("State Minister for Labour and Employment Monnujan Sufian announced the new minimum "
     "wage on Sunday.\n\nSufian said factory owners had agreed to it.", "Monnujan Sufian"),
    ("Minister of Foreign Trade and Economic Cooperation Shi Guangsheng signed the accord "
     "on Monday.\n\nShi said tariffs would fall.", "Shi Guangsheng"),
])
def test_a_portfolio_after_and_is_no_part_of_the_name(text: str, person: str) -> None:
    assert extract_terms("Accord", text, TopicSettings())["people"] == (person,)


def test_names_joined_by_and_after_a_title_stay_whole() -> None:
    both = ("The Minister of Trade and Industry Ahmad Rahim and Maria Lopes, the chief "
            "executive of Lopes Foods, signed the agreement on Monday.\n\nRahim said "
            "exports would double.")
    visit = ("Health Minister Ahmad Rahim and John Smith, a doctor, visited the hospital on "
             "Monday.\n\nSmith said the ward would reopen.")
    assert set(extract_terms("Deal", both, TopicSettings())["people"]) == {
        "Ahmad Rahim", "Maria Lopes"}
    assert set(extract_terms("Visit", visit, TopicSettings())["people"]) == {
        "Ahmad Rahim", "John Smith"}
