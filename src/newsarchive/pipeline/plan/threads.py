"""The article pages with their related articles and story threads, and a page
per thread (``threads/<slug>/``).

Related lists (:mod:`newsarchive.pipeline.related`) and threads
(:mod:`newsarchive.pipeline.threads`) are computed once per plan, from the
index; a page names the entries it lists by key, so its fingerprint follows
their titles and URLs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsarchive.config import Config
from newsarchive.i18n import N_, translations
from newsarchive.pipeline.index import Archive
from newsarchive.pipeline.plan.articles import article_pages
from newsarchive.pipeline.plan.spec import PageSpec
from newsarchive.pipeline.related import PlanMemory, related_entries, remembered_related
from newsarchive.pipeline.threads import Thread, find_threads
from newsarchive.taxonomy import Taxonomy
from newsarchive.urls import output_path

__all__ = ["article_and_thread_pages", "thread_pages", "thread_url"]


def thread_url(slug: str) -> str:
    """The URL of a thread's page: ``threads/<slug>/``."""
    return f"threads/{slug}/"


def thread_pages(threads: Sequence[Thread], language: str = "en") -> list[PageSpec]:
    """A page per thread listing its members in date order (``items``); its
    ``title`` param is the interface's "Story thread" in ``language`` (the
    template names the story by its first member's title)."""
    label = translations(language).gettext(N_("Story thread"))
    return [PageSpec(thread_url(t.slug), output_path(thread_url(t.slug)), "thread.html",
                     {"kind": "thread", "title": label, "explicit": t.explicit},
                     t.keys) for t in threads]


def article_and_thread_pages(archive: Archive, taxonomies: Sequence[Taxonomy],
                             config: Config, memory: PlanMemory | None = None
                             ) -> list[PageSpec]:
    """The article pages (see :func:`.articles.article_pages`), each with its
    ``config.related`` related articles and its thread, then the thread pages;
    the related lists reuse and update ``memory`` when given."""
    if memory is None:
        related = related_entries(archive.dated, config.related)
    else:
        memory.related = remembered_related(archive.dated, config.related, memory.related)
        related = memory.related.found
    threads = find_threads(archive.dated, archive.undated)
    of_entry: dict[str, dict[str, Any]] = {}
    for thread in threads:
        shown = {"url": thread_url(thread.slug), "keys": list(thread.keys)}
        for key in thread.keys:
            of_entry[key] = shown
    return (article_pages(archive, taxonomies, related, of_entry)
            + thread_pages(threads, config.language))
