"""Run the pipeline: discover, load (cached), index, plan, render (selectively), write, prune.

A :class:`Session` remembers what it loaded and wrote, so ``newsarchive serve``
rebuilds after a change by re-reading only the changed sources; :func:`build`
is a one-shot session.  Reading is incremental (cache keyed by content
digest), indexing is done in full, rendering is selective (page fingerprints)
and writing skips unchanged bytes.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsarchive import __version__, tasks
from newsarchive.archive import build_archive
from newsarchive.cache import Cache, open_cache
from newsarchive.config import Config
from newsarchive.enrich import ENRICH_VERSION
from newsarchive.errors import Diagnostic, OutputError
from newsarchive.executor import Executor, LocalExecutor, SerialExecutor
from newsarchive.feeds import plan_site_files
from newsarchive.model import Entry
from newsarchive.output import file_digest, prune, safe_target, static_files, write_bytes_atomic
from newsarchive.pages import PageSpec, fingerprint, plan_pages
from newsarchive.read import SUFFIXES
from newsarchive.read.dedupe import find_duplicates
from newsarchive.render import DEFAULT_BASE_URL, page_context, template_digests
from newsarchive.sources import discover, read_sources

__all__ = ["BuildReport", "Progress", "Session", "build"]

#: Below this many units of work, worker processes cost more than they save.
_PARALLEL_MIN = 200
_BATCH = 64
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


def _batches(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


@dataclass(slots=True)
class _Plan:
    specs: list[PageSpec]
    entries: dict[str, Entry]
    diagnostics: list[Diagnostic]
    duplicates: int
    undated: int


class Session:
    """Builds one archive repeatedly, keeping what it loaded and wrote in memory.

    Not thread-safe: call ``build`` from one thread at a time.
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
        self._loaded: dict[str, tuple[str, tasks.Loaded]] | None = None
        self._unreadable: dict[str, str] = {}
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

    def _load(self, changed: Collection[str] | None, progress: Progress | None
              ) -> tuple[int, list[tuple[str, str, tasks.Loaded]], list[str]]:
        """Bring the loaded sources up to date; returns (files read, new rows, removed)."""
        config = self.config
        if self._loaded is None:
            self._loaded = {p: (d, v) for p, (d, v)
                            in self._open().load_sources(self._settings).items()}
            changed = None
        exclude = (config.output_dir, config.cache_dir)
        if changed is None:
            paths = discover(config.source_dir, SUFFIXES, exclude)
            removed = sorted(set(self._loaded) - set(paths))
        else:
            present = [p for p in sorted(set(changed))
                       if p.lower().endswith(SUFFIXES) and (config.source_dir / p).is_file()]
            removed = sorted(set(changed) - set(present))
            paths = present
        for path in removed:
            self._loaded.pop(path, None)
            self._unreadable.pop(path, None)
        fresh: list[tuple[str, bytes]] = []
        digests: dict[str, str] = {}
        for path, data, digest in read_sources(config.source_dir, paths):
            self._unreadable.pop(path, None)
            if data is None:
                self._loaded.pop(path, None)
                self._unreadable[path] = digest
                continue
            digests[path] = digest
            cached = self._loaded.get(path)
            if cached is None or cached[0] != digest:
                fresh.append((path, data))
        runner = self._runner(len(fresh))
        results: list[tasks.Loaded] = []
        batches = _batches(fresh, _BATCH)
        for i, batch_result in enumerate(runner.map(tasks.load_batch,
                                                    [(config, b) for b in batches])):
            results.extend(batch_result)
            if progress:
                progress("reading", min((i + 1) * _BATCH, len(fresh)), len(fresh))
        rows = []
        for (path, _), result in zip(fresh, results, strict=True):
            self._loaded[path] = (digests[path], result)
            rows.append((path, digests[path], result))
        return len(fresh), rows, removed

    def _plan(self) -> tuple[_Plan, dict[str, str]]:
        assert self._loaded is not None
        entries: list[Entry] = []
        diagnostics: list[Diagnostic] = []
        skipped: dict[str, str] = {}
        for path, reason in sorted(self._unreadable.items()):
            skipped[path] = f"cannot read: {reason}"
            diagnostics.append(Diagnostic(path, 0, 0, f"cannot read file: {reason}",
                                          "check the file's permissions"))
        for path in sorted(self._loaded):
            read_result, file_entries = self._loaded[path][1]
            diagnostics.extend(read_result.diagnostics)
            entries.extend(file_entries)
            errors = [d for d in read_result.diagnostics if d.severity == "error"]
            if not file_entries and errors:
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
        folder) when given, else every source.

        ``full`` renders every page even when its fingerprint is unchanged
        (files are still written only when their bytes differ); ``dry_run``
        reads, indexes and plans without writing.  Problems in sources never
        raise: they are collected in the report.  Raises OutputError when two
        pages claim one output path.
        """
        started = time.perf_counter()
        config = self.config
        read_count, rows, removed_sources = self._load(changed, progress)
        plan, skipped = self._plan()
        diagnostics = plan.diagnostics
        if self._cache_warning:
            diagnostics.insert(0, Diagnostic(str(config.cache_dir), 0, 0, self._cache_warning,
                                             "", "warning"))
            self._cache_warning = ""
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
            skipped=skipped, sources=len(self._loaded or {}) + len(self._unreadable),
            sources_read=read_count, pages=len(plan.specs) + len(statics))
        if dry_run:
            return BuildReport(**counts, diagnostics=tuple(diagnostics), dry_run=True,
                               seconds=time.perf_counter() - started)
        cache = self._open()
        cache.store_sources(self._settings, rows, removed_sources)
        result = self._write(plan, statics, full, progress)
        return BuildReport(**counts, **result, diagnostics=tuple(diagnostics),
                           seconds=time.perf_counter() - started)

    def _write(self, plan: _Plan, statics: dict[str, Path], full: bool,
               progress: Progress | None) -> dict[str, Any]:
        config = self.config
        cache = self._open()
        if self._manifest is None:
            self._manifest = cache.load_manifest(config.output_dir)
        previous = self._manifest
        templates_dir = str(config.templates_dir) if config.templates_dir else None
        digests = template_digests(templates_dir, {s.template for s in plan.specs if s.template})
        conf = config_digest(config)
        manifest: dict[str, str] = {}
        todo: list[PageSpec] = []
        for spec in plan.specs:
            fp = fingerprint(spec, plan.entries, digests.get(spec.template, ""), conf)
            manifest[spec.output_path] = fp
            if full or previous.get(spec.output_path) != fp or not (
                    config.output_dir / spec.output_path).is_file():
                todo.append(spec)
        jobs = [(s.output_path, s.template, page_context(s, plan.entries, config)) for s in todo]
        batches = _batches(jobs, _BATCH)
        outputs = self._runner(len(jobs)).map(tasks.render_batch,
                                             [(templates_dir, b) for b in batches])
        written_paths: list[str] = []
        done = 0
        for batch_jobs, batch_out in zip(batches, outputs, strict=True):
            for (path, _, _), data in zip(batch_jobs, batch_out, strict=True):
                if write_bytes_atomic(safe_target(config.output_dir, path), data):
                    written_paths.append(path)
            done += len(batch_jobs)
            if progress:
                progress("writing", done, len(jobs))
        for path, source in statics.items():
            digest = file_digest(source)
            manifest[path] = digest
            if full or previous.get(path) != digest or not (config.output_dir / path).is_file():
                if write_bytes_atomic(safe_target(config.output_dir, path), source.read_bytes()):
                    written_paths.append(path)
        stale = sorted(set(previous) - set(manifest))
        removed = prune(config.output_dir, stale)
        changed = {p: f for p, f in manifest.items() if previous.get(p) != f}
        cache.update_manifest(config.output_dir, changed, stale)
        self._manifest = manifest
        return dict(rendered=len(todo), written=len(written_paths),
                    unchanged=len(manifest) - len(written_paths), removed=removed,
                    written_paths=tuple(written_paths), removed_paths=tuple(stale))


def build(config: Config, *, full: bool = False, dry_run: bool = False,
          executor: Executor | None = None, progress: Progress | None = None,
          use_cache: bool = True) -> BuildReport:
    """Build the archive described by ``config`` once; see :meth:`Session.build`."""
    session = Session(config, executor, use_cache=use_cache and not dry_run)
    try:
        return session.build(full=full, dry_run=dry_run, progress=progress)
    finally:
        session.close()
