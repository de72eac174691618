"""Executors: the local process pool builds the same bytes as a serial build."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.builder import build
from newsarchive.executor import (
    LocalExecutor,
    SerialExecutor,
    make_executor,
    shares_files,
    submit,
)

from sitekit import make_site, md, snapshot


def _square(n: int) -> int:
    return n * n


def _articles(count: int) -> dict[str, str]:
    return {f"a/{i:04d}.md": md(f"Article number {i}", f"20{i % 20:02d}-{i % 12 + 1:02d}-"
                                f"{i % 27 + 1:02d}T08:00:00Z",
                                f"Body of {i} with *emphasis*.\n\nMore text {i % 7}.",
                                topics=f"[Topic{i % 9}, Shared]", source=f"Source{i % 4}")
            for i in range(count)}


def test_local_pool_build_equals_serial_build_byte_for_byte(tmp_path: Path) -> None:
    articles = _articles(260)  # above the size where the builder uses the pool
    serial = make_site(tmp_path / "serial", articles)
    pooled = make_site(tmp_path / "pooled", articles)
    build(serial, executor=SerialExecutor(), use_cache=False)
    pool = LocalExecutor(workers=2)
    try:
        report = build(pooled, executor=pool)
        assert pool._pool is not None, "the pool was never used"
    finally:
        pool.close()
    assert report.sources_read == 260
    assert snapshot(pooled.output_dir) == snapshot(serial.output_dir)


def test_local_executor_keeps_batch_order() -> None:
    pool = LocalExecutor(workers=2)
    try:
        assert pool.map(_square, list(range(40))) == [n * n for n in range(40)]
    finally:
        pool.close()


def test_submit_starts_work_and_keeps_order() -> None:
    pool = LocalExecutor(workers=2)
    try:
        first = submit(pool, _square, list(range(30)))
        second = submit(pool, _square, list(range(30, 50)))
        assert second() == [n * n for n in range(30, 50)]
        assert first() == [n * n for n in range(30)]
    finally:
        pool.close()
    deferred = submit(SerialExecutor(), _square, [3, 4])  # no submit: a deferred map
    assert deferred() == [9, 16]


def test_make_executor_specs() -> None:
    assert isinstance(make_executor(None), LocalExecutor)
    assert isinstance(make_executor("local"), LocalExecutor)
    assert isinstance(make_executor("serial"), SerialExecutor)
    assert shares_files(SerialExecutor()) and shares_files(LocalExecutor())
    with pytest.raises(ValueError, match="unknown executor 'ssh://x'"):
        make_executor("ssh://x")
    with pytest.raises(ValueError, match="needs an address"):
        make_executor("dask://")
