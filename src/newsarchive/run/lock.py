"""One build at a time per output folder: an exclusive advisory lock.

Two builds writing one output folder at once race each other's atomic page
writes, pruning and, worst, the search step (each swaps its own Pagefind
bundle in and out of ``<output>/pagefind/``, so one of them can crash and
leave no bundle at all).  A build therefore holds :func:`output_lock` from
before it loads the cache until after the search step; a second build of the
same folder waits for it, saying once what it waits for, and gives up with
:class:`LockTimeout` after ``timeout`` seconds.

Where the lock file lives
-------------------------

In the cache folder: ``<cache>/locks/output-<digest>.lock``, the digest of
the resolved output path (:func:`lock_path_for`), so ``site`` and a link to
it share one lock.

- Not inside the output: everything there is published.
- Not beside it: a build touches only its output and cache folders (README,
  "Safety"); a hidden file in the parent folder (a repository's root, a home
  folder) would be a surprise, and the parent may be read-only or foreign.
- The cache folder is a setting (``cache_dir``, by default beside the config),
  so two builds of one output with two different caches would not exclude
  each other; each would also keep its own manifest of the output, a setup
  the output's own manifest (``.newsarchive-manifest.json``) already keeps
  safe.  Without a cache folder, or when it cannot be created, the lock is
  taken in the system's temp folder (``newsarchive-locks/``).

How it behaves
--------------

The lock is ``fcntl.flock(LOCK_EX)`` on that file, so the kernel releases it
when its holder ends, however it ends (``kill -9`` included): a lock file
left behind never blocks a build.  The file is never deleted (deleting a
flock file lets two processes each lock a different inode of one name); it
holds the pid of the build that holds it, written after locking and cleared
before unlocking, for the waiting message.  A pid found there on locking is
a build that ended without unlocking (:attr:`OutputLock.interrupted_pid`), or
whose ``with`` block raised: a build that failed part-way (a broken
template, a full disk) may have written pages no search step indexed, as
a killed one may, so it leaves its pid too.

A process the holder starts may keep the lock past the holder's death by
inheriting its descriptor (:attr:`OutputLock.fd`, e.g.
``subprocess.run(..., pass_fds=(lock.fd,))``): the lock then lasts until
the last process of the build ends, and the waiting message says the
recorded pid has exited.

The lock is advisory (only newsarchive builds honour it) and not re-entrant:
a process that takes it twice waits for itself until the timeout.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from newsarchive.errors import NewsarchiveError

__all__ = ["DEFAULT_TIMEOUT", "LockTimeout", "OutputLock", "lock_path_for",
           "output_lock", "waiting_message"]

#: Seconds a build waits for another build of the same output before giving up.
DEFAULT_TIMEOUT = 600.0
#: Longest pause between two attempts while waiting (the first pauses are shorter).
_MAX_POLL = 0.25


class LockTimeout(NewsarchiveError):
    """Another build held the output folder's lock for longer than the timeout.

    ``holder`` is the pid recorded in the lock file (0 when none was), ``timeout``
    the seconds waited.
    """

    def __init__(self, output_dir: Path, lock_path: Path, holder: int, timeout: float) -> None:
        who = f" (pid {holder})" if holder else ""
        super().__init__(f"another build of {output_dir}{who} still runs after {timeout:g} s "
                         f"of waiting; try again when it is done (lock file {lock_path})")
        self.output_dir = output_dir
        self.lock_path = lock_path
        self.holder = holder
        self.timeout = timeout


@dataclass(frozen=True, slots=True)
class OutputLock:
    """A held lock: the output folder, its lock file and the open descriptor
    that holds it (valid until the ``with`` block ends).

    ``interrupted_pid`` is the pid of the build that held the lock before and
    ended without releasing it (killed, or its machine stopped) or with an
    exception: its output may hold half-done work.  0 when the last holder
    finished.
    """

    output_dir: Path
    path: Path
    fd: int
    interrupted_pid: int = 0


def lock_path_for(output_dir: Path, cache_dir: Path | None = None) -> Path:
    """The lock file of ``output_dir``: ``cache_dir/locks/output-<digest>.lock``, or
    the same name in the system's temp folder without ``cache_dir``.  Creates
    no file."""
    resolved = output_dir.resolve()
    digest = hashlib.sha256(str(resolved).encode("utf-8", "surrogateescape")).hexdigest()
    folder = (cache_dir.resolve() / "locks" if cache_dir is not None
              else Path(tempfile.gettempdir()) / "newsarchive-locks")
    return folder / f"output-{digest[:16]}.lock"


@contextlib.contextmanager
def output_lock(output_dir: Path, *, timeout: float = DEFAULT_TIMEOUT,
                on_wait: Callable[[str], None] | None = None,
                cache_dir: Path | None = None,
                lock_path: Path | None = None) -> Iterator[OutputLock]:
    """Hold the exclusive lock of ``output_dir`` for the ``with`` block.

    When another process holds it, ``on_wait`` is called once with
    ``waiting for another build of /path/site to finish (pid 1234)...`` and
    the lock is tried again every fraction of a second for up to ``timeout``
    seconds (0: do not wait).  ``lock_path`` overrides :func:`lock_path_for`
    (which ``cache_dir`` is passed to).  The parent folder of the lock file
    is created when missing.

    When the block raises, the pid stays in the lock file: the next holder's
    ``interrupted_pid``.  Raises LockTimeout when the lock is still held after
    ``timeout``, and OSError when the lock file cannot be opened or locked.
    """
    shown = output_dir.resolve()
    path = lock_path if lock_path is not None else lock_path_for(output_dir, cache_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        if lock_path is not None or cache_dir is None:
            raise
        path = lock_path_for(output_dir)  # a cache folder that cannot be made
        path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        _acquire(fd, shown, path, timeout, on_wait)
        finished = True  # until the block runs: nothing of the build done yet
        try:
            previous = _holder(fd)  # left only by a holder that did not release
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            finished = False
            yield OutputLock(shown, path, fd, previous)
            finished = True
        finally:
            # Cleared first, so a reader never sees this pid once the lock is free;
            # kept when the block raised (see the module docstring).
            if finished:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, output_dir: Path, path: Path, timeout: float,
             on_wait: Callable[[str], None] | None) -> None:
    """Lock ``fd``, waiting up to ``timeout`` seconds; see :func:`output_lock`."""
    started = time.monotonic()
    pause = 0.02
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
        waited = time.monotonic() - started
        if waited >= timeout:
            raise LockTimeout(output_dir, path, _holder(fd), timeout)
        if not told and on_wait is not None:
            # The holder writes its pid just after locking: give it a moment.
            holder = _holder(fd)
            if holder or waited >= 0.5:
                on_wait(waiting_message(output_dir, holder))
                told = True
        time.sleep(min(pause, max(0.0, timeout - waited)))
        pause = min(pause * 2, _MAX_POLL)


def waiting_message(output_dir: Path, holder: int) -> str:
    """What a waiting build says: ``waiting for another build of DIR to finish (pid N)...``."""
    if not holder:
        who = ""
    elif _running(holder):
        who = f" (pid {holder})"
    else:
        who = f" (pid {holder} has exited; a process it started still holds the lock)"
    return f"waiting for another build of {output_dir} to finish{who}..."


def _holder(fd: int) -> int:
    """The pid recorded in the lock file, 0 when there is none."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return 0
    return int(text) if text.isdigit() else 0


def _running(pid: int) -> bool:
    """Whether a process ``pid`` exists (a zombie counts: its pid is still taken)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True
