"""Time the search step alone on a built site, phase by phase.

Each run deletes the site's search bundle (``pagefind/``), then indexes every
part as a cold build's search step does (``index_site``) and reports its
phases: the walk of the output (``pages_to_index``), the plan of the parts
(``plan_parts``, which reads the pages that are not articles for the body
mark), the Pagefind runs (``run_parts``, with the CPU of the Pagefind
processes) and the install; the phases with one core idle are the first two
and the last.  Each run is a process of its own.

``--before DIR`` (another checkout of newsarchive, e.g. ``git worktree add
/tmp/before <commit>``) runs that checkout's code in turns with this one's,
and checks that the two bundles of the first turn are the same bytes.

Usage::

    python benchmarks/search_step.py --site /tmp/m10k/site --repeats 3
    python benchmarks/search_step.py --site /tmp/m10k/site --repeats 3 --before /tmp/before
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_PHASES = ("pages_to_index", "plan_parts", "run_parts", "install")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one(site: Path) -> dict[str, Any]:
    """Index ``site`` with its bundle deleted first: seconds of each phase."""
    from newsarchive.run import search

    timings: dict[str, Any] = {}

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started, cpu = time.perf_counter(), _children_cpu()
            try:
                return function(*args, **kwargs)
            finally:
                timings[name] = round(time.perf_counter() - started, 2)
                if name == "run_parts":
                    timings["pagefind_cpu"] = round(_children_cpu() - cpu, 2)
        return wrapper

    for name in _PHASES:
        setattr(search, name, timed(name, getattr(search, name)))
    shutil.rmtree(site / "pagefind", ignore_errors=True)
    started, cpu = time.perf_counter(), time.process_time()
    result = search.index_site(site, changed=True)
    timings.update(total=round(time.perf_counter() - started, 2),
                   own_cpu=round(time.process_time() - cpu, 2), status=result.status,
                   pages=result.pages)
    return timings


def _run(site: Path, source: Path | None) -> dict[str, Any]:
    environment = dict(os.environ)
    if source is not None:
        environment["PYTHONPATH"] = str(source / "src")
    done = subprocess.run([sys.executable, __file__, "--one", str(site)], env=environment,
                          capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _same(left: Path, right: Path) -> bool:
    """Whether the folders ``left`` and ``right`` hold the same files, byte for byte."""
    compared = filecmp.dircmp(left, right)
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, compared.common_files, shallow=False)
    return not mismatch and not errors and all(
        _same(left / name, right / name) for name in compared.common_dirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another checkout, run in turns")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one)))
        return
    if args.site is None:
        parser.error("--site is required")
    versions: list[tuple[str, Path | None]] = [("this", None)]
    if args.before is not None:
        versions.insert(0, ("before", args.before))
    bundles: dict[str, Path] = {}
    for repeat in range(args.repeats):
        for label, source in versions:
            print(label, repeat + 1, json.dumps(_run(args.site, source)), flush=True)
            if repeat == 0:
                kept = args.site.parent / f".search-step-{label}"
                shutil.rmtree(kept, ignore_errors=True)
                shutil.copytree(args.site / "pagefind", kept)
                bundles[label] = kept
    if len(bundles) == 2:
        print("bundles the same bytes:", _same(bundles["before"], bundles["this"]))
    for kept in bundles.values():
        shutil.rmtree(kept, ignore_errors=True)


if __name__ == "__main__":
    main()
