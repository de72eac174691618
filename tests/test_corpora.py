"""Every file of each public corpus in ../shared/corpora/ reads as expected (counts per corpus).

The corpora are not part of the repository (their text must not be copied
into it); the tests skip with a visible reason when the folder is absent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsarchive.config import ReadSettings
from newsarchive.pipeline.read import SUFFIXES, read_source
from newsarchive.pipeline.read.dedupe import find_duplicates
from newsarchive.pipeline.read.text import decode

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CORPORA.is_dir(), reason=f"public corpora not found at {CORPORA}"),
]


@dataclass(frozen=True)
class Counts:
    files: int
    articles: int
    undated: int
    skipped: int
    errors: int
    duplicates: int
    date_disagreements: int


def measure(corpus: str, settings: ReadSettings | None = None) -> tuple[Counts, Counter[str]]:
    root = CORPORA / corpus
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                   and p.name != "SOURCE.md" and not p.name.startswith("UPSTREAM"))
    articles = []
    skipped = errors = disagreements = 0
    messages: Counter[str] = Counter()
    for path in files:
        result = read_source(path.relative_to(root).as_posix(), path.read_bytes(),
                             settings or ReadSettings())
        articles.extend(result.articles)
        has_error = any(d.severity == "error" for d in result.diagnostics)
        skipped += has_error and not result.articles
        errors += sum(d.severity == "error" for d in result.diagnostics)
        disagreements += sum("disagrees with the file name" in d.message
                             for d in result.diagnostics)
        messages.update(d.message.split(":")[0] for d in result.diagnostics)
    kept, _ = find_duplicates(articles)
    return Counts(len(files), len(articles), sum(a.published is None for a in articles),
                  skipped, errors, len(articles) - len(kept), disagreements), messages


def test_digitalgov_hugo() -> None:
    counts, _ = measure("digitalgov-news-hugo")
    # 521 files: 520 articles + the Hugo section index (_index.md), left out with a warning.
    assert counts == Counts(files=521, articles=520, undated=0, skipped=0, errors=0,
                            duplicates=0, date_disagreements=54)


def test_18f_jekyll() -> None:
    counts, _ = measure("18f-blog-posts")
    # 40 posts have no date: key and take the file name's date; the front matter with a tab
    # (content-debt) is read (libyaml accepts the trailing tab; the pure parser is rescued).
    assert counts == Counts(files=255, articles=255, undated=0, skipped=0, errors=0,
                            duplicates=0, date_disagreements=23)


def test_aamc_french() -> None:
    counts, _ = measure("aamc-hugo-french")
    assert counts == Counts(files=154, articles=154, undated=0, skipped=0, errors=0,
                            duplicates=0, date_disagreements=0)
    root = CORPORA / "aamc-hugo-french"
    for path in (root / "content").rglob("*.md"):
        result = read_source(path.relative_to(root).as_posix(), path.read_bytes(),
                             ReadSettings())
        for article in result.articles:
            assert "\r" not in article.body
            # share-button link lists are gone (one title glued to "Partager sur Facebook"
            # on a single line stays: it is not a whole boilerplate line)
            assert not any(line.lstrip("* ").startswith(("[Partager sur", "Partager sur"))
                           for line in article.body.split("\n")), path


def test_allsides_json() -> None:
    counts, messages = measure("allsides-article-bias")
    # 40 empty dates and 2 bogus 0001-11-30 dates are kept undated; US dates parse.
    assert counts == Counts(files=400, articles=400, undated=42, skipped=0, errors=0,
                            duplicates=0, date_disagreements=0)
    assert messages["undated"] == 40


def test_saudinewsnet_arabic() -> None:
    counts, _ = measure("saudinewsnet-arabic")
    # One array of 1,318 records: 2 have neither title nor body (errors for those records
    # only); the crawl date is not a publication date, so the rest are undated by default.
    # 5 records repeat another record's title and body; 4 of them are the same agency
    # story carried by another paper (another source: a copy, kept and linked), 1 is
    # the same paper's record again (a duplicate).
    assert counts == Counts(files=1, articles=1316, undated=1316, skipped=0, errors=2,
                            duplicates=1, date_disagreements=0)
    fields = dict(ReadSettings().json_fields)
    fields["date"] = ("date_extracted",)
    dated, _ = measure("saudinewsnet-arabic", ReadSettings(json_fields=fields))
    assert dated.undated == 0


def test_saudinewsnet_articles_are_arabic() -> None:
    path = CORPORA / "saudinewsnet-arabic" / "2015-07-23.json"
    result = read_source("2015-07-23.json", path.read_bytes(), ReadSettings())
    langs = Counter(article.lang for article in result.articles)
    assert langs["ar"] >= 1300


def test_sogou_files_decode() -> None:
    paths = sorted((CORPORA / "sogoucs-chinese").glob("*.dat"))
    assert len(paths) == 2  # without files the loop below would check nothing
    for path in paths:
        text = decode(path.name, path.read_bytes())
        assert "\r" not in text
        assert text.count("<contenttitle>") == 200
