"""Adding and removing articles in a running dev server: the two-phase rebuild.

Phase 1 (:mod:`newsarchive.incremental.preview`) writes the new article's page,
or removes the deleted one's and re-renders its day page; phase 2, the normal
build right after, makes every other page.  These tests check what the reader
sees after phase 1, that the output after phase 2 equals a clean build byte
for byte, and that a server killed between the phases leaves nothing the next
build does not repair.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsarchive.config import Config, load_config
from newsarchive.run.executor import SerialExecutor
from newsarchive.run.session import Session, build
from newsarchive.serve.rebuild import Outcome
from newsarchive.serve.server import DevServer
from newsarchive.serve.watch import Changes
from test_server import builds, fetch, gone, settle, shows, snapshot_files

CONFIG = "source_dir: seeds\noutput_dir: site\ntopics: {enabled: []}\nsearch: false\n"


def article(title: str, date: str, topics: str = "[Harbour]") -> str:
    return (f"---\ntitle: {title}\ndate: {date}\ntopics: {topics}\n---\n"
            f"{title} is the story of the day, told in its own words.\n")


SEEDS = {
    "a.md": article("Alpha", "2001-02-03"),
    "b.md": article("Bravo", "2001-02-03", "[Harbour, Fleet]"),
    "c.md": article("Charlie", "2001-02-05"),
    "d.md": article("Delta", "2001-03-01", "[Fleet]"),
    "e.md": article("Echo", "2002-05-06"),
}


def make_site(root: Path) -> Config:
    for name, text in {**{f"seeds/{k}": v for k, v in SEEDS.items()},
                       "archive.yaml": CONFIG}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return load_config(root / "archive.yaml", root)


def save(path: Path, text: str) -> None:
    """Save like an editor: a temp file beside it, renamed over."""
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def clean_build(config: Config, where: Path) -> dict[str, bytes]:
    clean = dataclasses.replace(config, output_dir=where / "site", cache_dir=where / "cache")
    report = build(clean, executor=SerialExecutor(), use_cache=False)
    assert report.errors == ()
    return snapshot_files(where / "site")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    make_site(tmp_path)
    return tmp_path


@pytest.fixture
def server(site: Path) -> Iterator[DevServer]:
    dev = DevServer(load_config(site / "archive.yaml", site), port=0,
                    executor=SerialExecutor())
    dev.start()
    try:
        yield dev
    finally:
        dev.stop()


def watch_phase_two(server: DevServer, probe: Callable[[], object]) -> list[object]:
    """Record ``probe()`` just before each phase-2 build of ``server`` (the
    rebuilder's build, after phase 1 told the browser)."""
    seen: list[object] = []
    rebuild = server.rebuilder.build

    def build_after_probe(changes: Changes | None = None) -> Outcome:
        seen.append((probe(), server.state.get().version, server.state.get().building))
        return rebuild(changes)

    server.rebuilder.build = build_after_probe  # type: ignore[method-assign]
    return seen


def test_an_added_article_is_served_before_the_full_build_then_equals_a_clean_build(
        server: DevServer, site: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    page = "/2001/02/04/foxtrot/"
    version = server.state.get().version
    seen = watch_phase_two(server, lambda: fetch(server, page)[:2])
    before = builds(server)
    save(site / "seeds" / "f.md", article("Foxtrot", "2001-02-04", "[Harbour, Tide]"))
    settle(server, shows(server, page, "Foxtrot"), before)
    # Phase 1 served the page (and told the browser) before phase 2 began.
    assert seen  # (an editor's save may come in more than one batch)
    (status, body), told, building = seen[0]  # type: ignore[misc]
    assert status == 200 and "Foxtrot" in body
    assert told == version + 1 and building
    # Its neighbours in time are linked as the full build links them.
    assert "2001/02/03/bravo/" in body
    assert "2001/02/05/charlie/" in body
    assert server.state.get().last["preview"]["written"] == 1
    # Phase 2: every page (day, month, terms, feeds, neighbours) as a clean build makes them.
    assert "foxtrot/" in fetch(server, "/2001/02/04/")[1]
    assert "foxtrot/" in fetch(server, "/topics/tide/")[1]
    full = clean_build(server.rebuilder.config, tmp_path_factory.mktemp("clean"))
    assert snapshot_files(server.rebuilder.config.output_dir) == full


def test_a_deleted_article_is_404_and_off_its_day_page_before_the_full_build(
        server: DevServer, site: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    page, day = "/2001/02/03/bravo/", "/2001/02/03/"
    assert "bravo/" in fetch(server, day)[1]
    seen = watch_phase_two(server, lambda: (fetch(server, page)[0], fetch(server, day)[:2]))
    before = builds(server)
    (site / "seeds" / "b.md").unlink()
    settle(server, gone(server, page), before)
    assert seen  # (an editor's save may come in more than one batch)
    (status, (day_status, day_body)), _, building = seen[0]  # type: ignore[misc]
    assert status == 404 and building
    assert day_status == 200 and "bravo/" not in day_body and "alpha/" in day_body
    assert "1 article" in day_body
    assert "bravo/" not in fetch(server, "/topics/fleet/")[1]
    full = clean_build(server.rebuilder.config, tmp_path_factory.mktemp("clean"))
    assert snapshot_files(server.rebuilder.config.output_dir) == full


def test_deleting_a_days_only_article_removes_the_day_page(
        server: DevServer, site: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    seen = watch_phase_two(server, lambda: (fetch(server, "/2001/02/05/charlie/")[0],
                                            fetch(server, "/2001/02/05/")[0]))
    before = builds(server)
    (site / "seeds" / "c.md").unlink()
    settle(server, gone(server, "/2001/02/05/"), before)
    assert seen[0][0] == (404, 404)  # type: ignore[index]
    full = clean_build(server.rebuilder.config, tmp_path_factory.mktemp("clean"))
    assert snapshot_files(server.rebuilder.config.output_dir) == full


def test_adds_and_deletes_in_a_row_equal_a_clean_build(
        server: DevServer, site: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    seeds = site / "seeds"
    steps: list[tuple[Callable[[], object], Callable[[], bool]]] = [
        (lambda: save(seeds / "g.md", article("Golf", "2001-02-03")),
         shows(server, "/2001/02/03/golf/", "Golf")),
        (lambda: (seeds / "g.md").unlink(), gone(server, "/2001/02/03/golf/")),
        (lambda: save(seeds / "h.md", article("Hotel", "1999-12-31", "[New]")),
         shows(server, "/1999/12/31/hotel/", "Hotel")),
        (lambda: (seeds / "e.md").unlink(), gone(server, "/2002/05/06/echo/")),
        (lambda: save(seeds / "i.md", article("India", "2030-01-01")),
         shows(server, "/2030/01/01/india/", "India")),
    ]
    for action, check in steps:
        before = builds(server)
        action()
        settle(server, check, before)
    full = clean_build(server.rebuilder.config, tmp_path_factory.mktemp("clean"))
    assert snapshot_files(server.rebuilder.config.output_dir) == full


@pytest.mark.parametrize("kind", ["add", "delete", "delete-two"])
@pytest.mark.parametrize("then_undo", [False, True])
def test_a_server_killed_after_phase_one_is_repaired_by_the_next_build(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, kind: str,
        then_undo: bool) -> None:
    config = make_site(tmp_path)
    seeds = tmp_path / "seeds"
    session = Session(config, SerialExecutor())
    try:
        session.build(search=False)
        if kind == "add":
            save(seeds / "f.md", article("Foxtrot", "2001-02-04"))
            report = session.preview({"f.md"})
            assert report is not None and report.written_paths == (
                "2001/02/04/foxtrot/index.html",)
        else:
            names = {"b.md"} if kind == "delete" else {"a.md", "b.md"}
            for name in names:
                (seeds / name).unlink()
            report = session.preview(names)
            assert report is not None and "2001/02/03/bravo/index.html" in report.removed_paths
            if kind == "delete-two":  # the day's two articles: its page goes too
                assert "2001/02/03/index.html" in report.removed_paths
            else:
                assert report.written_paths == ("2001/02/03/index.html",)
    finally:
        session.close()  # killed here: phase 2 never ran
    if then_undo:  # and the changes undone before the next start
        (seeds / "f.md").unlink(missing_ok=True)
        for name in ("a.md", "b.md"):
            save(seeds / name, SEEDS[name])
    build(config, executor=SerialExecutor(), search=False)
    full = clean_build(config, tmp_path_factory.mktemp("clean"))
    assert snapshot_files(config.output_dir) == full


def test_phase_one_declines_what_the_whole_archive_decides(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    session = Session(config, SerialExecutor())
    try:
        seeds = tmp_path / "seeds"
        assert session.preview({"f.md"}) is None  # nothing loaded yet
        session.build(search=False)
        save(seeds / "a.md", article("Alpha Edited", "2001-02-03"))
        assert session.preview({"a.md"}) is None  # an edit: the fast path's
        save(seeds / "a.md", SEEDS["a.md"])
        session.build({"a.md"}, search=False)
        save(seeds / "dup.md", SEEDS["c.md"])
        assert session.preview({"dup.md"}) is None  # a duplicate of Charlie
        (seeds / "dup.md").unlink()
        save(seeds / "undated.md", "---\ntitle: Undated\n---\nNo date at all.\n")
        assert session.preview({"undated.md"}) is None
        (seeds / "undated.md").unlink()
        save(seeds / "same.md", article("Alpha", "2001-02-03").replace("the story", "a tale"))
        assert session.preview({"same.md"}) is None  # its URL is Alpha's
        (seeds / "same.md").unlink()
        assert session.preview({"gone.md"}) is None  # came and went again
        save(seeds / "f.md", article("Foxtrot", "2001-02-04"))
        (seeds / "c.md").unlink()  # Foxtrot's next neighbour
        assert session.preview({"f.md", "c.md"}) is None  # added and removed at once
        save(seeds / "c.md", SEEDS["c.md"])
        (seeds / "f.md").unlink()
        save(seeds / "same.md", article("Alpha", "2001-02-03").replace("the story", "a tale"))
        session.build({"same.md"}, search=False)  # alpha/ and alpha-2/
        (seeds / "a.md").unlink()
        assert session.preview({"a.md"}) is None  # Alpha's twin may take its URL
    finally:
        session.close()
