"""Duplicate articles are kept once and reported."""

from __future__ import annotations

from newsarchive.model import Article
from newsarchive.pipeline.read.dedupe import find_duplicates


def test_keeps_first_by_key_and_reports_the_others() -> None:
    b = Article("b.txt", "Same Title", "Body  text.")
    a = Article("a.txt", "same title", "Body\ntext.")
    other = Article("c.txt", "Same Title", "A different body.")
    record = Article("dump.json", "Same Title", "Body text.", record="7", body_line=40)
    kept, diagnostics = find_duplicates([b, a, other, record])
    assert kept == (a, other)
    assert [d.format() for d in diagnostics] == [
        "b.txt: warning: duplicate: has the same title and body as a.txt; skipped\n"
        "  hint: delete the copy, or edit one of them if they are different articles",
        "dump.json:40: warning: duplicate: record 7 has the same title and body as a.txt; "
        "skipped\n  hint: delete the copy, or edit one of them if they are different articles",
    ]


def test_no_duplicates() -> None:
    articles = [Article("a.txt", "A", "x"), Article("b.txt", "B", "x")]
    assert find_duplicates(articles) == (tuple(articles), ())


def test_a_control_character_in_the_other_name_cannot_forge_a_line() -> None:
    first = Article("a\nx.txt:1:1: error: forged", "T", "Body.")
    copy = Article("b.txt", "T", "Body.")
    _, diagnostics = find_duplicates([copy, first])
    assert diagnostics[0].message == (
        "duplicate: has the same title and body as 'a\\nx.txt:1:1: error: forged'; skipped")
