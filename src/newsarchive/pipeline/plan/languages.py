"""What the plan knows about languages: whether an archive is multilingual, how a
``languages`` term is named, which articles are translations of each other,
and the direction of the site's own pages.

An archive is *multilingual* when its articles are in two languages or more,
counted by primary subtag (``en-US`` and ``en-GB`` are one).  Only then is the
``languages`` taxonomy planned (its term pages, named ``العربية``, ``中文``,
``English``, and their Atom feeds, linked from the front page), and titles in
listings get ``dir="auto"``.

Translations are the articles sharing a term of the hidden
:data:`~newsarchive.pipeline.enrich.TRANSLATION_TERMS` taxonomy (a
``translation_key``, else an original URL) in different languages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from newsarchive import langtags
from newsarchive.config import Config
from newsarchive.model import Entry
from newsarchive.pipeline.enrich import TRANSLATION_TERMS
from newsarchive.pipeline.index import Archive
from newsarchive.pipeline.plan.spec import PageSpec
from newsarchive.taxonomy import LANGUAGES, Taxonomy, display_name
from newsarchive.urls import term_url

__all__ = ["is_multilingual", "language_feeds", "page_languages", "planned_taxonomies",
           "term_label", "translations"]


def is_multilingual(archive: Archive) -> bool:
    """Whether the archive's articles are in two languages or more."""
    return len(archive.by_term.get(LANGUAGES, ())) >= 2


def planned_taxonomies(archive: Archive, taxonomies: Sequence[Taxonomy]
                       ) -> tuple[Taxonomy, ...]:
    """``taxonomies`` without ``languages`` unless the archive is multilingual."""
    if is_multilingual(archive):
        return tuple(taxonomies)
    return tuple(t for t in taxonomies if t.name != LANGUAGES)


def term_label(taxonomy: str, name: str) -> dict[str, str]:
    """How a term is shown: ``{"name": ...}``, a slug-like value by a readable
    label (:func:`newsarchive.taxonomy.display_name`: ``media_industry`` ->
    ``Media industry``; its URL keeps the slug); a language term by its own
    name, with the ``lang`` and ``dir`` of that name."""
    if taxonomy != LANGUAGES:
        return {"name": display_name(taxonomy, name)}
    return {"name": langtags.native_name(name), "lang": name,
            "dir": langtags.direction(name) or "ltr"}


def language_feeds(archive: Archive, taxonomies: Sequence[Taxonomy]) -> list[dict[str, str]]:
    """The Atom feed of each language of a multilingual archive (none when the
    ``languages`` taxonomy has no feeds): ``hreflang``, title and URL."""
    taxonomy = next((t for t in taxonomies if t.name == LANGUAGES), None)
    if taxonomy is None or not taxonomy.feeds or not is_multilingual(archive):
        return []
    return [{"hreflang": t.term.name, "title": langtags.native_name(t.term.name),
             "url": term_url(LANGUAGES, t.term.slug) + "feed.xml"}
            for t in archive.by_term[LANGUAGES]]


def translations(archive: Archive) -> dict[str, list[dict[str, str]]]:
    """Entry key -> its translations, one per other language (the first by
    date in each), ordered by language tag: their ``lang``, ``dir``, language
    name (``name``) and ``url``."""
    found: dict[str, list[dict[str, str]]] = {}
    for group in archive.by_term.get(TRANSLATION_TERMS, ()):
        if len(group.entries) < 2:
            continue
        by_language: dict[str, Entry] = {}
        for entry in group.entries:
            by_language.setdefault(langtags.primary(entry.lang), entry)
        if len(by_language) < 2:
            continue
        for entry in group.entries:
            own = langtags.primary(entry.lang)
            found[entry.key] = [
                {"lang": other.lang, "dir": langtags.direction(other.lang) or "ltr",
                 "name": langtags.native_name(other.lang), "url": other.url}
                for language, other in sorted(by_language.items()) if language != own]
    return found


def page_languages(specs: Sequence[PageSpec], archive: Archive, config: Config
                   ) -> list[PageSpec]:
    """``specs`` with the direction of the site's language (``dir``) and whether
    the archive is multilingual (``mixed``) in their params, when either is
    not the default (``ltr``, one language): the templates put ``dir`` on
    ``<html>`` (an article page takes its article's) and ``dir="auto"`` on
    titles of a mixed archive.  The default site's pages are returned as they are."""
    site_dir = langtags.direction(config.language) or "ltr"
    mixed = is_multilingual(archive)
    if site_dir == "ltr" and not mixed:
        return list(specs)
    extra: Mapping[str, Any] = {"dir": site_dir, "mixed": mixed}
    return [PageSpec(s.url, s.output_path, s.template, {**s.params, **extra}, s.keys,
                     s.article, s.in_sitemap, s.extra_digest, s.links) for s in specs]
