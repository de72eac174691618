"""Installing a staged search bundle into ``pagefind/`` without touching what the
search step did not write (see :mod:`newsarchive.run.search`).

:func:`install` moves a staged bundle into ``pagefind/``, writing only changed
files, deleting only files a manifest lists, and refusing
(:class:`~newsarchive.run.search_bundle.Refusal`) anything it did not write or
a symbolic link.

Two kinds of manifest list the files it wrote, each with its sha256.  The
bundle's own (:data:`~newsarchive.run.search_bundle.MANIFEST`) lists the files
outside ``parts/`` and records the parts of the index; the folder of each part,
``parts/<key>/``, holds the manifest of that part's files and pages
(:data:`~newsarchive.run.search_bundle.PART_MANIFEST`).  So an edit that indexes
one part again reads and writes that part's manifest and the bundle's short
one, not a list of every file of the index (110,000 files at 100,000 articles:
a 20 MB manifest, which took half a second of an edit to read and write twice).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from newsarchive.errors import Diagnostic
from newsarchive.run.search_bundle import (
    BUNDLE_DIR,
    LEAVE_HINT,
    MANIFEST,
    PART_MANIFEST,
    PARTS_DIR,
    Refusal,
)

__all__ = ["FORMAT", "check_bundle_folder", "digests", "install", "is_bundle_path", "read_bundle",
           "read_manifest", "read_part", "read_parts"]

#: The format of the manifests: 3 since each part has its own.  A bundle of an
#: earlier format (one manifest listing every file) is indexed again as a whole.
FORMAT = 3


def _foreign(bundle: Path, relative: str) -> Diagnostic:
    """The error for ``pagefind/relative``, which this step did not write."""
    name = f"{BUNDLE_DIR}/{relative}"
    return Diagnostic((bundle / relative).as_posix() if relative else bundle.as_posix(), 0, 0,
                      f"{name} exists and was not written by newsarchive; left alone",
                      LEAVE_HINT)


def _symlink(bundle: Path, relative: str) -> Diagnostic:
    """The error for ``pagefind/relative``, a symbolic link this step will not follow."""
    name = f"{BUNDLE_DIR}/{relative}"
    return Diagnostic((bundle / relative).as_posix() if relative else bundle.as_posix(), 0, 0,
                      f"{name} is a symbolic link, which newsarchive does not follow; "
                      "left alone", LEAVE_HINT)


def check_bundle_folder(bundle: Path, has_manifest: bool | None = None) -> None:
    """Raise :class:`Refusal` unless ``bundle`` is absent or a folder with this step's
    manifest (``has_manifest``: whether :func:`read_bundle` found one, when known)."""
    if bundle.is_symlink():
        raise Refusal(_symlink(bundle, ""))
    if os.path.lexists(bundle) and not bundle.is_dir():
        raise Refusal(_foreign(bundle, ""))
    if has_manifest is None:
        has_manifest = read_manifest(bundle) is not None
    if os.path.lexists(bundle) and not has_manifest:
        raise Refusal(_foreign(bundle, ""))


def _read_json(path: Path) -> dict[str, Any] | None:
    """The manifest at ``path`` (a regular file written by newsarchive), else None."""
    if path.is_symlink() or not path.is_file():
        return None
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("generator") == "newsarchive" else None


def _listed(files: object) -> dict[str, str] | None:
    """``files`` of a manifest when it maps plain relative paths to digests, else None."""
    if not (isinstance(files, dict) and all(isinstance(digest, str)
                                            for digest in files.values())
            and _plain_paths(files)):
        return None
    return dict(files)


def read_bundle(bundle: Path) -> tuple[dict[str, str] | None, dict[str, Any] | None]:
    """What the manifest in ``bundle`` lists: its files (relative path to sha256; None
    without a manifest) and the record of the search index's parts (part key to its
    page count, language indexes and tags, and the digest of its pages; None
    without one, or for a manifest of an earlier :data:`FORMAT`, whose files are
    every file of the bundle)."""
    data = _read_json(bundle / MANIFEST)
    files = _listed(data.get("files")) if data is not None else None
    if data is None or files is None:
        return None, None
    parts = data.get("parts")
    if not (data.get("format") == FORMAT and isinstance(parts, dict)
            and all(isinstance(record, dict) for record in parts.values())):
        return files, None
    return files, dict(parts)


def read_part(bundle: Path, key: str) -> tuple[dict[str, str], list[str]] | None:
    """What the manifest of the part ``key`` in ``bundle`` lists: its files (path inside
    the part's folder to sha256) and its pages; None without a readable one."""
    data = _read_json(bundle / PARTS_DIR / key / PART_MANIFEST)
    files = _listed(data.get("files")) if data is not None else None
    members = data.get("members") if data is not None else None
    if files is None or not (isinstance(members, list)
                             and all(isinstance(page, str) for page in members)):
        return None
    return files, list(members)


def _plain_paths(paths: Collection[str]) -> bool:
    """:func:`is_bundle_path` for every one of ``paths`` (strings), by a few substring
    tests of them joined (a part's manifest lists a file per article page)."""
    if not paths:
        return True
    joined = "\n".join(paths)
    if joined.count("\n") != len(paths) - 1:  # a name holds a line break: one by one
        return all("\\" not in relative and all(
            part not in ("", ".", "..", MANIFEST, PART_MANIFEST)
            for part in relative.split("/")) for relative in paths)
    # Every segment of every path between slashes: an empty path, a leading or a
    # trailing slash give "//", as "//" itself does; "." and ".." segments "/./", "/../".
    segments = f"/{joined.replace(chr(10), '/')}/"
    return ("\\" not in joined and "//" not in segments and "/./" not in segments
            and "/../" not in segments and f"/{MANIFEST}/" not in segments
            and f"/{PART_MANIFEST}/" not in segments)


def read_manifest(bundle: Path) -> dict[str, str] | None:
    """The files (relative path to sha256) the manifest in ``bundle`` lists; None without one."""
    return read_bundle(bundle)[0]


def read_parts(bundle: Path) -> dict[str, Any] | None:
    """The record of the search index's parts in the manifest of ``bundle``; None without one."""
    return read_bundle(bundle)[1]


def is_bundle_path(relative: object) -> bool:
    """True for a plain relative posix path inside the bundle (no ``..``, no manifest)."""
    return isinstance(relative, str) and _plain_paths((relative,))


def _manifest_bytes(files: Mapping[str, str],
                    parts: Mapping[str, Any] | None = None) -> bytes:
    """The bundle's manifest listing ``files`` (relative path to sha256) and the record
    of the index's ``parts``; same files and parts, same bytes."""
    manifest: dict[str, Any] = {"generator": "newsarchive", "format": FORMAT,
                                "files": dict(sorted(files.items()))}
    if parts is not None:
        manifest["parts"] = dict(sorted(parts.items()))
    return (json.dumps(manifest, separators=(",", ":")) + "\n").encode("ascii")


def _part_manifest_bytes(files: Mapping[str, str], members: Sequence[str]) -> bytes:
    """A part's manifest: its ``files`` (path inside its folder to sha256) and ``members``."""
    manifest = {"generator": "newsarchive", "format": FORMAT,
                "files": dict(sorted(files.items())), "members": list(members)}
    # Compact and ASCII, which the C encoder writes fastest.
    return (json.dumps(manifest, separators=(",", ":")) + "\n").encode("ascii")


def digests(folder: Path, skipped: str = "", only: Callable[[str], bool] | None = None
            ) -> dict[str, str]:
    """Every file under ``folder`` but in its folder ``skipped`` (and, with ``only``,
    under a name at its top that ``only`` accepts): relative posix path to the sha256
    of its bytes."""
    found: dict[str, str] = {}
    top = os.fspath(folder)
    for root, folders, files in os.walk(folder):
        if root == top:
            folders[:] = [name for name in folders
                          if name != skipped and (only is None or only(name))]
            files = [name for name in files if only is None or only(name)]
        for name in files:
            path = Path(root) / name
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()).hexdigest()
    return found


def _has_bytes(path: Path, data: bytes) -> bool:
    """True when ``path`` is a regular file (not a link) holding exactly ``data``."""
    try:
        return (not path.is_symlink() and path.is_file() and path.stat().st_size == len(data)
                and path.read_bytes() == data)
    except OSError:
        return False


def _check_paths(bundle: Path, staged: Path, new: Mapping[str, str],
                 old: Mapping[str, str]) -> None:
    """Raise :class:`Refusal` when installing ``new`` over ``old`` would touch what is not ours.

    That is: a folder on the way to a bundle file is a symbolic link or not a
    folder, or a new bundle file would replace a file (or folder) the old
    manifests do not list, unless it already holds the same bytes.
    """
    checked: set[str] = set()
    for relative in sorted(set(new) | set(old)):
        parts = PurePosixPath(relative).parts
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder in checked:
                continue
            checked.add(folder)
            if (bundle / folder).is_symlink():
                raise Refusal(_symlink(bundle, folder))
            if os.path.lexists(bundle / folder) and not (bundle / folder).is_dir():
                raise Refusal(_foreign(bundle, folder))
        target = bundle / relative
        if relative not in new or relative in old or not os.path.lexists(target):
            continue
        if not _has_bytes(target, (staged / relative).read_bytes()):
            raise Refusal(_foreign(bundle, relative))
    for relative in sorted(new):
        target = bundle / relative
        if not target.is_symlink() and target.is_dir():
            raise Refusal(_foreign(bundle, relative))


def _put(temp: Path, target: Path, data: bytes) -> None:
    """Replace ``target`` (not followed if a link) with a file of ``data``, unless it
    holds them already; written in ``temp`` first, so it is never seen half-written."""
    if _has_bytes(target, data):
        return
    written = temp / target.name
    written.write_bytes(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(written, target)


def _remove(bundle: Path, relative: str) -> None:
    """Delete ``bundle/relative`` (not a folder) and the folders of the bundle it leaves empty."""
    target = bundle / relative
    if not target.is_symlink() and target.is_dir():
        return
    target.unlink(missing_ok=True)
    for folder in PurePosixPath(relative).parents[:-1]:
        try:
            (bundle / folder).rmdir()
        except OSError:
            break


def install(staged: Path, bundle: Path, temp: Path, records: Mapping[str, Mapping[str, Any]],
            indexed: Mapping[str, Sequence[str]], gone: Collection[str] = (),
            keep: Mapping[str, str] | None = None,
            known: Mapping[str, Mapping[str, str]] | None = None) -> list[str]:
    """Make ``bundle`` hold the index staged in ``staged``, touching only what this step
    wrote, and return the files of ``bundle`` no manifest lists (the user's), sorted.

    ``records`` are the parts of the new index (key to record, written into the
    bundle's manifest); ``indexed`` the parts staged in ``staged/parts/<key>/``
    (key to its pages); the other parts of ``records`` are left as they are,
    unread.  ``gone``: parts of the installed index to delete.  The files of
    ``staged`` outside ``parts/`` replace those of the installed bundle, but
    ``keep`` (relative path to sha256: files its manifest lists, left as they are).
    ``known``: the :func:`digests` of parts of ``indexed`` already taken (each
    in the thread that indexed it, while other parts were being indexed).

    On a fresh output ``staged`` (with its manifests) is renamed to ``bundle``.
    Otherwise each file whose bytes changed is moved in with
    :func:`os.replace`, files the old manifests list and the new bundle lacks
    are deleted, and the manifests are replaced last.  Before anything moves,
    provisional manifests list old and new files, and the bundle's marks each
    part being written as pending (so a run interrupted half-way leaves nothing
    unlisted, and the next indexes those parts again).
    Raises :class:`Refusal` (before writing anything) or :class:`OSError`.
    """
    known = known or {}
    fresh = digests(staged, PARTS_DIR)
    part_files = {key: dict(known[key]) if key in known else digests(staged / PARTS_DIR / key)
                  for key in indexed}
    top = {**(keep or {}), **fresh}
    manifest = _manifest_bytes(top, records)
    part_manifests = {key: _part_manifest_bytes(part_files[key], pages)
                      for key, pages in indexed.items()}
    if not keep and not os.path.lexists(bundle):
        for key, data in part_manifests.items():
            (staged / PARTS_DIR / key / PART_MANIFEST).write_bytes(data)
        (staged / MANIFEST).write_bytes(manifest)
        try:
            os.rename(staged, bundle)
            return []
        except OSError:  # another build made it meanwhile: update that one below
            if not os.path.lexists(bundle):
                raise
    old_top, old_records = read_bundle(bundle)
    check_bundle_folder(bundle, old_top is not None)
    kept = {f"{PARTS_DIR}/{key}" for key in records if key not in indexed}
    old_parts = {key: (read_part(bundle, key) or ({}, []))[0] for key in {*indexed, *gone}}
    old = {relative: digest for relative, digest in (old_top or {}).items()
           if _part_folder(relative) not in kept}
    for key, files in old_parts.items():
        old.update((f"{PARTS_DIR}/{key}/{relative}", digest) for relative, digest in files.items())
    staged_files = {**fresh, **{f"{PARTS_DIR}/{key}/{relative}": digest
                                for key, files in part_files.items()
                                for relative, digest in files.items()}}
    new = {**top, **staged_files}
    _check_paths(bundle, staged, staged_files,
                 {relative: digest for relative, digest in old.items()
                  if relative not in new or relative in staged_files})
    moved = [relative for relative in sorted(staged_files)
             if not _has_bytes(bundle / relative, (staged / relative).read_bytes())]
    dropped = sorted(set(old) - set(new))
    if moved or dropped or gone or not _has_bytes(bundle / MANIFEST, manifest):
        pending = {**(old_records or {}), **{key: {"pending": True} for key in indexed}}
        _put(temp, bundle / MANIFEST, _manifest_bytes({**(old_top or {}), **top}, pending))
        for key, pages in indexed.items():
            if set(part_files[key]) - set(old_parts[key]):
                _put(temp, bundle / PARTS_DIR / key / PART_MANIFEST, _part_manifest_bytes(
                    {**old_parts[key], **part_files[key]}, pages))
    for relative in moved:
        (bundle / relative).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged / relative, bundle / relative)
    for relative in dropped:
        _remove(bundle, relative)
    for key in sorted(gone):
        _remove(bundle, f"{PARTS_DIR}/{key}/{PART_MANIFEST}")
    for key, data in sorted(part_manifests.items()):
        _put(temp, bundle / PARTS_DIR / key / PART_MANIFEST, data)
    _put(temp, bundle / MANIFEST, manifest)
    listed = {MANIFEST, *new, *(f"{PARTS_DIR}/{key}/{PART_MANIFEST}" for key in indexed)}
    return sorted(relative for relative in _listing(bundle, frozenset(kept))
                  if relative not in listed)


def _part_folder(relative: str) -> str:
    """``parts/<key>`` for a path in the folder of a part, else ""."""
    pieces = relative.split("/", 2)
    return f"{pieces[0]}/{pieces[1]}" if len(pieces) > 2 and pieces[0] == PARTS_DIR else ""


def _listing(folder: Path, skipped: frozenset[str] = frozenset()) -> Iterator[str]:
    """Relative posix paths of the files and symbolic links under ``folder`` (not followed),
    but in its folders ``skipped`` (relative paths)."""
    pending = [(os.fspath(folder), "")]
    while pending:
        path, prefix = pending.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue
        for entry in entries:
            relative = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if relative not in skipped:
                    pending.append((entry.path, relative + "/"))
            else:
                yield relative
