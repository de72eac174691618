"""Persistent cache of read-and-enriched sources and the output manifest.

One SQLite file in the cache folder (git-ignored, beside the config).  SQLite
gives atomic commits and locking, so concurrent builds and a build killed
half-way leave it consistent; a damaged or foreign file is discarded with a
warning, never trusted.  Source results are keyed by the source's path, its
content digest and the digest of the settings that shape the result, never
by modification time.  This module writes only inside the cache folder.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Cache", "CacheWarning", "open_cache"]

_SCHEMA = 3
_FILE = "cache.sqlite3"


@dataclass(frozen=True, slots=True)
class CacheWarning:
    """Why the cache was discarded (reported by the builder as a warning)."""

    message: str


class Cache:
    """Source results and output manifest in one SQLite database."""

    def __init__(self, connection: sqlite3.Connection | None) -> None:
        self._db = connection

    def load_sources(self, settings: str) -> dict[str, tuple[str, Any]]:
        """Every cached ``path -> (digest, payload)`` made with ``settings``."""
        if self._db is None:
            return {}
        rows = self._db.execute(
            "SELECT path, digest, payload FROM sources WHERE settings = ?", (settings,))
        found = {}
        for path, digest, payload in rows:
            try:
                found[path] = (digest, pickle.loads(payload))
            except Exception:  # noqa: BLE001 - a damaged row is a miss, never trusted
                continue
        return found

    def store_sources(self, settings: str, rows: Iterable[tuple[str, str, Any]],
                      removed: Iterable[str] = ()) -> None:
        """Save ``(path, digest, payload)`` rows, forget ``removed`` paths and every
        row made with other settings."""
        if self._db is None:
            return
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO sources(path, digest, settings, payload) "
                "VALUES (?, ?, ?, ?)",
                ((p, d, settings, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL))
                 for p, d, v in rows))
            self._db.executemany("DELETE FROM sources WHERE path = ?", ((r,) for r in removed))
            self._db.execute("DELETE FROM sources WHERE settings != ?", (settings,))

    def load_manifest(self, output_dir: Path) -> dict[str, str]:
        """``output path -> fingerprint`` of every file the last build of ``output_dir`` wrote."""
        if self._db is None:
            return {}
        rows = self._db.execute("SELECT path, fingerprint FROM outputs WHERE output_dir = ?",
                                (str(output_dir),))
        return dict(rows)

    def update_manifest(self, output_dir: Path, changed: Mapping[str, str],
                        removed: Iterable[str]) -> None:
        """Record new fingerprints and forget removed files (called last, after every write)."""
        if self._db is None:
            return
        where = str(output_dir)
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO outputs(output_dir, path, fingerprint) VALUES (?, ?, ?)",
                ((where, p, f) for p, f in sorted(changed.items())))
            self._db.executemany("DELETE FROM outputs WHERE output_dir = ? AND path = ?",
                                 ((where, p) for p in sorted(removed)))

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()
            self._db = None


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=60, isolation_level=None)
    db.isolation_level = ""  # implicit transactions, committed by `with db:`
    db.execute("PRAGMA journal_mode=WAL")
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version not in (0, _SCHEMA):
        db.close()
        raise sqlite3.DatabaseError(f"cache schema {version}, expected {_SCHEMA}")
    check = db.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        db.close()
        raise sqlite3.DatabaseError(f"integrity check failed: {check}")
    with db:
        db.execute("CREATE TABLE IF NOT EXISTS sources(path TEXT PRIMARY KEY, digest TEXT,"
                   " settings TEXT, payload BLOB)")
        db.execute("CREATE TABLE IF NOT EXISTS outputs(output_dir TEXT, path TEXT,"
                   " fingerprint TEXT, PRIMARY KEY(output_dir, path))")
        db.execute(f"PRAGMA user_version = {_SCHEMA}")
    return db


def open_cache(cache_dir: Path, enabled: bool = True) -> tuple[Cache, CacheWarning | None]:
    """Open (creating) the cache in ``cache_dir``; a damaged one is deleted and recreated."""
    if not enabled:
        return Cache(None), None
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / _FILE
    try:
        return Cache(_connect(path)), None
    except sqlite3.DatabaseError as exc:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        warning = CacheWarning(f"discarded a damaged cache ({exc}); rebuilding it")
        return Cache(_connect(path)), warning
