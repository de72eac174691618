"""A build session's handle on its cache (:class:`~newsarchive.incremental.store.Cache`)."""

from __future__ import annotations

from pathlib import Path

from newsarchive.incremental.store import Cache, open_cache

__all__ = ["StoreHandle"]


class StoreHandle:
    """A build session's cache: opened on first use, reopened afresh when it found
    damage, its warning reported once."""

    def __init__(self, cache_dir: Path, enabled: bool) -> None:
        self._cache_dir = cache_dir
        self._enabled = enabled
        self._cache: Cache | None = None
        self.warning = ""

    def __call__(self) -> Cache:
        if self._cache is None:
            cache, warning = open_cache(self._cache_dir, enabled=self._enabled)
            self._cache = cache
            self.warning = warning.message if warning else ""
        return self._cache

    def reopen_if_damaged(self) -> Cache:
        """Start afresh when the cache found damage (it disabled itself)."""
        cache = self()
        if not cache.enabled and cache.warning is not None:
            warning = cache.warning.message
            cache.warning = None
            self._cache = None
            cache = self()
            self.warning = self.warning or warning
        return cache

    def take_warning(self) -> str:
        """The cache's warning, once."""
        cache = self._cache
        if cache is not None and cache.warning is not None:
            self.warning = self.warning or cache.warning.message
            cache.warning = None
        warning, self.warning = self.warning, ""
        return warning

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None
