"""Property tests: readers never raise, whatever the bytes, and only ever return Diagnostics.

Deterministic (``derandomize=True``) with a bounded number of examples, so a
run is reproducible.  Besides arbitrary bytes and text, hostile fragments are
mixed in (issue 11): YAML anchors and aliases, brackets nested past any
limit, numbers Python refuses, JSON and YAML escapes for control
characters, raw control characters, unclosed shortcodes and script URLs.
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.config import ReadSettings
from newsarchive.errors import Diagnostic
from newsarchive.model import Article, ReadResult
from newsarchive.pipeline.read import SUFFIXES, read_source

NAMES = st.sampled_from([f"dir/file{suffix}" for suffix in SUFFIXES]
                        + ["2020-01-02-post.md", "noext"])
FRAGMENTS = st.sampled_from([
    "---\n", "+++\n", "title: ", "date: ", "2000-12-28", "Published ", "By ", "\n", "\n\n",
    "{", "}", "[", "]", '"title": ', '"', ",", "\t", "\r", "{{< x >}}", "{{< /x >}}",
    "-- TEHRAN (AFP)", "© 2000", "Subscribe", "\ufeff", "é", "ال", "中", "\x00",
])
HOSTILE = st.sampled_from([
    "&a ", "*a", "&b [*a, *a, *a, *a, *a, *a, *a, *a, *a]", "<<: *a\n", "[" * 120, "]" * 120,
    "{" * 1200, "[" * 5000, "1" * 4400, "1e400", "\\u0000", "\\u001b", "\\ud800", "\\b",
    "\\e", "\\0", "\\x08", "\x08", "\x1b[31m", "\x1a", "\ufffe", "\uffff", "{{< youtube ",
    "{{% x ", "{% ", "url: javascript:alert(1)\n", '"url": "javascript:alert(1)", ',
    "link: ' JaVaScRiPt:x'\n", "canonical_url: //evil\n", "title = 'T'\n", "v = ",
    '{"title": "T", "text": "Body.", "v": ', "title: T\n", "x: ",
])
TEXTS = st.one_of(st.text(), st.lists(FRAGMENTS | st.text(max_size=5)).map("".join))
HOSTILE_TEXTS = st.lists(HOSTILE | FRAGMENTS | st.text(max_size=3), max_size=30).map("".join)
PAGE_STARTS = st.sampled_from(["", "---\n", "---\ntitle: T\n", "+++\ntitle = 'T'\n",
                               '{"title": "T", "text": "Body.", "x": ', "["])
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strings(value: Any) -> list[str]:
    """Every string in an Article (fields, terms, extra keys and values), recursively."""
    if isinstance(value, Article):
        return strings([getattr(value, name) for name in value.__slots__])
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in strings(key) + strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in strings(item)]
    return []


def check(result: ReadResult) -> None:
    assert isinstance(result, ReadResult)
    assert all(isinstance(article, Article) for article in result.articles)
    assert all(isinstance(d, Diagnostic) for d in result.diagnostics)
    # read_source's last-resort guard turns a reader bug into a diagnostic: there must be none
    assert not any(d.message.startswith("internal error") for d in result.diagnostics)
    for article in result.articles:
        assert article.title
        assert article.published is None or article.published.tzinfo is not None
        assert not [s for s in strings(article) if XML_FORBIDDEN.search(s)]
        assert article.original_url == "" or article.original_url.startswith(
            ("http://", "https://"))


@settings(max_examples=300, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(NAMES, st.binary())
def test_arbitrary_bytes_never_raise(name: str, data: bytes) -> None:
    check(read_source(name, data, ReadSettings()))


@settings(max_examples=300, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(NAMES, TEXTS, st.sampled_from(["utf-8", "utf-16", "cp1252", "gb18030"]))
def test_arbitrary_text_never_raises(name: str, text: str, encoding: str) -> None:
    check(read_source(name, text.encode(encoding, errors="replace"), ReadSettings()))


@settings(max_examples=400, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([".md", ".txt", ".json", ".jsonl"]), PAGE_STARTS, HOSTILE_TEXTS)
def test_hostile_text_never_raises(suffix: str, start: str, text: str) -> None:
    data = (start + text).encode("utf-8", errors="replace")
    check(read_source(f"dir/file{suffix}", data, ReadSettings()))
