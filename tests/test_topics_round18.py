"""Topics, eighteenth round (issue 16): classes found on holdout13 to holdout15 once
a second labeller had labelled them (benchmarks/TOPICS.md, "Round 18").

Every article is a constructed example written for the test (invented people, companies
and events); each asserts on the extractor's output, with a control.
"""

from __future__ import annotations

from topicskit import places

LISTING = ("A fintech group's {} initial public offering was suspended on Tuesday, two "
           "days before its shares were due to start trading in Jakarta.\n\n"
           "Indonesia's financial regulator said the company no longer met listing "
           "conditions.")
ROUT = ("Shares of Karsa Holdings fell 28% on Wednesday as a week-long rout set off by a "
        "{} report deepened, and the group called off its share sale in Jakarta.\n\n"
        "Indonesia's market regulator asked brokers for details of their loans.")
CRASH = ("HONG KONG, Oct 20 (Xinhua) - Share prices in Hong Kong fell by a third today, "
         "the biggest one-day fall on record, and the exchange closed its doors.\n\n"
         "Brokers said margin calls had forced selling.\n\n{}")


def test_a_currency_sign_after_a_country_is_no_place() -> None:
    priced = places("IPO halted", LISTING.format("US$34.5 billion"))
    spaced = places("IPO halted", LISTING.format("US $34.5 billion"))
    named = places("IPO halted", LISTING.format("34.5 billion") +
                   "\n\nThe US suspended trading in the group's bonds on Wednesday.")
    assert "Indonesia" in priced and "United States" not in priced
    assert "United States" not in spaced
    assert "United States" in named


def test_an_abbreviation_before_a_hyphenated_noun_is_a_nationality() -> None:
    seller = places("Share sale called off", ROUT.format("U.S. short-seller's"))
    acting = places("Share sale called off", ROUT.format(
        "fund's report and the U.S. banned the sale of the shares, a"))
    assert "Indonesia" in seller and "United States" not in seller
    assert "United States" in acting


def test_markets_in_other_places_are_passed_by() -> None:
    markets = places("Hong Kong crash", CRASH.format(
        "Markets in Tokyo, Singapore and Sydney also fell sharply today."))
    troops = places("Hong Kong crash", CRASH.format(
        "Police in Singapore and Malaysia also arrested brokers today."))
    assert "Hong Kong" in markets
    assert not {"Singapore", "Japan", "Australia"} & set(markets)
    assert "Singapore" in troops and "Malaysia" in troops
