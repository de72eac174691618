"""The plan step of a build: every loaded entry gathered, duplicates and copies
found, the archive indexed and every page planned (the built-in families, the
plugins' families and hooks, the links and images of bodies resolved, the
site files)."""

from __future__ import annotations

from collections.abc import Callable

from newsarchive import hooks
from newsarchive.config import Config
from newsarchive.errors import Diagnostic
from newsarchive.model import Entry
from newsarchive.pipeline.discover import refusal_hint
from newsarchive.pipeline.related import PlanMemory
from newsarchive.pipeline.write import Plan
from newsarchive.run.heap import collector_paused
from newsarchive.run.load import SourceIndex

__all__ = ["plan_all"]


def _gather(sources: SourceIndex) -> tuple[list[Entry], list[Diagnostic], dict[str, str],
                           dict[str, tuple[Diagnostic, ...]], dict[str, str]]:
    """Every light entry loaded, with the read diagnostics, skipped files (with
    the reason), the diagnostics by source path and the files not read (with
    what they look like; an image an article shows is not reported)."""
    entries: list[Entry] = []
    diagnostics: list[Diagnostic] = []
    skipped: dict[str, str] = {}
    by_path: dict[str, tuple[Diagnostic, ...]] = {}
    for path, reason in sorted(sources.unreadable.items()):
        skipped[path] = f"cannot read: {reason}"
        diagnostics.append(Diagnostic(path, 0, 0, f"cannot read file: {reason}",
                                      "check the file's permissions"))
    for row in sources.rows.values():
        entries.extend(row.loaded[1])
    shown = {image.src for e in entries for image in e.article.images}
    not_read: dict[str, str] = {}
    for path in sorted(sources.rows):
        read_result, file_entries = sources.rows[path].loaded
        if read_result.unread:
            if path in shown:
                continue  # an image of an article, copied beside its page
            not_read[path] = read_result.unread
        diagnostics.extend(read_result.diagnostics)
        if read_result.diagnostics:
            by_path[path] = tuple(read_result.diagnostics)
        if not file_entries:
            errors = [d for d in read_result.diagnostics if d.severity == "error"]
            if errors:
                skipped[path] = errors[0].message
    entries.sort(key=lambda e: e.article.source_path)
    return entries, diagnostics, skipped, by_path, not_read


def plan_all(config: Config, sources: SourceIndex, memory: PlanMemory | None = None,
             hold: Callable[[], None] | None = None
             ) -> tuple[Plan, dict[str, str], dict[str, str]]:
    """Index the loaded entries and plan every page (with the plugins' families
    and hooks); with the skipped files.  ``memory``: what the last plan of a
    session that builds again kept (see :class:`PlanMemory`).  Runs with the
    cycle collector paused (:func:`collector_paused`); ``hold`` (see
    :func:`~newsarchive.run.heap.held_apart`) is called before it runs again, so
    the first collection after planning does not walk the plan (0.07 s at
    10,000 articles)."""
    with collector_paused():
        planned = _plan_all(config, sources, memory)
        if hold is not None:
            hold()
        return planned


def _plan_all(config: Config, sources: SourceIndex, memory: PlanMemory | None
              ) -> tuple[Plan, dict[str, str], dict[str, str]]:
    from newsarchive.pipeline.assets import plan_markers
    from newsarchive.pipeline.copies import find_copies, link_copies, remembered_copies
    from newsarchive.pipeline.index import build_archive
    from newsarchive.pipeline.plan import plan_pages
    from newsarchive.pipeline.plan.languages import page_languages
    from newsarchive.pipeline.plan.site import plan_site_files
    from newsarchive.pipeline.read.dedupe import find_duplicates

    entries, diagnostics, skipped, read_diagnostics, not_read = _gather(sources)
    kept_articles, dup_diags = find_duplicates([e.article for e in entries])
    kept_keys = {a.key for a in kept_articles}
    archive, url_diags = build_archive(e for e in entries if e.key in kept_keys)
    specs = list(plan_pages(archive, config, memory))
    # plugins' page families, with the site's direction like the built-in pages
    specs += page_languages(hooks.plan_families(archive, config), archive, config)
    specs = hooks.after_plan(specs, archive, config)
    # Links between imported pages and images beside them, resolved now that
    # every article has its URL.
    specs, marker_warnings = plan_markers(specs, archive.entries, config.source_dir)
    by_key = {e.key: e for e in archive.entries}
    # The same story carried by other sources: linked from each article page.
    signatures = {e.key: e.copy_sig or None for e in archive.entries}
    if memory is None:
        copies = find_copies(archive.entries, signatures)
    else:
        memory.copies = remembered_copies(archive.entries, signatures, memory.copies)
        copies = memory.copies.found
    specs = link_copies(specs, copies, by_key)
    specs += plan_site_files(specs, config)
    other = [Diagnostic(path, 0, 0, reason, refusal_hint(reason), "warning")
             for path, reason in sorted(sources.refused.items())]
    other += list(dup_diags) + list(url_diags) + marker_warnings
    # An undated article was reported by its reader, with its line: once.
    diagnostics += other
    slugs = {e.key: e.slug for e in entries}
    plan = Plan(specs, by_key, diagnostics, len(dup_diags), len(archive.undated),
                read_diagnostics, tuple(other),
                {k: (e.slug, e.url) for k, e in by_key.items() if e.slug != slugs[k]},
                {k: e.article.source_path for k, e in by_key.items()
                 if k != e.article.source_path}, sources)
    return plan, skipped, not_read
