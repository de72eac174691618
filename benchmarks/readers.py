"""What the reader features cost: the cold default build without and with them, and the
pages one added article re-renders.

The reader features (numbered pagination, calendars, on-this-day pages, volume
charts and sparklines, term periods, related articles and threads, citations,
the header search, reading time) add pages and work to every build.  This
script measures both versions of the code on the same generated corpus
(``generate_corpus.py``, Markdown variant):

- **cold**: output and cache deleted, then the default build (search on, so
  Pagefind indexes the site as ``python build.py`` does), timed with
  ``os.wait4``: wall time and the peak resident memory of the build process
  (``ru_maxrss``: the largest single process of the build and the children it
  waited for, the same figure as ``/usr/bin/time -f %M``).  The versions take
  turns, the order alternating every repetition; the table gives medians.
- **add**: after a cold build, one new article dated in the middle of the
  archive (15 June 2012) is added and the site built again; the summary line's
  ``pages N written`` says how many pages that re-rendered.

Two comparisons:

- by default, **without** and **with** the features, both this working tree:
  the "without" builds run with ``benchmarks/without_readers/`` first on
  ``PYTHONPATH``, whose ``sitecustomize`` stubs out the features' work and
  pages in every process of the build (its docstring lists what it stubs and
  the little markup that stays).  Like for like: everything else is the same
  code.
- with ``--before DIR``, **before** and **after**: a tree extracted from git
  (``git archive 0a9efe2 | tar -x -C DIR``, the commit before the features),
  run with its own ``src/`` first on ``PYTHONPATH``, against this tree.  Every
  other change since that commit is on the "after" side too.

Both run as ``python -m newsarchive.cli build`` under the same interpreter and
packages.  The corpus generator and the site config come from ``commits.py``.

Nothing is deleted while the builds run: each cold build gets a folder of
its own (``with-2``), and the folders of an earlier run are deleted first,
followed by ``os.sync()`` and a wait (``--settle``, 330 s by default).  ext4
without a journal, as on this machine, skips inodes freed in the last minute
(the last six while their inode table block is dirty, as a build keeps it)
each time it makes a file, so a build made after another's output was
deleted pays for the deletion, the more the larger that output was
(``RESULTS.md``, "Where a cold build's writes go"): in a run that deleted
each side's last output before its next build, the second of two builds of
one side in a row was 4–8 s slower than the first.

Usage::

    python benchmarks/readers.py --articles 10000 --reps 3 --write benchmarks/READERS.md
    git archive 0a9efe2 | tar -x -C /tmp/before
    python benchmarks/readers.py --before /tmp/before --articles 10000 --reps 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import commits

corpus = commits.corpus
ROOT = commits.ROOT
WORK = commits.HERE / "work" / "readers"
#: commits.py's site config with search on: the default build indexes the site.
CONFIG = commits.CONFIG.replace("search: false", "search: true")
#: The folder whose ``sitecustomize`` switches the reader features off.
WITHOUT = Path(__file__).resolve().parent / "without_readers"
ADDED_DATE = dt.datetime(2012, 6, 15, 12, 0, tzinfo=dt.UTC)
WRITTEN = re.compile(r"pages (\d+) written")


@dataclass(frozen=True, slots=True)
class Run:
    """One build: wall seconds, peak resident memory (KiB) and its summary line."""

    seconds: float
    peak_kib: int
    summary: str

    @property
    def build_seconds(self) -> float:
        """The build's own time from its summary line (without the Pagefind step)."""
        found = re.search(r"; ([0-9.]+) s$", self.summary)
        return float(found.group(1)) if found else float("nan")

    @property
    def written(self) -> int:
        found = WRITTEN.search(self.summary)
        if found is None:
            raise SystemExit(f"no 'pages N written' in the summary: {self.summary!r}")
        return int(found.group(1))


@dataclass(frozen=True, slots=True)
class Version:
    """One side of the comparison: the tree whose ``src/`` runs, and the folders
    put before it on ``PYTHONPATH`` (``without_readers/`` for "without")."""

    name: str
    code: Path
    first: tuple[Path, ...] = ()


def build(version: Version, site: Path) -> Run:
    """Build ``site`` with ``version`` (its folders, then its ``src/``, first on
    the path), measured with ``os.wait4``: wall time and peak memory."""
    path = [*version.first, version.code / "src"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, path))}
    log = site / "build.log"
    with log.open("w", encoding="utf-8") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "newsarchive.cli", "build", "--quiet",
             "--config", str(site / "archive.yaml")],
            cwd=site, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8")
    if process.returncode not in (0, 1):
        raise SystemExit(f"{version.name}: build failed ({process.returncode}):\n{text[-2000:]}")
    lines = [line for line in text.splitlines() if line.startswith("Built ")]
    return Run(seconds, usage.ru_maxrss, lines[-1] if lines else "")


def fresh_site(template: Path, name: str) -> Path:
    """A copy of the generated ``template`` site in ``WORK / name``: no output, no cache."""
    site = WORK / name
    shutil.copytree(template, site)
    return site


def clear_sites(versions: tuple[Version, Version], settle_seconds: float) -> None:
    """Delete the build folders of an earlier run, then let their inodes age."""
    gone = False
    for version in versions:
        for site in WORK.glob(f"{version.name}-*"):
            shutil.rmtree(site)
            gone = True
    if gone:
        os.sync()
        time.sleep(settle_seconds)


def add_article(site: Path, number: int) -> Path:
    """Write one new generated article dated :data:`ADDED_DATE` into ``site``."""
    record = next(r for r in corpus.records(number + 1) if r.number == number)
    record = corpus.Record(record.number, record.title, record.slug, ADDED_DATE, record.source,
                           record.topics, record.paragraphs)
    path = site / "seeds" / corpus.file_name(record, "md")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(corpus.render_md(record), encoding="utf-8")
    return path


def measure(versions: tuple[Version, Version], articles: int, reps: int,
            settle_seconds: float) -> dict[str, list[Run]]:
    """Cold builds of both versions, alternating, then the add-one-article rebuild."""
    template = WORK / f"corpus-{articles}"
    if not (template / "seeds").is_dir():
        shutil.rmtree(template, ignore_errors=True)
        corpus.write_corpus(articles, template / "seeds")
    (template / "archive.yaml").write_text(CONFIG, encoding="utf-8")
    clear_sites(versions, settle_seconds)
    runs: dict[str, list[Run]] = {}
    sites: dict[str, Path] = {}
    for rep in range(reps):
        order = versions if rep % 2 == 0 else versions[::-1]
        for version in order:
            name = version.name
            sites[name] = fresh_site(template, f"{name}-{rep + 1}")
            run = build(version, sites[name])
            print(f"cold {name} #{rep + 1}: {run.seconds:.1f} s, {run.peak_kib / 1024:.0f} MiB; "
                  f"{run.summary}", flush=True)
            runs.setdefault(f"cold {name}", []).append(run)
    for version in versions:
        name = version.name
        add_article(sites[name], articles)
        run = build(version, sites[name])
        print(f"add {name}: {run.seconds:.1f} s; {run.summary}", flush=True)
        runs[f"add {name}"] = [run]
    return runs


def report(runs: dict[str, list[Run]], versions: tuple[Version, Version], articles: int,
           reps: int, settle_seconds: float, command: str) -> str:
    """The Markdown of ``READERS.md``."""
    old, new = (v.name for v in versions)

    def median(key: str, field: str) -> float:
        return statistics.median(getattr(r, field) for r in runs[key])

    def pair(field: str) -> tuple[float, float]:
        return median(f"cold {old}", field), median(f"cold {new}", field)

    wall, own = pair("seconds"), pair("build_seconds")
    peak = tuple(kib / 1024 for kib in pair("peak_kib"))
    pages = (runs[f"cold {old}"][-1].written, runs[f"cold {new}"][-1].written)
    added = (runs[f"add {old}"][0].written, runs[f"add {new}"][0].written)
    ratio, own_ratio = wall[1] / wall[0], own[1] / own[0]
    each = {v.name: ", ".join(f"{r.seconds:.1f}" for r in runs[f"cold {v.name}"])
            for v in versions}
    time_verdict = "met" if ratio < 1.15 else "NOT met"
    pages_verdict = "met" if added[1] < 100 else "NOT met"
    if old == "without":
        sides = ("without the reader features (this tree with `benchmarks/without_readers/` "
                 "first on `PYTHONPATH`, whose `sitecustomize` stubs them out in every "
                 "process) and with them (this tree as it is)")
    else:
        sides = (f"before the reader features (`{versions[0].code}`, extracted with "
                 "`git archive 0a9efe2`) and with them (the working tree)")
    lines = "\n".join(f"- {kind} {v.name}: `{runs[f'{kind} {v.name}'][-1].summary}`"
                      for kind in ("cold", "add") for v in versions)
    return f"""# What the reader features cost

Measured {dt.date.today().isoformat()} on this machine ({os.cpu_count()} CPUs), with:

```sh
{command}
```

`benchmarks/readers.py`: {articles:,} generated Markdown articles
(`generate_corpus.py`), the default build (search on: Pagefind indexes the
site), {sides}, taking turns; medians of {reps} cold builds, each into a
folder of its own, with no output or cache (nothing is deleted while they
run, and the last run's folders were deleted {settle_seconds:.0f} s before the
first, so that no build pays for freed inodes).  Peak memory is `ru_maxrss` from
`os.wait4`: the largest single process of the build.

| | {old} | {new} | {new} / {old} |
| --- | ---: | ---: | ---: |
| cold build, wall time (s, median) | {wall[0]:.1f} | {wall[1]:.1f} | {ratio:.2f} |
| cold build, no Pagefind (s, summary line) | {own[0]:.1f} | {own[1]:.1f} | {own_ratio:.2f} |
| cold build, peak memory (MiB, median) | {peak[0]:.0f} | {peak[1]:.0f} | {peak[1] / peak[0]:.2f} |
| pages written by a cold build | {pages[0]:,} | {pages[1]:,} | {pages[1] / pages[0]:.2f} |
| pages re-rendered after adding one article dated 2012-06-15 | {added[0]:,} | {added[1]:,} | |

Every cold build (s): {old} {each[old]}; {new} {each[new]}.

Target: under 15% more time for the cold build ({time_verdict}: {(ratio - 1) * 100:+.1f}%);
under 100 pages re-rendered when one article is added ({pages_verdict}: {added[1]}).

Summary lines of the last builds:

{lines}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path,
                        help="compare with this older tree (git archive 0a9efe2 | tar -x) "
                             "instead of this tree without the features")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--settle", type=float, default=330.0,
                        help="seconds to wait after deleting the last run's folders")
    parser.add_argument("--write", type=Path, help="write the Markdown report here")
    args = parser.parse_args()
    if args.before is None:
        versions = (Version("without", ROOT, (WITHOUT,)), Version("with", ROOT))
    elif (args.before / "src" / "newsarchive").is_dir():
        versions = (Version("before", args.before.resolve()), Version("after", ROOT))
    else:
        raise SystemExit(f"{args.before}: no src/newsarchive; run "
                         f"git archive 0a9efe2 | tar -x -C {args.before}")
    runs = measure(versions, args.articles, args.reps, args.settle)
    command = "python " + " ".join(["benchmarks/readers.py", *sys.argv[1:]])
    text = report(runs, versions, args.articles, args.reps, args.settle, command)
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
