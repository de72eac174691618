"""Run rebuilds for the dev server: one Session, errors turned into browser-ready lines.

A rebuild never raises: a broken article, template or config becomes an
:class:`Outcome` with problems to show, and the last good output stays.

That includes a source file that built and is then saved broken (invalid
front matter, unreadable): before each build the changed sources are read as
they are on disk, and one that now has errors but had none in the last build
is *held*: left out of the paths the session reads again, so the session
keeps its last good result and its page and the listings showing it stay as
they were, while its problems are shown.  A held source is read again before
every build and released once it reads cleanly (the session then rebuilds it)
or is gone (the session then removes its page: deleting a file is no error).
When the session rediscovers the source folder (after a folder moved, or on
the first template or static change when it started from a warm cache), held
sources are passed as ``keep``: it does not read them again.  After a config
reload the session is new and holds nothing: a held file is then read,
reported and skipped like any broken file.

Every problem line is escaped (see :meth:`newsarchive.errors.Diagnostic.format`),
so no file name or message can forge a second line or carry a terminal escape.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import time
import traceback
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import jinja2

from newsarchive.config import Config, load_config
from newsarchive.errors import ConfigError, Diagnostic, OutputError
from newsarchive.pipeline.discover import read_sources
from newsarchive.pipeline.read import read_source
from newsarchive.pipeline.render import environment
from newsarchive.run.executor import Executor, LocalExecutor, WorkerLost
from newsarchive.run.lock import output_lock
from newsarchive.run.session import BuildReport, Session
from newsarchive.serve.watch import Changes, is_editor_temp

__all__ = ["Outcome", "Rebuilder", "config_reloader", "describe_exception", "source_errors",
           "template_problems"]

logger = logging.getLogger("newsarchive.serve.rebuild")


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one rebuild: its report (None when the build raised), the
    problems to show in the browser (one escaped diagnostic each, possibly with
    a hint line), and the sources held at their last good output."""

    report: BuildReport | None
    problems: tuple[str, ...]
    config: Config
    seconds: float
    #: Source paths whose last good output is kept while the file is broken.
    held: tuple[str, ...] = ()

    @property
    def wrote(self) -> bool:
        """True when any output file was written or removed."""
        return self.report is not None and bool(self.report.written_paths
                                                or self.report.removed_paths)


def config_reloader(config: Config) -> Callable[[], Config]:
    """A function that reloads ``config.config_path`` and re-applies whatever the
    command line overrode (any field where ``config`` differs from the file)."""
    path = config.config_path
    if path is None:
        return lambda: config
    root = path.parent
    try:
        from_file = load_config(path, root)
        kept = {f.name: getattr(config, f.name) for f in dataclasses.fields(Config)
                if getattr(config, f.name) != getattr(from_file, f.name)}
    except ConfigError:
        kept = {}
    return lambda: dataclasses.replace(load_config(path, root), **kept)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _problem(path: str, line: int, message: str) -> str:
    """One escaped ``path:line: error: message`` line (``path: error:`` without a line)."""
    return Diagnostic(path, line, 0, message).format()


def _escaped(text: str) -> str:
    """``text`` with each control character as a Python-style escape (``\\n``)."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


_TEMPLATE_FRAME = re.compile(r'File "([^"]+\.(?:html|xml|txt|j2|jinja|jinja2))", line (\d+)')


def _shown(path: str, config: Config) -> str:
    """``path`` relative to the templates folder's parent (``templates/a.html``)
    or to the config file's folder, when inside them."""
    roots = [config.templates_dir.parent if config.templates_dir else None,
             config.config_path.parent if config.config_path else None]
    for root in roots:
        if root is not None and Path(path).is_relative_to(root):
            return Path(path).relative_to(root).as_posix()
    return path


def template_problems(config: Config) -> list[str]:
    """Syntax errors of every template in the user's templates folder."""
    if config.templates_dir is None:
        return []
    env = environment(str(config.templates_dir), config.plugins)
    found = []
    for path in sorted(config.templates_dir.rglob("*")):
        if not path.is_file() or is_editor_temp(path.name):
            continue
        try:
            env.parse(path.read_text("utf-8"), path.name, str(path))
        except jinja2.TemplateSyntaxError as exc:
            found.append(_problem(_shown(str(path), config), exc.lineno, exc.message or ""))
        except (OSError, UnicodeDecodeError) as exc:
            found.append(_problem(_shown(str(path), config), 0, f"cannot read template: {exc}"))
    return found


def describe_exception(exc: Exception, config: Config) -> list[str]:
    """Turn an exception raised by a build into ``path:line: error: message`` lines
    (escaped: a newline in a template's name or a message stays on its line)."""
    if isinstance(exc, ConfigError):
        return [d.format() for d in exc.diagnostics]
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return [_problem(_shown(exc.filename, config), exc.lineno, exc.message or "")]
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return template_problems(config) or [_problem("template", 0, exc.message or "")]
    if isinstance(exc, jinja2.TemplateError):
        text = "".join(traceback.format_exception(exc))
        frames = _TEMPLATE_FRAME.findall(text)
        where, line = (_shown(frames[-1][0], config), int(frames[-1][1])) if frames \
            else ("template", 0)
        return [_problem(where, line, f"{type(exc).__name__}: {exc.message or exc}")]
    if isinstance(exc, OutputError):
        return [_problem(str(config.output_dir), 0, str(exc))]
    if isinstance(exc, WorkerLost):
        return [_problem(str(config.output_dir), 0,
                         f"{exc}; the next rebuild starts new workers and finishes the job")]
    return [f"error: {type(exc).__name__}: {_escaped(str(exc))}"]


def source_errors(config: Config, source_path: str) -> tuple[Diagnostic, ...] | None:
    """The errors of the source ``source_path`` (relative to the source folder) as
    it is on disk now, as a build would report them: () when it reads cleanly,
    None when it is gone (deleted, or no longer a file) or is a link leading out
    of the source folder (the build decides about those).  Never raises."""
    root = os.path.realpath(config.source_dir)
    try:
        real = os.path.realpath(config.source_dir / source_path)
        if not real.startswith(root.rstrip(os.sep) + os.sep) or not os.path.isfile(real):
            return None
    except (OSError, ValueError):
        return None
    for _, data, reason in read_sources(config.source_dir, [source_path]):
        if data is None:
            return (Diagnostic(source_path, 0, 0, f"cannot read file: {reason}",
                               "check the file's permissions"),)
        result = read_source(source_path, data, config.read)
        return tuple(d for d in result.diagnostics if d.severity == "error")
    return None


class Rebuilder:
    """Owns the build Session and applies batches of changes to it.

    Never raises for a bad input: a broken config keeps the previous config,
    a build that raises keeps the previous output, a source saved broken keeps
    its last good output (see the module docstring), and all become problems
    in the Outcome.  Call from one thread at a time.
    """

    def __init__(self, config: Config, reload_config: Callable[[], Config] | None = None,
                 executor: Executor | None = None, force: bool = False) -> None:
        self.config = config
        self._force = force
        self._reload = reload_config or config_reloader(config)
        self._executor = executor or LocalExecutor()
        self._own_executor = executor is None
        self._session = Session(config, self._executor, force=force, defer_save=True)
        self._config_problems: list[str] = []
        self._retry = Changes()
        #: Held sources (see the module docstring) with their problem lines.
        self._held: dict[str, tuple[str, ...]] = {}
        #: Sources the session's last build reported errors for: never held.
        self._erring: frozenset[str] = frozenset()

    def build(self, changes: Changes | None = None) -> Outcome:
        """Rebuild for ``changes`` (None: rediscover everything, as at start)."""
        started = time.perf_counter()
        changes = self._retry.merge(changes or Changes(rescan=True))
        self._retry = Changes()
        if changes.config:
            try:
                config = self._reload()
            except Exception as exc:  # a bad config, or one that cannot be read at all
                self._config_problems = describe_exception(exc, self.config)
            else:
                self._config_problems = []
                self._session.close()
                self.config = config
                self._session = Session(config, self._executor, force=self._force,
                                        defer_save=True)
                changes = dataclasses.replace(changes, rescan=True)
        problems = list(self._config_problems)
        checked = changes.sources | frozenset(self._held)
        held = self._hold(checked)
        # A source held before and readable or gone now is read again by the session.
        changed = checked - held.keys()
        self._held = held
        report = None
        try:
            # One build of an output at a time: a `newsarchive build` run beside
            # the server waits for this rebuild, and this one for it.
            with output_lock(self.config.output_dir, cache_dir=self.config.cache_dir):
                report = self._session.build(None if changes.rescan else changed,
                                             keep=frozenset(held), search=False)
        except Exception as exc:  # a template or output error must not stop the server
            logger.debug("build failed", exc_info=True)
            problems += describe_exception(exc, self.config)
            # Released sources are retried too: they may be in no later batch.
            self._retry = dataclasses.replace(changes, sources=checked, config=False)
        else:
            self._erring = frozenset(d.path for d in report.errors)
            # The session read a held file after all (a full rediscovery): it reports it.
            self._held = {p: lines for p, lines in held.items() if p not in self._erring}
            problems += [d.format() for d in report.errors]
        problems += [line for path in sorted(self._held) for line in self._held[path]]
        return Outcome(report, tuple(problems), self.config, time.perf_counter() - started,
                       tuple(sorted(self._held)))

    def preview(self, changes: Changes, told: Callable[[Outcome], None] | None = None
                ) -> Outcome | None:
        """Phase 1 of a two-phase rebuild, when ``changes`` only add or remove
        articles: write just the pages the reader sees first (see
        :mod:`newsarchive.incremental.preview`); the caller tells the browser,
        then runs :meth:`build` with the same ``changes`` (phase 2), which
        makes every other page.  None (nothing written) when the change is
        anything else, a source is held or a build is to be retried, or phase 1
        cannot answer.  ``told(outcome)`` is called as soon as its pages are
        written.  Never raises: a failure is left to phase 2."""
        if (changes.rescan or changes.templates or changes.static or changes.config
                or not changes.sources or self._held or self._retry or self._config_problems):
            return None
        started = time.perf_counter()
        try:
            with output_lock(self.config.output_dir, cache_dir=self.config.cache_dir):
                report = self._session.preview(changes.sources, None if told is None else (
                    lambda done: told(Outcome(done, (), self.config,
                                              time.perf_counter() - started))))
        except Exception:  # phase 2 builds, and reports, whatever this met
            logger.debug("preview failed", exc_info=True)
            return None
        if report is None:
            return None
        return Outcome(report, (), self.config, time.perf_counter() - started)

    def settle(self) -> None:
        """Save what the last build left for the next one to compare with (see
        :meth:`newsarchive.run.session.Session.settle`): called once the browser
        was told, so that saving does not delay the page.  A failure only means
        the next build plans everything again."""
        try:
            with output_lock(self.config.output_dir, cache_dir=self.config.cache_dir):
                self._session.settle()
        except Exception:  # the next build takes the full path: no harm
            logger.debug("saving the build state failed", exc_info=True)

    def index_search(self, outcome: Outcome, paths: Collection[str] | None = None
                     ) -> tuple[str, ...]:
        """The search step for the build of ``outcome`` (``paths``: the output paths it
        and the builds before it since the last search step wrote or removed, else
        those of its report); the problem lines it found.  Run by the dev server's indexer
        thread after the browser was told of the new pages: it takes no build
        lock (a rebuild must not wait for Pagefind), and a page that exists
        is replaced whole (atomic replace), so at worst it indexes a page one
        edit old, or part of a page a later rebuild is creating, and the next
        run (which that rebuild's pages are listed for) catches up."""
        report = outcome.report
        config = outcome.config
        if report is None or not config.search:
            return ()
        from newsarchive.run.search import search_step

        try:
            result = search_step(config, report, paths=paths)
        except Exception as exc:  # the server serves on; the next build tries again
            logger.debug("search failed", exc_info=True)
            return tuple(describe_exception(exc, config))
        if result.diagnostic is not None and result.diagnostic.severity == "error":
            return (result.diagnostic.format(),)
        return ()

    def _hold(self, paths: frozenset[str]) -> dict[str, tuple[str, ...]]:
        """Which of ``paths`` to hold: those that have errors on disk now but had
        none in the session's last build; each with its problem lines."""
        held = {}
        for path in sorted(paths):
            errors = source_errors(self.config, path)
            if errors and path not in self._erring:
                held[path] = tuple(d.format() for d in errors)
        return held

    def close(self) -> None:
        """Close the session and the worker processes this rebuilder started."""
        self._session.close()
        if self._own_executor:
            self._executor.close()
