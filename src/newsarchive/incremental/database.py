"""The cache's SQLite file: its schema, opening it, checking it for damage.

:class:`newsarchive.incremental.store.Cache` queries the tables made here and
:func:`newsarchive.incremental.store.open_cache` decides what to do with a busy or
damaged file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = ["SCHEMA", "busy", "connect", "delete_database", "quick_check"]

#: The version of the tables (``PRAGMA user_version``); another version's are dropped.
SCHEMA = 5


def delete_database(path: Path) -> None:
    """Delete the database file at ``path`` with its write-ahead log and shared memory."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def busy(exc: Exception) -> bool:
    """Whether ``exc`` is SQLite's "locked"/"busy" (a concurrent build), not damage."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def quick_check(db: sqlite3.Connection) -> None:
    """Raise :class:`sqlite3.DatabaseError` unless SQLite's quick check finds no damage."""
    check = db.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise sqlite3.DatabaseError(f"integrity check failed: {check}")


def connect(path: Path, check: bool = True) -> sqlite3.Connection:
    """Open the database at ``path`` (WAL journal) with this version's tables; another
    version's tables are dropped.  ``check``: :func:`quick_check` first."""
    # The default isolation level: implicit transactions, committed by `with db:`.
    db = sqlite3.connect(path, timeout=60)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; fsync per checkpoint
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if check:
            quick_check(db)
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
