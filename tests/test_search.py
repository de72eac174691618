"""Search: the Pagefind step (search.py), its CLI messages, and the markup it indexes."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest

from browser_fixtures import ARTICLES, BuiltSite, require_pagefind
from newsarchive import cli
from newsarchive.run import search
from newsarchive.run.search import IndexResult, index_site

ARTICLE_PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head>
<body><main><article data-pagefind-body><h1>{title}</h1><p>{text}</p></article></main></body></html>
"""
LISTING_PAGE = """<!doctype html><html lang="en"><head><title>List</title></head>
<body><main><h1>List</h1><p>kangaroo listing</p></main></body></html>
"""


def _tiny_site(root: Path) -> Path:
    (root / "a").mkdir(parents=True)
    (root / "a" / "index.html").write_text(ARTICLE_PAGE.format(title="Kangaroo", text="kangaroo"))
    (root / "index.html").write_text(LISTING_PAGE)
    return root


def test_index_site_indexes_only_marked_pages(tmp_path: Path) -> None:
    require_pagefind()
    site = _tiny_site(tmp_path / "site")
    result = index_site(site, language="en-GB")
    assert result.status == "indexed", result.diagnostic
    assert result.pages == 1
    assert result.diagnostic is None
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert list((site / "pagefind").glob("wasm.en.pagefind"))


def test_reindexing_replaces_the_bundle_without_leftovers(tmp_path: Path) -> None:
    require_pagefind()
    site = _tiny_site(tmp_path / "site")
    assert index_site(site).status == "indexed"
    first = sorted(p.name for p in (site / "pagefind").rglob("*"))
    (site / "b").mkdir()
    (site / "b" / "index.html").write_text(ARTICLE_PAGE.format(title="Wombat", text="wombat"))
    assert index_site(site).pages == 2
    second = sorted(p.name for p in (site / "pagefind").rglob("*"))
    assert len(second) == len(first) + 1, "one more fragment, nothing left over"
    assert sorted(p.name for p in site.iterdir()) == ["a", "b", "index.html", "pagefind"]


def test_index_site_skips_when_nothing_changed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "pagefind").mkdir(parents=True)
    (site / "pagefind" / "pagefind.js").write_text("")
    (site / "pagefind" / search.MANIFEST).write_text(
        '{"generator": "newsarchive", "format": 3, "files": {"pagefind.js": "e3b0"}, '
        '"parts": {}}')
    assert index_site(site, changed=False) == IndexResult("unchanged")


@pytest.mark.parametrize("manifest", [
    '{"generator": "newsarchive", "format": 1, "files": {"pagefind.js": "e3b0"}}',
    '{"generator": "newsarchive", "format": 2, "files": {"pagefind.js": "e3b0"}, "parts": {}}',
], ids=["whole", "one-manifest"])
def test_a_bundle_of_an_earlier_format_is_indexed_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, manifest: str) -> None:
    # A bundle from before the index was kept in parts has no record of them, and one
    # from before each part had its own manifest records them another way: it is
    # indexed again even when nothing changed (here Pagefind is missing, so it says so).
    site = tmp_path / "site"
    (site / "pagefind").mkdir(parents=True)
    (site / "pagefind" / "pagefind.js").write_text("")
    (site / "pagefind" / search.MANIFEST).write_text(manifest)
    monkeypatch.setattr(search, "pagefind_available", lambda: False)
    assert index_site(site, changed=False).status == "unavailable"


def test_index_site_runs_again_when_the_bundle_is_missing(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "pagefind_available", lambda: False)
    assert index_site(_tiny_site(tmp_path / "site"), changed=False).status == "unavailable"


def test_missing_pagefind_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "pagefind_available", lambda: False)
    result = index_site(tmp_path)
    assert result.status == "unavailable"
    assert result.diagnostic is not None
    assert result.diagnostic.format() == (
        f"{tmp_path.as_posix()}: warning: Pagefind is not installed, so the site has no search "
        "index (the search page says search is unavailable)\n"
        "  hint: install it with: pip install 'newsarchive[search]' "
        "(or: pip install 'pagefind[extended]')")


def test_failing_pagefind_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "pagefind_available", lambda: True)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")
    result = index_site(tmp_path)
    assert result.status == "failed"
    assert result.diagnostic is not None and result.diagnostic.severity == "error"
    assert result.diagnostic.message == "Pagefind failed to index the site: exit status 1"


def _source(tmp_path: Path) -> list[str]:
    source = tmp_path / "articles"
    source.mkdir()
    (source / "floods.md").write_text(ARTICLES["1998-floods.md"], encoding="utf-8")
    config = tmp_path / "archive.yaml"
    config.write_text("topics:\n  enabled: []\n", encoding="utf-8")
    return ["build", "--config", str(config), "--source", str(source),
            "--output", str(tmp_path / "site"), "--base-url", "https://example.org/"]


def test_build_without_pagefind_says_so_once_and_succeeds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(search, "pagefind_available", lambda: False)
    assert cli.main(_source(tmp_path)) == 0
    out, err = capsys.readouterr()
    assert err.count("Pagefind is not installed") == 1
    assert "Search index" not in out
    assert (tmp_path / "site" / "search" / "index.html").is_file()
    assert not (tmp_path / "site" / "pagefind").exists()


def test_build_indexes_the_site_as_its_last_step(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    require_pagefind()
    argv = _source(tmp_path)
    assert cli.main(argv) == 0
    out, _ = capsys.readouterr()
    assert re.search(r"^Search index: 1 pages indexed by Pagefind; [\d.]+ s$", out, re.MULTILINE)
    assert (tmp_path / "site" / "pagefind" / "pagefind.js").is_file()
    assert cli.main(argv) == 0
    out, _ = capsys.readouterr()
    assert "Search index" not in out, "nothing changed, so the index is not rebuilt"


def test_the_built_site_was_indexed(built_site: BuiltSite) -> None:
    require_pagefind()
    assert "Search index: 6 pages indexed by Pagefind" in built_site.log
    assert built_site.search_indexed


def test_only_article_pages_are_indexed(built_site: BuiltSite) -> None:
    marked = {p.relative_to(built_site.output).as_posix() for p in built_site.html_files()
              if "data-pagefind-body" in p.read_text(encoding="utf-8")}
    assert len(marked) == 6
    assert all(re.fullmatch(r"\d{4}/\d\d/\d\d/[^/]+/index\.html", path) for path in marked)


def test_article_pages_carry_filters_and_result_metadata(built_site: BuiltSite) -> None:
    html = (built_site.output / "1998/03/04/floods-close-the-old-harbour/index.html").read_text()
    assert 'data-pagefind-filter="year:1998"' in html
    assert 'data-pagefind-sort="date[datetime]"' in html
    assert ('<article class="article" data-pagefind-body data-pagefind-filter="language:en" '
            'data-pagefind-meta="published:1998-03-04T09:30:00+00:00">') in html
    assert re.search(r'<time datetime="1998-03-04T09:30:00\+00:00" data-pagefind-meta="date"'
                     r'[^>]*>March 4, 1998</time>', html)
    assert '<span class="source" data-pagefind-meta="source">Coast Gazette</span>' in html
    for taxonomy, term in (("places", "Lisbon"), ("subjects", "Weather"),
                           ("sources", "Coast Gazette"), ("authors", "Ana Reis")):
        assert re.search(f'data-pagefind-filter="{taxonomy}"[^>]*>{term}</a>', html)


def test_search_page_markup(built_site: BuiltSite) -> None:
    html = (built_site.output / "search" / "index.html").read_text(encoding="utf-8")
    assert '<label for="search-query">Search the archive</label>' in html
    assert '<input id="search-query" name="q" type="search"' in html
    assert '<script type="module" src="../static/search.js"></script>' in html
    noscript = html[html.index("<noscript>"):html.index("</noscript>")]
    assert "Search needs JavaScript" in noscript
    assert 'href="../archive/index.html"' in noscript
    script = (built_site.output / "static" / "search.js").read_text(encoding="utf-8")
    assert 'new URL("../", import.meta.url)' in script, "bundle found relative to the script"
    assert '"/pagefind' not in script


def test_library_callers_get_the_search_index(tmp_path: Path) -> None:
    """Search is a step of the build itself, not of the command line."""
    require_pagefind()
    import newsarchive
    from newsarchive.config import load_config

    from sitekit import make_site, md

    make_site(tmp_path, {"a.md": md("Kangaroo", "2001-01-01", "A kangaroo crossed.")})
    config = load_config(tmp_path / "archive.yaml", tmp_path)
    report = newsarchive.build(config)
    assert (report.search, report.search_pages) == ("indexed", 1)
    assert (config.output_dir / "pagefind" / "pagefind.js").is_file()
    again = newsarchive.build(config)
    assert again.search == "unchanged"  # no article page changed: the bundle stands
    off = newsarchive.build(config, search=False)
    assert off.search == ""


def test_the_dev_server_indexes_for_search(tmp_path: Path) -> None:
    require_pagefind()
    from newsarchive.config import load_config
    from newsarchive.run.executor import SerialExecutor
    from newsarchive.serve.server import DevServer

    from sitekit import make_site, md

    make_site(tmp_path, {"a.md": md("Kangaroo", "2001-01-01", "A kangaroo crossed.")})
    server = DevServer(load_config(tmp_path / "archive.yaml", tmp_path), port=0,
                       executor=SerialExecutor())
    server.start()
    try:
        # Indexed in a thread of its own once the browser was told of the pages.
        assert server._indexer.idle.wait(60)
        bundle = tmp_path / "site" / "pagefind"
        assert (bundle / "pagefind.js").is_file()
        assert list(bundle.glob("pagefind-entry.json"))
    finally:
        server.stop()


def test_builds_taken_together_index_what_each_of_them_wrote(tmp_path: Path) -> None:
    """Builds finished while the dev server indexes are indexed in one more run, for the
    pages any of them wrote or removed, not the whole archive again; a failed build
    among them does not drop the builds before it."""
    from newsarchive.config import load_config
    from newsarchive.model import BuildReport
    from newsarchive.serve.rebuild import Outcome
    from newsarchive.serve.server import _Indexer

    from sitekit import make_site, md

    make_site(tmp_path, {"a.md": md("Kangaroo", "2001-01-01", "A kangaroo crossed.")})
    config = load_config(tmp_path / "archive.yaml", tmp_path)
    first_run, release = threading.Event(), threading.Event()
    runs: list[tuple[Outcome, Any]] = []

    class Rebuilder:
        def index_search(self, outcome: Outcome, paths: Any = None) -> tuple[str, ...]:
            runs.append((outcome, paths))
            first_run.set()
            assert release.wait(10)
            return ()

    def outcome(written: tuple[str, ...], removed: tuple[str, ...] = (),
                failed: bool = False) -> Outcome:
        report = None if failed else BuildReport(written_paths=written, removed_paths=removed)
        return Outcome(report, (), config, 0.1)

    indexer = _Indexer(Rebuilder())  # type: ignore[arg-type]
    one = outcome(("2001/01/01/a/index.html",))
    indexer.request(one)
    assert first_run.wait(10)
    two, four = outcome(("2001/01/01/a/index.html", "index.html")), outcome(
        ("2002/02/02/b/index.html",), ("2003/03/03/c/index.html",))
    for later in (two, outcome(("2009/09/09/x/index.html",), failed=True), four):
        indexer.request(later)
    release.set()
    assert indexer.idle.wait(10)

    assert [(run, set(paths)) for run, paths in runs] == [
        (one, {"2001/01/01/a/index.html"}),
        (four, {"2001/01/01/a/index.html", "index.html", "2002/02/02/b/index.html",
                "2003/03/03/c/index.html"})]

    runs.clear()
    first_run.clear()
    release.clear()
    indexer.request(one)
    assert first_run.wait(10)
    indexer.request(two)
    indexer.request(outcome((), failed=True))
    release.set()
    assert indexer.idle.wait(10)
    assert [run for run, _ in runs] == [one, two], "the failed build does not replace it"


def test_a_build_that_failed_after_writing_pages_is_indexed_by_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The failed build wrote the page but never indexed it; the next build writes
    nothing, and still indexes it (as after a killed build)."""
    require_pagefind()
    import gzip

    import newsarchive
    from newsarchive.config import load_config
    from newsarchive.pipeline import write

    from sitekit import make_site, md

    make_site(tmp_path, {"a.md": md("Crossing", "2001-01-01", "A kangaroo crossed.")})
    config = load_config(tmp_path / "archive.yaml", tmp_path)
    assert newsarchive.build(config).search == "indexed"
    (config.source_dir / "a.md").write_text(md("Crossing", "2001-01-01", "A wombat crossed."),
                                           encoding="utf-8")

    def disk_full(*args: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write, "prune", disk_full)  # after the pages were written
    with pytest.raises(OSError, match="No space"):
        newsarchive.build(config, full=True)
    monkeypatch.undo()
    report = newsarchive.build(config)
    assert report.written == 0 and report.search == "indexed"
    fragments = [gzip.decompress(path.read_bytes())
                 for path in (config.output_dir / "pagefind").rglob("*.pf_fragment")]
    assert any(b"wombat" in fragment for fragment in fragments)
    assert not any(b"kangaroo" in fragment for fragment in fragments)
