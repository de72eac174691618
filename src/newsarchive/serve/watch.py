"""Watch an archive's inputs and turn file events into batched, incremental rebuilds.

The flow, one way::

    watchdog event --changes_for_event--> Changes (sorted by kind: source,
    template, static, config; output, cache and editor temp files dropped)
    --ChangeQueue (debounced, merged)--> one batch --rebuild.Rebuilder.build--> Outcome

A batch is handed out only after a quiet period without new events (editors
write a temp file, rename it, touch a swap file...), or after ``max_wait`` when
events never stop.  Events that arrive during a build wait in the queue and
become the next batch, so a save during a build ends in one more build.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from watchdog.events import (
    FileClosedNoWriteEvent,
    FileOpenedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from newsarchive.config import Config
from newsarchive.pipeline.discover import is_editor_temp

__all__ = ["ChangeQueue", "Changes", "Watcher", "changes_for_event", "classify",
           "is_editor_temp", "watch_plan"]

logger = logging.getLogger("newsarchive.serve.watch")

@dataclass(frozen=True, slots=True)
class Changes:
    """What changed since the last build, by kind.

    ``sources`` are source paths relative to ``config.source_dir`` (posix);
    ``rescan`` means a folder of sources appeared, moved or vanished, so every
    source is rediscovered.
    """

    sources: frozenset[str] = frozenset()
    rescan: bool = False
    templates: bool = False
    static: bool = False
    config: bool = False

    def __bool__(self) -> bool:
        return bool(self.sources) or self.rescan or self.templates or self.static or self.config

    def merge(self, other: Changes) -> Changes:
        """The union of two batches."""
        return Changes(self.sources | other.sources, self.rescan or other.rescan,
                       self.templates or other.templates, self.static or other.static,
                       self.config or other.config)


def _inside(path: Path, folder: Path | None) -> bool:
    return folder is not None and path.is_relative_to(folder)


def classify(path: Path, config: Config, *, is_directory: bool = False) -> Changes:
    """What a change at absolute ``path`` means for the build of ``config``.

    Paths inside the output or cache folder, hidden paths and editor temp
    files mean nothing (an empty Changes).  A path may be of several kinds,
    e.g. a template that also has a source suffix inside the source folder.
    """
    if _inside(path, config.output_dir) or _inside(path, config.cache_dir):
        return Changes()
    if config.config_path is not None and path == config.config_path:
        return Changes(config=True)

    def counts(folder: Path | None) -> bool:
        return (folder is not None and _inside(path, folder) and path != folder
                and not any(is_editor_temp(p) for p in path.relative_to(folder).parts))

    changes = Changes(templates=counts(config.templates_dir), static=counts(config.static_dir))
    if counts(config.source_dir):
        if is_directory:
            return replace(changes, rescan=True)
        relative = path.relative_to(config.source_dir)
        if not any(is_editor_temp(part) for part in relative.parts):  # every file is a source
            source_path = relative.as_posix()
            return replace(changes, sources=frozenset([source_path]))
    return changes


def _text(path: bytes | str) -> str:
    return path.decode("utf-8", "surrogateescape") if isinstance(path, bytes) else path


def changes_for_event(event: FileSystemEvent, config: Config) -> Changes:
    """Classify a watchdog event: both ends of a move count; opening or reading
    a file (the build itself does that) and folder mtime updates count for nothing."""
    if isinstance(event, FileOpenedEvent | FileClosedNoWriteEvent):
        return Changes()
    if event.is_directory and event.event_type in ("modified", "attrib", "closed", "opened"):
        return Changes()
    paths = [_text(event.src_path)]
    if event.dest_path:
        paths.append(_text(event.dest_path))
    changes = Changes()
    for path in paths:
        changes = changes.merge(classify(Path(path), config, is_directory=event.is_directory))
    return changes


class Batcher:
    """Debounce logic without threads or clocks: times are passed in.

    A batch is due ``quiet`` seconds after its last change, or ``max_wait``
    seconds after its first, whichever comes first.
    """

    def __init__(self, quiet: float = 0.05, max_wait: float = 1.0) -> None:
        self.quiet = quiet
        self.max_wait = max_wait
        self._pending = Changes()
        self._first = 0.0
        self._last = 0.0

    def add(self, changes: Changes, now: float) -> None:
        """Merge ``changes`` into the pending batch (empty changes are ignored)."""
        if not changes:
            return
        if not self._pending:
            self._first = now
        self._pending = self._pending.merge(changes)
        self._last = now

    def due_at(self) -> float | None:
        """When the pending batch is due, or None when nothing is pending."""
        if not self._pending:
            return None
        return min(self._last + self.quiet, self._first + self.max_wait)

    def pop(self) -> Changes:
        """Take the pending batch (possibly empty)."""
        batch, self._pending = self._pending, Changes()
        return batch


class ChangeQueue:
    """A thread-safe :class:`Batcher`: the watcher puts, the rebuild loop gets."""

    def __init__(self, quiet: float = 0.05, max_wait: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._batcher = Batcher(quiet, max_wait)
        self._clock = clock
        self._cond = threading.Condition()
        self._closed = False

    def put(self, changes: Changes) -> None:
        """Add changes; empty changes are dropped."""
        if not changes:
            return
        with self._cond:
            self._batcher.add(changes, self._clock())
            self._cond.notify_all()

    def get(self, timeout: float | None = None) -> Changes | None:
        """Block until a batch is due and return it; None on timeout or close."""
        with self._cond:
            deadline = None if timeout is None else self._clock() + timeout
            while not self._closed:
                now = self._clock()
                due = self._batcher.due_at()
                if due is not None and now >= due:
                    return self._batcher.pop()
                if deadline is not None and deadline <= now:
                    return None
                waits = [t - now for t in (due, deadline) if t is not None]
                self._cond.wait(min(waits) if waits else None)
            return None

    def pending(self) -> bool:
        """True while changes wait for their quiet period."""
        with self._cond:
            return self._batcher.due_at() is not None

    def close(self) -> None:
        """Wake every waiting ``get`` and make it return None."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory and event.event_type in ("created", "moved"):
            self._watcher.follow(Path(_text(event.dest_path or event.src_path)))
        self._watcher.queue.put(changes_for_event(event, self._watcher.config))


def _split(folder: Path, config: Config) -> list[tuple[Path, bool]]:
    excluded = (config.output_dir, config.cache_dir)
    if folder in excluded:
        return []
    if not any(e.is_relative_to(folder) for e in excluded):
        return [(folder, True)]
    plan = [(folder, False)]
    for child in sorted(folder.iterdir()):
        if child.is_dir() and not child.is_symlink() and not is_editor_temp(child.name):
            plan += _split(child, config)
    return plan


def watch_plan(config: Config) -> list[tuple[Path, bool]]:
    """``(folder, recursive)`` pairs to watch: the source, templates and static
    folders and the config file's folder, each once.  The output and cache
    folders are never watched: a folder holding one is watched flat and its
    other subfolders recursively (inotify would otherwise follow every write)."""
    roots = [(f, True) for f in (config.source_dir, config.templates_dir, config.static_dir)
             if f is not None and f.is_dir()]
    if config.config_path is not None and config.config_path.parent.is_dir():
        roots.append((config.config_path.parent, False))
    chosen: list[tuple[Path, bool]] = []
    for folder, recursive in roots:
        if any(folder == other or (r and folder.is_relative_to(other)) for other, r in chosen):
            continue
        chosen = [(o, r) for o, r in chosen if not (recursive and o.is_relative_to(folder))]
        chosen.append((folder, recursive))
    return [pair for folder, recursive in chosen
            for pair in (_split(folder, config) if recursive else [(folder, False)])]


class Watcher:
    """Watches sources, templates, static files and the config file of a config.

    ``observer_factory`` defaults to watchdog's native observer (inotify on
    Linux); pass ``watchdog.observers.polling.PollingObserver`` where inotify
    is unavailable.
    """

    def __init__(self, config: Config, queue: ChangeQueue,
                 observer_factory: Callable[[], BaseObserver] = Observer) -> None:
        self.config = config
        self.queue = queue
        self._factory = observer_factory
        self._observer: BaseObserver | None = None
        self._flat: set[Path] = set()

    def start(self) -> None:
        """Start watching (in watchdog's threads)."""
        self._observer = self._factory()
        self._flat = set()
        for folder, recursive in watch_plan(self.config):
            self._schedule(folder, recursive)
        self._observer.start()

    def _schedule(self, folder: Path, recursive: bool) -> None:
        assert self._observer is not None
        self._observer.schedule(_Handler(self), str(folder), recursive=recursive)
        if not recursive:
            self._flat.add(folder)

    def follow(self, folder: Path) -> None:
        """Watch a folder that appeared inside a folder watched flat."""
        if self._observer is not None and folder.parent in self._flat and folder.is_dir():
            for path, recursive in _split(folder, self.config):
                self._schedule(path, recursive)

    def retarget(self, config: Config) -> None:
        """Follow a reloaded config; restarts the observer when folders moved."""
        old = watch_plan(self.config)
        self.config = config
        if self._observer is not None and watch_plan(config) != old:
            self.stop()
            self.start()

    def stop(self) -> None:
        """Stop watching and join watchdog's threads."""
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None
