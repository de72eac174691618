"""Turn a planned page into bytes: the Jinja environment, its filters, the page context.

Templates come from the user's templates folder first, then the folders of
the site's plugins, then the default theme inside the package, so a user
overrides single templates.  An environment speaks one language: its
``_``/``ngettext`` use that language's catalog and its number and date filters
its locale (:mod:`newsarchive.i18n`); :func:`render_job` picks it by the
page's ``site.language``.  Everything here is deterministic: no clock, no
randomness, sorted iteration.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from markupsafe import Markup

from newsarchive import cite, hooks, i18n, theme
from newsarchive.config import Config
from newsarchive.model import Entry
from newsarchive.pipeline.assets import Resolved, page_images, resolve_body, resolved_table
from newsarchive.pipeline.compiled import CompiledTemplates
from newsarchive.pipeline.filters import iso_date, json_ld, long_date, period
from newsarchive.pipeline.plan import PageSpec
from newsarchive.taxonomy import display_name
from newsarchive.urls import (
    absolute,
    day_url,
    month_url,
    output_path,
    relative,
    safe_url,
    year_url,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "CardValues",
    "RenderJob",
    "card_values",
    "closure_sources",
    "environment",
    "json_ld",
    "page_context_cards",
    "render_job",
    "site_url",
    "template_digests",
]

#: Used for absolute URLs (feeds, sitemap, canonical links) when base_url is unset.
DEFAULT_BASE_URL = "http://localhost:8000/"
RenderJob = tuple[str, str, dict[str, Any]]  # output path, template, context


def _theme_dir() -> str:
    return str(theme.templates_dir())


def environment(templates_dir: str | None, plugins: tuple[str, ...] = (),
                language: str = "en", compiled: str | None = None) -> jinja2.Environment:
    """The Jinja environment for a user templates folder (or none), the plugins
    named ``plugins`` (their templates, filters and globals) and the site's
    ``language`` (a BCP 47 tag: its catalog and locale), cached per process.
    ``compiled``: a folder where compiled templates are kept between builds
    (:mod:`newsarchive.pipeline.compiled`).

    Raises ConfigError when a plugin cannot be loaded.
    """
    if not plugins:
        return _environment(templates_dir, None, language, compiled)
    return _environment(templates_dir, hooks.registry(plugins), language, compiled)


#: How every environment compiles: with the source, the key of a kept compiled template.
_SYNTAX: dict[str, Any] = {"trim_blocks": True, "lstrip_blocks": True,
                           "keep_trailing_newline": True, "extensions": ["jinja2.ext.i18n"]}
_AUTOESCAPED = ("html", "xml")
_COMPILED_WITH = (sorted(_SYNTAX.items()), _AUTOESCAPED, "newstyle gettext")


@cache
def _environment(templates_dir: str | None, plugins: hooks.Registry | None, language: str,
                 compiled: str | None) -> jinja2.Environment:
    # Keyed by the registry itself: one loaded afresh (hooks.clear) makes a new one.
    default = jinja2.FileSystemLoader(_theme_dir())
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir:
        loaders.append(jinja2.FileSystemLoader(templates_dir))
    for folder in plugins.templates if plugins else ():
        loaders.append(jinja2.FileSystemLoader(str(folder)))
    # "theme/base.html" is always the default theme's: a site's own base.html
    # extends it without extending itself.
    loaders += [default, jinja2.PrefixLoader({theme.PREFIX: default})]
    env = _Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(list(_AUTOESCAPED), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        bytecode_cache=CompiledTemplates(compiled, repr(_COMPILED_WITH)) if compiled else None,
        **_SYNTAX,
    )
    translations = i18n.translations(language)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals["_"] = env.globals["gettext"] = _gettext(translations)
    env.filters["longdate"] = lambda value, lang=None: long_date(value, lang or language,
                                                                 language)
    env.filters["period"] = lambda value, level: period(value, level, language)
    env.filters["isodate"] = iso_date
    env.filters["number"] = lambda n: i18n.format_number(n, language)
    env.filters["jsonld"] = json_ld
    env.filters["safe_url"] = lambda value, kind="link": safe_url(value, kind) or ""
    env.globals["href"] = _href
    env.globals["abs_url"] = _abs_url
    env.filters.update(cite.FILTERS)  # citations and reading time (article pages)
    if plugins:
        env.filters.update(plugins.filters)
        env.globals.update(plugins.globals)
    return env


def _gettext(translations: Any) -> Any:
    """Jinja's newstyle ``gettext`` (the translation made Markup under autoescape,
    then ``% variables``), without its context lookups: 13 µs a call down to 3.5 µs
    (``_("Archive")``, a page makes about a dozen).  A message without variables
    is translated once per autoescape mode and then looked up."""
    plain: dict[tuple[str, bool], str] = {}

    def translate(message: str, autoescape: bool, variables: dict[str, Any]) -> str:
        text: str = translations.gettext(message)
        if autoescape:
            text = Markup(text)
        if variables or "%" in text:
            text = text % variables
        return text

    @jinja2.pass_eval_context
    def gettext(eval_ctx: jinja2.nodes.EvalContext, message: str, **variables: Any) -> str:
        if variables:
            return translate(message, eval_ctx.autoescape, variables)
        key = (message, eval_ctx.autoescape)
        text = plain.get(key)
        if text is None:
            text = plain[key] = translate(message, eval_ctx.autoescape, variables)
        return text

    return gettext


@jinja2.pass_context
def _href(ctx: jinja2.runtime.Context, url: str) -> str:
    """Link from the page being rendered to the site-relative ``url``."""
    page = ctx["page"]
    site = ctx["site"]
    if page["absolute_links"]:
        return str(site["base_path"]) + url
    return relative(page["url"], url, site["index_html"])


class _Fields(dict[str, Any]):
    """A dict whose keys also read as attributes.

    Templates write ``item.title``; Jinja tries the attribute first and, on a
    plain dict, raises and catches AttributeError before reading the key.
    Here the attribute read succeeds at once; the value (and the output) is
    the same.  Rendering ``index.html`` with 20 cards (best of 300 renders)
    takes 0.42 ms with these against 0.47 ms with plain dicts.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


#: What a ``_Fields`` or a dict answers as an attribute before its keys: dict's
#: methods (and ``_Fields``' own names).
_FIELDS_ATTRIBUTES = frozenset(dir(_Fields))


def _unshadowed(scopes: Mapping[str, Any]) -> bool:
    """Whether the keyword arguments of a call from a template are only Jinja's
    loop and block variables, none of them named ``page`` or ``site``."""
    for key, scope in scopes.items():
        if key not in ("_loop_vars", "_block_vars"):
            return False
        if scope and ("page" in scope or "site" in scope):
            return False
    return True


class _Context(jinja2.runtime.Context):
    """Jinja's context, calling ``href(url)`` without deriving a context first.

    Jinja hands a ``pass_context`` function called inside a loop a new context
    that adds the loop's variables (a copy of every variable and global): for
    ``href``, once per card of a listing.  ``href`` reads only ``page`` and
    ``site``, so when no loop or block variable has one of those names it is
    given this context itself, and makes the same link."""

    def call(self, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        if obj is _href and len(args) == 1 and _unshadowed(kwargs):
            return _href(self, args[0])
        return super().call(obj, *args, **kwargs)


class _Environment(jinja2.Environment):
    """Jinja's environment reading ``item.title`` on a :class:`_Fields` or a dict
    as its key at once, where Jinja's ``getattr`` first tries
    ``getattr(item, "title")`` (through ``_Fields.__getattr__``, or raising and
    catching AttributeError on a dict): the same value or undefined in a
    fraction of the time, and templates read a few million attributes in a
    10,000-article build.  A name of a dict method (``item.items``) is read as
    Jinja reads it.  Its contexts are :class:`_Context`."""

    context_class = _Context

    def getattr(self, obj: Any, attribute: str) -> Any:
        kind = type(obj)
        if (kind is _Fields or kind is dict) and attribute not in _FIELDS_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


@jinja2.pass_context
def _abs_url(ctx: jinja2.runtime.Context, url: str) -> str:
    return absolute(ctx["site"]["url"], url)


def closure_sources(env: jinja2.Environment, name: str, seen: set[str]) -> Iterator[str]:
    if name in seen:
        return
    seen.add(name)
    assert env.loader is not None
    source, filename, _ = env.loader.get_source(env, name)
    yield name + "\0" + source
    # Parsing with the file name makes a syntax error say which file it is in.
    parsed = env.parse(source, name, filename)
    for ref in sorted(r for r in jinja2.meta.find_referenced_templates(parsed) if r):
        yield from closure_sources(env, ref, seen)


def template_digests(templates_dir: str | None, names: set[str],
                     plugins: tuple[str, ...] = ()) -> dict[str, str]:
    """Digest of each template's closure (itself and all it extends, includes, imports),
    found as :func:`environment` finds them (``plugins``' template folders too).

    Parsing the templates costs about 50 ms for the default theme's ten pages
    (the first ``template_digests(None, names)`` in a process; 0.4 ms once
    cached), so the result is kept for as long as no template file's bytes
    change (the key reads them all).
    """
    key = hashlib.sha256()
    for folder in (templates_dir, *map(str, hooks.template_folders(plugins)), _theme_dir()):
        if folder and Path(folder).is_dir():
            for path in sorted(Path(folder).rglob("*")):
                if path.is_file():
                    key.update(f"{path}\0".encode())
                    key.update(path.read_bytes())
    # The catalogs are part of what a template renders: a changed translation
    # changes every template's digest.
    catalogs = i18n.catalogs_digest()
    return dict(_closure_digests(templates_dir, key.hexdigest(), frozenset(names), plugins,
                                 catalogs))


@lru_cache(maxsize=16)
def _closure_digests(templates_dir: str | None, files_key: str, names: frozenset[str],
                     plugins: tuple[str, ...] = (), catalogs: str = ""
                     ) -> tuple[tuple[str, str], ...]:
    env = environment(templates_dir, plugins)
    digests = []
    for name in sorted(names):
        hasher = hashlib.sha256(catalogs.encode())
        for part in closure_sources(env, name, set()):
            hasher.update(part.encode("utf-8"))
        digests.append((name, hasher.hexdigest()))
    return tuple(digests)


def site_url(config: Config) -> str:
    """The absolute base URL used in feeds, the sitemap and canonical links."""
    return config.base_url or DEFAULT_BASE_URL


#: What a listing shows of an entry (its card): title, url, local date, summary,
#: source, lang, direction, authors, updated.  Sent to render workers instead of
#: whole entries, as a plain tuple read by the index names below: 20,000 cards
#: pickle in 22 ms and unpickle in 23 ms as tuples, against 87 ms and 52 ms as a
#: NamedTuple (which pickles its class with every card).
CardValues = tuple[str, str, datetime | None, str, str, str, str, tuple[str, ...],
                   datetime | None]
CARD_TITLE, CARD_URL, CARD_DATE, CARD_UPDATED = 0, 1, 2, 8


def card_values(entry: Entry) -> CardValues:
    """The values of ``entry``'s card (see :data:`CardValues`)."""
    article = entry.article
    return (entry.title, entry.url, entry.local, entry.summary, article.source, entry.lang,
            entry.direction, article.authors, article.updated)


def _card_of(values: CardValues) -> dict[str, Any]:
    title, url, local, summary, source, lang, direction, authors, updated = values
    return _Fields(title=title, url=url, published=local, summary=summary, source=source,
                   lang=lang, dir=direction, updated=updated,
                   authors=[display_name("authors", a) for a in authors])  # tyrus-manuel


def _keywords(terms: Mapping[str, tuple[str, ...]], config: Config) -> list[str]:
    """Term names of the taxonomies whose terms describe what an article is about
    (``Taxonomy.keywords``: not sources and authors, who published and wrote it),
    in taxonomy order, without repeats: its SEO keywords."""
    seen: dict[str, str] = {}
    for taxonomy in config.taxonomies:
        if taxonomy.keywords:
            for name in terms.get(taxonomy.name, ()):
                seen.setdefault(name.casefold(), name)
    return list(seen.values())


def _full(entry: Entry, config: Config, resolved: Resolved | None = None, base: str = ""
          ) -> dict[str, Any]:
    """The whole of an entry as templates see it; the links and images of its body
    resolved as planned (``resolved``; absolute against ``base`` in a feed)."""
    article = entry.article
    card = _card_of(card_values(entry))
    if entry.markers:
        body, _ = resolve_body(entry, resolved_table(resolved or ({}, ())), config.index_html,
                               base)
        entry = replace(entry, body_html=body)
    card.update(body_html=Markup(entry.body_html), dateline=article.dateline,
                agency=article.agency, copyright=article.copyright,
                original_url=article.original_url, extra=dict(article.extra),
                terms=dict(entry.terms), images=page_images(entry, config.source_dir),
                keywords=_keywords(entry.terms, config))
    if entry.local is not None:
        y, m, d = entry.local.year, entry.local.month, entry.local.day
        card["periods"] = _Fields(year=year_url(y), month=month_url(y, m), day=day_url(y, m, d))
    return card


def page_context_cards(spec: PageSpec, entries: Mapping[str, Entry],
                       cards: Mapping[str, CardValues], config: Config) -> dict[str, Any]:
    """Everything the template of ``spec`` sees, resolved from entries and config.

    The listed entries come as :func:`card_values`: ``cards`` holds
    ``spec.keys`` and ``spec.links``; ``entries`` needs only the entries shown
    in full (``spec.article``, the items of a full feed)."""
    base = site_url(config)
    site = _Fields(title=config.title, description=config.description,
                   language=config.language, url=base,
                   base_path=config.base_path, index_html=config.index_html, feed="feed.xml",
                   accessed=config.cite.accessed)
    page = _Fields({**spec.params, "url": spec.url, "output_path": output_path(spec.url),
                    "absolute_links": spec.url == "404.html",
                    "canonical": absolute(base, spec.url)})
    context: dict[str, Any] = {"site": site, "page": page}
    full_items = spec.template == "feed.xml" and bool(spec.params.get("full"))
    resolved: Mapping[str, Resolved] = spec.params.get("markers") or {}
    context["items"] = ([_full(entries[k], config, resolved.get(k), base) for k in spec.keys]
                        if full_items else [_card_of(cards[k]) for k in spec.keys])
    if spec.article:
        context["article"] = article = _full(entries[spec.article], config,
                                             resolved.get(spec.article))
        page["title"] = article["title"]
    for name in ("prev", "next"):
        if (key := spec.params.get(name)) and key in spec.links:
            page[name] = _Fields(title=cards[key][CARD_TITLE], url=cards[key][CARD_URL])
    if spec.template == "feed.xml":
        dates = [card[CARD_UPDATED] or card[CARD_DATE] for k in spec.keys
                 if (card := cards[k])[CARD_DATE] is not None]
        context["updated"] = max((d for d in dates if d is not None), default=None)
    return context


def render_job(templates_dir: str | None, job: RenderJob, plugins: tuple[str, ...] = (),
               compiled: str | None = None) -> bytes:
    """Render one job; runs in worker processes, so it takes only picklable values
    (the plugins by name: a worker loads them itself).  The interface language is
    the context's ``site.language`` (the config's ``language``); ``compiled``:
    see :func:`environment`."""
    _, template, context = job
    if not template:
        return str(context["page"]["text"]).encode("utf-8")
    env = environment(templates_dir, plugins, context["site"]["language"], compiled)
    text = env.get_template(template).render(context)
    return text.encode("utf-8")
