"""What the reader features cost: the cold default build before and after them, and the
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

"before" is a tree extracted from git without touching the repository's
state (``git archive 0a9efe2 | tar -x -C /tmp/before``) and run with its own
``src/`` first on ``PYTHONPATH``; "after" is this working tree.  Both run as
``python -m newsarchive.cli build`` under the same interpreter and packages.
The corpus generator and the site config come from ``commits.py``.

Usage::

    git archive 0a9efe2 | tar -x -C /tmp/before
    python benchmarks/readers.py --before /tmp/before --articles 10000 --reps 3 \\
        --write benchmarks/READERS.md
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


def build(code: Path, site: Path) -> Run:
    """Build ``site`` with the newsarchive of ``code`` (its ``src/`` first on the path),
    measured with ``os.wait4``: wall time and peak memory."""
    env = {**os.environ, "PYTHONPATH": str(code / "src")}
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
        raise SystemExit(f"{code}: build failed ({process.returncode}):\n{text[-2000:]}")
    lines = [line for line in text.splitlines() if line.startswith("Built ")]
    return Run(seconds, usage.ru_maxrss, lines[-1] if lines else "")


def fresh_site(template: Path, name: str) -> Path:
    """A copy of the generated ``template`` site for one version, no output, no cache."""
    site = WORK / name
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(template, site)
    return site


def add_article(site: Path, number: int) -> Path:
    """Write one new generated article dated :data:`ADDED_DATE` into ``site``."""
    record = next(r for r in corpus.records(number + 1) if r.number == number)
    record = corpus.Record(record.number, record.title, record.slug, ADDED_DATE, record.source,
                           record.topics, record.paragraphs)
    path = site / "seeds" / corpus.file_name(record, "md")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(corpus.render_md(record), encoding="utf-8")
    return path


def measure(before: Path, articles: int, reps: int) -> dict[str, list[Run]]:
    """Cold builds of both versions, alternating, then the add-one-article rebuild."""
    template = WORK / f"corpus-{articles}"
    if not (template / "seeds").is_dir():
        shutil.rmtree(template, ignore_errors=True)
        corpus.write_corpus(articles, template / "seeds")
    (template / "archive.yaml").write_text(CONFIG, encoding="utf-8")
    versions = {"before": before, "after": ROOT}
    runs: dict[str, list[Run]] = {}
    sites: dict[str, Path] = {}
    for rep in range(reps):
        order = list(versions) if rep % 2 == 0 else list(reversed(versions))
        for name in order:
            sites[name] = fresh_site(template, name)
            run = build(versions[name], sites[name])
            print(f"cold {name} #{rep + 1}: {run.seconds:.1f} s, {run.peak_kib / 1024:.0f} MiB; "
                  f"{run.summary}", flush=True)
            runs.setdefault(f"cold {name}", []).append(run)
    for name in versions:
        add_article(sites[name], articles)
        run = build(versions[name], sites[name])
        print(f"add {name}: {run.seconds:.1f} s; {run.summary}", flush=True)
        runs[f"add {name}"] = [run]
    return runs


def report(runs: dict[str, list[Run]], before: Path, articles: int, reps: int,
           command: str) -> str:
    """The Markdown of ``READERS.md``."""
    def median(key: str, field: str) -> float:
        return statistics.median(getattr(r, field) for r in runs[key])

    wall = (median("cold before", "seconds"), median("cold after", "seconds"))
    peak = (median("cold before", "peak_kib") / 1024, median("cold after", "peak_kib") / 1024)
    pages = (runs["cold before"][-1].written, runs["cold after"][-1].written)
    added = (runs["add before"][0].written, runs["add after"][0].written)
    own = (median("cold before", "build_seconds"), median("cold after", "build_seconds"))
    ratio = wall[1] / wall[0]
    own_ratio = own[1] / own[0]
    each = ", ".join(f"{r.seconds:.1f}" for r in runs["cold before"])
    time_verdict = "met" if ratio < 1.15 else "NOT met"
    pages_verdict = "met" if added[1] < 100 else "NOT met"
    each_after = ", ".join(f"{r.seconds:.1f}" for r in runs["cold after"])
    return f"""# What the reader features cost

Measured {dt.date.today().isoformat()} on this machine ({os.cpu_count()} CPUs), with:

```sh
{command}
```

`benchmarks/readers.py`: {articles:,} generated Markdown articles
(`generate_corpus.py`), the default build (search on: Pagefind indexes the
site), before the reader features (`{before}`, extracted with
`git archive 0a9efe2`) and with them (the working tree), taking turns;
medians of {reps} cold builds (output and cache deleted).  Peak memory is
`ru_maxrss` from `os.wait4`: the largest single process of the build.

| | before | after | after / before |
| --- | ---: | ---: | ---: |
| cold build, wall time (s, median) | {wall[0]:.1f} | {wall[1]:.1f} | {ratio:.2f} |
| cold build, no Pagefind (s, summary line) | {own[0]:.1f} | {own[1]:.1f} | {own_ratio:.2f} |
| cold build, peak memory (MiB, median) | {peak[0]:.0f} | {peak[1]:.0f} | {peak[1] / peak[0]:.2f} |
| pages written by a cold build | {pages[0]:,} | {pages[1]:,} | {pages[1] / pages[0]:.2f} |
| pages re-rendered after adding one article dated 2012-06-15 | {added[0]:,} | {added[1]:,} | |

Every cold build (s): before {each}; after {each_after}.

Target: under 15% more time for the cold build ({time_verdict}: {(ratio - 1) * 100:+.0f}%);
under 100 pages re-rendered when one article is added ({pages_verdict}: {added[1]}).

Summary lines of the last builds:

- cold before: `{runs["cold before"][-1].summary}`
- cold after: `{runs["cold after"][-1].summary}`
- add before: `{runs["add before"][0].summary}`
- add after: `{runs["add after"][0].summary}`
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, default=Path("/tmp/before"),
                        help="the code before the features (git archive 0a9efe2 | tar -x)")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--write", type=Path, help="write the Markdown report here")
    args = parser.parse_args()
    if not (args.before / "src" / "newsarchive").is_dir():
        raise SystemExit(f"{args.before}: no src/newsarchive; run "
                         f"git archive 0a9efe2 | tar -x -C {args.before}")
    runs = measure(args.before.resolve(), args.articles, args.reps)
    command = "python " + " ".join(["benchmarks/readers.py", *sys.argv[1:]])
    text = report(runs, args.before, args.articles, args.reps, command)
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
