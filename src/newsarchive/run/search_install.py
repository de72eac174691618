"""Installing a staged search bundle into ``pagefind/`` without touching what the
search step did not write (see :mod:`newsarchive.run.search`).

:func:`install` moves a staged bundle into ``pagefind/``, writing only changed
files, deleting only files its manifest lists, and refusing
(:class:`~newsarchive.run.search_bundle.Refusal`) anything it did not write or
a symbolic link.  The manifest (:data:`~newsarchive.run.search_bundle.MANIFEST`)
lists each file with its sha256 and records the parts of the index.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from newsarchive.errors import Diagnostic
from newsarchive.run.search_bundle import BUNDLE_DIR, LEAVE_HINT, MANIFEST, Refusal

__all__ = ["check_bundle_folder", "install", "is_bundle_path", "manifest_stamp", "read_bundle",
           "read_manifest", "read_parts"]


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


def read_bundle(bundle: Path) -> tuple[dict[str, str] | None, dict[str, Any] | None]:
    """What the manifest in ``bundle`` lists, read once: the files (relative path to
    sha256; None without a manifest) and the record of the search index's parts
    (part key to its pages, language indexes and language tags; None without one)."""
    path = bundle / MANIFEST
    if path.is_symlink() or not path.is_file():
        return None, None
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None, None
    files = data.get("files") if isinstance(data, dict) else None
    if not (isinstance(data, dict) and data.get("generator") == "newsarchive"
            and isinstance(files, dict)):
        return None, None
    if not (all(isinstance(digest, str) for digest in files.values())
            and _plain_paths(files)):
        return None, None
    parts = data.get("parts")
    if not (isinstance(parts, dict) and all(isinstance(record, dict)
                                            for record in parts.values())):
        return dict(files), None
    return dict(files), dict(parts)


def _plain_paths(paths: Collection[str]) -> bool:
    """:func:`is_bundle_path` for every one of ``paths`` (strings), by a few substring
    tests of them joined (a manifest lists every file of the bundle: 110,000 at
    100,000 articles)."""
    if not paths:
        return True
    joined = "\n".join(paths)
    if joined.count("\n") != len(paths) - 1:  # a name holds a line break: one by one
        return all(relative != MANIFEST and "\\" not in relative and all(
            part not in ("", ".", "..") for part in relative.split("/")) for relative in paths)
    # Every segment of every path between slashes: an empty path, a leading or a
    # trailing slash give "//", as "//" itself does; "." and ".." segments "/./", "/../".
    segments = f"/{joined.replace(chr(10), '/')}/"
    return (MANIFEST not in paths and "\\" not in joined and "//" not in segments
            and "/./" not in segments and "/../" not in segments)


def manifest_stamp(bundle: Path) -> tuple[int, int, int] | None:
    """The manifest's inode, mtime and size (None without one): taken before
    :func:`read_bundle`, it tells :func:`install` whether what was read still stands."""
    try:
        status = os.lstat(bundle / MANIFEST)
    except OSError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size


def read_manifest(bundle: Path) -> dict[str, str] | None:
    """The files (relative path to sha256) the manifest in ``bundle`` lists; None without one."""
    return read_bundle(bundle)[0]


def read_parts(bundle: Path) -> dict[str, Any] | None:
    """The record of the search index's parts in the manifest of ``bundle`` (part key to
    its pages, language indexes and language tags); None without one."""
    return read_bundle(bundle)[1]


def is_bundle_path(relative: object) -> bool:
    """True for a plain relative posix path inside the bundle (no ``..``, not the manifest)."""
    return isinstance(relative, str) and _plain_paths((relative,))


def _manifest_bytes(files: Mapping[str, str],
                    parts: Mapping[str, Any] | None = None) -> bytes:
    """The manifest listing ``files`` (relative path to sha256) and the record of the
    index's ``parts``; same files and parts, same bytes."""
    manifest: dict[str, Any] = {"generator": "newsarchive", "format": 2,
                                "files": dict(sorted(files.items()))}
    if parts is not None:
        manifest["parts"] = dict(sorted(parts.items()))
    # Compact and ASCII, which the C encoder writes fastest: it lists every file.
    return (json.dumps(manifest, separators=(",", ":")) + "\n").encode("ascii")


def _digests(folder: Path) -> dict[str, str]:
    """Every file under ``folder``: relative posix path to the sha256 of its bytes."""
    digests: dict[str, str] = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = Path(root) / name
            digests[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()).hexdigest()
    return digests


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
    manifest does not list, unless it already holds the same bytes.
    """
    for relative in sorted(set(new) | set(old)):
        parts = PurePosixPath(relative).parts
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
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


def install(staged: Path, bundle: Path, temp: Path, keep: Mapping[str, str] | None = None,
            parts: Mapping[str, Any] | None = None, kept_folders: Collection[str] = (),
            known: tuple[tuple[int, int, int], Mapping[str, str]] | None = None
            ) -> list[str]:
    """Make ``bundle`` hold the files of ``staged`` and the files ``keep`` of the old
    manifest (left as they are), touching only what this step wrote; the new
    manifest records ``parts``.  ``kept_folders`` (relative paths) are folders
    of ``bundle`` this install leaves as they are: not listed for files of the
    user (the parts not indexed again, so an edit does not list the whole bundle).
    ``known``: the :func:`manifest_stamp` of the manifest in place and the files
    it listed when read, used if the manifest has not changed since.

    On a fresh output ``staged`` (with its manifest) is renamed to ``bundle``.
    Otherwise each file whose bytes changed is moved in with
    :func:`os.replace`, files the old manifest lists and the new bundle lacks
    are deleted, and the manifest is replaced last (after a provisional one
    listing old and new files, so an interrupted run leaves nothing unlisted).
    Returns the files of ``bundle`` it does not list (the user's), sorted.
    Raises :class:`Refusal` (before writing anything) or :class:`OSError`.
    """
    fresh = _digests(staged)
    new = {**(keep or {}), **fresh}
    manifest = _manifest_bytes(new, parts)
    (staged / MANIFEST).write_bytes(manifest)
    if not keep and not os.path.lexists(bundle):
        try:
            os.rename(staged, bundle)
            return []
        except OSError:  # another build made it meanwhile: update that one below
            if not os.path.lexists(bundle):
                raise
    if known is not None and known[0] == manifest_stamp(bundle):
        old_files: Mapping[str, str] | None = known[1]
    else:
        old_files = read_bundle(bundle)[0]
    check_bundle_folder(bundle, old_files is not None)
    old = old_files or {}
    _check_paths(bundle, staged, fresh,
                 {relative: digest for relative, digest in old.items() if relative not in new
                  or relative in fresh})
    if set(new) - set(old):
        provisional = temp / MANIFEST
        provisional.write_bytes(_manifest_bytes({**old, **new}))
        os.replace(provisional, bundle / MANIFEST)
    for relative in sorted(fresh):
        source, target = staged / relative, bundle / relative
        if _has_bytes(target, source.read_bytes()):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    for relative in sorted(set(old) - set(new)):
        target = bundle / relative
        if target.is_symlink() or not target.is_dir():
            target.unlink(missing_ok=True)
            for folder in PurePosixPath(relative).parents[:-1]:
                try:
                    (bundle / folder).rmdir()
                except OSError:
                    break
    if not _has_bytes(bundle / MANIFEST, manifest):
        os.replace(staged / MANIFEST, bundle / MANIFEST)
    return sorted(relative for relative in _listing(bundle, frozenset(kept_folders))
                  if relative not in new and relative != MANIFEST)


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
