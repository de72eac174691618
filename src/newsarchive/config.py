"""Load ``archive.yaml`` over embedded defaults into a frozen :class:`Config`.

Each key is declared once, as a field of :class:`Config` or of one of its
sections (:class:`ReadSettings`, :class:`TopicSettings`,
:class:`MarkdownSettings`) made with :func:`key`: its default, the YAML type it
accepts, the check that validates and converts it (:mod:`newsarchive.config_checks`),
what it affects and its documentation.  :data:`KEYS` reads them back as :class:`Key` rows, and
everything else derives from that table: :func:`parse_config`, the digests of
:mod:`newsarchive.incremental.keys` (through :func:`key_values`) and the key
reference of ``docs/configuration.md`` (:func:`reference`).

``affects`` says which cached work a key shapes: ``"read"`` the cached result
of reading and enriching one source (the settings digest), ``"pages"`` the
fingerprint of every rendered page (the config digest), both, or neither (where
files are, and what the command line does with them).

:func:`load_config` reports every bad or unknown key by name, with its line,
in one :class:`~newsarchive.errors.ConfigError`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from newsarchive import config_checks as checks
from newsarchive.config_checks import (  # re-exported: where they were
    DEFAULT_JSON_FIELDS,
    DERIVED_TAXONOMIES,
    ENGINES,
    Problems,
)
from newsarchive.errors import ConfigError, Diagnostic
from newsarchive.taxonomy import BUILTIN, Taxonomy, term_keys

__all__ = [
    "DERIVED_TAXONOMIES",
    "ENGINES",
    "KEYS",
    "CiteSettings",
    "Config",
    "Key",
    "MarkdownSettings",
    "ReadSettings",
    "TopicSettings",
    "key_values",
    "load_config",
    "parse_config",
    "reference",
]

T = TypeVar("T")
#: Validates the YAML value of the key named by the first argument (already of
#: the key's type) and converts it: the value to store and the problems found.
Check = Callable[[str, Any], tuple[Any, Problems]]
#: Cross-key check of a section's converted values: ``(key, message, hint)`` triples.
SectionCheck = Callable[[Mapping[str, Any]], list[tuple[str, str, str]]]

READ: frozenset[str] = frozenset({"read"})
PAGES: frozenset[str] = frozenset({"pages"})
BOTH: frozenset[str] = READ | PAGES
NEITHER: frozenset[str] = frozenset()



@dataclass(frozen=True, slots=True)
class Key:
    """One ``archive.yaml`` key: a row of :data:`KEYS`.

    ``name`` is dotted for keys of a section (``read.boilerplate``) and is also
    the attribute path in :class:`Config`; ``kind`` is the YAML type accepted
    (``object``: any); ``default`` the value when the key is absent; ``check``
    validates and converts the YAML value; ``affects`` holds ``"read"``,
    ``"pages"``, both or neither; ``digest_value`` turns the value into what
    enters a digest; ``doc``, ``shown_default`` and ``example`` (a YAML value)
    document it.
    """

    name: str
    kind: type
    default: Any
    check: Check
    affects: frozenset[str]
    doc: str
    example: str
    shown_default: str = ""
    digest_value: Callable[[Any], Any] | None = None

    def value_of(self, config: Config) -> Any:
        """This key's value in ``config``."""
        value: Any = config
        for part in self.name.split("."):
            value = getattr(value, part)
        return value


@dataclass(frozen=True, slots=True)
class _Spec:
    """What :func:`key` stores in a field's metadata (the name and default come from the field)."""

    kind: type
    check: Check
    affects: frozenset[str]
    doc: str
    example: str
    shown_default: str
    digest_value: Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Section:
    check: SectionCheck | None
    doc: str


def _as_is(name: str, value: Any) -> tuple[Any, Problems]:
    return value, []


def key(*, kind: type, affects: frozenset[str], doc: str, example: str,
        check: Check = _as_is, shown_default: str = "",
        digest_value: Callable[[Any], Any] | None = None) -> Mapping[str, _Spec]:
    """The metadata making a dataclass field the ``archive.yaml`` key of the same name."""
    return {"key": _Spec(kind, check, affects, doc, example, shown_default, digest_value)}


def section(*, doc: str, check: SectionCheck | None = None) -> Mapping[str, _Section]:
    """The metadata making a dataclass field (of a dataclass type) a mapping of keys."""
    return {"section": _Section(check, doc)}


def _plugins_digest(names: tuple[str, ...]) -> str:
    from newsarchive import hooks  # a plugin's version changes what it reads and renders

    return hooks.digest(names)



# -- the configuration: every key declared once -------------------------------------------------

@dataclass(frozen=True, slots=True)
class ReadSettings:
    """How readers interpret sources.

    ``timezone``, ``plugins`` and ``term_keys`` are not keys of their own:
    :func:`parse_config` copies them from the top-level ``timezone``,
    ``plugins`` and ``taxonomies`` so a reader needs only this object.
    """

    timezone: str = "UTC"
    boilerplate: tuple[str, ...] = field(default=(), metadata=key(
        kind=list, affects=READ, check=checks.boilerplate, example='["^Click here to .*"]',
        doc="extra regular expressions; a whole line matching one is removed from raw text"))
    json_fields: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_JSON_FIELDS),
        metadata=key(
            kind=dict, affects=READ, check=checks.json_fields, shown_default="news-please names",
            example="{title: [headline], body: [maintext, text]}",
            doc="record keys tried in order for each article field of JSON sources "
                f"(fields: {', '.join(f'`{name}`' for name in DEFAULT_JSON_FIELDS)}); "
                "the fields not given keep their defaults"))
    include_drafts: bool = field(default=False, metadata=key(
        kind=bool, affects=READ, example="true", doc="build front-matter drafts too"))
    #: The plugins' names (see :mod:`newsarchive.hooks`): their readers read too.
    plugins: tuple[str, ...] = ()
    #: Taxonomy -> the front-matter keys whose values are its terms.
    term_keys: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: term_keys(BUILTIN))


@dataclass(frozen=True, slots=True)
class TopicSettings:
    """Automatic topics: which taxonomies to derive, extra aliases, blocked terms."""

    enabled: tuple[str, ...] = field(default=DERIVED_TAXONOMIES, metadata=key(
        kind=list, affects=READ, check=checks.enabled, shown_default="all four",
        example="[places, people]",
        doc="automatic taxonomies: " + ", ".join(f"`{t}`" for t in DERIVED_TAXONOMIES)
        + "; with `places` on, places written in the front matter also get their region "
          "and country (`[Houston]` is filed under Texas and the United States too)"))
    aliases: Mapping[str, str] = field(default_factory=dict, metadata=key(
        kind=dict, affects=READ, check=checks.aliases, example="{USSR: Soviet Union}",
        doc="extra names as written in text, each mapped to its canonical name"))
    block: tuple[str, ...] = field(default=(), metadata=key(
        kind=list, affects=READ, check=checks.strings, example="[Internet]",
        doc="terms never attached automatically"))
    min_salience: float = field(default=2.0, metadata=key(
        kind=float, affects=READ, check=checks.number, example="3.5",
        doc="how salient (title, lead, repetition) a term must be to be attached"))
    subject_model: bool = field(default=True, metadata=key(
        kind=bool, affects=READ, example="false",
        doc="let the shipped classifier, which reads the whole article, choose the main "
            "subject (`false`: cue words alone)"))


@dataclass(frozen=True, slots=True)
class MarkdownSettings:
    """How Markdown bodies become HTML (:mod:`newsarchive.pipeline.markdown`).

    Bodies are rendered when articles are enriched and the HTML is shown on
    pages, so these keys enter both digests.
    """

    engine: str = field(default="markdown-it", metadata=key(
        kind=str, affects=BOTH, check=checks.engine, example="python-markdown",
        doc="`markdown-it` (CommonMark and tables, the fast default) or `python-markdown` "
            "(Python-Markdown, with the extensions a Pelican or MkDocs site uses)"))
    extensions: tuple[str, ...] = field(default=(), metadata=key(
        kind=list, affects=BOTH, check=checks.extensions, example="[toc, tables, footnotes]",
        doc="Python-Markdown extensions by name (`toc`, `tables`, `footnotes`, `attr_list`, "
            "`admonition`, `fenced_code`, `md_in_html`, or a module such as "
            "`pymdownx.tilde`); each is loaded once when the config is read"))
    extension_configs: Mapping[str, Mapping[str, Any]] = field(
        default_factory=dict,
        metadata=key(kind=dict, affects=BOTH, check=checks.extension_configs,
                     example="{toc: {toc_depth: 3}}",
                     doc="options of the listed extensions, by extension name"))


@dataclass(frozen=True, slots=True)
class CiteSettings:
    """The "Cite this article" block of article pages (:mod:`newsarchive.cite`)."""

    accessed: str = field(default="", metadata=key(
        kind=object, affects=PAGES, check=checks.accessed, shown_default="*(unset)*",
        example="2026-12-04",
        doc="the date citations say the article was retrieved (ISO `YYYY-MM-DD`); unset: "
            "the day of `SOURCE_DATE_EPOCH` when that is set, else no retrieval date. "
            "Changing it re-renders every article page; see [Citations](#citations)"))


@dataclass(frozen=True, slots=True)
class Config:
    """The whole configuration of one archive.  Paths are absolute."""

    title: str = field(default="News Archive", metadata=key(
        kind=str, affects=PAGES, check=checks.xml_text, example="The Gazette Archive",
        doc="site title"))
    description: str = field(default="A searchable archive of news articles.", metadata=key(
        kind=str, affects=PAGES, check=checks.xml_text,
        example="Forty years of the Gazette.",
        doc="site description, used in the header, feeds and meta tags"))
    base_url: str = field(default="", metadata=key(
        kind=str, affects=PAGES, check=checks.base_url, shown_default="*(unset)*",
        example="https://gazette.github.io/archive/",
        doc="absolute URL the site is served from; needed only for feeds, the sitemap and "
            "canonical links (unset: `http://localhost:8000/`, with a warning). "
            "`--base-url` overrides it"))
    language: str = field(default="en", metadata=key(
        kind=str, affects=BOTH, check=checks.language, example="fr-CA",
        doc="language of the site (`<html lang>`); an article's own `lang` wins on its page"))
    timezone: str = field(default="UTC", metadata=key(
        kind=str, affects=BOTH, check=checks.timezone, example="Europe/London",
        doc="IANA time zone for dates printed without one, and for the date pages"))
    per_page: int = field(default=20, metadata=key(
        kind=int, affects=PAGES, check=checks.count, example="25",
        doc="articles per listing page (1 to 1000)"))
    feed_size: int = field(default=50, metadata=key(
        kind=int, affects=PAGES, check=checks.count, example="100",
        doc="entries per Atom feed (1 to 1000)"))
    related: int = field(default=5, metadata=key(
        kind=int, affects=PAGES, check=checks.related, example="8",
        doc="related articles listed on each article page, chosen by shared rare terms "
            "and nearness in time (0 to 50; 0 turns the list off)"))
    source_dir: Path = field(default=Path("seeds"), metadata=key(
        kind=str, affects=NEITHER, check=checks.path, example="articles", doc="folder of articles"))
    output_dir: Path = field(default=Path("site"), metadata=key(
        kind=str, affects=NEITHER, check=checks.path, example="public", doc="output folder"))
    templates_dir: Path | None = field(default=None, metadata=key(
        kind=str, affects=NEITHER, check=checks.path, shown_default="`templates` if present",
        example="theme/templates",
        doc="your templates; each one overrides the default theme's template of the same "
            "name (their own digests decide which pages are rendered again)"))
    static_dir: Path | None = field(default=None, metadata=key(
        kind=str, affects=NEITHER, check=checks.path, shown_default="`static` if present",
        example="theme/static",
        doc="your static files, copied to `site/static/` over the theme's"))
    cache_dir: Path = field(default=Path(".newsarchive-cache"), metadata=key(
        kind=str, affects=NEITHER, check=checks.path, example=".cache",
        doc="cache of read articles and the manifest of written files (kept outside the "
            "output)"))
    cname: str = field(default="", metadata=key(
        kind=str, affects=PAGES, check=checks.xml_text, shown_default="*(unset)*",
        example="archive.example.org", doc="custom domain: writes `site/CNAME`"))
    index_html: bool = field(default=True, metadata=key(
        kind=bool, affects=PAGES, example="false",
        doc="internal links end in `index.html`, so the site works opened from disk; `false` "
            "gives `/2000/12/` links"))
    search: bool = field(default=True, metadata=key(
        kind=bool, affects=NEITHER, example="false",
        doc="index article pages for search with Pagefind after each build that changed one "
            "(`--no-search` skips it once)"))
    follow_symlinks: bool = field(default=False, metadata=key(
        kind=bool, affects=NEITHER, example="true",
        doc="read symbolic links in the source folder that point outside it (off: they are "
            "reported and not read)"))
    plugins: tuple[str, ...] = field(default=(), metadata=key(
        kind=list, affects=BOTH, check=checks.plugins, digest_value=_plugins_digest,
        example="[calendar]",
        doc="plugins to load, by the name of their entry point in the group "
            "`newsarchive.plugins`: they add readers, page families, template filters and "
            "hooks; their names and versions enter both digests"))
    taxonomies: tuple[Taxonomy, ...] = field(default=BUILTIN, metadata=key(
        kind=object, affects=BOTH, check=checks.taxonomies,
        shown_default="the built-in ones",
        example="{section: {singular: Section, plural: Sections, keys: [section]}}",
        doc="the site's own taxonomies, added to the built-in ones (`topics`, `places`, "
            "`people`, `organizations`, `subjects`, `sources`, `authors`); see "
            "[Taxonomies](#taxonomies)"))
    read: ReadSettings = field(default_factory=ReadSettings,
                               metadata=section(doc="how sources are read"))
    topics: TopicSettings = field(default_factory=TopicSettings,
                                  metadata=section(doc="automatic topics"))
    markdown: MarkdownSettings = field(
        default_factory=MarkdownSettings,
        metadata=section(doc="how Markdown bodies become HTML", check=checks.markdown_section))
    cite: CiteSettings = field(default_factory=CiteSettings,
                               metadata=section(doc="citations on article pages"))
    config_path: Path | None = None

    @property
    def base_path(self) -> str:
        """The path part of ``base_url`` with slashes on both ends (``/archive/``)."""
        from urllib.parse import urlsplit

        path = urlsplit(self.base_url).path.strip("/")
        return f"/{path}/" if path else "/"


def _walk(kind: type, prefix: str = "") -> Iterator[Key]:
    for f in dataclasses.fields(kind):
        if "key" in f.metadata:
            spec: _Spec = f.metadata["key"]
            default = (f.default if f.default_factory is dataclasses.MISSING
                       else f.default_factory())
            yield Key(prefix + f.name, spec.kind, default, spec.check, spec.affects, spec.doc,
                      spec.example, spec.shown_default, spec.digest_value)
        elif "section" in f.metadata:
            yield from _walk(f.default_factory, f"{prefix}{f.name}.")  # type: ignore[arg-type]


#: Every key of ``archive.yaml``, in the order of the dataclass fields.
KEYS: tuple[Key, ...] = tuple(_walk(Config))
_SECTIONS: Mapping[str, _Section] = {f.name: f.metadata["section"]
                                     for f in dataclasses.fields(Config)
                                     if "section" in f.metadata}
_TOP: Mapping[str, Key] = {k.name: k for k in KEYS if "." not in k.name}
_UNDER: Mapping[str, Mapping[str, Key]] = {
    name: {k.name.split(".", 1)[1]: k for k in KEYS if k.name.startswith(name + ".")}
    for name in _SECTIONS}


def key_values(config: Config, affects: str) -> tuple[tuple[str, Any], ...]:
    """``(name, value)`` of every key whose ``affects`` holds ``affects`` ("read" or
    "pages"), each value as it enters a digest; the material of the digests."""
    return tuple((k.name, k.digest_value(k.value_of(config)) if k.digest_value
                  else k.value_of(config)) for k in KEYS if affects in k.affects)


def _line_of(text: str, key: str) -> int:
    match = re.search(rf"^\s*{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def _type_ok(value: Any, kind: type) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _load(text: str, path: str) -> dict[Any, Any]:
    # Imported here: newsarchive.pipeline.read imports this module.  load_yaml refuses alias
    # bombs, recursive aliases and nesting past 100 levels, with a line.
    from newsarchive.pipeline.read.yamlsafe import YamlLimitError, load_yaml

    try:
        raw = load_yaml(text, loader=yaml.SafeLoader) if text.strip() else {}
    except YamlLimitError as exc:
        raise ConfigError((Diagnostic(path, exc.line, exc.column, f"the config is {exc.problem}",
                                      exc.hint),)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = getattr(exc, "problem", None) or exc
        raise ConfigError((Diagnostic(path, line, col, f"invalid YAML: {problem}",
                                      "check indentation and quoting"),)) from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError((Diagnostic(path, 1, 0, "the config must be a mapping of keys",
                                      "write `key: value` lines"),))
    return raw


def parse_config(text: str, path: str, root: Path, overrides: Mapping[str, Any] | None = None
                 ) -> Config:
    """Parse YAML ``text`` (from ``path``) into a Config; relative paths resolve from ``root``.

    ``overrides`` (from the command line) replace top-level keys after parsing.
    Raises ConfigError naming every bad key: first the unknown keys and values of
    the wrong type, then the invalid values, each group in the order of the file.
    """
    unknown: list[Diagnostic] = []
    invalid: list[Diagnostic] = []

    def bad(problems: list[Diagnostic], name: str, message: str, hint: str = "") -> None:
        problems.append(Diagnostic(path, _line_of(text, name.split(".")[-1]), 0, message, hint))

    def take(k: Key, value: Any, into: dict[str, Any]) -> None:
        if value is None:  # `key:` with no value keeps the default
            return
        if not _type_ok(value, k.kind):
            bad(unknown, k.name, f"'{k.name}' must be a {k.kind.__name__}")
            return
        converted, problems = k.check(k.name, value)
        for message, hint in problems:
            bad(invalid, k.name, message, hint)
        if not problems:
            into[k.name.split(".")[-1]] = converted

    raw = {**_load(text, path), **(overrides or {})}
    values: dict[str, Any] = {}
    sections: dict[str, dict[str, Any]] = {name: {} for name in _SECTIONS}
    known = sorted([*_TOP, *_SECTIONS])
    for name, value in raw.items():
        if name in _SECTIONS:
            sub_keys = _UNDER[name]
            if value is None:
                continue
            if not isinstance(value, dict):
                bad(unknown, name, f"'{name}' must be a mapping",
                    f"keys: {', '.join(sorted(sub_keys))}")
                continue
            for sub, sub_value in value.items():
                if sub not in sub_keys:
                    bad(unknown, f"{name}.{sub}", f"unknown config key '{name}.{sub}'",
                        f"known keys under '{name}': {', '.join(sorted(sub_keys))}")
                else:
                    take(sub_keys[sub], sub_value, sections[name])
            check = _SECTIONS[name].check
            if check is not None:
                for where, message, hint in check(sections[name]):
                    bad(invalid, where, message, hint)
        elif name in _TOP:
            take(_TOP[name], value, values)
        else:
            bad(unknown, str(name), f"unknown config key '{name}'",
                f"known keys: {', '.join(known)}")
    if unknown or invalid:
        raise ConfigError((*unknown, *invalid))

    for name in ("source_dir", "output_dir", "templates_dir", "static_dir", "cache_dir"):
        if name in values:
            values[name] = (root / values[name]).resolve()
    values.setdefault("source_dir", (root / _TOP["source_dir"].default).resolve())
    values.setdefault("output_dir", (root / _TOP["output_dir"].default).resolve())
    values.setdefault("cache_dir", (root / _TOP["cache_dir"].default).resolve())
    from newsarchive import theme

    # A site's own templates/ and static/ beside its config override the default
    # theme per file; in a checkout of newsarchive they are the default theme.
    for name, found in (("templates_dir", root / "templates"), ("static_dir", root / "static")):
        if values.get(name) is None and found.is_dir():
            values[name] = found.resolve()
        default = theme.templates_dir() if name == "templates_dir" else theme.static_dir()
        if values.get(name) == default.resolve():
            values[name] = None
    # Readers get copies of the top-level keys they need (see ReadSettings).
    read = ReadSettings(**{"timezone": values.get("timezone", _TOP["timezone"].default),
                           "plugins": values.get("plugins", _TOP["plugins"].default),
                           "term_keys": term_keys(values.get("taxonomies",
                                                             _TOP["taxonomies"].default)),
                           **sections["read"]})
    return Config(**values, read=read, topics=TopicSettings(**sections["topics"]),
                  markdown=MarkdownSettings(**sections["markdown"]),
                  cite=CiteSettings(**sections["cite"]),
                  config_path=(root / path).resolve() if path else None)


def load_config(path: Path | None, root: Path, overrides: Mapping[str, Any] | None = None
                ) -> Config:
    """Load ``path`` (or only defaults when ``None``) with paths relative to ``root``."""
    text = ""
    shown = ""
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise ConfigError((Diagnostic(str(path), 0, 0, f"cannot read config: {exc.strerror}",
                                          "check the --config path"),)) from None
        except UnicodeDecodeError:
            raise ConfigError((Diagnostic(str(path), 0, 0, "config is not UTF-8",
                                          "save archive.yaml as UTF-8"),)) from None
        shown = path.as_posix()
    config = parse_config(text, shown or "archive.yaml", root, overrides)
    if not config.cite.accessed:  # the reproducible-builds clock, read once here
        import os

        from newsarchive.cite import accessed_date

        try:
            accessed = accessed_date("", os.environ)
        except ValueError as exc:
            raise ConfigError((Diagnostic("SOURCE_DATE_EPOCH", 0, 0, str(exc),
                                          "unset it, or set cite.accessed in archive.yaml"),
                               )) from None
        if accessed:
            config = dataclasses.replace(config, cite=CiteSettings(accessed=accessed))
    if path is None:
        config = dataclasses.replace(config, config_path=None)
    return config


def _shown(k: Key) -> str:
    if k.shown_default:
        return k.shown_default
    default = k.default
    if isinstance(default, Path):
        default = default.as_posix()
    if isinstance(default, tuple):
        default = list(default)
    dumped = yaml.safe_dump(default, default_flow_style=True, width=1000)
    return f"`{dumped.strip().removesuffix('...').strip()}`"


_AFFECTS_SHOWN = {READ: "read", PAGES: "pages", BOTH: "read, pages", NEITHER: "—"}


def reference() -> str:
    """The key reference of ``docs/configuration.md``: a Markdown table of :data:`KEYS`."""
    rows = ["| key | type | default | rebuilds | meaning | example |",
            "| --- | --- | --- | --- | --- | --- |"]
    for k in KEYS:
        kind = "any" if k.kind is object else {"str": "string", "int": "integer",
                                               "bool": "boolean", "float": "number",
                                               "list": "list", "dict": "mapping"}[k.kind.__name__]
        rows.append(f"| `{k.name}` | {kind} | {_shown(k)} | {_AFFECTS_SHOWN[k.affects]} "
                    f"| {k.doc} | `{k.example}` |")
    return "\n".join(rows) + "\n"
