"""The article pages: one per entry, with its terms and its neighbours in time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsarchive.pipeline.index import Archive
from newsarchive.pipeline.plan.languages import term_label, translations
from newsarchive.pipeline.plan.spec import PageSpec
from newsarchive.taxonomy import Taxonomy
from newsarchive.urls import output_path, term_slug, term_url

__all__ = ["article_pages"]


def article_pages(archive: Archive, taxonomies: Sequence[Taxonomy]) -> list[PageSpec]:
    """A page per dated entry (in date order, each linking the previous and next)
    and per undated entry.  Its ``terms`` param lists, per taxonomy of
    ``taxonomies`` in table order, the entry's terms with their URLs, the label
    (singular for one term, plural for more), whether they are a search facet
    and whether they count as keywords (the last so that the page's
    fingerprint follows the table).  ``translations`` lists the entry's
    translations (see :func:`.languages.translations`), for ``hreflang`` links."""
    specs = []
    translated = translations(archive)
    term_urls: dict[tuple[str, str], str] = {}  # names repeat across articles

    def url_of_term(taxonomy: str, name: str) -> str:
        url = term_urls.get((taxonomy, name))
        if url is None:
            url = term_urls[(taxonomy, name)] = term_url(taxonomy, term_slug(name))
        return url

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
            params["terms"] = [
                {"taxonomy": tax.name, "label": tax.plural if len(names) > 1 else tax.singular,
                 "terms": [{**term_label(tax.name, n), "url": url_of_term(tax.name, n)}
                           for n in names],
                 "facet": tax.facet, "keywords": tax.keywords}
                for tax in taxonomies if (names := entry.terms.get(tax.name))]
            params["translations"] = translated.get(entry.key, [])
            specs.append(PageSpec(entry.url, output_path(entry.url), "article.html", params,
                                  article=entry.key, links=links))
    return specs
