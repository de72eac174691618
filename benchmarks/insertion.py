"""Pages re-rendered when one article is added, edited or deleted (issue 15, item 1).

Two measurements on a generated corpus (``generate_corpus.py``):

1. **Builds** (``builds``): the corpus is built once; then, one at a time and
   each undone afterwards (a build in between puts the site back), the script

   - ``mid``: adds one article dated in the middle of the archive;
   - ``newest``: adds one article dated after every other;
   - ``edit``: appends a sentence to the body of an article in the middle;
   - ``delete``: deletes an article in the middle;

   and reads the pages rendered and written from the ``BuildReport``, with
   the written pages grouped by family (front page, year, month, day, term,
   article, other).  ``--src`` names the ``src/`` folder of the code to run
   (by default this checkout's): run it on a copy of the code before the
   change for the "before" numbers.

2. **Boundaries** (``boundaries``): a pure simulation on ``paginate`` alone,
   old (fixed chunks of ``per_page`` from the oldest, copied below) and new
   (content-defined): a listing of N keys, one key inserted at each of
   ``--trials`` random positions; how many pages differ (same number, other
   items), how often the numbering shifts, and how often the page count
   (the Y of "Page X of Y") changes.

Usage::

    python benchmarks/insertion.py builds 10000 --work /tmp/insertion [--src path/to/src]
    python benchmarks/insertion.py boundaries 10000 --trials 2000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

CONFIG = ("source_dir: seeds\noutput_dir: site\ncache_dir: cache\nsearch: false\n"
          "base_url: https://example.org/\n")
MIDDLE = "2012-06-15T12:00:00+00:00"
NEWEST = "2025-01-02T12:00:00+00:00"


def _article(title: str, date: str, topics: str) -> str:
    return (f'---\ntitle: "{title}"\ndate: {date}\nsource: "Benchmark Wire"\n'
            f"topics: {topics}\n---\nA paragraph about {title.lower()} for the benchmark.\n")


def _family(path: str) -> str:
    parts = path.split("/")[:-1]  # the folders of ``.../index.html``
    if not parts or parts[0] == "page":
        return "front"
    dated = 0
    while dated < len(parts) and parts[dated].isdigit():
        dated += 1
    rest = parts[dated:]
    if dated == 3 and rest and rest[0] != "page":
        return "article"
    if dated:
        return {1: "year", 2: "month", 3: "day"}[min(dated, 3)]
    if path.endswith(".html") and len(parts) >= 2 and parts[0] not in ("archive", "undated"):
        return "term"
    return "other"


def _worker(site: Path) -> None:
    """Run in the process whose PYTHONPATH holds the code measured: build, change,
    build, undo, build; print one JSON line per scenario."""
    from newsarchive.config import load_config
    from newsarchive.run.session import build

    config = load_config(site / "archive.yaml", site)
    seeds = site / "seeds"

    def run() -> dict[str, Any]:
        started = time.perf_counter()
        report = build(config)
        seconds = time.perf_counter() - started
        families = Counter(_family(p) for p in report.written_paths)
        return {"rendered": report.rendered, "written": report.written,
                "pages": report.pages, "seconds": round(seconds, 1),
                "families": dict(sorted(families.items()))}

    first = run()
    print(json.dumps({"scenario": "cold", **first}), flush=True)
    files = sorted(seeds.rglob("*.md"))
    middle = files[len(files) // 2]  # generated dates are random: any file is "mid"
    text = middle.read_text(encoding="utf-8")
    topics = next(line for line in text.splitlines() if line.startswith("topics:"))[8:]

    added = seeds / "zz-added.md"
    steps: list[tuple[str, Callable[[], None], Callable[[], None]]] = [
        ("mid", lambda: added.write_text(_article("Inserted in the middle", MIDDLE, topics),
                                         encoding="utf-8"), added.unlink),
        ("newest", lambda: added.write_text(_article("Appended as the newest", NEWEST, topics),
                                            encoding="utf-8"), added.unlink),
        ("edit", lambda: middle.write_text(text + "\nOne more sentence.\n", encoding="utf-8"),
         lambda: middle.write_text(text, encoding="utf-8")),
        ("delete", middle.unlink, lambda: middle.write_text(text, encoding="utf-8")),
    ]
    for name, change, undo in steps:
        change()
        print(json.dumps({"scenario": name, **run()}), flush=True)
        undo()
        run()


def builds(n: int, work: Path, src: Path) -> None:
    """Generate the corpus (once per ``work``), then run :func:`_worker` on ``src``."""
    import generate_corpus as corpus

    site = work / f"site-{n}"
    if not (site / "seeds").is_dir():
        site.mkdir(parents=True, exist_ok=True)
        corpus.write_corpus(n, site / "seeds")
    (site / "archive.yaml").write_text(CONFIG, encoding="utf-8")
    for folder in ("site", "cache"):
        shutil.rmtree(site / folder, ignore_errors=True)
    (site / "seeds" / "zz-added.md").unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(src)}
    print(f"code: {src}\ncorpus: {n} articles in {site}")
    subprocess.run([sys.executable, __file__, "worker", str(site)], env=env, check=True,
                   cwd=site)


# -- boundaries: paginate alone ------------------------------------------------------

def old_pages(keys: Sequence[str], per_page: int) -> dict[int, tuple[str, ...]]:
    """``paginate`` as it was before issue 15: fixed chunks from the oldest, the
    newest page (0) holding the last full chunk and the remainder."""
    full = len(keys) // per_page
    if full <= 1:
        return {0: tuple(keys)}
    pages = {0: tuple(keys[(full - 1) * per_page:])}
    for number in range(1, full):
        pages[number] = tuple(keys[(number - 1) * per_page: number * per_page])
    return pages


def new_pages(keys: Sequence[str], per_page: int) -> dict[int, tuple[str, ...]]:
    """The content-defined ``paginate`` of this checkout, by page number."""
    from newsarchive.model import Article, Entry
    from newsarchive.pipeline.index import paginate

    entries = [Entry(article=Article(source_path=k, title=k, body=""), slug=k, url="",
                     summary="", body_html="", terms={}, digest=k) for k in keys]
    return {p.number: tuple(e.key for e in reversed(p.items))
            for p in paginate(entries, per_page)}


def boundaries(n: int, trials: int, per_page: int) -> None:
    """Insert one key at ``trials`` random places of an ``n``-key listing; print how
    many pages change under the old and the new pagination."""
    rng = random.Random(15)
    keys = [f"seeds/{i // 1000:03d}/{i:06d}.md" for i in range(n)]
    for name, pages_of in (("old", old_pages), ("new", new_pages)):
        before = pages_of(keys, per_page)
        changed: list[int] = []
        renumbered = recounted = 0
        for trial in range(trials):
            at = rng.randrange(n // 4, 3 * n // 4)  # the middle half of the archive
            after = pages_of([*keys[:at], f"seeds/new/{trial:06d}.md", *keys[at:]], per_page)
            changed.append(sum(1 for number, items in after.items()
                               if before.get(number) != items))
            recounted += len(after) != len(before)
            shifted = {number for number, items in after.items()
                       if number and before.get(number) != items}
            renumbered += len(shifted) > 2
        changed.sort()
        print(f"{name}: {len(before)} pages; pages whose items change per insertion: "
              f"median {changed[len(changed) // 2]}, 90th {changed[len(changed) * 9 // 10]}, "
              f"max {changed[-1]}; numbering shifts in {renumbered / trials:.1%}, "
              f"page count changes in {recounted / trials:.1%} of {trials} insertions; "
              f"page sizes {min(map(len, before.values()))}..{max(map(len, before.values()))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["builds", "boundaries", "worker"])
    parser.add_argument("n", help="articles (a site folder for `worker`)")
    parser.add_argument("--work", type=Path, default=HERE / "work" / "insertion")
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--per-page", type=int, default=20)
    args = parser.parse_args()
    if args.what == "worker":
        _worker(Path(args.n))
    elif args.what == "builds":
        builds(int(args.n), args.work.resolve(), args.src.resolve())
    else:
        sys.path.insert(0, str(args.src.resolve()))
        boundaries(int(args.n), args.trials, args.per_page)


if __name__ == "__main__":
    main()
