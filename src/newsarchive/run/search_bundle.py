"""The search bundle made a function of the pages alone, and installed without
touching what the search step did not write (see :mod:`newsarchive.run.search`).

Several languages: Pagefind writes an index per language of the pages (the
``languages`` of ``pagefind-entry.json``), each with its own metadata,
filter, index and fragment files prefixed by the language; each is ordered
alike.  The extended binary (Chinese and Japanese segmented) writes the same
format.

Ordering: Pagefind 1.5 writes each filter's values, the lists of filters and
sorts, and the languages of ``pagefind-entry.json`` in hash-map order, seeded
at random in every process, and names files by the hash of their content.
:func:`normalise` rewrites those files in sorted order and renames them as
Pagefind would; each file is first decoded and checked to encode back to its
own bytes (CBOR with ``cbor2``), so a rewritten file is a faithful one and a
format this does not know is left as it is.

Installing the bundle into ``pagefind/`` is :mod:`newsarchive.run.search_install`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any, TypeAlias

import cbor2

from newsarchive.errors import Diagnostic

__all__ = ["BUNDLE_DIR", "LANGUAGE_NAMES", "LEAVE_HINT", "MANIFEST", "PARTS_DIR",
           "PART_MANIFEST", "FormatError", "Refusal", "filter_values", "normalise", "page_count"]

#: Folder of the search bundle inside the output folder; the theme's search.js expects it.
BUNDLE_DIR = "pagefind"
#: The names of the articles' languages, written into :data:`BUNDLE_DIR` for the search page.
LANGUAGE_NAMES = "newsarchive-languages.json"
#: The manifest of the bundle files this step wrote, inside :data:`BUNDLE_DIR`.
MANIFEST = ".newsarchive-bundle.json"
#: Folder of the parts of the index inside the bundle (see :mod:`newsarchive.run.search_parts`).
PARTS_DIR = "parts"
#: The manifest of the files of one part of the index, inside the part's folder.
PART_MANIFEST = ".newsarchive-part.json"
_PAGEFIND_HEADER = b"pagefind_dcd"
LEAVE_HINT = "move it away or delete it, then build again"
_Cbor: TypeAlias = "int | str | list[_Cbor]"


class Refusal(Exception):
    """A path this step must not touch; ``diagnostic`` says which and why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class FormatError(Exception):
    """Pagefind wrote a bundle file whose format this module does not know."""


# --- ordering the bundle -------------------------------------------------------------------


def normalise(staged: Path) -> int:
    """Rewrite in sorted order the bundle files Pagefind writes in hash-map order.

    For each language of ``staged/pagefind-entry.json``: the values of each
    filter file, and the filters and sorts of its ``pagefind.*.pf_meta`` file,
    are sorted by name, and each rewritten file is renamed by the hash of its
    content as Pagefind names it; then the entry file lists the languages in
    sorted order.  Returns the number of pages indexed.  Raises
    :class:`FormatError` (or :class:`OSError`, :class:`ValueError`) before
    changing anything when a file is not in the format this knows.
    """
    entry_path = staged / "pagefind-entry.json"
    entry = json.loads(entry_path.read_bytes())
    languages = entry.get("languages") if isinstance(entry, dict) else None
    if not isinstance(languages, dict):
        raise FormatError("pagefind-entry.json lists no languages")
    removed: list[Path] = []
    written: dict[Path, bytes] = {}
    pages = 0
    for language in sorted(languages):
        info = languages[language]
        if not (isinstance(info, dict) and isinstance(info.get("hash"), str)
                and isinstance(info.get("page_count"), int)):
            raise FormatError(f"pagefind-entry.json has an unknown entry for {language!r}")
        pages += info["page_count"]
        meta_path = staged / f"pagefind.{info['hash']}.pf_meta"
        meta = _read_cbor(meta_path)
        if not (isinstance(meta, list) and len(meta) >= 5 and _is_pairs(meta[3], str)
                and _is_pairs(meta[4], list)):
            raise FormatError(f"{meta_path.name} is not a Pagefind 1.5 metadata file")
        filters: list[_Cbor] = []
        used: set[str] = set()
        for name, old in sorted(_pairs(meta[3])):
            path = staged / "filter" / f"{old}.pf_filter"
            index = _read_cbor(path)
            if not (isinstance(index, list) and len(index) == 2 and index[0] == name
                    and _is_pairs(index[1], list)):
                raise FormatError(f"filter/{path.name} is not a Pagefind 1.5 filter file")
            values: list[_Cbor] = [[value, pages_of] for value, pages_of
                                   in sorted(_pairs(index[1]), key=lambda pair: pair[0])]
            body = _cbor_encode([name, values])
            new = _short_name(f"{language}_{_pagefind_hash(body)}", len(language) + 8, used)
            removed.append(path)
            written[staged / "filter" / f"{new}.pf_filter"] = _pagefind_gzip(body)
            filters.append([name, new])
        sorts: list[_Cbor] = [[sort, order] for sort, order
                              in sorted(_pairs(meta[4]), key=lambda pair: pair[0])]
        body = _cbor_encode([*meta[:3], filters, sorts, *meta[5:]])
        info["hash"] = f"{language}_{_pagefind_hash(body)[:len(language) + 8]}"
        removed.append(meta_path)
        written[staged / f"pagefind.{info['hash']}.pf_meta"] = _pagefind_gzip(body)
    entry["languages"] = {language: languages[language] for language in sorted(languages)}
    written[entry_path] = json.dumps(entry, ensure_ascii=False,
                                     separators=(",", ":")).encode("utf-8")
    for path in removed:
        path.unlink(missing_ok=True)
    for path, data in written.items():
        path.write_bytes(data)
    return pages


def filter_values(staged: Path, name: str) -> list[str]:
    """The values of the filter ``name`` over every language of the bundle in ``staged``,
    sorted; raises :class:`FormatError`, :class:`OSError` or :class:`ValueError` for a
    bundle not in the format :func:`normalise` knows."""
    entry = json.loads((staged / "pagefind-entry.json").read_bytes())
    values: set[str] = set()
    for info in entry["languages"].values():
        meta = _read_cbor(staged / f"pagefind.{info['hash']}.pf_meta")
        if not (isinstance(meta, list) and len(meta) >= 4 and _is_pairs(meta[3], str)):
            raise FormatError(f"pagefind.{info['hash']}.pf_meta is not a Pagefind 1.5 file")
        for filter_name, file in _pairs(meta[3]):
            if filter_name == name:
                index = _read_cbor(staged / "filter" / f"{file}.pf_filter")
                if not (isinstance(index, list) and len(index) == 2
                        and _is_pairs(index[1], list)):
                    raise FormatError(f"filter/{file}.pf_filter is not a Pagefind 1.5 file")
                values.update(value for value, _ in _pairs(index[1]))
    return sorted(values)


def page_count(staged: Path) -> int:
    """The pages of the bundle in ``staged`` by its ``pagefind-entry.json`` (0 when unreadable)."""
    try:
        entry = json.loads((staged / "pagefind-entry.json").read_bytes())
        return sum(int(info["page_count"]) for info in entry["languages"].values())
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return 0


def _is_pairs(value: _Cbor, second: type) -> bool:
    """True when ``value`` is a list of ``[str, second]`` lists."""
    return isinstance(value, list) and all(
        isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
        and isinstance(item[1], second) for item in value)


def _pairs(value: _Cbor) -> list[tuple[str, Any]]:
    """The ``[str, x]`` items of a list checked by :func:`_is_pairs`, as tuples."""
    assert isinstance(value, list)
    return [(str(item[0]), item[1]) for item in value if isinstance(item, list)]


def _short_name(name: str, length: int, used: set[str]) -> str:
    """``name`` cut to ``length`` characters, longer while it is in ``used`` (as Pagefind)."""
    short = name[:length]
    while short in used and len(short) < len(name):
        short = name[:len(short) + 1]
    used.add(short)
    return short


def _pagefind_hash(body: bytes) -> str:
    """Pagefind's content hash: the SHA-1 bytes in hex, each without a leading zero."""
    return "".join(f"{byte:x}" for byte in hashlib.sha1(body, usedforsecurity=False).digest())


def _pagefind_gzip(body: bytes) -> bytes:
    """A bundle data file as Pagefind writes it: gzip of its header and ``body``, no timestamp."""
    return gzip.compress(_PAGEFIND_HEADER + body, compresslevel=9, mtime=0)


def _read_cbor(path: Path) -> _Cbor:
    """Decode the gzipped CBOR data file ``path`` of a bundle.

    Raises :class:`FormatError` unless it decodes and encodes back to the
    same bytes, which is what makes a rewritten file a faithful one.
    """
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, ValueError) as exc:
        raise FormatError(f"{path.name} cannot be read: {exc}") from exc
    if not data.startswith(_PAGEFIND_HEADER):
        raise FormatError(f"{path.name} has no Pagefind header")
    body = data[len(_PAGEFIND_HEADER):]
    try:
        value = cbor2.loads(body)
    except (cbor2.CBORDecodeError, ValueError) as exc:
        raise FormatError(f"{path.name}: {exc}") from exc
    if not _plain(value) or _cbor_encode(value) != body:
        raise FormatError(f"{path.name} does not encode back to its own bytes")
    checked: _Cbor = value
    return checked


def _plain(value: object) -> bool:
    """Whether ``value`` holds only the CBOR items Pagefind's data files use
    (integers, text, arrays): the ones :func:`_cbor_encode` writes back."""
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _cbor_encode(value: _Cbor) -> bytes:
    """The shortest CBOR encoding of ``value``, as Pagefind's encoder (minicbor) writes it."""
    return bytes(cbor2.dumps(value))
