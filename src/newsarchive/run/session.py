"""Run the pipeline: discover, load (cached), index, plan, render (selectively), write, prune.

A :class:`Session` remembers what it loaded and wrote, so ``newsarchive serve``
rebuilds after a change by re-reading only the changed sources; :func:`build`
is a one-shot session.  Reading is incremental (cache keyed by content
digest), rendering is selective (page fingerprints) and writing skips
unchanged bytes.  Indexing and planning are done in full, except on the two
fast paths (:mod:`newsarchive.incremental.memory`): when nothing changed since the
last build the saved state answers, and when a few articles were edited in
place only the pages that show them are fingerprinted and rendered.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from newsarchive import hooks, theme
from newsarchive.config import Config
from newsarchive.errors import Diagnostic, OutputError
from newsarchive.incremental import memory
from newsarchive.incremental.fastpath import PATCH_MAX, FastPaths
from newsarchive.incremental.keys import BuildReport, settings_digest
from newsarchive.incremental.memory import BuildState, PlanIndex, seal
from newsarchive.incremental.store import Cache, SourceRow, open_cache
from newsarchive.model import Entry
from newsarchive.pipeline.discover import refusal_hint
from newsarchive.pipeline.output import check_output_folder, clear_temp, safe_target, static_files
from newsarchive.pipeline.plan import PageSpec
from newsarchive.pipeline.write import Plan, Writer
from newsarchive.run.executor import (
    Executor,
    LocalExecutor,
    SerialExecutor,
    shares_files,
)
from newsarchive.run.load import Progress, SourceIndex, refresh

if TYPE_CHECKING:
    pass

# Reading, enriching, indexing and rendering (YAML, Markdown, Jinja, Babel) are
# imported on first use: a warm build that changes nothing never needs them.

__all__ = ["BuildReport", "Progress", "Session", "build", "check_output"]

#: Below this many units of work, worker processes cost more than they save.
_PARALLEL_MIN = 200


def _plain_relative(path: str) -> bool:
    """Whether ``path`` passes ``output.safe_target``'s checks (without making Paths)."""
    return bool(path) and path[0] != "/" and "\\" not in path and "//" not in path \
        and not path.endswith("/") and not any(p in (".", "..") for p in path.split("/"))


class Session(Writer, FastPaths):
    """Builds one archive repeatedly, keeping what it loaded and wrote in memory.

    Not thread-safe: use a session only from the thread that created it (its
    SQLite cache connection belongs to that thread).

    Until a build needs the whole index (the first full build), a session
    builds from the state the last build saved in the cache (see
    :mod:`newsarchive.incremental.memory`): nothing changed -> nothing rendered; a few
    articles edited in place -> only the pages that show them rendered.  After
    such a build, or once primed, a build given its ``changed`` paths takes the
    same two fast paths comparing only those paths (see :meth:`_primed`), and
    keeps its index in step with what they did.
    """

    def __init__(self, config: Config, executor: Executor | None = None,
                 use_cache: bool = True, force: bool = False) -> None:
        self.config = config
        self._force = force
        #: Set by the output-folder check of the first build that writes.
        self._fresh_output = False
        self._checked = False
        self._executor = executor or LocalExecutor()
        self._own_executor = executor is None
        self._use_cache = use_cache
        self._settings = settings_digest(config)
        self._cache: Cache | None = None
        self._cache_warning = ""
        self._sources = SourceIndex()
        self._manifest: dict[str, str] | None = None
        self._saved_chunks: list[Sequence[PageSpec]] | None = None
        self._verified = False
        #: Source table (path -> digest, stat) as this session's last build left it,
        #: when that build was answered from the saved state (see :meth:`_quick`).
        self._known: dict[str, tuple[str, str]] | None = None

    def _open(self) -> Cache:
        if self._cache is None:
            cache, warning = open_cache(self.config.cache_dir, enabled=self._use_cache,
                                        check=False)
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

    def _plan(self) -> tuple[Plan, dict[str, str]]:
        from newsarchive.pipeline.index import build_archive
        from newsarchive.pipeline.plan import plan_pages
        from newsarchive.pipeline.read.dedupe import find_duplicates
        from newsarchive.pipeline.site_files import plan_site_files

        sources = self._sources
        entries: list[Entry] = []
        diagnostics: list[Diagnostic] = []
        skipped: dict[str, str] = {}
        read_diagnostics: dict[str, tuple[Diagnostic, ...]] = {}
        for path, reason in sorted(sources.unreadable.items()):
            skipped[path] = f"cannot read: {reason}"
            diagnostics.append(Diagnostic(path, 0, 0, f"cannot read file: {reason}",
                                          "check the file's permissions"))
        for path in sorted(sources.rows):
            read_result, file_entries = sources.rows[path].loaded
            diagnostics.extend(read_result.diagnostics)
            if read_result.diagnostics:
                read_diagnostics[path] = tuple(read_result.diagnostics)
            entries.extend(file_entries)
            if not file_entries:
                errors = [d for d in read_result.diagnostics if d.severity == "error"]
                if errors:
                    skipped[path] = errors[0].message
        kept_articles, dup_diags = find_duplicates([e.article for e in entries])
        kept_keys = {a.key for a in kept_articles}
        archive, url_diags = build_archive(e for e in entries if e.key in kept_keys)
        specs = list(plan_pages(archive, self.config))
        specs += hooks.plan_families(archive, self.config)  # plugins' page families
        specs = hooks.after_plan(specs, archive, self.config)
        specs += plan_site_files(specs, self.config)
        other = [Diagnostic(path, 0, 0, reason, refusal_hint(reason), "warning")
                 for path, reason in sorted(sources.refused.items())]
        other += list(dup_diags) + list(url_diags)
        # An undated article was reported by its reader, with its line: once.
        diagnostics += other
        by_key = {e.key: e for e in archive.entries}
        slugs = {e.key: e.slug for e in entries}
        plan = Plan(specs, by_key, diagnostics, len(dup_diags), len(archive.undated),
                     read_diagnostics, tuple(other),
                     dict(Counter(memory.identity(e.article) for e in entries)),
                     {k: (e.slug, e.url) for k, e in by_key.items() if e.slug != slugs[k]},
                     {k: e.article.source_path for k, e in by_key.items()
                      if k != e.article.source_path})
        return plan, skipped

    def build(self, changed: Collection[str] | None = None, *, full: bool = False,
              dry_run: bool = False, progress: Progress | None = None,
              keep: Collection[str] = ()) -> BuildReport:
        """Build, re-reading only ``changed`` source paths (relative to the source
        folder) when given, else every source whose bytes changed.  Sources in
        ``keep`` are not read again though their bytes changed: their last
        result stands (the dev server keeps the last good page of a file saved
        broken); a kept path that is gone is still removed.

        ``full`` renders every page even when its fingerprint is unchanged
        (files are still written only when their bytes differ); ``dry_run``
        reads, indexes and plans without writing.  Problems in sources never
        raise: they are collected in the report.  Raises OutputError when two
        pages claim one output path.  ``progress(stage, done, total)`` is called
        as batches finish during the long stages (reading, rendering).
        """
        started = time.perf_counter()
        config = self.config
        if not (dry_run or self._checked):
            self._check_output()
        if not dry_run:
            clear_temp(config.output_dir)  # what writes cut short by a kill left
        cache = self._open()
        known = self._sources.primed or self._known is not None
        if (changed is not None and known and not (full or dry_run) and cache.enabled
                and len(changed) <= PATCH_MAX):
            primed = self._primed(changed, started, keep)
            if primed is not None:
                return primed
        elif not (full or dry_run or self._sources.primed) and cache.enabled:
            quick = self._quick(started, keep)
            if quick is not None:
                return quick
            if not cache.enabled and cache.warning is not None:  # damage found: start afresh
                self._cache_warning = cache.warning.message
                cache.warning = None
                self._cache = None
                warning = self._cache_warning
                cache = self._open()
                self._cache_warning = self._cache_warning or warning
        self._known = None
        if not self._verified:
            cache.verify()
            self._verified = True
        loaded = refresh(self._sources, config, cache, self._settings, changed,
                         self._runner, shares_files, progress, keep)
        if progress:
            progress("planning", 0, 1)
        plan, skipped = self._plan()
        if progress:
            progress("planning", 1, 1)
        diagnostics = plan.diagnostics
        statics = static_files([theme.static_dir(),
                                *([config.static_dir] if config.static_dir else [])])
        seen: set[str] = set()
        for path in [s.output_path for s in plan.specs] + list(statics):
            if path in seen:
                raise OutputError(f"two pages claim the output path {path}")
            seen.add(path)
            if not _plain_relative(path):
                safe_target(config.output_dir, path)  # raises OutputError
        counts: dict[str, Any] = dict(
            articles=len(plan.entries), undated=plan.undated, duplicates=plan.duplicates,
            skipped=skipped, sources=len(self._sources.rows) + len(self._sources.unreadable),
            pages=len(plan.specs) + len(statics), refused=dict(self._sources.refused))
        if dry_run:
            return self._report(counts, diagnostics, dict(sources_read=loaded.parsed),
                                started, dry_run=True)
        # Whatever happens from here, the saved state no longer describes the output.
        cache.forget_state(config.output_dir, [memory.STATE])
        saving = cache.enabled and not self._sources.unreadable
        state: list[BuildState] = []

        def meanwhile(digests: dict[str, str]) -> None:
            """Cache work, done while the workers render the first pages."""
            cache.store_sources(self._settings,
                                [self._with_bodies(r) for r in loaded.fresh],
                                loaded.removed, loaded.stats)
            if cache.enabled:
                self._sources.pending.clear()
            if saving:
                state.append(self._save(plan, counts, digests))

        result = self._write(plan, statics, full, progress, meanwhile)
        clear_temp(config.output_dir)
        diagnostics += result.pop("problems")
        if state:  # last: the state says the output is complete
            cache.store_state(config.output_dir, [(memory.STATE, seal(state[0]))])
        return self._report(counts, diagnostics, dict(sources_read=loaded.parsed, **result),
                            started)

    def _check_output(self) -> None:
        """:func:`check_output`, once per session, before anything (the cache folder
        included) is created."""
        self._fresh_output = check_output(self.config, self._force, self._open)
        self._checked = True

    def _report(self, counts: Mapping[str, Any], diagnostics: list[Diagnostic],
                result: Mapping[str, Any], started: float, dry_run: bool = False
                ) -> BuildReport:
        config = self.config
        if not config.base_url:
            from newsarchive.pipeline.render import DEFAULT_BASE_URL

            where = config.config_path.name if config.config_path else "archive.yaml"
            diagnostics.append(Diagnostic(
                where, 0, 0,
                f"base_url is not set; feeds, sitemap and canonical links use {DEFAULT_BASE_URL}",
                "set base_url in archive.yaml or pass --base-url before deploying", "warning"))
        return BuildReport(**counts, **result, diagnostics=self._with_cache_warning(diagnostics),
                           dry_run=dry_run, seconds=time.perf_counter() - started)

    def _save(self, plan: Plan, counts: Mapping[str, Any], digests: dict[str, str]
              ) -> BuildState:
        """Save what the next build compares with (see :mod:`newsarchive.incremental.memory`),
        but the state itself, returned to be saved once the output is complete."""
        config = self.config
        cache = self._open()
        chunks = memory.chunks_of(plan.specs)
        deps: dict[str, set[int]] = {}
        for number, chunk in enumerate(chunks):
            for spec in chunk:
                if spec.article:
                    deps.setdefault(spec.article, set()).add(number)
                for key in (*spec.keys, *spec.links):
                    deps.setdefault(key, set()).add(number)
        previous = self._saved_chunks or []
        blobs: list[tuple[str, bytes]] = [
            (memory.chunk_name(n), seal(list(chunk))) for n, chunk in enumerate(chunks)
            if n >= len(previous) or previous[n] != chunk]
        index = PlanIndex(plan.urls, plan.paths)
        state = BuildState(
            inputs=memory.inputs_digest(config, self._settings),
            table=memory.table_digest({p: r.digest for p, r in self._sources.rows.items()}),
            counts=dict(counts), read_diagnostics=plan.read_diagnostics,
            other_diagnostics=plan.other_diagnostics, template_digests=digests,
            chunks=len(chunks))
        blobs.append((memory.INDEX, seal(index)))
        blobs += memory.shards({k: tuple(sorted(v)) for k, v in deps.items()},
                                   memory.deps_shard, "deps")
        blobs += memory.shards(plan.identities, memory.identity_shard, "identities")
        stale = [memory.chunk_name(n) for n in range(len(chunks), len(previous))]
        if stale:
            cache.forget_state(config.output_dir, stale)
        cache.store_state(config.output_dir, blobs, clear=self._saved_chunks is None)
        self._saved_chunks = chunks
        return state

    def _with_bodies(self, row: SourceRow) -> SourceRow:
        return SourceRow(row.path, row.digest, row.stat, row.loaded,
                         self._sources.pending.get(row.path, row.bodies), row.meta)

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

def check_output(config: Config, force: bool = False,
                 cache: Callable[[], Cache] | None = None) -> bool:
    """Refuse an output folder a build must not write into: raises ConfigError (see
    :func:`newsarchive.pipeline.output.check_output_folder`).  Returns whether the folder
    is absent or empty.  ``cache`` opens the cache, asked only whether it knows
    a build of a non-empty folder without an output manifest."""
    config_dir = config.config_path.parent if config.config_path else None

    def owned_by_cache() -> bool:
        if not config.cache_dir.is_dir():
            return False
        if cache is not None:
            return cache().knows_output(config.output_dir)
        opened, _ = open_cache(config.cache_dir, check=False)
        try:
            return opened.knows_output(config.output_dir)
        finally:
            opened.close()

    return check_output_folder(config.output_dir, source_dir=config.source_dir,
                               config_dir=config_dir, owned_by_cache=owned_by_cache,
                               force=force)


def build(config: Config, *, full: bool = False, dry_run: bool = False,
          executor: Executor | None = None, progress: Progress | None = None,
          use_cache: bool = True, force: bool = False) -> BuildReport:
    """Build the archive described by ``config`` once; see :meth:`Session.build`.

    Raises ConfigError when the output folder must not be written into
    (``force`` lets a build write into a non-empty folder no build wrote).
    """
    session = Session(config, executor, use_cache=use_cache and not dry_run, force=force)
    try:
        return session.build(full=full, dry_run=dry_run, progress=progress)
    finally:
        session.close()
