"""The declaration of every ``archive.yaml`` key: :class:`Config` and its sections.

Each key is a field of :class:`Config` or of one of its sections
(:class:`ReadSettings`, :class:`TopicSettings`, :class:`MarkdownSettings`,
:class:`CiteSettings`) made with :func:`key`: its default, the YAML type it
accepts, the check that validates and converts it
(:mod:`newsarchive.config_checks`), what it affects (:data:`READ`,
:data:`PAGES`, :data:`BOTH`, :data:`NEITHER`) and its documentation.  A field
made with :func:`section` is a mapping of such keys.  :data:`KEYS` reads the
keys back as :class:`Key` rows and :data:`SECTIONS` the sections; loading,
validating and documenting them is :mod:`newsarchive.config`'s work.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsarchive import config_checks as checks
from newsarchive.config_checks import DEFAULT_JSON_FIELDS, DERIVED_TAXONOMIES, Problems
from newsarchive.taxonomy import BUILTIN, Taxonomy, term_keys

__all__ = [
    "BOTH",
    "KEYS",
    "NEITHER",
    "PAGES",
    "READ",
    "SECTIONS",
    "Check",
    "CiteSettings",
    "Config",
    "Key",
    "MarkdownSettings",
    "ReadSettings",
    "Section",
    "SectionCheck",
    "TopicSettings",
    "key",
    "section",
]

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
class Section:
    """What :func:`section` stores in a field's metadata: the section's cross-key check
    (run on its converted values) and its documentation."""

    check: SectionCheck | None
    doc: str


def _as_is(name: str, value: Any) -> tuple[Any, Problems]:
    return value, []


def key(*, kind: type, affects: frozenset[str], doc: str, example: str,
        check: Check = _as_is, shown_default: str = "",
        digest_value: Callable[[Any], Any] | None = None) -> Mapping[str, _Spec]:
    """The metadata making a dataclass field the ``archive.yaml`` key of the same name."""
    return {"key": _Spec(kind, check, affects, doc, example, shown_default, digest_value)}


def section(*, doc: str, check: SectionCheck | None = None) -> Mapping[str, Section]:
    """The metadata making a dataclass field (of a dataclass type) a mapping of keys."""
    return {"section": Section(check, doc)}


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
    country_model: bool = field(default=True, metadata=key(
        kind=bool, affects=READ, example="false",
        doc="let the shipped model, which reads the words around each mention, take away "
            "a country the story only names in passing (`false`: the place rules alone)"))


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
        doc="cache of read articles, the manifest of written files and compiled templates "
            "(kept outside the output)"))
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
#: The sections of :class:`Config` (the fields made with :func:`section`), by name.
SECTIONS: Mapping[str, Section] = {f.name: f.metadata["section"]
                                   for f in dataclasses.fields(Config)
                                   if "section" in f.metadata}
