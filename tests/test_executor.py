"""Executors: the local process pool builds the same bytes as a serial build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from newsarchive.cli import main
from newsarchive.run import jobs
from newsarchive.run.executor import (
    LocalExecutor,
    SerialExecutor,
    WorkerLost,
    make_executor,
    shares_files,
    submit,
    uninterrupted,
)
from newsarchive.run.session import build

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
    build(serial, executor=SerialExecutor(), use_cache=False, search=False)
    pool = LocalExecutor(workers=2)
    try:
        report = build(pooled, executor=pool, search=False)
        assert pool._pool is not None, "the pool was never used"
    finally:
        pool.close()
    assert report.sources_read == 260
    assert snapshot(pooled.output_dir) == snapshot(serial.output_dir)


def test_the_worker_pool_ends_before_the_search_step_and_starts_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsarchive.run import search
    from newsarchive.run.search import IndexResult

    config = make_site(tmp_path / "site", _articles(260))
    pool = LocalExecutor(workers=2)
    starts: list[int] = []
    start = pool._start

    def counted_start() -> Any:
        starts.append(pool._pool is None)
        return start()

    seen: list[bool] = []

    def search_step(*args: object) -> IndexResult:
        seen.append(pool._pool is None)  # no idle worker beside Pagefind
        return IndexResult("unchanged")

    monkeypatch.setattr(pool, "_start", counted_start)
    monkeypatch.setattr(search, "search_step", search_step)
    try:
        build(config, executor=pool, search=True)
        assert seen == [True] and True in starts
        starts.clear()
        report = build(config, executor=pool, search=True, full=True)
        assert seen == [True, True] and starts[0] is True  # a fresh pool rendered
    finally:
        pool.close()
    assert report.rendered > 260


def test_local_executor_keeps_batch_order() -> None:
    pool = LocalExecutor(workers=2)
    try:
        assert pool.map(_square, list(range(40))) == [n * n for n in range(40)]
    finally:
        pool.close()


def _killed(n: int) -> int:
    """Kill the worker running this batch, as the system's out-of-memory killer would."""
    if n == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return n


def test_a_killed_worker_is_worker_lost_and_the_next_map_starts_afresh() -> None:
    pool = LocalExecutor(workers=2)
    try:
        with pytest.raises(WorkerLost, match="killed before it finished"):
            pool.map(_killed, list(range(8)))
        assert pool._pool is None  # the broken pool is gone
        with pytest.raises(WorkerLost):
            submit(pool, _killed, [1, 2, 3, 4])()
        assert pool.map(_square, [2, 3, 4]) == [4, 9, 16]  # a new pool
    finally:
        pool.close()


def _render_and_die(batch: object) -> list[bytes | bool]:
    os.kill(os.getpid(), signal.SIGKILL)
    return []


def test_a_build_whose_worker_is_killed_says_so_without_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = make_site(tmp_path / "site", _articles(260))
    monkeypatch.setattr(jobs, "render_batch", _render_and_die)  # pickled by name: runs here
    status = main(["build", "--config", str(tmp_path / "site" / "archive.yaml"), "--no-search"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith(f"{config.output_dir}: error: a worker process of the build was "
                          "killed before it finished")
    assert "\n  hint: build again: the pages written so far stand" in err
    assert "Traceback" not in err
    monkeypatch.undo()
    assert main(["build", "--config", str(tmp_path / "site" / "archive.yaml"), "--no-search",
                 "--quiet"]) == 0
    assert (config.output_dir / "index.html").is_file()


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


#: Worker code for the orphan test, importable by the workers (written to a file).
_HELPER = """
import os, time
from pathlib import Path
from newsarchive.run.executor import uninterrupted

def hold(job):
    folder, name, seconds = job
    with uninterrupted():
        (Path(folder) / f"{name}.start").touch()
        time.sleep(seconds)
        (Path(folder) / f"{name}.done").touch()
    return os.getpid()
"""

#: A build process stand-in: starts a pool of two workers, then job ``long``
#: holding ``uninterrupted`` for 2 s, prints the pids, and waits to be killed.
_PARENT = """
import multiprocessing.forkserver, sys, time
from newsarchive.run.executor import LocalExecutor
import orphan_helper
pool = LocalExecutor(workers=2)
pool.map(orphan_helper.hold, [(sys.argv[1], "short", 0.0), (sys.argv[1], "short", 0.0)])
pending = pool.submit(orphan_helper.hold, [(sys.argv[1], "long", 2.0), (sys.argv[1], "x", 0.0)])
print(*pool._pool._processes, multiprocessing.forkserver._forkserver._forkserver_pid,
      flush=True)
time.sleep(60)
"""


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (not a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_and_forkserver_end_when_the_parent_is_killed(tmp_path: Path) -> None:
    (tmp_path / "orphan_helper.py").write_text(_HELPER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(tmp_path), *filter(None, [os.environ.get("PYTHONPATH")])])}
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, str(tmp_path)], env=env,
                              stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    *workers, forkserver = (int(pid) for pid in parent.stdout.readline().split())
    parent.stdout.close()
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "long.start").exists():  # inside uninterrupted()
            assert time.monotonic() < deadline, "the long job never started"
            time.sleep(0.01)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while any(_running(pid) for pid in (*workers, forkserver)):
            assert time.monotonic() < deadline, "a worker or the forkserver outlived its parent"
            time.sleep(0.02)
    finally:
        for pid in (parent.pid, *workers, forkserver):
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
        parent.wait()
    assert workers
    # The worker whose parent died inside uninterrupted() finished that block first.
    assert (tmp_path / "long.done").exists()


def test_uninterrupted_is_one_lock_usable_outside_workers() -> None:
    with uninterrupted():
        assert uninterrupted().locked()
    assert not uninterrupted().locked()


def test_the_dev_server_reports_a_killed_worker_and_builds_on(tmp_path: Path) -> None:
    from newsarchive.serve.rebuild import describe_exception

    config = make_site(tmp_path / "site", {"a.md": md("A", "2001-01-01")})
    assert describe_exception(WorkerLost(), config) == [
        f"{config.output_dir}: error: a worker process of the build was killed before it "
        "finished (by the system for lack of memory, or by hand); the next rebuild starts "
        "new workers and finishes the job"]
