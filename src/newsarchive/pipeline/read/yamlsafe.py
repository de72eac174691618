"""Loading YAML that may be hostile: alias bombs, recursive aliases, deep nesting.

YAML lets a short document describe a huge value.  Nine lines such as
``a: &a [x, x, x, x, x, x, x, x, x]``, ``b: &b [*a, *a, *a, *a, *a, *a, *a,
*a, *a]`` ... expand to 9**9 values once the aliases are followed ("billion
laughs"), and ``a: &a [*a]`` to an endless one.  The loader itself stays
small (it shares aliased objects), but every step that copies the value
(flattening front matter into plain data, ``repr``, rendering) does not.

:func:`load_yaml` composes the node graph with the given loader (libyaml
when available), measures it with aliases followed (values, characters of
text, nesting depth), and only then builds the Python value.  Each node is
measured once, however often it is aliased, so the check is linear in the
document and costs a few microseconds on ordinary front matter.  A document
past a budget raises :class:`YamlLimitError`, a ``yaml.MarkedYAMLError``, so
code that reports YAML errors by their mark handles it unchanged.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from newsarchive.pipeline.read.limits import MAX_DEPTH, MAX_VALUES

__all__ = ["MAX_CHARS", "YamlLimitError", "YamlLoader", "load_yaml"]

#: Characters of text a YAML document may expand to through aliases (a
#: document without aliases may be as long as it likes).
MAX_CHARS = 1_000_000

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe YAML loader (libyaml when available) without timestamps and yes/no booleans."""


YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class YamlLimitError(yaml.MarkedYAMLError):
    """A YAML document is refused: too large once its aliases are expanded, recursive
    through an alias, or nested too deeply.

    ``problem`` reads after a subject ("front matter", "archive.yaml"):
    ``too large after expanding YAML aliases (more than 100,000 values)``;
    ``problem_mark`` is where (0-based ``line`` and ``column`` relative to the
    text, as for every YAML error); ``hint`` says how to fix it.
    """

    def __init__(self, problem: str, mark: yaml.Mark | None, hint: str) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.hint = hint

    @property
    def line(self) -> int:
        """1-based line of the problem in the loaded text (1 when unknown)."""
        return self.problem_mark.line + 1 if self.problem_mark is not None else 1

    @property
    def column(self) -> int:
        """1-based column of the problem (1 when unknown)."""
        return self.problem_mark.column + 1 if self.problem_mark is not None else 1


def load_yaml(text: str, *, loader: type[yaml.SafeLoader] = YamlLoader,
              max_values: int = MAX_VALUES, max_chars: int = MAX_CHARS,
              max_depth: int = MAX_DEPTH, first_line: int = 1) -> Any:
    """Load one YAML document from ``text`` with ``loader``, refusing hostile ones.

    Returns what ``yaml.load(text, Loader=loader)`` returns (None for an empty
    document).  ``first_line`` is the file line ``text`` starts on, used in
    hints.  Raises YamlLimitError when, with aliases followed, the document
    holds more than ``max_values`` values, more characters of text than
    ``max_chars`` or its own length (whichever is more), nests lists or mappings more than
    ``max_depth`` levels deep, or contains itself through an alias.  Raises
    ``yaml.YAMLError`` for invalid YAML, and a located
    ``yaml.constructor.ConstructorError`` for a value Python cannot hold (an
    integer of more than 4300 digits, an impossible timestamp).
    """
    parser = loader(text)
    try:
        try:
            node = parser.get_single_node()
        except RecursionError:
            # The pure-Python composer recurses once per level; libyaml stops at 1000.
            mark = parser.get_mark() if hasattr(parser, "get_mark") else None
            raise _too_deep(mark, max_depth) from None
        except yaml.MarkedYAMLError as exc:
            if "maximum nesting depth" in str(exc.problem):
                raise _too_deep(exc.problem_mark, max_depth) from None
            raise
        if node is None:
            return None
        if not _surely_within(text, max_values, max_depth):
            _measure(node, max_values, max(max_chars, len(text)), max_depth, first_line)
        try:
            return parser.construct_document(node)
        except (ValueError, TypeError, OverflowError) as exc:
            raise _construct_error(loader, node, exc) from None
    finally:
        parser.dispose()


def _surely_within(text: str, max_values: int, max_depth: int) -> bool:
    """Whether ``text`` cannot pass the budgets, judged from its characters alone.

    Without ``*`` there is no alias, so the document is a tree as long as its
    text, and every node takes a character or more (``{a}`` is three nodes in
    three characters).  Every list or mapping is opened by one of ``[{-:?``,
    so it nests no deeper than there are of them.  Most front matter passes
    here, and skips the walk.
    """
    if "*" in text or 2 * len(text) > max_values:
        return False
    return sum(text.count(mark) for mark in "[{-:?") <= max_depth


def _too_deep(mark: yaml.Mark | None, max_depth: int) -> YamlLimitError:
    return YamlLimitError(f"nested more than {max_depth} levels deep", mark,
                          "flatten the nested lists or mappings")


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value)


def _measure(root: yaml.Node, max_values: int, max_chars: int, max_depth: int,
             first_line: int) -> None:
    """Raise YamlLimitError when the node graph, aliases followed, passes a budget.

    Post-order walk over the lists and mappings with an explicit stack;
    ``sizes`` holds each finished one's (values, characters, height) so an
    aliased one is measured once.  Scalars are counted where they stand (a
    scalar is never deep, and only aliases can make the text longer than
    the document).  A list or mapping is at ``level`` 1 at the top and
    reaches ``level + height - 1``.
    """
    if isinstance(root, yaml.ScalarNode):
        return
    sizes: dict[int, tuple[int, int, int]] = {}
    open_nodes: set[int] = set()
    aliased = False
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, level, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            open_nodes.discard(key)
            values, chars, height = 1, 0, 0
            for child in children:
                if child.__class__ is yaml.ScalarNode:
                    values += 1
                    chars += len(child.value)
                    continue
                child_values, child_chars, child_height = sizes[id(child)]
                values += child_values
                chars += child_chars
                if child_height > height:
                    height = child_height
            sizes[key] = (values, chars, height + 1)
            if values > max_values or chars > max_chars:
                raise _too_large(root, node, values > max_values, aliased or chars > max_chars,
                                 max_values, max_chars, first_line)
            continue
        if key in sizes:
            aliased = True
            if level + sizes[key][2] - 1 > max_depth:
                raise _too_deep(node.start_mark, max_depth)
            continue
        if key in open_nodes:
            raise YamlLimitError(
                "recursive: a YAML alias refers to a list or mapping that contains it",
                node.start_mark, "remove the alias (*name) from inside its own anchor (&name)")
        if level > max_depth:
            raise _too_deep(node.start_mark, max_depth)
        open_nodes.add(key)
        stack.append((node, level, True))
        # Reversed, so children are measured in document order.
        stack.extend((child, level + 1, False) for child in reversed(children)
                     if child.__class__ is not yaml.ScalarNode)


def _too_large(root: yaml.Node, culprit: yaml.Node, by_values: bool, aliased: bool,
               max_values: int, max_chars: int, first_line: int) -> YamlLimitError:
    what = f"{max_values:,} values" if by_values else f"{max_chars:,} characters"
    line = culprit.start_mark.line + first_line
    if aliased:
        return YamlLimitError(
            f"too large after expanding YAML aliases (more than {what})", root.start_mark,
            f"the value starting on line {line} repeats aliases (*name) until it holds more "
            f"than {what}; write the values out instead")
    return YamlLimitError(f"too large (more than {what})", root.start_mark,
                          f"the value starting on line {line} is too large; keep long data "
                          "out of YAML")


def _construct_error(loader: type[yaml.SafeLoader], root: yaml.Node, exc: Exception
                     ) -> yaml.YAMLError:
    """A located ConstructorError for the first scalar that cannot be built."""
    mark = root.start_mark
    probe = loader("")
    try:
        stack = [root]
        seen: set[int] = set()
        scalars: list[yaml.ScalarNode] = []
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, yaml.ScalarNode):
                scalars.append(node)
            else:
                stack.extend(reversed(_children(node)))
        for scalar in scalars:
            try:
                probe.construct_object(scalar, deep=True)
            except (ValueError, TypeError, OverflowError):
                mark = scalar.start_mark
                break
            except yaml.YAMLError:
                continue
    finally:
        probe.dispose()
    problem = str(exc).split("; use sys.set_int_max_str_digits", 1)[0]
    return yaml.constructor.ConstructorError(None, None, f"cannot read the value: {problem}",
                                             mark)
