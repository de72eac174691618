"""Related articles (pipeline/related.py) and story threads (pipeline/threads.py),
on constructed entries and in whole builds."""

from __future__ import annotations

import dataclasses
import math
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsarchive.model import Article, Entry
from newsarchive.pipeline import related
from newsarchive.pipeline.related import (
    DECAY_DAYS,
    NEIGHBOURS,
    WINDOW_DAYS,
    related_entries,
    remembered_related,
    term_postings,
)
from newsarchive.pipeline.threads import body_keywords, find_threads
from newsarchive.run.executor import SerialExecutor
from newsarchive.run.session import Session
from newsarchive.urls import slugify

from sitekit import build_site, full_build_of, make_site, md, snapshot

START = datetime(2020, 1, 1, tzinfo=UTC)


def _entry(key: str, day: int, title: str = "", thread: str = "",
           **terms: tuple[str, ...]) -> Entry:
    title = title or key
    local = START + timedelta(days=day)
    article = Article(f"{key}.md", title, "", published=local, thread=thread)
    slug = slugify(title)
    return Entry(article, slug, f"{slug}/", "", "", dict(terms), key, local=local)


def _dated(*entries: Entry) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.local, e.key))


def _filler(n: int, **terms: tuple[str, ...]) -> list[Entry]:
    """``n`` entries holding ``terms``: they make those terms common."""
    return [_entry(f"filler{i:03d}", 400 + i, **terms) for i in range(n)]


# -- related: ranking ---------------------------------------------------------------

def test_a_rarer_shared_term_wins_over_a_common_one() -> None:
    base = _entry("base", 0, places=("Iran",), subjects=("Oil",))
    rare = _entry("rare", 30, places=("Iran",))       # Iran: 2 entries
    common = _entry("common", 1, subjects=("Oil",))   # Oil: 2 + 20 entries
    related = related_entries(_dated(base, rare, common, *_filler(20, subjects=("Oil",))), 5)
    assert related["base.md"][:2] == ("rare.md", "common.md")


def test_date_proximity_breaks_a_tie_of_shared_terms() -> None:
    base = _entry("base", 100, places=("Iran",))
    near = _entry("near", 103, places=("Iran",))
    far = _entry("far", 10, places=("Iran",))
    filler = _filler(5, subjects=("Other",))
    assert related_entries(_dated(base, near, far, *filler), 5)["base.md"] == (
        "near.md", "far.md")


def test_equal_scores_are_ordered_by_key_and_the_result_is_deterministic() -> None:
    base = _entry("base", 10, places=("Iran",))
    b = _entry("b", 12, places=("Iran",))
    a = _entry("a", 8, places=("Iran",))   # as far as b, other side
    entries = _dated(base, a, b, *_filler(3, subjects=("x",)))
    first = related_entries(entries, 5)
    assert first["base.md"] == ("a.md", "b.md")
    assert related_entries(list(entries), 5) == first


def test_the_count_is_capped_and_zero_turns_the_lists_off() -> None:
    many = [_entry(f"e{i}", i, people=("Ada Lovelace",)) for i in range(12)]
    many += _filler(30, subjects=("x",))
    related = related_entries(_dated(*many), 3)
    assert len(related["e5.md"]) == 3
    assert related["e5.md"] == ("e4.md", "e6.md", "e3.md")
    assert related_entries(_dated(*many), 0) == {}


def _reference(entries: list[Entry], limit: int) -> dict[str, tuple[str, ...]]:
    """The rule of pipeline/related.py written out plainly: each term's
    NEIGHBOURS entries on each side within WINDOW_DAYS, weights summed in term
    order, every candidate scored, the best ``limit`` by score then key."""
    postings = term_postings(entries)
    days = [e.local.toordinal() for e in entries if e.local]
    found = {}
    for i, entry in enumerate(entries):
        shared: dict[int, float] = {}
        for term in sorted(t for t, p in postings.items() if i in p):
            plist = postings[term]
            at = plist.index(i)
            weight = 1.0 / (1 + int(math.log2(len(plist))))
            for j in plist[max(0, at - NEIGHBOURS):at + NEIGHBOURS + 1]:
                if j != i and abs(days[j] - days[i]) <= WINDOW_DAYS:
                    shared[j] = shared.get(j, 0.0) + weight
        scored = sorted((-(w / (1.0 + abs(days[j] - days[i]) / DECAY_DAYS)), entries[j].key)
                        for j, w in shared.items())
        if scored:
            found[entry.key] = tuple(key for _, key in scored[:limit])
    return found


def test_the_lists_equal_scoring_every_candidate_on_a_random_archive() -> None:
    # Windows cut by date, candidates pruned by weight: the same lists as the
    # plain rule, on an archive with common and rare terms.  The days put
    # articles on the same day (a score equal to a weight) and exactly
    # WINDOW_DAYS apart (the edges of the window); "News", on every one, has more
    # than NEIGHBOURS on each side.
    rng = random.Random(7)
    days = [0, 1, 2, 90, WINDOW_DAYS - 1, WINDOW_DAYS, WINDOW_DAYS + 1, WINDOW_DAYS + 2,
            2 * WINDOW_DAYS, 2 * WINDOW_DAYS + 1]
    places = [f"P{n}" for n in range(12)]
    subjects = [f"S{n}" for n in range(4)]
    entries = _dated(*(
        _entry(f"e{n:04d}", rng.choice(days),
               places=tuple(rng.sample(places, rng.randint(0, 2))),
               subjects=("News", *rng.sample(subjects, rng.randint(0, 2))))
        for n in range(120)))
    for limit in (1, 5, 12, 1000):  # 1000: every candidate, down to the window edges
        assert related_entries(entries, limit) == _reference(entries, limit)


def _edited(entry: Entry, taxonomy: str, names: tuple[str, ...]) -> Entry:
    return dataclasses.replace(entry, terms={**entry.terms, taxonomy: names})


def _count_lists(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The positions whose related list is computed from now on, one item each time."""
    computed: list[int] = []
    real = related._Index.related

    def counted(index: related._Index, i: int, limit: int) -> tuple[str, ...]:
        computed.append(i)
        return real(index, i, limit)

    monkeypatch.setattr(related._Index, "related", counted)
    return computed


def test_remembered_lists_equal_lists_computed_afresh_after_term_edits(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # 300 articles, every one holding "News" (far more than NEIGHBOURS on each
    # side), some a few of twelve places.  Each round edits the terms of one to
    # three articles: a place gained or lost (the holders near it in the place's
    # date order are reached), a rare name that a second article already holds
    # (a term that starts relating), "News" dropped (its count crosses 256: every
    # holder's weight changes).  After each, the lists reusing the last plan's
    # memo are those of a computation from scratch, and fewer are computed.
    rng = random.Random(11)
    places = [f"P{n}" for n in range(12)]
    entries = _dated(*(
        _entry(f"e{n:04d}", rng.randrange(0, 2 * WINDOW_DAYS),
               places=tuple(rng.sample(places, rng.randint(0, 2))), subjects=("News",))
        for n in range(300)))
    computed = _count_lists(monkeypatch)
    memo = remembered_related(entries, 5, None)
    assert memo.found == related_entries(entries, 5)
    others_changed = 0
    for round_ in range(40):
        before = related_entries(entries, 5)
        edited = set()
        for _ in range(round_ % 3 + 1):
            i = rng.randrange(len(entries))
            entry = entries[i]
            edited.add(entry.key)
            kind = round_ % 4
            if kind == 0:
                names = tuple(rng.sample(places, rng.randint(0, 3)))
                entries[i] = _edited(entry, "places", names)
            elif kind == 1:
                entries[i] = _edited(entry, "people", (f"Name {round_}",))
                j = rng.randrange(len(entries))
                entries[j] = _edited(entries[j], "people", (f"Name {round_}",))
                edited.add(entries[j].key)
            elif kind == 2:
                entries[i] = _edited(entry, "subjects", ())
            else:
                entries[i] = _edited(entry, "subjects", ("News",))
        computed.clear()
        memo = remembered_related(entries, 5, memo)
        reused = len(computed)
        fresh = related_entries(entries, 5)
        assert memo.found == fresh, round_
        news = sum("News" in e.terms.get("subjects", ()) for e in entries)
        if round_ % 4 == 1:  # the edited articles and the holders of the new names only
            assert 0 < reused <= 4 * len(edited), round_
        elif round_ % 4 == 2 and int(math.log2(news)) == int(math.log2(news + len(edited))):
            # "News" kept its weight: its holders near the edited ones only
            assert 0 < reused <= len(edited) * (2 * NEIGHBOURS + 4) < len(entries), round_
        others_changed += sum(1 for key in fresh.keys() | before.keys()
                              if key not in edited and fresh.get(key) != before.get(key))
    assert others_changed > 20  # the edits reached lists of articles not edited


def test_a_memo_of_other_articles_or_days_is_not_reused() -> None:
    entries = _dated(_entry("a", 0, places=("X",)), _entry("b", 5, places=("X",)),
                     _entry("c", 9, places=("X",)))
    memo = remembered_related(entries, 5, None)
    later = [entries[0], entries[1], dataclasses.replace(
        entries[2], local=entries[2].local + timedelta(days=1))]  # same terms, another day
    fewer = entries[:2]
    for now in (later, fewer):
        assert remembered_related(now, 5, memo).found == related_entries(now, 5)
    assert remembered_related(entries, 2, memo).found == related_entries(entries, 2)


def test_sources_authors_and_languages_do_not_relate_articles() -> None:
    a = _entry("a", 0, sources=("Wire",), authors=("Jo",), languages=("fr",))
    b = _entry("b", 1, sources=("Wire",), authors=("Jo",), languages=("fr",))
    assert related_entries(_dated(a, b), 5) == {}


# -- threads: on constructed entries --------------------------------------------------

def test_explicit_thread_keys_make_a_thread_in_date_order() -> None:
    later = _entry("later", 40, thread="Budget talks")
    first = _entry("first", 1, thread="Budget talks")
    alone = _entry("alone", 2, thread="Another story")
    threads = find_threads(_dated(later, first, alone))
    assert [(t.slug, t.keys, t.explicit) for t in threads] == [
        ("budget-talks", ("first.md", "later.md"), True)]


def test_an_automatic_thread_links_a_follow_up_and_not_a_same_topic_story() -> None:
    entities = {"people": ("Jane Roe",), "places": ("Springfield",),
                "organizations": ("Springfield Dam Authority",)}
    crack = _entry("crack", 0, "Cracks found in Springfield dam wall", **entities)
    follow = _entry("follow", 3, "Springfield dam wall repairs begin after cracks", **entities)
    # Same topic (the dam authority, Springfield) and close in time, another story.
    other = _entry("other", 5, "Springfield council approves school budget",
                   places=("Springfield",), organizations=("Springfield Dam Authority",))
    filler = _filler(40, subjects=("x",))
    threads = find_threads(_dated(crack, follow, other, *filler))
    assert [(t.slug, t.keys, t.explicit) for t in threads] == [
        ("cracks-found-in-springfield-dam-wall", ("crack.md", "follow.md"), False)]


ROLLOUT = ("The enrollment website crashed again as insurers reported lost applications. "
           "Officials said the website contractor would fix the enrollment backlog, and "
           "insurers asked for more time for applications. ") * 2
CONTINUED = ("Insurers said applications lost by the enrollment website were found, and the "
             "contractor promised the website would handle the enrollment rush. ") * 2
GARDEN = ("Gardeners planted tulips along the river path. Volunteers said the tulips and "
          "the river path benches would be ready for the spring festival visitors. ") * 2


def _with_body(entry: Entry, body: str) -> Entry:
    return dataclasses.replace(entry, keywords=body_keywords(body))


def test_a_follow_up_titled_in_other_words_joins_by_its_bodys_words() -> None:
    people = {"people": ("Jane Roe",)}
    first = _with_body(_entry("first", 0, "Enrollment site fails on opening day", **people),
                       ROLLOUT)
    # No title word in common: the bodies' vocabulary and the shared name decide.
    later = _with_body(_entry("later", 6, "Roe promises a fix by December", **people),
                       CONTINUED)
    # The same person, close in time, another story: its words differ.
    garden = _with_body(_entry("garden", 3, "Roe opens the spring festival", **people), GARDEN)
    filler = [_with_body(e, GARDEN if i % 2 else ROLLOUT[:60])
              for i, e in enumerate(_filler(40, subjects=("x",)))]
    threads = find_threads(_dated(first, later, garden, *filler))
    assert [(t.keys, t.explicit) for t in threads] == [(("first.md", "later.md"), False)]
    # Without a shared name the words alone link nothing.
    alone = dataclasses.replace(later, terms={})
    assert find_threads(_dated(first, alone, garden, *filler)) == ()


def test_body_keywords_are_repeated_content_words_and_deterministic() -> None:
    words = body_keywords("The website failed. The website was slow; insurers waited. "
                          "Insurers and the contractor said it would be fixed.")
    assert words == "insurers website"  # used twice; "contractor" only once
    assert body_keywords("Zebra apple. " * 20 + "Mango kiwi. " * 20) == "apple kiwi mango zebra"
    # A sentence added at the end that repeats no word keeps them.
    assert body_keywords(ROLLOUT + " An editor's note was added.") == body_keywords(ROLLOUT)


def test_no_automatic_thread_across_a_long_gap() -> None:
    entities = {"people": ("Jane Roe",), "places": ("Springfield",)}
    a = _entry("a", 0, "Springfield dam wall cracks", **entities)
    b = _entry("b", 60, "Springfield dam wall cracks again", **entities)
    assert find_threads(_dated(a, b, *_filler(40, subjects=("x",)))) == ()


# -- whole builds ----------------------------------------------------------------------

DAM = "people: [Jane Roe]\nplaces: [Springfield]\norganizations: [Springfield Dam Authority]"


def _site(tmp_path: Path, config: str = "topics:\n  enabled: []\n") -> dict[str, str]:
    files = {f"filler{i}.md": md(f"Weather note {i}", f"2019-0{1 + i % 9}-1{i % 9}",
                                 subjects="[Weather]") for i in range(30)}
    files["crack.md"] = md("Cracks found in Springfield dam wall", "2020-03-01",
                           "Engineers found cracks.", **{"x": "1"}).replace(
                               "x: 1", DAM)
    files["follow.md"] = md("Springfield dam wall repairs begin after cracks", "2020-03-04",
                            "Repairs began.").replace("---\nRepairs", DAM + "\n---\nRepairs")
    files["budget1.md"] = md("Budget talks open", "2020-05-01", thread="budget-2020")
    files["budget2.md"] = md("Budget deal reached", "2020-06-20", thread="budget-2020")
    return files


def _section(html: str, ident: str) -> str:
    found = re.search(rf'<section id="{ident}".*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_article_pages_show_related_and_thread_sections(tmp_path: Path) -> None:
    config = make_site(tmp_path, _site(tmp_path))
    build_site(config)
    out = config.output_dir
    crack = (out / "2020/03/01/cracks-found-in-springfield-dam-wall/index.html").read_text()
    # its one related article is its thread's other member: listed in the thread only
    assert "repairs begin" not in _section(crack, "related")
    thread = _section(crack, "thread")
    items = re.findall(r"<li>(.*?)</li>", thread, re.S)
    assert len(items) == 2
    assert 'aria-current="page"' in items[0] and "Cracks found" in items[0]
    assert "aria-current" not in items[1] and "repairs begin" in items[1]
    assert "threads/cracks-found-in-springfield-dam-wall/index.html" in thread
    assert 'springfield-dam-wall-repairs-begin-after-cracks/index.html">' in thread
    # An unrelated filler article has neither section about the dam.
    filler = next(out.glob("2019/01/10/*/index.html")).read_text()
    assert _section(filler, "thread") == ""
    assert "Springfield" not in _section(filler, "related")


def test_the_thread_page_lists_its_members_in_date_order(tmp_path: Path) -> None:
    config = make_site(tmp_path, _site(tmp_path))
    build_site(config)
    page = (config.output_dir / "threads/budget-2020/index.html").read_text()
    assert "<title>Story thread: Budget talks open · " in page
    assert page.index("Budget talks open</a>") < page.index("Budget deal reached</a>")
    budget = (config.output_dir / "2020/06/20/budget-deal-reached/index.html").read_text()
    assert "threads/budget-2020/" in _section(budget, "thread")


def test_related_zero_turns_the_section_off(tmp_path: Path) -> None:
    config = make_site(tmp_path, _site(tmp_path), "topics:\n  enabled: []\nrelated: 0\n")
    build_site(config)
    crack = (config.output_dir / "2020/03/01/cracks-found-in-springfield-dam-wall/index.html"
             ).read_text()
    assert 'id="related"' not in crack
    assert 'id="thread"' in crack


def test_incremental_build_equals_a_full_build_after_an_article_joins_a_thread(
        tmp_path: Path) -> None:
    config = make_site(tmp_path, _site(tmp_path))
    build_site(config)
    (config.source_dir / "budget3.md").write_text(
        md("Budget passes", "2020-07-01", thread="budget-2020"), encoding="utf-8")
    (config.source_dir / "more.md").write_text(
        md("Springfield dam wall cracks fixed", "2020-03-09").replace(
            "---\nBody", DAM + "\n---\nBody"), encoding="utf-8")
    build_site(config)
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)
    page = (config.output_dir / "threads/budget-2020/index.html").read_text()
    assert "Budget passes</a>" in page
    dam = (config.output_dir / "threads/cracks-found-in-springfield-dam-wall/index.html"
           ).read_text()
    assert "cracks fixed</a>" in dam
    # Editing a thread key (a patch-sized edit) takes the article out, as a full build does.
    (config.source_dir / "budget3.md").write_text(
        md("Budget passes", "2020-07-01", thread="other"), encoding="utf-8")
    build_site(config)
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)
    assert "Budget passes" not in (config.output_dir / "threads/budget-2020/index.html"
                                   ).read_text()


def test_a_session_planning_again_after_term_edits_equals_a_full_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A session that builds again (serve) reuses its related lists: an edit that
    # changes an article's terms computes only the lists it can reach, and the
    # site is the one a full build makes.
    files = _site(tmp_path)
    for i in range(12):  # articles sharing a rare person, so their lists follow her
        files[f"council{i}.md"] = md(f"Council meets {i}", f"2021-0{1 + i % 9}-0{1 + i % 9}",
                                     people="[Ann Lee, Bo Chan]", subjects="[Weather]")
    config = make_site(tmp_path, files)
    computed = _count_lists(monkeypatch)
    session = Session(config, SerialExecutor())
    try:
        session.build(search=False)
        everything = len(computed)
        edits = [("council3.md", "people: [Ann Lee, Bo Chan]", "people: [Bo Chan]"),
                 ("filler4.md", "subjects: [Weather]", "subjects: [Weather]\npeople: [Ann Lee]"),
                 ("council7.md", "people: [Ann Lee, Bo Chan]", "places: [Springfield]")]
        for name, was, now in edits:
            path = config.source_dir / name
            path.write_text(path.read_text(encoding="utf-8").replace(was, now),
                            encoding="utf-8")
            computed.clear()
            session.build([name], search=False)
            assert 0 < len(computed) < everything / 2, name
            assert snapshot(config.output_dir) == full_build_of(tmp_path, config), name
    finally:
        session.close()


def test_a_one_shot_build_reuses_the_lists_the_last_build_saved(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `newsarchive build` after a terms edit: the last full build's lists come from
    # the cache, only those the edit reaches are computed, and the site is a full
    # build's.  A memo saved under another rule is not reused.
    files = _site(tmp_path)
    for i in range(12):
        files[f"council{i}.md"] = md(f"Council meets {i}", f"2021-0{1 + i % 9}-0{1 + i % 9}",
                                     people="[Ann Lee, Bo Chan]", subjects="[Weather]")
    config = make_site(tmp_path, files)
    computed = _count_lists(monkeypatch)
    build_site(config)
    everything = len(computed)
    path = config.source_dir / "council3.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "people: [Ann Lee, Bo Chan]", "people: [Bo Chan]"), encoding="utf-8")
    computed.clear()
    build_site(config)
    assert 0 < len(computed) < everything / 2
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)
    monkeypatch.setattr(related, "RULE", (2, *related.RULE[1:]))
    path.write_text(path.read_text(encoding="utf-8").replace(
        "people: [Bo Chan]", "people: [Ann Lee]"), encoding="utf-8")
    computed.clear()
    build_site(config)
    assert len(computed) == everything
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)
