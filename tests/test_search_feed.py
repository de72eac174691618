"""What the search step reads and writes around Pagefind, made cheaper (issue 17): the
body mark found without trying a pattern at every ``<``, the case test of the
Pagefind attributes without lowering a whole page, the output folder walked and
read by a few threads, only the index files of a part's run written, and the
digests of a part taken in the thread that indexed it.  Each is checked against
the plain way it replaced.
"""

from __future__ import annotations

import base64
import os
import random
from pathlib import Path

import pytest

from newsarchive.run import search_pages, search_service
from newsarchive.run.search_install import digests
from newsarchive.run.search_pages import _BODY_TAG, _body_tag, _lower_case, pages_to_index
from newsarchive.run.search_parts import is_part_file, marked_pages, move_run

_PIECES = ["<", ">", " ", "data-pagefind-body", "DATA-PAGEFIND-BODY", "Data-Pagefind-Body",
           "data-pagef\u0131nd-body", "data-pagef\u0130nd-body", "xdata-pagefind-body",
           "data-pagefind-bodyx", "<div ", "<ARTICLE class='x' ", "<a-b ",
           " data-pagefind-meta='a'", "data-PAGEFIND-", "=\"<b data-pagefind-body>\"",
           "\u212a", "\u017f", "\u00e9", "\u4e2d\u6587", "\u0130", "\u0131", "\ud800"]


@pytest.mark.parametrize(("page", "start"), [
    ('<p title="a>b">x</p><div DATA-PAGEFIND-BODY lang="fr">', 20),
    ('<main><article class="a" data-pagefind-body>', 6),
    ('<x-a data-pagefind-body><div data-pagefind-body>', 0),
    ('<a title="<b data-pagefind-body>">', 0),
    ('<p data-pagef\u0131nd-body>', 0),
    ('<p>data-pagefind-body</p><i data-pagefind-body>', 25),
    ('<p xdata-pagefind-body><i data-pagefind-bodyx><b data-pagefind-body>', 46),
    ('<p>no mark here</p>', None),
])
def test_the_body_mark_is_found_where_the_pattern_finds_it(page: str, start: int | None
                                                           ) -> None:
    found = _body_tag(page)
    assert (found.start() if found else None) == start
    expected = _BODY_TAG.search(page)
    assert (found.span() if found else None) == (expected.span() if expected else None)


def test_the_body_mark_and_the_case_test_agree_with_the_plain_ways_on_any_text() -> None:
    rng = random.Random(17)
    for _ in range(20_000):
        page = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12)))
        found, expected = _body_tag(page), _BODY_TAG.search(page)
        assert (found.span() if found else None) == (expected.span() if expected else None), page
        assert _lower_case(page) == (page.count("data-pagefind-")
                                     == page.lower().count("data-pagefind-")), page


def test_only_ascii_capitals_make_an_attribute_not_lower_case() -> None:
    assert _lower_case('<div data-pagefind-body \u212a \u0130 \u0131>')
    assert not _lower_case('<div Data-pagefind-body>')
    assert not _lower_case('<div data-PAGEFIND-body \u00e9>')


def _tree(root: Path) -> list[str]:
    pages = ["index.html", "about.html", "2001/index.html", "2001/05/04/a/index.html",
             "2001/05/04/b/index.html", "2002/01/02/c/index.html", "topics/x/index.html",
             "topics/x/page/2/index.html", ".hidden/index.html", "2001/.draft.html",
             "pagefind/index.html", "topics/pagefind/index.html", "style.css"]
    for page in pages:
        (root / page).parent.mkdir(parents=True, exist_ok=True)
        (root / page).write_text("<p>x</p>", encoding="utf-8")
    elsewhere = root.parent / "elsewhere"
    (elsewhere / "deep").mkdir(parents=True)
    (elsewhere / "deep" / "index.html").write_text("x", encoding="utf-8")
    (root / "linked").symlink_to(elsewhere, target_is_directory=True)
    return pages


def test_the_walk_in_threads_finds_what_a_walk_in_one_finds(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    site = tmp_path / "site"
    _tree(site)
    expected = ["2001/05/04/a/index.html", "2001/05/04/b/index.html", "2001/index.html",
                "2002/01/02/c/index.html", "about.html", "index.html",
                "topics/pagefind/index.html", "topics/x/index.html",
                "topics/x/page/2/index.html"]
    assert pages_to_index(site) == expected, (
        "hidden entries, the bundle at the top and linked folders are left out")
    assert pages_to_index(site, ("2001/", "topics/")) == [
        path for path in expected if path.startswith(("2001/", "topics/"))]
    monkeypatch.setattr(search_pages, "_READERS", 1)
    assert pages_to_index(site) == expected


def test_marked_pages_are_read_by_threads_and_kept_in_order(tmp_path: Path) -> None:
    paths = [f"p/{number:03d}.html" for number in range(200)]
    (tmp_path / "p").mkdir()
    for number, path in enumerate(paths):
        mark = "<div data-pagefind-body>" if number % 7 == 3 else "<div>"
        (tmp_path / path).write_text(mark, encoding="utf-8")
    expected = [path for number, path in enumerate(paths) if number % 7 == 3]
    assert marked_pages(tmp_path, [*paths, "p/missing.html"]) == expected
    assert marked_pages(tmp_path, list(reversed(paths))) == list(reversed(expected))
    assert marked_pages(tmp_path, paths[:10]) == ["p/003.html"]


def test_a_part_run_writes_only_the_index_files(tmp_path: Path) -> None:
    answer = {"pagefind.js": b"script", "wasm.en.pagefind": b"wasm",
              "pagefind-entry.json": b"{}", "pagefind.en_1.pf_meta": b"meta",
              "fragment/en_a.pf_fragment": b"fragment", "index/en_b.pf_index": b"chunk",
              "filter/en_c.pf_filter": b"filter"}
    payload = {"files": [{"path": name, "content": base64.b64encode(data).decode("ascii")}
                         for name, data in answer.items()]}
    assert search_service._write_files(payload, tmp_path / "all") is None
    assert search_service._write_files(payload, tmp_path / "part", keep=is_part_file) is None
    written = {path.relative_to(tmp_path / "part").as_posix()
               for path in (tmp_path / "part").rglob("*") if path.is_file()}
    assert written == {name for name in answer if is_part_file(name)} == set(answer) - {
        "pagefind.js", "wasm.en.pagefind"}
    assert len(list((tmp_path / "all").rglob("*.*"))) == len(answer)


def test_the_digests_taken_in_a_run_are_those_of_the_part_it_becomes(tmp_path: Path) -> None:
    run = tmp_path / "run"
    for name, data in {"pagefind.js": b"s", "pagefind-entry.json": b"{}",
                       "pagefind.en_1.pf_meta": b"m", "fragment/en_a.pf_fragment": b"f",
                       "index/en_b.pf_index": b"i", "wasm.en.pagefind": b"w"}.items():
        (run / name).parent.mkdir(parents=True, exist_ok=True)
        (run / name).write_bytes(data)
    taken = digests(run, only=is_part_file)
    move_run(run, tmp_path / "parts" / "2001", shared=False)
    assert taken == digests(tmp_path / "parts" / "2001")
    assert set(taken) == {"pagefind-entry.json", "pagefind.en_1.pf_meta",
                          "fragment/en_a.pf_fragment", "index/en_b.pf_index"}
    assert not os.path.exists(run)

