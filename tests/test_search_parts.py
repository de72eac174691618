"""The search index in parts (project issue 17): one Pagefind run per period of the
archive, an edit re-indexes only its own part, and the search page merges them.

The parts are made small here (``part_size=1``) so that five articles make five
parts.  The Chromium test serves the site from a loopback server it starts and
stops.  A missing tool skips these tests locally and fails them under ``CI=true``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_fixtures import require_module, require_pagefind, serving
from newsarchive import cli
from newsarchive.run import search, search_install, search_parts, search_periods, search_service
from newsarchive.run.search import index_site
from newsarchive.run.search_pages import pages_to_index
from newsarchive.run.search_parts import assign, members_digest, order, plan_edit

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
    more = [*paths, "1998/07/02/e/index.html", "1998/07/20/g/index.html"]
    assert {key: pages for key, pages in assign(more, part_size=2).items()
            if key.startswith("1998-07")} == {
        "1998-07-h1": ["1998/07/01/a7/index.html", "1998/07/02/e/index.html"],
        "1998-07-h2": ["1998/07/20/g/index.html"]}, "a month above the size: its halves"
    by_quarter = assign([*more, "1998/07/10/h/index.html"], part_size=2)
    assert {key: pages for key, pages in by_quarter.items() if key.startswith("1998-07")} == {
        "1998-07-q1": ["1998/07/01/a7/index.html", "1998/07/02/e/index.html"],
        "1998-07-q2": ["1998/07/10/h/index.html"],
        "1998-07-h2": ["1998/07/20/g/index.html"]}, "a half above it: its two quarters"
    by_day = assign([*more, "1998/07/02/f/index.html"], part_size=2)
    assert {key: pages for key, pages in by_day.items() if key.startswith("1998-07")} == {
        "1998-07-01": ["1998/07/01/a7/index.html"],
        "1998-07-02": ["1998/07/02/e/index.html", "1998/07/02/f/index.html"],
        "1998-07-h2": ["1998/07/20/g/index.html"]}, "a quarter above it: days, never split"
    assert "1998-06" in by_day, "only the months above the size are split"
    assert order(by_day)[order(by_day).index("1998-08"):][:5] == [
        "1998-08", "1998-07-h2", "1998-07-02", "1998-07-01", "1998-06"]
    assert order(by_quarter)[order(by_quarter).index("1998-08"):][:5] == [
        "1998-08", "1998-07-h2", "1998-07-q2", "1998-07-q1", "1998-06"]


def test_each_part_names_the_folders_that_hold_its_pages() -> None:
    folders = search_periods.folders
    assert folders("1990s") == [f"{year}/" for year in range(1990, 2000)]
    assert folders("1998") == ["1998/"]
    assert folders("1998-h2") == [f"1998/{month:02d}/" for month in range(7, 13)]
    assert folders("1998-q2") == ["1998/04/", "1998/05/", "1998/06/"]
    assert folders("1998-07") == ["1998/07/"]
    assert folders("1998-07-h1") == [f"1998/07/{day:02d}/" for day in range(1, 16)]
    assert folders("1998-07-h2") == [f"1998/07/{day:02d}/" for day in range(16, 32)]
    assert folders("1998-07-q2") == [f"1998/07/{day:02d}/" for day in range(9, 16)]
    assert folders("1998-07-q4") == [f"1998/07/{day:02d}/" for day in range(24, 32)]
    assert folders("1998-07-04") == ["1998/07/04/"]
    assert folders("undated") == ["undated/"]
    paths = [f"1998/07/{day:02d}/a{day}/index.html" for day in (1, 2, 9, 15, 16, 23, 24, 31)]
    for size in (1, 2, 4):
        for key, pages in assign(paths, part_size=size).items():
            assert all(any(page.startswith(folder) for folder in folders(key)) for page in pages)


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


def _walks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Record the folders each walk of the output folder starts from (``""``: all of it)."""
    walked: list[tuple[str, ...]] = []

    def spy(output_dir: Path, folders: tuple[str, ...] = ("",)) -> list[str]:
        walked.append(tuple(folders))
        return pages_to_index(output_dir, folders)

    monkeypatch.setattr(search, "pages_to_index", spy)
    monkeypatch.setattr(search_parts, "pages_to_index", spy)
    return walked


def test_an_edit_walks_only_the_folders_of_its_own_part(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    require_pagefind()
    site = _site(tmp_path)
    assert index_site(site, language="en", part_size=1).parts == 5
    walked = _walks(monkeypatch)
    edited = _article(site, "2003-05-12")
    (site / edited).write_text((site / edited).read_text(encoding="utf-8").replace(
        "islands", "lighthouses"), encoding="utf-8")

    result = index_site(site, language="en", part_size=1,
                        changed={edited, "2003/05/12/index.html", "index.html"})

    assert (result.status, result.pages, result.parts) == ("indexed", 5, 1)
    assert walked == [tuple(f"{year}/" for year in range(2000, 2010))], (
        "the record of the parts says where the pages are; only the edited part's "
        "folders are walked, to check its pages")
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns("pagefind"))
    assert index_site(fresh, language="en", part_size=1).parts == 5
    assert _files(site / "pagefind") == _files(fresh / "pagefind"), "incremental equals full"


def test_an_added_page_or_a_record_of_another_size_walks_the_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_pagefind()
    site = _site(tmp_path)
    assert index_site(site, language="en", part_size=1).parts == 5
    record = json.loads((site / "pagefind" / ".newsarchive-bundle.json").read_bytes())["parts"]
    edited = _article(site, "2003-05-12")
    assert record["2000s"]["members"] == members_digest([edited])
    assert record["2000s"]["size"] == 1
    assert json.loads((site / "pagefind" / "parts" / "2000s" / ".newsarchive-part.json"
                       ).read_bytes())["members"] == [edited]
    assert plan_edit(site, record, {edited}, part_size=2) is None, "another part size"
    stray = site / "2004" / "01" / "01" / "stray" / "index.html"
    stray.parent.mkdir(parents=True)
    stray.write_text("<html><body><article data-pagefind-body>stray lighthouse</article>",
                     encoding="utf-8")
    assert plan_edit(site, record, {edited}, part_size=1) is None, (
        "the edited part's folders hold a page its record lacks")
    plan = plan_edit(site, record, {_article(site, "1998-03-04")}, part_size=1)
    assert plan is not None and plan.dirty == ["1998-h1"], "another part's folders are not walked"
    assert plan_edit(site, record, {"2005/01/01/new/index.html"}, part_size=1) is None

    walked = _walks(monkeypatch)
    result = index_site(site, language="en", part_size=1, changed={stray.relative_to(
        site).as_posix()})
    assert (result.status, result.pages, result.parts) == ("indexed", 6, 2), (
        "the 2000s split in 2003 and 2004")
    assert walked == [tuple(f"{year}/" for year in range(2000, 2010)), ("",)], (
        "an added article page: its part's pages differ from the record's digest, so "
        "the whole output folder is walked")


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


def _edit(site: Path, date: str, old: str, new: str) -> str:
    """Replace ``old`` by ``new`` in the article page dated ``date``; its output path."""
    edited = _article(site, date)
    text = (site / edited).read_text(encoding="utf-8")
    assert old in text
    (site / edited).write_text(text.replace(old, new), encoding="utf-8")
    return edited


def _fresh_bundle(tmp_path: Path, site: Path) -> dict[str, bytes]:
    """The bundle of a first index of a copy of ``site`` (without its bundle)."""
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns("pagefind"))
    assert index_site(fresh, language="en", part_size=1).parts == 5
    return _files(fresh / "pagefind")


def test_an_edit_reads_and_writes_only_the_manifest_of_its_own_part(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_pagefind()
    site = _site(tmp_path)
    assert index_site(site, language="en", part_size=1).parts == 5
    bundle = site / "pagefind"
    top = json.loads((bundle / ".newsarchive-bundle.json").read_bytes())
    assert sorted(top["parts"]) == ["1998-h1", "1998-h2", "2000s", "2010s", "undated"]
    assert not [name for name in top["files"] if name.startswith("parts/")]
    read: list[str] = []
    real = search_install.read_part

    def spy(folder: Path, key: str) -> Any:
        read.append(key)
        return real(folder, key)

    monkeypatch.setattr(search_install, "read_part", spy)
    monkeypatch.setattr(search_parts, "read_part", spy)
    edited = _edit(site, "2003-05-12", "islands", "lighthouses")

    result = index_site(site, language="en", part_size=1, changed={edited})

    assert (result.status, result.parts) == ("indexed", 1)
    assert read == ["2000s"], "no other part's manifest is read"
    assert _files(bundle) == _fresh_bundle(tmp_path, site)


@pytest.mark.parametrize("next_run", ["edit", "nothing-changed"])
def test_an_install_stopped_half_way_is_finished_by_the_next_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, next_run: str) -> None:
    require_pagefind()
    site = _site(tmp_path)
    assert index_site(site, language="en", part_size=1).parts == 5
    bundle = site / "pagefind"
    real = search_install.os.replace
    moved: list[str] = []

    def full_disk(source: Any, target: Any) -> None:
        if "/fragment/" in str(target) and moved:
            raise OSError(28, "No space left on device")
        moved.append(str(target))
        real(source, target)

    monkeypatch.setattr(search_install.os, "replace", full_disk)
    edited = _edit(site, "2003-05-12", "islands", "lighthouses")
    result = index_site(site, language="en", part_size=1, changed={edited})
    monkeypatch.undo()

    assert result.status == "failed" and result.diagnostic is not None
    assert "No space left on device" in result.diagnostic.message
    assert result.diagnostic.hint.startswith("free some disk space"), result.diagnostic.hint
    top = json.loads((bundle / ".newsarchive-bundle.json").read_bytes())
    assert top["parts"]["2000s"] == {"pending": True}, "the part being written is marked"
    listed = json.loads((bundle / "parts" / "2000s" / ".newsarchive-part.json").read_bytes())
    on_disk = {path.relative_to(bundle / "parts" / "2000s").as_posix()
               for path in (bundle / "parts" / "2000s").rglob("*") if path.is_file()}
    assert on_disk - {".newsarchive-part.json"} <= set(listed["files"]), (
        "every file on disk is listed, old and new")
    changed: bool | set[str] = {edited} if next_run == "edit" else False

    result = index_site(site, language="en", part_size=1, changed=changed)

    assert (result.status, result.parts, result.diagnostic) == (
        "indexed", 1 if next_run == "edit" else 5, None), "never reported unchanged"
    assert _files(bundle) == _fresh_bundle(tmp_path, site)


def test_a_bundle_with_one_manifest_is_made_again_in_parts(tmp_path: Path) -> None:
    require_pagefind()
    site = _site(tmp_path)
    assert index_site(site, language="en", part_size=1).parts == 5
    bundle = site / "pagefind"
    # The earlier format: one manifest lists every file, and each part's pages.
    files = {path.relative_to(bundle).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
             for path in bundle.rglob("*") if path.is_file()
             and path.name not in (".newsarchive-bundle.json", ".newsarchive-part.json")}
    parts = {}
    for folder in (bundle / "parts").iterdir():
        manifest = folder / ".newsarchive-part.json"
        parts[folder.name] = {"members": json.loads(manifest.read_bytes())["members"]}
        manifest.unlink()
    (bundle / ".newsarchive-bundle.json").write_text(json.dumps(
        {"generator": "newsarchive", "format": 2, "files": files, "parts": parts}))
    (bundle / "parts" / "2010s" / "fragment" / "en_old.pf_fragment").write_bytes(b"old")
    files["parts/2010s/fragment/en_old.pf_fragment"] = "0"
    (bundle / ".newsarchive-bundle.json").write_text(json.dumps(
        {"generator": "newsarchive", "format": 2, "files": files, "parts": parts}))

    result = index_site(site, language="en", part_size=1, changed=False)

    assert (result.status, result.parts, result.diagnostic) == ("indexed", 5, None)
    assert _files(bundle) == _fresh_bundle(tmp_path, site), (
        "every part again, with its own manifest; a file the old manifest listed is gone")


def test_unchanged_files_of_an_edited_part_are_linked_not_written(tmp_path: Path) -> None:
    installed = tmp_path / "pagefind" / "parts" / "2000s"
    before = {"fragment/en_a.pf_fragment": b"same", "fragment/en_b.pf_fragment": b"old",
              "filter/en_c.pf_filter": b"same filter", "index/en_d.pf_index": b"chunk"}
    for name, data in before.items():
        (installed / name).parent.mkdir(parents=True, exist_ok=True)
        (installed / name).write_bytes(data)
    answer = {**before, "fragment/en_b.pf_fragment": b"new", "fragment/en_e.pf_fragment": b"e"}
    payload = {"files": [{"path": name, "content": base64.b64encode(data).decode("ascii")}
                         for name, data in answer.items()]}
    staged = tmp_path / "run"

    assert search_service._write_files(payload, staged, installed) is None

    assert {name: (staged / name).read_bytes() for name in answer} == answer
    shared = {name for name in answer if (installed / name).exists()
              and (staged / name).stat().st_ino == (installed / name).stat().st_ino}
    assert shared == {"fragment/en_a.pf_fragment", "index/en_d.pf_index"}, (
        "equal fragments and index chunks are linked; a filter file, which the bundle's "
        "normalisation rewrites in place, never is")
    shutil.rmtree(staged)
    elsewhere = tmp_path / "elsewhere"
    (installed / "fragment").rename(elsewhere)
    (installed / "fragment").symlink_to(elsewhere, target_is_directory=True)
    assert search_service._write_files(payload, staged, installed) is None
    assert (staged / "fragment" / "en_a.pf_fragment").stat().st_ino != (
        elsewhere / "en_a.pf_fragment").stat().st_ino, "a link on the way is not followed"


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


def test_the_part_size_doubles_as_the_archive_outgrows_its_parts() -> None:
    from newsarchive.run.search_parts import MAX_PARTS, PART_SIZE, part_size_for

    assert part_size_for(0) == part_size_for(PART_SIZE * MAX_PARTS) == PART_SIZE
    assert part_size_for(PART_SIZE * MAX_PARTS + 1) == 2 * PART_SIZE
    # 100,000 articles: parts of 1,600 pages, at most 64 full ones (not 500 of 200).
    assert part_size_for(100_000) == 1600
    assert MAX_PARTS >= 100_000 / 1600
