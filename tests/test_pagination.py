"""Numbered pagination on every listing, with pages anchored on their content
(issue 15): the pager's window and rel links, "Page X of Y", boundaries that
move only around an insertion, incremental = full build, the size of a listing
page, undated articles last on term pages, and the pager mirrored right to left."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newsarchive.i18n import format_number, translations
from newsarchive.model import Article, Entry
from newsarchive.pipeline.index import is_anchor, page_sizes, paginate
from newsarchive.pipeline.plan.listing import page_window

from sitekit import build_site, full_build_of, make_site, md, snapshot

CONFIG = "per_page: {per_page}\ntopics:\n  enabled: []\n"


def _entry(key: str, day: int = 0) -> Entry:
    when = datetime(2001, 1, 1, tzinfo=UTC) + timedelta(days=day)
    article = Article(source_path=key, title=key, body="b", published=when)
    return Entry(article=article, slug=key, url="", summary="", body_html="", terms={},
                 digest=key, local=when)


def _contents(items: list[Entry], per_page: int) -> dict[int, tuple[str, ...]]:
    return {p.number: tuple(e.key for e in p.items) for p in paginate(items, per_page)}


def _names(count: int, anchors: bool | None = None, prefix: str = "a", spacing: int = 3
           ) -> list[str]:
    """``count`` file names in order; with ``anchors`` False, none is an anchor."""
    names: list[str] = []
    i = 0
    while len(names) < count:
        name = f"{prefix}{i:04d}.md"
        if anchors is None or is_anchor(f"{name}", spacing) == anchors:
            names.append(name)
        i += 1
    return names


def _site(root: Path, names: list[str], per_page: int, places: str = "[]",
          config: str = CONFIG) -> Any:
    """A site of one article a day from 2001-01-01, one per name, in order."""
    articles = {}
    for i, name in enumerate(names):
        day = datetime(2001, 1, 1, tzinfo=UTC) + timedelta(days=i)
        articles[name] = md(f"Story {name[:-3]}", day.strftime("%Y-%m-%dT12:00:00Z"),
                            slug=name[:-3], places=places)
    return make_site(root, articles, config.format(per_page=per_page))


def _pager(html: str) -> str:
    found = re.search(r'<nav class="pagination".*?</nav>', html, re.S)
    assert found, "no pagination nav"
    return found.group(0)


# -- the window ----------------------------------------------------------------------

def test_window_shows_first_last_and_two_either_side_with_gaps() -> None:
    assert page_window(1, 1) == [1]
    assert page_window(25, 50) == [50, None, 27, 26, 25, 24, 23, None, 1]
    assert page_window(50, 50) == [50, 49, 48, None, 1]
    assert page_window(1, 50) == [50, None, 3, 2, 1]
    # A gap that would hide one page shows the page.
    assert page_window(4, 50) == [50, None, 6, 5, 4, 3, 2, 1]


def test_pager_rel_links_and_window_on_first_middle_and_last_pages(tmp_path: Path) -> None:
    config = _site(tmp_path / "s", _names(60), per_page=2)
    build_site(config)
    out = config.output_dir
    front = (out / "index.html").read_text()
    total = int(re.search(r'aria-current="page">(\d+)<', _pager(front)).group(1))
    assert total > 12
    nav = _pager(front)
    assert 'rel="first"' not in nav and 'rel="prev"' not in nav
    assert 'rel="next" href="page/' in nav and 'rel="last" href="page/1/index.html"' in nav
    assert re.findall(r"<li[^>]*>(?:<a[^>]*>)?([^<]+)<", nav) == [
        str(total), str(total - 1), str(total - 2), "…", "1"]

    middle = total // 2
    nav = _pager((out / f"page/{middle}/index.html").read_text())
    assert 'rel="first" href="../../index.html"' in nav
    assert 'rel="last" href="../../page/1/index.html"' in nav
    assert f'rel="prev" href="../../page/{middle + 1}/index.html"' in nav
    assert f'rel="next" href="../../page/{middle - 1}/index.html"' in nav
    assert re.findall(r"<li[^>]*>(?:<a[^>]*>)?([^<]+)<", nav) == [
        str(total), "…", *(str(n) for n in range(middle + 2, middle - 3, -1)), "…", "1"]
    assert f'<a href="../../page/{middle}/index.html" aria-current="page">{middle}</a>' in nav
    assert nav.count("aria-current") == 1

    nav = _pager((out / "page/1/index.html").read_text())
    assert 'rel="next"' not in nav and 'rel="last"' not in nav
    assert 'rel="first" href="../../index.html"' in nav
    assert 'rel="prev" href="../../page/2/index.html"' in nav
    assert '<a href="../../page/1/index.html" aria-current="page">1</a>' in nav


def test_page_x_of_y_in_title_and_h1_of_every_page_after_the_first(tmp_path: Path) -> None:
    config = _site(tmp_path / "s", _names(30), per_page=2, places="[Iran]")
    build_site(config)
    out = config.output_dir
    for base in ("", "2001/", "2001/01/", "places/iran/"):
        first = (out / base / "index.html").read_text()
        assert "Page " not in re.search(r"<title>.*?</title>", first, re.S).group(0)
        pages = sorted((out / base / "page").iterdir())
        assert pages, base
        total = len(pages) + 1
        for folder in pages:
            html = (folder / "index.html").read_text()
            label = f"Page {int(folder.name)} of {total}"
            assert label in re.search(r"<title>.*?</title>", html, re.S).group(0), base
            assert f'<span class="page-of">{label}</span></h1>' in html, base


def test_page_numbers_are_localised(tmp_path: Path) -> None:
    config = _site(tmp_path / "s", _names(40), per_page=1, config="language: ar\n" + CONFIG)
    build_site(config)
    html = (config.output_dir / "page/12/index.html").read_text()
    label = translations("ar").gettext("Page %(number)s of %(total)s") % {
        "number": format_number(12, "ar"), "total": format_number(40, "ar")}
    assert "Page" not in label
    assert f"<title>{label} · " in html and f'<span class="page-of">{label}</span>' in html
    assert f'aria-current="page">{format_number(12, "ar")}</a>' in html


# -- anchored boundaries -------------------------------------------------------------

def test_boundaries_depend_on_the_entries_alone() -> None:
    items = [_entry(f"seeds/{i:05d}.md", i) for i in range(1000)]
    again = [_entry(f"seeds/{i:05d}.md", i) for i in range(1000)]
    assert _contents(items, 20) == _contents(again, 20)
    minimum, _, maximum = page_sizes(20)
    sizes = [len(p.items) for p in paginate(items, 20)]
    assert all(minimum <= size <= maximum for size in sizes[1:])
    assert sizes[0] <= maximum + minimum - 1  # the newest may hold a short tail
    assert 40 <= len(sizes) <= 60  # about per_page on average


def test_insertion_in_the_middle_changes_only_the_pages_around_it() -> None:
    items = [_entry(f"seeds/{i:05d}.md", i) for i in range(1000)]
    before = _contents(items, 20)
    local = recounted = 0
    positions = range(250, 750, 5)
    for at in positions:
        grown = [*items[:at], _entry(f"seeds/new-{at}.md", at), *items[at:]]
        after = _contents(grown, 20)
        new_pages = set(after.values()) - set(before.values())
        local += len(new_pages) <= 2
        assert len(new_pages) <= 4  # a short cascade at most
        recounted += len(after) != len(before)
        if at == 500:  # the middle: its own page only, nothing renumbered
            assert len(new_pages) <= 2 and len(after) == len(before)
            assert sum(before[n] != after[n] for n in before) <= 2
    # Renumbering (a new or lost boundary) is the exception, not the rule.
    assert local >= 0.85 * len(positions)
    assert recounted <= 0.12 * len(positions)


def test_fixed_chunks_would_shift_every_later_page() -> None:
    """What the anchors replace: with pages counted from the oldest, an insertion
    in the middle moved half the archive's pages (the old ``paginate``)."""
    keys = [f"{i:05d}" for i in range(1000)]
    old = {n: tuple(keys[(n - 1) * 20:n * 20]) for n in range(1, 50)}
    grown = ["new", *keys]  # inserted before the oldest: the worst case
    shifted = {n: tuple(grown[(n - 1) * 20:n * 20]) for n in range(1, 50)}
    assert sum(old[n] != shifted[n] for n in old) == 49
    items = [_entry(k, i) for i, k in enumerate(keys)]
    before = _contents(items, 20)
    after = _contents([_entry("new", -1), *items], 20)
    assert len(set(after.values()) - set(before.values())) <= 2


def test_appending_never_changes_a_numbered_page() -> None:
    items = [_entry(f"seeds/{i:05d}.md", i) for i in range(300)]
    before = {n: keys for n, keys in _contents(items, 20).items() if n}
    for extra in range(1, 60):
        grown = items + [_entry(f"seeds/z{j:03d}.md", 300 + j) for j in range(extra)]
        after = _contents(grown, 20)
        assert all(after[n] == keys for n, keys in before.items())


# -- whole builds --------------------------------------------------------------------

def test_incremental_build_equals_full_build_after_a_mid_archive_insertion(
        tmp_path: Path) -> None:
    per_page = 5
    names = _names(120)
    config = _site(tmp_path / "s", names, per_page=per_page)
    build_site(config)
    dated = [_entry(name, i) for i, name in enumerate(names)]
    before = _contents(dated, per_page)

    def inserted(name: str, day: int) -> list[Entry]:  # in the evening of ``day``
        return [*dated[:day + 1], _entry(name, day), *dated[day + 1:]]

    # An insertion that keeps every boundary: its own page changes, nothing else.
    day, quiet = next((day, n) for day in range(59, 90) for n in _names(20, prefix="mid")
                      if len(_contents(inserted(n, day), per_page)) == len(before))
    (config.source_dir / quiet).write_text(
        md("Back-dated story", f"2001-03-{day - 58:02d}T18:00:00Z", slug="back-dated"),
        encoding="utf-8")
    report = build_site(config)
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)
    front = [p for p in report.written_paths if p == "index.html" or p.startswith("page/")]
    after = _contents(inserted(quiet, day), per_page)
    changed = [n for n, keys in after.items() if before[n] != keys]
    assert len(front) == len(changed) <= 2, front

    # One that adds a boundary: the pages renumber (and say "of Y+1"), still as a full build.
    dated = inserted(quiet, day)
    day, loud = next((day, n) for day in range(10, 30) for n in _names(20, prefix="new")
                     if len(_contents(inserted(n, day), per_page)) != len(after))
    (config.source_dir / loud).write_text(
        md("Another back-dated story", f"2001-01-{day + 1:02d}T18:00:00Z", slug="another"),
        encoding="utf-8")
    build_site(config)
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)


def test_listing_pages_stay_under_60_kb(tmp_path: Path) -> None:
    # No anchors: every page is as full as it can be (the maximum, and the newest
    # page the maximum plus a short tail); long titles and summaries.
    _, spacing, maximum = page_sizes(20)
    names = _names(2 * maximum + 9, anchors=False, spacing=spacing)
    articles = {}
    for i, name in enumerate(names):
        day = datetime(2001, 1, 1, tzinfo=UTC) + timedelta(hours=i)
        words = " ".join(f"word{i}x{j}" for j in range(150))  # distinct: not duplicates
        articles[name] = md(f"Headline {i} " + "x" * 180, day.strftime("%Y-%m-%dT%H:00:00Z"),
                            body=words, slug=f"s{i}", source="'The Long-Named Evening Courier'",
                            places="[Iran, Russia]")
    config = make_site(tmp_path / "s", articles, CONFIG.format(per_page=20))
    build_site(config)
    listings = [config.output_dir / "index.html", config.output_dir / "page/1/index.html",
                config.output_dir / "2001/index.html", config.output_dir / "places/iran/index.html"]
    counts = [(p.read_text().count('<article class="card"'), p.stat().st_size)
              for p in listings]
    assert max(c for c, _ in counts) >= maximum
    assert all(size < 60_000 for _, size in counts), counts


def test_undated_articles_come_after_the_dated_on_a_term_page(tmp_path: Path) -> None:
    config = make_site(tmp_path / "s", {
        "u-b.md": md("Undated B", places="[Iran]"),
        "d1.md": md("Dated old", "2001-01-01T00:00:00Z", places="[Iran]"),
        "u-a.md": md("Undated A", places="[Iran]"),
        "d2.md": md("Dated new", "2003-01-01T00:00:00Z", places="[Iran]"),
    }, CONFIG.format(per_page=20))
    build_site(config)
    html = (config.output_dir / "places/iran/index.html").read_text()
    titles = re.findall(r'class="card-title"><a [^>]*>([^<]+)<', html)
    assert titles == ["Dated new", "Dated old", "Undated A", "Undated B"]


# -- right to left -------------------------------------------------------------------

def test_pager_arrows_mirror_right_to_left(tmp_path: Path, browser: Any) -> None:
    config = _site(tmp_path / "s", _names(12), per_page=1, config="language: ar\n" + CONFIG)
    build_site(config)
    middle = sorted((config.output_dir / "page").iterdir())[len(list(
        (config.output_dir / "page").iterdir())) // 2]
    page = browser.new_page()
    try:
        page.goto((middle / "index.html").as_uri())
        arrows = page.evaluate("""() => Object.fromEntries(
            ['first', 'prev', 'next', 'last'].map(rel => {
              const a = document.querySelector(`nav.pagination a[rel=${rel}]`);
              const before = getComputedStyle(a, '::before').content;
              const after = getComputedStyle(a, '::after').content;
              return [rel, [before, after, a.getBoundingClientRect().x]];
            }))""")
    finally:
        page.close()
    assert arrows["prev"][0].startswith('"→')
    assert arrows["next"][1].startswith('" ←')
    assert arrows["first"][0].startswith('"»') and arrows["last"][1].startswith('" «')
    # Reading right to left: newer on the right, older on the left.
    assert arrows["first"][2] > arrows["prev"][2] > arrows["next"][2]
