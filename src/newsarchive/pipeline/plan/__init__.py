"""Plan every output page as a :class:`PageSpec`, one module per page family.

- :mod:`.spec`: the PageSpec type and the fingerprint of a page's inputs;
- :mod:`.listing`: paginated listings, the front page and the site feed;
- :mod:`.articles`: the article pages;
- :mod:`.periods`: the year, month and day pages, and ``undated/``;
- :mod:`.calendars`: the month calendars the year and month pages show;
- :mod:`.onthisday`: ``on-this-day/MM-DD/`` (a calendar day across the years)
  and its index ``on-this-day/``;
- :mod:`.terms`: each taxonomy's overview, term pages and term feeds;
- :mod:`.termperiods`: a term's pages per year (``places/iran/2000/``);
- :mod:`.charts`: the data of the volume charts and sparklines;
- :mod:`.overviews`: ``archive/``, ``topics/``, ``search/`` and the 404 page;
- :mod:`.languages`: multilingual archives (the ``languages`` taxonomy,
  translations) and the direction of the site's pages;
- :mod:`.site`: sitemap, robots.txt, .nojekyll and CNAME, planned from the
  other pages (imported on its own: it needs the renderer, which needs this).

The taxonomies come from ``Config.taxonomies`` (:mod:`newsarchive.taxonomy`),
in table order.
"""

from __future__ import annotations

from newsarchive.config import Config
from newsarchive.pipeline.index import Archive
from newsarchive.pipeline.plan.charts import archive_years
from newsarchive.pipeline.plan.languages import page_languages, planned_taxonomies
from newsarchive.pipeline.plan.listing import front_pages, site_feed
from newsarchive.pipeline.plan.onthisday import front_page_link, on_this_day_pages
from newsarchive.pipeline.plan.overviews import archive_overview, fixed_pages, topics_overview
from newsarchive.pipeline.plan.periods import period_pages, undated_pages
from newsarchive.pipeline.plan.spec import PageSpec, fingerprints
from newsarchive.pipeline.plan.terms import taxonomy_pages
from newsarchive.pipeline.plan.threads import article_and_thread_pages
from newsarchive.pipeline.related import PlanMemory
from newsarchive.taxonomy import localized

__all__ = ["PageSpec", "PlanMemory", "fingerprints", "plan_pages"]


def plan_pages(archive: Archive, config: Config, memory: PlanMemory | None = None
               ) -> tuple[PageSpec, ...]:
    """Every HTML page and feed of the site, in a deterministic order: the front
    page, the articles, the date pages, ``archive/`` and ``topics/``,
    ``undated/``, the on-this-day pages, each taxonomy's pages, the site feed,
    search and 404.

    Site files that do not depend on entries (sitemap, robots.txt, ...) are
    planned by :func:`newsarchive.pipeline.plan.site.plan_site_files`.  A session
    that plans again keeps ``memory`` between plans (see
    :class:`~newsarchive.pipeline.related.PlanMemory`).
    """
    per_page = config.per_page
    language = config.language  # labels made here are in the site's language
    taxonomies = localized(planned_taxonomies(archive, config.taxonomies), language)
    years = archive_years(archive, language)  # the span of the sparklines
    specs = [front_page_link(spec, archive, language) for spec in front_pages(archive, config)]
    specs += article_and_thread_pages(archive, taxonomies, config, memory)
    specs += period_pages(archive, per_page, language)
    specs += [archive_overview(archive, language),
              topics_overview(archive, taxonomies, language)]
    specs += undated_pages(archive, per_page, language)
    specs += on_this_day_pages(archive, per_page, language)
    for taxonomy in taxonomies:
        terms = archive.by_term.get(taxonomy.name, ())
        if terms:
            specs += taxonomy_pages(taxonomy, terms, per_page, config.feed_size,
                                    language, years)
    specs.append(site_feed(archive, config))
    specs += fixed_pages(language)
    return tuple(page_languages(specs, archive, config))
