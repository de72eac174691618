"""Growth: adding one article rewrites a bounded number of pages, whatever the archive size.

Pagination is numbered from the oldest page, so the newest article changes
the newest page of each listing it is on and nothing older (but the "of Y"
of a listing's older pages when it opens a new page, about once every
``per_page`` articles; see docs/theme.md); overview pages
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


def _older_pages(site: Path) -> dict[str, str]:
    """The numbered older pages of every listing (``.../page/N/index.html``)."""
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in site.rglob("page/*/index.html")}


def _grown_site(root: Path, n: int) -> tuple[Config, int]:
    config = make_site(root, {f"{i // 500:02d}/{i:05d}.md": _article(i) for i in range(n)})
    pool = LocalExecutor(workers=2)
    try:
        build(config, executor=pool)
        older = _older_pages(config.output_dir)
        newest = md("The newest report", "2030-06-15T12:00:00Z", "Fresh news.",
                    topics="[Topic1, Topic2, Common]", source="Source1")
        (config.source_dir / "new.md").write_text(newest, encoding="utf-8")
        report = build(config, executor=pool)
    finally:
        pool.close()
    # An older page is written again when its listing gained a page: then it says
    # "of Y+1" (and its pager shows the new page); its articles are the same.
    renumbered = []
    for path in (p for p in report.written_paths if p in older):
        was, now = older[path], (config.output_dir / path).read_text(encoding="utf-8")
        cards = re.compile(r'<article class="card".*?</article>', re.S)
        assert cards.findall(was) == cards.findall(now), path
        y = int(re.search(r"Page \d+ of (\d+)", was).group(1))
        if f" of {y + 1}</span>" in now:
            renumbered.append(path)
    return config, report.written - len(renumbered)


@pytest.mark.slow
def test_adding_the_newest_article_writes_a_bounded_number_of_pages(tmp_path: Path) -> None:
    _, small = _grown_site(tmp_path / "small", 200)
    _, large = _grown_site(tmp_path / "large", 2000)
    # article + previous article + front page + year/month/day + archive overview +
    # topics overview + sitemap + feed + per term (page, feed, taxonomy overview, the
    # term's page of the article's year: places/iran/2030/) + its on-this-day page and
    # the on-this-day index + the pages whose related list now ranks it (11 here;
    # benchmarks/related_speed.py measured a mean of 6.3 and a maximum of 11 at 10,000
    # articles; independent of N, since each article weighs only its 40 neighbours in
    # each term's date order: allowed 3 x the 5 related links).
    bound = 15 + (TOPICS + 1) * 4 + 2 + 3 * 5
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
    pages = [common / "index.html", *sorted(common.glob("page/*/index.html"))]
    assert 4 <= len(pages) <= 10  # anchored pages: 20 articles on average
    for page in pages:
        cards = len(re.findall(r'class="card"', page.read_text(encoding="utf-8")))
        assert 10 <= cards <= 49  # 10..40, the newest up to 40 + a tail of 9
