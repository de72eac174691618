"""Topics on wire copy, ninth round (issue 16): one test per class of error found on the
tuning splits (benchmarks/TOPICS.md, "Ninth round").

Every article is a constructed example written for the test (invented names and
events); each asserts on the extractor's output.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from newsarchive.config import TopicSettings
from newsarchive.topics import extract_terms, place_parent
from newsarchive.topics.clauses import quoted_tokens
from newsarchive.topics.hierarchy import expand_places, place_chain, town_term
from newsarchive.topics.names import canonical_person, person_words
from newsarchive.topics.salience import tokenize

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = TopicSettings()


def terms(title: str, text: str) -> dict[str, tuple[str, ...]]:
    return extract_terms(title, text, DEFAULT)


# --- people -----------------------------------------------------------------------

def test_a_person_named_once_with_a_given_name_is_attached() -> None:
    # the class: players, candidates and cast named in full once, never again
    text = ("AUGUSTA, Ga. (AP) — Tom Tennant won the Masters on Sunday by two strokes.\n\n"
            "Tennant closed with a 68. Brendan Okafor was second.\n\n"
            "Curtis Vandermeer, playing in his 30th Masters, finished at even par.")
    people = terms("Tennant wins Masters", text)["people"]
    assert people[0] == "Tom Tennant"
    assert {"Brendan Okafor", "Curtis Vandermeer"} <= set(people)


def test_one_mention_bonus_does_not_reorder_repeated_names() -> None:
    # the bonus lifts a name mentioned once below the lead; names mentioned more often
    # keep their order (the seed's pinned people order is unchanged)
    text = ("Prime Minister Anna Lindqvist met unions on Monday.\n\n"
            "Lindqvist said talks would go on. Peter Holm, a union official, agreed. "
            "Holm said the offer was fair. Holm added that members would vote.")
    assert terms("Talks", text)["people"][:2] == ("Peter Holm", "Anna Lindqvist")


@pytest.mark.parametrize("given", ["Claudio", "Petra", "Theresa", "Mervyn", "Olumide",
                                   "Jasprit", "Thiago", "Cillian"])
def test_given_names_of_many_languages(given: str) -> None:
    text = (f"The vote was close.\n\n{given} Marchetti finished second in the ballot "
            "on Sunday night.")
    assert f"{given} Marchetti" in terms("Ballot", text)["people"]


@pytest.mark.parametrize("thing", [
    "Crowds filled the John F. Kennedy Stadium on Saturday night.",
    "Shares of Philip Morris Cos Inc fell on Monday, the company said.",
    "The team paraded the Liam MacCarthy Cup through the city.",
    "Adel Haddad, head of research at Al Rajhi Capital, said prices would rise.",
    "Ditsela Transport said its buses would run again on Monday.",
    "The Bafta Fellowship went to a costume designer.",
])
def test_things_named_after_people_are_not_people(thing: str) -> None:
    people = terms("News", "Markets were calm.\n\n" + thing)["people"]
    assert not {"John Kennedy", "John F. Kennedy", "Philip Morris Cos", "Liam MacCarthy",
                "Al Rajhi Capital", "Ditsela Transport", "Bafta Fellowship"} & set(people)


def test_a_role_word_opening_a_sentence_is_not_a_name() -> None:
    text = ("Robbers held up the bank on Friday.\n\nTeller Maria Whitlock said she stayed "
            "calm. Minister for Jobs Richard Bruton said the bank would reopen.")
    people = terms("Bank robbery", text)["people"]
    assert "Maria Whitlock" in people and "Richard Bruton" in people
    assert "Teller Maria Whitlock" not in people and "Jobs Richard Bruton" not in people


def test_an_opening_initial_before_a_given_name_is_dropped() -> None:
    assert person_words(("W.", "Daniel", "Hillis")) == ("Daniel", "Hillis")
    assert canonical_person("R. Eugene Pincham") == "Eugene Pincham"
    # an initial before a word that is no known given name stays (South Indian names)
    assert canonical_person("K. Ramachandra Rao") == "K. Ramachandra Rao"
    assert canonical_person("F. W. de Klerk") == "F.W. de Klerk"
    assert canonical_person("A. Raja") == "A. Raja"


# --- places -----------------------------------------------------------------------

def test_a_place_only_a_quoted_speaker_names_is_not_a_place() -> None:
    text = ("OTTAWA - The Senate passed the crime bill on Thursday.\n\n"
            '"Texas is closing prisons because this approach failed there," said '
            "Senator Ruth Gagnon.")
    places = terms("Crime bill passes", text)["places"]
    assert "Texas" not in places and "United States" not in places
    assert places[:2] == ("Ottawa", "Canada")


def test_a_place_named_inside_and_outside_quotes_stays() -> None:
    text = ("Delhi orders polluting factories to move out.\n\nThe court gave the factories "
            'until November.\n\n"This is a victory for every child in Delhi," a lawyer said.')
    assert "Delhi" in terms("Delhi factories", text)["places"]


def test_quoted_tokens_stay_inside_their_paragraph() -> None:
    doc = tokenize("", 'He said "we will win in Lyon\n\nLater she left for “Lille” today.')
    inside = {doc.tokens[k].text for k in quoted_tokens(doc.tokens)}
    assert inside == {"we", "will", "win", "in", "Lyon", "Lille"}


def test_a_place_that_names_an_agreement_is_not_a_place() -> None:
    text = ("GENEVA, Nov 15 - Trade negotiators failed to agree on farm subsidies on "
            "Tuesday, three weeks before ministers review the Uruguay Round.\n\n"
            "The Kyoto Protocol was not discussed.")
    places = terms("Trade talks stall", text)["places"]
    assert "Uruguay" not in places and "Japan" not in places
    assert places[:2] == ("Geneva", "Switzerland")


def test_an_officials_nationality_below_the_lead_is_not_a_place() -> None:
    text = ("MOSCOW, July 4 - President Boris Yeltsin won the run-off on Thursday.\n\n"
            "Yeltsin thanked voters.\n\n"
            "Western governments welcomed the result. U.S. President Bill Clinton "
            "telephoned Yeltsin to congratulate him, the White House said. Britain's Prime "
            "Minister John Major sent a message.")
    places = terms("Yeltsin wins", text)["places"]
    assert "United States" not in places and "United Kingdom" not in places
    lead = ("GENEVA - Russian President Boris Yeltsin and U.S. President Bill Clinton "
            "agreed on Saturday to stop aiming missiles at each other.")
    assert "United States" in terms("Summit", lead)["places"]


def test_a_market_city_is_no_evidence_for_its_country() -> None:
    text = ("VIENNA, April 21 - Oil ministers ended talks on Monday without agreeing on "
            "cuts, and spot crude prices fell a dollar a barrel in London and New York.\n\n"
            "Delegates said ministers would meet again in June.")
    places = terms("Oil talks fail", text)["places"]
    assert places[:2] == ("Vienna", "Austria")
    assert "United Kingdom" not in places and "United States" not in places


def test_a_persons_country_below_the_lead_is_a_nationality() -> None:
    text = ("CHICAGO (AP) — Dawit Tesfaye won the Chicago Marathon on Sunday.\n\n"
            "Tesfaye pulled away at 35 kilometres.\n\n"
            "Almaz Girma of Ethiopia won the women's race, and Lucy Kamau of Kenya was "
            "second.")
    places = terms("Tesfaye wins", text)["places"]
    assert "Ethiopia" not in places and "Kenya" not in places
    lead = ("VATICAN CITY - Cardinal Tomas Varga of Hungary was elected pope on "
            "Wednesday.")
    assert "Hungary" in terms("New pope", lead)["places"]


def test_a_country_owning_a_company_is_not_a_place() -> None:
    text = ("MUMBAI: Tata Steel won the auction for Corus on Saturday, outbidding "
            "Brazil's Companhia Siderurgica Nacional after nine rounds.\n\n"
            "Tata will pay 608 pence a share.")
    assert "Brazil" not in terms("Tata wins Corus", text)["places"]


# --- hierarchy ----------------------------------------------------------------------

def test_a_same_named_town_has_its_own_term() -> None:
    text = ("READING, Pa., March 3 - Meridian Bancorp said it would close two branches "
            "in Reading.\n\nJobs will move to Philadelphia.")
    places = terms("Bank to close branches", text)["places"]
    assert "Reading, Pennsylvania" in places and "Reading" not in places
    english = "READING, England - The festival drew 90,000 fans to Reading this weekend."
    assert terms("Festival", english)["places"][0] == "Reading"
    assert place_parent("Reading, Pennsylvania") == "Pennsylvania"
    assert place_chain("Athens, Georgia") == ("Athens, Georgia", "Georgia (U.S. state)",
                                              "United States")
    assert town_term("Reading", "Pennsylvania", "United States") == "Reading, Pennsylvania"
    assert town_term("Reading", "England", "United Kingdom") == "Reading"
    assert town_term("Singapore", "", "Singapore") == "Singapore"
    assert place_parent("Reading, Narnia") is None


@pytest.mark.parametrize(("city", "region"), [
    ("Stuttgart", "Baden-Württemberg"), ("Leipzig", "Saxony"), ("Munich", "Bavaria"),
    ("Lyon", "Auvergne-Rhône-Alpes"), ("Marseille", "Provence-Alpes-Côte d'Azur"),
    ("Paris", "Île-de-France"),
])
def test_first_level_regions_of_germany_and_france(city: str, region: str) -> None:
    assert place_chain(city)[1:] == (region, place_chain(region)[-1])
    # the city-states stay directly under the country
    assert place_parent("Hamburg") == "Germany" and place_parent("Berlin") == "Germany"


def test_front_matter_places_expand_to_their_chains() -> None:
    assert expand_places(["Houston", "Nowhere", "Texas", "Lyon"]) == (
        "Houston", "Texas", "United States", "Nowhere", "Lyon", "Auvergne-Rhône-Alpes",
        "France")


# --- organizations ------------------------------------------------------------------

def test_a_bare_un_organ_name_needs_the_un() -> None:
    national = ("MOSCOW - Alexander Lebed was appointed head of the Security Council on "
                "Tuesday.\n\nThe Security Council advises the president.")
    assert "UN Security Council" not in terms("Lebed appointed", national)["organizations"]
    un = ("NEW YORK - The U.N. Security Council voted on Friday to extend the mission.\n\n"
          "The Security Council will meet again in June.")
    assert "UN Security Council" in terms("UN extends mission", un)["organizations"]


def test_a_body_that_acts_once_below_the_lead_is_attached() -> None:
    text = ("HARARE - The president resigned on Tuesday after 37 years in power.\n\n"
            "Crowds danced in the streets.\n\n"
            "The African Union said it welcomed the outcome. The International Energy "
            "Agency in Paris said oil supplies were not affected.")
    organizations = terms("President resigns", text)["organizations"]
    assert "African Union" in organizations
    assert "International Energy Agency" in organizations


def test_an_exchange_is_an_organization() -> None:
    text = ("KUALA LUMPUR - Palm oil futures rose on Tuesday.\n\nThe Penang Commodity "
            "Exchange said it would extend trading hours from next month.")
    assert "Penang Commodity Exchange" in terms("Palm oil", text)["organizations"]


# --- the evaluation -----------------------------------------------------------------

def _eval_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("topics_eval_wire",
                                                  ROOT / "benchmarks" / "topics_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["topics_eval_wire"] = module
    spec.loader.exec_module(module)
    return module


def test_evaluation_reads_qualified_towns_and_counts_intergovernmental_bodies() -> None:
    evaluation = _eval_module()
    assert evaluation.plain("Reading, Pennsylvania") == "Reading"
    assert evaluation.plain("Washington, D.C.") == "Washington, D.C."
    assert evaluation.with_ancestors({"Reading, Pennsylvania"}) == {
        "Reading", "Pennsylvania", "United States"}
    # a labelled town with its country: the only town of that name there gives its region
    assert "Auvergne-Rhône-Alpes" in evaluation.ancestors("Lyon", frozenset({"France"}))
    assert {"European Community", "OPEC", "GATT", "International Monetary Fund"} <= \
        evaluation.INTERGOVERNMENTAL
    assert "intergov" in evaluation.TAXONOMIES and "holdout7" in evaluation.SPLITS
