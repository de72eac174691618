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

    found = []
    root = str(source_dir)
    # os.walk with one realpath per folder: resolving every file (as rglob and
    # Path.resolve would) costs seconds at 100,000 files.
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        real_folder = os.path.realpath(folder)
        folder_excluded = inside_excluded(real_folder)
        relative_folder = os.path.relpath(folder, root)
        prefix = "" if relative_folder == "." else relative_folder.replace(os.sep, "/") + "/"
        for name in files:
            if name.startswith(".") or name.endswith("~"):
                continue
            if os.path.splitext(name)[1].lower() not in suffixes:
                continue
            path = os.path.join(folder, name)
            if os.path.islink(path):
                if not os.path.isfile(path) or inside_excluded(os.path.realpath(path)):
                    continue
            elif folder_excluded or not os.path.isfile(path):
                continue
            found.append(prefix + name)
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
