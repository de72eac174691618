"""The write stage of ``newsarchive import``: each page written, offered beside an
editor's fix, kept or refused by :func:`~newsarchive.import_pages.decide_page`,
and the manifest kept in step (see :mod:`newsarchive.importer`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import os
import shlex
from collections.abc import Callable
from pathlib import Path

from newsarchive.errors import Diagnostic
from newsarchive.import_pages import (
    MANIFEST_NAME,
    OFFER_SUFFIX,
    ManifestEntry,
    StampState,
    decide_page,
    digest_at,
    inside,
    manifest_bytes,
    read_stamp,
)
from newsarchive.pipeline.output import prune, write_bytes_atomic

__all__ = ["Placer", "write_error"]

_WRITE_HINTS = {
    errno.ENOSPC: "free some disk space and import again",
    errno.EDQUOT: "free some of your disk quota and import again",
    errno.EROFS: "the folder is on a read-only file system; choose another --to",
    errno.ENAMETOOLONG: "choose a --to folder with a shorter path",
}
_WRITE_HINT = "check that the folder is writable"


_UNKNOWN = "0" * 64


def _stamp_state(target: Path, source_digest: str) -> StampState | None:
    """What the stamp of the page at ``target`` says (see :func:`decide_page`);
    OSError when it cannot be read."""
    stamp = read_stamp(target.read_bytes())
    if stamp is None:
        return None
    if stamp.intact:
        return "intact"
    return "edited-same" if source_digest and stamp.digest == source_digest else "edited"


def write_error(shown: str, target: Path, exc: OSError) -> Diagnostic:
    return Diagnostic(shown, 0, 0,
                      f"cannot write {target.as_posix()}: {exc.strerror or type(exc).__name__}",
                      _WRITE_HINTS.get(exc.errno or 0, _WRITE_HINT))



class Placer:
    """Writes pages into ``destination`` by :func:`decide_page`, keeping the manifest."""

    def __init__(self, destination: Path, manifest: dict[str, ManifestEntry]) -> None:
        self.destination = destination
        self.real = os.path.realpath(destination)
        self.old = manifest
        self.new = dict(manifest)
        self.written: list[Path] = []
        self.kept: list[Path] = []
        self.blocked: list[Path] = []
        self.gone: list[Path] = []
        self.unchanged = 0
        self.diagnostics: list[Diagnostic] = []
        self._linked: dict[Path, str] = {}  # folder -> its real path when outside DIR, or ""

    def _outside(self, folder: Path) -> str:
        """The real path of ``folder`` when a link takes it out of DIR, else ``""``."""
        if folder not in self._linked:
            real = os.path.realpath(folder)
            self._linked[folder] = "" if inside(real, self.real) else real
        return self._linked[folder]

    def place(self, name: str, data: bytes, provenance: ManifestEntry,
              source_digest: str = "") -> bool:
        """Write (or offer, or keep) the page ``name``; True when the article has a page.

        ``source_digest`` is the digest of the article's source item (its
        stamp's ``imported_from.digest``): a page the manifest does not list
        but that carries a stamp is rewritten when untouched, kept quietly
        when edited and its source item is unchanged, else offered."""
        target = self.destination / name
        shown = provenance.source
        linked = self._outside(target.parent)
        if linked:
            self.diagnostics.append(Diagnostic(
                shown, 0, 0, f"not written: {target.as_posix()} would be outside "
                f"{self.destination.as_posix()} (through a link, to "
                f"{os.path.join(linked, target.name)})",
                "replace the link by a folder, or import into the linked folder"))
            return False
        beside = target.with_name(f".{target.name}{OFFER_SUFFIX}")
        new = hashlib.sha256(data).hexdigest()
        entry = self.old.get(name)
        try:
            current = digest_at(target)
            stamp = (_stamp_state(target, source_digest)
                     if entry is None and current and current != new else None)
            offered = digest_at(beside) if entry is not None or stamp else None
        except OSError as exc:
            self.diagnostics.append(Diagnostic(
                shown, 0, 0, f"cannot read {target.as_posix()}: {exc.strerror}",
                "check its permissions; import does not overwrite a page it cannot read"))
            return False
        decision = decide_page(new, current, entry, offered, stamp)
        ours = dataclasses.replace(provenance, sha256=new)
        try:
            if decision == "write":
                if write_bytes_atomic(target, data):
                    self.written.append(target)
                else:
                    self.unchanged += 1
            elif decision == "offer":
                write_bytes_atomic(beside, data)
        except OSError as exc:
            self.diagnostics.append(write_error(shown, beside if decision == "offer"
                                                 else target, exc))
            return False
        if decision in ("write", "same"):
            if decision == "same":
                self.unchanged += 1
            self.new[name] = ours
            if entry is not None and entry.offered and offered == entry.offered:
                self._drop_offer(beside)
        elif decision == "kept":
            self.unchanged += 1
            # Without a record (a stamped page): as if import had written ``new``.
            self.new[name] = (dataclasses.replace(provenance, sha256=new) if entry is None
                              else dataclasses.replace(provenance, sha256=entry.sha256,
                                                       offered=entry.offered))
        elif decision in ("offer", "blocked"):
            # Without a record, what import wrote is unknown: a digest nothing has.
            written = entry.sha256 if entry is not None else _UNKNOWN
            earlier = entry.offered if entry is not None else ""
            self.kept.append(target)
            self.new[name] = dataclasses.replace(
                provenance, sha256=written, offered=new if decision == "offer" else earlier)
            hint = (f"it is in {beside.as_posix()}: compare them, then "
                    f"`mv {shlex.quote(beside.as_posix())} {shlex.quote(target.as_posix())}` "
                    "to take it, "
                    "or delete it to keep your page" if decision == "offer" else
                    f"{beside.as_posix()} was changed since import wrote it: "
                    "move it away and import again")
            self.diagnostics.append(Diagnostic(
                target.as_posix(), 0, 0, "kept your edit; the new import was not written",
                hint, "warning"))
        else:  # foreign
            self.blocked.append(target)
            self.diagnostics.append(Diagnostic(
                target.as_posix(), 0, 0, "a file import did not write is in the way; "
                f"{shown} was not imported",
                "move the file away and import again, or import into another folder",
                "warning"))
            return False
        return True

    def _drop_offer(self, beside: Path) -> None:
        """Remove an offer import wrote that the page no longer needs."""
        # A stale offer left behind is harmless: it is hidden and never read.
        with contextlib.suppress(OSError):
            prune(self.destination, [beside.relative_to(self.destination).as_posix()])

    def report_gone(self, covered: Callable[[ManifestEntry], bool],
                    claimed: set[str]) -> None:
        """Warn about recorded pages whose covered source no longer yields them."""
        for name, entry in sorted(self.old.items()):
            if name in claimed or not covered(entry):
                continue
            target = self.destination / name
            if not os.path.lexists(target):
                del self.new[name]
                continue
            record = f" record {entry.record}" if entry.record else ""
            self.gone.append(target)
            self.diagnostics.append(Diagnostic(
                target.as_posix(), 0, 0,
                f"source has gone: {target.as_posix()} (was {entry.source}{record})",
                "the page is kept; delete it if the article should go", "warning"))

    def save(self) -> None:
        """Write the manifest (after the pages), unless there is nothing to record."""
        path = self.destination / MANIFEST_NAME
        if not self.new and not os.path.lexists(path):
            return
        try:
            write_bytes_atomic(path, manifest_bytes(self.new))
        except OSError as exc:
            self.diagnostics.append(Diagnostic(
                path.as_posix(), 0, 0,
                f"cannot write the import manifest: {exc.strerror or type(exc).__name__}",
                "the pages are written; until the manifest is, import will not overwrite "
                "those that differ from their new version"))
