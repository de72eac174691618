"""The output folder lock: a second build waits, times out naming the holder, and a
lock left by a killed build never blocks."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsarchive.errors import NewsarchiveError
from newsarchive.run.lock import LockTimeout, lock_path_for, output_lock

#: Takes the lock of argv[1], says so, and holds it until a line arrives on stdin.
#: With argv[2] == "orphan" it starts a child that inherits the lock, then kills itself.
HOLDER = """
import os, signal, subprocess, sys
from pathlib import Path
from newsarchive.run.lock import output_lock
with output_lock(Path(sys.argv[1])) as held:
    if sys.argv[2:] == ["orphan"]:
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                                 pass_fds=(held.fd,), stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL)
        print(child.pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    print("locked", flush=True)
    sys.stdin.readline()
"""


@contextlib.contextmanager
def holding(site: Path, *extra: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """A process holding ``site``'s lock, and the first line it printed; told to
    let go (if still running) and waited for on leaving."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(site), *extra],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    try:
        yield proc, proc.stdout.readline().strip()
    finally:
        release(proc)
        proc.stdout.close()


def release(proc: subprocess.Popen[str]) -> None:
    """Tell a holder to let go (if it still runs), and wait for it to end."""
    assert proc.stdin is not None
    with contextlib.suppress(BrokenPipeError, ValueError):  # ended already: closed
        proc.stdin.write("done\n")
        proc.stdin.close()
    proc.wait(timeout=10)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "site"
    folder.mkdir()
    yield folder


def test_lock_file_is_in_the_cache_named_by_the_resolved_output(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "site")
    found = lock_path_for(tmp_path / "site", tmp_path / "cache")
    assert found.parent == (tmp_path / "cache" / "locks").resolve()
    assert found.name.startswith("output-") and found.suffix == ".lock"
    assert lock_path_for(tmp_path / "link", tmp_path / "cache") == found  # one folder, one lock
    assert lock_path_for(tmp_path / "other", tmp_path / "cache") != found
    assert lock_path_for(tmp_path / "site").parent.name == "newsarchive-locks"  # no cache


def test_lock_falls_back_to_the_temp_folder_when_the_cache_cannot_be_made(
        tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    site = tmp_path / "site"
    with output_lock(site, timeout=0, cache_dir=tmp_path / "file" / "cache") as held:
        assert held.path == lock_path_for(site)
    assert not site.exists(), "nothing is written inside (or as) the output"


def test_free_lock_is_taken_at_once_and_records_the_pid(site: Path) -> None:
    said: list[str] = []
    with output_lock(site, timeout=0, on_wait=said.append) as held:
        assert held.path == lock_path_for(site)
        assert held.path.read_text() == f"{os.getpid()}\n"
        assert not any(site.iterdir()), "nothing is written inside the output"
    assert said == []
    assert held.path.read_text() == "", "the pid is cleared on release"
    with output_lock(site, timeout=0) as again:  # and it can be taken again
        assert again.interrupted_pid == 0, "the last holder released it"


def test_second_build_waits_until_the_first_releases(site: Path) -> None:
    said: list[str] = []
    released_at: list[float] = []
    with holding(site) as (proc, line):
        assert line == "locked"

        def let_go() -> None:
            released_at.append(time.monotonic())
            release(proc)

        timer = threading.Timer(0.8, let_go)
        timer.start()
        try:
            with output_lock(site, timeout=20, on_wait=said.append) as held:
                acquired = time.monotonic()
                assert held.path.read_text() == f"{os.getpid()}\n"
        finally:
            timer.cancel()
            timer.join()
    assert released_at and acquired >= released_at[0]
    assert said == [f"waiting for another build of {site.resolve()} to finish "
                    f"(pid {proc.pid})..."]


def test_timeout_raises_naming_the_holder(site: Path) -> None:
    said: list[str] = []
    with holding(site) as (proc, _):
        started = time.monotonic()
        with pytest.raises(LockTimeout) as caught, output_lock(site, timeout=0.6,
                                                               on_wait=said.append):
            pytest.fail("the lock was taken while held")
        assert time.monotonic() - started >= 0.6
    assert isinstance(caught.value, NewsarchiveError)
    assert caught.value.holder == proc.pid
    assert str(caught.value) == (
        f"another build of {site.resolve()} (pid {proc.pid}) still runs after 0.6 s of "
        f"waiting; try again when it is done (lock file {lock_path_for(site)})")
    assert len(said) == 1 and f"(pid {proc.pid})" in said[0]


def test_lock_left_by_a_killed_build_does_not_block(site: Path) -> None:
    with holding(site) as (proc, _):
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert lock_path_for(site).read_text() == f"{proc.pid}\n", "the stale file stays"
    said: list[str] = []
    with output_lock(site, timeout=0, on_wait=said.append) as held:
        assert held.path.read_text() == f"{os.getpid()}\n"
        assert held.interrupted_pid == proc.pid, "the killed build is named"
    assert said == []


def test_a_process_started_by_a_killed_holder_keeps_the_lock(site: Path) -> None:
    # How a Pagefind run left behind by a killed build keeps the next build out.
    with holding(site, "orphan") as (proc, line):
        child = int(line)
        proc.wait(timeout=10)
    try:
        said: list[str] = []
        with pytest.raises(LockTimeout), output_lock(site, timeout=0.6, on_wait=said.append):
            pass
        assert said == [f"waiting for another build of {site.resolve()} to finish (pid "
                        f"{proc.pid} has exited; a process it started still holds the lock)..."]
    finally:
        os.kill(child, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while True:  # the lock is free once the child is gone
        try:
            with output_lock(site, timeout=0):
                break
        except LockTimeout:
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_a_build_that_raised_inside_the_lock_is_named_like_a_killed_one(site: Path) -> None:
    with pytest.raises(OSError, match="No space"), output_lock(site):
        raise OSError(28, "No space left on device")  # a write failed part-way
    with output_lock(site, timeout=0) as held:
        assert held.interrupted_pid == os.getpid()
    with output_lock(site, timeout=0) as held:
        assert held.interrupted_pid == 0, "a build that finished clears its pid"
