"""The article pages: one per entry, with its terms and its neighbours in time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from newsarchive.pipeline.index import Archive
from newsarchive.pipeline.plan.languages import term_label, translations
from newsarchive.pipeline.plan.spec import PageSpec
from newsarchive.taxonomy import Taxonomy
from newsarchive.urls import output_path, term_slug, term_url

__all__ = ["article_pages"]


def article_pages(archive: Archive, taxonomies: Sequence[Taxonomy],
                  related: Mapping[str, Sequence[str]] | None = None,
                  threads: Mapping[str, Mapping[str, Any]] | None = None) -> list[PageSpec]:
    """A page per dated entry (in date order, each linking the previous and next)
    and per undated entry.  Its ``terms`` param lists, per taxonomy of
    ``taxonomies`` in table order, the entry's terms with their URLs, the label
    (singular for one term, plural for more), whether they are a search facet
    and whether they count as keywords (the last so that the page's
    fingerprint follows the table).  ``translations`` lists the entry's
    translations (see :func:`.languages.translations`), for ``hreflang`` links.

    ``related`` maps an entry's key to the keys of its related entries (see
    :mod:`newsarchive.pipeline.related`), ``threads`` to its story thread
    (``{"url": ..., "keys": [...]}``, see :mod:`.threads`).  Both are listed
    as cards (``PageSpec.keys``, the template's ``items``): the ``related``
    param holds their positions in ``items``; the ``thread`` param the thread's
    URL and its members' positions, ``-1`` for the page's own article.  So a
    listed article's new title re-renders the page, on the fast path too."""
    specs = []
    translated = translations(archive)
    # Names repeat across articles: one dict per term, shared by the pages that
    # show it (params are read-only; a dict per page and term took 1 KiB per
    # article of the build process's memory).
    term_links: dict[tuple[str, str], dict[str, str]] = {}

    def term_link(taxonomy: str, name: str) -> dict[str, str]:
        link = term_links.get((taxonomy, name))
        if link is None:
            link = term_links[(taxonomy, name)] = {
                **term_label(taxonomy, name), "url": term_url(taxonomy, term_slug(name))}
        return link

    groups: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
    untranslated: list[dict[str, str]] = []  # one empty list for every page

    def term_group(tax: Taxonomy, names: tuple[str, ...]) -> dict[str, Any]:
        """One taxonomy's terms on an article page, shared by the pages with the
        same terms of it (a source, a language, often the same places)."""
        group = groups.get((tax.name, names))
        if group is None:
            group = groups[(tax.name, names)] = {
                "taxonomy": tax.name, "label": tax.plural if len(names) > 1 else tax.singular,
                "terms": [term_link(tax.name, n) for n in names],
                "facet": tax.facet, "keywords": tax.keywords}
        return group

    for entries, chained in ((archive.dated, True), (archive.undated, False)):
        for i, entry in enumerate(entries):
            # The title comes from the entry at render time (see render.page_context).
            params: dict[str, Any] = {"kind": "article", "prev": None, "next": None}
            links: tuple[str, ...] = ()
            if chained:
                # By key: the renderer resolves title and URL, so a neighbour's new
                # title changes this page's fingerprint, not the saved plan.
                params["prev"] = entries[i - 1].key if i else None
                params["next"] = entries[i + 1].key if i + 1 < len(entries) else None
                links = tuple(k for k in (params["prev"], params["next"]) if k)
            params["terms"] = [term_group(tax, names) for tax in taxonomies
                               if (names := entry.terms.get(tax.name))]
            params["translations"] = translated.get(entry.key, untranslated)
            keys = _listed(entry.key, params, related or {}, threads or {})
            specs.append(PageSpec(entry.url, output_path(entry.url), "article.html", params,
                                  keys, article=entry.key, links=links))
    return specs


def _listed(key: str, params: dict[str, Any], related: Mapping[str, Sequence[str]],
            threads: Mapping[str, Mapping[str, Any]]) -> tuple[str, ...]:
    """The cards of an article page (its related entries that are not in its
    thread, then the other members of its thread); sets the ``related`` and
    ``thread`` params to their positions."""
    keys: list[str] = []
    position: dict[str, int] = {key: -1}

    def at(other: str) -> int:
        if other not in position:
            position[other] = len(keys)
            keys.append(other)
        return position[other]

    thread = threads.get(key)
    # the thread's members are listed in the thread section, not again as related
    in_thread = set(thread["keys"]) if thread else set()
    params["related"] = [at(k) for k in related.get(key, ()) if k not in in_thread]
    params["thread"] = ({"url": thread["url"], "members": [at(k) for k in thread["keys"]]}
                        if thread else None)
    return tuple(keys)
