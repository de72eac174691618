"""The files ``newsarchive import`` reads: every file of the sources named (a
folder's files walked in sorted order, editors' temp files left out), never
one inside the destination, and no link leading out of a folder."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from newsarchive.errors import Diagnostic
from newsarchive.import_pages import inside
from newsarchive.pipeline.read import SUFFIXES

__all__ = ["import_sources"]


def _reader_takes(plugins: tuple[str, ...]) -> Callable[[Path], bool]:
    """Whether a file in a source folder is read: every file but an editor's temp
    file, as in the build (a file no reader takes is reported as not read)."""
    from newsarchive.pipeline.discover import is_editor_temp

    def takes(path: Path) -> bool:
        return not is_editor_temp(path.name)

    return takes


def _folder_files(root: Path, skip: str, diagnostics: list[Diagnostic],
                  skipped: list[str], takes: Callable[[Path], bool]
                  ) -> list[tuple[Path, str, str]]:
    """(file, relative path, display path) of the source files below ``root``, sorted."""
    real_root = os.path.realpath(root)
    shown_root = root.as_posix()
    found: list[tuple[Path, str, str]] = []
    seen: set[tuple[int, int]] = set()
    folders: list[tuple[Path, str]] = [(root, "")]
    while folders:
        folder, prefix = folders.pop()
        if inside(os.path.realpath(folder), skip):
            continue
        try:
            status = os.stat(folder)
            if (status.st_dev, status.st_ino) in seen:
                continue  # a mount seen twice: not read again
            seen.add((status.st_dev, status.st_ino))
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            diagnostics.append(Diagnostic(folder.as_posix(), 0, 0,
                                          f"cannot read the folder: {exc.strerror}",
                                          "check its permissions"))
            skipped.append(folder.as_posix())
            continue
        subfolders: list[tuple[Path, str]] = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            path = folder / name
            if entry.is_symlink():
                problem = _link_problem(path, real_root, shown_root, skip, takes)
                if problem is not None:
                    if problem:
                        diagnostics.append(_link_warning(path, problem))
                    continue
                if takes(path):
                    found.append((path, prefix + name, path.as_posix()))
            elif entry.is_dir(follow_symlinks=False):
                subfolders.append((path, prefix + name + "/"))
            elif entry.is_file(follow_symlinks=False) and takes(path):
                found.append((path, prefix + name, path.as_posix()))
        folders.extend(reversed(subfolders))  # depth first, in name order
    return sorted(found, key=lambda item: item[1].split("/"))


def _link_problem(path: Path, real_root: str, shown_root: str, skip: str,
                  takes: Callable[[Path], bool]) -> str | None:
    """None when the link at ``path`` is read like a file; else why not, ``""`` when
    nothing need be said (a link to a folder inside the source, or into DIR)."""
    target = os.path.realpath(path)
    if os.path.isdir(target):
        if inside(target, real_root):
            return ""
        return (f"a link to a folder outside {shown_root} ({target}); not followed\n"
                "import that folder by naming it on the command line")
    if not os.path.exists(target):
        if not path.name.lower().endswith(SUFFIXES):
            return ""
    elif not takes(path):
        return ""
    if not os.path.exists(target):
        return (f"a broken link (to {os.readlink(path)}); not imported\n"
                "remove the link or restore its target")
    if not inside(target, real_root):
        return (f"a link to a file outside {shown_root} ({target}); not imported\n"
                "import that file by naming it on the command line")
    if inside(target, skip) or not os.path.isfile(target):
        return ""
    return None


def _link_warning(path: Path, problem: str) -> Diagnostic:
    """A warning about ``path`` from a ``message\\nhint`` text."""
    message, _, hint = problem.partition("\n")
    return Diagnostic(path.as_posix(), 0, 0, message, hint, "warning")


def import_sources(sources: Sequence[Path], destination: Path, diagnostics: list[Diagnostic],
             skipped: list[str], plugins: tuple[str, ...]) -> list[tuple[Path, str, str]]:
    """(file, page-relative path, display path) of every readable source file, sorted
    per folder; files inside ``destination`` are left out."""
    found: list[tuple[Path, str, str]] = []
    takes = _reader_takes(plugins)
    skip = os.path.realpath(destination)
    for source in sources:
        if source.is_dir():
            found.extend(_folder_files(source, skip, diagnostics, skipped, takes))
        else:
            found.append((source, source.name, source.as_posix()))
    return found
