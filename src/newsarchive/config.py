"""Load ``archive.yaml`` over embedded defaults into a frozen :class:`Config`.

Defaults live in the dataclasses.  :func:`load_config` reports every bad or
unknown key by name in one :class:`~newsarchive.errors.ConfigError`.
"""

from __future__ import annotations

import dataclasses
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from newsarchive.errors import ConfigError, Diagnostic
from newsarchive.taxonomy import BUILTIN, Taxonomy, parse_taxonomies, term_keys

__all__ = [
    "DERIVED_TAXONOMIES",
    "Config",
    "ReadSettings",
    "TopicSettings",
    "load_config",
    "parse_config",
]

#: The taxonomies automatic topics can derive from an article's text.
DERIVED_TAXONOMIES: tuple[str, ...] = ("places", "people", "organizations", "subjects")

DEFAULT_JSON_FIELDS: Mapping[str, tuple[str, ...]] = dict(
    {
        "title": ("title", "headline", "name"),
        "date": ("date_publish", "date", "published", "pubDate", "datePublished",
                 "publish_date", "date_published", "created_at", "date_modify",
                 "date_download", "crawl_date"),
        "body": ("maintext", "content_original", "content", "text", "body", "article",
                 "description"),
        "authors": ("authors", "author", "byline"),
        "url": ("url", "link", "source_url"),
        "source": ("source_domain", "source", "source_name", "publisher", "outlet"),
        "summary": ("summary", "description", "abstract"),
        "lang": ("language", "lang"),
        "topics": ("topics", "tags", "keywords", "categories", "topic"),
    }
)


@dataclass(frozen=True, slots=True)
class ReadSettings:
    """How readers interpret sources.

    ``timezone`` applies to dates printed without one; ``boilerplate`` adds
    regular expressions (matched against whole stripped lines) to the default
    boilerplate rules; ``json_fields`` maps each article field to the record
    keys tried in order; ``include_drafts`` builds front-matter drafts too.
    """

    timezone: str = "UTC"
    boilerplate: tuple[str, ...] = ()
    json_fields: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_JSON_FIELDS)
    )
    include_drafts: bool = False
    #: The plugins' names (see :mod:`newsarchive.hooks`): their readers read too.
    plugins: tuple[str, ...] = ()
    #: Taxonomy -> the front-matter keys whose values are its terms.
    term_keys: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: term_keys(BUILTIN))


@dataclass(frozen=True, slots=True)
class TopicSettings:
    """Automatic topics: which taxonomies to derive, extra aliases, blocked terms.

    ``aliases`` maps an alias as written in text to a canonical name
    (``USSR`` -> ``Soviet Union``); ``block`` lists canonical names never
    attached; ``min_salience`` is the score a term needs to be attached.
    """

    enabled: tuple[str, ...] = DERIVED_TAXONOMIES
    aliases: Mapping[str, str] = field(default_factory=dict)
    block: tuple[str, ...] = ()
    min_salience: float = 2.0


@dataclass(frozen=True, slots=True)
class Config:
    """The whole configuration of one archive.  Paths are absolute.

    ``index_html`` makes internal links end in ``index.html`` so the site also
    works opened from disk; set it to false for ``/2000/12/``-style links.
    ``search`` indexes the built site with Pagefind (when installed).
    ``follow_symlinks`` reads symbolic links in the source folder that point
    outside it (off: they are reported and not read).
    """

    title: str = "News Archive"
    description: str = "A searchable archive of news articles."
    base_url: str = ""
    language: str = "en"
    timezone: str = "UTC"
    per_page: int = 20
    feed_size: int = 50
    source_dir: Path = Path("seeds")
    output_dir: Path = Path("site")
    templates_dir: Path | None = None
    static_dir: Path | None = None
    cache_dir: Path = Path(".newsarchive-cache")
    cname: str = ""
    index_html: bool = True
    search: bool = True
    follow_symlinks: bool = False
    #: Names of plugins (entry points of the group ``newsarchive.plugins``) to load.
    plugins: tuple[str, ...] = ()
    #: Every taxonomy of the archive: the built-in ones, then the site's own.
    taxonomies: tuple[Taxonomy, ...] = BUILTIN
    read: ReadSettings = field(default_factory=ReadSettings)
    topics: TopicSettings = field(default_factory=TopicSettings)
    config_path: Path | None = None

    @property
    def base_path(self) -> str:
        """The path part of ``base_url`` with slashes on both ends (``/archive/``)."""
        from urllib.parse import urlsplit

        path = urlsplit(self.base_url).path.strip("/")
        return f"/{path}/" if path else "/"


_TOP_KEYS = {
    "title": str, "description": str, "base_url": str, "language": str, "timezone": str,
    "per_page": int, "feed_size": int, "source_dir": str, "output_dir": str,
    "templates_dir": str, "static_dir": str, "cache_dir": str, "cname": str,
    "index_html": bool, "search": bool, "follow_symlinks": bool, "plugins": list,
    "taxonomies": object,
}
_READ_KEYS = {"boilerplate": list, "json_fields": dict, "include_drafts": bool}
_TOPIC_KEYS = {"enabled": list, "aliases": dict, "block": list, "min_salience": float}
#: Characters XML 1.0 forbids (tab, newline and carriage return are allowed).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _line_of(text: str, key: str) -> int:
    match = re.search(rf"^\s*{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def _type_ok(value: Any, kind: type) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def parse_config(text: str, path: str, root: Path, overrides: Mapping[str, Any] | None = None
                 ) -> Config:
    """Parse YAML ``text`` (from ``path``) into a Config; relative paths resolve from ``root``.

    ``overrides`` (from the command line) replace top-level keys after parsing.
    Raises ConfigError naming every bad key.
    """
    problems: list[Diagnostic] = []

    def bad(key: str, message: str, hint: str = "") -> None:
        problems.append(Diagnostic(path, _line_of(text, key.split(".")[-1]), 0, message, hint))

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
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError((Diagnostic(path, 1, 0, "the config must be a mapping of keys",
                                      "write `key: value` lines"),))
    raw = {**raw, **(overrides or {})}
    values: dict[str, Any] = {}
    read_values: dict[str, Any] = {}
    topic_values: dict[str, Any] = {}
    known = sorted([*_TOP_KEYS, "read", "topics"])
    for key, value in raw.items():
        if key in ("read", "topics"):
            sub_keys = _READ_KEYS if key == "read" else _TOPIC_KEYS
            target = read_values if key == "read" else topic_values
            if not isinstance(value, dict):
                bad(key, f"'{key}' must be a mapping", f"keys: {', '.join(sorted(sub_keys))}")
                continue
            for sub, sub_value in value.items():
                if sub not in sub_keys:
                    bad(f"{key}.{sub}", f"unknown config key '{key}.{sub}'",
                        f"known keys under '{key}': {', '.join(sorted(sub_keys))}")
                elif not _type_ok(sub_value, sub_keys[sub]):
                    bad(f"{key}.{sub}", f"'{key}.{sub}' must be a {sub_keys[sub].__name__}")
                else:
                    target[sub] = sub_value
        elif key not in _TOP_KEYS:
            bad(str(key), f"unknown config key '{key}'", f"known keys: {', '.join(known)}")
        elif value is None:
            continue
        elif not _type_ok(value, _TOP_KEYS[key]):
            bad(key, f"'{key}' must be a {_TOP_KEYS[key].__name__}")
        else:
            values[key] = value

    for key in ("title", "description", "cname"):
        if key in values and _FORBIDDEN.search(values[key]):
            bad(key, f"'{key}' holds a control character, which HTML and XML feeds cannot "
                f"carry: {values[key]!r}"[:200], "remove it from archive.yaml")
            del values[key]
    for key in ("per_page", "feed_size"):
        if key in values and not 1 <= values[key] <= 1000:
            bad(key, f"'{key}' must be between 1 and 1000")
            del values[key]
    if "timezone" in values:
        try:
            zoneinfo.ZoneInfo(values["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            bad("timezone", f"unknown timezone '{values['timezone']}'",
                "use an IANA name such as 'UTC' or 'Europe/Paris'")
            del values["timezone"]
    if "language" in values and not _LANG.match(values["language"]):
        bad("language", f"'{values['language']}' is not a language tag", "e.g. 'en' or 'fr-CA'")
        del values["language"]
    if "base_url" in values:
        base = values["base_url"].strip()
        if base and not re.match(r"^https?://[^/\s]+", base):
            bad("base_url", f"base_url '{base}' is not an http(s) URL",
                "e.g. https://example.org/archive/")
            del values["base_url"]
        else:
            values["base_url"] = base.rstrip("/") + "/" if base else ""
    if "boilerplate" in read_values:
        for rule in read_values["boilerplate"]:
            try:
                re.compile(str(rule))
            except re.error as exc:
                bad("read.boilerplate", f"boilerplate rule {rule!r} is not a regular expression: "
                    f"{exc}")
        read_values["boilerplate"] = tuple(str(rule) for rule in read_values["boilerplate"])
    if "json_fields" in read_values:
        merged = dict(DEFAULT_JSON_FIELDS)
        for name, keys in read_values["json_fields"].items():
            if name not in DEFAULT_JSON_FIELDS:
                bad("json_fields", f"unknown article field '{name}' in read.json_fields",
                    f"fields: {', '.join(DEFAULT_JSON_FIELDS)}")
                continue
            if not (isinstance(keys, str) or (isinstance(keys, list) and keys
                                              and all(isinstance(k, str) for k in keys))):
                bad("json_fields", f"read.json_fields.{name} must be a record key or a list "
                    f"of record keys, not {keys!r}"[:200],
                    f"e.g. `{name}: [headline, title]`")
                continue
            merged[name] = tuple([keys] if isinstance(keys, str) else keys)
        read_values["json_fields"] = merged
    if "enabled" in topic_values:
        unknown = [t for t in topic_values["enabled"] if t not in DERIVED_TAXONOMIES]
        if unknown:
            bad("enabled", f"unknown taxonomy {unknown[0]!r} in topics.enabled",
                f"taxonomies: {', '.join(DERIVED_TAXONOMIES)}")
        topic_values["enabled"] = tuple(t for t in topic_values["enabled"]
                                        if t in DERIVED_TAXONOMIES)
    if "aliases" in topic_values:
        topic_values["aliases"] = {str(k): str(v) for k, v in topic_values["aliases"].items()}
    if "block" in topic_values:
        topic_values["block"] = tuple(str(b) for b in topic_values["block"])
    if "min_salience" in topic_values:
        topic_values["min_salience"] = float(topic_values["min_salience"])
    if "plugins" in values:
        if not all(isinstance(name, str) and name for name in values["plugins"]):
            bad("plugins", "'plugins' must be a list of plugin names",
                "e.g. `plugins: [calendar]`")
            del values["plugins"]
        else:
            values["plugins"] = tuple(values["plugins"])
    if "taxonomies" in values:
        values["taxonomies"], tax_problems = parse_taxonomies(values["taxonomies"])
        for message, hint in tax_problems:
            bad("taxonomies", message, hint)
    if problems:
        raise ConfigError(tuple(problems))

    for key in ("source_dir", "output_dir", "templates_dir", "static_dir", "cache_dir"):
        if key in values:
            values[key] = (root / values[key]).resolve()
    values.setdefault("source_dir", (root / "seeds").resolve())
    values.setdefault("output_dir", (root / "site").resolve())
    values.setdefault("cache_dir", (root / ".newsarchive-cache").resolve())
    from newsarchive import theme

    # A site's own templates/ and static/ beside its config override the default
    # theme per file; in a checkout of newsarchive they are the default theme.
    for key, found in (("templates_dir", root / "templates"), ("static_dir", root / "static")):
        if values.get(key) is None and found.is_dir():
            values[key] = found.resolve()
        default = theme.templates_dir() if key == "templates_dir" else theme.static_dir()
        if values.get(key) == default.resolve():
            values[key] = None
    timezone = values.get("timezone", "UTC")
    read = ReadSettings(**{"timezone": timezone, "plugins": values.get("plugins", ()),
                           "term_keys": term_keys(values.get("taxonomies", BUILTIN)),
                           **read_values})
    topics = TopicSettings(**topic_values)
    return Config(**values, read=read, topics=topics,
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
    if path is None:
        config = dataclasses.replace(config, config_path=None)
    return config
