"""Discover and read source files: the only module that reads the source folder."""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["NOT_UTF8", "discover", "read_sources", "refusal_hint", "stat_signature", "survey",
           "utf8_name"]

#: A stat signature is trusted only for files last changed this long before it was taken.
_SETTLED_NS = 2_000_000_000


def _signature(st: os.stat_result, now_ns: int) -> str:
    if now_ns - max(st.st_mtime_ns, st.st_ctime_ns) < _SETTLED_NS:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def _entry_signature(entry: os.DirEntry[str], now_ns: int) -> str:
    try:
        return _signature(entry.stat(), now_ns)
    except OSError:
        return ""


def stat_signature(path: str, now_ns: int) -> str:
    """``size:mtime:ctime:inode`` of ``path``, or ``""`` when it cannot be trusted
    (the file changed within the last two seconds, or cannot be statted)."""
    try:
        return _signature(os.stat(path), now_ns)
    except OSError:
        return ""


def discover(source_dir: Path, suffixes: tuple[str, ...], exclude: tuple[Path, ...] = (),
             follow_links: bool = False) -> list[str]:
    """Relative posix paths of every source file below ``source_dir``, sorted.

    Hidden files and folders, editor temp files (``~``, ``.swp``) and anything
    inside ``exclude`` (the output and cache folders) are left out.  Symbolic
    links are read only when they stay inside the source folder (see
    :func:`survey` for what is refused and why).
    """
    return sorted(path for path, _ in _walk(source_dir, suffixes, exclude,
                                            follow_links=follow_links)[0])


def survey(source_dir: Path, suffixes: tuple[str, ...], exclude: tuple[Path, ...],
           now_ns: int, follow_links: bool = False) -> tuple[dict[str, str], dict[str, str]]:
    """:func:`discover`'s paths (in the same order) with their :func:`stat_signature`,
    taken during the walk (one pass over the folders instead of two), and the
    symbolic links not followed, each with the reason.

    A link to a file inside the source folder is read like the file.  Refused,
    with the reason: a link whose target is outside the source folder (unless
    ``follow_links``: the ``follow_symlinks`` setting), a link to a folder
    inside it (its files are read where they are), a dangling link, a loop.
    """
    found, refused = _walk(source_dir, suffixes, exclude, now_ns, follow_links)
    return dict(sorted(found)), dict(sorted(refused.items()))


#: Folders are listed through a descriptor where the platform allows it: each
#: file's stat is then relative to it (no path lookup), a third faster.
_BY_FD = os.scandir in os.supports_fd and hasattr(os, "O_DIRECTORY")


#: Why a file whose name is not UTF-8 is not read.
NOT_UTF8 = "the name is not valid UTF-8; not read"
_HINTS = (
    ("symbolic link loop", "remove the link, or point it at a file"),
    ("broken symbolic link", "fix the link's target or remove the link"),
    ("symbolic link to a folder inside", "nothing is lost; link single files, or move the "
     "folder, to stop this warning"),
    ("symbolic link to the", "set follow_symlinks: true in archive.yaml to read it"),
    (NOT_UTF8, "rename it in UTF-8 (`convmv -f latin1 -t utf8 -r --notest DIR` renames a "
     "whole folder)"),
)


def refusal_hint(reason: str) -> str:
    """The hint for a reason :func:`survey` gives for not reading an entry."""
    return next((hint for start, hint in _HINTS if reason.startswith(start)), "")


def _link_problem(target: str, root: str, folder: bool, follow_links: bool) -> str:
    """Why a symbolic link whose resolved path is ``target`` is not followed ("" if it is)."""
    inside = target == root or target.startswith(root.rstrip(os.sep) + os.sep)
    if not inside and not follow_links:
        kind = "folder" if folder else "file"
        return f"symbolic link to the {kind} {target}, outside the source folder; not read"
    if folder and inside:
        return "symbolic link to a folder inside the source folder; its files are read there"
    return ""


def utf8_name(name: str) -> bool:
    """Whether a file name decoded by the OS (undecodable bytes as surrogates) is UTF-8."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _walk(source_dir: Path, suffixes: tuple[str, ...], exclude: tuple[Path, ...],
          now_ns: int | None = None, follow_links: bool = False
          ) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """``(path, signature)`` of every source file, unsorted (signatures are ""
    unless ``now_ns`` is given), and the refused links with their reasons."""
    if not source_dir.is_dir():
        return [], {}
    excluded = [str(e.resolve()) for e in exclude]
    root = os.path.realpath(source_dir)

    def inside_excluded(real: str) -> bool:
        return any(real == e or real.startswith(e.rstrip(os.sep) + os.sep) for e in excluded)

    found: list[tuple[str, str]] = []
    refused: dict[str, str] = {}
    visited: set[str] = {root}  # real folders walked, against loops through links

    def link(folder: str, name: str, prefix: str, is_dir: bool) -> bool:
        """Whether the link ``name`` is followed; a refusal is recorded."""
        where = os.path.join(folder, name)
        try:
            target = os.path.realpath(where, strict=True)
        except OSError as exc:
            refused[prefix + name] = (
                "symbolic link loop; not read" if exc.errno == errno.ELOOP
                else "broken symbolic link (its target does not exist); not read")
            return False
        problem = _link_problem(target, root, is_dir, follow_links)
        if not problem and is_dir and target in visited:
            problem = "symbolic link loop; not read"
        if problem:
            refused[prefix + name] = problem
            return False
        return not inside_excluded(target)

    # One scandir per folder (file types come with the listing) and one realpath
    # per folder: resolving every file costs seconds at 100,000 files.
    # The same walk as os.walk: hidden folders are not descended.
    def walk(folder: str, prefix: str) -> None:
        folder_excluded = inside_excluded(os.path.realpath(folder))
        subfolders: list[tuple[str, str]] = []
        fd = -1
        try:
            if _BY_FD:
                fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            listing = os.scandir(fd if fd >= 0 else folder)
        except OSError:
            if fd >= 0:
                os.close(fd)
            return
        try:
            with listing:
                for entry in listing:
                    name = entry.name
                    if name.startswith("."):
                        continue
                    if not utf8_name(name):
                        refused[prefix + name] = (
                            NOT_UTF8)
                        continue
                    try:
                        is_link = entry.is_symlink()
                    except OSError:
                        is_link = False
                    try:
                        is_dir = entry.is_dir()
                    except OSError:  # a link loop, a vanished entry
                        is_dir = False
                    if is_link:
                        suffixed = name.lower().endswith(suffixes)
                        if (is_dir or suffixed or not os.path.exists(os.path.join(folder, name))
                                ) and link(folder, name, prefix, is_dir):
                            if is_dir:
                                real = os.path.realpath(os.path.join(folder, name))
                                visited.add(real)
                                subfolders.append((os.path.join(folder, name),
                                                   prefix + name + "/"))
                            elif suffixed and os.path.isfile(os.path.join(folder, name)):
                                found.append((prefix + name, "" if now_ns is None
                                              else _entry_signature(entry, now_ns)))
                        continue
                    if is_dir:
                        subfolders.append((os.path.join(folder, name), prefix + name + "/"))
                        continue
                    if not name.lower().endswith(suffixes):
                        continue
                    try:
                        if folder_excluded or not entry.is_file():
                            continue
                    except OSError:
                        continue
                    found.append((prefix + name,
                                  "" if now_ns is None else _entry_signature(entry, now_ns)))
        finally:
            if fd >= 0:
                os.close(fd)
        for path, sub_prefix in subfolders:
            walk(path, sub_prefix)

    walk(str(source_dir), "")
    return found, refused


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
