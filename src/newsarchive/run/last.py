"""What a :class:`~newsarchive.run.session.Session` remembers of its last build."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsarchive.pipeline.related import PlanMemory
from newsarchive.run.load import SourceIndex

if TYPE_CHECKING:
    from newsarchive.incremental.delta import Table

__all__ = ["LastBuild"]


@dataclass(frozen=True, slots=True)
class LastBuild:
    """What a session remembers of its last build, replaced as a whole after each.

    ``sources`` is the index of every source read (kept up to date in place
    while loading: it holds every light entry of the archive); ``manifest``
    the fingerprint of every output file (None: ask the cache); ``known`` the source
    table when the build was answered from the saved state without loading
    the sources (then a build given its changed paths compares only those).
    """

    sources: SourceIndex = field(default_factory=SourceIndex)
    planned: PlanMemory = field(default_factory=PlanMemory)  # what the last plan kept
    manifest: dict[str, str] | None = None
    known: Table | None = None
