"""Time the related-articles and story-thread computations alone, on the
generated corpus (``generate_corpus.records``: the articles a build of
``generate_corpus.py N DIR`` reads, their explicit topics as terms), and count
what adding one article changes.

Usage::

    python benchmarks/related_speed.py 10000 100000 [--limit 5] [--added 20] [--edited 20]

For each N: seconds for ``related_entries`` and ``find_threads`` (best of 3),
then for ``--added`` articles (numbers N, N+1, ...) each added alone to the
N-article archive: how many existing articles' related lists change (their
pages re-render) and how many thread lists change, mean and maximum.  Then
``--edited`` articles, one after the other, get a topic of another article and
lose their first: the seconds of ``remembered_related`` (what ``serve`` runs,
reusing the last plan's lists) against ``related_entries`` from scratch, whose
lists it must equal (checked after every edit).
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from generate_corpus import Record, records

from newsarchive.model import Article, Entry
from newsarchive.pipeline.related import related_entries, remembered_related
from newsarchive.pipeline.threads import find_threads


def entry(record: Record) -> Entry:
    """The light entry a build makes of ``record`` (terms: its topics)."""
    article = Article(f"{record.number:06d}.md", record.title, "", published=record.published)
    return Entry(article, record.slug, f"{record.slug}/", "", "", {"topics": record.topics},
                 str(record.number), local=record.published)


def ordered(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.local, e.key))


def best_of(fn: object, times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--limit", type=int, default=5)
    parser.add_argument("--added", type=int, default=20)
    parser.add_argument("--edited", type=int, default=20)
    args = parser.parse_args(argv)
    for n in args.sizes:
        pool = [entry(r) for r in records(n + args.added)]
        base = ordered(pool[:n])
        related = related_entries(base, args.limit)
        seconds = best_of(lambda b=base: related_entries(b, args.limit))
        thread_seconds = best_of(lambda b=base: find_threads(b))
        threads = {k: t.keys for t in find_threads(base) for k in t.keys}
        changed_related: list[int] = []
        changed_threads: list[int] = []
        ranked_new: list[int] = []
        for new in pool[n:]:
            grown = ordered([*base, new])
            after = related_entries(grown, args.limit)
            changed_related.append(sum(1 for k, v in after.items()
                                       if k != new.key and related.get(k) != v))
            ranked_new.append(sum(1 for v in after.values() if new.key in v))
            now = {k: t.keys for t in find_threads(grown) for k in t.keys}
            changed_threads.append(sum(1 for k in set(now) | set(threads)
                                       if k != new.key and now.get(k) != threads.get(k)))
        print(f"N={n}: related_entries {seconds:.2f} s, find_threads {thread_seconds:.2f} s, "
              f"{len(related)} articles with a list, {len(set(map(tuple, threads.values())))} "
              f"threads")
        print(f"  adding one article ({args.added} tries): related lists changed "
              f"mean {statistics.mean(changed_related):.1f} max {max(changed_related)} "
              f"(lists now holding it: mean {statistics.mean(ranked_new):.1f} "
              f"max {max(ranked_new)}); thread lists changed max {max(changed_threads)}")
        if args.edited:
            kept, fresh = edits(base, args.limit, args.edited)
            print(f"  editing one article's topics ({args.edited} edits): remembered lists "
                  f"median {statistics.median(kept):.3f} s, from scratch "
                  f"{statistics.median(fresh):.3f} s; equal after every edit")
    return 0


def edits(entries: list[Entry], limit: int, count: int) -> tuple[list[float], list[float]]:
    """Seconds of the remembered and the fresh lists after each of ``count`` edits
    (raises AssertionError when they differ)."""
    rng = random.Random(5)
    entries = list(entries)
    memo = remembered_related(entries, limit, None)
    kept: list[float] = []
    fresh: list[float] = []
    for _ in range(count):
        i = rng.randrange(len(entries))
        donor = entries[rng.randrange(len(entries))].terms["topics"]
        topics = (*entries[i].terms["topics"][1:], donor[0])
        entries[i] = dataclasses.replace(entries[i], terms={"topics": topics})
        started = time.perf_counter()
        memo = remembered_related(entries, limit, memo)
        kept.append(time.perf_counter() - started)
        started = time.perf_counter()
        scratch = related_entries(entries, limit)
        fresh.append(time.perf_counter() - started)
        assert memo.found == scratch, "the remembered lists differ from the fresh ones"
    return kept, fresh


if __name__ == "__main__":
    raise SystemExit(main())
