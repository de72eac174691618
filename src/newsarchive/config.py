"""Load ``archive.yaml`` over embedded defaults into a frozen :class:`Config`.

Each key is declared once, as a field of :class:`Config` or of one of its
sections (:class:`ReadSettings`, :class:`TopicSettings`,
:class:`MarkdownSettings`) made with :func:`key`, in
:mod:`newsarchive.config_schema`: its default, the YAML type it accepts, the
check that validates and converts it (:mod:`newsarchive.config_checks`), what
it affects and its documentation.  :data:`KEYS` reads them back as :class:`Key`
rows, and everything else derives from that table: :func:`parse_config`, the
digests of :mod:`newsarchive.incremental.keys` (through :func:`key_values`) and
the key reference of ``docs/configuration.md`` (:func:`reference`).  The
declarations are re-exported here, so every name is imported from this module.

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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

# The declarations are re-exported: every name is still imported from newsarchive.config.
from newsarchive.config_checks import DEFAULT_JSON_FIELDS as DEFAULT_JSON_FIELDS
from newsarchive.config_checks import DERIVED_TAXONOMIES, ENGINES
from newsarchive.config_checks import Problems as Problems
from newsarchive.config_schema import (
    BOTH,
    KEYS,
    NEITHER,
    PAGES,
    READ,
    SECTIONS,
    CiteSettings,
    Config,
    Key,
    MarkdownSettings,
    ReadSettings,
    TopicSettings,
)
from newsarchive.config_schema import Check as Check
from newsarchive.config_schema import SectionCheck as SectionCheck
from newsarchive.config_schema import key as key
from newsarchive.config_schema import section as section
from newsarchive.errors import ConfigError, Diagnostic
from newsarchive.taxonomy import term_keys

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
    "line_of_key",
    "load_config",
    "parse_config",
    "reference",
]

#: What the parser looks names up in: the top-level keys, and each section's keys by
#: their name within it.
_TOP: Mapping[str, Key] = {k.name: k for k in KEYS if "." not in k.name}
_UNDER: Mapping[str, Mapping[str, Key]] = {
    name: {k.name.split(".", 1)[1]: k for k in KEYS if k.name.startswith(name + ".")}
    for name in SECTIONS}


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
    sections: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    known = sorted([*_TOP, *SECTIONS])
    for name, value in raw.items():
        if name in SECTIONS:
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
            check = SECTIONS[name].check
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
    for name in ("templates_dir", "static_dir"):  # a typo must not fall back to the theme's
        folder = values.get(name)
        if folder is not None and not folder.is_dir():
            bad(invalid, name, f"'{name}' is {folder}, which "
                + ("is not a folder" if folder.exists() else "does not exist"),
                "correct the path (it is relative to the config's folder), or remove the key "
                "to use the default theme's")
    values.setdefault("source_dir", (root / _TOP["source_dir"].default).resolve())
    values.setdefault("output_dir", (root / _TOP["output_dir"].default).resolve())
    values.setdefault("cache_dir", (root / _TOP["cache_dir"].default).resolve())
    if values["cache_dir"].exists() and not values["cache_dir"].is_dir():  # made if missing
        bad(invalid, "cache_dir", f"the cache folder {values['cache_dir']} is a file",
            "set cache_dir to a folder (it is made when missing), or move the file away")
    if invalid:
        raise ConfigError(tuple(invalid))
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


def line_of_key(config: Config, key: str) -> int:
    """The line of the top-level ``key`` in the config file ``config`` was loaded from
    (0: not there, or no file)."""
    if config.config_path is None:
        return 0
    try:
        return _line_of(config.config_path.read_text(encoding="utf-8-sig"), key)
    except (OSError, UnicodeDecodeError):
        return 0


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
