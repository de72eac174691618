"""Discover and read source files: the only module that reads the source folder."""

from __future__ import annotations

import errno
import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

__all__ = ["NOT_UTF8", "discover", "is_editor_temp", "is_source_name", "read_sources",
           "refusal_hint", "stat_signature", "survey", "utf8_name"]

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


def discover(source_dir: Path, suffixes: tuple[str, ...] | None = None,
             exclude: tuple[Path, ...] = (), follow_links: bool = False) -> list[str]:
    """Relative posix paths of every source file below ``source_dir``, sorted.

    Every file is a source (a reader reads it, or the build reports it as not
    an article), but hidden files and folders, editor temp files (``~``,
    ``.swp``: :func:`is_editor_temp`) and anything inside ``exclude`` (the
    output and cache folders); ``suffixes`` keeps only files ending in one.
    Symbolic links are read only when they stay inside the source folder (see
    :func:`survey` for what is refused and why).
    """
    return sorted(path for path, _ in _walk(source_dir, suffixes, exclude,
                                            follow_links=follow_links)[0])


def survey(source_dir: Path, suffixes: tuple[str, ...] | None, exclude: tuple[Path, ...],
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


def is_source_name(name: str, suffixes: tuple[str, ...] | None = None) -> bool:
    """Whether a file called ``name`` is a source: not an editor's temp file nor
    hidden, and (when ``suffixes`` are given) ending in one of them."""
    return not is_editor_temp(name) and (suffixes is None or name.lower().endswith(suffixes))


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


class _Walk:
    """One walk of a source folder (see :func:`survey`)."""

    def __init__(self, source_dir: Path, suffixes: tuple[str, ...] | None,
                 exclude: tuple[Path, ...], now_ns: int | None, follow_links: bool) -> None:
        self.suffixes = suffixes
        self.excluded = [str(e.resolve()) for e in exclude]
        self.root = os.path.realpath(source_dir)
        self.now_ns = now_ns
        self.follow_links = follow_links
        self.found: list[tuple[str, str]] = []
        self.refused: dict[str, str] = {}
        self.visited: set[str] = {self.root}  # real folders walked, against loops

    def inside_excluded(self, real: str) -> bool:
        return any(real == e or real.startswith(e.rstrip(os.sep) + os.sep)
                   for e in self.excluded)

    def follows(self, where: str, path: str, is_dir: bool) -> bool:
        """Whether the link at ``where`` is followed; a refusal is recorded."""
        try:
            target = os.path.realpath(where, strict=True)
        except OSError as exc:
            self.refused[path] = (
                "symbolic link loop; not read" if exc.errno == errno.ELOOP
                else "broken symbolic link (its target does not exist); not read")
            return False
        problem = _link_problem(target, self.root, is_dir, self.follow_links)
        if not problem and is_dir and target in self.visited:
            problem = "symbolic link loop; not read"
        if problem:
            self.refused[path] = problem
            return False
        if is_dir:
            self.visited.add(target)
        return not self.inside_excluded(target)

    def entry(self, entry: os.DirEntry[str], folder: str, prefix: str, excluded: bool
              ) -> tuple[str, str] | None:
        """Record the file ``entry``; a subfolder to walk is returned instead."""
        name = entry.name
        if name.startswith("."):
            return None
        path = prefix + name
        if not utf8_name(name):
            self.refused[path] = NOT_UTF8
            return None
        try:
            is_link, is_dir = entry.is_symlink(), entry.is_dir()
        except OSError:  # a link loop, a vanished entry
            is_link, is_dir = entry.is_symlink(), False
        where = os.path.join(folder, name)
        if is_dir:
            return (where, path + "/") if not is_link or self.follows(where, path, True) \
                else None
        if not is_source_name(name, self.suffixes) or excluded:
            return None
        if is_link and not self.follows(where, path, False):
            return None
        try:
            if not entry.is_file():
                return None
        except OSError:
            return None
        self.found.append((path, "" if self.now_ns is None
                           else _entry_signature(entry, self.now_ns)))
        return None

    def walk(self, folder: str, prefix: str) -> None:
        # One scandir per folder (file types come with the listing) and one
        # realpath per folder: resolving every file costs seconds at 100,000 files.
        excluded = self.inside_excluded(os.path.realpath(folder))
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
                subfolders = [sub for entry in listing
                              if (sub := self.entry(entry, folder, prefix, excluded))]
        finally:
            if fd >= 0:
                os.close(fd)
        for path, sub_prefix in subfolders:
            self.walk(path, sub_prefix)


def _walk(source_dir: Path, suffixes: tuple[str, ...] | None, exclude: tuple[Path, ...],
          now_ns: int | None = None, follow_links: bool = False
          ) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """``(path, signature)`` of every source file, unsorted (signatures are ""
    unless ``now_ns`` is given), and the refused links with their reasons."""
    if not source_dir.is_dir():
        return [], {}
    walk = _Walk(source_dir, suffixes, exclude, now_ns, follow_links)
    walk.walk(str(source_dir), "")
    return walk.found, walk.refused


#: Editor droppings: vim swap/backup/probe files, emacs lock and autosave
#: files, JetBrains safe-write files, generic temp suffixes; hidden files.
_TEMP_NAME = re.compile(
    r"(^\.|~$|^#.*#$|\.sw[a-p]$|\.swx$|^4913$|___jb_(tmp|old)___$|\.(tmp|temp|bak|crdownload)$)",
    re.IGNORECASE)


def is_editor_temp(name: str) -> bool:
    """True for a file name an editor writes beside the real file (``.a.md.swp``,
    ``a.md~``, ``.#a.md``, ``#a.md#``, vim's ``4913``), and hidden files: never
    sources."""
    return bool(_TEMP_NAME.search(name))


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
