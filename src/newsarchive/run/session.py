"""Run the pipeline: one build is one flat sequence of named steps.

:meth:`Session.build` does, in order::

    check output -> fast path? -> load (discover + read + enrich, cached)
    -> plan (index + page families + plugins) -> guard paths -> write
    -> save memory -> search -> after-write hooks -> report

A :class:`Session` remembers its last build (:class:`LastBuild`), so
``newsarchive serve`` rebuilds after a change by re-reading only the changed
sources; :func:`build` is a one-shot session.  Whether a build can skip the
full path is decided in one place, :func:`newsarchive.incremental.delta.delta`,
and carried out by :class:`~newsarchive.incremental.fastpath.FastPath`: when
nothing changed since the last build the saved state answers, and when a few
articles were edited in place only the pages that show them are rendered.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Collection, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from newsarchive import hooks
from newsarchive.config import Config
from newsarchive.errors import Diagnostic
from newsarchive.incremental import memory
from newsarchive.incremental.delta import PATCH_MAX
from newsarchive.incremental.fastpath import Answer, FastPath
from newsarchive.incremental.handle import StoreHandle
from newsarchive.incremental.keys import settings_digest
from newsarchive.incremental.memory import BuildState, Update, seal
from newsarchive.model import BuildReport
from newsarchive.pipeline.output import clear_temp
from newsarchive.pipeline.write import Plan, Writer, Written
from newsarchive.run.checks import base_url_check, check_output, site_files, size_check
from newsarchive.run.executor import Executor, LocalExecutor, SerialExecutor, shares_files
from newsarchive.run.heap import give_back_memory, held_apart
from newsarchive.run.last import LastBuild
from newsarchive.run.load import Progress, Survey, refresh, store_loaded
from newsarchive.run.lock import DEFAULT_TIMEOUT, output_lock
from newsarchive.run.planning import plan_all

# Reading, enriching, indexing and rendering (YAML, Markdown, Jinja, Babel) are
# imported on first use: a warm build that changes nothing never needs them.
__all__ = ["BuildReport", "LastBuild", "Progress", "Session", "build", "check_output"]

#: Below this many units of work, worker processes cost more than they save.
_PARALLEL_MIN = 200
#: A one-shot build rendering at most this many pages saves its state beside Pagefind;
#: a larger one, while its pages render, and gives its memory back before Pagefind runs.
_SAVE_BESIDE_SEARCH = 1000
_Unsaved = tuple[Plan, dict[str, Any], dict[str, str], str, "Update | None", memory.Prints]


class Session:
    """Builds one archive repeatedly, remembering its last build.

    Not thread-safe: use a session only from the thread that created it (its
    SQLite cache connection belongs to that thread).

    Until a build needs the whole index (the first full build), a session
    builds from the state the last build saved in the cache: nothing changed
    -> nothing rendered; a few articles edited in place -> only the pages that
    show them rendered.  After such a build, or once primed, a build given its
    ``changed`` paths takes the same two fast paths comparing only those paths.
    ``remember=False`` (a one-shot build) forgets all that before the search step.
    """

    def __init__(self, config: Config, executor: Executor | None = None,
                 use_cache: bool = True, force: bool = False, remember: bool = True,
                 defer_save: bool = False) -> None:
        self.config = config
        #: True (the dev server): the full path's save waits for :meth:`settle`.
        self._defer_save = defer_save
        self._unsaved: _Unsaved | None = None
        #: False for a one-shot build: what it remembers goes before Pagefind runs.
        self._remember_last = remember
        self._force = force
        self._executor = executor or LocalExecutor()
        self._own_executor = executor is None
        self._settings = settings_digest(config)
        self._store = StoreHandle(config.cache_dir, use_cache)
        #: None until the output folder was checked; then whether it was empty.
        self._fresh_output: bool | None = None
        self._last = LastBuild()
        self._writer = Writer(config, self._store, self._runner)
        self._fast = FastPath(config, self._settings, self._store,
                              lambda entries, todo, sources: self._writer.render(
                                  entries, todo, None, sources), self._report)

    def close(self) -> None:
        """Save what waits (:meth:`settle`), close the cache, stop this session's workers."""
        self.settle()
        self._store.close()
        if self._own_executor:
            self._executor.close()

    def _runner(self, work: int) -> Executor:
        return self._executor if work >= _PARALLEL_MIN else SerialExecutor()

    def build(self, changed: Collection[str] | None = None, *, full: bool = False,
              dry_run: bool = False, progress: Progress | None = None,
              keep: Collection[str] = (), search: bool | None = None,
              reindex: bool = False) -> BuildReport:
        """Build, re-reading only ``changed`` source paths (relative to the source
        folder) when given, else every source whose bytes changed.  Sources in
        ``keep`` are not read again though their bytes changed: their last
        result stands (the dev server keeps the last good page of a file saved
        broken); a kept path that is gone is still removed.

        ``full`` renders every page even when its fingerprint is unchanged
        (files are still written only when their bytes differ); ``dry_run``
        reads, indexes and plans without writing, and checks the templates.
        ``search`` (default: the config's) indexes the written site for search
        when an article page changed (always with ``reindex``).  Problems in
        sources never raise: they are collected in the report.  Raises
        OutputError when two pages claim one output path.  ``progress(stage,
        done, total)`` is called as batches finish during the long stages.
        """
        started = time.perf_counter()
        self.settle()
        if not dry_run:
            self.check_output()
            clear_temp(self.config.output_dir)  # what writes cut short by a kill left
        report = None if (full or dry_run) else self._fast_path(changed, started, keep)
        with held_apart() as hold:  # kept from the collector, to the save beside search
            if report is None:
                surveyed, self._fast.surveyed = self._fast.surveyed, None
                report = self._full_path(changed, started, full, dry_run, progress, keep, hold,
                                         surveyed)
            if dry_run:
                return report
            return self._after_write(report, self.config.search if search is None else search,
                                     reindex)

    def preview(self, changed: Collection[str],
                told: Callable[[BuildReport], None] | None = None) -> BuildReport | None:
        """Phase 1 of the dev server's two-phase rebuild of added or removed
        articles (:func:`newsarchive.incremental.preview.preview`): only the
        pages the reader sees first; the next :meth:`build` (phase 2, the full
        path) makes the rest.  ``told(report)`` is called as soon as the pages
        are written (the server tells the browser), before the output's list
        of files is updated.  None when it cannot answer (nothing written)."""
        from newsarchive.incremental.preview import own, preview

        started = time.perf_counter()
        self.settle()
        self.check_output()
        done = preview(self.config, self._settings, self._last.sources, self._store(),
                       self._last.manifest, changed,
                       lambda entries, todo, sources: self._writer.render(
                           entries, todo, None, sources))
        if done is None:
            return None
        report = self._report(done.state.counts, [], dict(
            rendered=done.rendered, written=len(done.written), written_paths=done.written,
            removed=len(done.removed), removed_paths=done.removed), started)
        if told is not None:
            told(report)
        own(self.config, done)
        return report

    def check_output(self) -> None:
        """:func:`check_output`, once per session, before anything (the cache folder
        included) is made; raises ConfigError for a folder not to write into."""
        if self._fresh_output is None:
            self._fresh_output = check_output(self.config, self._force, self._store)

    def _fast_path(self, changed: Collection[str] | None, started: float,
                   keep: Collection[str]) -> BuildReport | None:
        """A build answered from the saved state, or None (nothing written then)."""
        cache = self._store()
        if not cache.enabled:
            return None
        last = self._last
        sources = last.sources
        if changed is not None and (sources.primed or last.known is not None):
            if len(changed) > PATCH_MAX or (sources.primed and (sources.unreadable
                                                               or sources.pending)):
                return None
            table = last.known if last.known is not None else {
                p: (r.digest, r.stat) for p, r in sources.rows.items()}
            try:
                answer = self._fast.changed(table, changed, started, keep)
            except BaseException:
                # The cache may hold some of a patch: reload everything from it next time.
                self._last = LastBuild()
                raise
        elif changed is None and not sources.primed:
            answer = self._fast.survey(started, keep)
            self._store.reopen_if_damaged()
        else:
            return None
        if answer is None:
            return None
        self._remember(answer)
        return answer.report

    def _remember(self, answer: Answer) -> None:
        """Keep the session's memory in step with what a fast path did."""
        sources = self._last.sources
        if sources.primed:
            for path, signature in answer.stats.items():
                sources.rows[path] = dataclasses.replace(sources.rows[path], stat=signature)
            for path, row in answer.patched.items():
                sources.rows[path] = dataclasses.replace(row, bodies=b"", meta=b"")
            known = None
        else:
            known = answer.table
        manifest = self._last.manifest if not answer.patched else None
        self._last = dataclasses.replace(self._last, manifest=manifest, known=known)

    def _full_path(self, changed: Collection[str] | None, started: float, full: bool,
                   dry_run: bool, progress: Progress | None, keep: Collection[str],
                   hold: Callable[[], None], surveyed: Survey | None = None) -> BuildReport:
        """Load, plan and (unless ``dry_run``) write; ``hold()`` once what was loaded,
        then what was planned, stays to the end (see :func:`held_apart`)."""
        config = self.config
        cache = self._store()
        self._last = dataclasses.replace(self._last, known=None)
        loaded = refresh(self._last.sources, config, cache, self._settings, changed,
                         self._runner, shares_files, progress, keep, save=not dry_run,
                         surveyed=surveyed, hold=hold)
        if not dry_run:
            loaded = store_loaded(cache, self._settings, self._last.sources, loaded)
        hold()
        if progress:
            progress("planning", 0, 1)
        planned = self._last.planned
        if planned.related is None and not dry_run:  # the last full build's, if saved
            memory.load_planned(cache, config.output_dir, planned)
        plan, skipped, not_read = plan_all(self.config, self._last.sources, planned, hold)
        if progress:
            progress("planning", 1, 1)
        statics, images = site_files(self.config, plan)
        sources = self._last.sources
        counts: dict[str, Any] = dict(
            articles=len(plan.entries), undated=plan.undated, duplicates=plan.duplicates,
            skipped=skipped, sources=len(sources.rows) + len(sources.unreadable),
            pages=len(plan.specs) + len(statics), refused=dict(sources.refused),
            not_read=not_read, images=images)
        if dry_run:
            from newsarchive.pipeline.template_check import check_templates

            problems = check_templates(config, plan.specs, plan.entries)
            return self._report(counts, [*plan.diagnostics, *problems],
                                dict(sources_read=loaded.parsed), started, dry_run=True)
        update = None if surveyed is None or loaded.recount is None else Update(loaded.recount)
        written = self._write(plan, statics, counts, full, progress, update)
        return self._report(counts, [*plan.diagnostics, *written.problems],
                            dict(sources_read=loaded.parsed, **written.figures()), started)

    def _write(self, plan: Plan, statics: dict[str, Path], counts: Mapping[str, Any],
               full: bool, progress: Progress | None, update: Update | None) -> Written:
        """Write the planned pages; save what the next build compares with (``update``:
        see :func:`memory.save`)."""
        config = self.config
        cache = self._store()
        last = self._fast.saved_state()
        if last is not None and last.inputs != memory.inputs_digest(config, self._settings):
            last = None  # made from other inputs: its template digests and chunks differ
        # Whatever happens from here, the saved state no longer describes the output.
        cache.forget_state(config.output_dir, [memory.STATE])
        saving = cache.enabled and not self._last.sources.unreadable
        state: list[BuildState] = []
        kept: list[_Unsaved] = []  # when the save waits

        def meanwhile(digests: dict[str, str], pages: int, found: Mapping[str, str],
                      unsure: set[str]) -> None:
            """Cache work, done while the first pages render.  It waits for the dev server
            (:meth:`settle`), and in a one-shot edit for the search step, beside it."""
            prints = memory.Prints(found, unsure, last.saved_chunks() if last else None)
            if saving and (self._defer_save or (not self._remember_last
                                                and pages <= _SAVE_BESIDE_SEARCH)):
                kept.append((plan, dict(counts), digests,
                             memory.inputs_digest(config, self._settings), update, prints))
            elif saving:
                state.append(self._save(plan, counts, digests, None, update, prints))

        previous = self._last.manifest or cache.load_manifest(config.output_dir)
        written = self._writer.write(plan, statics, previous, full=full,
                                     fresh=bool(self._fresh_output), force=self._force,
                                     progress=progress, meanwhile=meanwhile,
                                     known=last.template_digests if last else None)
        self._fresh_output = False
        self._last = dataclasses.replace(self._last, manifest=written.manifest)
        clear_temp(config.output_dir)
        if kept:  # the output is complete: the state may be saved from now on
            self._unsaved = kept[0]
        if state:  # last: the state says the output is complete
            cache.store_state(config.output_dir, [(memory.STATE, seal(state[0]))])
        return written

    def _after_write(self, report: BuildReport, search: bool, reindex: bool) -> BuildReport:
        """The steps after a build wrote: search (beside which a one-shot edit saves its
        state), the size check, plugins' hooks."""
        diagnostics = list(report.diagnostics)
        figures: dict[str, Any] = {}
        if search:
            from newsarchive.run.executor import alongside
            from newsarchive.run.search import search_step

            # Idle workers would hold their memory beside Pagefind's: the pool
            # ends here and starts again when a build needs it.
            release = getattr(self._executor, "release", None)
            if release is not None:
                release()
            step = partial(search_step, self.config, report, reindex)
            if self._remember_last:
                result = step()
            elif self._unsaved is not None:  # an edit: saved while Pagefind runs
                result = alongside(step, self.settle)
            else:
                self._forget()
                result = step()
            figures = dict(search=result.status, search_pages=result.pages,
                           search_seconds=result.seconds)
            if result.diagnostic is not None:
                diagnostics.append(result.diagnostic)
        if not self._remember_last:
            self.settle()  # within the output's lock
        diagnostics += size_check(self.config, report)
        diagnostics += hooks.after_write(report, self.config)
        return dataclasses.replace(report, diagnostics=tuple(diagnostics), **figures)

    def _forget(self) -> None:
        """Drop what a one-shot build remembers before Pagefind's runs, which need the
        memory.  An edit keeps it to save beside the search step: the build held as
        much while it planned, and one part of the index takes little."""
        loaded = bool(self._last.sources.rows)  # the full path: the whole index
        self._last = LastBuild()
        if loaded:
            give_back_memory()

    def _report(self, counts: Mapping[str, Any], diagnostics: list[Diagnostic],
                result: Mapping[str, Any], started: float, dry_run: bool = False
                ) -> BuildReport:
        diagnostics += base_url_check(self.config)
        warning = self._store.take_warning()
        if warning:
            diagnostics.insert(0, Diagnostic(str(self.config.cache_dir), 0, 0, warning, "",
                                             "warning"))
        return BuildReport(**counts, **result, diagnostics=tuple(diagnostics),
                           dry_run=dry_run, seconds=time.perf_counter() - started)

    def settle(self) -> None:
        """Save what the last full build left for the next build when its save waited:
        in a ``defer_save`` session (the dev server calls this once the browser was
        told), and in a one-shot edit (beside the search step).  Builds and
        :meth:`close` call it first.  Until then the cache holds no saved state."""
        unsaved, self._unsaved = self._unsaved, None
        if unsaved is not None:
            state = self._save(*unsaved)
            self._store().store_state(self.config.output_dir, [(memory.STATE, seal(state))])

    def _save(self, plan: Plan, counts: Mapping[str, Any], digests: dict[str, str],
              inputs: str | None = None, update: Update | None = None,
              prints: memory.Prints | None = None) -> BuildState:
        """Save what the next build compares with, but the state itself, returned to
        be saved once the output is complete."""
        return memory.save(self._store(), self.config, self._settings, plan, counts, digests,
                           inputs, self._last.planned, update, prints)


def build(config: Config, *, full: bool = False, dry_run: bool = False,
          executor: Executor | None = None, progress: Progress | None = None,
          use_cache: bool = True, force: bool = False, search: bool | None = None,
          reindex: bool = False, lock_timeout: float = DEFAULT_TIMEOUT,
          on_wait: Callable[[str], None] | None = None) -> BuildReport:
    """Build the archive described by ``config`` once; see :meth:`Session.build`.

    Holds the output folder's lock (:func:`newsarchive.run.lock.output_lock`)
    while it builds: another build of the same folder waits up to
    ``lock_timeout`` seconds (``on_wait`` is told once), then LockTimeout is
    raised.  When the last build of the folder was killed, the search index
    is made again.  Raises ConfigError when the output folder must not be
    written into (``force`` lets a build write into a non-empty folder no
    build wrote).
    """
    session = Session(config, executor, use_cache=use_cache and not dry_run, force=force,
                      remember=False)
    try:
        if dry_run:  # reads only: no lock
            return session.build(full=full, dry_run=True, progress=progress)
        session.check_output()  # before the lock makes the cache folder
        # Without a cache, the lock lives in the system's temp folder.
        with output_lock(config.output_dir, timeout=lock_timeout, on_wait=on_wait,
                         cache_dir=config.cache_dir if use_cache else None) as held:
            return session.build(full=full, progress=progress, search=search,
                                 reindex=reindex or held.interrupted_pid != 0)
    finally:
        session.close()
