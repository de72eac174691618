"""The build process's heap: Python's cycle collector paused while planning and
kept off what a build holds to the end, and the memory a one-shot build no
longer needs given back to the system before its search step."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import sys
from collections.abc import Callable, Iterator

__all__ = ["collector_paused", "give_back_memory", "held_apart"]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the block, then as it was.

    Planning makes hundreds of thousands of objects that live until it ends;
    the collector, run every 700 allocations and now and then over every
    object the build holds, took 1.4 s of planning's 4.4 s at 10,000 articles
    here, and the build process's peak memory was the same without it (283
    and 284 MiB).  Cycles made meanwhile go at the next collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def held_apart() -> Iterator[Callable[[], None]]:
    """A block in which the objects alive when the function it yields is called are
    left out of the cycle collector's passes, until the block ends.

    A build that loads 100,000 cached articles holds some 30 million objects
    until it ends.  Every full pass of the collector walks all of them, and the
    passes that the allocations of the later steps set off took 13 of the 47 s
    of an edit that changed an article's terms here (benchmarks/RESULTS.md).
    What the block holds is moved to the collector's permanent generation
    (:func:`gc.freeze`) and given back to it when the block ends; cycles made
    meanwhile are collected as before, so a build rendering in this process
    keeps its memory (the collector paused outright while rendering 1,000
    articles kept 36 MiB more)."""
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def give_back_memory() -> None:
    """Collect what is unreachable and, with glibc, return the heap's free pages to
    the system (``malloc_trim``): freeing objects alone leaves most of their
    pages with the process, so they would count beside the Pagefind runs that
    come next (benchmarks/RESULTS.md).  What :func:`held_apart` keeps from the
    collector is given back to it first."""
    gc.unfreeze()
    gc.collect()
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)
