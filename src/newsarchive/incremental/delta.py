"""What a change to the sources needs: nothing, a patch of a few pages, or a full build.

This module is the incremental decision, in one place and free of I/O: the
callers bring what the last build saved (:class:`~newsarchive.incremental.memory.BuildState`
and the source table) and what they found now, and get back one of

- :class:`Nothing`: no source changed its bytes (new stat signatures aside);
- :class:`Patch`: a few files changed in place; only the pages that show
  their articles are rendered again, provided the articles keep their shape
  (:func:`patch_blocker`);
- :class:`Full`: anything else, with the reason, named once in :data:`REASONS`.

Each kind of change has its own unit test (tests/test_delta.py).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from newsarchive.incremental.memory import BuildState, identities, shape, table_digest
from newsarchive.model import Entry

__all__ = ["PATCH_MAX", "REASONS", "Change", "Edit", "Full", "Nothing", "Patch", "Swap", "Table",
           "compare", "delta", "identity_swaps", "patch_blocker", "saved_outdated",
           "swap_identities"]

#: At most this many changed files are patched into the last build's plan;
#: more take the full path.
PATCH_MAX = 64

#: ``path -> (content digest, stat signature)`` of every source, as last built.
Table = Mapping[str, tuple[str, str]]


class Edit(NamedTuple):
    """A source file whose bytes changed: its bytes, their digest, its stat signature."""

    path: str
    data: bytes
    digest: str
    signature: str

#: An edited article's identities before and after the edit.
Swap = tuple[tuple[int, ...], tuple[int, ...]]
#: ``(path, bytes or None when unreadable, content digest or the reason)``.
Read = tuple[str, bytes | None, str]

#: Why a build takes the full path, by short name.
REASONS: Mapping[str, str] = {
    "no-state": "no build of this output was saved (first build, or the cache was lost)",
    "inputs": "the config, a template, a static file or newsarchive itself changed",
    "table": "the sources differ from those the saved build was made from",
    "files": "a source file was added or removed",
    "links": "a symbolic link in the source folder came or went",
    "unknown": "a changed path is not a known source",
    "unreadable": "a source file cannot be read",
    "many": f"more than {PATCH_MAX} files changed",
    "shape": "an article changed its date, slug, terms or count",
    "not-article": "a file that is not an article changed (an article may show it as an image)",
    "duplicate": "an article is, or was, a duplicate or a copy of another",
    "lost": "the cache no longer holds what the patch needs",
}


@dataclass(frozen=True, slots=True)
class Nothing:
    """Nothing to render; ``stats``: new stat signatures of files whose bytes are
    unchanged (saved so the next build need not read them)."""

    stats: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Patch:
    """Re-render the pages showing the articles of ``edits`` (files whose bytes changed)."""

    edits: tuple[Edit, ...]
    stats: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Full:
    """Plan and fingerprint everything; ``reason`` is a key of :data:`REASONS`."""

    reason: str

    def __post_init__(self) -> None:
        if self.reason not in REASONS:
            raise ValueError(f"unknown reason {self.reason!r}")


Change = Nothing | Patch | Full


def delta(state: BuildState | None, inputs: str, table: Table, *,
          found: Mapping[str, str] | None = None,
          refused: Mapping[str, str] | None = None,
          changed: Collection[str] | None = None,
          signature: Callable[[str], str] | None = None,
          read: Callable[[list[str]], Iterable[Read]],
          keep: Collection[str] = ()) -> Change:
    """What the sources need, compared with the saved ``state`` and its ``table``.

    Either the whole source folder was surveyed (``found``: path -> stat
    signature, ``refused``: entries not read, with the reason), or only the
    ``changed`` paths are compared (``signature(path)`` gives each one's stat
    signature now).  ``inputs`` is the digest of everything else the pages are
    made from (see :func:`~newsarchive.incremental.memory.inputs_digest`).
    Files whose signature differs from the table's are read with ``read`` to
    compare their bytes; paths in ``keep`` are not compared (their last
    result stands).
    """
    outdated = saved_outdated(state, inputs, table)
    if outdated is not None:
        return outdated
    assert state is not None
    if found is not None:
        if len(found) != len(table) or not all(path in table for path in found):
            return Full("files")
        if dict(refused or {}) != state.counts.get("refused", {}):
            return Full("links")
        signatures = {path: sig for path, sig in found.items()
                      if path not in keep and (not sig or sig != table[path][1])}
    else:
        paths = changed or ()
        if any(path not in table for path in paths):
            return Full("unknown")
        assert signature is not None, "changed paths need their signatures"
        signatures = {path: signature(path) for path in sorted(paths) if path not in keep}
    return compare(table, signatures, read(sorted(signatures)))


def saved_outdated(state: BuildState | None, inputs: str, table: Table) -> Full | None:
    """Why the saved state cannot answer at all, whatever the sources say (None: it
    can): there is none, it was made from other inputs or from other sources."""
    if state is None:
        return Full("no-state")
    if state.inputs != inputs:
        return Full("inputs")
    if table_digest({path: digest for path, (digest, _) in table.items()}) != state.table:
        return Full("table")
    return None


def compare(table: Table, signatures: Mapping[str, str], reads: Iterable[Read]) -> Change:
    """Sort the files read (``reads``, of the paths of ``signatures``) into edits and
    unchanged files with new stat signatures."""
    stats: dict[str, str] = {}
    edits: list[Edit] = []
    for path, data, digest in reads:
        if data is None:
            return Full("unreadable")
        if digest != table[path][0]:
            edits.append(Edit(path, data, digest, signatures[path]))
            if len(edits) > PATCH_MAX:
                return Full("many")
        elif signatures[path] and signatures[path] != table[path][1]:
            stats[path] = signatures[path]
    return Patch(tuple(edits), stats) if edits else Nothing(stats)


def patch_blocker(before: Sequence[Entry], after: Sequence[Entry]) -> Full | None:
    """Why the entries of one edited file cannot be patched in (None: they can):
    the same articles in the same places, linked the same way."""
    if [shape(e) for e in before] != [shape(e) for e in after]:
        return Full("shape")
    return None


def swap_identities(swaps: Iterable[Swap], shards: Mapping[str, dict[int, Any]],
                    shard_of: Callable[[int], str]) -> Full | None:
    """Move each edited article's identities (before -> after: see
    :func:`~newsarchive.incremental.memory.identities`) in the saved ``shards``,
    in place; a ``duplicate`` Full when an article was or becomes a duplicate
    or a copy of another (the shards are then half changed: the caller drops
    them)."""
    for was, now in swaps:
        if any(shards[shard_of(i)].get(i) != 1 for i in was):
            return Full("duplicate")  # shared with another article before the edit
        if any(i in shards[shard_of(i)] for i in set(now) - set(was)):
            return Full("duplicate")  # shared with another article after it
        for i in was:
            del shards[shard_of(i)][i]
        for i in now:
            shards[shard_of(i)][i] = 1
    return None


def identity_swaps(before: Sequence[Entry], after: Sequence[Entry]) -> list[Swap]:
    """``(identities before, identities after)`` of each article of an edited file."""
    return [(identities(old), identities(new)) for old, new in zip(before, after, strict=True)]
