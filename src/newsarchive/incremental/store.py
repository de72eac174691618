"""Persistent cache of read-and-enriched sources and the output manifest.

One SQLite file in the cache folder (git-ignored, beside the config).  SQLite
gives atomic commits and locking, so concurrent builds and a build killed
half-way leave it consistent; a foreign file, or one a query finds damaged, is
discarded with a warning, never trusted, and a row whose blobs fail their seal
(:func:`~newsarchive.incremental.database.seal_bytes`) is a miss.

Source results are keyed by the source's path, its content digest and the
digest of the settings that shape the result, never by modification time.
Each row keeps the light result (diagnostics and entries without bodies,
what indexing and planning need) apart from the bodies blob, so a warm build
unpickles no body.  A row also keeps the file's stat signature, which lets a
build skip re-hashing a file whose size, times and inode are unchanged (as
git's index does); a signature taken too close to the file's last change is
not stored, so a quick second edit is never missed.  This module writes only
inside the cache folder.
"""

from __future__ import annotations

import contextlib
import pickle
import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from newsarchive.incremental.database import (
    busy,
    connect,
    delete_database,
    seal_bytes,
    unseal_bytes,
)
from newsarchive.model import Loaded

__all__ = ["Cache", "CacheWarning", "SourceRow", "open_cache"]

_FILE = "cache.sqlite3"
_CHUNK = 500  # SQLite's default limit on host parameters is 999
_PREFIX = 16  # bytes compared first when checking a saved blob: a seal's digest


@dataclass(frozen=True, slots=True)
class CacheWarning:
    """Why the cache was discarded (reported by the builder as a warning)."""

    message: str


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One cached source file: digest, stat signature, light result, bodies blob
    (and, when at hand, the light result already pickled)."""

    path: str
    digest: str
    stat: str
    loaded: Loaded
    bodies: bytes = b""
    meta: bytes = b""


class Cache:
    """Source results and output manifest in one SQLite database.

    Damage found after opening (a query raising ``sqlite3.DatabaseError``)
    discards the file; :attr:`warning` then says so, and the cache behaves as
    an empty, disabled one for the rest of the build.
    """

    def __init__(self, connection: sqlite3.Connection | None, path: Path | None = None) -> None:
        self._db = connection
        self._path = path
        self.warning: CacheWarning | None = None

    @property
    def enabled(self) -> bool:
        """Whether rows are stored (False when disabled or discarded)."""
        return self._db is not None

    def _discard(self, exc: Exception) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        if busy(exc):  # another build holds a lock: not damage, leave the file alone
            self.warning = CacheWarning(f"the cache is busy ({exc}); this build went without it")
            return
        if self._path is not None:
            delete_database(self._path)
        self.warning = CacheWarning(f"discarded a damaged cache ({exc}); rebuilding it")

    def load_sources(self, settings: str) -> dict[str, SourceRow]:
        """Every cached source made with ``settings``, without bodies.  A row whose
        blob fails its seal or cannot be unpickled is left out (a miss, never trusted)."""
        if self._db is None:
            return {}
        found: dict[str, SourceRow] = {}
        try:
            rows = self._db.execute(
                "SELECT path, digest, stat, meta FROM sources WHERE settings = ?",
                (settings,)).fetchall()
        except sqlite3.DatabaseError as exc:
            self._discard(exc)
            return {}
        for path, digest, stat, meta in rows:
            loaded = _loaded(meta)
            if loaded is not None:
                found[path] = SourceRow(path, digest, stat, loaded)
        return found

    def load_bodies(self, digests: Mapping[str, str]) -> dict[str, bytes]:
        """Bodies blobs of the given ``path -> digest``; a path whose row is missing
        or holds another digest (a concurrent build changed it) is left out."""
        if self._db is None or not digests:
            return {}
        found: dict[str, bytes] = {}
        paths = sorted(digests)
        try:
            for start in range(0, len(paths), _CHUNK):
                chunk = paths[start:start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for path, digest, blob in self._db.execute(
                        f"SELECT path, digest, bodies FROM sources WHERE path IN ({marks})",
                        chunk):
                    if digests.get(path) == digest and (data := unseal_bytes(blob)):
                        found[path] = bytes(data)
        except sqlite3.DatabaseError as exc:
            self._discard(exc)
            return {}
        return found

    def store_sources(self, settings: str, rows: Iterable[SourceRow],
                      removed: Iterable[str] = (), stats: Mapping[str, str] | None = None,
                      *, others: bool = True) -> None:
        """Save ``rows``, update the stat signature of unchanged ``stats`` paths,
        forget ``removed`` paths and (unless ``others`` is false: a build that
        found the cache made with ``settings`` already) every row made with
        other settings."""
        if self._db is None:
            return
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO sources(path, digest, settings, stat, meta, bodies)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    ((r.path, r.digest, settings, r.stat,
                      seal_bytes(r.meta or pickle.dumps(r.loaded,
                                                        protocol=pickle.HIGHEST_PROTOCOL)),
                      seal_bytes(r.bodies) if r.bodies else b"")
                     for r in rows))
                if stats:
                    self._db.executemany("UPDATE sources SET stat = ? WHERE path = ?",
                                         ((s, p) for p, s in sorted(stats.items())))
                self._db.executemany("DELETE FROM sources WHERE path = ?",
                                     ((r,) for r in removed))
                if others:  # a scan of every row: 0.2 s at 100,000 sources
                    self._db.execute("DELETE FROM sources WHERE settings != ?", (settings,))
        except sqlite3.DatabaseError as exc:
            self._discard(exc)

    def load_manifest(self, output_dir: Path) -> dict[str, str]:
        """``output path -> fingerprint`` of every file the last build of ``output_dir`` wrote."""
        if self._db is None:
            return {}
        try:
            rows = self._db.execute(
                "SELECT path, fingerprint FROM outputs WHERE output_dir = ?",
                (str(output_dir),)).fetchall()
        except sqlite3.DatabaseError as exc:
            self._discard(exc)
            return {}
        return dict(rows)

    def update_manifest(self, output_dir: Path, changed: Mapping[str, str],
                        removed: Iterable[str]) -> None:
        """Record new fingerprints and forget removed files (called last, after every write)."""
        if self._db is None:
            return
        where = str(output_dir)
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO outputs(output_dir, path, fingerprint)"
                    " VALUES (?, ?, ?)",
                    ((where, p, f) for p, f in sorted(changed.items())))
                self._db.executemany("DELETE FROM outputs WHERE output_dir = ? AND path = ?",
                                     ((where, p) for p in sorted(removed)))
        except sqlite3.DatabaseError as exc:
            self._discard(exc)

    def source_table(self, settings: str) -> dict[str, tuple[str, str]]:
        """``path -> (digest, stat signature)`` of every source cached with ``settings``
        (no result is unpickled: what a warm build compares with the folder)."""
        if self._db is None:
            return {}
        try:
            rows = self._db.execute("SELECT path, digest, stat FROM sources WHERE settings = ?",
                                    (settings,)).fetchall()
        except sqlite3.DatabaseError as exc:
            self._discard(exc)
            return {}
        return {path: (digest, stat) for path, digest, stat in rows}

    def load_rows(self, settings: str, paths: Iterable[str]) -> dict[str, SourceRow]:
        """The light rows (no bodies) of ``paths``; a missing or damaged row is left out."""
        if self._db is None:
            return {}
        found: dict[str, SourceRow] = {}
        wanted = sorted(set(paths))
        try:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start:start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for path, digest, stat, meta in self._db.execute(
                        "SELECT path, digest, stat, meta FROM sources"
                        f" WHERE settings = ? AND path IN ({marks})", (settings, *chunk)):
                    loaded = _loaded(meta)
                    if loaded is not None:
                        found[path] = SourceRow(path, digest, stat, loaded)
        except sqlite3.DatabaseError as exc:
            self._discard(exc)
            return {}
        return found

    def fingerprints(self, output_dir: Path, paths: Iterable[str]) -> dict[str, str]:
        """The manifest's fingerprints of ``paths`` (those it holds)."""
        if self._db is None:
            return {}
        where = str(output_dir)
        wanted = sorted(set(paths))
        found: dict[str, str] = {}
        try:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start:start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                found.update(self._db.execute(
                    "SELECT path, fingerprint FROM outputs"
                    f" WHERE output_dir = ? AND path IN ({marks})", (where, *chunk)).fetchall())
        except sqlite3.DatabaseError as exc:
            self._discard(exc)
            return {}
        return found

    def knows_output(self, output_dir: Path) -> bool:
        """Whether the manifest lists any file of ``output_dir`` (a build wrote it)."""
        if self._db is None:
            return False
        try:
            return self._db.execute("SELECT 1 FROM outputs WHERE output_dir = ? LIMIT 1",
                                    (str(output_dir),)).fetchone() is not None
        except sqlite3.DatabaseError as exc:
            self._discard(exc)
            return False

    def output_paths(self, output_dir: Path) -> list[str]:
        """Every path in the manifest of ``output_dir``."""
        if self._db is None:
            return []
        try:
            return [p for (p,) in self._db.execute(
                "SELECT path FROM outputs WHERE output_dir = ?", (str(output_dir),))]
        except sqlite3.DatabaseError as exc:
            self._discard(exc)
            return []

    def state_names(self, output_dir: Path) -> set[str]:
        """The names of the blobs saved for ``output_dir``."""
        try:
            return {name for (name,) in self._db.execute("SELECT name FROM state WHERE "
                    "output_dir = ?", (str(output_dir),))} if self._db else set()
        except sqlite3.DatabaseError as exc:
            self._discard(exc)
            return set()

    def load_state(self, output_dir: Path, names: Iterable[str]) -> dict[str, bytes]:
        """Blobs the last build of ``output_dir`` saved under ``names`` (those present)."""
        if self._db is None:
            return {}
        wanted = sorted(set(names))
        found: dict[str, bytes] = {}
        try:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start:start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for name, value in self._db.execute(
                        f"SELECT name, value FROM state WHERE output_dir = ? AND name IN ({marks})",
                        (str(output_dir), *chunk)):
                    found[name] = bytes(value)
        except sqlite3.DatabaseError as exc:
            self._discard(exc)
            return {}
        return found

    def store_state(self, output_dir: Path, blobs: Iterable[tuple[str, bytes]],
                    clear: bool = False, keep: str = "", kept: Collection[str] = ()) -> None:
        """Save named blobs for ``output_dir`` (``clear``: forget every other one,
        but those whose name starts with ``keep``, when given, and those ``kept``).

        With ``clear`` (a full build's save), a blob the cache holds with the same
        bytes (compared whole: a damaged row is replaced) is not written again: at
        100,000 articles, 170 MB deleted and written again took 2.5 s of an edit."""
        if self._db is None:
            return
        where = str(output_dir)
        try:
            with self._db:
                if not clear:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO state(output_dir, name, value) VALUES (?, ?, ?)",
                        ((where, name, value) for name, value in blobs))
                    return
                held = dict(self._db.execute(
                    "SELECT name, rowid FROM state WHERE output_dir = ?", (where,)))
                named: set[str] = set()
                kept = set(kept)

                def changed() -> Iterator[tuple[str, str, bytes]]:
                    for name, value in blobs:
                        named.add(name)
                        rowid = held.get(name)
                        if rowid is None or not self._holds(rowid, value):
                            yield where, name, value

                self._db.executemany(
                    "INSERT OR REPLACE INTO state(output_dir, name, value) VALUES (?, ?, ?)",
                    changed())
                self._db.executemany(
                    "DELETE FROM state WHERE output_dir = ? AND name = ?",
                    ((where, name) for name in sorted(held) if name not in named
                     and name not in kept and not (keep and name.startswith(keep))))
        except sqlite3.DatabaseError as exc:
            self._discard(exc)

    def _holds(self, rowid: int, value: bytes) -> bool:
        """Whether the state row ``rowid`` holds exactly ``value``."""
        assert self._db is not None
        with self._db.blobopen("state", "value", rowid, readonly=True) as blob:
            if len(blob) != len(value) or blob.read(_PREFIX) != value[:_PREFIX]:
                return False
            blob.seek(0)
            return blob.read() == value

    def forget_state(self, output_dir: Path, names: Iterable[str]) -> None:
        """Delete the named blobs of ``output_dir``."""
        if self._db is None:
            return
        try:
            with self._db:
                self._db.executemany("DELETE FROM state WHERE output_dir = ? AND name = ?",
                                     ((str(output_dir), n) for n in names))
        except sqlite3.DatabaseError as exc:
            self._discard(exc)

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()
            self._db = None


def _loaded(meta: bytes | None) -> Loaded | None:
    """The light result sealed in a row's ``meta`` blob; None when the blob is
    damaged (a miss, never trusted)."""
    data = unseal_bytes(meta)
    if data is None:
        return None
    try:
        loaded: Loaded = pickle.loads(data)
    except Exception:  # sealed, yet not a result of this version: a miss
        return None
    return loaded


def open_cache(cache_dir: Path, enabled: bool = True) -> tuple[Cache, CacheWarning | None]:
    """Open (creating) the cache in ``cache_dir``; a foreign or damaged one is deleted
    and recreated."""
    if not enabled:
        return Cache(None), None
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / _FILE
    for attempt in range(20):
        try:
            return Cache(connect(path), path), None
        except sqlite3.DatabaseError as exc:
            if not busy(exc):
                break
            if attempt == 19:  # pragma: no cover - a lock held for seconds
                return Cache(None), CacheWarning(
                    f"the cache is busy ({exc}); this build went without it")
            time.sleep(0.05 * (attempt + 1))
    try:
        return Cache(connect(path), path), None
    except sqlite3.DatabaseError as exc:
        delete_database(path)
        warning = CacheWarning(f"discarded a damaged cache ({exc}); rebuilding it")
        return Cache(connect(path), path), warning
