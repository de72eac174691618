"""One name per person and per organization (topics/names.py, people, organizations)."""

from __future__ import annotations

import pytest

from newsarchive.config import TopicSettings
from newsarchive.topics import extract_terms
from newsarchive.topics.gazetteer import load_gazetteer
from newsarchive.topics.names import (
    CLAUSE_WORDS,
    canonical_person,
    drop_middle_initials,
    person_words,
    strip_clause_words,
)

#: Subjects are left out: these tests are about names.
SETTINGS = TopicSettings(enabled=("places", "people", "organizations"))


def _terms(title: str, text: str) -> dict[str, tuple[str, ...]]:
    return extract_terms(title, text, SETTINGS)


# -- people ------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "canonical"), [
    ("Donald J. Trump", "Donald Trump"),
    ("President Donald J. Trump's", "Donald Trump"),
    ("Mr. Donald Trump", "Donald Trump"),
    ("Henry M. Paulson Jr.", "Henry Paulson"),       # a generational suffix goes
    ("Richard S. Fuld, Jr.", "Richard Fuld"),
    ("James A. Baker III", "James Baker"),
    ("Queen Elizabeth II", "Queen Elizabeth II"),     # a regnal number stays
    ("John Paul II", "John Paul II"),
    ("F. W. de Klerk", "F.W. de Klerk"),             # spaced opening initials join
    ("N. T. Rama Rao", "N.T. Rama Rao"),
    ("George H. W. Bush", "George H.W. Bush"),        # the initial tells two apart
    ("George H.W. Bush", "George H.W. Bush"),
    ("Lt. Gen. Fidel V. Ramos", "Fidel Ramos"),
    ("A. Raja", "A. Raja"),                 # an opening initial is the name's usual form
    ("F.W. de Klerk", "F.W. de Klerk"),
    ("M.K. Stalin", "M.K. Stalin"),
    ("Osama bin Laden", "Osama bin Laden"),
])
def test_canonical_person(written: str, canonical: str) -> None:
    assert canonical_person(written, load_gazetteer().titles) == canonical


def test_person_words_and_middle_initials_keep_two_words() -> None:
    assert person_words(("Ray", "Parker", "Jr.")) == ("Ray", "Parker")
    assert person_words(("Parker", "Jr.")) == ("Parker", "Jr.")
    assert drop_middle_initials(("John", "Q.")) == ("John", "Q.")
    assert drop_middle_initials(("Ben", "S.", "Bernanke")) == ("Ben", "Bernanke")
    assert drop_middle_initials(("Ben", "Bernanke", "Jr.")) == ("Ben", "Bernanke", "Jr.")


def test_initials_titles_and_possessives_make_one_person() -> None:
    got = _terms("Trump signs order on farm aid",
                 "WASHINGTON (AP) - President Donald J. Trump signed an executive order on "
                 "Monday, officials said.\n\nMr. Trump told reporters the order would help "
                 "farmers. \"It is a great day,\" Trump said.\n\nDonald Trump's aides said "
                 "the order takes effect in May. Trump's critics disagreed.")
    assert got["people"] == ("Donald Trump",)


@pytest.mark.parametrize("first, second", [("Donald Trump", "Donald J. Trump"),
                                           ("Donald J. Trump", "Donald Trump")])
def test_with_and_without_initial_is_one_term_in_either_order(first: str, second: str
                                                                ) -> None:
    got = _terms("Rally in Ohio",
                 f"{first} spoke in Columbus on Tuesday.\n\n{second}, who was president, "
                 "said he would win. Trump added that the vote was close.")
    assert got["people"] == ("Donald Trump",)


def test_titles_are_stripped_and_surnames_join_the_full_name() -> None:
    got = _terms("Senate vote on health bill",
                 "Sen. Elizabeth Warren said on Monday that the bill would fail.\n\n"
                 "Gov. Gavin Newsom disagreed. Dr. Anthony S. Fauci, who advised the "
                 "government, said more testing was needed. Warren added that she would "
                 "vote no, and Fauci said he would testify.")
    assert set(got["people"]) == {"Elizabeth Warren", "Gavin Newsom", "Anthony Fauci"}


# -- organizations -------------------------------------------------------------------


def test_ec_acronym_long_form_commission_and_the_community_are_one() -> None:
    got = _terms("EC farm ministers meet on milk",
                 "BRUSSELS, March 3 - European Community farm ministers met on Tuesday to "
                 "discuss milk quotas, the EC Commission said.\n\nThe Community has "
                 "struggled with surpluses for years. EC officials said a deal was close.")
    assert got["organizations"] == ("European Community",)


def test_the_community_counts_only_in_a_story_about_the_ec() -> None:
    story = ("The Community has struggled with milk surpluses for years, and the "
             "Community budget is under strain.\n\nMinisters said the Community would "
             "decide in May.")
    about_ec = _terms("Milk surpluses", story + "\n\nThe EC is the main buyer.")
    assert about_ec["organizations"] == ("European Community",)
    assert "European Community" not in _terms("Milk surpluses", story)["organizations"]


@pytest.mark.parametrize(("surface", "canonical"), [
    ("OPEC", "OPEC"),
    ("the Organization of Petroleum Exporting Countries", "OPEC"),
    ("GATT", "GATT"),
    ("the General Agreement on Tariffs and Trade", "GATT"),
    ("the IMF", "International Monetary Fund"),
    ("the International Monetary Fund", "International Monetary Fund"),
    ("the World Bank", "World Bank"),
    ("the OECD", "Organisation for Economic Co-operation and Development"),
    ("the Organization for Economic Cooperation and Development",
     "Organisation for Economic Co-operation and Development"),
    ("Comecon", "Comecon"),
    ("the Council for Mutual Economic Assistance", "Comecon"),
    ("the OAU", "Organization of African Unity"),
    ("the Asian Development Bank", "Asian Development Bank"),
    ("the FAO", "Food and Agriculture Organization"),
    ("the European Economic Community", "European Community"),
])
def test_intergovernmental_bodies_by_acronym_and_full_name(surface: str, canonical: str
                                                           ) -> None:
    got = _terms("Ministers meet on trade",
                 f"GENEVA, June 2 - Officials of {surface} met on Monday to discuss "
                 "trade, delegates said.\n\nA statement is expected on Friday.")
    assert got["organizations"][:1] == (canonical,)


def test_the_fund_and_the_bank_count_for_imf_and_world_bank_only_beside_them() -> None:
    got = _terms("Loan talks", "The IMF said on Monday it would lend more.\n\n"
                 "The Fund said the loan would be paid in May. A deal with the Bank of "
                 "Montreal was also signed.")
    assert "World Bank" not in got["organizations"]
    assert "International Monetary Fund" in got["organizations"]


@pytest.mark.parametrize("opener", ["When", "After", "Although", "But", "Before", "While"])
def test_an_organization_never_starts_with_a_clause_word(opener: str) -> None:
    got = _terms("Raid in Moscow",
                 f"MOSCOW - {opener} the Russian Federal Security Service raided the office "
                 "on Monday, staff were detained.\n\nThe Russian Federal Security Service "
                 "said it acted lawfully.")
    assert got["organizations"] == ("Russian Federal Security Service",)
    assert not any(name.split()[0] in CLAUSE_WORDS for name in got["organizations"])


def test_strip_clause_words() -> None:
    assert strip_clause_words(["When", "the", "Russian", "Federal"]) == 2
    assert strip_clause_words(["After", "Greenpeace"]) == 1
    assert strip_clause_words(["The", "Football", "Association"]) == 0
    assert strip_clause_words(["Federal", "Security", "Service"]) == 0


@pytest.mark.parametrize(("lead", "person"), [
    ("Housing Minister John Lohr said on Monday the rules would change.", "John Lohr"),
    ("Ross County Sheriff Ron Nichols said deputies found the car.", "Ron Nichols"),
    ("Selectboard Chair Rachel Kimura said the vote was postponed.", "Rachel Kimura"),
    ("The Rev Rod Thomas said the vote was a mistake.", "Rod Thomas"),
    ("Det Garda Sean Ryan told the court the car was found.", "Sean Ryan"),
    ("Former Telecom Minister A. Raja told the court he was innocent.", "A. Raja"),
    ("John Major said the talks would go on.", "John Major"),  # a title word as a name
    ("Saudi Oil Minister Sheikh Ahmed Zaki Yamani told reporters output would rise.",
     "Ahmed Zaki Yamani"),
    ("Chancellor of the Exchequer Nigel Lawson told MPs the pound would recover.",
     "Nigel Lawson"),
    ("Treasury Secretary Henry M. Paulson Jr. said the plan would work.", "Henry Paulson"),
    ("Attorney-General Mark Stanhope said the law would be reviewed.", "Mark Stanhope"),
])
def test_titles_inside_the_run_are_stripped(lead: str, person: str) -> None:
    got = _terms("Officials speak", f"{lead}\n\nThe statement came late on Monday.")
    assert got["people"] == (person,)


@pytest.mark.parametrize(("lead", "body"), [
    ("Philadelphia-based Keystone Fidelity Corp. said on Monday it would cut 200 jobs.",
     "Keystone Fidelity"),
    ("Bank of Japan Governor Satoshi Sumita said on Monday rates would stay low.",
     "Bank of Japan"),
    ("The Georgia General Assembly voted on Monday to raise the fuel tax.",
     "Georgia General Assembly"),
    ("The Ohio National Guard was sent on Monday to the flooded towns.",
     "Ohio National Guard"),
    ("The Palestine Liberation Organisation said on Monday it had not been consulted.",
     "Palestine Liberation Organization"),
    ("The U.S. Bankruptcy Court in Manhattan approved the sale on Monday.",
     "United States Bankruptcy Court"),
    ("The United States Senate voted on Monday to approve the bill.", "Senate"),
    ("The U.S. Agriculture Department said on Monday the harvest would be late.",
     "Department of Agriculture"),
])
def test_one_name_per_body(lead: str, body: str) -> None:
    got = _terms("Officials act", f"{lead}\n\nA statement followed on Tuesday.")
    assert got["organizations"][:1] == (body,)
    assert body != "Bank of Japan" or got["people"] == ("Satoshi Sumita",)


def test_a_person_of_a_body_is_not_part_of_its_name() -> None:
    got = _terms("Analysts doubt the merger",
                 "The merger will fail, said Rob Enderle of Giga Information Group on "
                 "Monday.\n\nGiga Information Group expects more deals this year.")
    assert got["organizations"] == ("Giga Information Group",)
    assert got["people"] == ("Rob Enderle",)


def test_generic_bodies_keep_their_curated_name_without_a_place() -> None:
    got = _terms("Senate vote", "The Senate voted on Monday to approve the bill.\n\n"
                 "The General Assembly of the United Nations met on Tuesday.")
    assert got["organizations"][:1] == ("Senate",)


def test_a_cup_named_after_a_body_does_not_attach_it() -> None:
    got = _terms("Late goal wins the FA Cup",
                 "LONDON - A late goal won the FA Cup final at Wembley on Saturday.\n\n"
                 "The FA Cup was first played in 1872.")
    assert "Football Association" not in got["organizations"]
    acting = _terms("FA fines club", "LONDON - The FA fined the club on Monday, the "
                    "Football Association said.\n\nThe club will appeal.")
    assert acting["organizations"] == ("Football Association",)


def test_the_congress_in_an_indian_story_is_the_indian_national_congress() -> None:
    india = _terms("Congress wins Karnataka",
                   "BENGALURU, May 13 - The Congress won a clear majority in Karnataka on "
                   "Saturday, election officials in Bengaluru said.\n\nThe Congress had "
                   "promised free bus travel for women across India.")
    assert "Indian National Congress" in india["organizations"]
    assert "Congress" not in india["organizations"]
    us = _terms("Congress passes budget",
                "WASHINGTON, May 13 - Congress passed the budget on Saturday, officials "
                "in Washington said.\n\nCongress will vote again in June.")
    assert "Congress" in us["organizations"]


def test_a_plural_possessive_inside_a_name_keeps_the_name_whole() -> None:
    got = _terms("Jails are full",
                 "The Prison Governors' Association said on Monday that jails were full.\n\n"
                 "The Municipal Employees' Annuity and Benefit Fund said it would sue.")
    assert got["organizations"] == ("Prison Governors' Association",
                                    "Municipal Employees' Annuity and Benefit Fund")


@pytest.mark.parametrize("text", ["When The", "After the When", "Philadelphia-based",
                                  "Mr. J. Jr.", "The F. W.", "the Community the Fund"])
def test_runs_of_only_stripped_words_never_raise(text: str) -> None:
    got = _terms("Title", f"{text} said.\n\n{text}")
    assert set(got) == {"places", "people", "organizations"}


def test_a_middle_initial_that_tells_two_people_apart_is_kept() -> None:
    assert canonical_person("George W. Bush") == "George W. Bush"
    assert canonical_person("George H. W. Bush's") == "George H.W. Bush"
    assert canonical_person("George H.W. Bush") == "George H.W. Bush"
    assert canonical_person("Robert F. Kennedy Jr.") == "Robert F. Kennedy Jr."
    assert canonical_person("Robert F. Kennedy") == "Robert F. Kennedy"
    assert canonical_person("Donald J. Trump") == "Donald Trump"
