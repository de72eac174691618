"""The cache's SQLite file: its schema, opening it, and the seal of what its rows hold.

:class:`newsarchive.incremental.store.Cache` queries the tables made here and
:func:`newsarchive.incremental.store.open_cache` decides what to do with a busy or
damaged file.

SQLite reports damage to the structure of the pages a query reads (a query then
raises :class:`sqlite3.DatabaseError` and the cache discards the file), but not
damage to the bytes a row holds.  So every blob is stored sealed
(:func:`seal_bytes`): a digest of its bytes before them, checked when it is
read, and a blob that fails is a miss.  No build reads the whole file to
check it first (SQLite's ``quick_check`` took 13 s on the 0.9 GB cache of a
100,000-article archive, on every build that loads all the rows).
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

__all__ = ["SCHEMA", "busy", "connect", "delete_database", "seal_bytes", "unseal_bytes"]

#: The version of the tables (``PRAGMA user_version``); another version's are dropped.
SCHEMA = 6
#: Bytes of the digest before a sealed blob.
_DIGEST = 16


def seal_bytes(data: bytes) -> bytes:
    """``data`` with a digest of it before it (see :func:`unseal_bytes`)."""
    return hashlib.blake2b(data, digest_size=_DIGEST).digest() + data


def unseal_bytes(blob: bytes | None) -> memoryview | None:
    """The bytes sealed in ``blob`` by :func:`seal_bytes`, or None when it is missing,
    too short or damaged (its digest does not match)."""
    if not blob or len(blob) < _DIGEST:
        return None
    data = memoryview(blob)[_DIGEST:]
    if hashlib.blake2b(data, digest_size=_DIGEST).digest() != blob[:_DIGEST]:
        return None
    return data


def delete_database(path: Path) -> None:
    """Delete the database file at ``path`` with its write-ahead log and shared memory."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def busy(exc: Exception) -> bool:
    """Whether ``exc`` is SQLite's "locked"/"busy" (a concurrent build), not damage."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def connect(path: Path) -> sqlite3.Connection:
    """Open the database at ``path`` (WAL journal) with this version's tables; another
    version's tables are dropped (a file that is no database raises
    :class:`sqlite3.DatabaseError`)."""
    # The default isolation level: implicit transactions, committed by `with db:`.
    db = sqlite3.connect(path, timeout=60)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; fsync per checkpoint
        version = db.execute("PRAGMA user_version").fetchone()[0]
        with db:
            if version not in (0, SCHEMA):  # another version's cache: start afresh, quietly
                db.execute("DROP TABLE IF EXISTS sources")
                db.execute("DROP TABLE IF EXISTS outputs")
                db.execute("DROP TABLE IF EXISTS state")
            db.execute("CREATE TABLE IF NOT EXISTS sources(path TEXT PRIMARY KEY, digest TEXT,"
                       " settings TEXT, stat TEXT, meta BLOB, bodies BLOB)")
            # What a warm build reads of every source, without the rows' blobs: a
            # covering index is a tenth of the pages of the table at 100,000 sources.
            db.execute("CREATE INDEX IF NOT EXISTS sources_table"
                       " ON sources(settings, path, digest, stat)")
            db.execute("CREATE TABLE IF NOT EXISTS outputs(output_dir TEXT, path TEXT,"
                       " fingerprint TEXT, PRIMARY KEY(output_dir, path))")
            db.execute("CREATE TABLE IF NOT EXISTS state(output_dir TEXT, name TEXT,"
                       " value BLOB, PRIMARY KEY(output_dir, name))")
            db.execute(f"PRAGMA user_version = {SCHEMA}")
    except BaseException:
        db.close()
        raise
    return db
