"""Phase 1 of the dev server's two-phase rebuild of an added or removed article.

Adding or removing an article changes the shape of the archive (listings,
terms, feeds, pagination, neighbours, related articles, search), so it takes
the full path: seconds on a big archive.  The reader, though, first looks at
one page: the new article's, or the removed article's (now a 404) and the day
page that listed it.  :func:`preview` writes just those from what the session
holds in memory and the saved state, in a few tens of milliseconds; the dev
server tells the browser, then runs the normal build (phase 2) at once, which
brings every other page up to date and equal to a clean build.

Phase 1 never leaves a page that phase 2, or any later build, would not fix:

- it forgets the saved :class:`~newsarchive.incremental.memory.BuildState`
  before writing, so the next build (phase 2, or the first build after a
  killed server) takes the full path, which fingerprints every page;
- every page it writes is recorded, before it is written, in the output
  manifest (the cache's and the session's) with an empty fingerprint, which
  no page has: the full path renders it again when it is still planned and
  removes it when it is not.  The output's own list of its files, which the
  next build trusts when the cache is lost, is brought up to date by
  :func:`own` once the browser was told (phase 2 writes it too, before it
  renders anything);
- a page it removes leaves the manifest: the full path writes it again if a
  page of that path is planned after all.

It answers None, having written nothing, whenever it cannot make the page as
the full build would place it: the session has not loaded the whole archive
yet, the saved state is not the session's last build, plugins are on (their
plan hooks may change any page), the archive is multilingual, a change is not
one dated article added or removed, the article shares its URL (or, removed,
its slug) or a duplicate identity with another, its body links other pages or
images, or its day page is paginated.  Its page then lacks only what the whole archive decides
(related articles, story threads, copies by other sources), which phase 2
adds.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from newsarchive.config import Config
from newsarchive.incremental import memory
from newsarchive.incremental.memory import BuildState, PlanIndex, unseal
from newsarchive.incremental.store import Cache, SourceRow
from newsarchive.model import Entry
from newsarchive.pipeline.discover import read_sources, stat_signature
from newsarchive.pipeline.output import prune, read_owned, write_owned
from newsarchive.pipeline.plan import PageSpec
from newsarchive.run.load import SourceIndex
from newsarchive.urls import article_url, day_url, output_path

__all__ = ["MAX_CHANGES", "Preview", "preview"]

#: At most this many added or removed files are previewed; more are left to phase 2.
MAX_CHANGES = 4

#: Renders pages: ``(entries, pages, sources holding their bodies)`` -> paths written.
Render = Callable[[Mapping[str, Entry], list[PageSpec], SourceIndex], list[str]]

#: The fingerprint phase 1 records for what it wrote: no page has it.
UNFINISHED = ""


@dataclass(frozen=True, slots=True)
class Preview:
    """What phase 1 did: the saved ``state`` it started from (its counts describe
    the archive before the change), the pages rendered, the output paths
    written and removed."""

    state: BuildState
    rendered: int
    written: tuple[str, ...]
    removed: tuple[str, ...]
    #: The output paths of the pages rendered.
    pages: tuple[str, ...] = ()


class _Saved:
    """The saved state's blobs that phase 1 reads, loaded on demand."""

    def __init__(self, store: Cache, config: Config) -> None:
        self._store = store
        self._out = config.output_dir
        self._blobs: dict[str, Any] = {}

    def get(self, name: str) -> Any:
        if name not in self._blobs:
            blobs = self._store.load_state(self._out, [name])
            self._blobs[name] = unseal(blobs.get(name))
        return self._blobs[name]

    def chunks_of(self, key: str) -> tuple[int, ...] | None:
        """The plan chunks listing ``key`` (() when it has no page); None: lost."""
        shard = self.get(memory.deps_shard(key))
        return tuple(shard.get(key, ())) if isinstance(shard, dict) else None

    def identity_count(self, identity: int) -> int | None:
        shard = self.get(memory.identity_shard(identity))
        return int(shard.get(identity, 0)) if isinstance(shard, dict) else None


def preview(config: Config, settings: str, sources: SourceIndex, store: Cache,
            manifest: dict[str, str] | None, changed: Collection[str],
            render: Render) -> Preview | None:
    """Phase 1 for ``changed`` (source paths, each added or removed since the
    session's last build, which loaded every source: ``sources``): write the
    new articles' pages, remove the removed ones' and re-render their day
    pages; see the module docstring.  ``manifest`` is the session's copy of
    the output manifest (updated in place), ``render`` renders pages.  None
    when phase 1 cannot answer (nothing written then)."""
    if not sources.primed or sources.unreadable or not store.enabled \
            or not changed or len(changed) > MAX_CHANGES or config.plugins:
        return None  # (a plugin's plan hooks may change any page)
    state = unseal(store.load_state(config.output_dir, [memory.STATE]).get(memory.STATE))
    if not isinstance(state, BuildState) or state.table != memory.table_digest(
            {path: row.digest for path, row in sources.rows.items()}):
        return None  # the saved build is not the one the session holds
    saved = _Saved(store, config)
    index = saved.get(memory.INDEX)
    if not isinstance(index, PlanIndex):
        return None
    everyone = [e for row in sources.rows.values() for e in row.loaded[1]]
    if len({tuple(e.terms.get("languages", ())) for e in everyone} - {()}) > 1:
        return None  # a multilingual archive: translations and directions
    root = config.source_dir
    here = {p: os.path.lexists(os.path.join(root, p)) for p in changed}
    if any(here[p] for p in changed if p in sources.rows):
        return None  # an edit: the fast path's patch, or the full path
    added = sorted(p for p in changed if p not in sources.rows and here[p])
    removed = sorted(p for p in changed if p in sources.rows)
    if bool(added) == bool(removed):
        return None  # came and went again, or both at once (a new neighbour may be gone)
    removed_keys = {e.key for path in removed for e in sources.rows[path].loaded[1]}
    plans: list[_Plan] = []
    for path in added:
        plan = _plan_added(config, path, everyone, index, saved)
        if plan is None:
            return None
        plans.append(plan)
    for path in removed:
        plan = _plan_removed(config, sources.rows[path], removed_keys, sources.rows, index,
                             saved)
        if plan is None:
            return None
        plans.append(plan)
    # Committed from here on: the next build takes the full path.
    out = config.output_dir
    store.forget_state(out, [memory.STATE])
    # A day page of several removed articles is planned once per file, alike.
    pages = list({spec.output_path: spec for plan in plans for spec in plan.pages}.values())
    gone = sorted({path for plan in plans for path in plan.gone}
                  - {spec.output_path for spec in pages})
    unfinished = {spec.output_path: UNFINISHED for spec in pages}
    # Known to the cache before they are written (the output's own list follows:
    # see :func:`own`).
    store.update_manifest(out, unfinished, ())
    entries = {k: e for plan in plans for k, e in plan.entries.items()}
    rows = {r.path: r for plan in plans for r in plan.rows}
    bodies = {path: blob for plan in plans for path, blob in plan.bodies.items()}
    written = render(entries, pages, SourceIndex(rows=rows, pending=bodies)) if pages else []
    removed_paths = [path for path in gone if os.path.isfile(os.path.join(out, path))]
    prune(out, removed_paths)
    store.update_manifest(out, {}, gone)
    if manifest is not None:
        manifest.update(unfinished)
        for path in gone:
            manifest.pop(path, None)
    return Preview(state, len(pages), tuple(written), tuple(removed_paths),
                   tuple(sorted(unfinished)))


def own(config: Config, done: Preview) -> None:
    """Add the pages phase 1 wrote to the output's list of its own files, which
    the next build trusts when the cache is lost.  Called once the browser was
    told: rewriting the list of a big archive takes longer than the rest of
    phase 1, and the cache's manifest already names them."""
    owned = read_owned(config.output_dir)
    if owned is not None and not set(done.pages) <= owned:
        write_owned(config.output_dir, owned | set(done.pages))


@dataclass(frozen=True, slots=True)
class _Plan:
    """What phase 1 does for one changed file."""

    pages: tuple[PageSpec, ...]
    gone: tuple[str, ...]
    entries: Mapping[str, Entry]
    rows: tuple[SourceRow, ...] = ()
    bodies: Mapping[str, bytes] = field(default_factory=dict)


def _entries_of(rows: Mapping[str, SourceRow], index: PlanIndex, key: str) -> list[Entry]:
    """The light entry of ``key`` (as a list: none when it is not loaded)."""
    row = rows.get(index.paths.get(key, key))
    return [e for e in row.loaded[1] if e.key == key] if row is not None else []


def _duplicate_identities(entry: Entry) -> tuple[int, ...]:
    """The saved identities that find ``entry``'s duplicates (not its copies by
    other sources: those only add links, which phase 2 makes)."""
    from newsarchive.incremental.memory import identities

    return identities(replace(entry, copy_sig=b""))


def _placed(entry: Entry, index: PlanIndex) -> Entry:
    """``entry`` with the slug and URL the last plan gave it."""
    slug, url = index.urls.get(entry.key) or (entry.slug, article_url(entry.local, entry.slug))
    return replace(entry, slug=slug, url=url)


def _plan_added(config: Config, path: str, everyone: Sequence[Entry], index: PlanIndex,
                saved: _Saved) -> _Plan | None:
    """The page of the one dated article of the new file ``path``, with its
    neighbours in time as the full build links them (None: not previewed)."""
    from newsarchive.pipeline.index import build_archive
    from newsarchive.pipeline.plan.articles import article_pages
    from newsarchive.pipeline.plan.languages import page_languages, planned_taxonomies
    from newsarchive.run import jobs
    from newsarchive.taxonomy import localized

    found = list(read_sources(config.source_dir, [path]))
    if len(found) != 1 or found[0][1] is None:
        return None
    _, data, digest = found[0]
    assert data is not None
    loaded, blob = jobs.load_one(config, path, data)
    result, new_entries = loaded
    if result.unread or len(new_entries) != 1 \
            or any(d.severity == "error" for d in result.diagnostics):
        return None
    entry = new_entries[0]
    if entry.local is None or entry.markers:
        return None  # undated (listed by title), or linking pages or images
    # Light entries get their URL when the archive is indexed (a shared slug a suffix).
    entry = replace(entry, url=article_url(entry.local, entry.slug))
    # (Its key is its new path's: no other entry has it.)
    if any(e.slug == entry.slug and e.local is not None and _placed(e, index).url == entry.url
           for e in everyone) or any(url == entry.url for _, url in index.urls.values()):
        return None  # sharing a URL: the whole archive decides
    for identity in _duplicate_identities(entry):
        if saved.identity_count(identity) != 0:
            return None  # a duplicate of another article, perhaps: one of them is dropped
    local, key = entry.local, entry.key
    assert local is not None
    before = [e for e in everyone if e.local is not None
              and (e.local < local or (e.local == local and e.key < key))]
    after = [e for e in everyone if e.local is not None
             and (e.local > local or (e.local == local and e.key > key))]
    prev = _first_planned(_nearest_first(before, newest=True), saved)
    next_ = _first_planned(_nearest_first(after, newest=False), saved)
    if prev is False or next_ is False:
        return None
    around = [_placed(e, index) for e in (prev, next_) if isinstance(e, Entry)]
    archive, _ = build_archive([entry, *around])
    if any(e.url != placed.url for e, placed in zip(
            sorted(archive.dated, key=lambda e: e.key),
            sorted([entry, *around], key=lambda e: e.key), strict=True)):
        return None
    taxonomies = localized(planned_taxonomies(archive, config.taxonomies), config.language)
    specs = [s for s in article_pages(archive, taxonomies) if s.article == entry.key]
    specs = page_languages(specs, archive, config)
    signature = stat_signature(os.path.join(config.source_dir, path), 0)
    row = SourceRow(path, digest, signature, loaded, b"")
    return _Plan(tuple(specs), (), {e.key: e for e in archive.dated}, (row,), {path: blob})


def _nearest_first(entries: Sequence[Entry], newest: bool) -> Iterator[Entry]:
    """``entries`` (dated) in the archive's order (date, then key), newest first
    or oldest first; lazily: the rest is sorted only when the nearest date's
    entries are all passed over (a duplicate has no page)."""
    if not entries:
        return
    edge = (max if newest else min)(e.local for e in entries if e.local is not None)
    yield from sorted((e for e in entries if e.local == edge), key=lambda e: e.key,
                      reverse=newest)
    yield from sorted((e for e in entries if e.local != edge),
                      key=lambda e: (e.local, e.key), reverse=newest)


def _first_planned(candidates: Any, saved: _Saved) -> Entry | bool | None:
    """The first of ``candidates`` that has a page in the saved plan (None: none;
    False: the saved state is lost)."""
    for entry in candidates:
        chunks = saved.chunks_of(entry.key)
        if chunks is None:
            return False
        if chunks:
            return entry  # type: ignore[no-any-return]
    return None


def _plan_removed(config: Config, row: SourceRow, keys: set[str],
                  rows: Mapping[str, SourceRow], index: PlanIndex, saved: _Saved
                  ) -> _Plan | None:
    """Remove the pages of the articles of the removed file ``row`` and render
    their day pages without the removed entries ``keys`` (None: not previewed)."""

    gone: list[str] = []
    pages: list[PageSpec] = []
    if not row.loaded[1]:
        return None
    for entry in row.loaded[1]:
        if entry.local is None:
            return None
        for identity in _duplicate_identities(entry):
            if saved.identity_count(identity) != 1:
                return None  # one of duplicates: another may take its place
        placed = _placed(entry, index)
        if placed.url != article_url(entry.local, entry.slug) or any(
                article_url(e.local, e.slug) == placed.url
                for k in index.urls for e in _entries_of(rows, index, k)):
            return None  # a shared slug: another article's URL may change
        gone.append(output_path(placed.url))
        day = day_url(entry.local.year, entry.local.month, entry.local.day)
        if any(p.url == day for p in pages):
            continue
        chunks = saved.chunks_of(entry.key)
        if chunks is None:
            return None
        spec = _day_page(saved, chunks, day)
        if spec is None:
            return None
        left = tuple(k for k in spec.keys if k not in keys)
        if not left:
            gone.append(spec.output_path)  # the day's only article: no day page
            continue
        params = dict(spec.params)
        params["count"] = len(left)
        pages.append(replace(spec, params=params, keys=left))
    needed = {k for spec in pages for k in (*spec.keys, *spec.links)}
    by_key = {e.key: _placed(e, index) for k in needed for e in _entries_of(rows, index, k)}
    if not needed <= by_key.keys():
        return None
    return _Plan(tuple(pages), tuple(gone), by_key)


def _day_page(saved: _Saved, chunks: Sequence[int], day: str) -> PageSpec | None:
    """The saved spec of the one-page listing of ``day`` (None: paginated, or lost)."""
    for number in chunks:
        chunk = saved.get(memory.chunk_name(number))
        if not isinstance(chunk, list):
            return None
        for spec in chunk:
            if isinstance(spec, PageSpec) and spec.url == day:
                if spec.params.get("total") != 1 or spec.params.get("count") is None:
                    return None
                return spec
    return None
