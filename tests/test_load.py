"""The load stage (``run/load.py``) as a build sees it: fresh rows are saved in the
cache while loading, so planning holds no bodies; the values light entries
repeat are shared; the saved duplicate identities count every article."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from newsarchive.config import Config
from newsarchive.incremental import memory
from newsarchive.incremental.store import open_cache
from newsarchive.run import session as session_module
from newsarchive.run.executor import SerialExecutor
from newsarchive.run.session import Session

from sitekit import make_site, stories

ARTICLES = stories((2001, 2002), 5)
ARTICLES["copy.md"] = ARTICLES["2001/1.md"]  # a duplicate
ARTICLES["broken.md"] = "---\ntitle: [unclosed\n---\nBody.\n"  # skipped with an error


def _site(root: Path) -> Config:
    return make_site(root, ARTICLES)


def test_bodies_wait_in_the_cache_during_planning_and_identities_count_every_article(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fresh sources are saved before planning (their bodies are not held in
    memory while the pages are planned and rendered), and the saved identities,
    counted from the sources when the state is saved, count every article,
    the duplicate included."""
    config = _site(tmp_path / "site")
    during: list[tuple[int, int, int]] = []
    plan_all = session_module.plan_all

    def planning(config: Config, sources: Any, *memory: Any) -> Any:
        cache, _ = open_cache(config.cache_dir)
        bodies = cache.load_bodies({p: r.digest for p, r in sources.rows.items()})
        cache.close()
        during.append((len(sources.pending), len(bodies), len(sources.rows)))
        return plan_all(config, sources, *memory)

    monkeypatch.setattr(session_module, "plan_all", planning)
    session = Session(config, SerialExecutor())
    try:
        session.build()
        rows = session._last.sources.rows
        expected = Counter(i for row in rows.values() for e in row.loaded[1]
                           for i in memory.identities(e))
    finally:
        session.close()
    readable = len(rows)
    assert during == [(0, readable, readable)]
    cache, _ = open_cache(config.cache_dir)
    saved: dict[int, int] = {}
    for blob in cache.load_state(config.output_dir, [
            f"identities:{n}" for n in range(memory.SHARDS)]).values():
        saved.update(memory.unseal(blob))
    cache.close()
    assert saved == dict(expected)
    assert sorted(set(saved.values())) == [1, 2]  # copy.md repeats 2001/1.md


def test_light_entries_share_the_values_they_repeat(tmp_path: Path) -> None:
    """Two articles of one source and topic hold one object for each (values equal
    to what was read), whether read now or loaded from the cache."""
    config = _site(tmp_path / "site")
    for _ in range(2):  # read, then primed from the cache by a new session
        session = Session(config, SerialExecutor())
        try:
            session.build(full=True)
            rows = session._last.sources.rows
        finally:
            session.close()
        first = rows["2001/1.md"].loaded[1][0]
        second = rows["2002/2.md"].loaded[1][0]
        assert first.article.source == second.article.source == "Daily"
        assert first.article.source is second.article.source
        assert first.terms["topics"][0] == second.terms["topics"][0] == "Alpha"
        assert first.terms["topics"][0] is second.terms["topics"][0]
        assert first.article.terms["topics"] is first.terms["topics"]


def test_sharing_values_changes_no_value(tmp_path: Path) -> None:
    """Every entry equals the one unpickled without sharing, field for field; the
    repeated tuples and names are one object each."""
    import pickle

    from newsarchive.run import jobs
    from newsarchive.run.load import share_values

    config = _site(tmp_path / "site")
    blobs = [pickle.dumps(jobs.load_one(config, name, (config.source_dir / name).read_bytes())[0])
             for name in ("2001/1.md", "2002/4.md", "2002/1.md")]
    shared: dict[Any, Any] = {}
    loaded = [share_values(pickle.loads(blob), shared) for blob in blobs]
    assert loaded == [pickle.loads(blob) for blob in blobs]
    first, second, third = (result[1][0] for result in loaded)
    assert first.terms["topics"] is third.terms["topics"]  # [Alpha, Beta1] both
    assert first.terms["topics"][0] is second.terms["topics"][0]
    assert first.article.terms["topics"] is first.terms["topics"]
    assert (first.lang, first.direction, first.article.source) == ("en", "ltr", "Daily")
    assert first.direction is second.direction and first.article.source is third.article.source


def test_an_entry_keeps_its_key_through_pickling_and_replace() -> None:
    """``Entry.key`` is a field made from the article (path, then ``#record``), made
    again when the entry is unpickled or replaced, never pickled itself; a class
    pickled by its constructor may have such a field only with a ``__post_init__``."""
    import dataclasses
    import pickle

    from newsarchive.model import Article, Entry
    from newsarchive.pickling import by_constructor

    entry = Entry(Article("feeds/wire.jsonl", "T", "Body.", record="7"), "t", "t/", "", "",
                  {}, "d")
    assert entry.key == "feeds/wire.jsonl#7"
    assert "feeds/wire.jsonl#7" not in repr(entry.__reduce__()[1])
    again = pickle.loads(pickle.dumps(entry))
    assert again == entry and again.key == entry.key
    moved = dataclasses.replace(entry, article=Article("a.md", "T", "Body."))
    assert moved.key == "a.md"

    @dataclasses.dataclass(frozen=True, slots=True)
    class Derived:
        first: str
        second: str
        both: str = dataclasses.field(init=False)

    with pytest.raises(TypeError, match="__post_init__"):
        by_constructor(Derived)


def _saved_state_count(config: Config) -> int:
    cache, _ = open_cache(config.cache_dir)
    try:
        return len(cache.load_state(config.output_dir, [memory.STATE]))
    finally:
        cache.close()


def _indexes_alive() -> int:
    """How many source indexes holding rows are alive (those a build keeps from the
    collector too: see ``run/heap.held_apart``)."""
    import gc

    from newsarchive.run.load import SourceIndex

    frozen = gc.get_freeze_count()
    gc.unfreeze()
    gc.collect()
    alive = sum(1 for obj in gc.get_objects() if isinstance(obj, SourceIndex) and obj.rows)
    if frozen:
        gc.freeze()
    return alive


def test_a_one_shot_build_drops_what_it_remembers_before_the_search_step(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``build()`` runs once: its light entries, saved plan and manifest are gone when
    Pagefind starts (they would count beside it); a session that builds again keeps them,
    and so does a one-shot build of few pages (an edit), which saves its state beside
    the search step."""
    import gc

    from newsarchive.run import search
    from newsarchive.run.search import IndexResult

    alive: list[int] = []
    held: list[bool] = []  # the build's objects kept from the collector meanwhile

    def search_step(*args: object) -> IndexResult:
        held.append(gc.get_freeze_count() > 0)
        alive.append(_indexes_alive())
        return IndexResult("unchanged")

    monkeypatch.setattr(search, "search_step", search_step)
    config = _site(tmp_path / "site")
    with monkeypatch.context() as patch:  # as large as a cold build of an archive
        patch.setattr(session_module, "_SAVE_BESIDE_SEARCH", 0)
        report = session_module.build(config, executor=SerialExecutor(), search=True)
    assert report.articles == 10 and alive == [0]
    path = config.source_dir / "2001/2.md"  # other terms: the full path, a few pages
    path.write_text(path.read_text(encoding="utf-8").replace(
        "topics: [Alpha, Beta2]", "topics: [Alpha, Gamma]"), encoding="utf-8")
    assert session_module.build(config, executor=SerialExecutor(), search=True).written > 0
    assert alive == [0, 1] and held == [False, True]
    assert _saved_state_count(config) == 1, "saved all the same"
    assert gc.get_freeze_count() == 0, "given back to the collector when the build ends"
    alive.clear()
    session = Session(make_site(tmp_path / "kept", ARTICLES), SerialExecutor())
    try:
        session.build(search=True)
        assert alive == [1], "a session that builds again keeps its index"
    finally:
        session.close()
