"""Time the default build of two versions of newsarchive on the same corpus, in one run.

A change that reshapes the code (not the output) must not make builds slower:
this script checks out ``--base`` (a git ref, by default the commit before
HEAD) into a worktree under ``benchmarks/work/``, and runs it and the
working tree's code side by side, taking turns (the order rotates every
repetition), on a generated corpus of each tier:

- ``cold``: output and cache deleted, full build;
- ``warm``: the same build again, nothing changed;
- ``edit``: one article's body gets a sentence appended, then a build.

Both run as ``python -m newsarchive.cli build`` with their own ``src/`` first
on ``PYTHONPATH``, the same interpreter and packages, automatic topics on and
search off (the Pagefind step is the same program in both).  The table gives
the median wall time of each and the ratio (working tree / base).

Usage::

    python benchmarks/commits.py --base HEAD~1 --tiers 1000,10000 --reps 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate_corpus as corpus

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work" / "commits"
CONFIG = "source_dir: seeds\noutput_dir: site\ncache_dir: cache\nsearch: false\n" \
         "base_url: https://example.org/\n"


def _worktree(ref: str) -> Path:
    """A checkout of ``ref`` (made once per commit)."""
    sha = subprocess.run(["git", "rev-parse", ref], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.strip()
    folder = WORK / f"base-{sha[:12]}"
    if not folder.is_dir():
        subprocess.run(["git", "worktree", "add", "--detach", str(folder), sha], cwd=ROOT,
                       check=True, capture_output=True)
    return folder


def _site(tier: int, name: str) -> Path:
    """A site folder of ``tier`` generated articles for one version."""
    site = WORK / f"{name}-{tier}"
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    corpus.write_corpus(tier, site / "seeds")
    (site / "archive.yaml").write_text(CONFIG, encoding="utf-8")
    return site


def _run(code: Path, site: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(code / "src")}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "newsarchive.cli", "build", "--quiet",
                           "--config", str(site / "archive.yaml")], cwd=site, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{code}: build failed:\n{done.stderr[-2000:]}")
    return seconds


def _edit(site: Path) -> None:
    first = sorted((site / "seeds").rglob("*.md"))[0]
    with first.open("a", encoding="utf-8") as handle:
        handle.write("\nOne more sentence, added for the benchmark.\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="HEAD~1", help="git ref to compare with")
    parser.add_argument("--tiers", default="1000,10000")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    versions = {"base": _worktree(args.base), "head": ROOT}
    rows = []
    for tier in (int(t) for t in args.tiers.split(",")):
        times: dict[tuple[str, str], list[float]] = {}
        for rep in range(args.reps):
            order = list(versions) if rep % 2 == 0 else list(reversed(versions))
            for name in order:
                site = _site(tier, name)
                for kind in ("cold", "warm", "edit"):
                    if kind == "edit":
                        _edit(site)
                    times.setdefault((name, kind), []).append(_run(versions[name], site))
        for kind in ("cold", "warm", "edit"):
            base = statistics.median(times[("base", kind)])
            head = statistics.median(times[("head", kind)])
            rows.append((tier, kind, base, head, head / base))
    print(f"| articles | build | base {args.base} (s) | working tree (s) | ratio |")
    print("| ---: | --- | ---: | ---: | ---: |")
    for tier, kind, base, head, ratio in rows:
        print(f"| {tier:,} | {kind} | {base:.2f} | {head:.2f} | {ratio:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
