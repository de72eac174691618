"""The saved-state fast paths of a build (see :mod:`newsarchive.incremental.memory`).

:class:`FastPaths` is the part of :class:`newsarchive.run.session.Session` that
answers from the state the last full build saved: nothing changed -> nothing
rendered; a few articles edited in place -> only the pages that show them
fingerprinted and rendered.  Each method returns None when the full path is
needed, having written nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from newsarchive.config import Config
from newsarchive.errors import Diagnostic
from newsarchive.incremental import memory
from newsarchive.incremental.keys import BuildReport, config_digest
from newsarchive.incremental.memory import BuildState, PlanIndex, seal, unseal
from newsarchive.incremental.store import Cache, SourceRow
from newsarchive.model import Entry
from newsarchive.pipeline.discover import read_sources, stat_signature, survey
from newsarchive.pipeline.plan import PageSpec, fingerprint
from newsarchive.pipeline.write import guard_links, stale_pages
from newsarchive.run.load import SourceIndex
from newsarchive.urls import article_url

__all__ = ["PATCH_MAX", "FastPaths"]

#: At most this many changed files are patched into the last build's plan;
#: more take the full path.
PATCH_MAX = 64


class FastPaths:
    """Mixin of ``Session``: the builds answered from the saved state."""

    config: Config
    _settings: str
    _sources: SourceIndex
    _manifest: dict[str, str] | None
    _known: dict[str, tuple[str, str]] | None

    if TYPE_CHECKING:  # provided by Session; declared for the type checker only
        def _open(self) -> Cache:
            ...

        def _report(self, counts: Mapping[str, Any], diagnostics: list[Diagnostic],
                    result: Mapping[str, Any], started: float, dry_run: bool = False
                    ) -> BuildReport:
            ...

        def _render(self, entries: Mapping[str, Entry], todo: list[PageSpec],
                    progress: Callable[[str, int, int], None] | None, sources: SourceIndex,
                    meanwhile: Callable[[], None] | None = None) -> list[str]:
            ...

    def _quick(self, started: float, keep: Collection[str] = ()) -> BuildReport | None:
        """A build from the saved state when no source changed or a few changed in
        place; None when the full path is needed (nothing has been written then)."""
        config = self.config
        state = self._saved_state()
        if state is None:
            return None
        table = self._open().source_table(self._settings)
        if _table_digest(table) != state.table:
            return None
        from newsarchive.pipeline.read import SUFFIXES

        found, refused = survey(config.source_dir, SUFFIXES, (config.output_dir, config.cache_dir),
                              time.time_ns(), config.follow_symlinks)
        if len(found) != len(table) or not all(p in table for p in found):
            return None
        if refused != state.counts.get("refused", {}):
            return None  # a link came or went: the full path reports it
        signatures = {p: s for p, s in found.items()
                      if p not in keep and (not s or s != table[p][1])}
        report, _, _ = self._compare(state, table, signatures, started)
        if report is not None:
            self._known = table  # the next build given its changed paths compares only those
        return report

    def _primed(self, changed: Collection[str], started: float, keep: Collection[str] = ()
                ) -> BuildReport | None:
        """The fast paths for a session that holds every source, or whose last build
        was answered from the saved state: only the ``changed`` paths are compared
        with the saved state (the session's own last build).  None when the full
        path is needed (nothing written then)."""
        sources = self._sources
        if sources.primed:
            if sources.unreadable or sources.pending:
                return None
            table = {p: (r.digest, r.stat) for p, r in sources.rows.items()}
        elif self._known is not None:
            table = self._known
        else:
            return None
        if any(p not in table for p in changed):
            return None  # added, removed or unknown files: the full path decides
        state = self._saved_state()
        if state is None or _table_digest(table) != state.table:
            return None
        now = time.time_ns()
        root = str(self.config.source_dir)
        signatures = {p: stat_signature(os.path.join(root, p), now) for p in sorted(changed)
                      if p not in keep}
        try:
            report, stats, patched = self._compare(state, table, signatures, started)
        except BaseException:
            # The cache may hold some of a patch: reload everything from it next time.
            self._sources = SourceIndex()
            self._manifest = None
            self._known = None
            raise
        if report is not None and sources.primed:
            for path, signature in stats.items():
                sources.rows[path] = replace(sources.rows[path], stat=signature)
            for path, row in patched.items():
                sources.rows[path] = replace(row, bodies=b"", meta=b"")
        return report

    def _saved_state(self) -> BuildState | None:
        """The state the last build of the output folder saved, if it was made from
        the current inputs (config, templates, static files, version)."""
        blob = self._open().load_state(self.config.output_dir, [memory.STATE])
        state = unseal(blob.get(memory.STATE))
        if not isinstance(state, BuildState):
            return None
        if state.inputs != memory.inputs_digest(self.config, self._settings):
            return None
        return state

    def _compare(self, state: BuildState, table: dict[str, tuple[str, str]],
                 signatures: dict[str, str], started: float
                 ) -> tuple[BuildReport | None, dict[str, str], dict[str, SourceRow]]:
        """Read the files of ``signatures`` and answer from the saved state: nothing
        changed, or a patch of the files whose bytes differ from ``table``.  Returns
        the report (None: the full path is needed), the new stat signatures of
        unchanged files and the rows read for edited files; ``table`` follows what
        was done."""
        stats: dict[str, str] = {}
        edits: list[tuple[str, bytes, str]] = []
        for path, data, digest in read_sources(self.config.source_dir, sorted(signatures)):
            if data is None:
                return None, {}, {}
            if digest != table[path][0]:
                edits.append((path, data, digest))
                if len(edits) > PATCH_MAX:
                    return None, {}, {}
            elif signatures[path] and signatures[path] != table[path][1]:
                stats[path] = signatures[path]
        patched: dict[str, SourceRow] = {}
        if edits:
            report, patched = self._patch(state, table, edits, signatures, stats, started)
        else:
            report = self._nothing_changed(state, stats, started)
        if report is None:
            return None, {}, {}
        for path, signature in stats.items():
            table[path] = (table[path][0], signature)
        return report, stats, patched

    def _nothing_changed(self, state: BuildState, stats: dict[str, str], started: float
                         ) -> BuildReport | None:
        """The report of a build that has nothing to do, after checking that every
        output file is still there (None when one is missing: the full path
        writes it again); new file signatures are saved."""
        cache = self._open()
        out = self.config.output_dir
        for path in cache.output_paths(out):
            if not os.path.isfile(os.path.join(out, path)):
                return None
        if stats:
            cache.store_sources(self._settings, [], (), stats, others=False)
        return self._report(state.counts, state.diagnostics(),
                            dict(unchanged=state.counts["pages"]), started)

    def _patch(self, state: BuildState, table: dict[str, tuple[str, str]],
               changed: list[tuple[str, bytes, str]], signatures: dict[str, str],
               stats: dict[str, str], started: float
               ) -> tuple[BuildReport | None, dict[str, SourceRow]]:
        """Re-render only the pages showing the articles of ``changed`` files, when
        those articles keep their shape (see :func:`memory.shape`); with the
        rows read for them."""
        from newsarchive.run import jobs

        config = self.config
        cache = self._open()
        out = config.output_dir
        olds = cache.load_rows(self._settings, [p for p, _, _ in changed])
        fresh: list[SourceRow] = []
        bodies: dict[str, bytes] = {}
        swaps: list[tuple[int, int]] = []  # (identity before, identity after) per article
        for path, data, digest in changed:
            old = olds.get(path)
            if old is None or old.digest != table[path][0]:
                return None, {}
            loaded, blob = jobs.load_one(config, path, data)
            old_entries, new_entries = old.loaded[1], loaded[1]
            if [memory.shape(e) for e in old_entries] != [
                    memory.shape(e) for e in new_entries]:
                return None, {}
            swaps += [(memory.identity(before.article), memory.identity(after.article))
                      for before, after in zip(old_entries, new_entries, strict=True)]
            fresh.append(SourceRow(path, digest, signatures.get(path, ""), loaded, b""))
            bodies[path] = blob
        keys = {e.key for row in fresh for e in row.loaded[1]}
        wanted = ({memory.INDEX} | {memory.deps_shard(k) for k in keys}
                  | {memory.identity_shard(i) for swap in swaps for i in swap})
        saved = {name: unseal(blob) for name, blob in cache.load_state(out, wanted).items()}
        index = saved.get(memory.INDEX)
        if not isinstance(index, PlanIndex) or not all(
                isinstance(saved.get(name), dict) for name in wanted - {memory.INDEX}):
            return None, {}
        for was, now in swaps:
            before = saved[memory.identity_shard(was)]
            after = saved[memory.identity_shard(now)]
            if before.get(was) != 1 or (now != was and now in after):
                return None, {}  # a duplicate is involved: the full path decides
            del before[was]
            after[now] = 1
        numbers = sorted({n for k in keys for n in saved[memory.deps_shard(k)].get(k, ())})
        names = [memory.chunk_name(n) for n in numbers]
        chunk_blobs = cache.load_state(out, names)
        specs: list[PageSpec] = []
        for name in names:
            chunk = unseal(chunk_blobs.get(name))
            if not isinstance(chunk, list):
                return None, {}
            specs += [s for s in chunk if s.article in keys or not keys.isdisjoint(s.keys)
                      or not keys.isdisjoint(s.links)]
        needed = {k for s in specs for k in (s.article, *s.keys, *s.links) if k}
        rows = {row.path: row for row in fresh}
        rows.update(cache.load_rows(self._settings, {index.paths.get(k, k) for k in needed}
                                    - set(rows)))
        entries: dict[str, Entry] = {}
        for row in rows.values():
            if row.path not in bodies and row.digest != table.get(row.path, ("",))[0]:
                return None, {}  # the cache changed under us
            for entry in row.loaded[1]:
                if entry.key in needed:
                    slug, url = index.urls.get(entry.key) or (
                        entry.slug, article_url(entry.local, entry.slug))
                    entries[entry.key] = replace(entry, slug=slug, url=url)
        if not needed <= set(entries):
            return None, {}
        # Committed to the patch from here on.
        cache.forget_state(out, [memory.STATE])
        cache.store_sources(self._settings, [replace(r, bodies=bodies[r.path]) for r in fresh],
                            (), stats, others=False)
        conf = config_digest(config)
        prints = {s.output_path: fingerprint(s, entries, state.template_digests.get(s.template, ""),
                                             conf) for s in specs}
        before = cache.fingerprints(out, prints)
        todo = stale_pages(specs, prints, before, str(out))
        refused, problems = guard_links(out, [s.output_path for s in todo])
        todo = [s for s in todo if s.output_path not in refused]
        sources = SourceIndex(rows={p: replace(r, bodies=b"") for p, r in rows.items()},
                              pending=bodies)
        written = self._render(entries, todo, None, sources)
        cache.update_manifest(out, {p: f for p, f in prints.items()
                                    if before.get(p) != f and p not in refused}, ())
        self._manifest = None
        counts = dict(state.counts)
        skipped = dict(counts["skipped"])
        for row in fresh:
            diagnostics = tuple(row.loaded[0].diagnostics)
            state.read_diagnostics.pop(row.path, None)
            skipped.pop(row.path, None)
            if diagnostics:
                state.read_diagnostics[row.path] = diagnostics
            errors = [d for d in diagnostics if d.severity == "error"]
            if errors and not row.loaded[1]:
                skipped[row.path] = errors[0].message
            table[row.path] = (row.digest, row.stat)
        counts["skipped"] = skipped
        state.counts = counts
        state.table = _table_digest(table)
        touched = {memory.identity_shard(i) for swap in swaps for i in swap}
        cache.store_state(out, [*((name, seal(saved[name])) for name in sorted(touched)),
                                (memory.STATE, seal(state))])
        report = self._report(counts, [*state.diagnostics(), *problems], dict(
            sources_read=len(fresh), rendered=len(todo), written=len(written),
            unchanged=counts["pages"] - len(written), written_paths=tuple(written)), started)
        return report, {row.path: row for row in fresh}


def _table_digest(table: Mapping[str, tuple[str, str]]) -> str:
    """:func:`memory.table_digest` of a ``path -> (digest, stat)`` table."""
    return memory.table_digest({path: digest for path, (digest, _) in table.items()})
