"""The plugin registry: readers, page families, templates, Jinja filters and globals,
stage hooks.

A plugin is a Python entry point in the group ``newsarchive.plugins`` whose
name is listed under ``plugins:`` in ``archive.yaml``.  It loads to a callable
taking a :class:`Registry` and adding to it::

    def register(registry: Registry) -> None:
        registry.add_reader(read_csv, suffixes=(".csv",))
        registry.add_page_family(calendar_pages)
        registry.add_templates(Path(__file__).parent / "templates")
        registry.add_filter("month_name", month_name)

The build asks this module at its named points: :func:`after_read` for every
entry made (so cached reads already hold what the hooks made of them),
:func:`plan_families` and :func:`after_plan` when the pages are planned, and
:func:`after_write` when the build is done.  The readers are chosen by
:mod:`newsarchive.pipeline.read`, the templates, filters and globals by
:func:`newsarchive.pipeline.render.environment`.

The registry of a tuple of names is made once per process (:func:`registry`):
worker processes import modules afresh and rebuild it from the names, which
travel with the config.  A plugin name that is not installed, or a plugin that
fails while registering, is a :class:`~newsarchive.errors.ConfigError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsarchive.errors import ConfigError, Diagnostic

if TYPE_CHECKING:
    import importlib.metadata

    from newsarchive.config import Config, ReadSettings
    from newsarchive.model import BuildReport, Entry, ReadResult
    from newsarchive.pipeline.index import Archive
    from newsarchive.pipeline.plan import PageSpec

__all__ = ["GROUP", "SNIFF_BYTES", "PageFamily", "PlanHook", "ReadFunction", "ReadHook",
           "Reader", "Registry", "Sniffer", "WriteHook", "after_plan", "after_read",
           "after_write", "clear", "digest", "plan_families", "registry", "template_folders"]

#: The entry-point group plugins are found in.
GROUP = "newsarchive.plugins"
#: How much of a file a sniffer is shown (its first bytes).
SNIFF_BYTES = 4096

#: ``read(source_path, data, settings)``: a file's bytes into its articles and
#: diagnostics, like the built-in readers.
ReadFunction = Callable[[str, bytes, "ReadSettings"], "ReadResult"]
#: ``sniff(head)``: whether a reader takes the file whose first bytes are ``head``.
Sniffer = Callable[[bytes], bool]
#: ``family(archive, config)``: the pages of a page family.
PageFamily = Callable[["Archive", "Config"], Iterable["PageSpec"]]
#: ``hook(entry, config)``: an entry as the plugin wants it.
ReadHook = Callable[["Entry", "Config"], "Entry"]
#: ``hook(specs, archive, config)``: the planned pages as the plugin wants them.
PlanHook = Callable[[list["PageSpec"], "Archive", "Config"], Iterable["PageSpec"]]
#: ``hook(report, config)``: diagnostics about a finished build (none: nothing to say).
WriteHook = Callable[["BuildReport", "Config"], Iterable[Diagnostic]]


@dataclass(frozen=True, slots=True)
class Reader:
    """A plugin's reader: the ``plugin`` that registered it, its ``read`` function,
    the ``suffixes`` it takes (lower case, with the dot) and its ``sniff`` test
    for files whose suffix no reader takes."""

    plugin: str
    read: ReadFunction
    suffixes: tuple[str, ...] = ()
    sniff: Sniffer | None = None


class _Refused(Exception):
    """A plugin cannot be used: a message and a hint, made a ConfigError by :func:`registry`."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(eq=False)
class Registry:
    """What the plugins ``names`` registered, in the order of ``names``.

    Plugins call the ``add_*`` methods; the build reads the fields.  Everything
    registered remembers which plugin registered it, so a failure names it.
    Compared and hashed by identity: a registry is made once per process.
    """

    names: tuple[str, ...] = ()
    readers: list[Reader] = field(default_factory=list)
    families: list[tuple[str, PageFamily]] = field(default_factory=list)
    templates: list[Path] = field(default_factory=list)
    filters: dict[str, Callable[..., Any]] = field(default_factory=dict)
    globals: dict[str, Any] = field(default_factory=dict)
    read_hooks: list[tuple[str, ReadHook]] = field(default_factory=list)
    plan_hooks: list[tuple[str, PlanHook]] = field(default_factory=list)
    write_hooks: list[tuple[str, WriteHook]] = field(default_factory=list)
    #: Name, distribution and version of each loaded plugin (see :func:`digest`).
    versions: list[tuple[str, str, str]] = field(default_factory=list)
    #: The plugin registering now (set by :func:`registry` around each plugin).
    plugin: str = ""

    def add_reader(self, read: ReadFunction, *, suffixes: Iterable[str] = (),
                   sniff: Sniffer | None = None) -> None:
        """Read files ending in one of ``suffixes`` (``".csv"``) and, when ``sniff``
        is given, files whose suffix no reader takes and whose first
        :data:`SNIFF_BYTES` bytes ``sniff`` accepts.

        Raises ValueError for a suffix without its dot, one a built-in reader
        or another plugin takes, or neither suffixes nor sniff.
        """
        from newsarchive.pipeline.read import SUFFIXES

        taken = {s: r.plugin for r in self.readers for s in r.suffixes}
        wanted = tuple(dict.fromkeys(s.lower() for s in suffixes))
        for suffix in wanted:
            if not suffix.startswith(".") or len(suffix) < 2:
                raise ValueError(f"a reader's suffix starts with a dot: {suffix!r}")
            if suffix in SUFFIXES:
                raise ValueError(f"{suffix} files are read by a built-in reader")
            if suffix in taken:
                raise ValueError(f"{suffix} files are read by the plugin {taken[suffix]!r}")
        if not wanted and sniff is None:
            raise ValueError("a reader takes files by suffix, by sniffing, or both")
        self.readers.append(Reader(self.plugin, read, wanted, sniff))

    def add_page_family(self, family: PageFamily) -> None:
        """Plan the pages ``family(archive, config)`` returns with the site's own.

        Each page lists the keys of the entries it shows in ``PageSpec.keys``
        (and ``article``/``links``): that is what makes it re-render when one of
        them changes, and only then.
        """
        self.families.append((self.plugin, family))

    def add_templates(self, folder: str | Path) -> None:
        """Find templates in ``folder`` after the site's own and before the default theme's.

        Raises ValueError when ``folder`` is not a folder.
        """
        path = Path(folder).resolve()
        if not path.is_dir():
            raise ValueError(f"templates folder {path} does not exist")
        self.templates.append(path)

    def add_filter(self, name: str, function: Callable[..., Any]) -> None:
        """Make ``function`` the Jinja filter ``name``."""
        self.filters[name] = function

    def add_global(self, name: str, value: Any) -> None:
        """Make ``value`` the Jinja global ``name``."""
        self.globals[name] = value

    def add_read_hook(self, hook: ReadHook) -> None:
        """Pass every entry made from an article through ``hook(entry, config)``.

        Runs where entries are made, before they are cached: the hook must be
        a pure function of its arguments (a new plugin version re-reads).
        """
        self.read_hooks.append((self.plugin, hook))

    def add_plan_hook(self, hook: PlanHook) -> None:
        """Pass the planned pages through ``hook(specs, archive, config)``."""
        self.plan_hooks.append((self.plugin, hook))

    def add_write_hook(self, hook: WriteHook) -> None:
        """Call ``hook(report, config)`` once a build is done; its diagnostics are reported."""
        self.write_hooks.append((self.plugin, hook))

    @property
    def suffixes(self) -> tuple[str, ...]:
        """The suffixes the plugins' readers take, in registration order."""
        return tuple(s for r in self.readers for s in r.suffixes)

    @property
    def sniffers(self) -> tuple[Reader, ...]:
        """The readers that sniff, in registration order."""
        return tuple(r for r in self.readers if r.sniff is not None)

    def reader_for(self, name: str, head: bytes) -> Reader | None:
        """The reader of a file called ``name`` whose first bytes are ``head``: the
        one taking its suffix (``.warc.gz`` included), else the first whose
        sniffer accepts ``head``.

        A sniffer that raises is taken as refusing the file.
        """
        lower = name.lower()
        for reader in self.readers:
            if reader.suffixes and lower.endswith(reader.suffixes):
                return reader
        head = head[:SNIFF_BYTES]
        for reader in self.sniffers:
            assert reader.sniff is not None
            try:
                if reader.sniff(head):
                    return reader
            except Exception:
                continue
        return None


def _installed() -> dict[str, importlib.metadata.EntryPoint]:
    """The entry points of :data:`GROUP` by name (the first on ``sys.path`` wins)."""
    import importlib.metadata  # 30 ms: only when a site names plugins

    found: dict[str, importlib.metadata.EntryPoint] = {}
    for point in importlib.metadata.entry_points(group=GROUP):
        found.setdefault(point.name, point)
    return found


@cache
def _load(names: tuple[str, ...]) -> Registry:
    installed = _installed()
    made = Registry(names)
    for name in dict.fromkeys(names):
        point = installed.get(name)
        if point is None:
            hint = (f"installed plugins: {', '.join(sorted(installed))}" if installed else
                    "no plugin is installed; install it (pip install ...) or remove the name "
                    "from 'plugins'")
            raise _Refused(f"unknown plugin {name!r}: no entry point of that name in the "
                           f"group {GROUP!r}", hint)
        try:
            plugin = point.load()
            made.plugin = name
            plugin(made)
        except Exception as exc:
            raise _Refused(f"plugin {name!r} cannot be used: {type(exc).__name__}: {exc}",
                           f"the entry point is {point.value}; check the plugin's "
                           "installation or report this to its authors") from exc
        finally:
            made.plugin = ""
        dist = point.dist
        made.versions.append((name, dist.name if dist else "", dist.version if dist else ""))
    from newsarchive import formats

    made.plugin = formats.PLUGIN  # the built-in formats: after the site's plugins
    formats.register(made)
    made.plugin = ""
    return made


def registry(names: tuple[str, ...], config_path: str | Path | None = None) -> Registry:
    """The registry of the plugins ``names``, loaded once per process.

    Raises ConfigError, naming ``config_path`` (else ``archive.yaml``), when a
    name is not installed or its plugin raises while loading or registering.
    """
    try:
        return _load(names)
    except _Refused as exc:
        where = str(config_path) if config_path is not None else "archive.yaml"
        raise ConfigError((Diagnostic(where, 0, 0, exc.message, exc.hint),)) from exc


def clear() -> None:
    """Forget every loaded registry (the next :func:`registry` loads the plugins
    again): for tests that install plugins while they run."""
    _load.cache_clear()


def digest(names: tuple[str, ...]) -> str:
    """What of the plugins enters cache keys: each name with its distribution's
    name and version, so upgrading a plugin makes cached reads and pages stale.

    Never raises: plugins that cannot be loaded get a digest of their names, and
    the build reports them where it first uses them, naming the config file.
    """
    if not names:
        return ""
    try:
        return repr(tuple(registry(names).versions))
    except ConfigError:
        return repr(("not loaded", names))


def template_folders(names: tuple[str, ...], config_path: str | Path | None = None
                     ) -> tuple[Path, ...]:
    """The plugins' template folders, in the order the Jinja loader searches them."""
    return tuple(registry(names, config_path).templates) if names else ()


def after_read(entry: Entry, config: Config) -> Entry:
    """``entry`` passed through every plugin's read hook."""
    if not config.plugins:
        return entry
    for name, hook in registry(config.plugins, config.config_path).read_hooks:
        try:
            entry = hook(entry, config)
        except Exception as exc:
            exc.add_note(f"in a read hook of the plugin {name!r}")
            raise
    return entry


def plan_families(archive: Archive, config: Config) -> list[PageSpec]:
    """The pages of every plugin's page families, in plugin order."""
    specs: list[PageSpec] = []
    if not config.plugins:
        return specs
    for name, family in registry(config.plugins, config.config_path).families:
        try:
            specs += family(archive, config)
        except Exception as exc:
            exc.add_note(f"in a page family of the plugin {name!r}")
            raise
    return specs


def after_plan(specs: Sequence[PageSpec], archive: Archive, config: Config) -> list[PageSpec]:
    """``specs`` passed through every plugin's plan hook."""
    planned = list(specs)
    if not config.plugins:
        return planned
    for name, hook in registry(config.plugins, config.config_path).plan_hooks:
        try:
            planned = list(hook(planned, archive, config))
        except Exception as exc:
            exc.add_note(f"in a plan hook of the plugin {name!r}")
            raise
    return planned


def after_write(report: BuildReport, config: Config) -> list[Diagnostic]:
    """The diagnostics of every plugin's write hook about the finished build.

    A hook that raises becomes an error diagnostic naming the plugin (on the
    config file): the build is done, so it is reported rather than raised.
    """
    if not config.plugins:
        return []
    found: list[Diagnostic] = []
    for name, hook in registry(config.plugins, config.config_path).write_hooks:
        try:
            found += hook(report, config)
        except Exception as exc:
            found.append(Diagnostic(
                str(config.config_path or "archive.yaml"), 0, 0,
                f"plugin {name!r} failed after the build: {type(exc).__name__}: {exc}",
                "report this to the plugin's authors"))
    return found
