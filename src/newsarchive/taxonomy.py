"""The taxonomies of an archive, declared in one table.

The built-in ones (:data:`BUILTIN`) are entries of the same table a site
extends with ``taxonomies:`` in ``archive.yaml``::

    taxonomies:
      section: {singular: Section, plural: Sections, keys: [section, sections]}
      desk: Desk                   # short form: the singular label
      region:                      # no value: labels from the name (Region, Regions)
      places: {plural: Locations}  # a built-in: its labels and flags may change

Each entry's name is its URL folder (``section/sport/``) and the front-matter
key its terms are written under.  Its value is a mapping of

``singular``, ``plural``
    The labels (``Section``, ``Sections``).  ``singular`` defaults to the name
    with its first letter capitalised; ``plural`` to the singular plus ``s``
    (``es`` after s, x, z, ch and sh; ``ies`` for a consonant and ``y``).
``keys``
    The front-matter (and JSON record) keys whose values are its terms, one
    key or a list; the name itself is always one of them, first.
``facet``, ``feeds``, ``keywords``
    Whether its terms are a search filter, get an Atom feed each, and count as
    an article's keywords (``<meta name="keywords">``); all default to true.

A string value is the singular label; no value takes every default.

A site's taxonomies follow the built-in ones, in the order written.  A
built-in may be named to change its labels and flags (``singular``,
``plural``, ``facet``, ``feeds``, ``keywords``), never its keys: those are
what the readers and automatic topics rely on.

Rejected, each as a ``(message, hint)`` pair: a name that is not a lowercase
URL slug, or that the URL scheme of :mod:`newsarchive.urls` already uses
(``page``, ``archive``, ``search``, ``static``, ``undated``, ``pagefind``,
...); a key another taxonomy or an article field (``title``, ``source``,
``date``, ...) already reads; a label with a control character; an unknown
setting or a value of the wrong type.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

from newsarchive.i18n import N_, translations

__all__ = ["BUILTIN", "LANGUAGES", "Taxonomy", "display_name", "localized", "parse_taxonomies",
           "term_keys"]


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """One taxonomy: ``name`` is its URL folder and its key in ``Entry.terms``;
    ``keys`` are the front-matter / record keys whose values are its terms;
    ``derived``: automatic topics may add terms; ``keywords``: its terms say
    what an article is about (SEO keywords); ``facet``: a search filter;
    ``feeds``: a feed per term."""

    name: str
    singular: str
    plural: str
    keys: tuple[str, ...] = ()
    derived: bool = False
    keywords: bool = True
    facet: bool = True
    feeds: bool = True


BUILTIN: tuple[Taxonomy, ...] = (
    Taxonomy("topics", N_("Topic"), N_("Topics"), ("topics", "tags", "keywords", "categories")),
    Taxonomy("places", N_("Place"), N_("Places"), ("places",), derived=True),
    Taxonomy("people", N_("Person"), N_("People"), ("people",), derived=True),
    Taxonomy("organizations", N_("Organization"), N_("Organizations"), ("organizations",),
             derived=True),
    Taxonomy("subjects", N_("Subject"), N_("Subjects"), ("subjects",), derived=True),
    Taxonomy("sources", N_("Source"), N_("Sources"), (), keywords=False),
    Taxonomy("authors", N_("Author"), N_("Authors"), (), keywords=False),
    Taxonomy("languages", N_("Language"), N_("Languages"), (), keywords=False),
)

#: The taxonomy of the articles' languages (its terms are primary language
#: subtags, named on the pages by the language's own name): planned only when
#: an archive holds two languages or more.
LANGUAGES = "languages"

#: Top-level URL folders of the site besides the taxonomies, and what they hold.
RESERVED_NAMES: Mapping[str, str] = {
    "page": "the older pages of the front page (page/2/)",
    "archive": "the archive overview",
    "search": "the search page",
    "static": "the theme's files",
    "undated": "the undated articles",
    "pagefind": "the search index",
    "feed": "the site's feeds",
    "sitemap": "the sitemap",
    "index": "the front page",
}

_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_MAX_NAME = 40
_MAX_LABEL = 100
_LABELS = ("singular", "plural")
_FLAGS = ("facet", "feeds", "keywords")
_SETTINGS = (*_LABELS, "keys", *_FLAGS)
_EXAMPLE = "e.g. `section: {singular: Section, plural: Sections, keys: [section, desk]}`"


def _plural(singular: str) -> str:
    if re.search(r"(s|x|z|ch|sh)$", singular, re.IGNORECASE):
        return singular + "es"
    if re.search(r"[^aeiou]y$", singular, re.IGNORECASE):
        return singular[:-1] + "ies"
    return singular + "s"


def _has_control(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cs") for c in text)


def _check_name(name: Any) -> tuple[str, str] | None:
    if not isinstance(name, str) or not _NAME.fullmatch(name) or len(name) > _MAX_NAME:
        return (f"taxonomy name {str(name)!r} is not a URL slug"[:200],
                "use lower-case ASCII letters, digits and inner hyphens, starting with a "
                f"letter, at most {_MAX_NAME} characters, e.g. 'section' or 'news-desk'")
    if name in RESERVED_NAMES:
        return (f"taxonomy name '{name}' is taken: the site's {name}/ folder holds "
                f"{RESERVED_NAMES[name]}", "choose another name")
    return None


class _Parser:
    """Collects the table and the problems of one ``taxonomies:`` value."""

    def __init__(self) -> None:
        from newsarchive.pipeline.read.fields import FIELD_KEYS  # imports config, which imports us

        self.problems: list[tuple[str, str]] = []
        self.field_of_key = {key: name for name, keys in FIELD_KEYS.items() for key in keys}
        self.taxonomy_of_key = {key: t.name for t in BUILTIN for key in t.keys}

    def bad(self, message: str, hint: str) -> None:
        self.problems.append((message, hint))

    def settings(self, name: str, value: Any) -> dict[str, Any] | None:
        """The settings of one entry as a mapping, or None after reporting why not."""
        if value is None:
            return {}
        if isinstance(value, str):
            return {"singular": value}
        if isinstance(value, Mapping):
            settings: dict[str, Any] = {}
            for key, setting in value.items():
                if key not in _SETTINGS:
                    self.bad(f"unknown setting {str(key)!r} of taxonomy '{name}'"[:200],
                             f"settings: {', '.join(sorted(_SETTINGS))}")
                else:
                    settings[str(key)] = setting
            return settings
        self.bad(f"taxonomy '{name}' must be a label or a mapping of settings, not "
                 f"{value!r}"[:200], _EXAMPLE)
        return None

    def labels(self, name: str, settings: Mapping[str, Any]) -> dict[str, str]:
        found: dict[str, str] = {}
        for label in _LABELS:
            if label not in settings:
                continue
            text = settings[label]
            if not isinstance(text, str) or not text.strip():
                self.bad(f"the {label} label of taxonomy '{name}' must be text", _EXAMPLE)
            elif _has_control(text):
                self.bad(f"the {label} label of taxonomy '{name}' holds a control character: "
                         f"{text!r}"[:200], "remove it from archive.yaml")
            elif len(text) > _MAX_LABEL:
                self.bad(f"the {label} label of taxonomy '{name}' is longer than {_MAX_LABEL} "
                         "characters", "shorten it")
            else:
                found[label] = " ".join(text.split())
        if "singular" in found and "plural" not in found and "plural" not in settings:
            found["plural"] = _plural(found["singular"])
        return found

    def flags(self, name: str, settings: Mapping[str, Any]) -> dict[str, bool]:
        found: dict[str, bool] = {}
        for flag in _FLAGS:
            if flag in settings:
                if isinstance(settings[flag], bool):
                    found[flag] = settings[flag]
                else:
                    self.bad(f"'{flag}' of taxonomy '{name}' must be true or false, not "
                             f"{settings[flag]!r}"[:200], f"e.g. `{flag}: false`")
        return found

    def keys(self, name: str, value: Any) -> tuple[str, ...]:
        listed = [value] if isinstance(value, str) else value
        if not isinstance(listed, list) or not all(isinstance(k, str) for k in listed):
            self.bad(f"'keys' of taxonomy '{name}' must be a key or a list of keys, not "
                     f"{value!r}"[:200], f"e.g. `keys: [{name}, {name}s]`")
            listed = []
        keys = [name]
        for key in listed:
            lower = key.strip().lower()
            if not lower or _has_control(lower) or any(c.isspace() for c in lower):
                self.bad(f"key {key!r} of taxonomy '{name}' is not a front-matter key"[:200],
                         "a key is a word such as 'desk', without spaces")
            elif lower not in keys:
                keys.append(lower)
        kept = []
        for key in keys:
            if key in self.field_of_key:
                self.bad(f"key '{key}' of taxonomy '{name}' is already read as the article's "
                         f"{self.field_of_key[key]}",
                         "choose another key" if key != name else "choose another name")
            elif key in self.taxonomy_of_key:
                self.bad(f"key '{key}' of taxonomy '{name}' already feeds the taxonomy "
                         f"'{self.taxonomy_of_key[key]}'",
                         "choose another name" if key == name
                         else "a key feeds one taxonomy; remove it from one of them")
            else:
                self.taxonomy_of_key[key] = name
                kept.append(key)
        return tuple(kept)


def parse_taxonomies(value: Any) -> tuple[tuple[Taxonomy, ...], list[tuple[str, str]]]:
    """The built-in taxonomies plus those of ``value`` (the ``taxonomies:`` entry of
    archive.yaml), and the problems found as ``(message, hint)`` pairs.

    The built-ins come first, in their order, with any overrides; then the
    site's own in the order written.  An entry with a problem is left out of
    the table (the caller reports the problems and stops)."""
    if value is None:
        return BUILTIN, []
    parser = _Parser()
    if not isinstance(value, Mapping):
        parser.bad("'taxonomies' must be a mapping of taxonomy names to their settings",
                   _EXAMPLE)
        return BUILTIN, parser.problems
    builtin = {t.name: t for t in BUILTIN}
    added: list[Taxonomy] = []
    for name, entry in value.items():
        problem = _check_name(name)
        if problem is not None:
            parser.bad(*problem)
            continue
        settings = parser.settings(name, entry)
        if settings is None:
            continue
        labels = parser.labels(name, settings)
        flags = parser.flags(name, settings)
        if name in builtin:
            if "keys" in settings:
                parser.bad(f"the keys of the built-in taxonomy '{name}' cannot be changed",
                           "only its labels and flags can (singular, plural, facet, feeds, "
                           "keywords); declare a new taxonomy for other keys")
            old = builtin[name]
            builtin[name] = replace(
                old, singular=labels.get("singular", old.singular),
                plural=labels.get("plural", old.plural), facet=flags.get("facet", old.facet),
                feeds=flags.get("feeds", old.feeds),
                keywords=flags.get("keywords", old.keywords))
            continue
        keys = parser.keys(name, settings.get("keys", []))
        singular = labels.get("singular", name.replace("-", " ").capitalize())
        added.append(Taxonomy(name, singular, labels.get("plural", _plural(singular)), keys,
                              **flags))
    return (*builtin.values(), *added), parser.problems


def localized(taxonomies: tuple[Taxonomy, ...], language: str) -> tuple[Taxonomy, ...]:
    """``taxonomies`` with the labels of the built-in ones in ``language`` (the
    interface catalog of :mod:`newsarchive.i18n`), where a site kept the built-in
    English label; a label the site wrote itself is shown as written."""
    gettext = translations(language).gettext
    defaults = {t.name: (t.singular, t.plural) for t in BUILTIN}
    result = []
    for taxonomy in taxonomies:
        default = defaults.get(taxonomy.name)
        if default is not None:
            taxonomy = replace(
                taxonomy,
                singular=gettext(default[0]) if taxonomy.singular == default[0]
                else taxonomy.singular,
                plural=gettext(default[1]) if taxonomy.plural == default[1] else taxonomy.plural)
        result.append(taxonomy)
    return tuple(result)


def term_keys(taxonomies: tuple[Taxonomy, ...]) -> Mapping[str, tuple[str, ...]]:
    """Taxonomy name -> the front-matter keys merged into it."""
    return {t.name: t.keys for t in taxonomies if t.keys}


#: Taxonomies whose terms are names: every word of a slug is capitalised
#: (``tyrus-manuel`` -> ``Tyrus Manuel``); other taxonomies take sentence case.
_NAME_TAXONOMIES = frozenset({"authors", "people", "places", "organizations", "sources"})

#: Words of a slug written in capitals in its label (``seo-tips`` -> ``SEO tips``).
_ACRONYMS = frozenset({
    "ai", "api", "apis", "ui", "ux", "cx", "seo", "faq", "faqs", "html", "css", "pdf", "sms",
    "rss", "url", "urls", "usa", "nasa", "fbi", "cia", "gsa", "nato", "ngo", "ngos", "gdp",
    "ceo", "cdc", "fda", "epa", "irs", "ipo", "bbc", "nhs", "covid", "hiv", "aids", "lgbt",
    "lgbtq", "vr", "ar", "iot", "ict", "gis", "cms", "b2b", "dc", "nyc", "gps", "508"})
#: Acronyms that are also English words: capitals only inside a longer slug
#: (``us-politics`` -> ``US politics``), never alone (``us`` stays as written).
_PHRASE_ACRONYMS = frozenset({"us", "uk", "eu", "un", "who", "it"})
#: Parts of a slug that keep their hyphen to the next part (``e-commerce``,
#: ``self-driving-cars`` -> ``Self-driving cars``).
_HYPHEN_PREFIXES = frozenset({"e", "x", "co", "non", "pre", "post", "re", "self", "anti",
                              "ex", "multi", "cross", "inter", "sub", "semi", "mid", "pro"})
#: The topics data files whose multi-word names label slugs (``white_house``).
_NAME_FILES = ("organizations.tsv", "organizations_aliases.tsv", "places.tsv",
               "places_curated.tsv")


@functools.cache
def _known_names() -> Mapping[str, str]:
    """Case-folded multi-word names of the places and bodies shipped with automatic
    topics -> the name as written there (``white house`` -> ``White House``).

    Read as package data, without importing :mod:`newsarchive.topics`."""
    found: dict[str, str] = {}
    folder = resources.files("newsarchive").joinpath("topics", "data")
    for file in _NAME_FILES:
        path = folder.joinpath(file)
        lines = path.read_text("utf-8").splitlines() if path.is_file() else []
        for line in lines:
            fields = line.split("\t")
            if line.startswith("#") or len(fields) < 2:
                continue
            if file.startswith("places"):  # surface, canonical, kind ("-": blocked)
                names = [] if fields[1] == "-" or fields[2:3] == ["adj"] else fields[:1]
            else:  # canonical, aliases
                names = [fields[0], *fields[1].split("|")]
            for name in names:
                name = name.strip()
                if " " in name:
                    found.setdefault(name.casefold(), name)
    return found


_SLUG = re.compile(r"[^\W_]+(?:[-_][^\W_]+)*")


@functools.lru_cache(maxsize=65536)
def display_name(taxonomy: str, name: str) -> str:
    """How the term ``name`` of ``taxonomy`` is shown to readers.

    A value written as a lower-case slug with ``_`` or ``-`` between words
    (``media_industry``, ``open-data``, ``white_house``, the author
    ``tyrus-manuel``) gets a readable label: the data's spelling of a known
    place or body (``White House``), else every word capitalised in a taxonomy
    of names (``authors``, ``people``, ``places``, ``organizations``,
    ``sources``: ``Tyrus Manuel``) and sentence case elsewhere (``Media
    industry``), known acronyms in capitals (``API``).  Everything else is
    shown as written: a name with capitals or spaces, and a run-together slug
    (``andreanocesigritz`` cannot be split safely).  Only the label changes:
    the term's key and URL slug come from ``name`` as before.
    """
    if name != name.lower() or not _SLUG.fullmatch(name):
        return name
    parts = re.split(r"([-_])", name)
    if len(parts) == 1:
        return name.upper() if name in _ACRONYMS else name
    words: list[str] = []
    glue = False
    for k in range(0, len(parts), 2):
        part = parts[k]
        if glue:
            words[-1] += "-" + part
        else:
            words.append(part)
        after = parts[k + 1] if k + 1 < len(parts) else ""
        following = parts[k + 2] if k + 2 < len(parts) else ""
        glue = after == "-" and (part in _HYPHEN_PREFIXES or len(part) == 1
                                 or len(following) == 1 or following.isdigit())
    known = _known_names().get(" ".join(words))
    if known is not None:
        return known
    names = taxonomy in _NAME_TAXONOMIES
    shown = []
    for k, word in enumerate(words):
        pieces = word.split("-")  # "covid-19", "self-driving": capitals piece by piece
        for n, piece in enumerate(pieces):
            if piece in _ACRONYMS or piece in _PHRASE_ACRONYMS:
                pieces[n] = piece.upper()
            elif names or (k == 0 and n == 0):
                pieces[n] = piece[:1].upper() + piece[1:]
        shown.append("-".join(pieces))
    return " ".join(shown)
