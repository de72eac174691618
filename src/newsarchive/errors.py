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

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ConfigError",
    "ContentError",
    "Diagnostic",
    "NewsarchiveError",
    "OutputError",
    "Severity",
]

Severity = Literal["error", "warning"]


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
        """Render as ``path:line:col: severity: message`` plus an indented hint line."""
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        text = f"{where}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


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
