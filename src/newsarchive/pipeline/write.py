"""The writing stage of a build: fingerprint every planned page, render the changed
ones on the executor, write only changed bytes, copy static files, prune, and
record the manifest.

A :class:`Writer` is made by :class:`newsarchive.run.session.Session` for its
config; the fast paths (:mod:`newsarchive.incremental.fastpath`) use its
:meth:`Writer.render` too.
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
from newsarchive.pipeline.plan import PageSpec, fingerprints
from newsarchive.run.executor import Executor, shares_files, submit
from newsarchive.run.load import Progress, SourceIndex, batches

if TYPE_CHECKING:
    from newsarchive.pipeline.render import CardValues as Card
    from newsarchive.run.jobs import RenderBatch

__all__ = ["Plan", "Writer", "Written", "forget_missing", "guard_links", "stale_pages"]

_RENDER_BATCH = 48
#: Render batches in flight at once: bounds the bodies held in memory.
_WINDOW = 64


@dataclass(slots=True)
class Plan:
    """Every planned page of a build and what it was planned from.  (The
    duplicate identities the next build compares with are counted from
    ``sources`` when they are saved: :func:`newsarchive.incremental.memory.save`.)"""

    specs: list[PageSpec]
    entries: dict[str, Entry]
    diagnostics: list[Diagnostic]
    duplicates: int
    undated: int
    read_diagnostics: dict[str, tuple[Diagnostic, ...]] = field(default_factory=dict)
    other_diagnostics: tuple[Diagnostic, ...] = ()
    urls: dict[str, tuple[str, str]] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    #: The sources the entries came from (where their bodies are fetched from).
    sources: SourceIndex = field(default_factory=SourceIndex)


def stale_pages(specs: Sequence[PageSpec], prints: Mapping[str, str],
                previous: Mapping[str, str], output_dir: str, full: bool = False
                ) -> list[PageSpec]:
    """The pages to render: all when ``full``, else those whose fingerprint differs
    from the last build's or whose file is missing (output paths are relative)."""
    if full:
        return list(specs)
    folder = os.path.join(output_dir, "")
    isfile = os.path.isfile
    return [spec for spec in specs
            if previous.get(path := spec.output_path) != prints[path]
            or not isfile(folder + path)]


def forget_missing(store: Cache, output_dir: Path, todo: Sequence[PageSpec],
                   prints: Mapping[str, str], recorded: dict[str, str]) -> None:
    """Forget the record of each page of ``todo`` that is to be rendered though its
    record in ``recorded`` (the cache's, also forgotten there) equals its
    fingerprint in ``prints``: its file is missing.

    Missing pages are created in place (``write_bytes_atomic(create_in_place=
    True)``); a build killed while writing one leaves part of it, and the next
    build renders a page again only when its file is missing or its record
    differs.  Without a record it differs; the page's print is recorded again
    once it is written."""
    missing = [spec.output_path for spec in todo
               if (record := recorded.get(spec.output_path))
               and record == prints[spec.output_path]
               and not os.path.isfile(os.path.join(output_dir, spec.output_path))]
    if missing:
        store.update_manifest(output_dir, {}, missing)
        for path in missing:
            recorded[path] = ""


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


@dataclass(frozen=True, slots=True)
class Written:
    """What :meth:`Writer.write` did; ``manifest`` is the fingerprint of every page
    and static file now in the output (the next build compares with it)."""

    rendered: int
    written_paths: tuple[str, ...]
    removed_paths: tuple[str, ...]
    removed: int
    unchanged: int
    problems: tuple[Diagnostic, ...]
    manifest: dict[str, str]

    def figures(self) -> dict[str, Any]:
        """The report's figures of this write."""
        return dict(rendered=self.rendered, written=len(self.written_paths),
                    unchanged=self.unchanged, removed=self.removed,
                    written_paths=self.written_paths, removed_paths=self.removed_paths)


class Writer:
    """Renders and writes the pages of one config: fingerprints, the executor,
    only changed bytes, prune, the output manifest."""

    def __init__(self, config: Config, store: Callable[[], Cache],
                 runner: Callable[[int], Executor]) -> None:
        self.config = config
        self._store = store
        self._runner = runner

    def blobs(self, paths: set[str], sources: SourceIndex) -> dict[str, bytes]:
        """Bodies blobs of ``paths``: waiting in memory, else from the cache, else
        (the cache lost them) by reading and enriching the file again."""
        from newsarchive.run import jobs

        found = {p: sources.pending[p] for p in paths if p in sources.pending}
        wanted = {p: sources.rows[p].digest for p in paths if p not in found}
        found.update(self._store().load_bodies(wanted))
        missing = sorted(p for p in paths if p not in found)
        for path, data, digest in read_sources(self.config.source_dir, missing):
            if data is not None and digest == sources.rows[path].digest:
                _, found[path] = jobs.load_one(self.config, path, data)
            else:  # changed under us: show it without a body rather than a stale one
                found[path] = jobs.empty_bodies(sources.rows[path].loaded)
        return found

    def write(self, plan: Plan, statics: Mapping[str, Path], previous: dict[str, str], *,
              full: bool, fresh: bool, force: bool, progress: Progress | None,
              meanwhile: Callable[[dict[str, str], int, Mapping[str, str], set[str]], None],
              known: Mapping[str, str] | None = None) -> Written:
        """Render the pages of ``plan`` whose fingerprint differs from ``previous`` (the
        last build's manifest), copy changed ``statics``, remove stale files.

        ``fresh``: the output was empty or absent when the session looked, so
        nothing in it can be in the way; ``force`` replaces files no build
        wrote.  ``meanwhile(template digests, pages to render, fingerprints, unsure)``
        runs while the first pages render (``unsure``: see
        :func:`~newsarchive.pipeline.plan.spec.fingerprints`).  ``known``: the
        template digests of the last build, when no template, translation or
        setting changed since (parsing the templates again to digest them took
        0.1 s of a one-shot edit).
        """
        from newsarchive.pipeline.render import template_digests

        config = self.config
        out = config.output_dir
        owned = read_owned(out) or set()
        for path in owned - previous.keys():  # the cache forgot them (lost, damaged)
            previous[path] = ""
        names = {s.template for s in plan.specs if s.template}
        digests = {name: known[name] for name in sorted(names)} if known is not None and (
            names <= known.keys()) else template_digests(
            str(config.templates_dir) if config.templates_dir else None, names, config.plugins)
        conf = config_digest(config)
        unsure: set[str] = set()
        manifest = fingerprints(plan.specs, plan.entries, digests, conf, unsure)
        for path, source in statics.items():
            manifest[path] = file_digest(source)
        todo = stale_pages(plan.specs, manifest, previous, str(out), full)
        refused: set[str] = set()
        problems: list[Diagnostic] = []
        if not fresh:
            refused, problems = self._in_the_way(todo, statics, manifest, previous, force)
        if refused:
            todo = [spec for spec in todo if spec.output_path not in refused]
            for path in refused:
                manifest.pop(path, None)
        listed = owned
        if not manifest.keys() | previous.keys() <= owned:
            # Before anything is written: a build killed from here on still
            # knows its own files next time.
            listed = manifest.keys() | previous.keys()
            write_owned(out, listed)
        forget_missing(self._store(), out, todo, manifest, previous)
        written = self.render(plan.entries, todo, progress, plan.sources,
                              lambda: meanwhile(digests, len(todo), manifest, unsure))
        written += self._copy_statics(statics, manifest, previous, full)
        stale = sorted(set(previous) - set(manifest) - refused)
        removed = prune(out, stale)
        changed = {p: f for p, f in manifest.items() if previous.get(p) != f}
        self._store().update_manifest(out, changed, stale)
        kept = manifest.keys() | (previous.keys() & refused)  # ours, but behind a link
        if kept != listed:
            write_owned(out, kept)
        return Written(len(todo), tuple(written), tuple(stale), removed,
                       len(manifest) - len(written), tuple(problems), manifest)

    def _in_the_way(self, todo: Sequence[PageSpec], statics: Mapping[str, Path],
                    manifest: Mapping[str, str], previous: Mapping[str, str], force: bool
                    ) -> tuple[set[str], list[Diagnostic]]:
        """Output paths not to write: below a link to a folder, or (without ``force``)
        held by a file no build wrote; with one problem for each."""
        out = self.config.output_dir
        touched = [*(s.output_path for s in todo), *statics,
                   *(p for p in previous if p not in manifest)]
        refused, problems = guard_links(out, touched)
        new = [p for p in manifest if p not in previous]
        for path in [] if force else foreign_paths(out, new):
            refused.add(path)
            problems.append(Diagnostic(
                (out / path).as_posix(), 0, 0,
                "a file the build did not write is in the way of a page; left alone",
                "move it out of the output folder, or build with --force to replace it"))
        return refused, problems

    def _copy_statics(self, statics: Mapping[str, Path], manifest: Mapping[str, str],
                      previous: Mapping[str, str], full: bool) -> list[str]:
        """Copy the static files whose bytes changed; the paths written."""
        out = self.config.output_dir
        written = []
        for path, source in statics.items():
            if path not in manifest:
                continue
            if (full or previous.get(path) != manifest[path] or not (out / path).is_file()
                    ) and write_bytes_atomic(safe_target(out, path), source.read_bytes(),
                                             out / TEMP_DIR):
                written.append(path)
        return written

    def render(self, entries: Mapping[str, Entry], todo: list[PageSpec],
               progress: Progress | None, sources: SourceIndex,
               meanwhile: Callable[[], None] | None = None) -> list[str]:
        """Render ``todo`` in batches on the executor; returns the paths written.

        Workers on this machine write their pages themselves; a remote cluster
        returns bytes, written here.  Bodies are fetched per window of batches,
        so memory stays bounded however large the archive.  The next window is
        handed out before this one is collected: workers never wait for the
        builder to fetch bodies.
        """
        from newsarchive.run import jobs

        executor = self._runner(len(todo))
        local = shares_files(executor)
        written: list[str] = []
        done = 0
        cards: dict[str, Card] = {}
        work = batches(todo, _RENDER_BATCH)
        running: tuple[Sequence[Sequence[PageSpec]], Callable[[], list[Any]]] | None = None
        for start in range(0, len(work), _WINDOW):
            window = work[start:start + _WINDOW]
            batch_jobs = self._jobs(window, entries, cards, sources, local)
            started = submit(executor, jobs.render_batch, batch_jobs)
            if meanwhile is not None:
                meanwhile()
                meanwhile = None
            if running is not None:
                paths, done = self._collect(running[0], running[1](), done, len(todo), progress)
                written += paths
            running = (window, started)
        if meanwhile is not None:
            meanwhile()
        if running is not None:
            written += self._collect(running[0], running[1](), done, len(todo), progress)[0]
        return written

    def _jobs(self, window: Sequence[Sequence[PageSpec]], entries: Mapping[str, Entry],
              cards: dict[str, Card], sources: SourceIndex, local: bool) -> list[RenderBatch]:
        """The render jobs of a window of batches: each with the entries it shows in
        full, the cards it lists (made once, kept in ``cards``) and the bodies."""
        from newsarchive.pipeline.compiled import folder_for as compiled_folder
        from newsarchive.pipeline.render import card_values
        from newsarchive.run.jobs import RenderBatch, full_keys

        config = self.config
        # Workers on this machine keep compiled templates in the cache folder.
        compiled = compiled_folder(config.cache_dir) if local and self._store().enabled \
            else None
        needed = {entries[k].article.source_path
                  for specs in window for spec in specs for k in full_keys(spec)}
        blobs = self.blobs(needed, sources)
        found: list[RenderBatch] = []
        for specs in window:
            shown = {k for spec in specs for k in (*full_keys(spec), spec.article) if k}
            listed = {k for spec in specs for k in (*spec.keys, *spec.links)}
            for key in listed - cards.keys():
                cards[key] = card_values(entries[key])
            paths = {entries[k].article.source_path for spec in specs for k in full_keys(spec)}
            found.append(RenderBatch(
                config, config.output_dir if local else None, specs,
                {k: entries[k] for k in shown}, {k: cards[k] for k in listed},
                {p: blobs[p] for p in paths}, compiled))
        return found

    def _collect(self, window: Sequence[Sequence[PageSpec]], results: list[list[bytes | bool]],
                 done: int, total: int, progress: Progress | None) -> tuple[list[str], int]:
        """Write what remote workers returned; the paths written in ``window`` and the
        count of pages done (``done`` before it)."""
        out = self.config.output_dir
        written: list[str] = []
        for specs, batch_results in zip(window, results, strict=True):
            for spec, result in zip(specs, batch_results, strict=True):
                if isinstance(result, bytes):
                    result = write_bytes_atomic(safe_target(out, spec.output_path), result,
                                                out / TEMP_DIR, create_in_place=True)
                if result:
                    written.append(spec.output_path)
            done += len(specs)
            if progress:
                progress("rendering", done, total)
        return written, done
