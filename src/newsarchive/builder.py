"""Run the pipeline: discover, load (cached), index, plan, render (selectively), write, prune.

``build`` is the whole build; the watcher calls it again after changes, and
the cache plus page fingerprints make that proportional to what changed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsarchive import __version__, tasks
from newsarchive.archive import build_archive
from newsarchive.cache import open_cache
from newsarchive.config import Config
from newsarchive.enrich import ENRICH_VERSION
from newsarchive.errors import Diagnostic, OutputError
from newsarchive.executor import Executor, LocalExecutor, SerialExecutor
from newsarchive.feeds import plan_site_files
from newsarchive.model import Entry
from newsarchive.output import file_digest, prune, static_files, write_bytes_atomic, safe_target
from newsarchive.pages import PageSpec, fingerprint, plan_pages
from newsarchive.read import SUFFIXES
from newsarchive.read.dedupe import find_duplicates
from newsarchive.render import page_context, template_digests, DEFAULT_BASE_URL
from newsarchive.sources import discover, read_sources

__all__ = ["BuildReport", "Progress", "build"]

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


def _batches(items: Sequence[object], size: int) -> list[Sequence[object]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _choose(executor: Executor | None, work: int) -> Executor:
    if executor is not None and work >= _PARALLEL_MIN:
        return executor
    return SerialExecutor()


def _load(config: Config, executor: Executor | None, progress: Progress | None,
          cache_rows: dict[str, tuple[str, tasks.Loaded]]
          ) -> tuple[list[Entry], list[Diagnostic], dict[str, str], int, list[tuple[str, str, tasks.Loaded]]]:
    exclude = (config.output_dir, config.cache_dir)
    paths = discover(config.source_dir, SUFFIXES, exclude)
    entries: list[Entry] = []
    diagnostics: list[Diagnostic] = []
    skipped: dict[str, str] = {}
    fresh: list[tuple[str, bytes]] = []
    digests: dict[str, str] = {}
    loaded: dict[str, tasks.Loaded] = {}
    for path, data, digest in read_sources(config.source_dir, paths):
        if data is None:
            skipped[path] = f"cannot read: {digest}"
            diagnostics.append(Diagnostic(path, 0, 0, f"cannot read file: {digest}",
                                          "check the file's permissions"))
            continue
        digests[path] = digest
        cached = cache_rows.get(path)
        if cached is not None and cached[0] == digest:
            loaded[path] = cached[1]
        else:
            fresh.append((path, data))
    runner = _choose(executor, len(fresh))
    batches = [(config, b) for b in _batches(fresh, _BATCH)]
    results: list[tasks.Loaded] = []
    for i, batch_result in enumerate(runner.map(tasks.load_batch, batches)):
        results.extend(batch_result)
        if progress:
            progress("reading", min((i + 1) * _BATCH, len(fresh)), len(fresh))
    new_rows = []
    for (path, _), result in zip(fresh, results, strict=True):
        loaded[path] = result
        new_rows.append((path, digests[path], result))
    for path in sorted(loaded):
        read_result, file_entries = loaded[path]
        diagnostics.extend(read_result.diagnostics)
        entries.extend(file_entries)
        if not file_entries and any(d.severity == "error" for d in read_result.diagnostics):
            first = next(d for d in read_result.diagnostics if d.severity == "error")
            skipped[path] = first.message
    return entries, diagnostics, skipped, len(fresh), new_rows


def _plan(config: Config, entries: list[Entry]
          ) -> tuple[list[PageSpec], dict[str, Entry], list[Diagnostic], int, int]:
    kept_articles, dup_diags = find_duplicates([e.article for e in entries])
    kept_keys = {a.key for a in kept_articles}
    unique = [e for e in entries if e.key in kept_keys]
    archive, url_diags = build_archive(unique)
    specs = list(plan_pages(archive, config))
    specs += plan_site_files(specs, config)
    by_key = {e.key: e for e in archive.entries}
    diags = list(dup_diags) + list(url_diags)
    for entry in archive.undated:
        diags.append(Diagnostic(entry.article.source_path, 0, 0,
                                f"no date found; '{entry.title}' is listed under Undated",
                                "add a date line or a `date:` in front matter", "warning"))
    return specs, by_key, diags, len(dup_diags), len(archive.undated)


def build(config: Config, *, full: bool = False, dry_run: bool = False,
          executor: Executor | None = None, progress: Progress | None = None,
          use_cache: bool = True) -> BuildReport:
    """Build the archive described by ``config``; returns what was done.

    ``full`` renders every page even when its fingerprint is unchanged (files
    are still written only when their bytes differ); ``dry_run`` reads,
    indexes and plans without writing anything.  Problems in sources never
    raise: they are collected in the report.  Raises OutputError when two
    pages claim one output path.
    """
    started = time.perf_counter()
    own_executor = executor is None
    executor = executor or LocalExecutor()
    cache, cache_warning = open_cache(config.cache_dir, enabled=use_cache and not dry_run)
    try:
        settings = settings_digest(config)
        cache_rows = cache.load_sources(settings)
        entries, diagnostics, skipped, fresh, new_rows = _load(config, executor, progress,
                                                               cache_rows)
        if cache_warning:
            diagnostics.insert(0, Diagnostic(str(config.cache_dir), 0, 0, cache_warning.message,
                                             "", "warning"))
        specs, by_key, plan_diags, duplicates, undated = _plan(config, entries)
        diagnostics.extend(plan_diags)
        if not config.base_url:
            diagnostics.append(Diagnostic(
                "archive.yaml", 0, 0,
                f"base_url is not set; feeds, sitemap and canonical links use {DEFAULT_BASE_URL}",
                "set base_url in archive.yaml or pass --base-url before deploying", "warning"))
        statics = static_files([Path(__file__).parent / "static",
                                *([config.static_dir] if config.static_dir else [])])
        seen: dict[str, str] = {}
        for path in [s.output_path for s in specs] + list(statics):
            if path in seen:
                raise OutputError(f"two pages claim {path}")
            seen[path] = path
            safe_target(config.output_dir, path)
        report = dict(articles=len(by_key), undated=undated, duplicates=duplicates,
                      skipped=skipped, sources=len(cache_rows) + fresh, sources_read=fresh,
                      pages=len(specs) + len(statics))
        if dry_run:
            return BuildReport(**report, diagnostics=tuple(diagnostics), dry_run=True,
                               seconds=time.perf_counter() - started)
        cache.store_sources(settings, new_rows, keep=sorted({*cache_rows, *[r[0] for r in new_rows]}
                                                             & _present(config)))
        rendered, written, unchanged, removed, written_paths = _write(
            config, specs, by_key, statics, cache, executor, full, progress)
        return BuildReport(**report, rendered=rendered, written=written, unchanged=unchanged,
                           removed=removed, diagnostics=tuple(diagnostics),
                           seconds=time.perf_counter() - started,
                           written_paths=tuple(written_paths))
    finally:
        cache.close()
        if own_executor:
            executor.close()


def _present(config: Config) -> set[str]:
    return set(discover(config.source_dir, SUFFIXES, (config.output_dir, config.cache_dir)))


def _write(config: Config, specs: list[PageSpec], by_key: dict[str, Entry],
           statics: dict[str, Path], cache: object, executor: Executor, full: bool,
           progress: Progress | None) -> tuple[int, int, int, int, list[str]]:
    from newsarchive.cache import Cache

    assert isinstance(cache, Cache)
    templates_dir = str(config.templates_dir) if config.templates_dir else None
    digests = template_digests(templates_dir, {s.template for s in specs if s.template})
    conf = config_digest(config)
    previous = cache.load_manifest(config.output_dir)
    manifest: dict[str, str] = {}
    todo: list[tuple[PageSpec, str]] = []
    for spec in specs:
        fp = fingerprint(spec, by_key, digests.get(spec.template, ""), conf)
        manifest[spec.output_path] = fp
        if full or previous.get(spec.output_path) != fp or not (
                config.output_dir / spec.output_path).is_file():
            todo.append((spec, fp))
    jobs = [(spec.output_path, spec.template, page_context(spec, by_key, config))
            for spec, _ in todo]
    runner = _choose(executor, len(jobs))
    written = 0
    written_paths: list[str] = []
    done = 0
    for batch_jobs, outputs in zip(_batches(jobs, _BATCH),
                                   runner.map(tasks.render_batch,
                                              [(templates_dir, b) for b in _batches(jobs, _BATCH)]),
                                   strict=True):
        for job, data in zip(batch_jobs, outputs, strict=True):
            path = job[0]
            if write_bytes_atomic(safe_target(config.output_dir, path), data):
                written += 1
                written_paths.append(path)
        done += len(batch_jobs)
        if progress:
            progress("rendering", done, len(jobs))
    for path, source in statics.items():
        digest = file_digest(source)
        manifest[path] = digest
        if full or previous.get(path) != digest or not (config.output_dir / path).is_file():
            if write_bytes_atomic(safe_target(config.output_dir, path), source.read_bytes()):
                written += 1
                written_paths.append(path)
    unchanged = len(manifest) - written
    removed = prune(config.output_dir, set(previous) - set(manifest))
    cache.save_manifest(config.output_dir, manifest)
    return len(todo), written, unchanged, removed, written_paths
