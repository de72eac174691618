"""Budgets that keep hostile input from exhausting the stack or memory.

Parsed data (JSON records, YAML or TOML front matter) is walked recursively
later on (flattened into plain data, repaired, rendered, pickled, hashed), so
it is refused past :data:`MAX_DEPTH` levels of nesting: no real article
nests a hundred lists deep, and a ``[[[[...]]]]`` line would otherwise end in
a RecursionError far from the file that caused it.  A number longer than
Python converts (``sys.get_int_max_str_digits()``, 4300 digits) is refused
the same way, with its line and column.

The helpers that find *where* a text passes a limit scan it character by
character in Python; they run only once a limit has been passed.
"""

from __future__ import annotations

import re
import sys
from typing import Any

__all__ = [
    "MAX_DEPTH",
    "MAX_VALUES",
    "deep_offset",
    "depth_exceeds",
    "long_number_offset",
    "max_digits",
    "value_end",
]

#: Levels of nested lists and mappings a value may have (the record or the
#: front matter itself is level 1).
MAX_DEPTH = 100
#: Values (scalars, lists and mappings, keys included) a YAML document may
#: hold once its aliases are expanded.
MAX_VALUES = 100_000

_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')
_TOML_TOKENS = re.compile(r'"""[\s\S]*?(?:"""|\Z)|\'\'\'[\s\S]*?(?:\'\'\'|\Z)'
                          r'|"(?:[^"\\\n]|\\.)*"?|\'[^\'\n]*\'?|#[^\n]*|[\[\]{}]')
_DIGITS = re.compile(r"[0-9_]+")
_SCALAR = re.compile(r'"(?:[^"\\]|\\.)*"|[^\s,\]}]+')


def depth_exceeds(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether ``value`` nests lists, tuples or mappings more than ``limit`` levels deep.

    Iterative, so any depth is measured without recursion.  Never raises.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if level > limit:
            return True
        stack.extend((child, level + 1) for child in children
                     if isinstance(child, dict | list | tuple))
    return False


def deep_offset(text: str, limit: int = MAX_DEPTH, start: int = 0, toml: bool = False
                ) -> int | None:
    """Offset in ``text`` of the first ``[`` or ``{`` that opens level ``limit + 1``.

    Brackets inside JSON strings (TOML strings and comments when ``toml``) are
    skipped.  Returns None when the text never nests that deep.  Never raises.
    """
    depth = 0
    for match in (_TOML_TOKENS if toml else _JSON_TOKENS).finditer(text, start):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                return match.start()
        elif token in ("]", "}"):
            depth = max(depth - 1, 0)
    return None


def max_digits() -> int:
    """The most digits Python turns into an int (0 when unlimited)."""
    getter = getattr(sys, "get_int_max_str_digits", None)
    return int(getter()) if getter is not None else 0


def long_number_offset(text: str, start: int = 0) -> int | None:
    """Offset of the first run of digits longer than :func:`max_digits`, or None."""
    limit = max_digits()
    if not limit:
        return None
    for match in _DIGITS.finditer(text, start):
        if len(match.group().replace("_", "")) > limit:
            return match.start()
    return None


def value_end(text: str, start: int) -> int | None:
    """Offset just past the JSON value starting at ``start``, found without parsing it.

    For skipping a value the parser refused for its depth or size, then
    reading on.  Brackets are matched (strings skipped), not checked.
    Returns None when the value does not end.  Never raises.
    """
    if text.startswith(("[", "{"), start):
        depth = 0
        for match in _JSON_TOKENS.finditer(text, start):
            token = match.group()
            if token in ("[", "{"):
                depth += 1
            elif token in ("]", "}"):
                depth -= 1
                if depth == 0:
                    return match.end()
        return None
    scalar = _SCALAR.match(text, start)
    return scalar.end() if scalar else None
