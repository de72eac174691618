from datetime import UTC, datetime

from newsarchive.model import Article, Entry
from newsarchive.pipeline.index import build_archive, paginate


def _entry(key: str, day: int | None, title: str = "T", **terms: tuple[str, ...]) -> Entry:
    when = datetime(2001, 1, day, tzinfo=UTC) if day else None
    article = Article(source_path=key, title=title, body="b", published=when)
    return Entry(article=article, slug=title.lower(), url="", summary="", body_html="",
                 terms=dict(terms), digest=key, local=when)


def test_paginate_is_stable_when_articles_are_added() -> None:
    items = [_entry(f"a{i}", 1 + i % 28) for i in range(23)]
    pages = paginate(items, 5)
    assert [p.number for p in pages] == [0, *range(len(pages) - 1, 0, -1)]
    assert {p.total for p in pages} == {len(pages)}
    assert pages[0].items[0] is items[-1]      # newest first
    assert pages[0].older == len(pages) - 1 and pages[0].newer is None
    assert pages[-1].items == tuple(reversed(items[:len(pages[-1].items)]))
    assert pages[-1].older is None
    assert pages[1].newer == 0                 # the newest numbered page's newer is the front
    assert sorted(e.key for p in pages for e in p.items) == sorted(e.key for e in items)
    grown = paginate([*items, _entry("new", 28)], 5)
    same = {p.number: p.items for p in pages if p.number}
    assert {p.number: p.items for p in grown if p.number and p.number in same} == same


def test_paginate_small_and_empty_lists_make_one_page() -> None:
    assert [len(p.items) for p in paginate([], 5)] == [0]
    assert [len(p.items) for p in paginate([_entry("a", 1)] * 2, 5)] == [2]


def test_archive_indexes_dates_terms_and_orders_chronologically() -> None:
    entries = [_entry("b", 3, "B", places=("Iran",)), _entry("a", 2, "A", places=("iran",)),
               _entry("u", None, "U")]
    archive, problems = build_archive(entries)
    assert problems == ()
    assert [e.key for e in archive.dated] == ["a", "b"]
    assert [e.key for e in archive.undated] == ["u"]
    assert list(archive.by_day) == [(2001, 1, 2), (2001, 1, 3)]
    (iran,) = archive.by_term["places"]
    assert iran.term.slug == "iran" and len(iran.entries) == 2
    assert iran.term.name == "Iran"  # ties go to the first in sorted order
    assert archive.dated[0].url == "2001/01/02/a/"


def test_url_collisions_get_a_stable_suffix_and_a_warning() -> None:
    archive, problems = build_archive([_entry("x.md", 2, "Same"), _entry("y.md", 2, "Same")])
    urls = {e.key: e.url for e in archive.dated}
    assert urls["x.md"] == "2001/01/02/same/"
    assert urls["y.md"].startswith("2001/01/02/same-") and len(urls["y.md"]) == 23
    (problem,) = problems
    assert problem.path == "y.md" and problem.severity == "warning"
    again, _ = build_archive([_entry("y.md", 2, "Same"), _entry("x.md", 2, "Same")])
    assert {e.key: e.url for e in again.dated} == urls
