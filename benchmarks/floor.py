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
  the default settings, the data loaded first and not timed), in one process;
- ``templates``: the time Jinja spends inside ``Template.render`` for every page
  of a build of the same articles (the default settings without the search
  step) run in this process on one core: the pages' contexts are built outside
  the clock, the theme's filters and macros that the templates call inside it;
- ``yaml``: the front matter of every source parsed with the C loader.

With ``--build bare`` it measures instead what the bare build (topics and
search off, ``compare.py``'s like-for-like row) cannot go below, against issue
17's target 2 (half of Hugo's wall at 10,000 articles, Hugo's wall at 1,000):
beside Hugo, ``markdown``, ``writes`` (every file of the bare build's output),
``yaml`` and ``templates`` (of a bare build).  Each part is work that build
must do whatever the code around it.

Then it prints the bound that follows on ``os.cpu_count()`` cores: the default
build does the first four parts' work and more (reading the sources, YAML,
planning, rendering every page with the templates), so its wall cannot be below
the four parts' CPU divided by the cores, even if the rest were free and the
cores never idle; and the bound with the templates and YAML added.  Against
Hugo's wall in the same run, that is the least ratio any build of this design
(Python, Pagefind, Jinja, these pages) can reach here.

The corpus and the Hugo site are ``compare.py``'s (``benchmarks/work/n<N>``);
the default build's output is ``site-default-r0`` there, built first when it
has no search bundle.  What this run writes (Hugo's outputs end in ``-r9x``)
is deleted when it ends; the file system then skips the freed inodes for a
minute or so (see ``compare.py``), so wait that long before timing anything.

Usage::

    python benchmarks/floor.py --tier 10000 --reps 3
    python benchmarks/floor.py --tier 10000 --reps 3 --build bare
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
from collections.abc import Callable
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


def writes(site: Path, target: Path, every: bool = False) -> tuple[float, int]:
    """The CPU (seconds) one process spends copying the HTML files of ``site`` (the
    search bundle left out; ``every``: all its files) into ``target``, folders
    included; and the file count."""
    pages = (sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())
             if every else pages_to_index(site))
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


def front_matters(sources: Path) -> list[str]:
    """The YAML front matter of every article under ``sources``."""
    found = []
    for path in sorted(sources.rglob("*.md")):
        front = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
        if front:
            found.append(front.group(1))
    return found


def yaml_alone(fronts: list[str]) -> float:
    """The CPU (seconds) the C loader takes to parse every front matter of ``fronts``."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    started = time.process_time()
    for front in fronts:
        yaml.load(front, Loader=loader)
    return time.process_time() - started


def templates(site: Path, scratch: Path, topics: bool = False) -> tuple[float, int]:
    """The CPU (seconds) spent inside ``jinja2.Template.render`` by a build of the
    articles of ``site`` (its ``src``) without the search step (and without automatic
    topics unless ``topics``) run serially in this process into ``scratch``, and the
    number of pages rendered."""
    import jinja2

    from newsarchive.config import load_config
    from newsarchive.run.executor import make_executor
    from newsarchive.run.session import build

    config_path = site / "archive-floor.yaml"
    config_path.write_text(
        "title: Bench\nbase_url: https://bench.example.org/\nsource_dir: src\n"
        f"output_dir: {scratch / 'site'}\ncache_dir: {scratch / 'cache'}\n"
        + ("" if topics else "topics: {enabled: []}\n"), encoding="utf-8")
    spent = [0.0, 0]
    original = jinja2.Template.render

    def timed(self: jinja2.Template, *args: object, **kwargs: object) -> str:
        started = time.process_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent[0] += time.process_time() - started
            spent[1] += 1

    jinja2.Template.render = timed  # type: ignore[method-assign]
    executor = make_executor("serial")
    try:
        build(load_config(config_path, site), executor=executor, search=False)
    finally:
        executor.close()
        jinja2.Template.render = original  # type: ignore[method-assign]
        config_path.unlink()
    return spent[0], int(spent[1])


Step = Callable[[int], tuple[float, int]]


def _take_turns(root: Path, edited: corpus.Record, reps: int, steps: dict[str, Step]
                ) -> tuple[dict[str, float], dict[str, int]]:
    """Hugo's cold build and each of ``steps`` (the CPU seconds and a count, given the
    repetition), taking turns ``reps`` times, each repetition starting one step later;
    the medians (Hugo's wall and CPU included) and each step's last count."""
    def hugo(rep: int) -> tuple[float, int]:
        wall, cpu = _hugo(compare.describe(root, edited, FIRST + rep)["hugo"])
        rows["hugo wall"].append(wall)
        return cpu, 0

    order: dict[str, Step] = {"hugo": hugo, **steps}
    rows: dict[str, list[float]] = {"hugo wall": []}
    rows.update({f"{name} cpu": [] for name in order})
    counts: dict[str, int] = {}
    names = list(order)
    for rep in range(reps):
        for name in names[rep % len(names):] + names[:rep % len(names)]:
            cpu, counts[name] = order[name](rep)
            rows[f"{name} cpu"].append(cpu)
            print(name, {key: [round(v, 2) for v in values] for key, values in rows.items()},
                  flush=True)
    _clean_hugo(root, edited, reps)
    return {key: statistics.median(values) for key, values in rows.items()}, counts


def _cpu_and_pages(run: tuple[float, float, int]) -> tuple[float, int]:
    return run[0], run[2]


def _print_medians(median: dict[str, float], tier: int, reps: int, which: str) -> None:
    print(f"\n{tier:,} articles, {os.cpu_count() or 1} cores, medians of {reps}, {which}:\n")
    print("| part | seconds | per article |\n|---|---:|---:|")
    for key, value in median.items():
        print(f"| {key} | {value:.2f} | {value / tier * 1000:.2f} ms |")


def _bound(median: dict[str, float], keys: tuple[str, ...]) -> tuple[float, float, float]:
    """The CPU seconds of the parts ``keys``, that ÷ the cores, and that ÷ Hugo's wall."""
    cpu = sum(median[f"{key} cpu"] for key in keys)
    wall = cpu / (os.cpu_count() or 1)
    return cpu, wall, wall / median["hugo wall"]


def _prepared(tier: int, tool: str, ready: Callable[[compare.Tool], bool]
              ) -> tuple[Path, corpus.Record, compare.Tool]:
    """``compare.py``'s corpus of ``tier`` articles, its edited record, and ``tool``'s
    build of it (built first unless ``ready``)."""
    peers.install(compare.WORK, ["hugo"])
    root = compare.prepare(tier)
    edited = next(r for i, r in enumerate(corpus.records(tier))
                  if i == min(compare.EDITED, tier - 1))
    ours = compare.describe(root, edited, 0)[tool]
    if not ready(ours):
        print(f"building {ours.output} first", flush=True)
        subprocess.run(ours.command, cwd=ours.site, check=True)
    return root, edited, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tier", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--build", choices=("default", "bare"), default="default",
                        help="which build's floor: the default one (topics and search) "
                             "or the bare one (both off)")
    args = parser.parse_args()
    if args.build == "bare":
        bare(args.tier, args.reps)
        return
    root, edited, default = _prepared(
        args.tier, "default",
        lambda tool: (tool.output / "pagefind" / "pagefind-entry.json").is_file())
    site = default.output
    scratch = Path(tempfile.mkdtemp(prefix="floor-", dir=root))
    bodies = articles(default.site / "src")
    fronts = front_matters(default.site / "src")
    median, counts = _take_turns(root, edited, args.reps, {
        "pagefind": lambda rep: _cpu_and_pages(pagefind_alone(site, scratch / f"pagefind-{rep}")),
        "writes": lambda rep: writes(site, scratch / f"writes-{rep}"),
        "markdown": lambda rep: (markdown(bodies), len(bodies)),
        "topics": lambda rep: (topics(bodies), len(bodies)),
        "templates": lambda rep: templates(default.site, scratch / f"templates-{rep}",
                                           topics=True),
        "yaml": lambda rep: (yaml_alone(fronts), len(fronts)),
    })
    shutil.rmtree(scratch, ignore_errors=True)
    _print_medians(median, args.tier, args.reps, "the default build")
    print(f"\nPagefind: {counts['pagefind']:,} pages; writes: {counts['writes']:,} files; "
          f"templates: {counts['templates']:,} pages; Markdown, topics and YAML: "
          f"{len(bodies):,} articles.")
    print(f"Pagefind alone: {median['pagefind cpu'] / median['hugo cpu']:.2f}× Hugo's CPU.")
    cpu, wall, ratio = _bound(median, ("pagefind", "topics", "markdown", "writes"))
    print(f"The four parts: {cpu:.2f} CPU-s; the default build's wall ≥ that ÷ the cores = "
          f"{wall:.2f} s = {ratio:.2f}× Hugo's wall ({median['hugo wall']:.2f} s).")
    cpu, wall, ratio = _bound(median, ("pagefind", "topics", "markdown", "writes",
                                       "templates", "yaml"))
    print(f"With the templates and YAML: {cpu:.2f} CPU-s; ÷ the cores = {wall:.2f} s "
          f"= {ratio:.2f}× Hugo's wall (target 1 asks ≤ 1.0×).")


def bare(tier: int, reps: int) -> None:
    """The bare build's floor (``--build bare``), against target 2."""
    root, edited, ours = _prepared(tier, "newsarchive", lambda tool: tool.output.is_dir())
    scratch = Path(tempfile.mkdtemp(prefix="floor-", dir=root))
    bodies = articles(ours.site / "src")
    fronts = front_matters(ours.site / "src")
    median, counts = _take_turns(root, edited, reps, {
        "templates": lambda rep: templates(ours.site, scratch / f"templates-{rep}"),
        "writes": lambda rep: writes(ours.output, scratch / f"writes-{rep}", every=True),
        "markdown": lambda rep: (markdown(bodies), len(bodies)),
        "yaml": lambda rep: (yaml_alone(fronts), len(fronts)),
    })
    shutil.rmtree(scratch, ignore_errors=True)
    _print_medians(median, tier, reps, "the bare build")
    share = 0.5 if tier >= 10_000 else 1.0  # target 2: ≤ 0.5× at 10,000, ≤ 1.0× at 1,000
    print(f"\nTemplates: {counts['templates']:,} pages; writes: {counts['writes']:,} files; "
          f"Markdown and YAML: {len(bodies):,} articles.")
    cpu, wall, ratio = _bound(median, ("templates", "yaml", "markdown", "writes"))
    print(f"The four parts: {cpu:.2f} CPU-s; the bare build's wall ≥ that ÷ the cores = "
          f"{wall:.2f} s = {ratio:.2f}× Hugo's wall ({median['hugo wall']:.2f} s; target 2 "
          f"asks ≤ {share}×, {median['hugo wall'] * share:.2f} s).")


def _hugo(hugo: compare.Tool) -> tuple[float, float]:
    """Hugo's cold build into folders no build used before: wall and CPU seconds."""
    if hugo.output.exists() or hugo.caches[0].exists():
        raise SystemExit(f"{hugo.output} is left from an earlier run: delete it, "
                         "wait a minute, run again")
    result = compare.measure(hugo, "cold", compare.PEER_LIMIT)
    if result["status"] != 0:
        raise SystemExit(f"Hugo failed: {result}")
    return float(str(result["wall"])), float(str(result["cpu"]))


def _clean_hugo(root: Path, edited: corpus.Record, reps: int) -> None:
    for rep in range(reps):
        hugo = compare.describe(root, edited, FIRST + rep)["hugo"]
        shutil.rmtree(hugo.output, ignore_errors=True)
        shutil.rmtree(hugo.caches[0], ignore_errors=True)


if __name__ == "__main__":
    main()
