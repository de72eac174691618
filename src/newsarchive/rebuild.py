"""Run rebuilds for the dev server: one Session, errors turned into browser-ready lines.

A rebuild never raises: a broken article, template or config becomes an
:class:`Outcome` with problems to show, and the last good output stays.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from newsarchive.builder import BuildReport, Session
from newsarchive.config import Config, load_config
from newsarchive.errors import ConfigError, OutputError
from newsarchive.executor import Executor, LocalExecutor
from newsarchive.render import environment
from newsarchive.watch import Changes, is_editor_temp

__all__ = ["Outcome", "Rebuilder", "config_reloader"]

logger = logging.getLogger("newsarchive.rebuild")


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one rebuild: its report (None when the build raised) and
    the problems to show in the browser, one formatted line each."""

    report: BuildReport | None
    problems: tuple[str, ...]
    config: Config
    seconds: float

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
    env = environment(str(config.templates_dir))
    found = []
    for path in sorted(config.templates_dir.rglob("*")):
        if not path.is_file() or is_editor_temp(path.name):
            continue
        try:
            env.parse(path.read_text("utf-8"), path.name, str(path))
        except jinja2.TemplateSyntaxError as exc:
            found.append(f"{_shown(str(path), config)}:{exc.lineno}: error: {exc.message}")
        except (OSError, UnicodeDecodeError) as exc:
            found.append(f"{_shown(str(path), config)}: error: cannot read template: {exc}")
    return found


def describe_exception(exc: Exception, config: Config) -> list[str]:
    """Turn an exception raised by a build into ``path:line: error: message`` lines."""
    if isinstance(exc, ConfigError):
        return [d.format() for d in exc.diagnostics]
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return [f"{_shown(exc.filename, config)}:{exc.lineno}: error: {exc.message}"]
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return template_problems(config) or [f"template: error: {exc.message}"]
    if isinstance(exc, jinja2.TemplateError):
        text = "".join(traceback.format_exception(exc))
        frames = _TEMPLATE_FRAME.findall(text)
        where = f"{_shown(frames[-1][0], config)}:{frames[-1][1]}" if frames else "template"
        return [f"{where}: error: {type(exc).__name__}: {exc.message or exc}"]
    if isinstance(exc, OutputError):
        return [f"{config.output_dir}: error: {exc}"]
    return [f"error: {type(exc).__name__}: {exc}"]


class Rebuilder:
    """Owns the build Session and applies batches of changes to it.

    Never raises for a bad input: a broken config keeps the previous config,
    a build that raises keeps the previous output, and both become problems
    in the Outcome.  Call from one thread at a time.
    """

    def __init__(self, config: Config, reload_config: Callable[[], Config] | None = None,
                 executor: Executor | None = None) -> None:
        self.config = config
        self._reload = reload_config or config_reloader(config)
        self._executor = executor or LocalExecutor()
        self._own_executor = executor is None
        self._session = Session(config, self._executor)
        self._config_problems: list[str] = []
        self._retry = Changes()

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
                self._session = Session(config, self._executor)
                changes = dataclasses.replace(changes, rescan=True)
        problems = list(self._config_problems)
        report = None
        try:
            report = self._session.build(None if changes.rescan else changes.sources)
        except Exception as exc:  # a template or output error must not stop the server
            logger.debug("build failed", exc_info=True)
            problems += describe_exception(exc, self.config)
            self._retry = dataclasses.replace(changes, config=False)
        else:
            problems += [d.format() for d in report.errors]
        return Outcome(report, tuple(problems), self.config, time.perf_counter() - started)

    def close(self) -> None:
        """Close the session and the worker processes this rebuilder started."""
        self._session.close()
        if self._own_executor:
            self._executor.close()
