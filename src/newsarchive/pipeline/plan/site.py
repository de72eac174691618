"""Site files that list the site rather than show content: sitemap, robots.txt, .nojekyll, CNAME.

Atom feeds are ordinary pages rendered from ``templates/feed.xml`` (planned
in the other modules of this package); this module plans the files derived
from the plan itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from newsarchive.config import Config
from newsarchive.pipeline.plan.spec import PageSpec
from newsarchive.pipeline.render import site_url
from newsarchive.urls import absolute

__all__ = ["SITEMAP_LIMIT", "plan_site_files"]

#: The sitemap protocol's limit of URLs per file; above it a sitemap index is written.
SITEMAP_LIMIT = 50_000


def _urlset(urls: Sequence[str]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(u)}</loc></url>" for u in urls]
    lines.append("</urlset>\n")
    return "\n".join(lines)


def _text(url: str, text: str) -> PageSpec:
    return PageSpec(url, url, "", {"text": text}, in_sitemap=False)


def plan_site_files(specs: Sequence[PageSpec], config: Config,
                    limit: int = SITEMAP_LIMIT) -> tuple[PageSpec, ...]:
    """sitemap.xml (an index of sitemap-N.xml above ``limit`` URLs), robots.txt,
    .nojekyll and, when configured, CNAME."""
    base = site_url(config)
    urls = [absolute(base, s.url) for s in specs if s.in_sitemap]
    files: list[PageSpec] = []
    if len(urls) <= limit:
        files.append(_text("sitemap.xml", _urlset(urls)))
    else:
        parts = [urls[i:i + limit] for i in range(0, len(urls), limit)]
        index = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        for number, part in enumerate(parts, 1):
            name = f"sitemap-{number}.xml"
            files.append(_text(name, _urlset(part)))
            index.append(f"  <sitemap><loc>{escape(absolute(base, name))}</loc></sitemap>")
        index.append("</sitemapindex>\n")
        files.append(_text("sitemap.xml", "\n".join(index)))
    files.append(_text("robots.txt",
                       f"User-agent: *\nAllow: /\n\nSitemap: {absolute(base, 'sitemap.xml')}\n"))
    files.append(_text(".nojekyll", ""))
    if config.cname:
        files.append(_text("CNAME", config.cname.strip() + "\n"))
    return tuple(files)
