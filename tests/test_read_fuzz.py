"""Property tests: readers never raise, whatever the bytes, and only ever return Diagnostics."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.config import ReadSettings
from newsarchive.errors import Diagnostic
from newsarchive.model import Article, ReadResult
from newsarchive.read import SUFFIXES, read_source

NAMES = st.sampled_from([f"dir/file{suffix}" for suffix in SUFFIXES]
                        + ["2020-01-02-post.md", "noext"])
FRAGMENTS = st.sampled_from([
    "---\n", "+++\n", "title: ", "date: ", "2000-12-28", "Published ", "By ", "\n", "\n\n",
    "{", "}", "[", "]", '"title": ', '"', ",", "\t", "\r", "{{< x >}}", "{{< /x >}}",
    "-- TEHRAN (AFP)", "© 2000", "Subscribe", "\ufeff", "é", "ال", "中", "\x00",
])
TEXTS = st.one_of(st.text(), st.lists(FRAGMENTS | st.text(max_size=5)).map("".join))


def check(result: ReadResult) -> None:
    assert isinstance(result, ReadResult)
    assert all(isinstance(article, Article) for article in result.articles)
    assert all(isinstance(d, Diagnostic) for d in result.diagnostics)
    # read_source's last-resort guard turns a reader bug into a diagnostic: there must be none
    assert not any(d.message.startswith("internal error") for d in result.diagnostics)
    for article in result.articles:
        assert article.title
        assert article.published is None or article.published.tzinfo is not None


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(NAMES, st.binary())
def test_arbitrary_bytes_never_raise(name: str, data: bytes) -> None:
    check(read_source(name, data, ReadSettings()))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(NAMES, TEXTS, st.sampled_from(["utf-8", "utf-16", "cp1252", "gb18030"]))
def test_arbitrary_text_never_raises(name: str, text: str, encoding: str) -> None:
    check(read_source(name, text.encode(encoding, errors="replace"), ReadSettings()))
