"""Run the pipeline: discover, load (cached), index, plan, render (selectively), write, prune.

A :class:`Session` remembers what it loaded and wrote, so ``newsarchive serve``
rebuilds after a change by re-reading only the changed sources; :func:`build`
is a one-shot session.  Reading is incremental (cache keyed by content
digest), indexing is done in full, rendering is selective (page fingerprints)
and writing skips unchanged bytes.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsarchive import __version__, tasks
from newsarchive.archive import build_archive
from newsarchive.cache import Cache, SourceRow, open_cache
from newsarchive.config import Config
from newsarchive.enrich import ENRICH_VERSION
from newsarchive.errors import Diagnostic, OutputError
from newsarchive.executor import Executor, LocalExecutor, SerialExecutor, shares_files
from newsarchive.feeds import plan_site_files
from newsarchive.loading import SourceIndex, batches, refresh
from newsarchive.model import Entry
from newsarchive.output import file_digest, prune, safe_target, static_files, write_bytes_atomic
from newsarchive.pages import PageSpec, fingerprint, plan_pages
from newsarchive.read.dedupe import find_duplicates
from newsarchive.render import DEFAULT_BASE_URL, template_digests
from newsarchive.sources import read_sources

__all__ = ["BuildReport", "Progress", "Session", "build"]

#: Below this many units of work, worker processes cost more than they save.
_PARALLEL_MIN = 200
_RENDER_BATCH = 48
#: Render batches in flight at once: bounds the bodies held in memory.
_WINDOW = 64
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did.  ``skipped`` maps each skipped source file to its reason."""

    articles: int = 0
    undated: int = 0
    duplicates: int = 0
    skipped: Mapping[str, str] = field(default_factory=dict)
    sources: int = 0
    sources_read: int = 0
    pages: int = 0
    rendered: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    diagnostics: tuple[Diagnostic, ...] = ()
    seconds: float = 0.0
    dry_run: bool = False
    written_paths: tuple[str, ...] = ()
    removed_paths: tuple[str, ...] = ()

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")

    @property
    def exit_status(self) -> int:
        """0 when every source was used, 1 when any file was skipped or errored."""
        return 1 if self.skipped or self.errors else 0


def settings_digest(config: Config) -> str:
    """Digest of everything besides a source's bytes that shapes its cached result."""
    material = repr((__version__, ENRICH_VERSION, config.read, config.topics,
                     config.timezone, config.language))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def config_digest(config: Config) -> str:
    """Digest of the config as it affects rendered pages."""
    material = repr((config.title, config.description, config.base_url, config.language,
                     config.timezone, config.per_page, config.feed_size, config.index_html,
                     config.cname))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class _Plan:
    specs: list[PageSpec]
    entries: dict[str, Entry]
    diagnostics: list[Diagnostic]
    duplicates: int
    undated: int


class Session:
    """Builds one archive repeatedly, keeping what it loaded and wrote in memory.

    Not thread-safe: use a session only from the thread that created it (its
    SQLite cache connection belongs to that thread).
    """

    def __init__(self, config: Config, executor: Executor | None = None,
                 use_cache: bool = True) -> None:
        self.config = config
        self._executor = executor or LocalExecutor()
        self._own_executor = executor is None
        self._use_cache = use_cache
        self._settings = settings_digest(config)
        self._cache: Cache | None = None
        self._cache_warning = ""
        self._sources = SourceIndex()
        self._manifest: dict[str, str] | None = None

    def _open(self) -> Cache:
        if self._cache is None:
            cache, warning = open_cache(self.config.cache_dir, enabled=self._use_cache)
            self._cache = cache
            self._cache_warning = warning.message if warning else ""
        return self._cache

    def close(self) -> None:
        """Close the cache and stop worker processes this session started."""
        if self._cache is not None:
            self._cache.close()
            self._cache = None
        if self._own_executor:
            self._executor.close()

    def _runner(self, work: int) -> Executor:
        return self._executor if work >= _PARALLEL_MIN else SerialExecutor()

    def _plan(self) -> tuple[_Plan, dict[str, str]]:
        sources = self._sources
        entries: list[Entry] = []
        diagnostics: list[Diagnostic] = []
        skipped: dict[str, str] = {}
        for path, reason in sorted(sources.unreadable.items()):
            skipped[path] = f"cannot read: {reason}"
            diagnostics.append(Diagnostic(path, 0, 0, f"cannot read file: {reason}",
                                          "check the file's permissions"))
        for path in sorted(sources.rows):
            read_result, file_entries = sources.rows[path].loaded
            diagnostics.extend(read_result.diagnostics)
            entries.extend(file_entries)
            if not file_entries:
                errors = [d for d in read_result.diagnostics if d.severity == "error"]
                if errors:
                    skipped[path] = errors[0].message
        kept_articles, dup_diags = find_duplicates([e.article for e in entries])
        kept_keys = {a.key for a in kept_articles}
        archive, url_diags = build_archive(e for e in entries if e.key in kept_keys)
        specs = list(plan_pages(archive, self.config))
        specs += plan_site_files(specs, self.config)
        diagnostics += list(dup_diags) + list(url_diags)
        for entry in archive.undated:
            diagnostics.append(Diagnostic(
                entry.article.source_path, 0, 0,
                f"no date found; '{entry.title}' is listed under Undated",
                "add a date line or a `date:` in front matter", "warning"))
        by_key = {e.key: e for e in archive.entries}
        plan = _Plan(specs, by_key, diagnostics, len(dup_diags), len(archive.undated))
        return plan, skipped

    def build(self, changed: Collection[str] | None = None, *, full: bool = False,
              dry_run: bool = False, progress: Progress | None = None) -> BuildReport:
        """Build, re-reading only ``changed`` source paths (relative to the source
        folder) when given, else every source whose bytes changed.

        ``full`` renders every page even when its fingerprint is unchanged
        (files are still written only when their bytes differ); ``dry_run``
        reads, indexes and plans without writing.  Problems in sources never
        raise: they are collected in the report.  Raises OutputError when two
        pages claim one output path.  ``progress(stage, done, total)`` is called
        as batches finish during the long stages (reading, rendering).
        """
        started = time.perf_counter()
        config = self.config
        cache = self._open()
        loaded = refresh(self._sources, config, cache, self._settings, changed,
                         self._runner, shares_files, progress)
        if progress:
            progress("planning", 0, 1)
        plan, skipped = self._plan()
        if progress:
            progress("planning", 1, 1)
        diagnostics = plan.diagnostics
        if not config.base_url:
            where = config.config_path.name if config.config_path else "archive.yaml"
            diagnostics.append(Diagnostic(
                where, 0, 0,
                f"base_url is not set; feeds, sitemap and canonical links use {DEFAULT_BASE_URL}",
                "set base_url in archive.yaml or pass --base-url before deploying", "warning"))
        statics = static_files([Path(__file__).parent / "static",
                                *([config.static_dir] if config.static_dir else [])])
        seen: set[str] = set()
        for path in [s.output_path for s in plan.specs] + list(statics):
            if path in seen:
                raise OutputError(f"two pages claim the output path {path}")
            seen.add(path)
            safe_target(config.output_dir, path)
        counts: dict[str, Any] = dict(
            articles=len(plan.entries), undated=plan.undated, duplicates=plan.duplicates,
            skipped=skipped, sources=len(self._sources.rows) + len(self._sources.unreadable),
            sources_read=loaded.parsed, pages=len(plan.specs) + len(statics))
        if dry_run:
            return BuildReport(**counts, diagnostics=self._with_cache_warning(diagnostics),
                               dry_run=True, seconds=time.perf_counter() - started)
        cache.store_sources(self._settings,
                            [self._with_bodies(r) for r in loaded.fresh],
                            loaded.removed, loaded.stats)
        if cache.enabled:
            self._sources.pending.clear()
        result = self._write(plan, statics, full, progress)
        return BuildReport(**counts, **result, diagnostics=self._with_cache_warning(diagnostics),
                           seconds=time.perf_counter() - started)

    def _with_bodies(self, row: SourceRow) -> SourceRow:
        return SourceRow(row.path, row.digest, row.stat, row.loaded,
                         self._sources.pending.get(row.path, row.bodies))

    def _with_cache_warning(self, diagnostics: list[Diagnostic]) -> tuple[Diagnostic, ...]:
        cache = self._cache
        if cache is not None and cache.warning is not None:
            self._cache_warning = self._cache_warning or cache.warning.message
            cache.warning = None
        if self._cache_warning:
            diagnostics.insert(0, Diagnostic(str(self.config.cache_dir), 0, 0,
                                             self._cache_warning, "", "warning"))
            self._cache_warning = ""
        return tuple(diagnostics)

    def _blobs(self, paths: set[str]) -> dict[str, bytes]:
        """Bodies blobs of ``paths``: waiting in memory, else from the cache, else
        (the cache lost them) by reading and enriching the file again."""
        sources = self._sources
        found = {p: sources.pending[p] for p in paths if p in sources.pending}
        wanted = {p: sources.rows[p].digest for p in paths if p not in found}
        found.update(self._open().load_bodies(wanted))
        missing = sorted(p for p in paths if p not in found)
        for path, data, digest in read_sources(self.config.source_dir, missing):
            if data is not None and digest == sources.rows[path].digest:
                _, found[path] = tasks.load_one(self.config, path, data)
            else:  # changed under us: show it without a body rather than a stale one
                found[path] = tasks.empty_bodies(sources.rows[path].loaded)
        return found

    def _write(self, plan: _Plan, statics: dict[str, Path], full: bool,
               progress: Progress | None) -> dict[str, Any]:
        config = self.config
        cache = self._open()
        if self._manifest is None:
            self._manifest = cache.load_manifest(config.output_dir)
        previous = self._manifest
        digests = template_digests(
            str(config.templates_dir) if config.templates_dir else None,
            {s.template for s in plan.specs if s.template})
        conf = config_digest(config)
        out = str(config.output_dir)
        manifest: dict[str, str] = {}
        todo: list[PageSpec] = []
        for spec in plan.specs:
            fp = fingerprint(spec, plan.entries, digests.get(spec.template, ""), conf)
            manifest[spec.output_path] = fp
            if full or previous.get(spec.output_path) != fp or not os.path.isfile(
                    os.path.join(out, spec.output_path)):
                todo.append(spec)
        written_paths = self._render(plan, todo, progress)
        for path, source in statics.items():
            digest = file_digest(source)
            manifest[path] = digest
            if (full or previous.get(path) != digest or not (config.output_dir / path).is_file()
                    ) and write_bytes_atomic(safe_target(config.output_dir, path),
                                             source.read_bytes()):
                written_paths.append(path)
        stale = sorted(set(previous) - set(manifest))
        removed = prune(config.output_dir, stale)
        changed = {p: f for p, f in manifest.items() if previous.get(p) != f}
        cache.update_manifest(config.output_dir, changed, stale)
        self._manifest = manifest
        return dict(rendered=len(todo), written=len(written_paths),
                    unchanged=len(manifest) - len(written_paths), removed=removed,
                    written_paths=tuple(written_paths), removed_paths=tuple(stale))

    def _render(self, plan: _Plan, todo: list[PageSpec], progress: Progress | None
                ) -> list[str]:
        """Render ``todo`` in batches on the executor; returns the paths written.

        Workers on this machine write their pages themselves; a remote cluster
        returns bytes, written here.  Bodies are fetched per window of batches,
        so memory stays bounded however large the archive.
        """
        config = self.config
        executor = self._runner(len(todo))
        local = shares_files(executor)
        written: list[str] = []
        done = 0
        work = batches(todo, _RENDER_BATCH)
        for start in range(0, len(work), _WINDOW):
            window = work[start:start + _WINDOW]
            needed = {plan.entries[k].article.source_path
                      for specs in window for spec in specs for k in tasks.full_keys(spec)}
            blobs = self._blobs(needed)
            jobs: list[tasks.RenderBatch] = []
            for specs in window:
                keys = {k for spec in specs for k in (*spec.keys, spec.article) if k}
                entries = {k: plan.entries[k] for k in keys}
                paths = {entries[k].article.source_path
                         for spec in specs for k in tasks.full_keys(spec)}
                jobs.append((config, config.output_dir if local else None, specs, entries,
                             {p: blobs[p] for p in paths}))
            for specs, results in zip(window, executor.map(tasks.render_batch, jobs),
                                      strict=True):
                for spec, result in zip(specs, results, strict=True):
                    if isinstance(result, bytes):
                        result = write_bytes_atomic(
                            safe_target(config.output_dir, spec.output_path), result)
                    if result:
                        written.append(spec.output_path)
                done += len(specs)
                if progress:
                    progress("rendering", done, len(todo))
        return written


def build(config: Config, *, full: bool = False, dry_run: bool = False,
          executor: Executor | None = None, progress: Progress | None = None,
          use_cache: bool = True) -> BuildReport:
    """Build the archive described by ``config`` once; see :meth:`Session.build`."""
    session = Session(config, executor, use_cache=use_cache and not dry_run)
    try:
        return session.build(full=full, dry_run=dry_run, progress=progress)
    finally:
        session.close()
