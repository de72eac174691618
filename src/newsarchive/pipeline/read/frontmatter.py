"""Markdown (and text) pages with YAML front matter: Hugo and Jekyll exports, our own pages.

A page starts with a ``---`` line, YAML keys, a closing ``---`` (or ``...``)
line, then the body.  Hugo's TOML form between ``+++`` lines is read too.  A
Markdown file without front matter takes its title from a leading ``# Title``.

YAML is loaded with libyaml when present, with two YAML-1.1 surprises
switched off so every loader agrees: timestamps stay text (dates are parsed
by :mod:`newsarchive.pipeline.read.dates`, the same way for every source) and only
``true``/``false`` are booleans (a title ``No`` stays a title).  It goes
through :func:`newsarchive.pipeline.read.yamlsafe.load_yaml`, which refuses alias
bombs, recursive aliases and nesting past
:data:`~newsarchive.pipeline.read.limits.MAX_DEPTH` with a located error; TOML front
matter is held to the same depth.  Characters XML cannot carry, written as
escapes in quoted values (``"\\e[31m"``, ``"\\0"``), are taken out of every
value and key, and reported with those the file itself held, as one warning.

Blank lines (and a byte order mark) before the opening fence are skipped; a
Hugo JSON object (``{ "title": ... }``) is front matter too.

Shortcodes, Liquid tags and images of the body are turned into content by
:mod:`newsarchive.pipeline.read.shortcodes`; the page's images (front matter
``image``, ``images``, ``featured_image``, ``cover.image``, ``thumbnail``
first, then those of the body) are its ``images``.  Raw HTML is kept (it is
sanitised when rendered).  A page without a date takes it from a Zola
``path`` or Jekyll ``permalink`` holding ``YYYY/MM/DD``, then from a bundle
folder named ``YYYY-MM-DD-slug``; a Jekyll file name ``YYYY-MM-DD-slug.md``
dates it too (:mod:`newsarchive.pipeline.read`).  When the front-matter date
and the file name's disagree the front matter wins and a warning says so.
Zola's ``[taxonomies]`` and ``[extra]`` tables are read as top-level keys.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

import yaml

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError, Diagnostic
from newsarchive.model import Article, BodyFormat, Image
from newsarchive.pipeline.assets import local_image_path
from newsarchive.pipeline.read.dates import MAX_YEAR, MIN_YEAR, date_from_filename, zone
from newsarchive.pipeline.read.fields import article_from_meta
from newsarchive.pipeline.read.limits import (
    MAX_DEPTH,
    deep_offset,
    depth_exceeds,
    long_number_offset,
    max_digits,
)
from newsarchive.pipeline.read.rawtext import split_paragraphs
from newsarchive.pipeline.read.shortcodes import convert_body
from newsarchive.pipeline.read.text import Removed, scrub
from newsarchive.pipeline.read.yamlsafe import YamlLimitError, YamlLoader, load_yaml
from newsarchive.urls import safe_url

__all__ = ["YamlLoader", "has_front_matter", "read_page"]

_OPEN = re.compile(r"(?:---|\+\+\+)[ \t]*\n|\{[ \t]*\n?\s*\"")
_LEAD_IN = re.compile(r"\A\ufeff?(?:[ \t\r]*\n)*")
_PATH_DATE = re.compile(r"(?:\A|/)(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[/_.-]|\Z)")
_IMAGE_KEYS = ("image", "images", "featured_image", "cover", "thumbnail")
_HEADING = re.compile(r"#\s+(.+?)\s*#*\s*")
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
class _Front:
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


def _split(source_path: str, text: str) -> _Front:
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
    return _Front(meta, "\n".join(lines[end + 1:]), end + 2, tuple(warnings), key_lines,
                  removed)


def _split_json(source_path: str, text: str) -> _Front:
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
    return _Front(meta, rest, body_start, (), key_lines, removed)


def _shifted(front: _Front, lines: int) -> _Front:
    """``front`` of a page whose first ``lines`` lines (blank) were cut off."""
    if not lines:
        return front
    removed = front.removed
    if removed is not None and removed.line:
        removed = Removed(removed.count, removed.code_points, removed.line + lines,
                          removed.column)
    return _Front(front.meta, front.rest, front.body_start + lines,
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


def _body(raw: str, body_format: BodyFormat) -> tuple[str, int]:
    """The body and how many leading lines were blank."""
    lines = raw.split("\n")
    skipped = 0
    while skipped < len(lines) and not lines[skipped].strip():
        skipped += 1
    if body_format == "text":
        return "\n\n".join("\n".join(par) for _, par in split_paragraphs(raw)), skipped
    return "\n".join(lines[skipped:]).rstrip(), skipped


def _front(source_path: str, text: str) -> _Front:
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
        front = _Front(merged, front.rest, front.body_start, front.warnings, front.key_lines,
                       front.removed)
    return _shifted(front, lines)


def read_page(source_path: str, text: str, settings: ReadSettings,
              default_format: BodyFormat = "markdown", removed: Removed | None = None
              ) -> tuple[Article | None, list[Diagnostic]]:
    """Read a decoded page: front matter (or a ``# Title`` line) plus body.

    ``default_format`` is the body format when the front matter has no
    ``format`` key ("text" for a ``.txt`` file with front matter).
    ``removed`` is what decoding took out of ``text``; it is reported with
    what the front matter's escapes held, as one warning.

    Returns the Article, or None for a skipped draft, plus warnings.  Raises
    ContentError for invalid or unclosed front matter, a missing title or an
    unusable date.
    """
    diagnostics: list[Diagnostic] = []
    key_lines: dict[str, int] = {}
    if has_front_matter(text):
        front = _front(source_path, text)
        meta, rest, body_start = front.meta, front.rest, front.body_start
        diagnostics, key_lines = list(front.warnings), front.key_lines
        if front.removed is not None:
            removed = front.removed.merged(removed)
    else:
        meta, rest, body_start = _heading_page(source_path, text)
    if removed is not None:
        diagnostics.insert(0, removed.diagnostic(source_path))
    written_format = str(meta.get("format", default_format)).lower()
    is_text = written_format == "text"
    body_format: BodyFormat = "text" if is_text else "markdown"
    body_images: tuple[Image, ...] = ()
    if not is_text:
        converted = convert_body(rest, source_path, body_start, meta)
        rest, body_images = converted.body, converted.images
        diagnostics.extend(converted.diagnostics)
    body, skipped = _body(rest, body_format)

    def line_of(key: str) -> int:
        return key_lines.get(key.lower(), 0)

    article, warnings = article_from_meta(
        meta, source_path=source_path, body=body, body_format=body_format,
        timezone=settings.timezone, line_of=line_of, body_line=body_start + skipped,
        term_keys=settings.term_keys)
    diagnostics.extend(warnings)
    if article.draft and not settings.include_drafts:
        return None, diagnostics
    images = _merged(_front_images(meta, source_path, line_of, diagnostics) + list(body_images))
    # The image keys became images: not kept a second time among the extra keys.
    consumed = {*_IMAGE_KEYS, "image_alt", *(f"{key}_alt" for key in _IMAGE_KEYS)}
    extra = {k: v for k, v in article.extra.items() if k.lower() not in consumed}
    article = replace(article, images=images, extra=extra)
    if article.published is None:
        found = _date_of_paths(meta, source_path)
        if found is not None:
            article = replace(article, published=datetime.combine(
                found, time(), zone(settings.timezone)))
    elif (named := date_from_filename(source_path.rsplit("/", 1)[-1])) is not None \
            and named != article.published.date():
        diagnostics.append(Diagnostic(
            source_path, line_of("date"), 0,
            f"the front-matter date {article.published.date().isoformat()} disagrees with "
            f"the file name's {named.isoformat()}; using the front-matter date",
            "correct whichever one is wrong", "warning"))
    return article, diagnostics


def _heading_page(source_path: str, text: str) -> tuple[dict[str, Any], str, int]:
    """The title, body and body line of a page without front matter: a ``# Title`` line."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    heading = _HEADING.fullmatch(lines[first].strip()) if lines else None
    if heading is None:
        raise ContentError(Diagnostic(
            source_path, first + 1, 1, "missing title",
            "start the file with a front matter block (---, title: ..., ---) "
            "or a '# Title' line"))
    return {"title": heading.group(1)}, "\n".join(lines[first + 1:]), first + 2


def _date_of_paths(meta: Mapping[str, Any], source_path: str) -> date | None:
    """The date in a Zola ``path`` or Jekyll ``permalink`` (``2024/11/26/slug``), else in
    the folder name of a page bundle (``2024-11-26-slug/index.md``), else None."""
    for key in ("path", "permalink"):
        value = meta.get(key)
        match = _PATH_DATE.search(value) if isinstance(value, str) else None
        if match:
            try:
                found = date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                continue
            if MIN_YEAR <= found.year <= MAX_YEAR:
                return found
    folder, _, name = source_path.rpartition("/")
    if name.lower().startswith("index.") and folder:
        return date_from_filename(folder.rsplit("/", 1)[-1])
    return None


def _front_images(meta: Mapping[str, Any], source_path: str, line_of: Any,
                  diagnostics: list[Diagnostic]) -> list[Image]:
    """The images the front matter names, in key order (the lead image first)."""
    by_lower = {str(key).lower(): value for key, value in meta.items()}
    found: list[Image] = []
    for key in _IMAGE_KEYS:
        value = by_lower.get(key)
        if key == "cover":
            value = [value] if isinstance(value, Mapping) else None
        items = value if isinstance(value, list) else [value]
        alt = by_lower.get(f"{key}_alt") or by_lower.get("image_alt") or ""
        for item in items[:50]:
            if isinstance(item, Mapping):
                src = next((item[k] for k in ("src", "url", "image", "path") if item.get(k)), "")
                text, caption = item.get("alt") or alt, item.get("caption") or item.get("title")
            else:
                src, text, caption = item, alt, ""
            if not isinstance(src, str) or not src.strip():
                continue
            image = _image_of(source_path, src.strip(), str(text or ""), str(caption or ""))
            if image is None:
                diagnostics.append(Diagnostic(
                    source_path, line_of(key), 0, f"dropped the image of '{key}' "
                    f"({src[:60]!r}): neither an http(s) address nor an image file beside it",
                    "write its address as https://..., or put the file beside the page",
                    "warning"))
            else:
                found.append(image)
    return found


def _image_of(source_path: str, src: str, alt: str, caption: str) -> Image | None:
    """An Image of a remote ``src`` or an image file beside the page, else None."""
    if src.lower().startswith(("http:", "https:", "//")):
        url = safe_url(src, "image")
        return Image(url, " ".join(alt.split()), " ".join(caption.split())) if url else None
    path = local_image_path(source_path, src)
    return Image(path, " ".join(alt.split()), " ".join(caption.split())) if path else None


def _merged(images: list[Image]) -> tuple[Image, ...]:
    """``images`` without repeats of a source, a known alt text or caption kept."""
    by_src: dict[str, Image] = {}
    for image in images:
        known = by_src.get(image.src)
        if known is None:
            by_src[image.src] = image
        else:
            by_src[image.src] = Image(image.src, known.alt or image.alt,
                                      known.caption or image.caption)
    return tuple(by_src.values())
