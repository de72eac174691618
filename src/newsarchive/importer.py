"""``newsarchive import SRC... --to DIR``: every article of every source as an editable page.

Each article is written as a front-matter-plus-body Markdown page
(:func:`newsarchive.read.serialize.to_page`) keeping every field found, and
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
:func:`newsarchive.output.write_bytes_atomic`, so importing again writes
nothing when nothing changed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsarchive.config import DERIVED_TAXONOMIES, Config, TopicSettings
from newsarchive.enrich import body_html, plain_text
from newsarchive.errors import Diagnostic
from newsarchive.model import Article
from newsarchive.output import write_bytes_atomic
from newsarchive.read import SUFFIXES, read_source
from newsarchive.read.dedupe import find_duplicates
from newsarchive.read.serialize import to_page

__all__ = ["ImportReport", "TermExtractor", "import_archive", "page_name"]

TermExtractor = Callable[[str, str, TopicSettings], Mapping[str, tuple[str, ...]]]


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did.

    ``written`` lists pages whose bytes changed; ``unchanged`` counts pages
    already up to date; ``articles`` counts every imported article (written
    or unchanged); ``undated`` those without a date; ``duplicates`` articles
    left out as copies of another; ``skipped`` source paths that gave no
    article because of an error; ``diagnostics`` every error and warning.
    """

    written: tuple[Path, ...]
    unchanged: int
    diagnostics: tuple[Diagnostic, ...]
    articles: int = 0
    undated: int = 0
    duplicates: int = 0
    skipped: tuple[str, ...] = ()


def _slug(title: str) -> str:
    words = re.findall(r"\w+", title.casefold())
    slug = "-".join(words)[:60].strip("-_")
    return slug or "article"


def page_name(relative: str, record: str, title: str) -> str:
    """The page path (relative, posix) of an article read from ``relative``.

    ``record`` is the article's record name (``""`` for single-article files).
    """
    stem, dot, suffix = relative.rpartition(".")
    base = stem if dot and "/" not in suffix else relative
    if record:
        number = f"{int(record):04d}" if record.isdigit() else record
        return f"{base}/{number}-{_slug(title)}.md"
    return f"{base}.md"


def _sources(sources: Sequence[Path], destination: Path) -> list[tuple[Path, str, str]]:
    """(file, page-relative path, display path) of every readable source file, sorted."""
    found: list[tuple[Path, str, str]] = []
    skip = destination.resolve()
    for source in sources:
        if source.is_dir():
            files = sorted(path for path in source.rglob("*") if path.is_file()
                           and path.suffix.lower() in SUFFIXES)
            for path in files:
                relative = path.relative_to(source)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if path.resolve().is_relative_to(skip):
                    continue
                found.append((path, relative.as_posix(), path.as_posix()))
        else:
            found.append((source, source.name, source.as_posix()))
    return found


def import_archive(sources: Sequence[Path], destination: Path, config: Config, *,
                   extract_terms: TermExtractor | None = None) -> ImportReport:
    """Import every article of ``sources`` (files or folders) as pages under ``destination``.

    ``extract_terms`` derives automatic terms (default:
    ``newsarchive.topics.extract_terms``).  Never raises for bad input: a
    source that cannot be read or used is reported in the diagnostics.
    """
    settings = dataclasses.replace(config.read, include_drafts=True)
    diagnostics: list[Diagnostic] = []
    articles: list[Article] = []
    names: dict[str, str] = {}  # article key -> page relative path
    claimed: set[str] = set()
    skipped: list[str] = []
    for path, relative, shown in _sources(sources, destination):
        try:
            data = path.read_bytes()
        except OSError as exc:
            diagnostics.append(Diagnostic(shown, 0, 0, f"cannot read: {exc.strerror}",
                                          "check the path and its permissions"))
            skipped.append(shown)
            continue
        result = read_source(shown, data, settings)
        diagnostics.extend(result.diagnostics)
        if not result.articles and any(d.severity == "error" for d in result.diagnostics):
            skipped.append(shown)
        for article in result.articles:
            name = page_name(relative, article.record, article.title)
            if name in claimed:
                alternative = f"{relative}.md" if not article.record else name
                counter = 2
                while alternative in claimed:
                    alternative = f"{name[:-3]}-{counter}.md"
                    counter += 1
                diagnostics.append(Diagnostic(
                    shown, 0, 0, f"page {name} is already taken by another source; "
                    f"writing {alternative}", "rename one of the sources", "warning"))
                name = alternative
            claimed.add(name)
            names[article.key] = name
            articles.append(article)

    kept, duplicate_diagnostics = find_duplicates(articles)
    diagnostics.extend(duplicate_diagnostics)
    if extract_terms is None:
        from newsarchive.topics import extract_terms as default  # loaded only when needed

        extract_terms = default
    written: list[Path] = []
    unchanged = 0
    for article in kept:
        derived: Mapping[str, tuple[str, ...]] = {}
        wanted = [t for t in DERIVED_TAXONOMIES
                  if t in config.topics.enabled and t not in article.terms]
        if wanted:
            # The text enrich gives the extractor, so imported terms match built ones.
            found = extract_terms(article.title, plain_text(article, body_html(article)),
                                  config.topics)
            derived = {t: tuple(found.get(t, ())) for t in wanted if found.get(t)}
        target = destination / names[article.key]
        if write_bytes_atomic(target, to_page(article, derived).encode("utf-8")):
            written.append(target)
        else:
            unchanged += 1
    return ImportReport(
        written=tuple(written),
        unchanged=unchanged,
        diagnostics=tuple(diagnostics),
        articles=len(kept),
        undated=sum(article.published is None for article in kept),
        duplicates=len(articles) - len(kept),
        skipped=tuple(skipped),
    )
