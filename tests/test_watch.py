"""Unit tests of the watcher: event filter, debouncer/batcher, rebuilder, real inotify events."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest
from watchdog.events import (
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
    FileSystemEvent,
)

from newsarchive.config import Config, load_config
from newsarchive.errors import OutputError
from newsarchive.run.executor import SerialExecutor
from newsarchive.serve.rebuild import Rebuilder, describe_exception, source_errors
from newsarchive.serve.watch import (
    Batcher,
    ChangeQueue,
    Changes,
    Watcher,
    changes_for_event,
    classify,
    is_editor_temp,
    watch_plan,
)

CONFIG = "source_dir: seeds\noutput_dir: site\ntopics: {enabled: []}\n"


def article(title: str, date: str = "2001-02-03", body: str = "Body text.") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n---\n{body}\n"


def make_site(root: Path, config: str = CONFIG, templates: bool = True) -> Config:
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "a.md").write_text(article("Alpha"), encoding="utf-8")
    (root / "archive.yaml").write_text(config, encoding="utf-8")
    if templates:
        (root / "templates").mkdir()
        (root / "templates" / "article.html").write_text(
            '{% extends "base.html" %}\n{% block main %}<h1>{{ article.title }}</h1>'
            '{% endblock %}\n', encoding="utf-8")
        (root / "static").mkdir()
        (root / "static" / "extra.css").write_text("p {}\n", encoding="utf-8")
    return load_config(root / "archive.yaml", root)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_site(tmp_path)


# -- the event filter ---------------------------------------------------------

@pytest.mark.parametrize("name", [".a.md.swp", ".a.md.swx", "a.md~", ".#a.md", "#a.md#", "4913",
                                  "a.md___jb_tmp___", "a.md.tmp", ".hidden.md", "x.swp"])
def test_editor_temp_files_are_recognised(name: str) -> None:
    assert is_editor_temp(name)


@pytest.mark.parametrize("name", ["a.md", "2001-02-03-story.txt", "style.css", "swap.md"])
def test_real_files_are_not_temp_files(name: str) -> None:
    assert not is_editor_temp(name)


def test_a_source_edit_names_its_relative_path(config: Config) -> None:
    changes = classify(config.source_dir / "2001" / "a.md", config)
    assert changes == Changes(sources=frozenset({"2001/a.md"}))


def test_output_cache_swap_and_editor_files_mean_nothing(config: Config) -> None:
    assert config.templates_dir is not None
    for path in (config.output_dir / "index.html", config.cache_dir / "cache.sqlite3",
                 config.source_dir / ".a.md.swp", config.source_dir / "a.md~",
                 config.source_dir / ".#a.md",
                 config.source_dir / ".git" / "x.md", config.templates_dir / ".base.html.swp",
                 config.source_dir.parent / "README.md"):
        assert not classify(path, config), path
    # Any other file in the source folder is a source: read, or reported as not an article.
    assert classify(config.source_dir / "notes.docx", config) == Changes(
        sources=frozenset({"notes.docx"}))


def test_output_and_cache_inside_the_source_folder_are_ignored(tmp_path: Path) -> None:
    config = make_site(tmp_path, "source_dir: .\noutput_dir: site\ncache_dir: cache\n")
    assert not classify(tmp_path / "site" / "2001" / "index.md", config)
    assert not classify(tmp_path / "cache" / "x.json", config)
    assert classify(tmp_path / "b.md", config) == Changes(sources=frozenset({"b.md"}))


def test_templates_static_and_config_are_sorted_by_kind(config: Config) -> None:
    assert config.templates_dir and config.static_dir and config.config_path
    assert classify(config.templates_dir / "article.html", config) == Changes(templates=True)
    assert classify(config.static_dir / "img" / "a.png", config) == Changes(static=True)
    assert classify(config.config_path, config) == Changes(config=True)


def test_a_move_counts_both_ends_and_reads_count_for_nothing(config: Config) -> None:
    src = str(config.source_dir)
    moved = changes_for_event(FileMovedEvent(f"{src}/a.md", f"{src}/b.md"), config)
    assert moved.sources == {"a.md", "b.md"}
    temp_save = changes_for_event(FileMovedEvent(f"{src}/.a.md.tmp", f"{src}/a.md"), config)
    assert temp_save == Changes(sources=frozenset({"a.md"}))
    ignored: list[FileSystemEvent] = [FileOpenedEvent(f"{src}/a.md"),
                                      FileClosedNoWriteEvent(f"{src}/a.md"), DirModifiedEvent(src)]
    for event in ignored:
        assert not changes_for_event(event, config)
    for event in (FileCreatedEvent(f"{src}/a.md"), FileModifiedEvent(f"{src}/a.md"),
                  FileClosedEvent(f"{src}/a.md"), FileDeletedEvent(f"{src}/a.md")):
        assert changes_for_event(event, config).sources == {"a.md"}


def test_a_source_folder_moved_or_deleted_means_rescan(config: Config) -> None:
    src = str(config.source_dir)
    assert changes_for_event(DirDeletedEvent(f"{src}/2001"), config) == Changes(rescan=True)
    assert changes_for_event(DirMovedEvent(f"{src}/a", f"{src}/b"), config).rescan


def test_the_output_and_cache_folders_are_never_watched(tmp_path: Path) -> None:
    config = make_site(tmp_path, "source_dir: .\noutput_dir: site\ncache_dir: cache\n")
    (tmp_path / "site").mkdir()
    (tmp_path / "cache").mkdir()
    (tmp_path / ".git").mkdir()
    assert watch_plan(config) == [(tmp_path, False), (tmp_path / "seeds", True),
                                  (tmp_path / "static", True), (tmp_path / "templates", True)]
    plain = make_site(tmp_path / "plain")
    assert watch_plan(plain) == [(tmp_path / "plain" / "seeds", True),
                                 (tmp_path / "plain" / "templates", True),
                                 (tmp_path / "plain" / "static", True),
                                 (tmp_path / "plain", False)]


def test_changes_merge_as_a_union() -> None:
    merged = Changes(sources=frozenset({"a.md"})).merge(Changes(frozenset({"b.md"}),
                                                               templates=True))
    assert merged == Changes(frozenset({"a.md", "b.md"}), templates=True)
    assert not Changes()


# -- the debouncer / batcher ----------------------------------------------------

def test_batcher_waits_for_a_quiet_period_and_merges() -> None:
    batcher = Batcher(quiet=0.05, max_wait=1.0)
    assert batcher.due_at() is None
    batcher.add(Changes(frozenset({"a.md"})), now=10.0)
    assert batcher.due_at() == pytest.approx(10.05)
    batcher.add(Changes(frozenset({"b.md"})), now=10.04)  # a burst extends the quiet period
    assert batcher.due_at() == pytest.approx(10.09)
    batcher.add(Changes(), now=10.08)  # empty changes do not extend it
    assert batcher.due_at() == pytest.approx(10.09)
    assert batcher.pop() == Changes(frozenset({"a.md", "b.md"}))
    assert batcher.due_at() is None


def test_batcher_fires_after_max_wait_when_events_never_stop() -> None:
    batcher = Batcher(quiet=0.05, max_wait=0.2)
    for i in range(100):
        batcher.add(Changes(frozenset({f"{i}.md"})), now=5.0 + i * 0.01)
    assert batcher.due_at() == pytest.approx(5.2)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_queue_returns_a_due_batch_and_times_out_when_empty() -> None:
    clock = FakeClock()
    queue = ChangeQueue(quiet=0.05, clock=clock)
    assert queue.get(timeout=0) is None
    queue.put(Changes(frozenset({"a.md"})))
    assert queue.pending()
    assert queue.get(timeout=0) is None  # not quiet yet
    clock.now = 0.05
    assert queue.get(timeout=0) == Changes(frozenset({"a.md"}))
    assert not queue.pending()


def test_a_save_during_a_build_becomes_the_next_batch() -> None:
    queue = ChangeQueue(quiet=0.01)
    queue.put(Changes(frozenset({"a.md"})))
    first = queue.get(timeout=2)
    queue.put(Changes(frozenset({"a.md"})))  # saved again while the first batch builds
    assert first == Changes(frozenset({"a.md"}))
    assert queue.get(timeout=2) == Changes(frozenset({"a.md"}))


def test_close_wakes_a_waiting_consumer() -> None:
    queue = ChangeQueue()
    results: list[Changes | None] = []
    consumer = threading.Thread(target=lambda: results.append(queue.get(timeout=10)))
    consumer.start()
    queue.close()
    consumer.join(timeout=2)
    assert not consumer.is_alive() and results == [None]


def test_real_editor_save_patterns_end_in_one_batch_with_the_real_path(config: Config) -> None:
    queue = ChangeQueue(quiet=0.1)
    watcher = Watcher(config, queue)
    watcher.start()
    try:
        seeds = config.source_dir
        (seeds / ".a.md.swp").write_bytes(b"swap")
        (seeds / "a.md~").write_text(article("Alpha"), encoding="utf-8")
        (seeds / ".a.md.tmp").write_text(article("Alpha 2"), encoding="utf-8")
        os.replace(seeds / ".a.md.tmp", seeds / "a.md")
        (seeds / ".a.md.swp").unlink()
        (config.output_dir / "x").mkdir(parents=True)
        (config.output_dir / "x" / "index.html").write_text("out", encoding="utf-8")
        batch = queue.get(timeout=2)
        assert batch == Changes(frozenset({"a.md"}))
    finally:
        watcher.stop()


# -- the rebuilder ---------------------------------------------------------------

def test_rebuilder_turns_template_errors_into_problems_and_recovers(config: Config) -> None:
    assert config.templates_dir is not None
    rebuilder = Rebuilder(config, executor=SerialExecutor())
    try:
        assert rebuilder.build().problems == ()
        template = config.templates_dir / "article.html"
        good = template.read_text(encoding="utf-8")
        template.write_text(good.replace("{% endblock %}", "{% endblock"), encoding="utf-8")
        failed = rebuilder.build(Changes(templates=True))
        assert failed.report is None
        assert failed.problems[0].startswith("templates/article.html:2: error: ")
        template.write_text(good.replace("<h1>", "<h1 class=x>"), encoding="utf-8")
        fixed = rebuilder.build(Changes(templates=True))
        assert fixed.problems == () and fixed.wrote
        page = config.output_dir / "2001" / "02" / "03" / "alpha" / "index.html"
        assert "<h1 class=x>Alpha</h1>" in page.read_text(encoding="utf-8")
    finally:
        rebuilder.close()


def test_rebuilder_keeps_the_old_config_while_the_new_one_is_broken(config: Config) -> None:
    assert config.config_path is not None
    rebuilder = Rebuilder(config, executor=SerialExecutor())
    try:
        rebuilder.build()
        config.config_path.write_text(CONFIG + "per_page: many\n", encoding="utf-8")
        broken = rebuilder.build(Changes(config=True))
        assert broken.problems == (f"{config.config_path}:4: error: 'per_page' must be a int",)
        assert broken.config is config
        config.config_path.write_text(CONFIG + "title: Renamed\n", encoding="utf-8")
        fixed = rebuilder.build(Changes(config=True))
        assert fixed.problems == () and fixed.config.title == "Renamed"
        assert "Renamed" in (config.output_dir / "index.html").read_text(encoding="utf-8")
    finally:
        rebuilder.close()


def test_rebuilder_keeps_command_line_overrides_across_a_config_reload(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    override = dataclasses.replace(config, output_dir=tmp_path / "elsewhere")
    rebuilder = Rebuilder(override, executor=SerialExecutor())
    try:
        rebuilder.build()
        assert config.config_path is not None
        config.config_path.write_text(CONFIG + "title: Again\n", encoding="utf-8")
        outcome = rebuilder.build(Changes(config=True))
        assert outcome.config.output_dir == tmp_path / "elsewhere"
        assert outcome.config.title == "Again"
    finally:
        rebuilder.close()


# -- the rebuilder: a source saved broken keeps its last good page ------------------

BROKEN = "---\ntitle: [unclosed\ndate: 2001-02-03\n---\nbody\n"
ALPHA_PAGE = Path("2001") / "02" / "03" / "alpha" / "index.html"
FIXED_PAGE = Path("2001") / "02" / "03" / "alpha-fixed" / "index.html"


def test_rebuilder_holds_a_source_that_breaks_and_releases_it_when_fixed(
        config: Config) -> None:
    rebuilder = Rebuilder(config, executor=SerialExecutor())
    source = config.source_dir / "a.md"
    try:
        rebuilder.build()
        page = (config.output_dir / ALPHA_PAGE).read_bytes()
        source.write_text(BROKEN, encoding="utf-8")
        held = rebuilder.build(Changes(frozenset({"a.md"})))
        assert held.held == ("a.md",) and not held.wrote
        assert held.problems == ("a.md:3:5: error: invalid YAML front matter: while parsing a "
                                 "flow sequence: did not find expected ',' or ']'\n  hint: "
                                 "check indentation and quoting; a value with ': ' or '#' "
                                 "needs quotes",)
        assert (config.output_dir / ALPHA_PAGE).read_bytes() == page
        source.write_text(article("Alpha Fixed"), encoding="utf-8")
        fixed = rebuilder.build(Changes(frozenset({"a.md"})))
        assert fixed.held == () and fixed.problems == () and fixed.wrote
        assert "<h1>Alpha Fixed</h1>" in (config.output_dir / FIXED_PAGE).read_text("utf-8")
        assert not (config.output_dir / ALPHA_PAGE).exists()
    finally:
        rebuilder.close()


@contextlib.contextmanager
def held_alpha(config: Config) -> Iterator[tuple[Rebuilder, Path]]:
    """A rebuilder that built ``a.md`` and was then told it was saved broken
    (so it holds it), and the source's path; closed on leaving."""
    rebuilder = Rebuilder(config, executor=SerialExecutor())
    source = config.source_dir / "a.md"
    try:
        rebuilder.build()
        source.write_text(BROKEN, encoding="utf-8")
        assert rebuilder.build(Changes(frozenset({"a.md"}))).held == ("a.md",)
        yield rebuilder, source
    finally:
        rebuilder.close()


def test_rebuilder_reads_a_held_source_again_before_every_build(config: Config) -> None:
    assert config.templates_dir is not None
    with held_alpha(config) as (rebuilder, source):
        assert rebuilder.build(Changes(static=True)).held == ("a.md",)  # still broken
        source.write_text(article("Alpha Fixed"), encoding="utf-8")
        fixed = rebuilder.build(Changes(static=True))  # its own event was missed
        assert fixed.held == () and fixed.problems == ()
        assert "<h1>Alpha Fixed</h1>" in (config.output_dir / FIXED_PAGE).read_text("utf-8")


def test_rebuilder_removes_the_page_of_a_held_source_that_was_deleted(config: Config) -> None:
    with held_alpha(config) as (rebuilder, source):
        source.unlink()
        deleted = rebuilder.build(Changes(frozenset({"a.md"})))
        assert deleted.held == () and deleted.problems == ()
        assert ALPHA_PAGE.as_posix() in deleted.report.removed_paths  # type: ignore[union-attr]
        assert not (config.output_dir / ALPHA_PAGE).exists()


def test_rebuilder_never_holds_a_source_that_had_errors_already(config: Config) -> None:
    source = config.source_dir / "a.md"
    source.write_text(BROKEN, encoding="utf-8")
    rebuilder = Rebuilder(config, executor=SerialExecutor())
    try:
        assert rebuilder.build().problems[0].startswith("a.md:3:5: error: ")
        source.write_text(BROKEN.replace("[unclosed", "{unclosed"), encoding="utf-8")
        again = rebuilder.build(Changes(frozenset({"a.md"})))
        assert again.held == ()
        assert len(again.problems) == 1 and "flow mapping" in again.problems[0]
    finally:
        rebuilder.close()


def test_a_full_rediscovery_keeps_a_held_source(config: Config) -> None:
    with held_alpha(config) as (rebuilder, _):
        page = (config.output_dir / ALPHA_PAGE).read_bytes()
        rescan = rebuilder.build(Changes(rescan=True))  # the session rediscovers every file
        assert rescan.held == ("a.md",) and len(rescan.problems) == 1
        assert (config.output_dir / ALPHA_PAGE).read_bytes() == page


def test_a_link_out_of_the_source_folder_is_never_read_to_be_held(config: Config,
                                                                  tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(BROKEN, encoding="utf-8")
    (config.source_dir / "link.md").symlink_to(outside)
    assert source_errors(config, "link.md") is None
    assert source_errors(config, "gone.md") is None
    assert source_errors(config, "a.md") == ()


def test_exception_lines_escape_hostile_names_and_messages(config: Config) -> None:
    assert config.templates_dir is not None
    bad = jinja2.TemplateSyntaxError("unexpected '}'", 3, "x\ny.html",
                                     str(config.templates_dir / "x\ny.html"))
    assert describe_exception(bad, config) == [
        "\"templates/x\\ny.html\":3: error: unexpected '}'"]
    assert describe_exception(OutputError("a\nb.md:1:1: error: forged"), config) == [
        f"{config.output_dir}: error: a\\nb.md:1:1: error: forged"]
    assert describe_exception(ValueError("\x1b[31mred\nline"), config) == [
        "error: ValueError: \\x1b[31mred\\nline"]
