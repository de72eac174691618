"""The load stage of a build: bring what is known about every source file up to date.

A :class:`SourceIndex` holds, per source path, its digest, stat signature and
light result (see :mod:`newsarchive.run.jobs`).  :func:`refresh` stats the
sources, re-reads only files whose stat signature changed (a file whose bytes
turn out unchanged is not parsed again: results are keyed by content digest)
and parses and enriches the rest in batches on the executor.  Bodies blobs of
fresh results wait in :attr:`SourceIndex.pending` until the cache holds them
(saved a window of batches at a time).
"""

from __future__ import annotations

import os
import pickle
import time
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from newsarchive.config import Config
from newsarchive.incremental.memory import identities
from newsarchive.incremental.store import Cache, SourceRow
from newsarchive.model import Loaded
from newsarchive.pipeline.discover import (
    NOT_UTF8,
    is_source_name,
    read_sources,
    stat_signature,
    survey,
    utf8_name,
)
from newsarchive.run.executor import Executor, submit
from newsarchive.run.heap import collector_paused

if TYPE_CHECKING:
    from newsarchive.run import jobs

__all__ = ["LoadOutcome", "SourceIndex", "Survey", "batches", "refresh", "share_values",
           "store_loaded"]
LOAD_BATCH = 32
#: Load batches handed out at once (2,048 files).
_WINDOW = 64
Progress = Callable[[str, int, int], None]
#: :func:`survey`'s answer: every source path with its stat signature, the refused ones.
Survey = tuple[dict[str, str], dict[str, str]]


def batches(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    """``items`` cut into consecutive slices of ``size``."""
    return [items[i:i + size] for i in range(0, len(items), size)]


@dataclass(slots=True)
class SourceIndex:
    """Every known source: ``rows`` by path, ``unreadable`` paths with their reason,
    and ``pending`` bodies blobs not yet stored in the cache."""

    rows: dict[str, SourceRow] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)
    pending: dict[str, bytes] = field(default_factory=dict)
    primed: bool = False
    #: Entries of the source folder not read, with the reason: symbolic links
    #: not followed, names that are not UTF-8 (see ``sources.survey``).
    refused: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LoadOutcome:
    """What :func:`refresh` did: files parsed, fresh rows, removed paths, new stat
    signatures of files found unchanged; ``recount``: how the count of articles
    with each identity (:func:`~newsarchive.incremental.memory.identities`)
    changed, when loading followed a survey (``refresh(surveyed=)``) and at
    most :data:`RECOUNT_MAX` files came, went or changed (else None)."""

    parsed: int
    fresh: tuple[SourceRow, ...]
    removed: tuple[str, ...]
    stats: dict[str, str]
    recount: dict[int, int] | None = None


#: Files loading may change and still count how identities changed (a 100,000-article
#: build counts every identity again in 2.4 s; one file's change, in 0.1 ms).
RECOUNT_MAX = 1000


class _Recount:
    """The change in each identity's count, while few files changed (only when
    ``wanted``: nothing is counted otherwise)."""

    def __init__(self, wanted: bool) -> None:
        self.change: Counter[int] | None = Counter() if wanted else None
        self._left = RECOUNT_MAX

    def swap(self, old: SourceRow | None, new: Loaded | None) -> None:
        """The entries of ``old`` gone, those of ``new`` come."""
        if self.change is None:
            return
        self._left -= 1
        if self._left < 0:
            self.change = None
            return
        for entry in old.loaded[1] if old is not None else ():
            self.change.subtract(identities(entry))
        for entry in new[1] if new is not None else ():
            self.change.update(identities(entry))

    def result(self) -> dict[int, int] | None:
        return None if self.change is None else {
            identity: count for identity, count in self.change.items() if count}


def _paths(config: Config, index: SourceIndex, changed: Collection[str] | None,
           surveyed: Survey | None = None) -> tuple[dict[str, str], list[str]]:
    """The present paths (all, or of ``changed``) with their stat signatures, and
    the removed ones.  ``surveyed``: :func:`survey`'s answer, when it was just asked."""
    now = time.time_ns()
    if changed is None:
        found, index.refused = surveyed or survey(
            config.source_dir, None, (config.output_dir, config.cache_dir), now,
            config.follow_symlinks)
        known = set(index.rows) | set(index.unreadable)
        return found, sorted(known - found.keys())
    root = str(config.source_dir)
    real_root = os.path.realpath(root)
    present: dict[str, str] = {}
    for path in sorted(set(changed)):
        index.refused.pop(path, None)
        if not utf8_name(path):
            index.refused[path] = NOT_UTF8
            continue
        full = os.path.join(root, path)
        if not is_source_name(full.rsplit(os.sep, 1)[-1]) or not os.path.isfile(full):
            continue
        real = os.path.realpath(full)
        if not config.follow_symlinks and not real.startswith(real_root.rstrip(os.sep) + os.sep):
            index.refused[path] = (f"symbolic link to the file {real}, outside the source "
                                 "folder; not read")
            continue
        present[path] = stat_signature(full, now)
    return present, sorted(set(changed) - present.keys())


def refresh(index: SourceIndex, config: Config, cache: Cache, settings: str,
            changed: Collection[str] | None, runner: Callable[[int], Executor],
            shares_files: Callable[[Executor], bool], progress: Progress | None,
            keep: Collection[str] = (), save: bool = True, surveyed: Survey | None = None,
            hold: Callable[[], None] | None = None) -> LoadOutcome:
    """Bring ``index`` up to date with the source folder (or only the ``changed``
    paths, relative to it).  ``runner(n)`` picks the executor for n files.
    Paths in ``keep`` that the index holds are not read again.  With ``save``
    (and a cache), fresh rows are saved as they come and not returned;
    ``LoadOutcome.parsed`` counts them all.  ``surveyed``: the whole folder's
    :func:`survey` made a moment ago by this build (0.5 s at 100,000 files).
    ``hold`` (see :func:`~newsarchive.run.heap.held_apart`) is called once the
    cached rows are loaded, before the collector runs again."""
    shared: dict[Any, Any] = {}
    if not index.primed:
        with collector_paused():  # millions of objects, no cycles (see heap.py)
            index.rows = cache.load_sources(settings)
            for cached in index.rows.values():
                share_values(cached.loaded, shared)  # in place
            if hold is not None:
                hold()
        index.primed = True
        changed = None
    from newsarchive.run import jobs

    found, removed = _paths(config, index, changed, surveyed)
    recount = _Recount(surveyed is not None)  # only a save after a survey uses it
    for path in removed:
        recount.swap(index.rows.get(path), None)
        index.rows.pop(path, None)
        index.unreadable.pop(path, None)
        index.pending.pop(path, None)
    # Files whose stat signature is not the cached row's are read again.
    signatures = {path: signature for path, signature in found.items()
                  if not (path in keep and path in index.rows)
                  and (not signature or (row := index.rows.get(path)) is None
                       or row.stat != signature)}
    todo = list(signatures)
    executor = runner(len(todo))
    items: list[jobs.LoadItem]
    if shares_files(executor):
        items = [jobs.LoadItem(p, None, _known(index, p)) for p in todo]
    else:
        items = []
        for path, data, digest in read_sources(config.source_dir, todo):
            items.append(jobs.LoadItem(path, data, _known(index, path)) if data is not None
                         else jobs.LoadItem(path, None, "", digest))
    work = batches(items, LOAD_BATCH)
    fresh: list[SourceRow] = []
    stats: dict[str, str] = {}
    parsed = done = 0
    # Results are taken a window of batches at a time (the next window already
    # handed out) and, with ``save``, their rows saved in the cache at once:
    # the bodies of the whole archive were held until then, and the heap they
    # left behind was not given back (5 KiB per article of the peak).
    running: Callable[[], list[list[jobs.LoadResult]]] | None = None
    for start in range(0, len(work) + _WINDOW, _WINDOW):
        window = work[start:start + _WINDOW]
        started = submit(executor, jobs.load_batch, [(config, b) for b in window]) \
            if window else None
        if running is not None:
            taken = [r for batch_result in running() for r in batch_result]
            done += len(taken)
            with collector_paused():
                rows = _take(index, taken, signatures, stats, shared, recount)
            parsed += len(rows)
            if save and cache.enabled:
                cache.store_sources(settings, rows, others=False)
            if save and cache.enabled:  # a failed save closes the cache: bodies stay pending
                for row in rows:
                    index.pending.pop(row.path, None)
            else:
                fresh += rows
            if progress:
                progress("reading", done, len(items))
        running = started
    return LoadOutcome(parsed, tuple(fresh), tuple(removed), stats, recount.result())


def store_loaded(cache: Cache, settings: str, index: SourceIndex, loaded: LoadOutcome
                 ) -> LoadOutcome:
    """Save what loading did not (removed files, new stat signatures, rows when
    a save failed) before planning, and drop the bodies and pickled results
    that waited for the cache: 6 KiB per article (benchmarks/RESULTS.md).
    The saved state names its source table: a build stopped after this
    plans again."""
    pending = index.pending
    cache.store_sources(settings, [replace(r, bodies=pending.get(r.path, r.bodies))
                                   for r in loaded.fresh], loaded.removed, loaded.stats)
    if cache.enabled:
        pending.clear()
    return replace(loaded, fresh=())


def _take(index: SourceIndex, results: Sequence[jobs.LoadResult], signatures: dict[str, str],
          stats: dict[str, str], shared: dict[Any, Any], recount: _Recount) -> list[SourceRow]:
    """Bring ``index`` up to date with ``results``; the fresh rows (with their
    bodies and pickled results, the bodies also pending in ``index``)."""
    fresh: list[SourceRow] = []
    for path, digest, meta, bodies, unreadable in results:
        index.unreadable.pop(path, None)
        if unreadable:
            recount.swap(index.rows.get(path), None)
            index.rows.pop(path, None)
            index.pending.pop(path, None)
            index.unreadable[path] = unreadable
            continue
        signature = signatures.get(path, "")
        if meta is None:  # same bytes as cached: only the stat signature is new
            index.rows[path] = replace(index.rows[path], stat=signature)
            stats[path] = signature
            continue
        row = SourceRow(path, digest, signature, share_values(pickle.loads(meta), shared),
                        bodies, meta)
        recount.swap(index.rows.get(path), row.loaded)
        fresh.append(row)
        index.rows[path] = replace(row, bodies=b"", meta=b"")
        index.pending[path] = bodies
    return fresh


def share_values(loaded: Loaded, shared: dict[Any, Any]) -> Loaded:
    """``loaded``, just unpickled, with the values its entries repeat from other
    files (term names and their tuples, language, direction, body format,
    source, a slug the article gave) replaced by one object each, kept in
    ``shared``.  Unpickled file by file, every light entry had copies of its
    own: 0.8 KiB per article of the build process's memory.  The values are
    equal, so nothing else changes.

    The entries are changed in place, though frozen: nothing else holds them
    yet, and making new ones (``dataclasses.replace``) cost 16 µs per file
    against 4 µs, 1.2 s of a build of 100,000 articles."""
    entries = loaded[1]
    one = shared.setdefault
    put = object.__setattr__

    def terms(by_taxonomy: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        found = {}
        for name, values in by_taxonomy.items():
            names = tuple([one(value, value) for value in values])
            found[name] = one(names, names)
        return found

    for entry in entries:
        article = entry.article
        put(article, "terms", terms(article.terms))
        put(article, "source", one(article.source, article.source))
        put(article, "body_format", one(article.body_format, article.body_format))
        put(article, "lang", one(article.lang, article.lang))
        put(entry, "terms", terms(entry.terms))
        put(entry, "lang", one(entry.lang, entry.lang))
        put(entry, "direction", one(entry.direction, entry.direction))
        if entry.slug == article.slug:
            put(entry, "slug", article.slug)
    return loaded


def _known(index: SourceIndex, path: str) -> str:
    row = index.rows.get(path)
    return row.digest if row is not None else ""
