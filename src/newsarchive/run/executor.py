"""Where batches of parse and render work run: in this process, a local process
pool, or a Dask cluster.

An executor maps a picklable top-level function over batches and returns the
results in order.  The builder chooses the executor for large jobs and runs
small ones (an incremental rebuild) in process, where starting workers would
cost more than the work.  Executors whose workers see this machine's disk
(``shares_files``) read sources and write pages themselves; a cluster gets
the bytes to parse and returns the bytes to write, so the builder reads and
writes locally.

Workers never outlive the build.  Killed with SIGKILL, the build process
cannot shut its pool down, and its idle workers would wait for work forever
(each holds the write end of the pool's job pipe itself, so they never see
it close), keeping the forkserver and the resource tracker alive with them.
So every local worker runs a watcher thread (:func:`exit_with_parent`) that
waits on its parent's sentinel, a pipe the kernel closes when the build
process dies, and then ends the worker at once, never in the middle of a
page write (:func:`uninterrupted`).  The forkserver and the resource tracker
need nothing more: each stops when the last process holding its pipe (the
build process and the workers) is gone.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

__all__ = ["ORPHANED_EXIT", "DaskExecutor", "Executor", "LocalExecutor", "SerialExecutor",
           "WorkerLost", "alongside", "exit_with_parent", "make_executor", "shares_files",
           "submit", "uninterrupted"]

A = TypeVar("A")
R = TypeVar("R")

#: Exit status of a worker that ended itself because the build process died.
ORPHANED_EXIT = 75
#: Held while a worker does something that must not be cut short (writing a page);
#: the watcher takes it before ending the worker.  Only ever taken, never rebound.
_UNINTERRUPTED = threading.Lock()
#: How often a watcher without a parent sentinel checks that the build process lives.
_POLL_SECONDS = 0.5
#: The interpreter's switch interval while :func:`alongside` runs two threads: a thread
#: back from a system call waits at most this long for the other to let it run.
_HANDOVER = 0.0005


class WorkerLost(RuntimeError):
    """A worker process ended before it finished its batch: killed by the system
    (for lack of memory, most often) or by hand.  What the build wrote so far
    stands; the next build finishes the job."""

    hint = ("build again: the pages written so far stand and the next build finishes the "
            "job; if it happens again, free some memory or build in one process with "
            "`--executor serial`")

    def __init__(self) -> None:
        super().__init__("a worker process of the build was killed before it finished "
                         "(by the system for lack of memory, or by hand)")


class Executor(Protocol):
    """Runs ``fn`` over each batch; results in the order of ``batches``."""

    def map(self, fn: Callable[[A], R], batches: Sequence[A]) -> list[R]: ...

    def close(self) -> None: ...


def shares_files(executor: Executor) -> bool:
    """Whether ``executor``'s workers read and write this machine's files
    (an executor says so with a true ``shares_files`` attribute)."""
    return bool(getattr(executor, "shares_files", False))


class SerialExecutor:
    """Runs every batch in this process."""

    shares_files = True

    def map(self, fn: Callable[[A], R], batches: Sequence[A]) -> list[R]:
        return [fn(batch) for batch in batches]

    def close(self) -> None:
        return None


class LocalExecutor:
    """A process pool over this machine's cores, started on first use."""

    shares_files = True

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or _usable_cores()
        self._pool: ProcessPoolExecutor | None = None

    def map(self, fn: Callable[[A], R], batches: Sequence[A]) -> list[R]:
        return self.submit(fn, batches)()

    def submit(self, fn: Callable[[A], R], batches: Sequence[A]) -> Callable[[], list[R]]:
        """Start ``map`` without waiting; the returned function waits for the results.

        Lets the caller prepare the next batches while the workers run these,
        so no core idles between two rounds.  Both raise :class:`WorkerLost`
        when a worker dies (the pool is then started afresh by the next call).
        """
        if len(batches) <= 1 or self.workers == 1:
            return lambda: [fn(batch) for batch in batches]
        try:
            pool = self._start()
            futures = [pool.submit(fn, batch) for batch in batches]
        except BrokenProcessPool as exc:
            raise self._lost() from exc

        def results() -> list[R]:
            try:
                return [future.result() for future in futures]
            except BrokenProcessPool as exc:
                raise self._lost() from exc

        return results

    def _lost(self) -> WorkerLost:
        """Forget a pool that lost a worker (the others are ended), for :class:`WorkerLost`."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        return WorkerLost()

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: safe beside the watcher's and server's threads; the
            # preloaded modules make each worker start in milliseconds.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["newsarchive.run.jobs"])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context,
                                             initializer=exit_with_parent,
                                             initargs=(os.getpid(),))
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def release(self) -> None:
        """End the worker processes until the next ``map``: a step that runs
        other processes (the search index) then has their memory."""
        self.close()


class DaskExecutor:
    """Batches sent to a Dask distributed cluster (the ``dask`` extra).

    Workers may run on other machines, so they get source bytes and return
    page bytes (``shares_files`` is false).  ``address`` is a scheduler
    address (``tcp://HOST:PORT``) or an existing ``distributed.Client``.
    """

    shares_files = False

    def __init__(self, address: Any) -> None:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ValueError("the dask executor needs the dask extra: "
                             "pip install 'newsarchive[dask]'") from exc
        connect: Any = Client  # untyped library: keep strict mypy quiet either way
        self._client: Any = address if isinstance(address, Client) else connect(address)
        self._own = not isinstance(address, Client)

    def map(self, fn: Callable[[A], R], batches: Sequence[A]) -> list[R]:
        if not batches:
            return []
        # pure=False: identical batches in two builds are still computed afresh.
        futures = self._client.map(fn, list(batches), pure=False)
        return list(self._client.gather(futures))

    def close(self) -> None:
        if self._own:
            self._client.close()


def submit(executor: Executor, fn: Callable[[A], R], batches: Sequence[A]
           ) -> Callable[[], list[R]]:
    """``executor.submit`` when it has one (work starts now), else a deferred ``map``."""
    start = getattr(executor, "submit", None)
    if start is not None:
        started: Callable[[], list[R]] = start(fn, batches)
        return started
    return lambda: executor.map(fn, batches)


def alongside(background: Callable[[], R], here: Callable[[], None]) -> R:
    """``background()`` in a thread while ``here()`` runs in this one; returns what
    ``background`` returned, once both are done, or raises what either raised
    (``here``'s first).  For work that waits on another process most of the
    time (the search step waits on Pagefind) beside work of this process."""
    outcome: list[R] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(background())
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=run, name="newsarchive-alongside", daemon=True)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(_HANDOVER)
    thread.start()
    try:
        here()
    finally:
        thread.join()
        sys.setswitchinterval(interval)
    if failure:
        raise failure[0]
    return outcome[0]


def uninterrupted() -> threading.Lock:
    """A lock to hold (``with uninterrupted(): ...``) around work a worker must
    finish once begun, such as writing a page: a worker whose build process
    died ends only outside it.  Cheap and harmless outside workers."""
    return _UNINTERRUPTED


def exit_with_parent(main_pid: int) -> None:
    """Pool initializer: end this worker as soon as the build process ``main_pid`` dies.

    Starts a daemon thread that waits on the parent sentinel multiprocessing
    gives every child (readable once the process that started it is gone;
    for a forkserver worker that is the build process, not the forkserver),
    then takes :func:`uninterrupted` and calls ``os._exit(ORPHANED_EXIT)``.
    Without a sentinel for ``main_pid`` it checks every half second whether
    that pid still exists.
    """
    threading.Thread(target=_watch_parent, args=(main_pid,), daemon=True,
                     name="newsarchive-parent-watch").start()


def _watch_parent(main_pid: int) -> None:
    parent = multiprocessing.parent_process()
    sentinel = getattr(parent, "sentinel", None)
    if parent is not None and parent.pid == main_pid and isinstance(sentinel, int):
        multiprocessing.connection.wait([sentinel])
    else:
        while _exists(main_pid):
            time.sleep(_POLL_SECONDS)
    with _UNINTERRUPTED:
        os._exit(ORPHANED_EXIT)


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def make_executor(spec: str | None) -> Executor:
    """``None``/``"local"``: a local pool; ``"serial"``: in process;
    ``"dask://HOST:PORT"``: a Dask cluster (needs the ``dask`` extra).

    Raises ValueError for an unknown spec or a missing Dask installation.
    """
    if spec in (None, "", "local"):
        return LocalExecutor()
    if spec == "serial":
        return SerialExecutor()
    if spec is not None and spec.startswith("dask://"):
        host = spec.removeprefix("dask://").strip("/")
        if not host:
            raise ValueError("dask executor needs an address: dask://HOST:PORT")
        return DaskExecutor(f"tcp://{host}")
    raise ValueError(f"unknown executor {spec!r}; use 'local', 'serial' or dask://HOST:PORT")
