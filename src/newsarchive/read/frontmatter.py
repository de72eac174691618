"""Markdown (and text) pages with YAML front matter: Hugo and Jekyll exports, our own pages.

A page starts with a ``---`` line, YAML keys, a closing ``---`` (or ``...``)
line, then the body.  Hugo's TOML form between ``+++`` lines is read too.  A
Markdown file without front matter takes its title from a leading ``# Title``.

YAML is loaded with libyaml when present, with two YAML-1.1 surprises
switched off so every loader agrees: timestamps stay text (dates are parsed
by :mod:`newsarchive.read.dates`, the same way for every source) and only
``true``/``false`` are booleans (a title ``No`` stays a title).

Hugo shortcodes (``{{< note >}}text{{< /note >}}``, ``{{% x %}}``) and
Liquid/Nunjucks tags are reduced to their inner text; a ``{{< youtube ID >}}``
becomes a link to the video.  Raw HTML is kept (it is sanitised when
rendered).  A Jekyll file name ``YYYY-MM-DD-slug.md`` dates a page whose
front matter has no date; when both exist and disagree the front matter wins
and a warning says so.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from typing import Any

import yaml

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError, Diagnostic
from newsarchive.model import Article, BodyFormat
from newsarchive.read.dates import date_from_filename
from newsarchive.read.fields import article_from_meta
from newsarchive.read.rawtext import split_paragraphs

__all__ = ["YamlLoader", "has_front_matter", "read_page", "reduce_shortcodes"]

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

_OPEN = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n")
_SHORTCODE_PAIR = re.compile(
    r"\{\{([<%])\s*([\w.-]+)[^}]*?\1\}\}(.*?)\{\{\1\s*/\s*\2\s*\1\}\}", re.DOTALL)
_YOUTUBE = re.compile(r"\{\{[<%]\s*youtube\s+(?:id=)?[\"']?([\w-]{6,20})[\"']?[^}]*[>%]\}\}")
_SHORTCODE = re.compile(r"\{\{[<%].*?[>%]\}\}", re.DOTALL)
_LIQUID_LITERAL = re.compile(r"\{\{-?\s*[\"']([^\"'{}]*)[\"']\s*(\|[^{}]*)?-?\}\}")
_LIQUID = re.compile(r"\{\{-?[^{}]*-?\}\}|\{%-?.*?-?%\}", re.DOTALL)
_FENCE = re.compile(r"^(```|~~~)", re.MULTILINE)
_HEADING = re.compile(r"#\s+(.+?)\s*#*\s*")


def has_front_matter(text: str) -> bool:
    """Whether ``text`` starts with a ``---`` or ``+++`` front-matter fence."""
    return bool(_OPEN.match(text))


def reduce_shortcodes(body: str) -> str:
    """Reduce Hugo shortcodes and Liquid tags to their inner text, outside code fences."""
    if "{{" not in body and "{%" not in body:
        return body
    pieces = _FENCE.split(body)
    # split() with one group yields text, fence, text ...; a fenced block is the
    # text between an odd and the next fence marker.
    out: list[str] = []
    inside = False
    for index, piece in enumerate(pieces):
        if index % 2 == 1:
            out.append(piece)
            inside = not inside
            continue
        if inside:
            out.append(piece)
            continue
        for _ in range(5):  # nested pairs unwrap one level per pass
            reduced = _SHORTCODE_PAIR.sub(lambda m: m.group(3), piece)
            if reduced == piece:
                break
            piece = reduced
        piece = _YOUTUBE.sub(lambda m: f"[Video](https://www.youtube.com/watch?v={m[1]})", piece)
        piece = _SHORTCODE.sub("", piece)
        piece = _LIQUID_LITERAL.sub(lambda m: m.group(1), piece)
        piece = _LIQUID.sub("", piece)
        out.append(piece)
    return "".join(out)


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
        return yaml.load(block, Loader=YamlLoader), []
    except yaml.YAMLError as exc:
        error = _yaml_error(source_path, exc, 2, block)
    except (ValueError, TypeError, RecursionError) as exc:
        error = Diagnostic(source_path, 2, 0, f"invalid YAML front matter: {exc}",
                           "check the front matter's syntax")
    if "\t" in block:
        try:
            rescued = yaml.load(block.replace("\t", "  "), Loader=YamlLoader)
        except (yaml.YAMLError, ValueError, TypeError, RecursionError):
            raise ContentError(error) from None
        warning = Diagnostic(error.path, error.line, error.column,
                             f"{error.message}; read again with tabs as spaces",
                             "replace the tab with spaces", "warning")
        return rescued, [warning]
    raise ContentError(error)


def _split(source_path: str, text: str) -> tuple[Mapping[str, Any], str, int, list[Diagnostic],
                                                 dict[str, int]]:
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
        try:
            meta: Any = tomllib.loads(block)
        except tomllib.TOMLDecodeError as exc:
            raise ContentError(Diagnostic(source_path, 2, 0,
                                          f"invalid TOML front matter: {exc}",
                                          "check the TOML syntax between the '+++' lines")
                               ) from None
    else:
        meta, warnings = _load_yaml(source_path, block)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentError(Diagnostic(source_path, 2, 1,
                                      "front matter must be a mapping of keys to values",
                                      "write one `key: value` per line"))
    return meta, "\n".join(lines[end + 1:]), end + 2, warnings, key_lines


def _body(raw: str, body_format: BodyFormat) -> tuple[str, int]:
    """The body and how many leading lines were blank."""
    lines = raw.split("\n")
    skipped = 0
    while skipped < len(lines) and not lines[skipped].strip():
        skipped += 1
    if body_format == "text":
        return "\n\n".join("\n".join(par) for _, par in split_paragraphs(raw)), skipped
    return "\n".join(lines[skipped:]).rstrip(), skipped


def read_page(source_path: str, text: str, settings: ReadSettings,
              default_format: BodyFormat = "markdown") -> tuple[Article | None, list[Diagnostic]]:
    """Read a decoded page: front matter (or a ``# Title`` line) plus body.

    ``default_format`` is the body format when the front matter has no
    ``format`` key ("text" for a ``.txt`` file with front matter).

    Returns the Article, or None for a skipped draft, plus warnings.  Raises
    ContentError for invalid or unclosed front matter, a missing title or an
    unusable date.
    """
    diagnostics: list[Diagnostic] = []
    key_lines: dict[str, int] = {}
    if has_front_matter(text):
        meta, rest, body_start, diagnostics, key_lines = _split(source_path, text)
    else:
        lines = text.split("\n")
        first = next((i for i, line in enumerate(lines) if line.strip()), 0)
        heading = _HEADING.fullmatch(lines[first].strip()) if lines else None
        if heading is None:
            raise ContentError(Diagnostic(
                source_path, first + 1, 1, "missing title",
                "start the file with a front matter block (---, title: ..., ---) "
                "or a '# Title' line"))
        meta = {"title": heading.group(1)}
        rest = "\n".join(lines[first + 1:])
        body_start = first + 2
    written_format = str(meta.get("format", default_format)).lower()
    is_text = written_format == "text"
    body_format: BodyFormat = "text" if is_text else "markdown"
    body_raw = rest if is_text else reduce_shortcodes(rest)
    body, skipped = _body(body_raw, body_format)

    def line_of(key: str) -> int:
        return key_lines.get(key.lower(), 0)

    article, warnings = article_from_meta(
        meta, source_path=source_path, body=body, body_format=body_format,
        timezone=settings.timezone, line_of=line_of, body_line=body_start + skipped)
    diagnostics.extend(warnings)
    if article.draft and not settings.include_drafts:
        return None, diagnostics
    if article.published is not None:
        named = date_from_filename(source_path.rsplit("/", 1)[-1])
        if named is not None and named != article.published.date():
            diagnostics.append(Diagnostic(
                source_path, line_of("date"), 0,
                f"the front-matter date {article.published.date().isoformat()} disagrees with "
                f"the file name's {named.isoformat()}; using the front-matter date",
                "correct whichever one is wrong", "warning"))
    return article, diagnostics
