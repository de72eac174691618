"""The built-in article formats beyond Markdown, raw text and JSON records.

Each module reads one family of forms news archives come in and offers
``SUFFIXES`` (the suffixes that are its alone), ``sniff(head)`` (whether the
first bytes of a file look like it) and ``read(source_path, data, settings)``.
:func:`register` adds them to every registry through the plugin API
(:mod:`newsarchive.hooks`), after the site's own plugins, as the built-in
plugin ``newsarchive``: a plugin that reads one of these suffixes itself wins.

:func:`describe` says what a file nobody reads looks like, for the report
("not an article format: scan.pdf (a PDF document)").
"""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING

from newsarchive.pipeline.assets import IMAGE_SUFFIXES

if TYPE_CHECKING:
    from newsarchive.hooks import Registry

__all__ = ["FORMATS", "IMAGE_SUFFIXES", "PLUGIN", "describe", "looks_like_markup", "register"]

#: The format modules, in the order their sniffers are asked (the strictest
#: first: a WordPress export is also RSS, a WARC holds HTML).
FORMATS: tuple[str, ...] = ("wxr", "feeds", "nitf", "newsml", "jsonfeed", "ninjs", "warc",
                            "wire", "sogou", "html", "csv")
#: The name the built-in formats register under.
PLUGIN = "newsarchive"


def register(registry: Registry) -> None:
    """Add every built-in format's reader to ``registry``; a suffix a plugin took
    stays the plugin's."""
    taken = set(registry.suffixes)
    for name in FORMATS:
        module = importlib.import_module(f"{__name__}.{name}")
        suffixes = tuple(s for s in module.SUFFIXES if s not in taken)
        registry.add_reader(module.read, suffixes=suffixes, sniff=module.sniff)


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "gzip-compressed data"), (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ", "xz-compressed data"), (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"SQLite format 3", "an SQLite database"), (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"ID3", "an MP3 file"), (b"OggS", "an Ogg media file"), (b"\x00\x00\x00", "binary data"),
)
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_MARKUP = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml|<!--|<!doctype|<[A-Za-z])", re.IGNORECASE)


def looks_like_markup(head: bytes) -> bool:
    """Whether ``head`` starts like XML or HTML (never read as raw prose)."""
    return bool(_MARKUP.match(head))


def describe(name: str, head: bytes) -> str:
    """What a file named ``name`` whose first bytes are ``head`` looks like."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head[4:8] == b"ftyp":
        return "a video or HEIF image"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "a WebP image"
    if name.lower().endswith(IMAGE_SUFFIXES):
        return "an image"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if looks_like_markup(stripped):
        if re.match(rb"(?i)<!doctype html|<html", stripped):
            return "HTML without an article in it"
        roots = [r for r in _ROOT.findall(stripped) if not r.startswith((b"?", b"!"))]
        root = roots[0].decode("ascii", "replace") if roots else "?"
        return f"XML of a form no reader knows (root <{root}>)"
    if stripped[:1] in (b"{", b"["):
        return "JSON of a form no reader knows"
    if b"\x00" in head:
        return "binary data"
    return "text of a form no reader knows"
