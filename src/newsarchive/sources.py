"""Discover and read source files: the only module that reads the source folder."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

__all__ = ["discover", "read_sources"]


def discover(source_dir: Path, suffixes: tuple[str, ...], exclude: tuple[Path, ...] = ()
             ) -> list[str]:
    """Relative posix paths of every source file below ``source_dir``, sorted.

    Hidden files and folders, editor temp files (``~``, ``.swp``) and anything
    inside ``exclude`` (the output and cache folders) are left out.
    """
    found = []
    excluded = [e.resolve() for e in exclude]
    if not source_dir.is_dir():
        return []
    for path in source_dir.rglob("*"):
        relative = path.relative_to(source_dir)
        if any(part.startswith(".") for part in relative.parts) or path.name.endswith("~"):
            continue
        if path.suffix.lower() not in suffixes or not path.is_file():
            continue
        resolved = path.resolve()
        if any(resolved.is_relative_to(e) for e in excluded):
            continue
        found.append(relative.as_posix())
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
