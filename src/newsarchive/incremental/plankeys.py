"""The plan chunks a save may leave as the cache holds them (see ``memory.save``).

A full build's save used to pickle and write every plan chunk and every shard
of the index of which chunks show each entry, although an edit changes a few
of them: at 100,000 articles, 3,000 chunks (170 MB) pickled, deleted and
written again took 4 s of an edit that names a new company.  Now:

- the plan is cut into chunks where the output paths of its pages say
  (:func:`chunks_of`), so a page planned or dropped changes one chunk, not
  every chunk after it;
- each chunk is saved under a name made from where it was cut (:func:`chunk_id`)
  and has a **key**, a digest of what its pickle holds made from what the
  build has at hand (:func:`chunk_keys`); the saved state lists both, and a
  chunk the cache holds with the same key is neither pickled nor written again;
- the index (``deps`` shards) is patched, when few chunks changed, for the
  entries that came into a chunk or left it (:func:`patched_deps`).

A chunk's key digests, for each of its pages, its fingerprint (output path,
template, config, params and the digest and URL of each entry it shows or
links: :func:`~newsarchive.pipeline.plan.spec.fingerprints`; an entry's digest
covers its article, whose source path and record make its key), its URL,
whether it is in the sitemap, the entry it shows in full and how many it
lists and links.  A page whose fingerprint does not say all of its params
(they were digested by ``repr``) or that lists an empty key has no key, nor
has its chunk: it is written by every save.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence

from newsarchive.pipeline.plan import PageSpec

__all__ = ["PATCH_SHARE", "Moves", "chunk_id", "chunk_keys", "chunks_of", "entry_keys",
           "full_deps", "moves", "patched_deps"]

#: When more than this share of the chunks changed, the index is made again whole.
PATCH_SHARE = 0.25


def chunks_of(specs: Sequence[PageSpec], size: int) -> list[Sequence[PageSpec]]:
    """``specs`` cut into chunks of ``size`` pages on average, where the output path of
    a page decides: a chunk ends after a page whose path's CRC-32 is a multiple of
    ``size`` (or at ``4 * size`` pages).  So a page planned or dropped changes its
    own chunk only, not every chunk after it, as chunks of a fixed size would."""
    chunks: list[Sequence[PageSpec]] = []
    start = 0
    for number, spec in enumerate(specs, 1):
        if (number - start >= 4 * size
                or not zlib.crc32(spec.output_path.encode("utf-8", "surrogatepass")) % size):
            chunks.append(specs[start:number])
            start = number
    if start < len(specs):
        chunks.append(specs[start:])
    return chunks


def chunk_id(chunk: Sequence[PageSpec]) -> int:
    """The id a chunk is saved under: 60 bits of a digest of its last page's output
    path, where it was cut; so a chunk whose pages changed but not its cut keeps
    its id, and the index of the chunks changes only for the entries that came
    into it or left it."""
    path = chunk[-1].output_path.encode("utf-8", "surrogatepass")
    return int(hashlib.sha256(path).hexdigest()[:15], 16)


def chunk_keys(chunks: Sequence[Sequence[PageSpec]], prints: Mapping[str, str],
               unsure: Collection[str]) -> list[int | None]:
    """The key of each of ``chunks`` (see the module docstring; 60 bits of it); None for
    a chunk with a page that has no fingerprint in ``prints`` or is among ``unsure``."""
    keys: list[int | None] = []
    for chunk in chunks:
        parts = [""]
        for spec in chunk:
            found = prints.get(spec.output_path)
            if found is None or spec.output_path in unsure:
                parts = []
                break
            parts.append(f"{found}\0{spec.url}\0{spec.in_sitemap:d}\0{spec.article}\0"
                         f"{len(spec.keys)}\0{len(spec.links)}")
        keys.append(int(hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass"))
                        .hexdigest()[:15], 16) if parts else None)
    return keys


def entry_keys(chunk: Sequence[PageSpec]) -> set[str]:
    """The keys of the entries the pages of ``chunk`` show, list or link."""
    found: set[str] = set()
    for spec in chunk:
        found.add(spec.article)
        found.update(spec.keys)
        found.update(spec.links)
    found.discard("")
    return found


def full_deps(chunks: Sequence[Sequence[PageSpec]], ids: Sequence[int]
              ) -> dict[str, tuple[int, ...]]:
    """Which chunks show each entry: key to the ascending ids of its chunks."""
    deps: dict[str, list[int]] = {}
    for number, chunk in zip(ids, chunks, strict=True):
        for spec in chunk:
            for key in (spec.article, *spec.keys, *spec.links):
                if key:
                    found = deps.setdefault(key, [])
                    if not found or found[-1] != number:  # the pages of a chunk are together
                        found.append(number)
    return {key: tuple(sorted(numbers)) for key, numbers in deps.items()}


Moves = tuple[dict[str, set[int]], dict[str, set[int]]]


def moves(old: Mapping[int, Sequence[PageSpec]], new: Mapping[int, Sequence[PageSpec]]) -> Moves:
    """The entries that came into a chunk or left it when the chunks ``old`` (id to
    pages, as saved) became ``new`` (a chunk in only one of them came or went):
    key to the chunks it came into, and key to the chunks it left."""
    added: dict[str, set[int]] = defaultdict(set)
    dropped: dict[str, set[int]] = defaultdict(set)
    for number in old.keys() | new.keys():
        before = entry_keys(old.get(number, ()))
        after = entry_keys(new.get(number, ()))
        for key in before - after:
            dropped[key].add(number)
        for key in after - before:
            added[key].add(number)
    return added, dropped


def patched_deps(moved: Moves, shards: Mapping[str, dict[str, tuple[int, ...]]],
                 shard_of: Callable[[str], str]) -> dict[str, dict[str, tuple[int, ...]]]:
    """The saved index ``shards`` (name to shard: those ``shard_of(key)`` names for
    the keys of ``moved``, from :func:`moves`) patched in place; returns the
    shards it changed."""
    added, dropped = moved
    changed: dict[str, dict[str, tuple[int, ...]]] = {}
    for key in sorted(added.keys() | dropped.keys()):
        name = shard_of(key)
        shard = shards[name]
        numbers = (set(shard.get(key, ())) - dropped.get(key, set())) | added.get(key, set())
        if numbers:
            shard[key] = tuple(sorted(numbers))
        else:
            shard.pop(key, None)
        changed[name] = shard
    return changed
