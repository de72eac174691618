"""The pages that survey the site: ``archive/`` (years and months), ``topics/``
(every taxonomy's most frequent terms), and the search and not-found pages."""

from __future__ import annotations

from collections.abc import Sequence

from newsarchive.i18n import N_, format_year, month_name, translations
from newsarchive.pipeline.index import Archive
from newsarchive.pipeline.plan.charts import archive_chart, archive_years, sparkline
from newsarchive.pipeline.plan.languages import term_label
from newsarchive.pipeline.plan.spec import PageSpec
from newsarchive.taxonomy import Taxonomy
from newsarchive.urls import month_url, taxonomy_url, term_url, year_url

__all__ = ["archive_overview", "fixed_pages", "topics_overview"]

#: Terms shown per taxonomy on ``topics/``.
_TOP_TERMS = 12


def archive_overview(archive: Archive, language: str = "en") -> PageSpec:
    """``archive/``: every year, newest first, with its months and counts, and
    the chart of articles per year (:func:`~.charts.archive_chart`), labelled in
    ``language``."""
    years = []
    for year in sorted(archive.by_year, reverse=True):
        months = [{"label": month_name(m, language), "url": month_url(y, m),
                   "count": len(archive.by_month[(y, m)])}
                  for (y, m) in sorted(archive.by_month) if y == year]
        years.append({"label": format_year(year, language), "year": year,
                      "url": year_url(year), "count": len(archive.by_year[year]),
                      "months": months})
    title = translations(language).gettext(N_("Archive"))
    return PageSpec("archive/", "archive/index.html", "archive.html",
                    {"kind": "archive", "title": title, "years": years,
                     "undated": len(archive.undated),
                     "chart": archive_chart(archive, language)})


def topics_overview(archive: Archive, taxonomies: Sequence[Taxonomy], language: str = "en"
                    ) -> PageSpec:
    """``topics/``: a block per taxonomy with terms, in table order: its plural
    label (as given: see :func:`newsarchive.taxonomy.localized`), its number of
    terms and its twelve most frequent, each with its sparkline of articles per
    year (``spark``, over ``years``: :func:`~.charts.archive_years`); the
    page's title in ``language``."""
    span = archive_years(archive, language)
    blocks = []
    for taxonomy in taxonomies:
        name = taxonomy.name
        terms = archive.by_term.get(name, ())
        if not terms:
            continue
        top = sorted(terms, key=lambda t: (-len(t.entries), t.term.name.casefold()))[:_TOP_TERMS]
        blocks.append({"taxonomy": name, "title": taxonomy.plural,
                       "url": taxonomy_url(name), "total": len(terms),
                       "top": [{**term_label(name, t.term.name), "count": len(t.entries),
                                "url": term_url(name, t.term.slug),
                                "spark": sparkline(t.entries, span)} for t in top]})
    return PageSpec("topics/", "topics/index.html", "topics.html",
                    {"kind": "topics", "title": translations(language).gettext(N_("Topics")),
                     "taxonomies": blocks, "years": span})


def fixed_pages(language: str = "en") -> list[PageSpec]:
    """``search/`` and ``404.html`` (the latter not in the sitemap), titled in ``language``."""
    _ = translations(language).gettext
    return [PageSpec("search/", "search/index.html", "search.html",
                     {"kind": "search", "title": _(N_("Search"))}),
            PageSpec("404.html", "404.html", "404.html",
                     {"kind": "404", "title": _(N_("Page not found"))}, in_sitemap=False)]
