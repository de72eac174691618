"""The plugin registry: readers, page families, Jinja filters and globals, stage hooks.

A plugin is a Python entry point in the group ``newsarchive.plugins`` whose
name is listed under ``plugins:`` in ``archive.yaml``; it is a callable taking
a :class:`Registry` and adding to it.  (Draft: filled in by the plugin work.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsarchive.config import Config
    from newsarchive.model import Entry
    from newsarchive.pipeline.index import Archive
    from newsarchive.pipeline.plan import PageSpec

__all__ = ["GROUP", "Registry", "after_plan", "after_read", "digest", "plan_families",
           "registry"]

GROUP = "newsarchive.plugins"

PageFamily = Callable[["Archive", "Config"], Iterable["PageSpec"]]


@dataclass
class Registry:
    names: tuple[str, ...] = ()
    families: list[tuple[str, PageFamily]] = field(default_factory=list)
    filters: dict[str, Callable[..., Any]] = field(default_factory=dict)
    globals: dict[str, Any] = field(default_factory=dict)
    read_hooks: list[Callable[[Entry, Config], Entry]] = field(default_factory=list)
    plan_hooks: list[Callable[[list[PageSpec], Archive, Config], list[PageSpec]]] = field(
        default_factory=list)


@cache
def registry(names: tuple[str, ...]) -> Registry:
    """The registry of the plugins ``names`` (cached per process)."""
    return Registry(names)


def digest(names: tuple[str, ...]) -> str:
    """What of the plugins enters cache keys (names and versions)."""
    return repr(names)


def after_read(entry: Entry, config: Config) -> Entry:
    for hook in registry(config.plugins).read_hooks:
        entry = hook(entry, config)
    return entry


def plan_families(archive: Archive, config: Config) -> list[PageSpec]:
    specs: list[PageSpec] = []
    for _, family in registry(config.plugins).families:
        specs += family(archive, config)
    return specs


def after_plan(specs: Sequence[PageSpec], archive: Archive, config: Config) -> list[PageSpec]:
    planned = list(specs)
    for hook in registry(config.plugins).plan_hooks:
        planned = hook(planned, archive, config)
    return planned
