"""Errors and diagnostics of newsarchive.

The exception tree::

    NewsarchiveError              base of everything newsarchive raises on purpose
    ├── ConfigError               archive.yaml or command-line options are wrong (exit 2);
    │                             carries every Diagnostic found, not just the first
    ├── ContentError              one source file (or one record in it) cannot be used;
    │                             carries one Diagnostic; readers raise it, the builder
    │                             collects it and skips that file (exit 1)
    └── OutputError               two pages claim one output path, or a path would
                                  leave the output folder

A :class:`Diagnostic` is the printable record of a problem, formatted like a
compiler message so editors and CI can jump to it::

    seeds/b.md:4:5: error: invalid YAML front matter: expected ',' or ']'
      hint: close the list with ']'

Warnings (an undated article, a date that disagrees with the file name) are
Diagnostics with ``severity="warning"``: reported, never fatal.
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass
from typing import Literal

from newsarchive.pickling import by_constructor

__all__ = [
    "ConfigError",
    "ContentError",
    "Diagnostic",
    "NewsarchiveError",
    "OutputError",
    "Severity",
    "build_os_hint",
]

Severity = Literal["error", "warning"]


@by_constructor
@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in an input: where, what and how to fix it.

    ``path`` is the source path as the user named it (relative, posix) or the
    config file; ``line`` and ``column`` are 1-based, 0 when unknown.
    """

    path: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: Severity = "error"

    def format(self) -> str:
        """Render as ``path:line:col: severity: message`` plus an indented hint line.

        A path, message or hint holding a control character (a file named with
        a newline, an escape sequence in a title) is shown escaped, and such a
        path in double quotes, so no input can forge a diagnostic line or drive
        the terminal.
        """
        where = _quoted(self.path)
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        text = f"{where}: {self.severity}: {_escaped(self.message)}"
        if self.hint:
            text += f"\n  hint: {_escaped(self.hint)}"
        return text


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escaped(text: str) -> str:
    """``text`` with each control character as a Python-style escape (``\\n``, ``\\x1b``)."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def _quoted(path: str) -> str:
    """``path`` as is, or escaped in double quotes when it holds a control character."""
    if not _CONTROL.search(path):
        return path
    return '"' + _escaped(path.replace("\\", "\\\\").replace('"', '\\"')) + '"'


class NewsarchiveError(Exception):
    """Base class of every error newsarchive raises on purpose."""


class ConfigError(NewsarchiveError):
    """The configuration is invalid; ``diagnostics`` names every bad key."""

    def __init__(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


class ContentError(NewsarchiveError):
    """A source file, or one record in it, cannot be turned into an article."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


class OutputError(NewsarchiveError):
    """An output path is claimed twice or would leave the output folder."""


_OS_HINTS = {
    errno.ENOSPC: "free some disk space (or choose an output folder on another disk) "
                  "and build again; the next build finishes the job",
    errno.EDQUOT: "free some of your disk quota and build again",
    errno.EACCES: "check the permissions of the output and cache folders",
    errno.EPERM: "check the permissions of the output and cache folders",
    errno.EROFS: "the folder is on a read-only file system; choose another --output",
    errno.ENOTDIR: "a file stands where the build needs a folder; remove it or choose "
                   "another --output",
    errno.ENAMETOOLONG: "choose an output folder with a shorter path",
}


def build_os_hint(exc: OSError, default: str) -> str:
    """What to do about a build's file system failure ``exc`` (disk full, read-only,
    permissions), else ``default``."""
    return _OS_HINTS.get(exc.errno or 0, default)
