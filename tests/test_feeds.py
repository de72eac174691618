"""Atom feeds and site files: well-formed (feedparser) and complete (a strict check)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from newsarchive.config import load_config
from newsarchive.pipeline.plan import PageSpec
from newsarchive.pipeline.plan.site import plan_site_files

from sitekit import NO_TOPICS, build_site, make_site, md

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def strict_atom_problems(path: Path) -> list[str]:
    """Required Atom elements (RFC 4287) that feedparser does not check."""
    root = ET.parse(path).getroot()
    problems = []
    for name in ("id", "title", "updated", "author"):
        if root.find(ATOM + name) is None:
            problems.append(f"feed has no {name}")
    if not any(link.get("rel") == "self" for link in root.findall(ATOM + "link")):
        problems.append("feed has no rel=self link")
    for element in root.iter():
        dated = element.tag in (ATOM + "updated", ATOM + "published")
        if dated and not RFC3339.match(element.text or ""):
            problems.append(f"bad date {element.text!r}")
    for entry in root.findall(ATOM + "entry"):
        for name in ("id", "title", "updated"):
            if entry.find(ATOM + name) is None:
                problems.append(f"entry has no {name}")
        if entry.find(ATOM + "link") is None and entry.find(ATOM + "content") is None:
            problems.append("entry has neither link nor content")
        for link in entry.findall(ATOM + "link"):
            if not (link.get("href") or "").startswith("https://example.org/archive/"):
                problems.append(f"entry link is not absolute: {link.get('href')}")
    return problems


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("feeds")
    articles = {f"a{i:02d}.md": md(f"Article <{i}> & more", f"20{i % 10:02d}-03-0{1 + i % 9}",
                                   f"Body {i} with <b>bold</b>.", topics="[Energy]",
                                   author='"Jane Doe"')
                for i in range(60)}
    articles["undated.md"] = md("No date", None, "x", topics="[Energy]")
    config = make_site(root, articles, NO_TOPICS + "base_url: https://example.org/archive/\n")
    build_site(config)
    return root / "site"


@pytest.mark.parametrize("feed", ["feed.xml", "topics/energy/feed.xml",
                                  "authors/jane-doe/feed.xml"])
def test_feeds_are_valid_atom(site: Path, feed: str) -> None:
    parsed = feedparser.parse(str(site / feed))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert strict_atom_problems(site / feed) == []
    assert len(parsed.entries) == 50
    assert parsed.entries[0].published_parsed >= parsed.entries[-1].published_parsed
    assert parsed.entries[0].title.startswith("Article <")


def test_site_feed_carries_bodies_term_feeds_summaries(site: Path) -> None:
    full = feedparser.parse(str(site / "feed.xml"))
    assert "<b>bold</b>" in full.entries[0].content[0].value
    term = feedparser.parse(str(site / "topics/energy/feed.xml"))
    assert "content" not in term.entries[0]
    assert all(e.title != "No date" for e in term.entries)


def test_sitemap_lists_html_pages_with_absolute_urls(site: Path) -> None:
    root = ET.parse(site / "sitemap.xml").getroot()
    locs = [e.text or "" for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.org/archive/" in locs
    assert "https://example.org/archive/topics/energy/" in locs
    assert all(loc.startswith("https://example.org/archive/") for loc in locs)
    assert not any(loc.endswith((".xml", "404.html")) for loc in locs)
    robots = (site / "robots.txt").read_text()
    assert "Sitemap: https://example.org/archive/sitemap.xml" in robots


def test_sitemap_index_above_the_limit(tmp_path: Path) -> None:
    config = load_config(None, tmp_path)
    specs = [PageSpec(f"p{i}/", f"p{i}/index.html", "x.html", {}) for i in range(5)]
    files = {s.url: s.params.get("text", "") for s in plan_site_files(specs, config, limit=2)}
    assert sorted(f for f in files if f.startswith("sitemap")) == [
        "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    assert "<sitemapindex" in files["sitemap.xml"]
    assert files["sitemap-3.xml"].count("<url>") == 1
