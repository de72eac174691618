"""The pages of each taxonomy: its overview (A–Z and most frequent), a listing
per term and, when the taxonomy has feeds, an Atom feed per term."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsarchive.pipeline.index import ListingPage, TermIndex, paginate
from newsarchive.pipeline.plan.charts import Bars, UrlOf, sparkline, term_chart
from newsarchive.pipeline.plan.languages import term_label
from newsarchive.pipeline.plan.listing import feed_keys, listing
from newsarchive.pipeline.plan.spec import PageSpec
from newsarchive.pipeline.plan.termperiods import (
    by_year,
    month_pages,
    term_year_url,
    year_pages,
    years_nav,
)
from newsarchive.taxonomy import Taxonomy
from newsarchive.urls import month_url, output_path, slugify, taxonomy_url, term_url, year_url

__all__ = ["taxonomy_pages"]

#: A taxonomy with more terms than this gets one A–Z page per initial.
_AZ_INLINE = 400
_TOP_TERMS = 60


def _initial(name: str) -> str:
    first = name.strip()[:1].upper()
    return first if first.isalpha() else "#"


def _overview(taxonomy: Taxonomy, terms: Sequence[TermIndex],
              years: dict[str, Any] | None = None) -> list[PageSpec]:
    """The overview: A–Z letter links, the most frequent terms, each with its
    sparkline over ``years`` (:func:`~.charts.archive_years`), and the terms by
    initial (on pages per initial above 400 terms)."""
    name = taxonomy.name
    entries_of = {term_url(name, t.term.slug): t.entries for t in terms}
    rows: list[dict[str, Any]] = [{**term_label(name, t.term.name),
                                   "url": term_url(name, t.term.slug),
                                   "count": len(t.entries)} for t in terms]
    rows.sort(key=lambda r: (r["name"].casefold(), r["url"]))
    by_count = [{**row, "spark": sparkline(entries_of[row["url"]], years)}
                for row in sorted(rows, key=lambda r: (-r["count"], r["name"].casefold()))
                [:_TOP_TERMS]]
    letters: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        letters.setdefault(_initial(row["name"]), []).append(row)
    base = taxonomy_url(name)
    split = len(rows) > _AZ_INLINE
    letter_slug = {letter: ("0" if letter == "#" else slugify(letter, "0")) for letter in letters}
    letter_links: list[dict[str, Any]] = [
        {"letter": letter, "count": len(group),
         "url": f"{base}a-z/{letter_slug[letter]}/" if split else None,
         "anchor": f"letter-{letter_slug[letter]}"}
        for letter, group in sorted(letters.items())]
    plural = taxonomy.plural
    params = {"kind": "taxonomy", "taxonomy": name, "title": plural, "plural": plural,
              "singular": taxonomy.singular, "total": len(rows), "by_count": by_count,
              "years": years,
              "letters": letter_links,
              "groups": [] if split else [{"letter": link["letter"], "anchor": link["anchor"],
                                           "terms": letters[link["letter"]]}
                                          for link in letter_links]}
    specs = [PageSpec(base, output_path(base), "taxonomy.html", params)]
    if split:
        for link in letter_links:
            url = link["url"]
            specs.append(PageSpec(url, output_path(url), "taxonomy.html", {
                **params, "title": f"{plural}: {link['letter']}", "letter": link["letter"],
                "by_count": [],
                "groups": [{"letter": link["letter"], "anchor": link["anchor"],
                            "terms": letters[link["letter"]]}],
                "overview": base}))
    return specs


def _term_pages(taxonomy: Taxonomy, terms: Sequence[TermIndex], per_page: int,
                language: str) -> list[PageSpec]:
    """Each term's listing and, when it holds more than one page, its years
    (:mod:`.termperiods`).  The term's newest page shows its chart, whose bars
    link the years' pages (else the archive's date pages), and the year links:
    only the newest page, which an added article changes anyway, so a new year
    rewrites no older page."""
    specs: list[PageSpec] = []
    name = taxonomy.name
    bars: Bars = {}
    for index in terms:
        base = term_url(name, index.term.slug)
        label = term_label(name, index.term.name)
        params: dict[str, Any] = {
            "kind": "term", "taxonomy": name, "taxonomy_label": taxonomy.plural,
            "taxonomy_url": taxonomy_url(name),
            "singular": taxonomy.singular, "title": label["name"],
            "feed": base + "feed.xml" if taxonomy.feeds else None}
        if "lang" in label:  # a language, named in itself
            params.update(title_lang=label["lang"], title_dir=label["dir"])
        pages = paginate(index.listed, per_page)
        years = ({year: paginate(entries, per_page)
                  for year, entries in by_year(index.entries).items()}
                 if len(pages) > 1 else {})
        nav = years_nav(base, list(years), language) if years else None
        url_of = _year_link(base, years)
        specs += listing(base, "term.html", {**params, "parent": None}, pages,
                         {"count": len(index.entries), "periods": nav, "months": None,
                          "chart": term_chart(index.entries, url_of, language, bars)})
        if nav:
            specs += year_pages(base, params, years, language)
    return specs


def _year_link(base: str, years: dict[int, tuple[ListingPage, ...]]) -> UrlOf:
    """Where a bar of a term's chart links: the term's year page (for a month,
    the page of it holding the month's newest article), or without year pages
    (``years``: each year's pages) the archive's year or month page."""
    if not years:
        return lambda year, month: month_url(year, month) if month else year_url(year)
    months = {(year, month): link for year, pages in years.items()
              for month, link in month_pages(term_year_url(base, year), pages).items()}
    return lambda year, month: months.get((year, month)) if month else term_year_url(base, year)


def _term_feeds(taxonomy: Taxonomy, terms: Sequence[TermIndex], feed_size: int
                ) -> list[PageSpec]:
    specs = []
    for t in terms:
        base = term_url(taxonomy.name, t.term.slug)
        label = term_label(taxonomy.name, t.term.name)
        params = {"kind": "feed", "title": label["name"], "self": base + "feed.xml",
                  "alternate": base, "full": False}
        if "lang" in label:  # a language's feed is in that language (xml:lang)
            params["feed_lang"] = label["lang"]
        specs.append(PageSpec(base + "feed.xml", base + "feed.xml", "feed.xml", params,
                              feed_keys(t.entries, feed_size), in_sitemap=False))
    return specs


def taxonomy_pages(taxonomy: Taxonomy, terms: Sequence[TermIndex], per_page: int,
                   feed_size: int, language: str = "en",
                   years: dict[str, Any] | None = None) -> list[PageSpec]:
    """The overview of ``taxonomy`` (split into a page per initial above 400
    terms; sparklines over ``years``, :func:`~.charts.archive_years`), the
    listing of each of its ``terms`` with its chart and, for a term of more
    than one page, its years' pages (:mod:`.termperiods`), and, when
    ``taxonomy.feeds``, each term's feed (not in the sitemap); labels in
    ``language``."""
    specs = _overview(taxonomy, terms, years)
    specs += _term_pages(taxonomy, terms, per_page, language)
    if taxonomy.feeds:
        specs += _term_feeds(taxonomy, terms, feed_size)
    return specs
