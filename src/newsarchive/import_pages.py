"""The pages of ``newsarchive import``: their names and the manifest of what import wrote.

See :mod:`newsarchive.importer` for what import does with them: the page
names bounded in bytes and kept inside ``DIR`` (:func:`page_name`), the
manifest ``DIR/.newsarchive-import.json`` (:func:`read_manifest`,
:func:`manifest_bytes`), the provenance stamp each page carries in its
front matter (:func:`stamp_page`, :func:`read_stamp`) and the decision for
one page (:func:`decide_page`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from newsarchive.config import ReadSettings
from newsarchive.errors import Diagnostic
from newsarchive.pipeline.read.yamlsafe import YamlLimitError, load_yaml

__all__ = [
    "MANIFEST_NAME",
    "MAX_NAME_BYTES",
    "MAX_PATH_BYTES",
    "NAME_GROWTH",
    "OFFER_SUFFIX",
    "STAMP_KEYS",
    "Decision",
    "ManifestEntry",
    "PageFacts",
    "Stamp",
    "StampState",
    "bound_name",
    "clean_name",
    "decide_page",
    "digest_at",
    "existing_pages",
    "fit_path",
    "inside",
    "manifest_bytes",
    "name_hash",
    "page_name",
    "parse_manifest",
    "raw_name",
    "read_manifest",
    "read_stamp",
    "stamp_page",
    "title_slug",
    "utf8_size",
]

#: The manifest of the pages import wrote, kept in ``DIR`` (hidden: never read as an article).
MANIFEST_NAME = ".newsarchive-import.json"
_MANIFEST_FORMAT = "newsarchive import manifest"
#: Longest page path component, in bytes of UTF-8.  File systems allow 255; the
#: rest is room for ``.NAME.imported`` and the temporary name
#: ``.tmp-PID-THREAD-.NAME.imported`` that write_bytes_atomic writes first.
MAX_NAME_BYTES = 200
MAX_PATH_BYTES = 4096
#: What a page's last component may grow by on disk: "." + ".imported" for the
#: offer, ".tmp-" + pid (7 digits) + "-" + thread id (20) + "-" for the temp file.
NAME_GROWTH = 1 + 9 + 5 + 7 + 1 + 20 + 1
OFFER_SUFFIX = ".imported"
_UNSAFE = re.compile("[\x00-\x1f\x7f\\\\\ud800-\udfff]")
_SHA256 = re.compile("[0-9a-f]{64}")

Decision = Literal["write", "same", "kept", "offer", "blocked", "foreign"]
#: What a page's stamp says when import has no record of the page: ``intact``
#: (the page is as import wrote it), ``edited`` (changed since), ``edited-same``
#: (changed since, and its source item has not changed).
StampState = Literal["intact", "edited", "edited-same"]
#: The front-matter keys of the provenance stamp (see :func:`stamp_page`).
STAMP_KEYS = ("imported_from", "imported_digest")
_DIGEST_LINE = re.compile("imported_digest: ([0-9a-f]{64})")



@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """The manifest's record of one page import wrote.

    ``sha256`` is the digest of the bytes import last wrote to the page;
    ``source`` and ``record`` say where the article came from (the source's
    display path and record name, ``""`` for a single-article file);
    ``offered`` is the digest of the version last written beside the page
    (``.NAME.imported``) while the page held an editor's fix, ``""`` if none.
    """

    sha256: str
    source: str
    record: str
    offered: str = ""


def decide_page(new: str, current: str | None, entry: ManifestEntry | None,
                beside: str | None, stamp: StampState | None = None) -> Decision:
    """What import does with one page.

    ``new`` is the sha256 of the page import would write; ``current`` that
    of the file at the page's path (None when absent, ``""`` when it is not
    a plain file); ``entry`` the manifest's record of the page (None if
    import did not write it); ``beside`` the sha256 of ``.NAME.imported``
    (None when absent, ``""`` when not a plain file).  The answer:
    ``write`` the page, leave it as it is because it holds the new bytes
    (``same``) or an editor's fix and there is nothing new to offer
    (``kept``), ``offer`` the new version beside an editor's fix, write
    nothing because the offer beside it was changed by hand (``blocked``),
    or write nothing because the file is not import's (``foreign``).

    ``stamp`` matters only when the manifest has no record of the page (it
    was lost, or another folder's import wrote the page): the page's own
    stamp then tells an untouched page (written) from an editor's fix (kept
    quietly when its source item is unchanged, else offered).
    """
    if current is None:
        return "write"
    if current == new:
        return "same"
    if not current:
        return "foreign"
    if entry is None:
        if stamp == "intact":
            return "write"
        if stamp == "edited-same":
            return "kept"
        if stamp == "edited":
            return "offer" if beside in (None, new) else "blocked"
        return "foreign"
    if current == entry.sha256:
        return "write"
    if new == entry.sha256 or (new == entry.offered and beside is None):
        return "kept"
    if beside is not None and beside not in (new, entry.offered or None):
        return "blocked"
    return "offer"


def title_slug(title: str) -> str:
    words = re.findall(r"\w+", title.casefold())
    slug = "-".join(words)[:60].strip("-_")
    return slug or "article"


def utf8_size(text: str) -> int:
    """Bytes of ``text`` in UTF-8 (a lone surrogate counted as the 3 it would take)."""
    return len(text.encode("utf-8", "surrogatepass"))


def name_hash(text: str, digits: int) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:digits]


def clean_name(name: str) -> str:
    """One path component that is a plain, visible name on every file system."""
    name = _UNSAFE.sub("_", name)
    if name in ("", ".", ".."):
        return "_"
    return "_" + name if name.startswith(".") else name


def bound_name(name: str, suffix: str = "") -> str:
    """``name + suffix``, or when over MAX_NAME_BYTES, ``name`` cut at a character
    plus ``-`` and a hash of the whole, then ``suffix``."""
    whole = name + suffix
    if utf8_size(whole) <= MAX_NAME_BYTES:
        return whole
    mark = "-" + name_hash(whole, 10)
    room = MAX_NAME_BYTES - utf8_size(mark) - utf8_size(suffix)
    cut: list[str] = []
    used = 0
    for char in name:
        used += utf8_size(char)
        if used > room:
            break
        cut.append(char)
    return "".join(cut) + mark + suffix


def fit_path(raw: str, room: int) -> str | None:
    """The safe page path of ``raw`` (a posix path ending in ``.md``) in at most
    ``room`` bytes, or None when even its folded form does not fit."""
    *folders, last = raw.split("/")
    names = [bound_name(clean_name(folder)) for folder in folders]
    final = bound_name(clean_name(last.removesuffix(".md")), ".md")
    if final.lower().startswith("_index."):
        final = bound_name("page" + final.removesuffix(".md"), ".md")
    path = "/".join([*names, final])
    if utf8_size(path) > room and names:
        path = f"long-path-{name_hash('/'.join(names), 16)}/{final}"
    return path if utf8_size(path) <= room else None


#: Room for a page path relative to DIR when DIR is not known (page_name).
_DEFAULT_ROOM = 2048


def raw_name(relative: str, record: str, title: str) -> str:
    stem, dot, suffix = relative.rpartition(".")
    base = stem if dot and "/" not in suffix else relative
    if record:
        number = (f"{int(record):04d}" if record.isascii() and record.isdigit()
                  else record.replace("/", "_"))
        return f"{base}/{number}-{title_slug(title)}.md"
    return f"{base}.md"


def page_name(relative: str, record: str, title: str) -> str:
    """The page path (relative, posix) of an article read from ``relative``.

    ``record`` is the article's record name (``""`` for single-article files).
    Whatever the names, the path stays inside the destination, and no
    component is longer than :data:`MAX_NAME_BYTES` (see the module docstring).
    """
    return fit_path(raw_name(relative, record, title), _DEFAULT_ROOM) or "_.md"


def inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def read_manifest(destination: Path) -> tuple[dict[str, ManifestEntry], Diagnostic | None]:
    """The manifest's entries by page path; a damaged one gives none and a warning."""
    path = destination / MANIFEST_NAME
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return {}, None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
    else:
        try:
            return parse_manifest(json.loads(data)), None
        except (ValueError, TypeError, KeyError, RecursionError) as exc:  # bad JSON or shape
            reason = str(exc) or type(exc).__name__
    return {}, Diagnostic(
        path.as_posix(), 0, 0, f"cannot read the import manifest ({reason}); "
        "every page already here is taken as not written by import",
        "import writes a new manifest; pages identical to their new version are taken back",
        "warning")


def parse_manifest(value: Any) -> dict[str, ManifestEntry]:
    """Entries of a decoded manifest; ValueError/TypeError/KeyError when it is not one."""
    if not isinstance(value, dict) or value.get("format") != _MANIFEST_FORMAT:
        raise ValueError("not an import manifest")
    if value.get("version") != 1:
        raise ValueError(f"unknown version {value.get('version')!r}")
    pages = value["pages"]
    if not isinstance(pages, dict):
        raise TypeError("'pages' is not an object")
    entries: dict[str, ManifestEntry] = {}
    for name, fields in pages.items():
        if not isinstance(name, str) or fit_path(name, MAX_PATH_BYTES) != name:
            raise ValueError(f"bad page path {name!r}")
        entry = ManifestEntry(str(fields["sha256"]), str(fields["source"]),
                              str(fields["record"]), str(fields.get("offered", "")))
        if not _SHA256.fullmatch(entry.sha256) or not (
                entry.offered == "" or _SHA256.fullmatch(entry.offered)):
            raise ValueError(f"bad digest for {name!r}")
        entries[name] = entry
    return entries


def manifest_bytes(entries: Mapping[str, ManifestEntry]) -> bytes:
    pages = {name: {key: value for key, value in dataclasses.asdict(entry).items()
                    if value or key != "offered"}
             for name, entry in sorted(entries.items())}
    text = json.dumps({"format": _MANIFEST_FORMAT, "version": 1, "pages": pages},
                      indent=1, sort_keys=True)  # ASCII: display paths may hold any bytes
    return (text + "\n").encode("ascii")


def digest_at(path: Path) -> str | None:
    """sha256 of the plain file at ``path``; None when nothing is there, ``""`` when
    something that is not a plain file is (a folder, a link); OSError when it
    cannot be read."""
    try:
        status = path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not stat.S_ISREG(status.st_mode):
        return ""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True, slots=True)
class Stamp:
    """A page's provenance stamp: whether the page is as import wrote it
    (``intact``), and ``file``, ``record``, ``url`` and ``digest`` of its
    ``imported_from`` (``""`` when missing)."""

    intact: bool
    file: str = ""
    record: str = ""
    url: str = ""
    digest: str = ""


def stamp_page(page: str) -> str:
    """``page`` (front matter, then body) with ``imported_digest: SHA256`` as the
    last front-matter key: the sha256 of the page as written without that line,
    so that a later import can tell whether an editor changed it."""
    end = page.index("\n---\n", 3)  # the closing fence: YAML keys never start with ---
    digest = hashlib.sha256(page.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{page[:end]}\nimported_digest: {digest}{page[end:]}"


def read_stamp(data: bytes) -> Stamp | None:
    """The stamp of the page ``data``, or None when it has none (not written by
    import, or its ``imported_digest`` line was removed)."""
    try:
        text = data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return None
    end = text.find("\n---\n", 3) if text.startswith("---\n") else -1
    start = text.rfind("\n", 0, end) if end > 0 else -1
    found = _DIGEST_LINE.fullmatch(text[start + 1:end]) if start >= 0 else None
    if found is None:
        return None
    unstamped = text[:start] + text[end:]
    intact = hashlib.sha256(unstamped.encode("utf-8", "surrogatepass")).hexdigest() \
        == found.group(1)
    try:  # an editor's page may be hostile: the build's budgets apply
        front = load_yaml(text[4:start + 1])
    except (yaml.YAMLError, YamlLimitError):
        return Stamp(intact)
    origin = front.get("imported_from") if isinstance(front, dict) else None
    if not isinstance(origin, dict):
        return Stamp(intact)
    return Stamp(intact, *(str(origin.get(name) or "")
                           for name in ("file", "record", "url", "digest")))


@dataclass(frozen=True, slots=True)
class PageFacts:
    """A page already in ``DIR``: its path (relative, posix), the duplicate
    identities of its article (:func:`newsarchive.pipeline.read.dedupe.identities`)
    and its stamp."""

    name: str
    identities: tuple[str, ...]
    stamp: Stamp | None


def existing_pages(destination: Path, skip: set[str], settings: ReadSettings
                   ) -> list[PageFacts]:
    """The pages below ``destination`` but those named in ``skip``, in name order.

    Hidden files and folders and links are not read (as import never writes
    through them); a page that cannot be read or gives no article is left out.
    """
    from newsarchive.pipeline.read import read_source
    from newsarchive.pipeline.read.dedupe import identities

    found: list[PageFacts] = []
    for folder, folders, files in os.walk(destination):
        folders[:] = sorted(f for f in folders if not f.startswith(".")
                            and not os.path.islink(os.path.join(folder, f)))
        prefix = Path(folder).relative_to(destination).as_posix()
        for file in sorted(files):
            name = file if prefix == "." else f"{prefix}/{file}"
            path = os.path.join(folder, file)
            if (file.startswith(".") or not file.endswith(".md") or name in skip
                    or os.path.islink(path)):
                continue
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                continue  # import never writes over a page it cannot read
            for article in read_source(name, data, settings).articles:
                found.append(PageFacts(name, identities(article), read_stamp(data)))
    return sorted(found, key=lambda page: page.name)
