"""A build killed with SIGKILL leaves no process behind, and the next build equals a
clean one.  The machinery is ``benchmarks/kill_rebuild.py``'s (run by hand for 20
random rounds); here it runs a few fixed rounds on a smaller corpus."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(),
                                reason="finds a build's processes through /proc")


def _kill_rebuild() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kill_rebuild",
                                                  ROOT / "benchmarks" / "kill_rebuild.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["kill_rebuild"] = module
    spec.loader.exec_module(module)
    return module


KR = _kill_rebuild()


def _end(pids: dict[int, str]) -> None:
    """Kill what a failed test left running (only the processes it started)."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
def test_workers_end_when_the_build_process_is_killed(tmp_path: Path) -> None:
    KR.write_corpus(260, tmp_path / "corpus")  # over the size where the pool is used
    site = KR.site_folder(tmp_path / "site", tmp_path / "corpus")
    token = f"test-{os.getpid()}-{time.monotonic_ns()}"
    proc = KR.start_build(site, token, False)
    try:
        deadline = time.monotonic() + 60
        while KR.count_files(site / "site") < 40:  # rendering has started
            assert proc.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline, "no page was written in 60 s"
            time.sleep(0.01)
        before = KR.marked_processes(token)
        assert proc.poll() is None, "the build ended before it could be killed"
        proc.kill()  # the main process only: its workers are left to notice
        proc.wait()
    finally:
        assert proc.stdout is not None
        proc.stdout.close()
    pool = [cmd for cmd in before.values() if "multiprocessing" in cmd]
    assert any("forkserver" in cmd for cmd in pool), f"no worker pool ran: {before}"
    assert len(pool) >= 3, f"no workers beside the forkserver: {pool}"
    gone_after, left = KR.wait_gone(token, 5.0)
    _end(left)
    assert not left, f"still running {gone_after:.1f} s after the kill: {left}"


@pytest.mark.slow
def test_killed_then_rebuilt_equals_a_clean_build(tmp_path: Path) -> None:
    lines: list[str] = []
    # Halfway through a clean build's time the whole group, at four fifths the
    # main process alone (its workers then end by themselves).
    summary = KR.run_rounds(tmp_path, articles=220, delays=(0.5, 0.8), search=True,
                            log=lines.append)
    assert summary.ok, "\n".join(lines)
    assert summary.line() == "2 rounds: 2 equal, 0 differ; 0 workers survived"


@pytest.mark.slow
def test_killed_while_indexing_then_rebuilt_has_a_current_search_index(
        tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    KR.write_corpus(220, corpus)
    site = KR.site_folder(tmp_path / "crash", corpus)
    status, _, output = KR.run_build(site, "base", True)
    assert status == 0, output
    KR.write_edited(220, corpus)  # a day of edits: bodies, removals, additions
    token = f"test-{os.getpid()}-{time.monotonic_ns()}"
    proc = KR.start_build(site, token, True)
    try:
        deadline = time.monotonic() + 60
        while not any("pagefind" in cmd for cmd in KR.marked_processes(token).values()):
            assert proc.poll() is None, "the build ended before Pagefind ran"
            assert time.monotonic() < deadline, "Pagefind never ran"
            time.sleep(0.01)
        proc.kill()
        proc.wait()
    finally:
        assert proc.stdout is not None
        proc.stdout.close()
    _, left = KR.wait_gone(token, 10.0)
    _end(left)
    status, _, output = KR.run_build(site, "rebuild", True)
    assert status == 0, output
    reference = KR.site_folder(tmp_path / "reference", corpus)
    status, _, output = KR.run_build(reference, "reference", True)
    assert status == 0, output
    assert KR.compare_outputs(reference / "site", site / "site") == []
