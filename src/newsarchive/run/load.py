"""The load stage of a build: bring what is known about every source file up to date.

A :class:`SourceIndex` holds, per source path, its digest, stat signature and
light result (see :mod:`newsarchive.run.jobs`).  :func:`refresh` stats the
sources, re-reads only files whose stat signature changed (a file whose bytes
turn out unchanged is not parsed again: results are keyed by content digest)
and parses and enriches the rest in batches on the executor.  Bodies blobs of
fresh results wait in :attr:`SourceIndex.pending` until the cache holds them.
"""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from newsarchive.config import Config
from newsarchive.incremental.store import Cache, SourceRow
from newsarchive.pipeline.discover import (
    NOT_UTF8,
    is_source_name,
    read_sources,
    stat_signature,
    survey,
    utf8_name,
)
from newsarchive.run.executor import Executor

if TYPE_CHECKING:
    from newsarchive.run import jobs

__all__ = ["LoadOutcome", "SourceIndex", "batches", "refresh"]
LOAD_BATCH = 32
Progress = Callable[[str, int, int], None]


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
    signatures of files found unchanged."""

    parsed: int
    fresh: tuple[SourceRow, ...]
    removed: tuple[str, ...]
    stats: dict[str, str]


def _paths(config: Config, index: SourceIndex, changed: Collection[str] | None
           ) -> tuple[dict[str, str], list[str]]:
    """The present paths (all, or of ``changed``) with their stat signatures, and
    the removed ones."""
    now = time.time_ns()
    if changed is None:
        found, index.refused = survey(config.source_dir, None,
                                      (config.output_dir, config.cache_dir), now,
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
            keep: Collection[str] = ()) -> LoadOutcome:
    """Bring ``index`` up to date with the source folder (or only the ``changed``
    paths, relative to it).  ``runner(n)`` picks the executor for n files.
    Paths in ``keep`` that the index holds are not read again."""
    if not index.primed:
        index.rows = cache.load_sources(settings)
        index.primed = True
        changed = None
    from newsarchive.run import jobs

    found, removed = _paths(config, index, changed)
    for path in removed:
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
    results: list[jobs.LoadResult] = []
    work = batches(items, LOAD_BATCH)
    for number, batch_result in enumerate(executor.map(jobs.load_batch,
                                                       [(config, b) for b in work])):
        results.extend(batch_result)
        if progress:
            progress("reading", min((number + 1) * LOAD_BATCH, len(items)), len(items))
    fresh: list[SourceRow] = []
    stats: dict[str, str] = {}
    for path, digest, meta, bodies, unreadable in results:
        index.unreadable.pop(path, None)
        if unreadable:
            index.rows.pop(path, None)
            index.pending.pop(path, None)
            index.unreadable[path] = unreadable
            continue
        signature = signatures.get(path, "")
        if meta is None:  # same bytes as cached: only the stat signature is new
            index.rows[path] = replace(index.rows[path], stat=signature)
            stats[path] = signature
            continue
        row = SourceRow(path, digest, signature, pickle.loads(meta), bodies, meta)
        fresh.append(row)
        index.rows[path] = replace(row, bodies=b"", meta=b"")
        index.pending[path] = bodies
    return LoadOutcome(len(fresh), tuple(fresh), tuple(removed), stats)


def _known(index: SourceIndex, path: str) -> str:
    row = index.rows.get(path)
    return row.digest if row is not None else ""
