"""The checks of ``archive.yaml`` values: each takes a key's name and its YAML
value (already of the key's type) and returns the value to store, converted,
with the problems found (``(message, hint)`` pairs), so that
:func:`newsarchive.config.parse_config` reports every bad key at once.  The
values some checks accept (the derivable taxonomies, the Markdown engines,
the record keys of each article field) are defined here too.

Declared with the keys in :mod:`newsarchive.config_schema` (``key(check=...)``);
:func:`markdown_section` checks the ``markdown:`` keys together.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsarchive.taxonomy import parse_taxonomies

__all__ = [
    "DEFAULT_JSON_FIELDS", "DERIVED_TAXONOMIES", "ENGINES", "Problems", "accessed", "aliases",
    "base_url", "boilerplate", "count", "enabled", "engine", "extension_configs", "extensions",
    "json_fields", "language", "markdown_section", "number", "path", "plugins", "related",
    "strings", "taxonomies", "timezone", "xml_text",
]

#: The taxonomies automatic topics can derive from an article's text.
DERIVED_TAXONOMIES: tuple[str, ...] = ("places", "people", "organizations", "subjects")

#: The Markdown engines ``markdown.engine`` names (see :mod:`newsarchive.pipeline.markdown`).
ENGINES: tuple[str, ...] = ("markdown-it", "python-markdown")

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

#: ``(message, hint)`` pairs found by a check.
Problems = list[tuple[str, str]]

#: Characters XML 1.0 forbids (tab, newline and carriage return are allowed).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def xml_text(name: str, value: str) -> tuple[Any, Problems]:
    if _FORBIDDEN.search(value):
        return None, [(f"'{name}' holds a control character, which HTML and XML feeds cannot "
                       f"carry: {value!r}"[:200], "remove it from archive.yaml")]
    return value, []


def accessed(name: str, value: Any) -> tuple[Any, Problems]:
    import datetime as dt

    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat(), []
    if isinstance(value, str):
        try:
            return (dt.date.fromisoformat(value.strip()).isoformat() if value.strip() else ""), []
        except ValueError:
            pass
    return None, [(f"'{name}' must be a date written YYYY-MM-DD, not {value!r}"[:200],
                   "e.g. accessed: 2026-12-04")]


def base_url(name: str, value: str) -> tuple[Any, Problems]:
    base = value.strip()
    if base and not re.match(r"^https?://[^/\s]+", base):
        return None, [(f"base_url '{base}' is not an http(s) URL",
                       "e.g. https://example.org/archive/")]
    return (base.rstrip("/") + "/" if base else ""), []


def language(name: str, value: str) -> tuple[Any, Problems]:
    from newsarchive.langtags import normalize  # canonical BCP 47: zh_cn -> zh-CN

    tag = normalize(value)
    if not tag:
        return None, [(f"'{value}' is not a language tag", "e.g. 'en' or 'fr-CA'")]
    return tag, []


def timezone(name: str, value: str) -> tuple[Any, Problems]:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None, [(f"unknown timezone '{value}'",
                       "use an IANA name such as 'UTC' or 'Europe/Paris'")]
    return value, []


def count(name: str, value: int) -> tuple[Any, Problems]:
    if not 1 <= value <= 1000:
        return None, [(f"'{name}' must be between 1 and 1000", "")]
    return value, []


def related(name: str, value: int) -> tuple[Any, Problems]:
    if not 0 <= value <= 50:
        return None, [(f"'{name}' must be between 0 and 50", "")]
    return value, []


def path(name: str, value: str) -> tuple[Any, Problems]:
    return Path(value), []  # resolved against the config's folder by parse_config


def plugins(name: str, value: list[Any]) -> tuple[Any, Problems]:
    if not all(isinstance(plugin, str) and plugin for plugin in value):
        return None, [("'plugins' must be a list of plugin names", "e.g. `plugins: [calendar]`")]
    return tuple(value), []


def taxonomies(name: str, value: Any) -> tuple[Any, Problems]:
    taxonomies, problems = parse_taxonomies(value)
    return taxonomies, list(problems)


def boilerplate(name: str, value: list[Any]) -> tuple[Any, Problems]:
    problems: Problems = []
    for rule in value:
        try:
            re.compile(str(rule))
        except re.error as exc:
            problems.append((f"boilerplate rule {rule!r} is not a regular expression: {exc}", ""))
    return tuple(str(rule) for rule in value), problems


def json_fields(name: str, value: dict[Any, Any]) -> tuple[Any, Problems]:
    merged = dict(DEFAULT_JSON_FIELDS)
    problems: Problems = []
    for article_field, keys in value.items():
        if article_field not in DEFAULT_JSON_FIELDS:
            problems.append((f"unknown article field '{article_field}' in read.json_fields",
                             f"fields: {', '.join(DEFAULT_JSON_FIELDS)}"))
            continue
        if not (isinstance(keys, str) or (isinstance(keys, list) and keys
                                          and all(isinstance(k, str) for k in keys))):
            problems.append((f"read.json_fields.{article_field} must be a record key or a list "
                             f"of record keys, not {keys!r}"[:200],
                             f"e.g. `{article_field}: [headline, title]`"))
            continue
        merged[article_field] = tuple([keys] if isinstance(keys, str) else keys)
    return merged, problems


def enabled(name: str, value: list[Any]) -> tuple[Any, Problems]:
    unknown = [t for t in value if t not in DERIVED_TAXONOMIES]
    if unknown:
        return None, [(f"unknown taxonomy {unknown[0]!r} in topics.enabled",
                       f"taxonomies: {', '.join(DERIVED_TAXONOMIES)}")]
    return tuple(value), []


def aliases(name: str, value: dict[Any, Any]) -> tuple[Any, Problems]:
    return {str(k): str(v) for k, v in value.items()}, []


def strings(name: str, value: list[Any]) -> tuple[Any, Problems]:
    return tuple(str(item) for item in value), []


def number(name: str, value: float) -> tuple[Any, Problems]:
    return float(value), []


def engine(name: str, value: str) -> tuple[Any, Problems]:
    if value not in ENGINES:
        return None, [(f"unknown Markdown engine '{value}'", f"engines: {', '.join(ENGINES)}")]
    return value, []


def extensions(name: str, value: list[Any]) -> tuple[Any, Problems]:
    if not all(isinstance(ext, str) and ext for ext in value):
        return None, [("'markdown.extensions' must be a list of extension names",
                       "e.g. `extensions: [toc, tables, footnotes]`")]
    return tuple(value), []


def extension_configs(name: str, value: dict[Any, Any]) -> tuple[Any, Problems]:
    problems: Problems = [
        (f"'markdown.extension_configs.{ext}' must be a mapping of options",
         f"e.g. `{ext}: {{option: value}}`")
        for ext, options in value.items() if not isinstance(options, dict)]
    return {str(ext): dict(options) for ext, options in value.items()
            if isinstance(options, dict)}, problems


def markdown_section(values: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """The extensions only Python-Markdown runs: each one loaded once, with its options."""
    engine = values.get("engine", "markdown-it")
    extensions: tuple[str, ...] = values.get("extensions", ())
    configs: Mapping[str, Mapping[str, Any]] = values.get("extension_configs", {})
    problems = [("markdown.extension_configs",
                 f"'markdown.extension_configs' names '{ext}', which is not in "
                 f"markdown.extensions", f"add it: `extensions: [{ext}]`")
                for ext in configs if ext not in extensions]
    if engine != "python-markdown":
        if extensions or configs:
            problems.append(("markdown.extensions", "Markdown extensions need the "
                             "python-markdown engine", "set `engine: python-markdown` under "
                             "markdown:, or remove the extensions"))
        return problems
    try:
        import markdown
    except ImportError:
        return [*problems, ("markdown.engine", "the python-markdown engine needs the "
                            "'markdown' package", "pip install 'markdown>=3.5,<4'")]
    for ext in extensions:
        options = dict(configs.get(ext, {}))
        try:
            markdown.Markdown(extensions=[ext], extension_configs={ext: options})
        except KeyError as exc:  # Python-Markdown's answer to an option it does not know
            problems.append(("markdown.extension_configs",
                             f"Markdown extension '{ext}' has no option {exc}",
                             "see the extension's documentation for its options"))
        except Exception as exc:  # anything an extension raises while loading is a bad config
            problems.append(("markdown.extensions",
                             f"Markdown extension '{ext}' cannot be loaded: "
                             f"{type(exc).__name__}: {exc}"[:200],
                             "check its name (toc, tables, footnotes, attr_list, admonition, "
                             "fenced_code, md_in_html ...) or install the package providing it"))
    return problems
