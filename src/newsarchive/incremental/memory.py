"""What a build saves for the next one: the fast paths of warm and one-edit rebuilds.

After a full build the cache holds, beside the source rows and the output
manifest, the build's :class:`BuildState` (a digest of everything besides
the sources that shapes the pages, a digest of the source table, the
report's figures and diagnostics), its page plan in numbered chunks, a
:class:`PlanIndex` (URLs that are not the default), which chunks list each
entry and the duplicate-detection identities of every article (both in
shards).

The next build compares instead of recomputing: when no input changed it
renders and writes nothing; when a few files changed without changing the
shape of the archive (same articles, dates, slugs and terms, no
duplicate involved) it re-renders only the pages that show them.  Anything
else takes the full path.  Every blob is sealed with a digest of its bytes:
a damaged one is a miss, never trusted.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import pickle
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsarchive import __version__, hooks, i18n, theme
from newsarchive.config import Config
from newsarchive.errors import Diagnostic
from newsarchive.incremental import plankeys
from newsarchive.incremental.database import seal_bytes, unseal_bytes
from newsarchive.incremental.keys import pickled_format
from newsarchive.model import Entry
from newsarchive.pipeline.copies import CopiesMemo
from newsarchive.pipeline.plan import PageSpec
from newsarchive.pipeline.related import PlanMemory, RelatedMemo

if TYPE_CHECKING:
    from newsarchive.incremental.store import Cache, SourceRow
    from newsarchive.pipeline.write import Plan

__all__ = ["CHUNK", "COPIES", "IDENTITY_SHARDS", "INDEX", "RELATED", "SHARDS", "STATE",
           "BuildState", "PlanIndex", "Prints", "Update", "chunk_name", "deps_shard", "identities",
           "identity_shard", "identity_shards", "inputs_digest", "load_planned", "save", "seal",
           "shape", "shards", "table_digest", "unseal"]

STATE = "build"
INDEX = "index"
#: The related lists and the copies the last full build found (see :func:`load_planned`).
RELATED = "related"
COPIES = "copies"
#: The entry -> plan chunks index and the duplicate identities are saved in this
#: many shards, so an edit loads and rewrites only the few it touches (as one
#: blob, the index of 100,000 articles took 0.2 s to unpickle).
SHARDS = 256
#: Pages per saved plan chunk, on average: an edit unpickles the chunks listing the
#: article (a dozen or two), so small chunks keep that cheap.
CHUNK = 64


def chunk_name(number: int) -> str:
    """Name of the plan chunk ``number`` (its id: see :func:`plankeys.chunk_id`)."""
    return f"plan:{number:x}"


def deps_shard(key: str) -> str:
    """Name of the shard holding ``key``'s plan chunk numbers."""
    return f"deps:{zlib.crc32(key.encode('utf-8', 'surrogatepass')) % SHARDS}"


#: What the names of the identity shards start with.
IDENTITY_SHARDS = "identities:"


def identity_shard(identity: int) -> str:
    """Name of the shard holding the count of articles with ``identity``."""
    return f"{IDENTITY_SHARDS}{identity % SHARDS}"


def shards(values: Mapping[Any, Any], name: Callable[[Any], str], prefix: str
           ) -> list[tuple[str, bytes]]:
    """``values`` as sealed shards by ``name``; every shard of ``prefix`` is
    written, empty ones too, so none is left over from an earlier build."""
    split: dict[str, dict[Any, Any]] = {f"{prefix}:{n}": {} for n in range(SHARDS)}
    for key, value in values.items():
        split[name(key)][key] = value
    return [(shard, seal(part)) for shard, part in split.items()]


def seal(value: Any) -> bytes:
    """``value`` pickled, prefixed with a digest of the pickle."""
    return seal_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def unseal(blob: bytes | None) -> Any:
    """The value of a sealed blob, or None when it is missing or damaged."""
    data = unseal_bytes(blob)
    if data is None:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # damaged: a miss
        return None


@dataclass(slots=True)
class BuildState:
    """The last full or patched build of an output folder, as the next build needs it."""

    inputs: str
    table: str
    counts: dict[str, Any]
    read_diagnostics: dict[str, tuple[Diagnostic, ...]]
    other_diagnostics: tuple[Diagnostic, ...]
    template_digests: dict[str, str]
    chunks: int
    #: The name and the key of each saved chunk (see :mod:`.plankeys`).
    chunk_ids: tuple[int, ...] = ()
    chunk_keys: tuple[int | None, ...] = ()

    def saved_chunks(self) -> dict[int, int | None]:
        """The key of each saved chunk, by its name."""
        return dict(zip(self.chunk_ids, self.chunk_keys, strict=True))

    def diagnostics(self) -> list[Diagnostic]:
        """The diagnostics in the order a full build reports them."""
        found = [d for path in sorted(self.read_diagnostics)
                 for d in self.read_diagnostics[path]]
        return found + list(self.other_diagnostics)


@dataclass(slots=True)
class PlanIndex:
    """``urls``: entry key -> (slug, url) of entries whose URL is not the default
    one (a shared slug got a suffix); ``paths``: key -> source path where they
    differ.  (Which plan chunks show each entry is saved in ``deps`` shards.)"""

    urls: dict[str, tuple[str, str]]
    paths: dict[str, str]


def _file_parts(folder: Path, contents: bool) -> Iterable[str]:
    if not folder.is_dir():
        return
    for base, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(base, name)
            relative = os.path.relpath(path, folder)
            try:
                if contents:
                    with open(path, "rb") as handle:
                        data = handle.read()
                    yield f"{relative}\0{hashlib.sha256(data).hexdigest()}"
                else:
                    st = os.stat(path)
                    yield f"{relative}\0{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"
            except OSError:
                yield f"{relative}\0?"


def inputs_digest(config: Config, settings: str) -> str:
    """Digest of everything besides the sources that shapes the pages: the whole
    config, the version and source settings, the form of the saved identities,
    the interface translations, every template file (the default theme's and
    the user's) and the stat signature of every static file."""
    parts = [__version__, settings, repr(config), f"identities:{IDENTITIES}",
             repr(pickled_format(PageSpec, BuildState, PlanIndex)),
             f"catalogs:{i18n.catalogs_digest()}"]
    for folder in (theme.templates_dir(), config.templates_dir,
                   *hooks.template_folders(config.plugins, config.config_path)):
        parts.append(f"templates:{folder}")
        if folder is not None:
            parts.extend(_file_parts(folder, contents=True))
    for folder in (theme.static_dir(), config.static_dir):
        parts.append(f"static:{folder}")
        if folder is not None:
            parts.extend(_file_parts(folder, contents=False))
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def table_digest(digests: Mapping[str, str]) -> str:
    """Digest of a ``source path -> content digest`` table."""
    hasher = hashlib.sha256()
    for path in sorted(digests):
        hasher.update(f"{path}\0{digests[path]}\n".encode("utf-8", "surrogatepass"))
    return hasher.hexdigest()


#: The form of the identities a state saves (:func:`identities`): a state saved with
#: another is not compared with (2: band keys folded, not digested).
IDENTITIES = 2


def identities(entry: Entry) -> tuple[int, ...]:
    """64-bit digests of what finds an entry's duplicates (the strings
    :func:`newsarchive.pipeline.read.dedupe.identities` compares) and its copy
    candidates (the band keys of its signature: see
    :mod:`newsarchive.pipeline.copies`).  An entry sharing none of them with
    another is neither a duplicate nor a copy, so an edit of it that keeps
    them unshared cannot change which articles are built or linked."""
    from newsarchive.pipeline.copies import band_keys
    from newsarchive.pipeline.read.dedupe import identities as duplicate_keys

    found = [int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"),
                                            digest_size=8).digest(), "big")
             for key in duplicate_keys(entry.article)]
    if entry.copy_sig:
        found += [key ^ _COPY for key in band_keys(entry.copy_sig)]
    return tuple(dict.fromkeys(found))


def identity_shards(rows: Mapping[str, SourceRow]) -> list[tuple[str, bytes]]:
    """The count of articles with each identity (:func:`identities`) of every
    entry of ``rows`` (duplicates included), as the sealed shards :func:`shards`
    makes of ``identity -> count``.  The identities wait in one array of
    64-bit integers per shard and each shard is counted when it is sealed: a
    dict of them all took 2.2 KiB per article (33 identities each in the
    generated benchmark corpus)."""
    waiting = [array("Q") for _ in range(SHARDS)]
    for path in sorted(rows):
        for entry in rows[path].loaded[1]:
            for identity in identities(entry):
                waiting[identity % SHARDS].append(identity)
    blobs = []
    for number in range(SHARDS):
        blobs.append((f"{IDENTITY_SHARDS}{number}", seal(dict(Counter(waiting[number])))))
        waiting[number] = array("Q")
    return blobs


#: Keeps the band keys of copies apart from the digests of duplicates.
_COPY = 0x9E3779B97F4A7C15


def shape(entry: Entry) -> tuple[Any, ...]:
    """What decides where an entry appears and where other pages link it: the
    pages a change of anything else can touch are the pages that show or link
    it (a dated entry's title only names it; undated ones are sorted by title);
    the links and images its body holds are resolved when pages are planned."""
    return (entry.key, entry.local, entry.slug, entry.title if entry.local is None else "",
            entry.article.thread, entry.keywords,  # decide the story threads (pipeline/threads.py)
            tuple(sorted((k, tuple(v)) for k, v in entry.terms.items())),
            tuple((kind, target) for kind, target, _, _ in entry.markers))


def load_planned(cache: Cache, output_dir: Path, planned: PlanMemory) -> None:
    """Fill ``planned`` with what the last full build of ``output_dir`` saved of it:
    the related lists, for :func:`~newsarchive.pipeline.related.remembered_related`
    (which reuses them only for the same articles on the same days, under the
    same rule), and the copies, for
    :func:`~newsarchive.pipeline.copies.remembered_copies` (only for the same
    signatures and sources)."""
    saved = {name: unseal(blob) for name, blob in cache.load_state(
        output_dir, [RELATED, COPIES]).items()}
    related, copies = saved.get(RELATED), saved.get(COPIES)
    planned.related = related if isinstance(related, RelatedMemo) else None
    planned.copies = copies if isinstance(copies, CopiesMemo) else None


@dataclass(frozen=True, slots=True)
class Update:
    """What a save may update in place of writing anew: the saved state the build
    started from was found to hold for the sources in the cache, and loading
    counted how each identity's count changed since (``recount``, from
    :class:`~newsarchive.run.load.LoadOutcome`)."""

    recount: Mapping[int, int]


def _recounted(cache: Cache, output_dir: Path, recount: Mapping[int, int]
               ) -> list[tuple[str, bytes]] | None:
    """The saved identity shards ``recount`` touches, recounted; None when one is
    missing or damaged, or a count would fall below zero (then all are counted
    again)."""
    touched: dict[str, dict[int, int]] = {}
    for identity in recount:
        touched.setdefault(identity_shard(identity), {})
    saved = cache.load_state(output_dir, list(touched))
    for name in touched:
        counts = unseal(saved.get(name))
        if not isinstance(counts, dict):
            return None
        touched[name] = counts
    for identity, change in recount.items():
        counts = touched[identity_shard(identity)]
        count = counts.get(identity, 0) + change
        if count < 0:
            return None
        if count:
            counts[identity] = count
        else:
            counts.pop(identity, None)
    return [(name, seal(counts)) for name, counts in sorted(touched.items())]


def save(cache: Cache, config: Config, settings: str, plan: Plan, counts: Mapping[str, Any],
         digests: dict[str, str], inputs: str | None = None, planned: PlanMemory | None = None,
         update: Update | None = None, prints: Prints | None = None) -> BuildState:
    """Save what the next build of ``plan`` compares with: the plan in chunks, the
    plan index, which chunks show each entry, the duplicate identities.  The
    :class:`BuildState` itself is returned, to be saved once the output is
    complete.  ``inputs``: :func:`inputs_digest` as the build found them (a save
    made later must not take in a template changed since); by default, now.
    ``planned``: what the plan kept for the next one
    (:class:`~newsarchive.pipeline.related.PlanMemory`), saved too.  ``update``:
    what the saved state, which this build started from, lets it keep (the
    identity shards loading did not touch).  ``prints``: the pages'
    fingerprints, which give each chunk its key: a chunk the cache holds
    (``prints.saved``) is neither pickled nor written again, and the index of
    the chunks is patched (:mod:`~newsarchive.incremental.plankeys`)."""
    chunks = plankeys.chunks_of(plan.specs, CHUNK)
    keys: list[int | None] = [None] * len(chunks)
    if prints is not None:
        keys = plankeys.chunk_keys(chunks, prints.found, prints.unsure)
    ids = [plankeys.chunk_id(chunk) for chunk in chunks]
    out = config.output_dir
    saved = {} if prints is None or prints.saved is None else prints.saved
    held = cache.state_names(out) if saved else set()  # a chunk lost is written again
    same = {n for n, key in enumerate(keys) if key is not None
            and saved.get(ids[n]) == key and chunk_name(ids[n]) in held}
    deps = _deps_blobs(cache, out, chunks, ids, same, saved, held)
    # Sealed one by one as the cache takes them: the whole plan pickled at once
    # was held beside the plan while the pages rendered.
    blobs: Iterable[tuple[str, bytes]] = (
        (chunk_name(ids[n]), seal(list(chunk))) for n, chunk in enumerate(chunks)
        if n not in same)
    state = BuildState(
        inputs=inputs or inputs_digest(config, settings),
        table=table_digest({p: r.digest for p, r in plan.sources.rows.items()}),
        counts=dict(counts), read_diagnostics=plan.read_diagnostics,
        other_diagnostics=plan.other_diagnostics, template_digests=digests,
        chunks=len(chunks), chunk_ids=tuple(ids), chunk_keys=tuple(keys))
    recounted = None if update is None else _recounted(cache, out, update.recount)
    blobs = itertools.chain(
        blobs, [(INDEX, seal(PlanIndex(plan.urls, plan.paths)))],
        [(RELATED, seal(planned.related))] if planned and planned.related else [],
        [(COPIES, seal(planned.copies))] if planned and planned.copies else [],
        deps.blobs, identity_shards(plan.sources.rows) if recounted is None else recounted)
    cache.store_state(out, blobs, clear=True, keep="" if recounted is None else IDENTITY_SHARDS,
                      kept=[*(chunk_name(ids[n]) for n in same), *deps.kept])
    return state


@dataclass(frozen=True, slots=True)
class Prints:
    """The pages' fingerprints by output path, those that do not say all their spec
    holds (see :func:`~newsarchive.pipeline.plan.spec.fingerprints`), and the
    chunks the cache holds, the key of each by its name (from the saved state the
    build started from; None without one, or when it was made from other inputs)."""

    found: Mapping[str, str]
    unsure: Collection[str]
    saved: Mapping[int, int | None] | None


@dataclass(frozen=True, slots=True)
class _Deps:
    """The ``deps`` shards to write (``blobs``) and those the cache keeps (``kept``)."""
    blobs: list[tuple[str, bytes]]
    kept: list[str]


def _deps_blobs(cache: Cache, output_dir: Path, chunks: Sequence[Sequence[PageSpec]],
                ids: Sequence[int], same: set[int], saved: Mapping[int, int | None],
                held: set[str]) -> _Deps:
    """The index of which chunks show each entry: patched in the saved shards when
    few chunks changed (all but those numbered in ``same``; the saved state lists
    the chunks ``saved``; the cache holds the blobs ``held``), else made again whole."""
    new = {ids[n]: chunks[n] for n in range(len(chunks)) if n not in same}
    planned = set(ids)
    gone = [number for number in saved if number not in planned]
    if (same and len(new) + len(gone) <= plankeys.PATCH_SHARE * len(chunks)
            and all(f"deps:{n}" in held for n in range(SHARDS))):
        wanted = [number for number in (*new, *gone) if number in saved]
        blobs = cache.load_state(output_dir, [chunk_name(number) for number in wanted])
        old = {number: unseal(blobs.get(chunk_name(number))) for number in wanted}
        # A chunk lost or damaged: the index is made again whole.
        if all(isinstance(chunk, list) for chunk in old.values()):
            moved = plankeys.moves(old, new)
            names = sorted({deps_shard(key) for key in moved[0].keys() | moved[1].keys()})
            loaded = {name: unseal(blob) for name, blob in cache.load_state(
                output_dir, names).items()}
            if all(isinstance(loaded.get(name), dict) for name in names):
                touched = plankeys.patched_deps(moved, loaded, deps_shard)
                return _Deps([(name, seal(shard)) for name, shard in sorted(touched.items())],
                             [name for n in range(SHARDS) if (name := f"deps:{n}") not in touched])
    return _Deps(shards(plankeys.full_deps(chunks, ids), deps_shard, "deps"), [])
