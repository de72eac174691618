"""What the default build cannot go below on this machine, measured beside Hugo.

The default build (automatic topics and the search step on) hands every
article page to Pagefind, and Pagefind's own CPU is spent whatever the build
does around it.  This script measures, in one run, the parts taking turns:

- ``hugo``: Hugo's cold build of the same articles (``compare.py``'s Hugo site
  and command, each repetition into an output folder no build used before):
  wall and CPU;
- ``pagefind``: Pagefind alone indexing the article pages of the default
  build's output as the search step sends them (the same parts, each page
  cut down the same way), one service at a time: the CPU of the Pagefind
  processes only, not of the Python that feeds them;
- ``writes``: the HTML files of the default build's output copied by one
  process into a fresh folder (folders made, files created and written):
  what creating those files costs on this file system;
- ``markdown``: every article's body rendered by markdown-it-py alone, in one
  process;
- ``topics``: the automatic topics of every article (``extract_terms`` with
  the default settings, the data loaded first and not timed), in one process.

Then it prints the bound that follows on ``os.cpu_count()`` cores: the default
build does all four parts' work and more (reading the sources, YAML, planning,
rendering every page with the templates), so its wall cannot be below the four
parts' CPU divided by the cores, even if the rest were free and the cores never
idle.  Against Hugo's wall in the same run, that is the least ratio any build
of this design (Python, Pagefind, these pages) can reach here.

The corpus and the Hugo site are ``compare.py``'s (``benchmarks/work/n<N>``);
the default build's output is ``site-default-r0`` there, built first when it
has no search bundle.  What this run writes (Hugo's outputs end in ``-r9x``)
is deleted when it ends; the file system then skips the freed inodes for a
minute or so (see ``compare.py``), so wait that long before timing anything.

Usage::

    python benchmarks/floor.py --tier 10000 --reps 3
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare
import generate_corpus as corpus
import peers
import yaml

from newsarchive.run.search_pages import pages_to_index
from newsarchive.run.search_parts import part_size_for, plan_parts
from newsarchive.run.search_service import run_service
from newsarchive.urls import is_article_path

#: The first repetition's suffix: this run's folders never meet compare.py's own (-r0..).
FIRST = 90


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pagefind_alone(site: Path, scratch: Path) -> tuple[float, float, int]:
    """Pagefind's CPU (seconds), the wall, and the pages indexed: every part of ``site``
    as the search step makes them, one service at a time, into ``scratch``."""
    pages = pages_to_index(site)
    plan = plan_parts(site, pages, None, None,
                      part_size_for(sum(map(is_article_path, pages))))
    before, started = _children_cpu(), time.perf_counter()
    for key in plan.dirty:
        failure = run_service(site, plan.pages[key], scratch / key, {}, 3600.0)
        if failure is not None:
            raise SystemExit(f"Pagefind failed on part {key}: {failure}")
    return (_children_cpu() - before, time.perf_counter() - started,
            sum(len(plan.pages[key]) for key in plan.dirty))


def writes(site: Path, target: Path) -> tuple[float, int]:
    """The CPU (seconds) one process spends copying the HTML files of ``site`` (the
    search bundle left out) into ``target``, folders included; and the file count."""
    pages = pages_to_index(site)
    contents = [(page, (site / page).read_bytes()) for page in pages]
    started = time.process_time()
    for page, content in contents:
        path = os.path.join(target, page)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "xb") as handle:
            handle.write(content)
    return time.process_time() - started, len(contents)


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def articles(sources: Path) -> list[tuple[str, str]]:
    """(title, Markdown body) of every article under ``sources``."""
    found = []
    for path in sorted(sources.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = _FRONT_MATTER.match(text)
        title = str(yaml.safe_load(front.group(1)).get("title", "")) if front else ""
        found.append((title, text[front.end():] if front else text))
    return found


def markdown(bodies: list[tuple[str, str]]) -> float:
    """The CPU (seconds) markdown-it-py takes to render every body of ``bodies``."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")
    started = time.process_time()
    for _, body in bodies:
        parser.render(body)
    return time.process_time() - started


def topics(bodies: list[tuple[str, str]]) -> float:
    """The CPU (seconds) of the automatic topics of every article of ``bodies``
    (default settings; the topic data is loaded before the clock starts)."""
    from newsarchive.config import TopicSettings
    from newsarchive.topics import extract_terms
    from newsarchive.topics.gazetteer import load_gazetteer

    settings = TopicSettings()
    load_gazetteer()
    extract_terms(*bodies[0], settings)
    started = time.process_time()
    for title, body in bodies:
        extract_terms(title, body, settings)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tier", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    peers.install(compare.WORK, ["hugo"])
    root = compare.prepare(args.tier)
    edited = next(r for i, r in enumerate(corpus.records(args.tier))
                  if i == min(compare.EDITED, args.tier - 1))
    default = compare.describe(root, edited, 0)["default"]
    if not (default.output / "pagefind" / "pagefind-entry.json").is_file():
        print(f"building {default.output} first", flush=True)
        subprocess.run(default.command, cwd=default.site, check=True)
    site = default.output
    rows: dict[str, list[float]] = {"hugo wall": [], "hugo cpu": [], "pagefind cpu": [],
                                    "topics cpu": [], "markdown cpu": [], "writes cpu": []}
    scratch = Path(tempfile.mkdtemp(prefix="floor-", dir=root))
    bodies = articles(root / "newsarchive" / "src")
    pages = files = 0
    for rep in range(args.reps):
        hugo = compare.describe(root, edited, FIRST + rep)["hugo"]
        steps = ["hugo", "pagefind", "writes", "markdown", "topics"]
        for step in steps[rep % 5:] + steps[:rep % 5]:
            if step == "hugo":
                if hugo.output.exists() or hugo.caches[0].exists():
                    raise SystemExit(f"{hugo.output} is left from an earlier run: delete it, "
                                     "wait a minute, run again")
                result = compare.measure(hugo, "cold", compare.PEER_LIMIT)
                if result["status"] != 0:
                    raise SystemExit(f"Hugo failed: {result}")
                rows["hugo wall"].append(float(str(result["wall"])))
                rows["hugo cpu"].append(float(str(result["cpu"])))
            elif step == "pagefind":
                cpu, _, pages = pagefind_alone(site, scratch / f"pagefind-{rep}")
                rows["pagefind cpu"].append(cpu)
            elif step == "writes":
                cpu, files = writes(site, scratch / f"writes-{rep}")
                rows["writes cpu"].append(cpu)
            elif step == "markdown":
                rows["markdown cpu"].append(markdown(bodies))
            else:
                rows["topics cpu"].append(topics(bodies))
            print(step, {key: [round(v, 2) for v in values] for key, values in rows.items()},
                  flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
    for rep in range(args.reps):
        hugo = compare.describe(root, edited, FIRST + rep)["hugo"]
        shutil.rmtree(hugo.output, ignore_errors=True)
        shutil.rmtree(hugo.caches[0], ignore_errors=True)
    median = {key: statistics.median(values) for key, values in rows.items()}
    cores = os.cpu_count() or 1
    parts = sum(median[key] for key in ("pagefind cpu", "topics cpu", "markdown cpu",
                                        "writes cpu"))
    print(f"\n{args.tier:,} articles, {cores} cores, medians of {args.reps}:\n")
    print("| part | seconds | per article |\n|---|---:|---:|")
    for key, value in median.items():
        print(f"| {key} | {value:.2f} | {value / args.tier * 1000:.2f} ms |")
    print(f"\nPagefind: {pages:,} pages; writes: {files:,} files; Markdown and topics: "
          f"{len(bodies):,} articles.")
    print(f"Pagefind alone: {median['pagefind cpu'] / median['hugo cpu']:.2f}× Hugo's CPU.")
    print(f"The four parts: {parts:.2f} CPU-s; the default build's wall ≥ that ÷ {cores} = "
          f"{parts / cores:.2f} s = {parts / cores / median['hugo wall']:.2f}× Hugo's wall "
          f"({median['hugo wall']:.2f} s).")


if __name__ == "__main__":
    main()
