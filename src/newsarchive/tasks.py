"""The units of work sent to executors: top-level, picklable, pure.

``load_batch`` reads and enriches source files; ``render_batch`` renders pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsarchive.config import Config
from newsarchive.enrich import enrich
from newsarchive.model import Entry, ReadResult
from newsarchive.read import read_source
from newsarchive.render import RenderJob, render_job

__all__ = ["LoadItem", "Loaded", "load_batch", "render_batch"]

LoadItem = tuple[str, bytes]
#: What one source file becomes: its read result (diagnostics) and its entries.
Loaded = tuple[ReadResult, tuple[Entry, ...]]


def load_one(config: Config, source_path: str, data: bytes) -> Loaded:
    """Read one source file and enrich its articles."""
    result = read_source(source_path, data, config.read)
    entries = tuple(enrich(article, config) for article in result.articles)
    return ReadResult((), result.diagnostics), entries


def load_batch(batch: tuple[Config, Sequence[LoadItem]]) -> list[Loaded]:
    """``load_one`` over a batch of ``(source path, bytes)``."""
    config, items = batch
    return [load_one(config, path, data) for path, data in items]


def render_batch(batch: tuple[str | None, Sequence[RenderJob]]) -> list[bytes]:
    """Render a batch of jobs with the templates folder ``batch[0]``."""
    templates_dir, jobs = batch
    return [render_job(templates_dir, job) for job in jobs]
