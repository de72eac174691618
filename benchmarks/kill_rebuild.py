"""``kill -9`` a build at random points, build again, and check the output equals a clean build.

A build killed at any moment (while loading, rendering, saving the cache,
indexing for search) must leave nothing that makes the next, normal build
differ from a clean one, and must leave no process behind.  This script:

1. writes a corpus (``generate_corpus.write_corpus``) and builds it cleanly
   into ``WORK/reference/site`` (its own cache folder), then once more into
   ``WORK/crash/site``: the two must be equal (the control: else no
   comparison below means anything), and the second (warm) one's duration
   is the unit of the kill delays;
2. then, each round, starts a build of the same corpus into an emptied
   ``WORK/crash/site`` (with an emptied cache), kills it with SIGKILL after a
   random delay (seeded; a uniform fraction of the clean build's duration),
   either its whole process group or the main process alone (alternately),
   checks that every process it started ends by itself within a few
   seconds, builds again normally and compares the two output folders file
   by file, both ways.

With ``--incremental`` each round starts instead from a complete build of the
corpus (output and cache) after which a tenth of the articles were edited,
one in 37 removed and a twentieth added: the build killed is an incremental
one, and the control is the same build uninterrupted (so it checks too that
an incremental build equals a clean one).

Every file (hidden ones, the search bundle) and folder is compared byte for
byte.  Only when the two clean builds' Pagefind bundles differ (Pagefind
run directly names its filter and metadata files after hashes that vary from
run to run, and even writes a varying number of filter files) are those
names compared with the hash masked and their contents skipped, as is the
hash in ``pagefind-entry.json``; the index and fragment files (the
searchable text) are still compared byte for byte.  The first line printed
says which comparison is used.

Each build runs with a marker in its environment, inherited by every process
it starts (forkserver, workers, resource tracker, Pagefind); a survivor is a
process carrying the marker (read from ``/proc/*/environ``, so Linux only)
still alive ``--grace`` seconds after the kill.

Prints one line per round and the summary ``20 rounds: 20 equal, 0 differ;
0 workers survived``; exits 1 on any difference, survivor or failed rebuild, 2
when the clean builds fail or differ.

Usage::

    python benchmarks/kill_rebuild.py [--rounds 20] [--articles 400] [--seed 1]
        [--no-search] [--incremental] [--work DIR] [--keep-killed]

``tests/test_crash.py`` runs :func:`run_rounds` for a few rounds with fixed delays.
The script runs the ``newsarchive`` its Python imports (set ``PYTHONPATH`` to
test another tree).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_corpus import edit_record, file_name, records, render_md, write_corpus

__all__ = ["MARKER", "Round", "Summary", "compare_outputs", "count_files", "marked_processes",
           "run_build", "run_rounds", "site_folder", "start_build", "wait_gone", "write_corpus",
           "write_edited"]

#: Environment variable every process of a build under test carries.
MARKER = "NEWSARCHIVE_KILL_REBUILD"
#: Pagefind's run-dependent hash in its metadata file's name and in its entry file.
_META_HASH = re.compile(r"(?<=_)[0-9a-f]{7,}(?=\.pf_meta$)")
_ENTRY_HASH = re.compile(rb'(?<="hash":")[^"]*')


@dataclass(frozen=True, slots=True)
class Round:
    """What one round did and found.

    ``mode`` is ``group`` (the whole process group killed) or ``main`` (the
    main process only); ``files`` counts the files in the output when it was
    killed; ``finished`` is true when the build ended before the kill;
    ``gone_after`` is how long the last process of the build outlived the
    kill; ``survivors`` are ``"pid cmdline"`` of those still alive after the
    grace period (``worker_survivors`` of them pool processes).
    """

    number: int
    mode: str
    delay: float
    finished: bool
    files: int
    gone_after: float
    survivors: tuple[str, ...]
    worker_survivors: int
    rebuild_status: int
    rebuild_seconds: float
    differences: tuple[str, ...]

    @property
    def equal(self) -> bool:
        """Whether the rebuilt output equals the clean one (and the rebuild succeeded)."""
        return not self.differences and self.rebuild_status == 0

    def line(self) -> str:
        """The one line printed for this round."""
        when = ("finished before the kill" if self.finished else
                f"killed {self.mode:<5} at {self.delay:5.2f} s ({self.files} files written)")
        verdict = "equal" if self.equal else (
            f"DIFFER ({len(self.differences)}: {', '.join(self.differences[:5])}"
            f"{', ...' if len(self.differences) > 5 else ''})"
            if self.differences else f"REBUILD FAILED (exit {self.rebuild_status})")
        left = (f"; SURVIVORS: {'; '.join(self.survivors)}" if self.survivors
                else f"; all processes gone after {self.gone_after:.2f} s")
        return (f"round {self.number:2d}: {when}, rebuilt in {self.rebuild_seconds:.1f} s: "
                f"{verdict}{left}")


@dataclass(frozen=True, slots=True)
class Summary:
    """Every round, and the clean build's duration the delays were drawn from."""

    rounds: tuple[Round, ...]
    reference_seconds: float

    @property
    def ok(self) -> bool:
        """No difference, no survivor, no failed rebuild."""
        return all(r.equal and not r.survivors for r in self.rounds)

    def line(self) -> str:
        """``20 rounds: 20 equal, 0 differ; 0 workers survived`` (other survivors too)."""
        equal = sum(r.equal for r in self.rounds)
        workers = sum(r.worker_survivors for r in self.rounds)
        others = sum(len(r.survivors) for r in self.rounds) - workers
        text = (f"{len(self.rounds)} rounds: {equal} equal, {len(self.rounds) - equal} differ; "
                f"{workers} workers survived")
        return text + (f", {others} other processes survived" if others else "")


def start_build(site: Path, token: str, search: bool) -> subprocess.Popen[bytes]:
    """Start ``newsarchive build`` of ``site/archive.yaml`` in a new session (its own
    process group), with ``MARKER=token`` in its environment."""
    command = [sys.executable, "-m", "newsarchive.cli", "build", "--config",
               str(site / "archive.yaml"), "--quiet"]
    if not search:
        command.append("--no-search")
    return subprocess.Popen(command, cwd=site, env={**os.environ, MARKER: token},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)


def marked_processes(token: str) -> dict[int, str]:
    """``pid -> command line`` of every live process whose environment holds
    ``MARKER=token`` (zombies, whose environment is gone, are not listed)."""
    needle = f"{MARKER}={token}".encode()
    found: dict[int, str] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as handle:
                environ = handle.read()
            with open(f"/proc/{entry.name}/cmdline", "rb") as handle:
                cmdline = handle.read()
        except OSError:  # gone meanwhile, or not ours
            continue
        if needle in environ.split(b"\0"):
            found[int(entry.name)] = cmdline.replace(b"\0", b" ").decode(errors="replace")
    return found


def _files(folder: Path) -> dict[str, Path]:
    """Every file and folder below ``folder`` by relative posix path (folders end in /)."""
    found: dict[str, Path] = {}
    for root, dirs, names in os.walk(folder):
        base = Path(root)
        for name in dirs:
            found[(base / name).relative_to(folder).as_posix() + "/"] = base / name
        for name in names:
            found[(base / name).relative_to(folder).as_posix()] = base / name
    return found


def _masked(path: str) -> str:
    """``path`` with Pagefind's run-dependent hashes masked (other paths unchanged)."""
    if path.startswith("pagefind/filter/"):
        return "pagefind/filter/*"
    if path.startswith("pagefind/pagefind.") and path.count("/") == 1:
        return _META_HASH.sub("*", path)
    return path


def _content_compared(masked: str) -> bool:
    return "*" not in masked


def compare_outputs(reference: Path, rebuilt: Path, mask_pagefind: bool = False) -> list[str]:
    """Differences between two output folders: ``+path`` only in ``rebuilt``,
    ``-path`` only in ``reference``, ``~path`` in both with other bytes
    (folders end in ``/``).

    With ``mask_pagefind`` Pagefind's run-dependent names are compared masked
    (see the module docstring).
    """
    ours, theirs = _files(reference), _files(rebuilt)
    mask = _masked if mask_pagefind else str
    left = {mask(p): f for p, f in ours.items()}
    right = {mask(p): f for p, f in theirs.items()}
    differences = [f"-{p}" for p in sorted(left.keys() - right.keys())]
    differences += [f"+{p}" for p in sorted(right.keys() - left.keys())]
    for path in sorted(left.keys() & right.keys()):
        if path.endswith("/") or not _content_compared(path):
            continue
        a, b = left[path].read_bytes(), right[path].read_bytes()
        if mask_pagefind and path == "pagefind/pagefind-entry.json":
            a, b = _ENTRY_HASH.sub(b"*", a), _ENTRY_HASH.sub(b"*", b)
        if a != b:
            differences.append(f"~{path}")
    return differences


def site_folder(folder: Path, corpus: Path) -> Path:
    """An emptied site folder: ``archive.yaml`` naming ``corpus``, ``site/`` and ``cache/``."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "archive.yaml").write_text(
        f"source_dir: {corpus}\noutput_dir: site\ncache_dir: cache\n"
        "base_url: https://example.org/archive/\n", encoding="utf-8")
    return folder


def run_build(site: Path, token: str, search: bool) -> tuple[int, float, str]:
    """Build to the end: exit status, seconds, output."""
    started = time.monotonic()
    proc = start_build(site, token, search)
    output, _ = proc.communicate()
    return proc.returncode, time.monotonic() - started, output.decode(errors="replace")


def _kill(proc: subprocess.Popen[bytes], mode: str) -> None:
    try:
        if mode == "group":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except ProcessLookupError:
        pass


def count_files(folder: Path) -> int:
    """How many files are below ``folder`` (0 when it does not exist)."""
    return sum(len(names) for _, _, names in os.walk(folder))


def wait_gone(token: str, grace: float) -> tuple[float, dict[int, str]]:
    """Seconds until no marked process is left (or ``grace``), and those left."""
    started = time.monotonic()
    while True:
        left = marked_processes(token)
        waited = time.monotonic() - started
        if not left or waited >= grace:
            return waited, left
        time.sleep(0.02)


def write_edited(n: int, out_dir: Path) -> int:
    """The corpus of :func:`write_corpus` after a day of edits (``out_dir`` emptied
    first): every tenth article edited (``edit_record``), one in 37 removed and
    ``n // 20`` new ones; returns the count."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    count = 0
    for record in records(n + n // 20):
        if record.number % 37 == 5:
            continue
        if record.number % 10 == 3:
            record = edit_record(record)
        path = out_dir / file_name(record, "md")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_md(record), encoding="utf-8")
        count += 1
    return count


def _clean_builds(work: Path, articles: int, search: bool, incremental: bool,
                  log: Callable[[str], None]) -> tuple[Path, float, bool, Callable[[], Path]]:
    """The reference output, the control build's seconds, whether Pagefind's names
    must be masked, and a function that readies ``work/crash`` for a round's build.

    Fresh: every round starts from an empty output and cache.  Incremental:
    from a complete build of the original corpus (output and cache, restored
    at the same path, as the cache keys its manifest by it) with the sources
    then edited (:func:`write_edited`); the control is then such a build
    uninterrupted, so it checks too that an incremental build equals a clean one.
    """
    corpus, crash, base = work / "corpus", work / "crash", work / "base"
    write_corpus(articles, corpus)

    def fresh() -> Path:
        return site_folder(crash, corpus)

    def restored() -> Path:
        shutil.rmtree(crash, ignore_errors=True)
        shutil.copytree(base, crash, symlinks=True)
        return crash

    if incremental:
        status, _, output = run_build(fresh(), f"{os.getpid()}-base", search)
        if status != 0:
            raise RuntimeError(f"the build of the original corpus failed (exit {status}):\n"
                               f"{output}")
        shutil.rmtree(base, ignore_errors=True)
        shutil.copytree(crash, base, symlinks=True)
        write_edited(articles, corpus)
    reference = site_folder(work / "reference", corpus)
    status, _, output = run_build(reference, f"{os.getpid()}-reference", search)
    if status != 0:
        raise RuntimeError(f"the clean build failed (exit {status}):\n{output}")
    ready = restored if incremental else fresh
    status, seconds, output = run_build(ready(), f"{os.getpid()}-control", search)
    mask = bool(compare_outputs(reference / "site", crash / "site"))
    differences = compare_outputs(reference / "site", crash / "site", mask)
    what = "an incremental build" if incremental else "a second clean build"
    if status != 0 or differences:
        raise RuntimeError(f"{what} differs from a clean build (exit {status}): "
                           f"{differences[:10]}\n{output}")
    log(f"clean build of {articles} articles: {count_files(reference / 'site')} files; "
        f"{what} ({seconds:.1f} s) equals it "
        + ("with Pagefind's varying hashes masked" if mask else "byte for byte"))
    return reference, seconds, mask, ready


def run_rounds(work: Path, *, articles: int = 400, rounds: int = 20, seed: int = 1,
               delays: Sequence[float] | None = None, search: bool = True,
               incremental: bool = False, grace: float = 3.0, keep_killed: bool = False,
               log: Callable[[str], None] = print) -> Summary:
    """Run the rounds described in the module docstring in ``work`` (created).

    ``incremental`` starts each round's build from a complete build of the
    corpus before a day of edits instead of from nothing (see
    :func:`_clean_builds`).  ``delays`` fixes the kill delays (one round each,
    as fractions of the control build's duration, so they land at the same
    stage on a slow or busy machine) instead of drawing ``rounds`` of them in
    [0, 1) with ``random.Random(seed)``; the modes alternate, starting with
    ``group``.  ``log`` gets each round's line as it ends.  With
    ``keep_killed`` each killed output and cache is copied to ``work/killed-N``
    before the rebuild.  Raises RuntimeError when a clean build fails or the
    control differs from the reference.
    """
    work.mkdir(parents=True, exist_ok=True)
    reference, seconds, mask, ready = _clean_builds(work, articles, search, incremental, log)
    rng = random.Random(seed)
    fractions = list(delays) if delays is not None else [rng.random() for _ in range(rounds)]
    results: list[Round] = []
    for number, fraction in enumerate(fractions, 1):
        delay = round(fraction * seconds, 2)
        mode = "group" if number % 2 else "main"
        token = f"{os.getpid()}-{number}-{time.monotonic_ns()}"
        crash = ready()
        proc = start_build(crash, token, search)
        try:
            proc.wait(timeout=delay)
            finished = True
        except subprocess.TimeoutExpired:
            finished = False
            _kill(proc, mode)
            proc.wait()
        files = count_files(crash / "site")
        if proc.stdout is not None:
            proc.stdout.close()
        gone_after, left = wait_gone(token, grace)
        if keep_killed:
            shutil.copytree(crash, work / f"killed-{number}", dirs_exist_ok=True,
                            symlinks=True)
        status, rebuild_seconds, output = run_build(crash, token + "-rebuild", search)
        differences = compare_outputs(reference / "site", crash / "site", mask)
        if status != 0:
            differences.append(f"!exit {status}: {output.strip()[-300:]}")
        result = Round(number, mode, delay, finished, files, gone_after,
                       tuple(f"{pid} {cmd[:120]}" for pid, cmd in sorted(left.items())),
                       sum("multiprocessing" in cmd for cmd in left.values()),
                       status, rebuild_seconds, tuple(differences))
        results.append(result)
        log(result.line())
    return Summary(tuple(results), seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-search", action="store_true", help="build without Pagefind")
    parser.add_argument("--incremental", action="store_true",
                        help="start each round from a complete build of the corpus before "
                             "a day of edits, instead of from nothing")
    parser.add_argument("--grace", type=float, default=3.0,
                        help="seconds the build's processes get to end after the kill")
    parser.add_argument("--work", type=Path, default=None,
                        help="work folder (default: a temporary folder, deleted)")
    parser.add_argument("--keep-killed", action="store_true",
                        help="copy each killed output and cache to WORK/killed-N")
    args = parser.parse_args()
    temporary = args.work is None
    work = Path(tempfile.mkdtemp(prefix="kill-rebuild-")) if temporary else args.work
    try:
        summary = run_rounds(work, articles=args.articles, rounds=args.rounds, seed=args.seed,
                             search=not args.no_search, incremental=args.incremental,
                             grace=args.grace,
                             keep_killed=args.keep_killed)
    except RuntimeError as exc:
        print(f"kill_rebuild: error: {exc}", file=sys.stderr)
        return 2
    finally:
        if temporary and not args.keep_killed:
            shutil.rmtree(work, ignore_errors=True)
    print(summary.line())
    return 0 if summary.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
