"""The search index in parts: one Pagefind index per period of the archive.

Pagefind's time and memory grow faster than the pages it indexes (10,000
article pages in one run: 42 s and 2.3 GB; 670 pages: 1.4 s and 125 MB), and it
has no incremental mode.  So the article pages are indexed in parts, one
Pagefind run each, at most two at once, and the search page merges the parts
in the browser (Pagefind's ``mergeIndex``).  An edit re-indexes only the part
of the article it changed; memory is bounded by the largest part.

What a part is, and its size: :mod:`newsarchive.run.search_periods`.

Each part's record (in the bundle's manifest) holds a digest of its pages, and
its own manifest lists them (:mod:`newsarchive.run.search_install`), so an edit
that adds and removes no article page plans its parts from the records and a
walk of the edited parts' own folders, not of the whole output folder
(:func:`plan_edit`).

Each part is a folder ``pagefind/parts/<key>/`` holding the index Pagefind
wrote for it (``pagefind-entry.json``, the ``.pf_meta`` files, ``index/``,
``fragment/``, ``filter/``).  The top of ``pagefind/`` holds the index the
search page loads first and merges the parts into: one placeholder record per
language of the archive (Pagefind loads its language files, ``wasm.*``, only
for the index loaded first), with the script and interface files.
``pagefind/newsarchive-parts.json`` lists the parts, newest first, with the
page count of each language index.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Collection, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from newsarchive.run.search_bundle import (
    BUNDLE_DIR,
    PARTS_DIR,
    FormatError,
    filter_values,
    normalise,
    page_count,
)
from newsarchive.run.search_install import read_part
from newsarchive.run.search_pages import pages_to_index
from newsarchive.run.search_periods import (
    MAX_PARTS,
    OTHER,
    PART_SIZE,
    UNDATED,
    assign,
    folders,
    order,
    part_size_for,
)
from newsarchive.urls import is_article_path

__all__ = ["MAX_PARTS", "OTHER", "PARTS_DIR", "PARTS_INDEX", "PART_SIZE", "UNDATED",
           "PartPlan", "assign", "is_part_file", "members_digest", "order", "part_record",
           "part_size_for", "parts_index", "plan_edit", "plan_parts", "run_parts"]

#: The list of the parts, for the search page.
PARTS_INDEX = "newsarchive-parts.json"
#: Pagefind runs at once (each is a process of its own).
WORKERS = 2
_BODY_MARK = b"data-pagefind-body"


def is_part_file(relative: str) -> bool:
    """Whether ``relative`` (a path in a Pagefind run's output) is part of the index
    itself, rather than a script, interface or language file every index shares."""
    top = PurePosixPath(relative).parts[0]
    return (top in ("index", "fragment", "filter", "pagefind-entry.json")
            or (top.startswith("pagefind.") and top.endswith(".pf_meta")))


def _marked(path: Path) -> bool:
    try:
        return _BODY_MARK in path.read_bytes()
    except OSError:
        return False


#: How many threads read pages at once for their mark (:func:`marked_pages`).
_READERS = 4


def marked_pages(output_dir: Path, paths: Sequence[str]) -> list[str]:
    """Those of ``paths`` (in their order) whose files in ``output_dir`` hold the mark of
    a page to index; read by a few threads at once, as the reads wait on the disk
    more than on the interpreter (the 86,000 pages of a 100,000-article site
    that are not articles, most out of memory: 11-12.5 s one by one, 7-7.6 s in
    four threads)."""
    if len(paths) < 64:
        return [path for path in paths if _marked(output_dir / path)]
    size = -(-len(paths) // _READERS)

    def chunk(start: int) -> list[str]:
        return [path for path in paths[start:start + size] if _marked(output_dir / path)]

    with ThreadPoolExecutor(_READERS) as pool:
        return [path for found in pool.map(chunk, range(0, len(paths), size)) for path in found]


@dataclass
class PartPlan:
    """Which parts the archive has (``keys``), which of them to index now (``dirty``,
    whose pages ``pages`` holds) and which parts of the installed index are gone."""

    keys: list[str]
    pages: dict[str, list[str]]
    dirty: list[str]
    gone: list[str] = field(default_factory=list)


def members_digest(pages: Sequence[str]) -> str:
    """The digest of a part's pages (sorted paths) that its record keeps."""
    return hashlib.sha256("\n".join(pages).encode("utf-8")).hexdigest()


def _indexed(output_dir: Path, key: str) -> bool:
    """Whether the installed bundle has the index of the part ``key``."""
    return (output_dir / BUNDLE_DIR / PARTS_DIR / key / "pagefind-entry.json").is_file()


def plan_parts(output_dir: Path, html: Sequence[str], old: Mapping[str, Any] | None,
               changed: Collection[str] | None, part_size: int = PART_SIZE) -> PartPlan:
    """The parts of the site whose HTML files are ``html``.

    ``old`` is the part record of the installed bundle (None: index every
    part); ``changed`` the output paths written or removed since it was made
    (None: every page may have changed).  A part is indexed again when it is
    new, its pages changed, were added or removed, its record is not this
    version's (another digest of its pages or another ``size``), or its files
    are gone.
    """
    parts = assign((path for path in html if is_article_path(path)), part_size)
    full = old is None or changed is None
    members = None if full else _other_members(output_dir, old or {}, changed or ())
    if members is None:  # (also when the recorded pages of OTHER cannot be read)
        members = set(marked_pages(output_dir, [path for path in html
                                                if not is_article_path(path)]))
    if members:
        parts[OTHER] = sorted(members)
    if full:
        return PartPlan(list(parts), parts, order(parts), [])
    assert old is not None and changed is not None
    touched = set(changed)
    dirty = []
    for key, pages in parts.items():
        record = old.get(key)
        if (not isinstance(record, dict) or record.get("pages") != len(pages)
                or record.get("size") != part_size
                or record.get("members") != members_digest(pages)
                or touched.intersection(pages) or not _indexed(output_dir, key)):
            dirty.append(key)
    return PartPlan(list(parts), parts, order(dirty), sorted(set(old) - set(parts)))


def _other_members(output_dir: Path, old: Mapping[str, Any], changed: Collection[str]
                   ) -> set[str] | None:
    """The pages of :data:`OTHER` after ``changed``: the recorded ones (in its part's
    manifest), with each changed page that is not an article page added or dropped
    by whether it is marked; None when its manifest cannot be read."""
    recorded = read_part(output_dir / BUNDLE_DIR, OTHER) if OTHER in old else ({}, [])
    if recorded is None:
        return None
    members = set(recorded[1])
    for path in changed:
        if path.endswith(".html") and not is_article_path(path):
            if _marked(output_dir / path):
                members.add(path)
            else:
                members.discard(path)
    return members


def _holders(keys: Iterable[str]) -> dict[str, str]:
    """The output folders of the dated and undated parts ``keys``: folder to its part."""
    return {folder: key for key in keys if key != OTHER for folder in folders(key)}


def _holder(page: str, holders: Mapping[str, str]) -> str | None:
    """The part whose folders hold ``page`` (an article page's path), if any."""
    prefix = ""
    for piece in page.split("/")[:3]:
        prefix += piece + "/"
        if prefix in holders:
            return holders[prefix]
    return None


def plan_edit(output_dir: Path, old: Mapping[str, Any] | None, changed: Collection[str],
              part_size: int = PART_SIZE) -> PartPlan | None:
    """The parts after ``changed`` (output paths written or removed) when no article page
    was added or removed: planned from ``old`` (the record of the installed bundle)
    without walking the whole output folder.

    The parts whose folders hold a changed article page are indexed again,
    after a walk of their own folders found the pages their record's digest
    names; :data:`OTHER` as in :func:`plan_parts`, and any part whose files are
    gone.  None (walk the output folder: :func:`plan_parts`) when a changed
    article page is in no part's folders, is gone or is not among the walked
    pages, a record lacks its digest or was made with another ``part_size``,
    a walked part's pages differ from its record, or the manifest of
    :data:`OTHER`, which lists its pages, cannot be read.
    """
    if not old or not all(isinstance(record, dict) and record.get("size") == part_size
                          and isinstance(record.get("members"), str)
                          for record in old.values()):
        return None
    articles = {path for path in changed if is_article_path(path)}
    holders = _holders(old)
    where = {page: _holder(page, holders) for page in articles}
    if None in where.values() or not all(os.path.isfile(output_dir / path)
                                         for path in articles):
        return None
    keys = [key for key in old if key != OTHER]
    touched = {holder for holder in where.values() if holder is not None}
    touched.update(key for key in keys if not _indexed(output_dir, key))
    pages: dict[str, list[str]] = {}
    for key in sorted(touched):
        pages[key] = [path for path in pages_to_index(output_dir, folders(key))
                      if is_article_path(path)]
        if members_digest(pages[key]) != old[key]["members"]:
            return None
    members = _other_members(output_dir, old, changed)
    if members is None:
        return None
    if members:
        keys.append(OTHER)
        pages[OTHER] = sorted(members)
        if (old.get(OTHER, {}).get("members") != members_digest(pages[OTHER])
                or not members.isdisjoint(changed) or not _indexed(output_dir, OTHER)):
            touched.add(OTHER)
    dirty = order(touched)
    return PartPlan(keys, {key: pages[key] for key in dirty}, dirty,
                    sorted(set(old) - set(keys)))


def run_parts(keys: Sequence[str], parts: Mapping[str, Sequence[str]], run: Any
              ) -> dict[str, Any]:
    """``run(key, pages)`` for each of ``keys``, at most :data:`WORKERS` at once; the
    results by key."""
    if len(keys) <= 1:
        return {key: run(key, parts[key]) for key in keys}
    with ThreadPoolExecutor(max_workers=min(WORKERS, os.cpu_count() or 1)) as pool:
        futures = {key: pool.submit(run, key, parts[key]) for key in keys}
        return {key: future.result() for key, future in futures.items()}


def move_run(run_dir: Path, target: Path, shared: bool) -> None:
    """Move what Pagefind wrote into ``run_dir`` to ``target``: the index files, and
    (``shared``) the files every index shares too; then remove ``run_dir``."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in sorted(os.listdir(run_dir)):
        if shared or is_part_file(entry):
            os.replace(run_dir / entry, target / entry)
    shutil.rmtree(run_dir, ignore_errors=True)


def parts_index(records: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The content of :data:`PARTS_INDEX` for the parts ``records`` (key to record)."""
    return {"parts": [{"key": key, "path": f"{PARTS_DIR}/{key}/",
                       "pages": records[key]["pages"], "indexes": records[key]["indexes"]}
                      for key in order(records)]}


def part_record(folder: Path, key: str, pages: Sequence[str], part_size: int = PART_SIZE
                ) -> tuple[dict[str, Any], str]:
    """Normalise the bundle Pagefind wrote into ``folder`` for part ``key``; its record
    (pages, page count of each language index, language tags, ``members``: the
    digest of the pages, and ``size``: the ``part_size`` the parts were made with),
    and what kept it from being normalised ("" when nothing)."""
    problem = ""
    try:
        count = normalise(folder)
    except (FormatError, OSError, ValueError) as exc:
        count, problem = page_count(folder), str(exc)
    try:
        entry = json.loads((folder / "pagefind-entry.json").read_bytes())
        indexes = {lang: int(info["page_count"])
                   for lang, info in sorted(entry["languages"].items())}
        tags = filter_values(folder, "language")
    except (FormatError, OSError, ValueError, LookupError, TypeError) as exc:
        indexes, tags, problem = {}, [], problem or str(exc)
    record: dict[str, Any] = {"pages": len(pages), "indexed": count, "indexes": indexes,
                              "tags": tags, "members": members_digest(pages),
                              "size": part_size}
    return record, problem
