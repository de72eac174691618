"""The persistent cache: warm builds do nothing, damage is discarded, concurrency is safe."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from newsarchive.config import Config
from newsarchive.incremental.store import open_cache

from sitekit import build_site, make_site, snapshot, stories

ARTICLES = stories(folders=False)


def _site(root: Path) -> Config:
    return make_site(root, ARTICLES)


def _cache_file(config: Config) -> Path:
    return config.cache_dir / "cache.sqlite3"


def _reference(tmp_path: Path) -> dict[str, bytes]:
    config = _site(tmp_path / "reference")
    build_site(config, use_cache=False)
    return snapshot(config.output_dir)


def test_warm_rebuild_renders_and_writes_nothing(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    first = build_site(config)
    second = build_site(config)
    assert first.written == first.pages
    assert (second.sources_read, second.rendered, second.written, second.removed) == (0, 0, 0, 0)
    assert second.unchanged == second.pages


def test_one_edit_reads_one_file_and_renders_only_its_pages(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    build_site(config)
    path = config.source_dir / "2002-3.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Second", "Changed"),
                    encoding="utf-8")
    report = build_site(config)
    assert report.sources_read == 1
    assert report.written_paths == ("2002/03/13/story-2002-3/index.html", "feed.xml")


def test_same_size_edit_with_old_mtime_is_still_seen(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    path = config.source_dir / "2001-1.md"
    old = path.stat()
    os.utime(path, ns=(old.st_atime_ns - 10**10, old.st_mtime_ns - 10**10))
    build_site(config)
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("item", "ITEM"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    report = build_site(config)
    assert report.sources_read == 1
    assert b"ITEM" in (config.output_dir / "2001/01/11/story-2001-1/index.html").read_bytes()


def _damage_and_rebuild(tmp_path: Path, damage: str) -> None:
    config = _site(tmp_path / "site")
    build_site(config)
    cache = _cache_file(config)
    for suffix in ("-wal", "-shm"):
        Path(f"{cache}{suffix}").unlink(missing_ok=True)
    data = cache.read_bytes()
    if damage == "garbage":
        cache.write_bytes(data[:100] + b"\xde\xad\xbe\xef" * 2048 + data[100 + 8192:])
    elif damage == "truncated":
        cache.write_bytes(data[: len(data) // 3])
    else:
        cache.write_bytes(b"this is not a database" * 50)
    for path in config.output_dir.rglob("*.html"):
        path.write_bytes(b"stale")  # a trusted damaged cache would leave these alone
    report = build_site(config)
    assert any("discarded a damaged cache" in d.message for d in report.warnings)
    assert snapshot(config.output_dir) == _reference(tmp_path)
    assert not any("discarded" in d.message for d in build_site(config).warnings)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign"])
def test_damaged_cache_is_discarded_with_a_warning(tmp_path: Path, damage: str) -> None:
    _damage_and_rebuild(tmp_path, damage)


def test_damaged_row_is_a_miss_never_trusted(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    build_site(config)
    db = sqlite3.connect(_cache_file(config))
    with db:
        db.execute("UPDATE sources SET meta = x'00ff00ff' WHERE path = '2003-2.md'")
    db.close()
    # Nothing changed: the saved build state answers, and needs no row.
    assert build_site(config).sources_read == 0
    assert snapshot(config.output_dir) == _reference(tmp_path)
    # A build that needs the rows reads the damaged one again.
    report = build_site(config, full=True)
    assert report.sources_read == 1
    assert snapshot(config.output_dir) == _reference(tmp_path)


@pytest.mark.parametrize(("column", "was", "now"), [
    ("meta", b"Story 2003 2", b"Story 2003 9"),  # the light result: a title
    ("bodies", b"Paragraph about", b"Paragraph aboot"),  # the article's body
])
def test_bytes_damaged_inside_a_row_are_a_miss(tmp_path: Path, column: str, was: bytes,
                                               now: bytes) -> None:
    """SQLite checks the structure of its pages, not the bytes a row holds: a row whose
    blob still unpickles but was changed fails its seal and is read again."""
    config = _site(tmp_path / "site")
    build_site(config)
    db = sqlite3.connect(_cache_file(config))
    with db:
        (blob,) = db.execute(f"SELECT {column} FROM sources WHERE path = '2003-2.md'").fetchone()
        assert bytes(blob).count(was) == 1
        db.execute(f"UPDATE sources SET {column} = ? WHERE path = '2003-2.md'",
                   (bytes(blob).replace(was, now),))
    db.close()
    report = build_site(config, full=True)
    assert snapshot(config.output_dir) == _reference(tmp_path)
    assert b"Story 2003 9" not in (config.output_dir / "index.html").read_bytes()
    assert report.sources_read == (1 if column == "meta" else 0)


def test_disabled_cache_writes_no_cache_folder(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    build_site(config, use_cache=False)
    assert not config.cache_dir.exists()


def test_open_cache_recreates_another_schema_quietly(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    db = sqlite3.connect(tmp_path / "cache.sqlite3")
    db.execute("PRAGMA user_version = 3")
    db.execute("CREATE TABLE sources(path TEXT)")
    db.commit()
    db.close()
    cache, warning = open_cache(tmp_path)
    assert warning is None
    assert cache.load_sources("x") == {}
    cache.close()


_BUILD_SCRIPT = """
import sys
from pathlib import Path
from newsarchive.run.session import build
from newsarchive.config import load_config
from newsarchive.run.executor import SerialExecutor
root = Path(sys.argv[1])
report = build(load_config(root / "archive.yaml", root), executor=SerialExecutor())
sys.exit(1 if report.errors else 0)
"""


def test_two_builds_at_once_give_correct_output(tmp_path: Path) -> None:
    config = _site(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    processes = [subprocess.Popen([sys.executable, "-c", _BUILD_SCRIPT,
                                   str(tmp_path / "site")], env=env) for _ in range(2)]
    assert [p.wait(timeout=300) for p in processes] == [0, 0]
    assert snapshot(config.output_dir) == _reference(tmp_path)
    warm = build_site(config)
    assert (warm.rendered, warm.written) == (0, 0)
