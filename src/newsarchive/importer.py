"""``newsarchive import SRC... --to DIR``: every article of every source as an editable page.

Each article is written as a front-matter-plus-body Markdown page
(:func:`newsarchive.pipeline.read.serialize.to_page`) keeping every field found, and
the automatic places, people, organizations and subjects for taxonomies the
article does not set itself, so an editor can correct them.

Where pages go (``SRC`` a folder given on the command line, ``DIR`` the
destination):

- a single-article file mirrors its path: ``SRC/a/b.txt`` -> ``DIR/a/b.md``;
- the records of a JSON / JSON Lines file go in a folder named after the
  file, one page each, named by record number (the array index, or the line
  number for JSON Lines, four digits at least) and title slug:
  ``SRC/a/dump.json`` -> ``DIR/a/dump/0001-some-title.md``;
- a file given directly (not inside a folder) lands at ``DIR/<its name>``;
- when two sources claim one page (``a.txt`` and ``a.md``) the later one in
  sorted order keeps its suffix (``DIR/a.txt.md``) and a warning says so.

Files inside ``DIR`` and hidden files are not read.  Drafts are imported
(with ``draft: true``).  Duplicates (same title and body) are imported once
and reported.  Pages are written through
:func:`newsarchive.pipeline.output.write_bytes_atomic`, so importing again writes
nothing when nothing changed.

Importing again: the editor's pages
-----------------------------------

Import keeps a manifest in ``DIR``, :data:`MANIFEST_NAME`
(``.newsarchive-import.json``: hidden, so neither the build nor import reads
it), recording for every page it wrote the page's relative path, the sha256
of the bytes it wrote, and where the article came from::

    {"format": "newsarchive import manifest", "version": 1,
     "pages": {"a/b.md": {"sha256": "...", "source": "src/a/b.txt", "record": ""}}}

Each page is then one decision (:func:`decide_page`):

- absent: written;
- already holding the new bytes: left alone, and recorded as import's (they
  are exactly what import writes; so a lost manifest heals itself);
- not in the manifest, or not a plain file (a folder, a link): a file import
  did not write.  Never overwritten, nothing written elsewhere, a warning;
- unchanged since import wrote it (its digest is the recorded one):
  overwritten with the new version;
- changed since (an editor's fix): kept.  When the source now gives
  something new, it is written beside the page as ``.NAME.imported`` (hidden,
  and a suffix the build does not read) with a warning saying how to take it
  (``mv``) or dismiss it (delete it); its digest is recorded as ``offered``,
  so a dismissed offer is not made again, and an offer changed by hand is
  never overwritten.  An offer import wrote is removed once the page is
  import's again (taken, or the edit reverted).

A page in the manifest whose source (a file named in this run, or a file
inside a folder named in it) no longer yields it is reported ``source has
gone`` and kept: import never deletes a page.  Its record is dropped once the
editor deletes the page.  Pages of other imports into the same ``DIR`` are
left alone, and so are the pages of a source that could not be read this
time.  The manifest is written after the pages, atomically; an unreadable or
damaged manifest is reported once, and every page already in ``DIR`` is then
taken as not written by import.

Safety
------

- ``DIR`` must be a folder (created when missing).  A page that cannot be
  written is an error naming it; the other pages are still written.
- Page paths never leave ``DIR``: in every component of a page path,
  backslashes, control characters and undecodable bytes become ``_``; an
  empty, ``.`` or ``..`` component becomes ``_``; a leading ``.`` gets a
  ``_`` before it (a hidden page would not be built), and a page named
  ``_index.*`` is renamed ``page_index.*`` (the build skips Hugo section
  indexes).  Each component is at most :data:`MAX_NAME_BYTES` bytes of UTF-8:
  a longer one is cut at a character and ends with ``-`` and ten hex digits
  of the full name's sha256, so two long names stay different.  When a whole
  page path (with room for the offer and temporary names) would pass 4,096
  bytes, its folders fold into one ``long-path-<hash>`` folder.  No page is
  written through a link inside ``DIR`` that leads out of it.
- Folder sources: hidden files and folders are skipped; links to folders are
  not followed (as in the build: no loops); a link to a file outside the
  folder is refused with a warning (name the file on the command line to
  import it), and a broken link is reported.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsarchive.config import DERIVED_TAXONOMIES, Config, TopicSettings
from newsarchive.errors import Diagnostic
from newsarchive.import_images import carry_images
from newsarchive.import_pages import (
    MANIFEST_NAME,
    MAX_NAME_BYTES,
    MAX_PATH_BYTES,
    NAME_GROWTH,
    STAMP_KEYS,
    Decision,
    ManifestEntry,
    PageFacts,
    decide_page,
    existing_pages,
    fit_path,
    inside,
    page_name,
    raw_name,
    read_manifest,
    stamp_page,
)
from newsarchive.import_sources import import_sources
from newsarchive.import_write import Placer
from newsarchive.model import Article
from newsarchive.pipeline.enrich import body_html, plain_text
from newsarchive.pipeline.read import read_source
from newsarchive.pipeline.read.dedupe import duplicate_warning, find_duplicates, identities
from newsarchive.pipeline.read.serialize import to_page

__all__ = ["MANIFEST_NAME", "MAX_NAME_BYTES", "Decision", "ImportReport", "ManifestEntry",
           "TermExtractor", "decide_page", "import_archive", "page_name"]

TermExtractor = Callable[[str, str, TopicSettings], Mapping[str, tuple[str, ...]]]

@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did.

    ``written`` lists pages whose bytes changed; ``unchanged`` counts pages
    already up to date (or holding an editor's fix while the source gave
    nothing new); ``kept`` lists pages holding an editor's fix while the
    source gave something new (offered beside them, or not written when the
    offer itself was changed by hand); ``blocked`` pages not written because
    a file import did not write is in the way; ``gone`` pages whose source
    no longer yields them (kept).  ``articles`` counts every imported article
    (written, unchanged or kept); ``undated`` those without a date;
    ``duplicates`` articles left out as copies of another; ``skipped``
    source paths that gave no article because of an error; ``diagnostics``
    every error and warning.
    """

    written: tuple[Path, ...]
    unchanged: int
    diagnostics: tuple[Diagnostic, ...]
    articles: int = 0
    undated: int = 0
    duplicates: int = 0
    skipped: tuple[str, ...] = ()
    kept: tuple[Path, ...] = ()
    blocked: tuple[Path, ...] = ()
    gone: tuple[Path, ...] = ()
    #: Files no reader takes (reported once each), but images an article shows.
    not_read: tuple[str, ...] = ()


def _prepare(destination: Path, create: bool) -> Diagnostic | None:
    """Why ``destination`` cannot be the folder pages go into, or None; it is
    created when missing if ``create``."""
    where = destination.as_posix()
    try:
        if destination.exists() and not destination.is_dir():
            return Diagnostic(where, 0, 0, "--to is a file, not a folder",
                              "name a folder: it is created when missing")
        if create:
            destination.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return Diagnostic(where, 0, 0, f"cannot create the folder: {exc.strerror}",
                          "check the path and its permissions")
    return None


def _coverage(sources: Sequence[Path]) -> Callable[[str], bool]:
    """Whether a display path is one of the ``sources`` files or inside one of its folders."""
    folders = [os.path.abspath(given) for given in sources if given.is_dir()]
    files = {os.path.abspath(given) for given in sources if not given.is_dir()}

    def covered(source: str) -> bool:
        where = os.path.abspath(source)
        return where in files or any(inside(where, folder) for folder in folders)

    return covered


def _claim(name: str, relative: str, claimed: set[str], room: int) -> str | None:
    """A free page path instead of ``name``, already taken: the source's name with its
    suffix (``a.txt.md``) when ``relative`` is given, else ``name`` numbered (``-2``)."""
    alternative = fit_path(f"{relative}.md", room) if relative else name
    counter = 2
    while alternative is None or alternative in claimed:
        alternative = fit_path(f"{name[:-3]}-{counter}.md", room)
        if alternative is None:
            return None
        counter += 1
    return alternative


def _origin(relative: str, article: Article, data: bytes) -> dict[str, str]:
    """The ``imported_from`` of ``article``, read from ``relative`` (its path below
    the folder named on the command line, or its name): ``digest`` is the
    sha256 of the file's bytes for a single-article file, else of the record's
    fields (a record's bytes are not kept apart by every reader)."""
    if article.record:
        fields = {f.name: getattr(article, f.name) for f in dataclasses.fields(article)
                  if f.name not in ("source_path", "record", "body_line")}
        material = json.dumps(fields, default=str, sort_keys=True, ensure_ascii=False)
        digest = hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()
    else:
        digest = hashlib.sha256(data).hexdigest()
    return {"file": relative, "record": article.record, "url": article.original_url,
            "digest": digest}


def _against_pages(kept: Sequence[Article], pages: Sequence[PageFacts],
                   old: Mapping[str, ManifestEntry], names: dict[str, str],
                   claimed: set[str], shown_of: Mapping[str, str],
                   origin_of: Mapping[str, Mapping[str, str]], destination: Path
                   ) -> tuple[list[Article], list[Diagnostic]]:
    """``kept`` less the articles that duplicate a page already in ``destination``
    (one this run does not write), with a warning for each.  An article
    matching a page import wrote from the same source file is that page's
    article, whose name changed (a new title): the page is updated in place
    (``names`` and ``claimed`` follow)."""
    by_identity: dict[str, PageFacts] = {}
    for page in pages:
        for identity in page.identities:
            by_identity.setdefault(identity, page)
    left: list[Article] = []
    warnings: list[Diagnostic] = []
    for article in kept:
        found = next(((i, by_identity[i]) for i in identities(article) if i in by_identity),
                     None)
        if found is None:
            left.append(article)
            continue
        identity, page = found
        entry = old.get(page.name)
        same = ((entry is not None and entry.source == shown_of[article.key])
                or (page.stamp is not None and page.stamp.file == origin_of[article.key]["file"]))
        if same and page.name not in claimed:
            claimed.discard(names[article.key])
            names[article.key] = page.name
            claimed.add(page.name)
            left.append(article)
            continue
        warnings.append(duplicate_warning(article, (destination / page.name).as_posix(),
                                          identity.partition("\0")[0]))
    return left, warnings


def _not_read(unread: Mapping[str, tuple[Path, tuple[Diagnostic, ...]]],
              articles: Sequence[Article]) -> tuple[str, ...]:
    """The files of ``unread`` to report: not the images the articles show (they are
    copied with their pages)."""
    shown: set[Path] = set()
    for article in articles:
        rooted = article.source_path.startswith("/")
        for image in article.images:
            if not image.src.startswith(("http://", "https://")):
                shown.add(Path(("/" if rooted and not image.src.startswith("/") else "")
                               + image.src).resolve())
    return tuple(path for path, (file, _) in sorted(unread.items())
                 if file.resolve() not in shown)


def import_archive(sources: Sequence[Path], destination: Path, config: Config, *,
                   extract_terms: TermExtractor | None = None) -> ImportReport:
    """Import every article of ``sources`` (files or folders) as pages under ``destination``.

    ``extract_terms`` derives automatic terms (default:
    ``newsarchive.topics.extract_terms``).  Never raises for bad input or an
    unwritable destination: every problem is reported in the diagnostics
    (see the module docstring for what is and is not overwritten).
    """
    problem = _prepare(destination, create=False)
    if problem is not None:
        return ImportReport((), 0, (problem,))
    diagnostics: list[Diagnostic] = []
    settings = dataclasses.replace(config.read, include_drafts=True)
    articles: list[Article] = []
    unread: dict[str, tuple[Path, tuple[Diagnostic, ...]]] = {}
    names: dict[str, str] = {}  # article key -> page relative path
    shown_of: dict[str, str] = {}  # article key -> source display path
    origin_of: dict[str, dict[str, str]] = {}  # article key -> its imported_from
    claimed: set[str] = set()
    skipped: list[str] = []
    room = MAX_PATH_BYTES - 1 - len(os.fsencode(os.path.abspath(destination))) - 1 - NAME_GROWTH
    for path, relative, shown in import_sources(sources, destination, diagnostics, skipped,
                                            settings.plugins):
        try:
            data = path.read_bytes()
        except OSError as exc:
            diagnostics.append(Diagnostic(shown, 0, 0, f"cannot read: {exc.strerror}",
                                          "check the path and its permissions"))
            skipped.append(shown)
            continue
        result = read_source(shown, data, settings)
        if result.unread:
            unread[shown] = (path, result.diagnostics)
            continue
        diagnostics.extend(result.diagnostics)
        if not result.articles and any(d.severity == "error" for d in result.diagnostics):
            skipped.append(shown)
        for article in result.articles:
            name = fit_path(raw_name(relative, article.record, article.title), room)
            if name is not None and name in claimed:
                alternative = _claim(name, "" if article.record else relative, claimed, room)
                if alternative is not None:
                    diagnostics.append(Diagnostic(
                        shown, 0, 0, f"page {name} is already taken by another source; "
                        f"writing {alternative}", "rename one of the sources", "warning"))
                name = alternative
            if name is None:
                diagnostics.append(Diagnostic(
                    shown, 0, 0, f"not imported: its page path under {destination.as_posix()} "
                    "would be longer than 4,096 bytes", "choose a --to folder with a shorter path"))
                continue
            claimed.add(name)
            names[article.key] = name
            shown_of[article.key] = shown
            origin_of[article.key] = _origin(relative, article, data)
            articles.append(article)

    not_read = _not_read(unread, articles)
    diagnostics.extend(d for path in not_read for d in unread[path][1])
    unique, duplicate_diagnostics = find_duplicates(articles)
    kept = list(unique)
    diagnostics.extend(duplicate_diagnostics)
    old, damaged = read_manifest(destination)
    if damaged is not None:
        diagnostics.append(damaged)
    if destination.is_dir():
        pages = existing_pages(destination, claimed, settings)
        kept, against_pages = _against_pages(kept, pages, old, names, claimed,
                                             shown_of, origin_of, destination)
        diagnostics.extend(against_pages)
        duplicate_diagnostics += tuple(against_pages)
    if not kept and not old:
        return ImportReport((), 0, tuple(diagnostics), skipped=tuple(skipped),
                            not_read=not_read)
    problem = _prepare(destination, create=True)
    if problem is not None:
        return ImportReport((), 0, (*diagnostics, problem), skipped=tuple(skipped),
                            not_read=not_read)

    with_dateline = extract_terms is None
    if extract_terms is None:
        from newsarchive.topics import extract_terms as default  # loaded only when needed

        extract_terms = default
    placer = Placer(destination, old)
    imported: list[Article] = []
    for article in kept:
        derived: Mapping[str, tuple[str, ...]] = {}
        wanted = [t for t in DERIVED_TAXONOMIES
                  if t in config.topics.enabled and t not in article.terms]
        if wanted:
            # The text enrich gives the extractor, so imported terms match built ones.
            text = plain_text(article, body_html(article, config.markdown))
            found: Mapping[str, tuple[str, ...]]
            if with_dateline:  # the reader took the dateline out of the text
                from newsarchive.topics import extract_terms as default

                found = default(article.title, text, config.topics, article.dateline)
            else:
                found = extract_terms(article.title, text, config.topics)
            derived = {t: tuple(found.get(t, ())) for t in wanted if found.get(t)}
        origin = origin_of[article.key]
        extra = {k: v for k, v in article.extra.items() if k not in STAMP_KEYS}
        stamped = dataclasses.replace(article, extra={**extra, "imported_from": origin})
        stamped, image_problems = carry_images(stamped, shown_of[article.key],
                                               names[article.key], destination)
        diagnostics.extend(image_problems)
        page = stamp_page(to_page(stamped, derived)).encode("utf-8")
        entry = ManifestEntry("", shown_of[article.key], article.record)
        if placer.place(names[article.key], page, entry, origin["digest"]):
            imported.append(article)
    unreadable, covered = set(skipped), _coverage(sources)
    placer.report_gone(lambda entry: entry.source not in unreadable and covered(entry.source),
                       claimed)
    placer.save()
    return ImportReport(
        written=tuple(placer.written),
        unchanged=placer.unchanged,
        diagnostics=(*diagnostics, *placer.diagnostics),
        articles=len(imported),
        undated=sum(article.published is None for article in imported),
        duplicates=len(duplicate_diagnostics),
        skipped=tuple(skipped),
        kept=tuple(placer.kept),
        blocked=tuple(placer.blocked),
        gone=tuple(placer.gone),
        not_read=not_read,
    )
