"""Discover and read source files: the only module that reads the source folder."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["discover", "read_sources"]


def discover(source_dir: Path, suffixes: tuple[str, ...], exclude: tuple[Path, ...] = ()
             ) -> list[str]:
    """Relative posix paths of every source file below ``source_dir``, sorted.

    Hidden files and folders, editor temp files (``~``, ``.swp``) and anything
    inside ``exclude`` (the output and cache folders) are left out.  Symbolic
    links to files are followed; links to folders are not descended.
    """
    if not source_dir.is_dir():
        return []
    excluded = [str(e.resolve()) for e in exclude]

    def inside_excluded(real: str) -> bool:
        return any(real == e or real.startswith(e.rstrip(os.sep) + os.sep) for e in excluded)

    found: list[str] = []

    # One scandir per folder (file types come with the listing) and one realpath
    # per folder: stat-ing or resolving every file costs seconds at 100,000 files.
    # The same walk as os.walk: hidden and symlinked folders are not descended.
    def walk(folder: str, prefix: str) -> None:
        folder_excluded = inside_excluded(os.path.realpath(folder))
        subfolders: list[tuple[str, str]] = []
        try:
            listing = list(os.scandir(folder))
        except OSError:
            return
        for entry in listing:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not name.startswith(".") and not entry.is_symlink():
                    subfolders.append((entry.path, prefix + name + "/"))
                continue
            if name.startswith(".") or name.endswith("~"):
                continue
            if os.path.splitext(name)[1].lower() not in suffixes:
                continue
            if entry.is_symlink():
                if not os.path.isfile(entry.path) or inside_excluded(
                        os.path.realpath(entry.path)):
                    continue
            elif folder_excluded or not entry.is_file():
                continue
            found.append(prefix + name)
        for path, sub_prefix in subfolders:
            walk(path, sub_prefix)

    walk(str(source_dir), "")
    return sorted(found)


def read_sources(source_dir: Path, paths: list[str]) -> Iterator[tuple[str, bytes | None, str]]:
    """Yield ``(path, bytes, sha256)`` for each path; bytes is None when unreadable
    (the error text then stands in the digest's place)."""
    for relative in paths:
        try:
            data = (source_dir / relative).read_bytes()
        except OSError as exc:
            yield relative, None, exc.strerror or str(exc)
            continue
        yield relative, data, hashlib.sha256(data).hexdigest()
