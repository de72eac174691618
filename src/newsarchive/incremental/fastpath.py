"""The builds answered from the saved state (see :mod:`newsarchive.incremental.memory`).

:class:`FastPath` carries out what :func:`~newsarchive.incremental.delta.delta`
decides: for :class:`~newsarchive.incremental.delta.Nothing` it checks the
output is whole and reports the saved figures; for a
:class:`~newsarchive.incremental.delta.Patch` it reads the edited files,
fingerprints only the pages that show their articles and renders those.
Either returns None when the full path is needed after all, having written
nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from newsarchive.config import Config
from newsarchive.errors import Diagnostic
from newsarchive.incremental import memory
from newsarchive.incremental.delta import (
    Full,
    Nothing,
    Patch,
    Swap,
    Table,
    delta,
    identity_swaps,
    patch_blocker,
    saved_outdated,
    swap_identities,
)
from newsarchive.incremental.keys import config_digest
from newsarchive.incremental.memory import BuildState, PlanIndex, seal, unseal
from newsarchive.incremental.store import Cache, SourceRow
from newsarchive.model import BuildReport, Entry
from newsarchive.pipeline.discover import read_sources, stat_signature, survey
from newsarchive.pipeline.plan import PageSpec, fingerprints
from newsarchive.pipeline.write import forget_missing, guard_links, stale_pages
from newsarchive.run.load import SourceIndex, Survey
from newsarchive.urls import article_url

__all__ = ["Answer", "FastPath"]

#: Renders pages: ``(entries, pages to render, sources holding their bodies)`` ->
#: the output paths written.
Render = Callable[[Mapping[str, Entry], list[PageSpec], SourceIndex], list[str]]
#: Makes the report: ``(counts, diagnostics, results, started)``.
Report = Callable[[Mapping[str, Any], list[Diagnostic], Mapping[str, Any], float], BuildReport]


@dataclass(frozen=True, slots=True)
class Answer:
    """A build answered from the saved state: its ``report``, the source ``table`` it
    leaves, the new stat signatures of unchanged files (``stats``) and the rows
    read for edited files (``patched``)."""

    report: BuildReport
    table: Table
    stats: Mapping[str, str]
    patched: Mapping[str, SourceRow]


@dataclass(frozen=True, slots=True)
class _Patched:
    """What reading the edited files of a patch gave."""

    fresh: tuple[SourceRow, ...]
    bodies: Mapping[str, bytes]
    swaps: tuple[Swap, ...]


class FastPath:
    """Answers builds from the saved state of one output folder."""

    def __init__(self, config: Config, settings: str, store: Callable[[], Cache],
                 render: Render, report: Report) -> None:
        self.config = config
        self._settings = settings
        self._store = store
        self._render = render
        self._report = report
        #: The source folder as the last :meth:`survey` found it, when it left the build
        #: to the full path, which need not walk it again (0.5 s at 100,000 files).  Set
        #: only when the saved state held for the sources in the cache, so what it
        #: saved may be updated rather than written anew (see ``memory.Update``).
        self.surveyed: Survey | None = None

    def saved_state(self) -> BuildState | None:
        """The state the last build of the output folder saved, if any."""
        blob = self._store().load_state(self.config.output_dir, [memory.STATE])
        state = unseal(blob.get(memory.STATE))
        return state if isinstance(state, BuildState) else None

    def _inputs(self) -> str:
        return memory.inputs_digest(self.config, self._settings)

    def _read(self, paths: list[str]) -> list[tuple[str, bytes | None, str]]:
        return list(read_sources(self.config.source_dir, paths))

    def survey(self, started: float, keep: Collection[str] = ()) -> Answer | None:
        """Survey the source folder and answer from the saved state (None: the full
        path is needed)."""
        config = self.config
        self.surveyed = None
        state = self.saved_state()
        table = self._store().source_table(self._settings) if state is not None else {}
        inputs = self._inputs()
        if saved_outdated(state, inputs, table) is not None:
            return None  # before the walk of the source folder
        found, refused = survey(config.source_dir, None, (config.output_dir, config.cache_dir),
                                time.time_ns(), config.follow_symlinks)
        change = delta(state, inputs, table, found=found, refused=refused,
                       read=self._read, keep=keep)
        answer = self._carry_out(state, table, change, started)
        if answer is None and state is not None:
            self.surveyed = (found, refused)
        return answer

    def changed(self, table: Table, changed: Collection[str], started: float,
                keep: Collection[str] = ()) -> Answer | None:
        """Answer by comparing only the ``changed`` paths with ``table`` (the source
        table of this session's last build); None: the full path is needed."""
        now = time.time_ns()
        root = str(self.config.source_dir)
        state = self.saved_state()
        change = delta(state, self._inputs(), table, changed=changed, read=self._read,
                       signature=lambda path: stat_signature(os.path.join(root, path), now),
                       keep=keep)
        return self._carry_out(state, dict(table), change, started)

    def _carry_out(self, state: BuildState | None, table: dict[str, tuple[str, str]],
                   change: Nothing | Patch | Full, started: float) -> Answer | None:
        if isinstance(change, Full) or state is None:
            return None
        if isinstance(change, Nothing):
            report = self._nothing_changed(state, change.stats, started)
            if report is None:
                return None
            for path, signature in change.stats.items():
                table[path] = (table[path][0], signature)
            return Answer(report, table, change.stats, {})
        answer = self._patch(state, table, change, started)
        if isinstance(answer, Full):
            if answer.reason == "lost":  # so the full path's save writes the plan anew
                self._store().forget_state(self.config.output_dir, [memory.STATE])
            return None
        return answer

    def _nothing_changed(self, state: BuildState, stats: Mapping[str, str], started: float
                         ) -> BuildReport | None:
        """The report of a build with nothing to do, after checking that every output
        file is still there (None when one is missing: the full path writes it
        again); new stat signatures are saved."""
        store = self._store()
        out = self.config.output_dir
        for path in store.output_paths(out):
            if not os.path.isfile(os.path.join(out, path)):
                return None
        if stats:
            store.store_sources(self._settings, [], (), stats, others=False)
        return self._report(state.counts, state.diagnostics(),
                            dict(unchanged=state.counts["pages"]), started)

    def _load_edits(self, table: Table, patch: Patch) -> _Patched | Full:
        """Read and enrich the edited files; Full when an article changed its shape."""
        from newsarchive.run import jobs

        olds = self._store().load_rows(self._settings, [edit.path for edit in patch.edits])
        fresh: list[SourceRow] = []
        bodies: dict[str, bytes] = {}
        swaps: list[Swap] = []
        for path, data, digest, signature in patch.edits:
            old = olds.get(path)
            if old is None or old.digest != table[path][0]:
                return Full("lost")
            loaded, blob = jobs.load_one(self.config, path, data)
            if old.loaded[0].unread or loaded[0].unread:
                return Full("not-article")
            blocker = patch_blocker(old.loaded[1], loaded[1])
            if blocker is not None:
                return blocker
            swaps += identity_swaps(old.loaded[1], loaded[1])
            fresh.append(SourceRow(path, digest, signature, loaded, b""))
            bodies[path] = blob
        return _Patched(tuple(fresh), bodies, tuple(swaps))

    def _affected(self, keys: set[str], swaps: Sequence[Swap]
                  ) -> tuple[list[PageSpec], PlanIndex, dict[str, Any]] | Full:
        """The saved pages that show or link the entries ``keys``, the saved plan
        index and the identity shards with the ``swaps`` made."""
        store = self._store()
        out = self.config.output_dir
        wanted = ({memory.INDEX} | {memory.deps_shard(k) for k in keys}
                  | {memory.identity_shard(i) for swap in swaps for ids in swap for i in ids})
        saved = {name: unseal(blob) for name, blob in store.load_state(out, wanted).items()}
        index = saved.get(memory.INDEX)
        if not isinstance(index, PlanIndex) or not all(
                isinstance(saved.get(name), dict) for name in wanted - {memory.INDEX}):
            return Full("lost")
        blocked = swap_identities(swaps, saved, memory.identity_shard)
        if blocked is not None:
            return blocked
        numbers = sorted({n for k in keys for n in saved[memory.deps_shard(k)].get(k, ())})
        names = [memory.chunk_name(n) for n in numbers]
        chunk_blobs = store.load_state(out, names)
        specs: list[PageSpec] = []
        for name in names:
            chunk = unseal(chunk_blobs.get(name))
            if not isinstance(chunk, list):
                return Full("lost")
            specs += [s for s in chunk if s.article in keys or not keys.isdisjoint(s.keys)
                      or not keys.isdisjoint(s.links)]
        return specs, index, saved

    def _entries(self, specs: Sequence[PageSpec], index: PlanIndex, table: Table,
                 edited: _Patched) -> tuple[dict[str, Entry], dict[str, SourceRow]] | Full:
        """The entries the ``specs`` need (edited ones fresh, others from the cache),
        with the source rows they came from."""
        needed = {k for s in specs for k in (s.article, *s.keys, *s.links) if k}
        rows = {row.path: row for row in edited.fresh}
        rows.update(self._store().load_rows(
            self._settings, {index.paths.get(k, k) for k in needed} - set(rows)))
        entries: dict[str, Entry] = {}
        for row in rows.values():
            if row.path not in edited.bodies and row.digest != table.get(row.path, ("",))[0]:
                return Full("lost")  # the cache changed under us
            for entry in row.loaded[1]:
                if entry.key in needed:
                    slug, url = index.urls.get(entry.key) or (
                        entry.slug, article_url(entry.local, entry.slug))
                    entries[entry.key] = replace(entry, slug=slug, url=url)
        if not needed <= set(entries):
            return Full("lost")
        return entries, rows

    def _patch(self, state: BuildState, table: dict[str, tuple[str, str]], patch: Patch,
               started: float) -> Answer | Full:
        """Re-render only the pages showing the articles of the edited files."""
        edited = self._load_edits(table, patch)
        if isinstance(edited, Full):
            return edited
        keys = {e.key for row in edited.fresh for e in row.loaded[1]}
        affected = self._affected(keys, edited.swaps)
        if isinstance(affected, Full):
            return affected
        specs, index, saved = affected
        found = self._entries(specs, index, table, edited)
        if isinstance(found, Full):
            return found
        entries, rows = found
        # Committed to the patch from here on.
        store = self._store()
        out = self.config.output_dir
        store.forget_state(out, [memory.STATE])
        store.store_sources(self._settings,
                            [replace(r, bodies=edited.bodies[r.path]) for r in edited.fresh],
                            (), patch.stats, others=False)
        written, rendered, problems = self._render_patch(state, specs, entries, rows, edited)
        counts = self._record(state, table, edited, patch.stats)
        touched = {memory.identity_shard(i) for swap in edited.swaps for ids in swap
                   for i in ids}
        store.store_state(out, [*((name, seal(saved[name])) for name in sorted(touched)),
                                (memory.STATE, seal(state))])
        report = self._report(counts, [*state.diagnostics(), *problems], dict(
            sources_read=len(edited.fresh), rendered=rendered, written=len(written),
            unchanged=counts["pages"] - len(written), written_paths=tuple(written)), started)
        return Answer(report, table, patch.stats, {row.path: row for row in edited.fresh})

    def _render_patch(self, state: BuildState, specs: list[PageSpec],
                      entries: dict[str, Entry], rows: Mapping[str, SourceRow],
                      edited: _Patched) -> tuple[list[str], int, list[Diagnostic]]:
        """Fingerprint ``specs``, render those that changed and record their prints."""
        store = self._store()
        out = self.config.output_dir
        conf = config_digest(self.config)
        prints = fingerprints(specs, entries, state.template_digests, conf)
        before = store.fingerprints(out, prints)
        todo = stale_pages(specs, prints, before, str(out))
        refused, problems = guard_links(out, [s.output_path for s in todo])
        todo = [s for s in todo if s.output_path not in refused]
        forget_missing(store, out, todo, prints, before)
        sources = SourceIndex(rows={p: replace(r, bodies=b"") for p, r in rows.items()},
                              pending=dict(edited.bodies))
        written = self._render(entries, todo, sources)
        store.update_manifest(out, {p: f for p, f in prints.items()
                                    if before.get(p) != f and p not in refused}, ())
        return written, len(todo), problems

    @staticmethod
    def _record(state: BuildState, table: dict[str, tuple[str, str]], edited: _Patched,
                stats: Mapping[str, str]) -> dict[str, Any]:
        """Bring ``state`` and ``table`` up to date with the patch; the new counts."""
        counts = dict(state.counts)
        skipped = dict(counts["skipped"])
        for row in edited.fresh:
            diagnostics = tuple(row.loaded[0].diagnostics)
            state.read_diagnostics.pop(row.path, None)
            skipped.pop(row.path, None)
            if diagnostics:
                state.read_diagnostics[row.path] = diagnostics
            errors = [d for d in diagnostics if d.severity == "error"]
            if errors and not row.loaded[1]:
                skipped[row.path] = errors[0].message
            table[row.path] = (row.digest, row.stat)
        for path, signature in stats.items():
            table[path] = (table[path][0], signature)
        counts["skipped"] = skipped
        state.counts = counts
        state.table = memory.table_digest({path: digest for path, (digest, _) in table.items()})
        return counts
