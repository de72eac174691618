"""Plan every output page as a :class:`PageSpec`, and the fingerprint of its inputs.

A PageSpec holds small plain data (``params``) plus the keys of the entries
it shows; the renderer resolves those keys to entries.  Its fingerprint is the
digest of the template closure, the config, the params and the digests and
URLs of its entries, so a page is rendered again only when one of those changed.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from newsarchive.config import Config
from newsarchive.model import TAXONOMIES, Entry
from newsarchive.pipeline.index import Archive, ListingPage, TermIndex, paginate
from newsarchive.urls import (
    day_url,
    month_url,
    output_path,
    page_url,
    slugify,
    taxonomy_url,
    term_slug,
    term_url,
    year_url,
)

__all__ = ["TAXONOMY_LABELS", "PageSpec", "fingerprint", "plan_pages"]

TAXONOMY_LABELS: Mapping[str, tuple[str, str]] = MappingProxyType({
    "topics": ("Topic", "Topics"),
    "places": ("Place", "Places"),
    "people": ("Person", "People"),
    "organizations": ("Organization", "Organizations"),
    "subjects": ("Subject", "Subjects"),
    "sources": ("Source", "Sources"),
    "authors": ("Author", "Authors"),
})
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
#: A taxonomy with more terms than this gets one A–Z page per initial.
_AZ_INLINE = 400
_TOP_TERMS = 60


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One output file: where it goes, how it is made, from what.

    ``template`` is a Jinja template name, or ``""`` for a file whose bytes
    are ``params["text"]``.  ``keys`` are the entries listed on the page (as
    cards; in feeds, with their bodies); ``article`` is the entry shown in full;
    ``links`` are entries the page links to by title (an article's previous and
    next, named by key in ``params``).
    """

    url: str
    output_path: str
    template: str
    params: Mapping[str, Any]
    keys: tuple[str, ...] = ()
    article: str = ""
    in_sitemap: bool = True
    extra_digest: str = field(default="")
    links: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt by the constructor: a third of the time of unpickling a saved
        # plan went to the generic dataclass __setstate__.
        return (PageSpec, (self.url, self.output_path, self.template, self.params, self.keys,
                           self.article, self.in_sitemap, self.extra_digest, self.links))


def fingerprint(spec: PageSpec, entries: Mapping[str, Entry], template_digest: str,
                config_digest: str) -> str:
    """Digest of every input of ``spec``'s bytes."""
    # repr, not json.dumps(sort_keys=True): params are plain data built in a fixed
    # key order, and repr is four times faster on the 250,000 pages of a big archive.
    parts = [spec.output_path, spec.template, template_digest, config_digest,
             repr(spec.params), spec.extra_digest]
    for key in (spec.article, *spec.keys):
        if key:
            entry = entries[key]
            parts.append(entry.digest)
            parts.append(entry.url)
    for key in spec.links:
        entry = entries[key]
        parts.append(entry.title)
        parts.append(entry.url)
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _listing(base: str, template: str, params: dict[str, Any],
             pages: Sequence[ListingPage], front_only: Mapping[str, Any] | None = None,
             ) -> list[PageSpec]:
    specs = []
    for page in pages:
        url = page_url(base, page.number)
        p: dict[str, Any] = {
            **params, "number": page.number,
            "older": page_url(base, page.older) if page.older is not None else None,
            "newer": page_url(base, page.newer) if page.newer is not None else None,
        }
        for key, value in (front_only or {}).items():
            p[key] = value if page.number == 0 else None
        specs.append(PageSpec(url, output_path(url), template, p,
                              tuple(e.key for e in page.items)))
    return specs


def _period_label(year: int, month: int = 0, day: int = 0) -> str:
    if day:
        return f"{day} {_MONTHS[month - 1]} {year}"
    if month:
        return f"{_MONTHS[month - 1]} {year}"
    return str(year)


def _periods(archive: Archive, per_page: int) -> list[PageSpec]:
    specs: list[PageSpec] = []
    levels: list[tuple[str, Mapping[Any, tuple[Entry, ...]]]] = [
        ("year", {(y,): v for y, v in archive.by_year.items()}),
        ("month", archive.by_month),
        ("day", archive.by_day),
    ]
    url_of = {1: lambda k: year_url(*k), 2: lambda k: month_url(*k), 3: lambda k: day_url(*k)}
    # Children of each year and month, grouped once (not a scan of every key per parent).
    children_of: dict[Any, list[Any]] = defaultdict(list)
    for level_groups in (archive.by_month, archive.by_day):
        for child in level_groups:
            children_of[child[:-1]].append(child)
    for level, groups in levels:
        keys = sorted(groups)
        for i, key in enumerate(keys):
            base = url_of[len(key)](key)
            neighbours = {
                "prev_period": {"url": url_of[len(key)](keys[i - 1]),
                                "label": _period_label(*keys[i - 1])} if i else None,
                "next_period": {"url": url_of[len(key)](keys[i + 1]),
                                "label": _period_label(*keys[i + 1])}
                if i + 1 < len(keys) else None,
            }
            children = []
            if level != "day":
                child_groups: Mapping[Any, tuple[Entry, ...]] = (
                    archive.by_month if level == "year" else archive.by_day)
                for child in sorted(children_of.get(key, ())):
                    children.append({"label": _period_label(*child),
                                     "url": url_of[len(child)](child),
                                     "count": len(child_groups[child])})
            crumbs = [{"label": _period_label(*key[:n]), "url": url_of[n](key[:n])}
                      for n in range(1, len(key))]
            params = {"kind": "period", "level": level, "title": _period_label(*key),
                      "crumbs": crumbs, **neighbours}
            specs += _listing(base, "period.html", params, paginate(groups[key], per_page),
                              {"children": children, "count": len(groups[key])})
    return specs


def _term_pages(taxonomy: str, terms: Sequence[TermIndex], per_page: int) -> list[PageSpec]:
    specs: list[PageSpec] = []
    singular, plural = TAXONOMY_LABELS.get(taxonomy, (taxonomy, taxonomy))
    for index in terms:
        base = term_url(taxonomy, index.term.slug)
        params = {"kind": "term", "taxonomy": taxonomy, "taxonomy_label": plural,
                  "taxonomy_url": taxonomy_url(taxonomy),
                  "singular": singular, "title": index.term.name,
                  "feed": base + "feed.xml"}
        specs += _listing(base, "term.html", params, paginate(index.entries, per_page),
                          {"count": len(index.entries)})
    return specs


def _initial(name: str) -> str:
    first = name.strip()[:1].upper()
    return first if first.isalpha() else "#"


def _taxonomy_overview(taxonomy: str, terms: Sequence[TermIndex]) -> list[PageSpec]:
    singular, plural = TAXONOMY_LABELS.get(taxonomy, (taxonomy, taxonomy))
    rows: list[dict[str, Any]] = [{"name": t.term.name, "url": term_url(taxonomy, t.term.slug),
             "count": len(t.entries)} for t in terms]
    rows.sort(key=lambda r: (r["name"].casefold(), r["url"]))
    by_count = sorted(rows, key=lambda r: (-r["count"], r["name"].casefold()))[:_TOP_TERMS]
    letters: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        letters.setdefault(_initial(row["name"]), []).append(row)
    base = taxonomy_url(taxonomy)
    split = len(rows) > _AZ_INLINE
    letter_slug = {letter: ("0" if letter == "#" else slugify(letter, "0")) for letter in letters}
    letter_links: list[dict[str, Any]] = [{"letter": letter, "count": len(group),
                     "url": f"{base}a-z/{letter_slug[letter]}/" if split else None,
                     "anchor": f"letter-{letter_slug[letter]}"}
                    for letter, group in sorted(letters.items())]
    params = {"kind": "taxonomy", "taxonomy": taxonomy, "title": plural,
              "singular": singular, "total": len(rows), "by_count": by_count,
              "letters": letter_links,
              "groups": [] if split else [{"letter": link["letter"], "anchor": link["anchor"],
                                           "terms": letters[link["letter"]]}
                                          for link in letter_links]}
    specs = [PageSpec(base, output_path(base), "taxonomy.html", params)]
    if split:
        for link in letter_links:
            url = link["url"]
            specs.append(PageSpec(url, output_path(url), "taxonomy.html", {
                **params, "title": f"{plural}: {link['letter']}", "by_count": [],
                "groups": [{"letter": link["letter"], "anchor": link["anchor"],
                            "terms": letters[link["letter"]]}],
                "overview": base}))
    return specs


def _article_pages(archive: Archive) -> list[PageSpec]:
    specs = []
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
                {"taxonomy": tax, "label": TAXONOMY_LABELS[tax][1 if len(names) > 1 else 0],
                 "terms": [{"name": n, "url": url_of_term(tax, n)} for n in names]}
                for tax in TAXONOMIES if (names := entry.terms.get(tax))]
            specs.append(PageSpec(entry.url, output_path(entry.url), "article.html", params,
                                  article=entry.key, links=links))
    return specs


def _overviews(archive: Archive) -> list[PageSpec]:
    years = []
    for year in sorted(archive.by_year, reverse=True):
        months = [{"label": _MONTHS[m - 1], "url": month_url(y, m),
                   "count": len(archive.by_month[(y, m)])}
                  for (y, m) in sorted(archive.by_month) if y == year]
        years.append({"label": str(year), "url": year_url(year),
                      "count": len(archive.by_year[year]), "months": months})
    specs = [PageSpec("archive/", "archive/index.html", "archive.html",
                      {"kind": "archive", "title": "Archive", "years": years,
                       "undated": len(archive.undated)})]
    taxonomies = []
    for taxonomy in TAXONOMIES:
        terms = archive.by_term.get(taxonomy, ())
        if not terms:
            continue
        top = sorted(terms, key=lambda t: (-len(t.entries), t.term.name.casefold()))[:12]
        taxonomies.append({"taxonomy": taxonomy, "title": TAXONOMY_LABELS[taxonomy][1],
                           "url": taxonomy_url(taxonomy), "total": len(terms),
                           "top": [{"name": t.term.name, "count": len(t.entries),
                                    "url": term_url(taxonomy, t.term.slug)} for t in top]})
    specs.append(PageSpec("topics/", "topics/index.html", "topics.html",
                          {"kind": "topics", "title": "Topics", "taxonomies": taxonomies}))
    return specs


def _feed_keys(entries: Sequence[Entry], size: int) -> tuple[str, ...]:
    """Keys of the ``size`` newest dated entries, newest first (undated never in feeds)."""
    newest: list[str] = []
    for entry in reversed(entries):  # stops after `size`: big terms are not scanned whole
        if len(newest) == size:
            break
        if entry.local is not None:
            newest.append(entry.key)
    return tuple(newest)


def plan_pages(archive: Archive, config: Config) -> tuple[PageSpec, ...]:
    """Every HTML page and feed of the site, in a deterministic order.

    Site files that do not depend on entries (sitemap, robots.txt, ...) are
    planned by ``feeds.plan_site_files``.
    """
    per_page = config.per_page
    specs: list[PageSpec] = []
    specs += _listing("", "index.html", {"kind": "index", "title": config.title},
                      paginate(archive.dated, per_page))
    specs += _article_pages(archive)
    specs += _periods(archive, per_page)
    specs += _overviews(archive)
    if archive.undated:
        specs += _listing("undated/", "period.html",
                          {"kind": "undated", "level": "undated", "title": "Undated",
                           "crumbs": [], "prev_period": None, "next_period": None},
                          paginate(archive.undated, per_page),
                          {"count": len(archive.undated), "children": []})
    for taxonomy in TAXONOMIES:
        terms = archive.by_term.get(taxonomy, ())
        if terms:
            specs += _taxonomy_overview(taxonomy, terms)
            specs += _term_pages(taxonomy, terms, per_page)
            specs += [PageSpec(term_url(taxonomy, t.term.slug) + "feed.xml",
                               term_url(taxonomy, t.term.slug) + "feed.xml", "feed.xml",
                               {"kind": "feed", "title": f"{t.term.name}",
                                "self": term_url(taxonomy, t.term.slug) + "feed.xml",
                                "alternate": term_url(taxonomy, t.term.slug), "full": False},
                               _feed_keys(t.entries, config.feed_size),
                               in_sitemap=False)
                      for t in terms]
    newest = _feed_keys(archive.dated, config.feed_size)
    specs.append(PageSpec("feed.xml", "feed.xml", "feed.xml",
                          {"kind": "feed", "title": config.title, "self": "feed.xml",
                           "alternate": "", "full": True}, newest, in_sitemap=False))
    specs.append(PageSpec("search/", "search/index.html", "search.html",
                          {"kind": "search", "title": "Search"}))
    specs.append(PageSpec("404.html", "404.html", "404.html",
                          {"kind": "404", "title": "Page not found"}, in_sitemap=False))
    return tuple(specs)
