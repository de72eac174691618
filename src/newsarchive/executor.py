"""Where batches of parse and render work run: in this process, a local process
pool, or a Dask cluster.

An executor maps a picklable top-level function over batches and returns the
results in order.  The builder chooses the executor for large jobs and runs
small ones (an incremental rebuild) in process, where starting workers would
cost more than the work.  Executors whose workers see this machine's disk
(``shares_files``) read sources and write pages themselves; a cluster gets
the bytes to parse and returns the bytes to write, so the builder reads and
writes locally.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

__all__ = ["DaskExecutor", "Executor", "LocalExecutor", "SerialExecutor", "make_executor",
           "shares_files", "submit"]

A = TypeVar("A")
R = TypeVar("R")


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
        if len(batches) <= 1 or self.workers == 1:
            return [fn(batch) for batch in batches]
        return list(self._start().map(fn, batches))

    def submit(self, fn: Callable[[A], R], batches: Sequence[A]) -> Callable[[], list[R]]:
        """Start ``map`` without waiting; the returned function waits for the results.

        Lets the caller prepare the next batches while the workers run these,
        so no core idles between two rounds.
        """
        if len(batches) <= 1 or self.workers == 1:
            return lambda: [fn(batch) for batch in batches]
        pool = self._start()
        futures = [pool.submit(fn, batch) for batch in batches]
        return lambda: [future.result() for future in futures]

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: safe beside the watcher's and server's threads; the
            # preloaded modules make each worker start in milliseconds.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["newsarchive.tasks"])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


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
