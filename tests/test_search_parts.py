"""The search index in parts (project issue 17): one Pagefind run per period of the
archive, an edit re-indexes only its own part, and the search page merges them.

The parts are made small here (``part_size=1``) so that five articles make five
parts.  The Chromium test serves the site from a loopback server it starts and
stops.  A missing tool skips these tests locally and fails them under ``CI=true``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_fixtures import require_module, require_pagefind, serving
from newsarchive import cli
from newsarchive.run.search import index_site
from newsarchive.run.search_parts import assign, order

ARTICLES = {
    "spring.md": ("Dockers vote on the spring contract", "1998-03-04", "harbour cranes idle"),
    "autumn.md": ("Autumn storms shut the harbour", "1998-09-21", "harbour walls breached"),
    "ferry.md": ("New ferry line opens to the islands", "2003-05-12", "harbour ferry islands"),
    "museum.md": ("Harbour museum opens its doors", "2011-01-30", "harbour museum ships"),
    "undated.md": ("A history of the harbour lights", "", "harbour lights keepers"),
}
RESULT_TIMEOUT = 15_000


def _site(root: Path, base_url: str = "https://example.org/") -> Path:
    """Build :data:`ARTICLES` without search into ``root/site``."""
    source = root / "articles"
    source.mkdir(parents=True)
    for name, (title, date, words) in ARTICLES.items():
        dated = f"date: {date}T10:00:00+00:00\n" if date else ""
        (source / name).write_text(f"---\ntitle: {title}\n{dated}---\nThe {words} story.\n",
                                   encoding="utf-8")
    config = root / "archive.yaml"
    config.write_text("topics:\n  enabled: []\n", encoding="utf-8")
    assert cli.main(["build", "--no-search", "--quiet", "--config", str(config),
                     "--source", str(source), "--output", str(root / "site"),
                     "--base-url", base_url]) == 0
    return root / "site"


def _files(bundle: Path) -> dict[str, bytes]:
    return {path.relative_to(bundle).as_posix(): path.read_bytes()
            for path in sorted(bundle.rglob("*")) if path.is_file()}


def _article(site: Path, date: str) -> str:
    """The output path of the article dated ``date`` (YYYY-MM-DD)."""
    found = sorted(site.glob(date.replace("-", "/") + "/*/index.html"))
    assert len(found) == 1
    return found[0].relative_to(site).as_posix()


def test_parts_are_as_coarse_as_keeps_them_within_the_size() -> None:
    paths = [f"1998/{month:02d}/01/a{month}/index.html" for month in range(1, 13)]
    paths += ["1995/06/01/f/index.html", "2003/05/12/b/index.html", "2004/01/01/c/index.html",
              "undated/d/index.html"]
    assert {key: len(pages) for key, pages in assign(paths, part_size=20).items()} == {
        "1990s": 13, "2000s": 2, "undated": 1}
    assert sorted(assign(paths, part_size=12)) == ["1995", "1998", "2000s", "undated"]
    assert sorted(assign(paths, part_size=6)) == [
        "1995", "1998-h1", "1998-h2", "2000s", "undated"]
    assert sorted(assign(paths, part_size=3)) == [
        "1995", "1998-q1", "1998-q2", "1998-q3", "1998-q4", "2000s", "undated"]
    by_month = assign(paths, part_size=1)
    assert "1998-07" in by_month and "2003" in by_month and "2004" in by_month
    assert order(by_month)[:3] == ["2004", "2003", "1998-12"]
    assert order(by_month)[-3:] == ["1998-01", "1995", "undated"]
    assert assign([*paths, "1998/07/02/e/index.html"], part_size=1)["1998-07"] == [
        "1998/07/01/a7/index.html", "1998/07/02/e/index.html"], "a month is never split"


def test_an_edit_reindexes_its_own_part_and_equals_a_full_index(tmp_path: Path) -> None:
    require_pagefind()
    site = _site(tmp_path)
    result = index_site(site, language="en", part_size=1)
    assert (result.status, result.pages, result.parts) == ("indexed", 5, 5)
    bundle = site / "pagefind"
    assert sorted(path.name for path in (bundle / "parts").iterdir()) == [
        "1998-h1", "1998-h2", "2000s", "2010s", "undated"]
    before = {path: path.stat().st_mtime_ns for path in bundle.rglob("*") if path.is_file()}

    edited = site / _article(site, "2003-05-12")
    edited.write_text(edited.read_text(encoding="utf-8").replace("islands", "lighthouses"),
                      encoding="utf-8")
    result = index_site(site, language="en", part_size=1,
                        changed={edited.relative_to(site).as_posix()})

    assert (result.status, result.pages, result.parts) == ("indexed", 5, 1)
    touched = sorted(path.relative_to(bundle).as_posix() for path, mtime in before.items()
                     if not path.exists() or path.stat().st_mtime_ns != mtime)
    assert ".newsarchive-bundle.json" in touched, "the manifest lists the new files"
    touched.remove(".newsarchive-bundle.json")
    assert touched and all(path.startswith("parts/2000s/") for path in touched), (
        "only the edited article's part is written again (not the first index nor the list)")
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns("pagefind"))
    assert index_site(fresh, language="en", part_size=1).parts == 5
    assert _files(bundle) == _files(fresh / "pagefind"), "incremental equals full"
    assert index_site(site, language="en", part_size=1, changed=False).status == "unchanged"


def test_a_removed_article_removes_its_part(tmp_path: Path) -> None:
    require_pagefind()
    site = _site(tmp_path)
    assert index_site(site, language="en", part_size=1).parts == 5
    gone = _article(site, "2011-01-30")
    shutil.rmtree((site / gone).parent)
    result = index_site(site, language="en", part_size=1, changed={gone})
    assert (result.status, result.pages, result.parts) == ("indexed", 4, 0)
    assert not (site / "pagefind" / "parts" / "2010s").exists()
    assert "2010s" not in (site / "pagefind" / "newsarchive-parts.json").read_text()


@pytest.fixture(scope="module")
def parts_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site of :data:`ARTICLES` indexed in five parts, served under ``/archive/``."""
    require_pagefind()
    work = tmp_path_factory.mktemp("parts")
    (work / "www").mkdir()
    with serving(work / "www") as root:
        site = _site(work, root + "archive/")
        assert index_site(site, language="en", part_size=1).parts == 5
        site.rename(work / "www" / "archive")
        yield root + "archive/"


def test_the_search_page_searches_every_part_and_sorts_across_them(page: Any,
                                                                   parts_url: str) -> None:
    expect = require_module("playwright.sync_api",
                            "playwright is not installed: pip install -e '.[test]'").expect
    page.goto(parts_url + "search/?q=harbour")
    status = page.locator("#search-status")
    expect(status).to_have_text("5 results for “harbour”.", timeout=RESULT_TIMEOUT)
    titles = page.locator("#search-results > li h2")
    page.get_by_label("Order", exact=True).select_option("desc")
    expect(titles).to_have_text([ARTICLES[name][0] for name in (
        "museum.md", "ferry.md", "autumn.md", "spring.md", "undated.md")],
        timeout=RESULT_TIMEOUT)
    page.get_by_label("Order", exact=True).select_option("asc")
    expect(titles).to_have_text([ARTICLES[name][0] for name in (
        "spring.md", "autumn.md", "ferry.md", "museum.md", "undated.md")],
        timeout=RESULT_TIMEOUT)
    page.get_by_role("searchbox").fill("ferry")
    expect(titles).to_have_text([ARTICLES["ferry.md"][0]], timeout=RESULT_TIMEOUT)
    page.get_by_role("searchbox").fill("")
    page.get_by_label("Year", exact=True).select_option("1998")
    expect(status).to_have_text("2 results with the chosen filters.", timeout=RESULT_TIMEOUT)
    assert page.problems == []
