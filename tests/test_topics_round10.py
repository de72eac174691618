"""Country-level place precision on wire copy, tenth round (issue 16): one test per class
of false countries found on the tuning splits (benchmarks/TOPICS.md, "Tenth round").

Every article is a constructed example written for the test (invented companies,
people and events); each asserts on the extractor's output, with a control that keeps
the country when the sentence makes it a place of the story.
"""

from __future__ import annotations

import pytest

from newsarchive.config import TopicSettings
from newsarchive.topics import extract_terms
from newsarchive.topics.salience import tokenize
from newsarchive.topics.trade import abbreviated_adjective, comments, market_preposition

DEFAULT = TopicSettings()


def places(title: str, text: str) -> tuple[str, ...]:
    return extract_terms(title, text, DEFAULT).get("places", ())


# --- a country only as a market: where goods go, come from or sell -----------------

MARKET_LEAD = ("COLOMBO, March 4 - Tea prices at the weekly Colombo auction fell to a "
               "two-year low on Tuesday as weak demand {} Oman and Jordan left brokers "
               "with unsold lots, traders said.\n\n"
               "About 6.2 million kilos were offered, the brokers said.\n\n"
               "Growers blamed a wet season for poor leaf quality.")


def test_countries_named_as_a_market_are_not_places() -> None:
    got = places("Colombo tea prices fall", MARKET_LEAD.format("from"))
    assert "Sri Lanka" in got and "Colombo" in got
    assert "Oman" not in got and "Jordan" not in got


def test_the_same_countries_as_a_scene_stay_places() -> None:
    # control: "protests in Oman and Jordan" puts an event there
    text = MARKET_LEAD.replace("weak demand {} Oman and Jordan left brokers with unsold "
                               "lots", "protests in Oman and Jordan closed ports")
    got = places("Colombo tea prices fall", text)
    assert "Oman" in got and "Jordan" in got


@pytest.mark.parametrize("sentence", [
    "Physical stocks for shipment to Oman and Jordan were quoted at 545 dlrs.",
    "The console has sold especially strongly in Oman and Jordan.",
    "Most of the lots went to buyers in Oman and Jordan.",
])
def test_market_sentences_of_many_shapes(sentence: str) -> None:
    text = ("KANDY, June 2 - Harvest Estates Plc said on Monday its profit rose 12 pct in "
            "the year to March on higher prices at the Colombo tea auction.\n\n"
            f"{sentence}\n\nThe company will pay a dividend of two rupees a share.")
    got = places("Harvest Estates profit up", text)
    assert "Sri Lanka" in got
    assert "Oman" not in got and "Jordan" not in got


def test_market_preposition_needs_a_market_word() -> None:
    doc = tokenize("", "weak demand from Oman. Troops moved from Oman. It sold well in Oman.")
    words = [t.text for t in doc.tokens]
    froms = [k for k, w in enumerate(words) if w == "from"]
    assert market_preposition(doc.tokens, froms[0])
    assert not market_preposition(doc.tokens, froms[1])
    assert market_preposition(doc.tokens, words.index("in"))


# --- a country's abbreviation as an adjective ----------------------------------------

def test_an_abbreviation_before_a_noun_is_an_adjective() -> None:
    text = ("SAO PAULO, May 5 - Aerotecna said on Monday it had won an order for 40 "
            "regional jets from a US carrier, its largest this year.\n\n"
            "The jets will fly for US regional airlines from next year.\n\n"
            "Aerotecna shares rose 3 pct.")
    got = places("Aerotecna wins jet order", text)
    assert "Brazil" in got and "United States" not in got


def test_the_abbreviation_as_a_noun_stays_a_place() -> None:
    # control: the jets will fly in the US: a locative names the country
    text = ("SAO PAULO, May 5 - Aerotecna said on Monday it would open an assembly line "
            "in the US next year to build regional jets.\n\n"
            "The line in the US will employ 900 people, the company said.\n\n"
            "Aerotecna shares rose 3 pct.")
    assert "United States" in places("Aerotecna to build jets", text)


def test_abbreviated_adjective_shapes() -> None:
    doc = tokenize("", "a U.S.-built satellite and US customers, the U.S. said, to Guam, U.S. "
                   "officials")
    words = [t.text for t in doc.tokens]
    spots = [k for k, w in enumerate(words) if w in ("U.S.", "US")]
    assert [abbreviated_adjective(doc.tokens, k, k + 1) for k in spots] == [
        True, True, False, False]


# --- a country that only comments below the lead -------------------------------------

REACTION = ("TIRANA, Aug 2 - Albania's parliament voted on Friday to leave the regional "
            "customs pact, ending eleven years of membership.\n\n"
            "Prime Minister Edmond Kasapi said the vote freed farmers from quotas.\n\n"
            "{}")


def test_a_country_that_only_comments_below_the_lead_is_not_a_place() -> None:
    got = places("Albania quits customs pact",
                 REACTION.format("Bulgaria and Romania said the decision was regrettable."))
    assert "Albania" in got
    assert "Bulgaria" not in got and "Romania" not in got


def test_a_country_that_acts_below_the_lead_stays_a_place() -> None:
    # control: closing a border is an act, not a comment
    got = places("Albania quits customs pact",
                 REACTION.format("Bulgaria and Romania have closed their borders to Albanian "
                                 "trucks on Saturday."))
    assert "Bulgaria" in got and "Romania" in got


def test_comments_only_below_the_lead() -> None:
    doc = tokenize("", "Chile said it would act.\n\nPeru said it would wait.")
    words = [t.text for t in doc.tokens]
    assert not comments(doc.tokens, words.index("Chile"), "said")
    assert comments(doc.tokens, words.index("Peru"), "said")
    assert not comments(doc.tokens, words.index("Peru"), "sent")
