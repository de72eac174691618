"""The records of a JSON or JSON Lines file, each with its name, line and offset.

A JSON file holds one object, an array of them, or a wrapper object holding
the array (``{"articles": [...]}``); an array is read item by item, so a
record's line is where it starts.  JSON Lines is read line by line: a line
that is not JSON is an error for that line only.  Values nested past
:data:`~newsarchive.pipeline.read.limits.MAX_DEPTH` and numbers too long to
convert are refused with their location, and :func:`first_forbidden_escape`
finds an escape of a character XML cannot carry.

:mod:`newsarchive.pipeline.read.records` makes an article of each record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from newsarchive.errors import ContentError, Diagnostic
from newsarchive.pipeline.read.limits import (
    MAX_DEPTH,
    deep_offset,
    long_number_offset,
    max_digits,
    value_end,
)

__all__ = ["DEEP_HINT", "first_forbidden_escape", "json_records", "line_of"]

_WRAPPERS = ("articles", "items", "records", "data", "results", "docs", "documents")
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
# A JSON escape for a character XML forbids: \b, \f, \u0000-\u001f but tab,
# newline and CR, a surrogate not in a pair, \ufffe, \uffff.  It starts with a
# literal backslash so the search skips ahead fast; whether that backslash is
# itself escaped, or the surrogate paired, is checked by first_forbidden_escape.
_FORBIDDEN_ESCAPE = re.compile(
    r"\\(?:[bf]|u00(?:0[0-8bcef]|1[0-9a-f])|ufff[ef]|ud[89ab][0-9a-f]{2}(?!\\ud[c-f])"
    r"|ud[c-f][0-9a-f]{2})", re.IGNORECASE)
_HIGH_SURROGATE = re.compile(r"\\ud[89ab][0-9a-f]{2}", re.IGNORECASE)
_LOW_SURROGATE = re.compile(r"\\ud[c-f][0-9a-f]{2}", re.IGNORECASE)
DEEP_HINT = "flatten the record: no field needs lists or objects nested this deep"


def line_of(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _json_error(source_path: str, exc: json.JSONDecodeError, line_offset: int = 0
                ) -> Diagnostic:
    return Diagnostic(source_path, exc.lineno + line_offset, exc.colno,
                      f"invalid JSON: {exc.msg}", "check for a missing comma, quote or bracket")


def first_forbidden_escape(text: str) -> int | None:
    """Offset of the first JSON escape in ``text`` for a character XML forbids, or None."""
    for match in _FORBIDDEN_ESCAPE.finditer(text):
        start = before = match.start()
        while before > 0 and text[before - 1] == "\\":
            before -= 1
        if (start - before) % 2:
            continue  # an escaped backslash, then a letter
        if _LOW_SURROGATE.fullmatch(match.group()) and _HIGH_SURROGATE.fullmatch(
                text, max(start - 6, 0), start):
            continue  # the second half of a pair
        return start
    return None


def _refused(source_path: str, text: str, start: int, exc: Exception) -> Diagnostic:
    """The located error for a value the JSON parser refused for its depth or size."""
    if isinstance(exc, RecursionError):
        offset = deep_offset(text, MAX_DEPTH, start)
        message, hint = f"invalid JSON: nested more than {MAX_DEPTH} levels deep", DEEP_HINT
    else:
        offset = long_number_offset(text, start)
        message = f"invalid JSON: a number with more than {max_digits()} digits"
        hint = "write such a number as a string"
    line, column = line_of(text, start if offset is None else offset)
    return Diagnostic(source_path, line, column, message, hint)


def _array_items(source_path: str, text: str, start: int
                 ) -> Iterator[tuple[int, Any | Diagnostic]]:
    """Yield (offset, value) for each element of the array opening at ``start``.

    An element too deep or too large for the parser is yielded as its
    Diagnostic and skipped; a syntax error raises ContentError (the array's
    structure is lost from there).
    """
    index = _SPACE.match(text, start + 1).end()  # type: ignore[union-attr]
    if text.startswith("]", index):
        return
    while True:
        try:
            value, end = _DECODER.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            raise ContentError(_json_error(source_path, exc)) from None
        except (RecursionError, ValueError) as exc:
            skipped = value_end(text, index)
            if skipped is None:
                raise ContentError(_refused(source_path, text, index, exc)) from None
            value, end = _refused(source_path, text, index, exc), skipped
        yield index, value
        index = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if text.startswith(",", index):
            index = _SPACE.match(text, index + 1).end()  # type: ignore[union-attr]
            continue
        if text.startswith("]", index):
            return
        line, column = line_of(text, index)
        raise ContentError(Diagnostic(source_path, line, column,
                                      "invalid JSON: expecting ',' or ']' after an element",
                                      "check for a missing comma, quote or bracket"))


def _numbered(text: str, items: Iterator[tuple[int, Any]]
              ) -> Iterator[tuple[str, int, int, Any]]:
    """Name array elements by index and give each its line (counted incrementally)."""
    line, last = 1, 0
    for index, (offset, value) in enumerate(items):
        line += text.count("\n", last, offset)
        last = offset
        yield str(index), line, offset, value


def json_records(source_path: str, text: str, lines: bool
             ) -> Iterator[tuple[str, int, int, Any | Diagnostic]]:
    """Yield (record name, line, offset, value) per record; a value may be its Diagnostic.

    Raises ContentError on a syntax error in a JSON file (not JSON Lines).
    """
    if lines:
        offset = 0
        for number, line in enumerate(text.split("\n"), start=1):
            line_start, offset = offset, offset + len(line) + 1
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield str(number), number, line_start, _json_error(source_path, exc, number - 1)
                continue
            except (RecursionError, ValueError) as exc:
                found = _refused(source_path, line, 0, exc)
                yield str(number), number, line_start, replace(found, line=number)
                continue
            yield str(number), number, line_start, value
        return
    start = _SPACE.match(text).end()  # type: ignore[union-attr]
    if text.startswith("[", start):
        yield from _numbered(text, _array_items(source_path, text, start))
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentError(_json_error(source_path, exc)) from None
    except (RecursionError, ValueError) as exc:
        raise ContentError(_refused(source_path, text, 0, exc)) from None
    if isinstance(value, dict):
        for key in _WRAPPERS:
            inner = value.get(key)
            if isinstance(inner, list) and inner and all(isinstance(i, dict) for i in inner):
                array_start = text.find("[", text.find(f'"{key}"'))
                if array_start >= 0:
                    yield from _numbered(text, _array_items(source_path, text, array_start))
                    return
    yield "", 1, start, value
