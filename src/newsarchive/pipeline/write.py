"""The writing stage of a build: fingerprint every planned page, render the changed
ones on the executor, write only changed bytes, copy static files, prune, and
record the manifest.

:class:`Writer` is the part of :class:`newsarchive.run.session.Session` that does it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsarchive.config import Config
from newsarchive.errors import Diagnostic
from newsarchive.incremental.keys import config_digest
from newsarchive.incremental.store import Cache
from newsarchive.model import Entry
from newsarchive.pipeline.discover import read_sources
from newsarchive.pipeline.output import (
    TEMP_DIR,
    file_digest,
    foreign_paths,
    linked_folders,
    prune,
    read_owned,
    safe_target,
    write_bytes_atomic,
    write_owned,
)
from newsarchive.pipeline.plan import PageSpec, fingerprint
from newsarchive.run.executor import Executor, shares_files, submit
from newsarchive.run.load import Progress, SourceIndex, batches

if TYPE_CHECKING:
    from newsarchive.run.jobs import RenderBatch

__all__ = ["Plan", "Writer", "stale_pages"]

_RENDER_BATCH = 48
#: Render batches in flight at once: bounds the bodies held in memory.
_WINDOW = 64


@dataclass(slots=True)
class Plan:
    """Every planned page of a build and what it was planned from."""

    specs: list[PageSpec]
    entries: dict[str, Entry]
    diagnostics: list[Diagnostic]
    duplicates: int
    undated: int
    read_diagnostics: dict[str, tuple[Diagnostic, ...]] = field(default_factory=dict)
    other_diagnostics: tuple[Diagnostic, ...] = ()
    identities: dict[int, int] = field(default_factory=dict)
    urls: dict[str, tuple[str, str]] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)


def stale_pages(specs: Sequence[PageSpec], prints: Mapping[str, str],
                previous: Mapping[str, str], output_dir: str, full: bool = False
                ) -> list[PageSpec]:
    """The pages to render: all when ``full``, else those whose fingerprint differs
    from the last build's or whose file is missing."""
    return [spec for spec in specs
            if full or previous.get(spec.output_path) != prints[spec.output_path]
            or not os.path.isfile(os.path.join(output_dir, spec.output_path))]


def guard_links(output_dir: Path, paths: Sequence[str]) -> tuple[set[str], list[Diagnostic]]:
    """Those of ``paths`` that lie below a symbolic link to a folder inside the
    output (never written or removed through), and one error per such link."""
    linked = linked_folders(output_dir, paths)
    problems = [Diagnostic(
        (output_dir / folder).as_posix(), 0, 0,
        "this folder of the output is a symbolic link; nothing is written or removed "
        "through it", "replace the link with a real folder (or remove it) and build again")
        for folder in sorted(set(linked.values()))]
    return set(linked), problems


class Writer:
    """Mixin of ``Session``: render and write what the plan says changed."""

    config: Config
    _manifest: dict[str, str] | None
    _sources: SourceIndex
    #: Replace files in the output that no build wrote (``--force``).
    _force: bool
    #: The output folder was empty or absent when this session first looked:
    #: nothing in it can be in the way of the first build.
    _fresh_output: bool

    if TYPE_CHECKING:  # provided by Session; declared for the type checker only
        def _open(self) -> Cache:
            ...

        def _runner(self, work: int) -> Executor:
            ...

    def _blobs(self, paths: set[str], sources: SourceIndex) -> dict[str, bytes]:
        """Bodies blobs of ``paths``: waiting in memory, else from the cache, else
        (the cache lost them) by reading and enriching the file again."""
        from newsarchive.run import jobs

        found = {p: sources.pending[p] for p in paths if p in sources.pending}
        wanted = {p: sources.rows[p].digest for p in paths if p not in found}
        found.update(self._open().load_bodies(wanted))
        missing = sorted(p for p in paths if p not in found)
        for path, data, digest in read_sources(self.config.source_dir, missing):
            if data is not None and digest == sources.rows[path].digest:
                _, found[path] = jobs.load_one(self.config, path, data)
            else:  # changed under us: show it without a body rather than a stale one
                found[path] = jobs.empty_bodies(sources.rows[path].loaded)
        return found

    def _write(self, plan: Plan, statics: dict[str, Path], full: bool,
               progress: Progress | None, meanwhile: Callable[[dict[str, str]], None]
               ) -> dict[str, Any]:
        from newsarchive.pipeline.render import template_digests

        config = self.config
        cache = self._open()
        if self._manifest is None:
            self._manifest = cache.load_manifest(config.output_dir)
        previous = self._manifest
        owned = read_owned(config.output_dir) or set()
        for path in owned - previous.keys():  # the cache forgot them (lost, damaged)
            previous[path] = ""
        digests = template_digests(
            str(config.templates_dir) if config.templates_dir else None,
            {s.template for s in plan.specs if s.template})
        conf = config_digest(config)
        out = str(config.output_dir)
        manifest = {spec.output_path: fingerprint(spec, plan.entries,
                                                  digests.get(spec.template, ""), conf)
                    for spec in plan.specs}
        for path, source in statics.items():
            manifest[path] = file_digest(source)
        todo = stale_pages(plan.specs, manifest, previous, out, full)
        refused: set[str] = set()
        problems: list[Diagnostic] = []
        if not self._fresh_output:  # a new or empty output holds nothing in the way
            touched = [*(s.output_path for s in todo), *statics,
                       *(p for p in previous if p not in manifest)]
            refused, problems = guard_links(config.output_dir, touched)
            new = [p for p in manifest if p not in previous]
            for path in [] if self._force else foreign_paths(config.output_dir, new):
                refused.add(path)
                problems.append(Diagnostic(
                    (config.output_dir / path).as_posix(), 0, 0,
                    "a file the build did not write is in the way of a page; left alone",
                    "move it out of the output folder, or build with --force to replace it"))
        self._fresh_output = False
        if refused:
            todo = [spec for spec in todo if spec.output_path not in refused]
            for path in refused:
                manifest.pop(path, None)
        listed = owned
        if not manifest.keys() | previous.keys() <= owned:
            # Before anything is written: a build killed from here on still
            # knows its own files next time.
            listed = manifest.keys() | previous.keys()
            write_owned(config.output_dir, listed)
        written_paths = self._render(plan.entries, todo, progress, self._sources,
                                     lambda: meanwhile(digests))
        for path, source in statics.items():
            if path not in manifest:
                continue
            digest = manifest[path]
            if (full or previous.get(path) != digest or not (config.output_dir / path).is_file()
                    ) and write_bytes_atomic(safe_target(config.output_dir, path),
                                             source.read_bytes(),
                                             config.output_dir / TEMP_DIR):
                written_paths.append(path)
        stale = sorted(set(previous) - set(manifest) - refused)
        removed = prune(config.output_dir, stale)
        changed = {p: f for p, f in manifest.items() if previous.get(p) != f}
        cache.update_manifest(config.output_dir, changed, stale)
        kept = manifest.keys() | (previous.keys() & refused)  # ours, but behind a link
        if kept != listed:
            write_owned(config.output_dir, kept)
        self._manifest = manifest
        return dict(rendered=len(todo), written=len(written_paths),
                    unchanged=len(manifest) - len(written_paths), removed=removed,
                    written_paths=tuple(written_paths), removed_paths=tuple(stale),
                    problems=problems)

    def _render(self, entries: Mapping[str, Entry], todo: list[PageSpec],
                progress: Progress | None, sources: SourceIndex,
                meanwhile: Callable[[], None] | None = None) -> list[str]:
        """Render ``todo`` in batches on the executor; returns the paths written.

        Workers on this machine write their pages themselves; a remote cluster
        returns bytes, written here.  Bodies are fetched per window of batches,
        so memory stays bounded however large the archive.
        """
        from newsarchive.run import jobs

        config = self.config
        executor = self._runner(len(todo))
        local = shares_files(executor)
        written: list[str] = []
        done = 0

        def collect(window: Sequence[Sequence[PageSpec]],
                    results: list[list[bytes | bool]]) -> None:
            nonlocal done
            for specs, batch_results in zip(window, results, strict=True):
                for spec, result in zip(specs, batch_results, strict=True):
                    if isinstance(result, bytes):
                        result = write_bytes_atomic(
                            safe_target(config.output_dir, spec.output_path), result,
                            config.output_dir / TEMP_DIR)
                    if result:
                        written.append(spec.output_path)
                done += len(specs)
                if progress:
                    progress("rendering", done, len(todo))

        from newsarchive.pipeline.render import card_values

        cards: dict[str, tuple[Any, ...]] = {}
        work = batches(todo, _RENDER_BATCH)
        running: tuple[Sequence[Sequence[PageSpec]], Callable[[], list[Any]]] | None = None
        for start in range(0, len(work), _WINDOW):
            window = work[start:start + _WINDOW]
            needed = {entries[k].article.source_path
                      for specs in window for spec in specs for k in jobs.full_keys(spec)}
            blobs = self._blobs(needed, sources)
            batch_jobs: list[RenderBatch] = []
            for specs in window:
                shown = {k for spec in specs for k in (*jobs.full_keys(spec), spec.article) if k}
                listed = {k for spec in specs for k in (*spec.keys, *spec.links)}
                for key in listed - cards.keys():
                    cards[key] = card_values(entries[key])
                batch_jobs.append((config, config.output_dir if local else None, specs,
                             {k: entries[k] for k in shown}, {k: cards[k] for k in listed},
                             {p: blobs[p] for p in {entries[k].article.source_path
                                                    for spec in specs
                                                    for k in jobs.full_keys(spec)}}))
            # The next window is handed out before this one is collected: workers
            # never wait for the builder to fetch bodies.
            started = submit(executor, jobs.render_batch, batch_jobs)
            if meanwhile is not None:
                meanwhile()
                meanwhile = None
            if running is not None:
                collect(running[0], running[1]())
            running = (window, started)
        if meanwhile is not None:
            meanwhile()
        if running is not None:
            collect(running[0], running[1]())
        return written
