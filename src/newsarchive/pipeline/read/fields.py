"""Mapping front-matter keys onto :class:`~newsarchive.model.Article` fields.

Each field has a list of keys, canonical one first (the one ``serialize``
writes); the first key present with a value wins and the others are kept in
``extra`` under their own names, so nothing is lost and a written page reads
back to the same Article.  Term keys are merged instead: ``topics``, ``tags``,
``keywords`` and ``categories`` all feed the ``topics`` taxonomy, and the keys
of a site's own taxonomies (``ReadSettings.term_keys``, from the
``taxonomies:`` table of archive.yaml) feed theirs.

The original URL is kept only when :func:`newsarchive.urls.safe_url` accepts
it as a page address (``http``/``https`` with a host): a ``javascript:``,
``data:`` or ``//host`` value is dropped with a warning and the next URL key
is tried.  A site-relative ``url`` (Hugo's ``url: /x/``, the page's own path)
is not an original URL either; it stays in ``extra`` without a warning.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from newsarchive.errors import ContentError, Diagnostic
from newsarchive.model import Article, BodyFormat
from newsarchive.pipeline.read.dates import coerce_date
from newsarchive.pipeline.read.text import detect_lang
from newsarchive.taxonomy import BUILTIN, term_keys
from newsarchive.urls import safe_url

__all__ = [
    "CANONICAL_KEYS",
    "FIELD_KEYS",
    "TERM_KEYS",
    "article_from_meta",
    "dedupe",
    "dropped_url",
    "plain",
    "present",
]

#: Article field -> front-matter keys (lower case), the canonical key first.
FIELD_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "title": ("title",),
    "published": ("date", "publishdate", "pubdate", "published", "date_published"),
    "updated": ("updated", "lastmod", "modified", "date_modified"),
    "source": ("source", "publisher"),
    "authors": ("authors", "author", "byline"),
    "dateline": ("dateline",),
    "agency": ("agency",),
    "copyright": ("copyright",),
    "original_url": ("original_url", "url", "source_url", "link", "canonical_url"),
    "lang": ("lang", "language"),
    "slug": ("slug",),
    "summary": ("summary", "description", "excerpt"),
    "draft": ("draft",),
    "body_format": ("format",),
    "translation_key": ("translation_key", "translationkey"),
    "thread": ("thread",),
})

#: Built-in taxonomy -> front-matter keys merged into it (a site's own
#: taxonomies add theirs: ``ReadSettings.term_keys``).
TERM_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(dict(term_keys(BUILTIN)))

#: Keys with a meaning when a page is read back whatever the config; a JSON
#: record's leftover key with one of these names is kept in ``extra`` as
#: ``record_<key>``.
CANONICAL_KEYS: frozenset[str] = frozenset(
    {key for keys in FIELD_KEYS.values() for key in keys}
    | {key for keys in TERM_KEYS.values() for key in keys}
)

_TEXT_FIELDS = ("title", "source", "dateline", "agency", "copyright", "original_url", "lang",
                "slug", "summary", "translation_key", "thread")
_FORMATS: Mapping[str, BodyFormat] = MappingProxyType(
    {"text": "text", "markdown": "markdown", "md": "markdown", "html": "html"})
# A scheme, or a protocol-relative start, once the characters a browser
# ignores are gone: what makes a `url` value more than a site-relative path.
_NOT_A_PATH = re.compile(r"[a-z][a-z0-9+.-]*:|[/\\]{2}", re.IGNORECASE)
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")
_SHOWN_URL = 60


def dropped_url(source_path: str, line: int, column: int, key: str, value: str) -> Diagnostic:
    """The warning for a URL refused by :func:`newsarchive.urls.safe_url`.

    ``value`` is shown cut to 60 characters, quoted with its control
    characters escaped, so it cannot break the diagnostic's line.
    """
    shown = value if len(value) <= _SHOWN_URL else value[:_SHOWN_URL] + "…"
    return Diagnostic(source_path, line, column,
                      f"dropped the URL of '{key}': only http and https links are kept "
                      f"({shown!r})",
                      "write the article's address as https://..., or remove the key",
                      "warning")


def plain(value: Any) -> Any:
    """``value`` with dates as ISO text and tuples as lists: plain JSON/YAML data."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def dedupe(names: Iterable[str]) -> tuple[str, ...]:
    """Stripped, non-empty names without repeats (case-insensitive), first spelling kept."""
    seen: set[str] = set()
    result = []
    for name in names:
        cleaned = " ".join(name.split())
        if cleaned and cleaned.casefold() not in seen:
            seen.add(cleaned.casefold())
            result.append(cleaned)
    return tuple(result)


def _names(value: Any, split_commas: bool) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split(",") if split_commas else [value]
    if isinstance(value, Mapping):
        name = value.get("name") or value.get("title")
        return [str(name)] if name is not None else []
    if isinstance(value, list | tuple):
        return [name for item in value for name in _names(item, False)]
    return [str(value)]


#: An author field written as a byline or as a list in text: ``By A``, ``['A', 'B']``.
_BYLINE = re.compile(r"^\s*(?:by\s|\[)", re.IGNORECASE)
#: An HTML character reference: ``&#8211;``, ``&#x2013;``, ``&ndash;``.
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});", re.IGNORECASE)


def _unescaped(text: str) -> str:
    """``text`` with its HTML character references decoded (``IRS &#8211; Usability``
    -> ``IRS – Usability``): exports write titles and summaries as HTML text."""
    return html.unescape(text) if _ENTITY.search(text) else text


def present(value: Any) -> bool:
    """Whether ``value`` says something: not None, nor an empty string, list or mapping."""
    return value is not None and value != "" and value != [] and value != {}


def article_from_meta(
    meta: Mapping[str, Any],
    *,
    source_path: str,
    body: str,
    body_format: BodyFormat,
    timezone: str,
    line_of: Callable[[str], int],
    record: str = "",
    body_line: int = 1,
    split_authors: bool = False,
    term_keys: Mapping[str, tuple[str, ...]] = TERM_KEYS,
) -> tuple[Article, list[Diagnostic]]:
    """Build an Article from front-matter ``meta`` and ``body``.

    ``line_of(key)`` gives the source line of a key, for diagnostics;
    ``term_keys`` maps each taxonomy to its (lower-case) keys.  Raises
    ContentError for a missing title or a value that cannot be used (an
    unparseable date, a title that is a list); returns the Article and any
    warnings (an undated article is reported by the caller).
    """
    by_lower: dict[str, str] = {}
    for key in meta:
        by_lower.setdefault(str(key).lower(), str(key))
    values: dict[str, Any] = {}
    used: set[str] = set()
    warnings: list[Diagnostic] = []

    def fail(key: str, message: str, hint: str) -> ContentError:
        return ContentError(Diagnostic(source_path, line_of(key), 0, message, hint))

    draft = False
    published_flag = meta.get(by_lower.get("published", ""))
    if isinstance(published_flag, bool):
        used.add(by_lower["published"])
        draft = not published_flag
    for name, keys in FIELD_KEYS.items():
        for lower in keys:
            found_key = by_lower.get(lower)
            if found_key is None or found_key in used:
                continue
            if not present(meta[found_key]):
                used.add(found_key)  # an empty value says nothing; drop it
                continue
            value = meta[found_key]
            if name == "original_url" and not isinstance(value, Mapping | list | tuple):
                safe = safe_url(str(value), "page")
                if safe is None:
                    shown = str(value)
                    if lower == "url" and not _NOT_A_PATH.match(
                            _IGNORED_IN_URLS.sub("", shown)):
                        continue  # Hugo's own page path: kept in extra
                    used.add(found_key)
                    warnings.append(dropped_url(source_path, line_of(found_key),
                                                1 if line_of(found_key) else 0,
                                                found_key, shown))
                    continue
                value = safe
            used.add(found_key)
            values[name] = (found_key, value)
            break

    for name in _TEXT_FIELDS:
        if name in values:
            key, value = values[name]
            if isinstance(value, Mapping | list | tuple):
                raise fail(key, f"'{key}' must be text, not a list or mapping",
                           f"write it as `{key}: some text`")
    if "title" not in values:
        raise fail("title", "missing title", "add a `title:` line to the front matter")

    def text(name: str) -> str:
        return " ".join(str(values[name][1]).split()) if name in values else ""

    dates: dict[str, datetime | None] = {"published": None, "updated": None}
    for name in dates:
        if name in values:
            key, value = values[name]
            try:
                dates[name] = coerce_date(value, timezone)
            except ValueError as exc:
                raise fail(key, f"cannot read the date {str(value)!r} of '{key}': {exc}",
                           "write it as 2000-12-28 or 2000-12-28T02:00:00+00:00") from None

    if "draft" in values:
        flag = values["draft"][1]
        draft = draft or flag is True or str(flag).lower() in ("true", "yes", "1")
    body_format_out = body_format
    if "body_format" in values:
        key, value = values["body_format"]
        found = _FORMATS.get(str(value).lower())
        if found is None:
            warnings.append(Diagnostic(source_path, line_of(key), 0,
                                       f"unknown body format {value!r}; read as Markdown",
                                       "use `format: text` or `format: markdown`", "warning"))
        else:
            body_format_out = found

    authors: tuple[str, ...] = ()
    if "authors" in values:
        written = values["authors"][1]
        if isinstance(written, str) and _BYLINE.match(written):
            from newsarchive.formats.common import authors_of  # "By A and B", "['A', 'B']"

            authors = authors_of(written)
        else:
            authors = dedupe(_names(written, split_authors))
    terms: dict[str, tuple[str, ...]] = {}
    for taxonomy, keys in term_keys.items():
        names: list[str] = []
        for lower in keys:
            term_key = by_lower.get(lower)
            if term_key is None:
                continue
            used.add(term_key)
            names.extend(_names(meta[term_key], True))
        found_terms = dedupe(names)
        if found_terms:
            terms[taxonomy] = found_terms

    extra = {str(key): plain(value) for key, value in meta.items() if key not in used}
    title = _unescaped(text("title"))
    lang = text("lang") or detect_lang(f"{title}\n{body}")
    article = Article(
        source_path=source_path,
        title=title,
        body=body,
        body_format=body_format_out,
        record=record,
        published=dates["published"],
        updated=dates["updated"],
        source=text("source"),
        authors=authors,
        dateline=text("dateline"),
        agency=text("agency"),
        copyright=text("copyright"),
        original_url=text("original_url"),
        lang=lang,
        slug=text("slug"),
        summary=_unescaped(str(values["summary"][1]).strip()) if "summary" in values else "",
        terms=terms,
        extra=extra,
        draft=draft,
        body_line=body_line,
        translation_key=text("translation_key"),
        thread=text("thread"),
    )
    return article, warnings
