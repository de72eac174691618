"""A one-shot build that plans the archive again after an edit updates what the
last build saved (``memory.Update``) instead of writing it all anew: it recounts
only the identities of the files that changed.  What it leaves in the cache must
equal what a build from scratch saves, blob for blob."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newsarchive.config import Config
from newsarchive.incremental import memory
from newsarchive.incremental.store import Cache

from sitekit import build_site, make_site, md, stories

ARTICLES = stories()
ARTICLES["undated.md"] = md("No date here", None, "Undated body.")
ARTICLES["copy.md"] = ARTICLES["2001/1.md"]  # a duplicate: its identities count twice


def _saved(config: Config) -> dict[str, Any]:
    """Every blob the cache holds for the output folder, unsealed."""
    db = sqlite3.connect(config.cache_dir / "cache.sqlite3")
    try:
        rows = db.execute("SELECT name, value FROM state WHERE output_dir = ?",
                          (str(config.output_dir),)).fetchall()
    finally:
        db.close()
    return {name: memory.unseal(bytes(value)) for name, value in rows}


def _from_scratch(config: Config) -> dict[str, Any]:
    """What a build of the same sources saves with an empty cache."""
    shutil.rmtree(config.cache_dir)
    build_site(config)
    return _saved(config)


def _keywords(source: Path) -> None:  # "paragraph" no longer repeats: the plan is made again
    path = source / "2003/5.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Paragraph about", "Notes on"),
                    encoding="utf-8")


def _files(source: Path) -> None:  # a year gone, fewer pages: a plan chunk is left over
    for year in ("2001", "2002"):
        shutil.rmtree(source / year)
    (source / "copy.md").unlink()
    (source / "2004.md").write_text(md("New one", "2004-01-01", "Fresh words."),
                                    encoding="utf-8")


def _duplicate(source: Path) -> None:  # a new duplicate: an identity counted twice
    (source / "again.md").write_text(ARTICLES["2002/4.md"], encoding="utf-8")


@pytest.mark.parametrize("edit", [_keywords, _files, _duplicate])
def test_a_plan_made_again_recounts_only_what_changed_and_saves_what_a_fresh_build_saves(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: Callable[[Path], None]) -> None:
    config = make_site(tmp_path / "site", ARTICLES)
    build_site(config)
    before = _saved(config)
    edit(config.source_dir)
    counted: list[int] = []
    every = memory.identity_shards

    def spy(rows: Any) -> Any:
        counted.append(len(rows))
        return every(rows)

    monkeypatch.setattr(memory, "identity_shards", spy)
    build_site(config)
    assert counted == []  # recounted from the files that changed
    updated = _saved(config)
    assert updated != before
    monkeypatch.undo()
    assert updated == _from_scratch(config)


def test_a_damaged_identity_shard_is_counted_again(tmp_path: Path) -> None:
    config = make_site(tmp_path / "site", ARTICLES)
    build_site(config)
    _keywords(config.source_dir)
    db = sqlite3.connect(config.cache_dir / "cache.sqlite3")
    try:  # every shard damaged: whichever the edit touches is
        with db:
            db.execute("UPDATE state SET value = X'00' WHERE name LIKE 'identities:%'")
    finally:
        db.close()
    build_site(config)
    assert _saved(config) == _from_scratch(config)


def _terms(source: Path) -> None:  # a story changes its topics: term pages come and go
    path = source / "2002/4.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Beta1]", "Gamma]"),
                    encoding="utf-8")


def _added(source: Path) -> None:  # a story more: its pages are planned among the others
    (source / "1999/extra.md").write_text(md("Extra story", "1999-06-15T10:00:00Z",
                                             "Paragraph about *item* 3."), encoding="utf-8")


def _offered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the names of the blobs each save offers the cache."""
    names: list[str] = []
    store = Cache.store_state

    def spy(self: Cache, output_dir: Path, blobs: Any, *args: Any, **kwargs: Any) -> None:
        def listed() -> Any:
            for name, value in blobs:
                names.append(name)
                yield name, value
        store(self, output_dir, listed(), *args, **kwargs)

    monkeypatch.setattr(Cache, "store_state", spy)
    return names


@pytest.mark.parametrize("edit", [_terms, _keywords, _added])
def test_a_save_keeps_the_chunks_whose_key_is_unchanged_and_patches_their_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: Callable[[Path], None]) -> None:
    monkeypatch.setattr(memory, "CHUNK", 2)  # many chunks, few of them changed
    config = make_site(tmp_path / "site", stories(years=tuple(range(1995, 2004))))
    build_site(config)
    chunks = sum(name.startswith("plan:") for name in _saved(config))
    edit(config.source_dir)
    offered = _offered(monkeypatch)
    build_site(config)
    written = [name for name in offered if name.startswith("plan:")]
    shards = [name for name in offered if name.startswith("deps:")]
    assert 0 < len(written) < chunks / 4, "only the chunks that changed are pickled"
    assert len(shards) < memory.SHARDS / 8, "only the index shards of entries that moved"
    assert _saved(config) == _from_scratch(config)


def _kept_shape(source: Path) -> None:  # same shape: a patch is tried first
    path = source / "2003/5.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Second paragraph",
                                                            "Second short paragraph"),
                    encoding="utf-8")


@pytest.mark.parametrize("edit", [_kept_shape, _terms])
def test_lost_chunks_are_written_again_by_the_next_save(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: Callable[[Path], None]) -> None:
    monkeypatch.setattr(memory, "CHUNK", 2)
    config = make_site(tmp_path / "site", stories(years=tuple(range(1995, 2004))))
    build_site(config)
    db = sqlite3.connect(config.cache_dir / "cache.sqlite3")
    try:
        with db:
            assert db.execute("DELETE FROM state WHERE name LIKE 'plan:%'").rowcount > 0
    finally:
        db.close()
    edit(config.source_dir)
    build_site(config)
    assert _saved(config) == _from_scratch(config)
