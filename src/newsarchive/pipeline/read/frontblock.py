"""Front matter: where a page's block of keys is, and what it holds.

The block is found after blank lines and a byte order mark: YAML between
``---`` lines (closed by ``---`` or ``...``), TOML between ``+++`` lines, or a
Hugo JSON object.  YAML goes through
:func:`newsarchive.pipeline.read.yamlsafe.load_yaml` (alias bombs, recursive
aliases and nesting past :data:`~newsarchive.pipeline.read.limits.MAX_DEPTH`
refused with a located error); TOML and JSON are held to the same depth.
Characters XML cannot carry are taken out of every key and value and
counted (:class:`~newsarchive.pipeline.read.text.Removed`).  Zola's
``[taxonomies]`` and ``[extra]`` tables become top-level keys.  Every
location is the file's own line.

:mod:`newsarchive.pipeline.read.frontmatter` makes the article of the page.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import yaml

from newsarchive.errors import ContentError, Diagnostic
from newsarchive.pipeline.read.limits import (
    MAX_DEPTH,
    deep_offset,
    depth_exceeds,
    long_number_offset,
    max_digits,
)
from newsarchive.pipeline.read.text import Removed, scrub
from newsarchive.pipeline.read.yamlsafe import YamlLimitError, load_yaml

__all__ = ["FrontMatter", "front_matter", "has_front_matter"]

_OPEN = re.compile(r"(?:---|\+\+\+)[ \t]*\n|\{[ \t]*\n?\s*\"")
_LEAD_IN = re.compile(r"\A\ufeff?(?:[ \t\r]*\n)*")
_FLATTEN = "flatten the nested lists or mappings"


def has_front_matter(text: str) -> bool:
    """Whether ``text`` starts with a ``---`` or ``+++`` fence or a JSON object,
    after blank lines and a byte order mark."""
    return bool(_OPEN.match(text, _lead_in(text)))


def _lead_in(text: str) -> int:
    """How many characters of blank lines (and a byte order mark) start ``text``."""
    match = _LEAD_IN.match(text)
    return match.end() if match else 0


def _yaml_error(source_path: str, exc: yaml.YAMLError, offset: int, block: str) -> Diagnostic:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    block_lines = block.split("\n")
    at_tab = False
    line, column = offset, 0
    if mark is not None:
        line, column = mark.line + offset, mark.column + 1
        at_tab = mark.line < len(block_lines) and (
            block_lines[mark.line][mark.column:mark.column + 1] == "\t")
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"{context}: {problem}" if context else str(problem)
    hint = "check indentation and quoting; a value with ': ' or '#' needs quotes"
    if at_tab:
        hint = "replace the tab with spaces"
    return Diagnostic(source_path, line, column, f"invalid YAML front matter: {message}", hint)


def _load_yaml(source_path: str, block: str) -> tuple[Any, list[Diagnostic]]:
    try:
        return load_yaml(block, first_line=2), []
    except YamlLimitError as exc:
        raise ContentError(Diagnostic(source_path, exc.line + 1, exc.column,
                                      f"front matter {exc.problem}", exc.hint)) from None
    except yaml.YAMLError as exc:
        error = _yaml_error(source_path, exc, 2, block)
    if "\t" in block:
        try:
            rescued = load_yaml(block.replace("\t", "  "), first_line=2)
        except yaml.YAMLError:
            raise ContentError(error) from None
        warning = Diagnostic(error.path, error.line, error.column,
                             f"{error.message}; read again with tabs as spaces",
                             "replace the tab with spaces", "warning")
        return rescued, [warning]
    raise ContentError(error)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """A page split at its front matter: the parsed keys and what follows them.

    ``key_lines`` maps each top-level key (lower case) to its file line;
    ``removed`` is what was taken out of the values' escapes, located at the
    line of the first key that held one.
    """

    meta: Mapping[str, Any]
    rest: str
    body_start: int
    warnings: tuple[Diagnostic, ...]
    key_lines: dict[str, int]
    removed: Removed | None


def _split(source_path: str, text: str) -> FrontMatter:
    if text.startswith("{"):
        return _split_json(source_path, text)
    fence = text[:3]
    lines = text.split("\n")
    closers = ("---", "...") if fence == "---" else ("+++",)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in closers), None)
    if end is None:
        raise ContentError(Diagnostic(source_path, 1, 1, "front matter is not closed",
                                      f"add a line '{fence}' after the last front-matter key"))
    # Trailing blanks are never meaningful in front matter, and the pure-Python
    # YAML parser rejects a trailing tab that libyaml accepts.
    block = "\n".join(line.rstrip() for line in lines[1:end])
    key_lines: dict[str, int] = {}
    for number, line in enumerate(lines[1:end], start=2):
        match = re.match(r"([^\s:#=][^:=]*?)\s*[:=]", line)
        if match and not line[:1].isspace():
            key_lines.setdefault(match.group(1).strip("'\"").lower(), number)
    warnings: list[Diagnostic] = []
    if fence == "+++":
        meta: Any = _load_toml(source_path, block)
    else:
        meta, warnings = _load_yaml(source_path, block)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentError(Diagnostic(source_path, 2, 1,
                                      "front matter must be a mapping of keys to values",
                                      "write one `key: value` per line"))
    removed = None
    if "\\" in block:  # only a quoted value's escapes can still hold such characters
        meta, removed = _scrub_meta(meta, key_lines)
    return FrontMatter(meta, "\n".join(lines[end + 1:]), end + 2, tuple(warnings), key_lines,
                  removed)


def _split_json(source_path: str, text: str) -> FrontMatter:
    """A page starting with a Hugo JSON front-matter object."""
    try:
        meta, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as exc:
        raise ContentError(Diagnostic(source_path, exc.lineno, exc.colno,
                                      f"invalid JSON front matter: {exc.msg}",
                                      "check the JSON object that starts the page")) from None
    except (RecursionError, ValueError):
        raise ContentError(Diagnostic(
            source_path, 1, 1, f"JSON front matter nested more than {MAX_DEPTH} levels deep or "
            f"with a number of more than {max_digits()} digits", _FLATTEN)) from None
    if not isinstance(meta, dict) or depth_exceeds(meta):
        raise ContentError(Diagnostic(source_path, 1, 1, "JSON front matter must be a flat "
                                      "mapping of keys to values", _FLATTEN))
    key_lines: dict[str, int] = {}
    for number, line in enumerate(text[:end].split("\n"), start=1):
        found = re.match(r'\s*\{?\s*"([^"]+)"\s*:', line)
        if found:
            key_lines.setdefault(found[1].lower(), number)
    removed = None
    if "\\" in text[:end]:
        meta, removed = _scrub_meta(meta, key_lines)
    newline = text.find("\n", end)
    rest = text[newline + 1:] if newline >= 0 else ""
    body_start = text.count("\n", 0, newline) + 2 if newline >= 0 else 1
    return FrontMatter(meta, rest, body_start, (), key_lines, removed)


def _shifted(front: FrontMatter, lines: int) -> FrontMatter:
    """``front`` of a page whose first ``lines`` lines (blank) were cut off."""
    if not lines:
        return front
    removed = front.removed
    if removed is not None and removed.line:
        removed = Removed(removed.count, removed.code_points, removed.line + lines,
                          removed.column)
    return FrontMatter(front.meta, front.rest, front.body_start + lines,
                  tuple(_moved(d, lines) for d in front.warnings),
                  {key: line + lines for key, line in front.key_lines.items()}, removed)


def _moved(diagnostic: Diagnostic, lines: int) -> Diagnostic:
    return replace(diagnostic, line=diagnostic.line + lines) if diagnostic.line else diagnostic


def _scrub_meta(meta: dict[str, Any], key_lines: Mapping[str, int]
                ) -> tuple[dict[str, Any], Removed | None]:
    """``meta`` without characters XML forbids, keys included; located at the first key."""
    cleaned: dict[str, Any] = {}
    removed: Removed | None = None
    for key, value in meta.items():
        clean_key, in_key = scrub(key)
        clean_value, in_value = scrub(value)
        cleaned[clean_key] = clean_value
        for found in (in_key, in_value):
            if found is None:
                continue
            if removed is None:
                found = Removed(found.count, found.code_points,
                                key_lines.get(str(clean_key).strip("'\"").lower(), 2), 1)
            removed = found if removed is None else removed.merged(found)
    return cleaned, removed


def _load_toml(source_path: str, block: str) -> Any:
    """The TOML front matter ``block`` (file line 2 on); ContentError when unusable."""
    try:
        meta = tomllib.loads(block)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(Diagnostic(source_path, 2, 0, f"invalid TOML front matter: {exc}",
                                      "check the TOML syntax between the '+++' lines")
                           ) from None
    except (RecursionError, ValueError) as exc:
        # tomllib recurses once per nested array or inline table, and int()
        # refuses more than 4300 digits; neither says where.
        if isinstance(exc, RecursionError):
            offset = deep_offset(block, MAX_DEPTH - 1, toml=True)
            message, hint = f"nested more than {MAX_DEPTH} levels deep", _FLATTEN
        else:
            offset = long_number_offset(block)
            message = f"has a number of more than {max_digits()} digits"
            hint = "write such a number as a string"
        raise ContentError(_located(source_path, block, offset,
                                    f"TOML front matter {message}", hint)) from None
    if depth_exceeds(meta):
        offset = deep_offset(block, MAX_DEPTH - 1, toml=True)
        if offset is None:  # nested by dotted keys ([a.b.c...]): the line with the most dots
            lines = block.split("\n")
            most = max(range(len(lines)), key=lambda index: lines[index].count("."))
            offset = sum(len(line) + 1 for line in lines[:most])
        raise ContentError(_located(source_path, block, offset, f"TOML front matter nested more "
                                    f"than {MAX_DEPTH} levels deep", _FLATTEN))
    return meta


def _located(source_path: str, block: str, offset: int | None, message: str, hint: str
             ) -> Diagnostic:
    """A Diagnostic at ``offset`` of a front-matter ``block`` (which starts on line 2)."""
    if offset is None:
        return Diagnostic(source_path, 2, 0, message, hint)
    line = block.count("\n", 0, offset) + 2
    return Diagnostic(source_path, line, offset - (block.rfind("\n", 0, offset) + 1) + 1,
                      message, hint)


def front_matter(source_path: str, text: str) -> FrontMatter:
    """The front matter of ``text``, after its blank lines (its locations in the file)."""
    lead = _lead_in(text)
    lines = text.count("\n", 0, lead)
    try:
        front = _split(source_path, text[lead:])
    except ContentError as exc:
        raise ContentError(_moved(exc.diagnostic, lines)) from None
    meta = front.meta
    tables = [name for name in ("taxonomies", "extra") if isinstance(meta.get(name), Mapping)
              and (name == "taxonomies" or text[lead:].startswith("+++"))]
    if tables:  # Zola's tables: their keys count as the page's own
        merged = {key: value for key, value in meta.items() if key not in tables}
        for name in tables:
            for key, value in meta[name].items():
                merged.setdefault(str(key), value)
        front = FrontMatter(merged, front.rest, front.body_start, front.warnings, front.key_lines,
                       front.removed)
    return _shifted(front, lines)
