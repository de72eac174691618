"""Everything that writes files: atomic writes, skip-unchanged, pruning, static copy,
and the guards that keep a build inside what it owns.

No other module writes to disk (the cache module writes only its own cache folder).

What a build may touch in its output folder (see README, "Safety"):

- The output folder must not be, or contain, the source folder, the config's
  folder, the file system root or the home folder, and a non-empty folder
  that no build wrote is refused unless forced (:func:`check_output_folder`).
- The files it wrote are listed in ``.newsarchive-manifest.json`` in the
  output (:func:`read_owned`, :func:`write_owned`), written before rendering
  with every path the build may write and after pruning with what it did
  write; so a lost or damaged cache, or a build killed half-way, never
  leaves a stale page online and never mistakes a user's file for its own.
- Only listed files are removed or overwritten; a file in the way that the
  build did not write is left alone and reported (:func:`foreign_paths`).
- Nothing is written or removed through a symbolic link to a folder inside
  the output (:func:`linked_folders`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from newsarchive.errors import ConfigError, Diagnostic, OutputError

__all__ = ["OWNED_NAME", "TEMP_DIR", "check_output_folder", "clear_temp", "file_digest",
           "folder_size", "foreign_paths", "linked_folders", "prune", "read_owned", "safe_target",
           "static_files", "write_bytes_atomic", "write_owned"]

#: The list of files a build wrote, kept in the output folder itself so it
#: survives a lost cache (a hidden file: GitHub Pages serves it, search skips it).
OWNED_NAME = ".newsarchive-manifest.json"
_OWNED_FORMAT = "newsarchive output manifest 1"
#: Longest path component and path the build writes (bytes, UTF-8): the limits
#: of ext4, APFS and most other file systems.
MAX_COMPONENT_BYTES = 255
MAX_PATH_BYTES = 4096


#: Folder (inside the output, so ``os.replace`` stays on one file system) of the
#: temp files of a build's writes; removed whole by :func:`clear_temp` before a
#: build writes and after, so a write cut short by ``kill -9`` never lingers.
TEMP_DIR = ".newsarchive-tmp"


def write_bytes_atomic(path: Path, data: bytes, temp_dir: Path | None = None, *,
                       create_in_place: bool = False) -> bool:
    """Write ``data`` to ``path``: through a temp file and ``os.replace``, or, with
    ``create_in_place`` and no file there yet, created where it belongs.

    Returns False (and touches nothing) when the file already holds exactly
    ``data``; True when it was written.  Parent folders are created when
    missing.  Safe to call from several processes and threads at once.  The
    temp file is made in ``temp_dir`` (created when missing; on the same file
    system as ``path``) when given, else beside ``path``.

    With ``create_in_place`` a file that does not exist yet is written where
    it belongs, created exclusively, without a temp file: no reader had it
    before, and the rename is most of a page's cost (two workers writing a
    cold build's 13 KB pages here: about 1.3 ms a page renamed, 0.2 ms
    created).  A kill mid-write leaves part of it, so the caller must make
    sure the next build writes it again (:func:`newsarchive.pipeline.write.
    forget_missing`).  A file that exists is always replaced whole.
    """
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        if create_in_place and _create(path, data):
            return True
    except OSError:
        pass
    # One temp name per process, thread and target: no two writers share one.
    if temp_dir is None:
        tmp = path.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{path.name}")
    else:
        tmp = temp_dir / f"{os.getpid()}-{threading.get_ident()}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, 0o666)
    except FileNotFoundError:
        tmp.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        try:
            os.replace(tmp, path)
        except FileNotFoundError:
            if not tmp.exists():
                raise
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _create(path: Path, data: bytes) -> bool:
    """Create ``path`` holding ``data``; False (nothing written) when something is
    already there, even a dangling link: then it is replaced through a temp file.
    A write that fails removes what it had written and raises."""
    try:
        try:
            fd = os.open(path, _CREATE, 0o666)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, _CREATE, 0o666)
    except FileExistsError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return True


def clear_temp(output_dir: Path) -> None:
    """Remove ``output_dir/TEMP_DIR`` and all in it: what writes cut short left.

    Call only when no other build writes to ``output_dir`` (under its lock).
    """
    shutil.rmtree(output_dir / TEMP_DIR, ignore_errors=True)


def safe_target(output_dir: Path, relative_path: str) -> Path:
    """``output_dir / relative_path``, refusing any path that would leave ``output_dir``
    or that a file system cannot hold (a component over 255 bytes, a NUL byte)."""
    parts = relative_path.split("/")
    if (not relative_path or relative_path.startswith("/") or "\\" in relative_path
            or "\0" in relative_path or any(p in ("", ".", "..") for p in parts)):
        raise OutputError(f"refusing to write outside the output folder: {relative_path!r}")
    encoded = relative_path.encode("utf-8", "surrogatepass")
    if len(encoded) > MAX_PATH_BYTES or any(
            len(p.encode("utf-8", "surrogatepass")) > MAX_COMPONENT_BYTES for p in parts):
        raise OutputError(f"refusing to write a path longer than the file system allows: "
                          f"{relative_path[:80]!r}...")
    return output_dir.joinpath(*parts)


def linked_folders(output_dir: Path, paths: Iterable[str]) -> dict[str, str]:
    """``path -> the folder of it that is a symbolic link`` (relative), for each of
    ``paths`` that lies below a symlinked folder inside ``output_dir``.

    The output folder itself may be a link (``site -> /var/www``); a link
    inside it could make a write land anywhere, so such paths are not
    written.  Each folder is looked at once, however many paths share it.
    """
    root = str(output_dir)
    verdict: dict[str, str] = {"": ""}  # folder -> "" or the linked folder above it

    def check(folder: str) -> str:
        found = verdict.get(folder)
        if found is not None:
            return found
        parent, _, _ = folder.rpartition("/")
        found = check(parent)
        if not found:
            try:
                if os.path.islink(os.path.join(root, folder)):
                    found = folder
            except (OSError, ValueError):
                found = ""
        verdict[folder] = found
        return found

    linked: dict[str, str] = {}
    for path in paths:
        folder = path.rpartition("/")[0]
        if folder:
            where = check(folder)
            if where:
                linked[path] = where
    return linked


def foreign_paths(output_dir: Path, paths: Iterable[str]) -> list[str]:
    """Those of ``paths`` (none of them the build's own) that exist in ``output_dir``:
    files (or links, or folders) the build did not write and must not replace."""
    return sorted(p for p in paths if os.path.lexists(os.path.join(output_dir, *p.split("/"))))


def read_owned(output_dir: Path) -> set[str] | None:
    """The paths the output's manifest lists, or None when it has none (or it is damaged)."""
    try:
        data = json.loads((output_dir / OWNED_NAME).read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("format") != _OWNED_FORMAT:
        return None
    files = data.get("files")
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return set(files)


def write_owned(output_dir: Path, paths: Iterable[str]) -> None:
    """Write the output's manifest: every path below ``output_dir`` this build owns."""
    text = json.dumps({"format": _OWNED_FORMAT, "files": sorted(set(paths))},
                      ensure_ascii=False, indent=0)
    write_bytes_atomic(output_dir / OWNED_NAME, text.encode("utf-8", "surrogatepass"),
                       output_dir / TEMP_DIR)


def check_output_folder(output_dir: Path, *, source_dir: Path, config_dir: Path | None,
                        owned_by_cache: Callable[[], bool], force: bool) -> bool:
    """Refuse an output folder a build must not write into; raises ConfigError (exit 2).

    Refused always: the file system root, the home folder, a folder that is
    or contains the source folder or the config file's folder, an output that
    is a file.  Refused unless ``force``: a folder with files in it that no
    build wrote (no output manifest, and ``owned_by_cache()`` false: the cache
    knows no build of it; asked only then).  Paths are compared resolved, so ``..``, links and
    ``output_dir: .`` are seen through.  Returns whether the folder is absent or
    empty (nothing in it can be in the way of a page).
    """
    def refuse(message: str, hint: str) -> ConfigError:
        return ConfigError((Diagnostic(str(output_dir), 0, 0, message, hint),))

    out = output_dir.resolve()
    home = Path.home().resolve()
    if out == Path(out.anchor) or out == home:
        raise refuse(f"refusing to build into {'the home folder' if out == home else '/'}",
                     "choose an output folder of its own, such as site/")
    if source_dir.resolve().is_relative_to(out):
        raise refuse(f"the output folder {output_dir} is or contains the source folder "
                     f"{source_dir}; building there would mix pages with articles",
                     "choose another output folder, such as site/ beside the sources")
    if config_dir is not None and config_dir.resolve().is_relative_to(out):
        raise refuse(f"the output folder {output_dir} is or contains the folder of the config "
                     f"file ({config_dir})", "choose an output folder such as site/")
    if out.exists() and not out.is_dir():
        raise refuse(f"the output {output_dir} is a file, not a folder",
                     "remove the file or choose another output folder with --output")
    try:
        with os.scandir(out) as listing:  # a build's own temp folder occupies nothing
            occupied = any(entry.name != TEMP_DIR for entry in listing)
    except FileNotFoundError:
        return True
    except OSError as exc:
        raise refuse(f"cannot read the output folder: {exc.strerror}",
                     "check the folder's permissions") from None
    if not occupied:
        return True
    if not (force or (out / OWNED_NAME).is_file() or owned_by_cache()):
        raise refuse(f"the output folder {output_dir} holds files that no newsarchive build "
                     "wrote; refusing to write into it",
                     "empty it, choose another folder, or pass --force to build there anyway "
                     "(files in the way are then replaced)")
    return False


def prune(output_dir: Path, stale: Iterable[str]) -> int:
    """Delete the listed files (only those) and the folders they leave empty; never
    through a symbolic link to a folder inside the output."""
    removed = 0
    stale = sorted(stale)
    linked = linked_folders(output_dir, stale)
    for relative_path in stale:
        if relative_path in linked:
            continue
        try:
            target = safe_target(output_dir, relative_path)
        except OutputError:
            continue
        if target.is_file() or target.is_symlink():
            target.unlink()
            removed += 1
        parent = target.parent
        while parent != output_dir and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    return removed


def static_files(folders: Iterable[Path]) -> dict[str, Path]:
    """Map ``static/<relative path>`` to its file; later folders override earlier ones."""
    found: dict[str, Path] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            hidden = any(p.startswith(".") for p in path.relative_to(folder).parts)
            temp = path.name.endswith(("~", ".swp", ".tmp")) or path.name.startswith("#")
            if path.is_file() and not hidden and not temp:
                found["static/" + path.relative_to(folder).as_posix()] = path
    return dict(sorted(found.items()))


def folder_size(folder: Path) -> int:
    """Total size in bytes of the files below ``folder``."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
