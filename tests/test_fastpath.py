"""Warm and one-edit builds from the saved build state: same report, same bytes as a full build.

A build whose inputs are unchanged renders nothing; a build after articles
were edited in place re-renders only the pages showing them (without
planning the whole archive); every other change takes the full path.  Each
test compares with a from-scratch build of the same sources.
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from newsarchive.config import Config
from newsarchive.incremental import memory
from newsarchive.incremental.store import open_cache
from newsarchive.run import session as session_module
from newsarchive.run.executor import SerialExecutor
from newsarchive.run.session import BuildReport, Session

from sitekit import build_site, make_site, md, snapshot, stories

ARTICLES = stories()
ARTICLES["undated.md"] = md("No date here", None, "Undated body.")
ARTICLES["copy.md"] = ARTICLES["2001/1.md"]  # a duplicate: a warning on every build
ARTICLES["broken.md"] = "---\ntitle: [unclosed\n---\nBody.\n"  # skipped with an error


def _site(root: Path) -> Config:
    return make_site(root, ARTICLES)


def _facts(report: BuildReport) -> tuple[object, ...]:
    return (report.articles, report.undated, report.duplicates, dict(report.skipped),
            report.sources, report.pages, report.diagnostics, report.exit_status)


def _reference(tmp_path: Path, config: Config) -> tuple[dict[str, bytes], BuildReport]:
    """A from-scratch, cache-less build of ``config``'s current sources."""
    root = tmp_path / "reference"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(config.source_dir, root / "seeds")
    reference = dataclasses.replace(config, source_dir=root / "seeds", output_dir=root / "site",
                                    cache_dir=root / "cache")
    report = build_site(reference, use_cache=False)
    return snapshot(reference.output_dir), report


def _assert_as_full_build(tmp_path: Path, config: Config, report: BuildReport) -> None:
    """The output and the report's figures equal those of a from-scratch build."""
    expected, full = _reference(tmp_path, config)
    assert snapshot(config.output_dir) == expected
    assert _facts(report) == _facts(full)


def _no_full_planning(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(config: Config, sources: object) -> None:
        raise AssertionError("planned the whole archive")

    monkeypatch.setattr(session_module, "plan_all", refuse)


def _count_plans(monkeypatch: pytest.MonkeyPatch) -> list[Config]:
    """The configs of the builds that plan the whole archive from now on, one item
    per plan."""
    planned: list[Config] = []
    plan = session_module.plan_all

    def spy(config: Config, sources: Any, *memory: Any) -> tuple[object, ...]:
        planned.append(config)
        return plan(config, sources, *memory)

    monkeypatch.setattr(session_module, "plan_all", spy)
    return planned


def _edit(config: Config, name: str, old: str, new: str) -> None:
    path = config.source_dir / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_warm_build_answers_from_the_saved_state(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    config = _site(tmp_path / "site")
    first = build_site(config)
    assert first.duplicates == 1 and first.undated == 1 and "broken.md" in first.skipped
    with monkeypatch.context() as patch:
        _no_full_planning(patch)
        warm = build_site(config)
    assert (warm.sources_read, warm.rendered, warm.written, warm.removed) == (0, 0, 0, 0)
    assert warm.unchanged == warm.pages
    assert _facts(warm) == _facts(first)


def test_edit_in_place_renders_only_its_pages_and_equals_a_full_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _site(tmp_path / "site")
    first = build_site(config)
    _edit(config, "2002/3.md", "Second paragraph", "An edited paragraph")
    # The summary changes; the words used twice (the body's keywords, which
    # story threads compare) stay: the edit is only the article's own business.
    _edit(config, "2003/5.md", "Paragraph about", "Paragraph summing up")
    with monkeypatch.context() as patch:
        _no_full_planning(patch)
        report = build_site(config)
    assert report.sources_read == 2
    assert "2002/03/13/story-2002-3/index.html" in report.written_paths
    assert report.rendered < 32  # 28, plus each edited article's on-this-day page
    expected, full = _reference(tmp_path, config)
    assert snapshot(config.output_dir) == expected
    assert _facts(report) == _facts(full) == _facts(first)
    with monkeypatch.context() as patch:
        _no_full_planning(patch)
        warm = build_site(config)
    assert (warm.sources_read, warm.rendered, warm.written) == (0, 0, 0)
    # A full build of the patched state renders everything and writes nothing.
    assert build_site(config, full=True).written == 0


def test_an_edit_that_changes_the_bodys_keywords_plans_again_and_equals_a_full_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The body's keywords decide story threads (pipeline/threads.py): an edit that
    changes them may join or split a thread elsewhere, so the archive is planned
    again; the output still equals a full build."""
    config = _site(tmp_path / "site")
    build_site(config)
    planned = _count_plans(monkeypatch)
    _edit(config, "2003/5.md", "Paragraph about", "A summary line about")  # one "paragraph"
    report = build_site(config)
    assert len(planned) == 1 and report.sources_read == 1
    _assert_as_full_build(tmp_path, config, report)


def test_a_plan_made_again_takes_the_fast_paths_survey_and_the_last_template_digests(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit that plans again walks the source folder once, and parses templates to
    digest them only when a template, a translation or a setting changed since the
    last build."""
    from newsarchive.incremental import fastpath
    from newsarchive.pipeline import render
    from newsarchive.run import load

    config = _site(tmp_path / "site")
    templates = tmp_path / "site" / "templates"
    templates.mkdir()
    shutil.copy(Path(__file__).parents[1] / "templates" / "article.html", templates)
    config = dataclasses.replace(config, templates_dir=templates)
    build_site(config)
    digested: list[set[str]] = []
    digests = render.template_digests

    def spy(folder: str | None, names: set[str], *rest: Any) -> dict[str, str]:
        digested.append(names)
        return digests(folder, names, *rest)

    monkeypatch.setattr(render, "template_digests", spy)
    walks: list[Path] = []
    for module in (fastpath, load):
        def walk(folder: Path, *rest: Any, survey: Any = module.survey) -> Any:
            walks.append(folder)
            return survey(folder, *rest)

        monkeypatch.setattr(module, "survey", walk)
    planned = _count_plans(monkeypatch)
    _edit(config, "2003/5.md", "Paragraph about", "A summary line about")
    report = build_site(config)
    assert len(planned) == 1 and digested == [] and walks == [config.source_dir]
    _assert_as_full_build(tmp_path, config, report)
    digested.clear()  # the reference build digested them
    article = templates / "article.html"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "</article>", "<p class=marker>changed</p></article>", 1), encoding="utf-8")
    report = build_site(config)
    assert len(digested) == 1 and "article.html" in digested[0]
    assert report.written >= report.articles
    assert b"marker" in (config.output_dir / "2002/03/13/story-2002-3/index.html").read_bytes()


def test_title_edit_with_a_fixed_slug_patches_listings_and_neighbours(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new title names the article on its listings and on its neighbours'
    previous/next links: those pages are re-rendered, nothing is re-planned."""
    config = _site(tmp_path / "site")
    _edit(config, "2002/3.md", "date:", "slug: fixed-slug\ndate:")
    build_site(config)
    _edit(config, "2002/3.md", "Story 2002 3", "A much better headline")
    with monkeypatch.context() as patch:
        _no_full_planning(patch)
        report = build_site(config)
    written = set(report.written_paths)
    assert {"2002/03/13/fixed-slug/index.html", "2002/02/12/story-2002-2/index.html",
            "2002/04/14/story-2002-4/index.html", "2002/index.html", "index.html",
            "feed.xml"} <= written
    assert "2001/01/11/story-2001-1/index.html" not in written
    neighbour = (config.output_dir / "2002/02/12/story-2002-2/index.html").read_text("utf-8")
    assert "A much better headline" in neighbour and "Story 2002 3" not in neighbour
    assert report.rendered < 30
    _assert_as_full_build(tmp_path, config, report)


def test_title_edit_of_an_undated_article_takes_the_full_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Undated articles are listed by title: a new title can move them."""
    config = _site(tmp_path / "site")
    _edit(config, "undated.md", "title:", "slug: kept\ntitle:")
    build_site(config)
    _edit(config, "undated.md", "No date here", "Aardvarks first")
    planned = _count_plans(monkeypatch)
    report = build_site(config)
    assert len(planned) == 1
    _assert_as_full_build(tmp_path, config, report)


def test_edit_of_a_skipped_file_updates_its_error(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    build_site(config)
    (config.source_dir / "broken.md").write_text("---\ntitle: [still\n---\nBody.\n",
                                                 encoding="utf-8")
    report = build_site(config)
    _assert_as_full_build(tmp_path, config, report)


@pytest.mark.parametrize("change", [
    ("2002/3.md", "Story 2002 3", "Retitled story"),            # title and slug
    ("2002/3.md", "2002-03-13", "2002-04-13"),                  # date
    ("2002/3.md", "Beta0", "Gamma"),                            # terms
    ("2002/4.md", "Paragraph about *item* 4.\n\nSecond paragraph 2002.",
     "Paragraph about *item* 5.\n\nSecond paragraph 2002."),    # ...
])
def test_edits_that_change_the_shape_take_the_full_path(
        tmp_path: Path, change: tuple[str, str, str]) -> None:
    config = _site(tmp_path / "site")
    build_site(config)
    _edit(config, *change)
    report = build_site(config)
    _assert_as_full_build(tmp_path, config, report)


def test_edit_that_makes_a_duplicate_takes_the_full_path(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    build_site(config)
    (config.source_dir / "2003/7.md").write_text(
        md("Story 2003 7", "2003-07-17T10:00:00Z",
           "Paragraph about *item* 6.\n\nSecond paragraph 2003.",
           topics="[Alpha, Beta1]", source="Daily"), encoding="utf-8")
    (config.source_dir / "2003/6.md").write_text(
        md("Story 2003 7", "2003-06-16T10:00:00Z",
           "Paragraph about *item* 6.\n\nSecond paragraph 2003.",
           topics="[Alpha, Beta0]", source="Daily"), encoding="utf-8")
    report = build_site(config)
    _assert_as_full_build(tmp_path, config, report)


def test_added_and_removed_files_take_the_full_path(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    build_site(config)
    (config.source_dir / "2001/2.md").unlink()
    (config.source_dir / "2004.md").write_text(md("New one", "2004-01-01", "Fresh."),
                                               encoding="utf-8")
    report = build_site(config)
    _assert_as_full_build(tmp_path, config, report)
    assert report.removed_paths


def test_template_change_renders_again(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    templates = tmp_path / "site" / "templates"
    templates.mkdir()
    theme = Path(__file__).parents[1] / "templates"
    shutil.copy(theme / "article.html", templates / "article.html")
    config = dataclasses.replace(config, templates_dir=templates)
    build_site(config)
    article = templates / "article.html"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "</article>", "<p class=marker>changed</p></article>", 1), encoding="utf-8")
    report = build_site(config)
    assert report.written >= report.articles
    assert b"marker" in (config.output_dir / "2002/03/13/story-2002-3/index.html").read_bytes()


def test_static_and_config_changes_are_seen(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    static = tmp_path / "site" / "static"
    static.mkdir()
    (static / "extra.css").write_text("a{}", encoding="utf-8")
    config = dataclasses.replace(config, static_dir=static)
    build_site(config)
    (static / "extra.css").write_text("b{}", encoding="utf-8")
    assert build_site(config).written_paths == ("static/extra.css",)
    retitled = dataclasses.replace(config, title="Another Title")
    report = build_site(retitled)
    assert report.written > 0
    assert b"Another Title" in (config.output_dir / "index.html").read_bytes()


def test_deleted_output_file_is_written_again(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    build_site(config)
    page = config.output_dir / "2001/01/11/story-2001-1/index.html"
    page.unlink()
    report = build_site(config)
    assert report.written_paths == ("2001/01/11/story-2001-1/index.html",)


@pytest.mark.parametrize("names", [
    [memory.STATE], [memory.INDEX], [],
    [f"deps:{n}" for n in range(memory.SHARDS)],
    [f"identities:{n}" for n in range(memory.SHARDS)],
], ids=["state", "index", "plan", "deps", "identities"])
def test_damaged_state_is_a_miss(tmp_path: Path, names: list[str]) -> None:
    config = _site(tmp_path / "site")
    build_site(config)
    cache, _ = open_cache(config.cache_dir)
    if not names:  # every plan chunk, by the names the saved state lists
        state = memory.unseal(cache.load_state(config.output_dir, [memory.STATE])[memory.STATE])
        names = [memory.chunk_name(number) for number in state.chunk_ids]
    blobs = cache.load_state(config.output_dir, names)
    assert blobs
    cache.store_state(config.output_dir, [(n, b[:-3] + b"xyz") for n, b in blobs.items()])
    cache.close()
    _edit(config, "2002/3.md", "Second paragraph", "An edited paragraph")
    report = build_site(config)
    _assert_as_full_build(tmp_path, config, report)


def test_session_builds_alternate_fast_and_full_paths(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    session = Session(config, SerialExecutor())
    try:
        session.build()
        _edit(config, "2002/3.md", "Second paragraph", "An edited paragraph")
        session.build(["2002/3.md"])
        _edit(config, "2002/3.md", "Story 2002 3", "Retitled story")
        session.build(["2002/3.md"])
        _edit(config, "2002/4.md", "Second paragraph", "Edited again")
        last = session.build(["2002/4.md"])
    finally:
        session.close()
    _assert_as_full_build(tmp_path, config, last)
    warm = build_site(config)
    assert (warm.rendered, warm.written) == (0, 0)


def test_primed_session_patches_later_edits(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The dev server's case: one Session, many builds with a few changed paths."""
    config = _site(tmp_path / "site")
    session = Session(config, SerialExecutor())
    try:
        first = session.build()
        _edit(config, "2002/3.md", "Second paragraph", "An edited paragraph")
        with monkeypatch.context() as patch:
            _no_full_planning(patch)
            report = session.build(changed={"2002/3.md"})
        assert report.sources_read == 1
        assert "2002/03/13/story-2002-3/index.html" in report.written_paths
        assert 0 < report.rendered < 30
        expected, full = _reference(tmp_path, config)
        assert snapshot(config.output_dir) == expected
        assert _facts(report) == _facts(full) == _facts(first)
        # A second body edit of the same file: the session's index followed the patch.
        _edit(config, "2002/3.md", "An edited paragraph", "A paragraph edited twice")
        with monkeypatch.context() as patch:
            _no_full_planning(patch)
            again = session.build(changed={"2002/3.md"})
        assert 0 < again.rendered < 30
        assert snapshot(config.output_dir) == _reference(tmp_path, config)[0]
        # A shape change (title and slug) takes the full path, still equal to a full build.
        _edit(config, "2002/3.md", "Story 2002 3", "Retitled story")
        retitled = session.build(changed={"2002/3.md"})
        _assert_as_full_build(tmp_path, config, retitled)
        # Nothing changed: nothing rendered or written, without planning.
        with monkeypatch.context() as patch:
            _no_full_planning(patch)
            idle = session.build(changed=set())
        assert (idle.sources_read, idle.rendered, idle.written, idle.removed) == (0, 0, 0, 0)
        assert _facts(idle) == _facts(full)
        # And a body edit after the full path is patched again.
        _edit(config, "2001/4.md", "Second paragraph", "A paragraph edited after the full path")
        with monkeypatch.context() as patch:
            _no_full_planning(patch)
            late = session.build(changed={"2001/4.md"})
        assert 0 < late.rendered < 30
        _assert_as_full_build(tmp_path, config, late)
    finally:
        session.close()
    warm = build_site(config)
    assert (warm.rendered, warm.written) == (0, 0)
    assert build_site(config, full=True).written == 0


def test_state_of_code_with_other_classes_is_a_miss(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Plans and rows are pickled dataclasses: when their fields change (a new
    version), the saved state is not unpickled into them but rebuilt."""
    config = _site(tmp_path / "site")
    build_site(config)
    real = memory.pickled_format
    monkeypatch.setattr(memory, "pickled_format",
                        lambda *classes: (*real(*classes), ("PageSpec", "new_field")))
    planned = _count_plans(monkeypatch)
    report = build_site(config)
    assert len(planned) == 1 and report.written == 0


def test_session_started_on_a_built_site_compares_only_changed_paths(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``serve`` on an archive built before: the first build is answered from the
    saved state, and later builds given their changed paths neither plan the
    archive nor look at the other sources."""
    from newsarchive.incremental import fastpath

    config = _site(tmp_path / "site")
    build_site(config)
    session = Session(config, SerialExecutor())
    try:
        assert session.build().rendered == 0
        _edit(config, "2002/3.md", "Second paragraph", "An edited paragraph")
        with monkeypatch.context() as patch:
            _no_full_planning(patch)
            patch.setattr(fastpath, "survey", lambda *a: pytest.fail("walked the sources"))
            report = session.build(changed={"2002/3.md"})
            assert report.sources_read == 1 and 0 < report.rendered < 30
            _edit(config, "2002/4.md", "Second paragraph", "Another paragraph")
            again = session.build(changed={"2002/4.md"})
            assert again.sources_read == 1
        assert snapshot(config.output_dir) == _reference(tmp_path, config)[0]
        # A new file is not in the saved table: the full path, still equal to a full build.
        (config.source_dir / "2003/new.md").write_text(md("New one", "2003-09-09"), "utf-8")
        added = session.build(changed={"2003/new.md"})
        _assert_as_full_build(tmp_path, config, added)
    finally:
        session.close()


def _saved_state(config: Config) -> bytes | None:
    cache, _ = open_cache(config.cache_dir)
    try:
        return cache.load_state(config.output_dir, [memory.STATE]).get(memory.STATE)
    finally:
        cache.close()


def test_a_session_that_defers_its_save_saves_when_settled(tmp_path: Path) -> None:
    # The dev server's session: the full path writes the pages, and what the next
    # build compares with is saved once the browser was told (settle), or first
    # thing in the next build.
    config = _site(tmp_path / "site")
    session = Session(config, SerialExecutor(), defer_save=True)
    try:
        session.build()
        assert _saved_state(config) is None
        session.settle()
        assert _saved_state(config) is not None
        # A one-shot build beside it is answered from what was saved.
        again = build_site(config)
        assert (again.sources_read, again.rendered, again.written) == (0, 0, 0)
        _edit(config, "2002/3.md", "Second paragraph", "An edited paragraph")
        _edit(config, "2001/1.md", "Story 2001 1", "Retitled story")  # the full path
        session.build(["2002/3.md", "2001/1.md"])
        assert _saved_state(config) is None
    finally:
        session.close()  # settles
    assert _saved_state(config) is not None
    assert build_site(config).sources_read == 0
    assert snapshot(config.output_dir) == _reference(tmp_path, config)[0]


def test_a_write_that_fails_leaves_nothing_to_settle(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    config = _site(tmp_path / "site")
    session = Session(config, SerialExecutor(), defer_save=True)
    try:
        with monkeypatch.context() as patch:
            def fail(*_args: Any) -> list[str]:
                raise OSError(28, "No space left on device")

            # after the pages were rendered, before the output is complete
            patch.setattr(session._writer, "_copy_statics", fail)
            with pytest.raises(OSError):
                session.build()
        session.settle()
        assert _saved_state(config) is None
    finally:
        session.close()
    assert _saved_state(config) is None
    report = build_site(config)
    assert report.sources_read == 0 and report.rendered > 0  # planned and written again
    assert snapshot(config.output_dir) == _reference(tmp_path, config)[0]


def test_a_one_shot_edit_saves_its_state_while_the_search_step_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `newsarchive build` after an edit that takes the full path and renders few
    # pages: what the next build compares with is saved while Pagefind indexes
    # (the search step waits on it), not before; the save still answers the next
    # build, and the site is a full build's.
    from newsarchive.run import search

    config = _site(tmp_path / "site")
    build_site(config)
    searching, saved = threading.Event(), threading.Event()
    seen: list[tuple[str, bool]] = []
    real_save = memory.save

    def save(*args: Any, **kwargs: Any) -> Any:
        seen.append(("save after the search step began", searching.wait(5)))
        try:
            return real_save(*args, **kwargs)
        finally:
            saved.set()

    def search_step(*_args: Any, **_kwargs: Any) -> search.IndexResult:
        searching.set()
        seen.append(("search step saw the save", saved.wait(5)))
        return search.IndexResult("unchanged")

    monkeypatch.setattr(memory, "save", save)
    monkeypatch.setattr(search, "search_step", search_step)
    _edit(config, "2001/1.md", "Story 2001 1", "Retitled story")  # the full path
    report = build_site(config, search=True)
    assert report.search == "unchanged"
    assert sorted(seen) == [("save after the search step began", True),
                            ("search step saw the save", True)]
    monkeypatch.undo()
    assert _saved_state(config) is not None
    again = build_site(config)
    assert (again.sources_read, again.rendered, again.written) == (0, 0, 0)
    assert snapshot(config.output_dir) == _reference(tmp_path, config)[0]


def test_alongside_returns_the_background_result_and_raises_either_failure() -> None:
    from newsarchive.run.executor import alongside

    order: list[str] = []

    def background() -> int:
        order.append("background")
        return 7

    assert alongside(background, lambda: order.append("here")) == 7
    assert sorted(order) == ["background", "here"]

    def fail() -> int:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        alongside(fail, lambda: None)
    finished = threading.Event()
    ended: list[str] = []

    def slow() -> int:
        finished.wait(5)
        time.sleep(0.05)
        ended.append("background")
        return 1

    def broken() -> None:
        finished.set()
        raise ValueError("here first")

    with pytest.raises(ValueError, match="here first"):
        alongside(slow, broken)
    assert ended == ["background"], "the failure is raised once the background ended"
    assert not any(t.name == "newsarchive-alongside" for t in threading.enumerate())
