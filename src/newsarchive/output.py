"""Everything that writes files: atomic writes, skip-unchanged, pruning, static copy.

No other module writes to disk (the cache module writes only its own cache folder).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable
from pathlib import Path

from newsarchive.errors import OutputError

__all__ = ["file_digest", "folder_size", "prune", "safe_target", "static_files",
           "write_bytes_atomic"]


def write_bytes_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temp file and ``os.replace``.

    Returns False (and touches nothing) when the file already holds exactly
    ``data``; True when it was written.  Parent folders are created when
    missing.  Safe to call from several processes and threads at once.
    """
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    # One temp name per process, thread and target: no two writers share one.
    tmp = path.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{path.name}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, 0o666)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


def safe_target(output_dir: Path, relative_path: str) -> Path:
    """``output_dir / relative_path``, refusing any path that would leave ``output_dir``."""
    parts = relative_path.split("/")
    if (not relative_path or relative_path.startswith("/") or "\\" in relative_path
            or any(p in ("", ".", "..") for p in parts)):
        raise OutputError(f"refusing to write outside the output folder: {relative_path!r}")
    return output_dir.joinpath(*parts)


def prune(output_dir: Path, stale: Iterable[str]) -> int:
    """Delete the listed files (only those) and the folders they leave empty."""
    removed = 0
    for relative_path in sorted(stale):
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
