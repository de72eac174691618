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

Finding the block and loading its keys is :mod:`newsarchive.pipeline.read.frontblock`;
this module makes the article of the page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError, Diagnostic
from newsarchive.model import Article, BodyFormat, Image
from newsarchive.pipeline.assets import local_image_path
from newsarchive.pipeline.read.dates import MAX_YEAR, MIN_YEAR, date_from_filename, zone
from newsarchive.pipeline.read.fields import article_from_meta
from newsarchive.pipeline.read.frontblock import front_matter, has_front_matter
from newsarchive.pipeline.read.rawtext import split_paragraphs
from newsarchive.pipeline.read.shortcodes import convert_body
from newsarchive.pipeline.read.text import Removed
from newsarchive.pipeline.read.yamlsafe import YamlLoader
from newsarchive.urls import safe_url

__all__ = ["YamlLoader", "has_front_matter", "read_page"]

_PATH_DATE = re.compile(r"(?:\A|/)(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[/_.-]|\Z)")
_IMAGE_KEYS = ("image", "images", "featured_image", "cover", "thumbnail")
_HEADING = re.compile(r"#\s+(.+?)\s*#*\s*")


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
        front = front_matter(source_path, text)
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
