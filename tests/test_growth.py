"""Growth: adding one article rewrites a bounded number of pages, whatever the archive size.

Pagination is numbered from the oldest page, so the newest article changes
the newest page of each listing it is on and nothing older; overview pages
split A–Z above 400 terms; term pages are paginated.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsarchive.config import Config
from newsarchive.run.executor import LocalExecutor
from newsarchive.run.session import build
from newsarchive.urls import taxonomy_url, term_url

from sitekit import make_site, md

TOPICS = 3  # terms of the added article besides its source


def _article(i: int) -> str:
    # Days and topics cycle, so every listing is long enough to paginate.
    return md(f"Report {i:05d}", f"{2000 + i % 20}-{i % 12 + 1:02d}-{i % 28 + 1:02d}T09:00:00Z",
              f"Body {i}.", topics=f"[Topic{i % 7}, Topic{i % 11}, Common]",
              source=f"Source{i % 5}")


def _grown_site(root: Path, n: int) -> tuple[Config, int]:
    config = make_site(root, {f"{i // 500:02d}/{i:05d}.md": _article(i) for i in range(n)})
    pool = LocalExecutor(workers=2)
    try:
        build(config, executor=pool)
        newest = md("The newest report", "2030-06-15T12:00:00Z", "Fresh news.",
                    topics="[Topic1, Topic2, Common]", source="Source1")
        (config.source_dir / "new.md").write_text(newest, encoding="utf-8")
        report = build(config, executor=pool)
    finally:
        pool.close()
    return config, report.written


@pytest.mark.slow
def test_adding_the_newest_article_writes_a_bounded_number_of_pages(tmp_path: Path) -> None:
    _, small = _grown_site(tmp_path / "small", 200)
    _, large = _grown_site(tmp_path / "large", 2000)
    # article + previous article + front page + year/month/day + archive overview +
    # topics overview + sitemap + feed + per term (page, feed, taxonomy overview).
    bound = 15 + (TOPICS + 1) * 3
    # The bound does not depend on N; the counts differ only where a listing of the
    # small site crosses a page boundary (its first older page is created).
    assert small <= bound
    assert large <= bound


def test_taxonomy_overview_splits_a_to_z_above_400_terms(tmp_path: Path) -> None:
    articles = {f"{i:03d}.md": md(f"Item {i}", f"2001-01-{i % 28 + 1:02d}T00:00:00Z", "Text.",
                                  topics="[" + ", ".join(f"{chr(65 + (i * 9 + k) % 26)}term{i}x{k}"
                                                         for k in range(9)) + "]")
                for i in range(50)}
    config = make_site(tmp_path / "site", articles)
    build(config, use_cache=False)
    base = config.output_dir / taxonomy_url("topics")
    overview = (base / "index.html").read_text(encoding="utf-8")
    letters = sorted(p.name for p in (base / "a-z").iterdir())
    assert len(letters) == 26
    # The 450 terms are on the letter pages; the overview keeps only the most used.
    assert overview.count("term") < 200
    assert "term0x0" in (base / "a-z" / "a" / "index.html").read_text(encoding="utf-8")


def test_large_term_pages_are_paginated(tmp_path: Path) -> None:
    config = make_site(tmp_path / "site", {f"{i:03d}.md": _article(i) for i in range(130)},
                       "per_page: 20\ntopics:\n  enabled: []\n")
    build(config, use_cache=False)
    common = config.output_dir / term_url("topics", "common")
    pages = sorted(common.rglob("index.html"))
    assert len(pages) == 6  # 130 // 20 full pages: newest page plus pages 1..5
    for page in pages:
        cards = len(re.findall(r'class="card"', page.read_text(encoding="utf-8")))
        assert 20 <= cards <= 39
