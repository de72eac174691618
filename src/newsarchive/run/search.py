"""Full-text search: index the built site with Pagefind, the last step of a build.

The index is made in parts, one per period of the articles' dates, and only
the parts whose pages changed are indexed again (:mod:`newsarchive.run.search_parts`).

Pagefind (``pip install 'newsarchive[search]'``, which brings ``pagefind[extended]``)
reads the written HTML and writes a static search bundle to ``<output>/pagefind/``;
the search page loads it in the browser.  Only article pages carry
``data-pagefind-body``, so listing pages are not indexed.  Without Pagefind
the site still builds and the search page says search is unavailable.

Each article is indexed in its own language (its ``<html lang>``, see
:func:`newsarchive.run.search_pages.page_for_index`): Pagefind writes one
index per language, stemmed or segmented for that language, and the search
page merges them all.  The extended Pagefind binary (``pagefind-bin-extended``)
segments Chinese and Japanese into words at index time, and the browser
segments queries in those languages (``Intl.Segmenter``); with the plain
binary such pages are indexed unsegmented, and the step warns.

:func:`index_site` never raises for a missing or failing Pagefind: it returns
an :class:`IndexResult` whose ``diagnostic`` the caller prints.

What the step touches
---------------------
It reads the ``*.html`` files of the output folder (not hidden ones, not
``pagefind/``); after an edit that added or removed no article page, only the
changed pages and those of their parts (the manifests record each part's
pages: see :func:`newsarchive.run.search_parts.plan_edit`).  It writes:

- one temporary folder, ``<output>/.newsarchive-search-<pid>-XXXXXXXX/``,
  created fresh by :func:`tempfile.mkdtemp` in this run and removed by this
  run (or, if the process was killed, by the next run, which removes such
  folders whose process is gone);
- the bundle files in ``<output>/pagefind/``: Pagefind hands them back over
  its service protocol (it writes nothing itself); each is written to the
  temporary folder and moved in with :func:`os.replace` only when its bytes
  changed, so an unchanged rebuild leaves every file and its mtime alone;
- ``pagefind/newsarchive-languages.json``: the name of each language of the
  articles (their ``language`` filter values) in that language, for the
  search page's language filter;
- the manifests that list each bundle file it wrote (relative path and sha256),
  written last: ``pagefind/.newsarchive-bundle.json`` for the files outside
  ``parts/`` (with the record of the parts), and
  ``pagefind/parts/<key>/.newsarchive-part.json`` for those of each part.

It deletes only files the previous manifests list that the new bundle lacks
(and folders of ``pagefind/`` those leave empty).  A file in ``pagefind/`` that
no manifest lists is the user's: it is kept and named in a warning.
It writes nothing and fails (status ``failed``) when ``pagefind/`` exists
without a manifest, when ``pagefind/`` or a folder in it is a symbolic link
(never followed) or not a folder, or when a new bundle file would replace a
file no manifest lists.  On a fresh output the whole bundle is moved
in with one rename, so two builds running at once each see either no bundle
or a complete one.

Why the bundle is made this way
-------------------------------
Pagefind 1.5 numbers pages in the order it finds them on disk (directory
order, which differs between file systems and follows the order the pages
were written), and writes each filter's values, the lists of filters and of
sorts, and the languages of ``pagefind-entry.json`` in hash-map order, which
is seeded at random in every process; file names are hashes of the content,
so two builds of the same site gave different bundles.  So pages are fed to
``pagefind --service`` one by one in sorted path order, and the filter files,
the ``pagefind.*.pf_meta`` files and ``pagefind-entry.json`` are then
rewritten in sorted order and renamed by their hash as Pagefind names them.
The bundle is then a function of the pages alone.  The files are asked for
with ``GetFiles`` rather than ``WriteFiles``, whose answer can arrive before
the files are complete on disk (Pagefind 1.5.2 writes them with unflushed
asynchronous writes).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import tempfile
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from newsarchive.errors import Diagnostic, build_os_hint
from newsarchive.run.search_bundle import BUNDLE_DIR, LANGUAGE_NAMES, MANIFEST, Refusal
from newsarchive.run.search_install import check_bundle_folder, digests, install, read_bundle
from newsarchive.run.search_pages import pages_to_index
from newsarchive.run.search_parts import (
    OTHER,
    PARTS_DIR,
    PARTS_INDEX,
    is_part_file,
    move_run,
    part_record,
    part_size_for,
    parts_index,
    plan_edit,
    plan_parts,
    run_parts,
)
from newsarchive.run.search_service import pagefind_executable, run_service
from newsarchive.urls import is_article_path

if TYPE_CHECKING:
    from newsarchive.config import Config
    from newsarchive.model import BuildReport

__all__ = ["BUNDLE_DIR", "MANIFEST", "IndexResult", "IndexStatus", "index_site",
           "language_names", "pagefind_available", "pagefind_extended", "search_step"]

IndexStatus = Literal["indexed", "unchanged", "unavailable", "failed"]
_TEMP_PREFIX = ".newsarchive-search-"
_INSTALL_HINT = ("install it with: pip install 'newsarchive[search]' "
                 "(or: pip install 'pagefind[extended]')")
#: Languages Pagefind segments into words only with its extended binary.
_SEGMENTED = ("zh", "ja")


@dataclass(frozen=True, slots=True)
class IndexResult:
    """What the search step did.

    ``status`` is ``indexed`` (``pages`` pages in ``seconds``), ``unchanged``
    (nothing was written, the existing bundle is current), ``unavailable``
    (Pagefind is not installed; ``diagnostic`` is a warning) or ``failed``
    (Pagefind failed, or ``pagefind/`` holds what this step did not write;
    ``diagnostic`` is an error).  An ``indexed`` result may carry a warning;
    ``parts`` is how many parts of the index Pagefind indexed (the others were
    current).
    """

    status: IndexStatus
    pages: int = 0
    seconds: float = 0.0
    diagnostic: Diagnostic | None = None
    parts: int = 0


def pagefind_available() -> bool:
    """True when the ``pagefind`` package and its binary are installed."""
    try:
        if importlib.util.find_spec("pagefind") is None:
            return False
    except (ImportError, ValueError):
        return False
    executable = pagefind_executable()
    return executable is not None and Path(executable).is_file()


def pagefind_extended() -> bool:
    """True when ``python -m pagefind`` runs the extended binary (Chinese and Japanese
    segmented): ``pagefind-bin-extended`` is installed (or ``PAGEFIND_BINARY_PATH``
    names an extended binary)."""
    executable = pagefind_executable()
    return executable is not None and "extended" in Path(executable).name


def language_names(tags: list[str]) -> dict[str, str]:
    """Each language tag (``zh-CN``) with its name in that language (``中文 (简体, 中国)``),
    by Babel; a tag Babel does not know is its own name."""
    from babel import Locale, UnknownLocaleError

    names: dict[str, str] = {}
    for tag in sorted(tags):
        try:
            name = Locale.parse(tag.replace("_", "-"), sep="-").display_name
        except (UnknownLocaleError, ValueError, TypeError):
            name = None
        names[tag] = name or tag
    return names


def index_site(output_dir: Path, *, language: str = "",
               changed: bool | Collection[str] = True, timeout: float = 3600.0,
               part_size: int | None = None) -> IndexResult:
    """Index the HTML of ``output_dir`` with Pagefind into ``output_dir/pagefind/``.

    Every page is indexed in its own language; ``language`` (the archive's
    language tag) is the language of pages that name none.  ``changed`` says
    which pages changed since the bundle in place was made: ``True`` any page
    (every part is indexed), a collection of output paths (the parts holding
    them, and parts that gained or lost pages, are indexed; see
    :mod:`newsarchive.run.search_parts`, whose ``part_size`` this passes on:
    by default the one :func:`~newsarchive.run.search_parts.part_size_for` the
    archive's article pages),
    or ``False``: with a bundle this step wrote in place nothing runs (status
    ``unchanged``).  Never raises for a missing or failing
    Pagefind or a ``pagefind/`` it must not touch; see :class:`IndexResult`
    and the module docstring.
    """
    where = output_dir.as_posix()
    bundle = output_dir / BUNDLE_DIR
    old_files, old_parts = (None, None) if bundle.is_symlink() else read_bundle(bundle)
    if (not changed and old_parts is not None and (bundle / "pagefind.js").is_file()
            and not any(record.get("pending") for record in old_parts.values())):
        return IndexResult("unchanged")  # (a pending part: an install stopped half-way)
    if not pagefind_available():
        return IndexResult("unavailable", diagnostic=Diagnostic(
            where, 0, 0, "Pagefind is not installed, so the site has no search index "
            "(the search page says search is unavailable)", _INSTALL_HINT, "warning"))
    started = time.perf_counter()
    try:
        check_bundle_folder(bundle, old_files is not None)
        _remove_orphans(output_dir)
        temp = Path(tempfile.mkdtemp(dir=output_dir, prefix=f"{_TEMP_PREFIX}{os.getpid()}-"))
    except Refusal as refusal:
        return IndexResult("failed", diagnostic=refusal.diagnostic)
    except OSError as exc:
        return IndexResult("failed", diagnostic=Diagnostic(
            where, 0, 0, f"cannot make a temporary folder for the search index: {exc}",
            "check that the output folder exists and is writable"))
    try:
        paths = None if isinstance(changed, bool) else changed
        return _index_into(output_dir, temp, language, timeout, started, paths, part_size,
                           old_files, old_parts)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def _remove_orphans(output_dir: Path) -> None:
    """Remove the temporary folders of search steps whose process is gone (a build
    killed half-way): ``.newsarchive-search-<pid>-XXXXXXXX`` with no process ``pid``."""
    try:
        names = [entry.name for entry in os.scandir(output_dir)
                 if entry.name.startswith(_TEMP_PREFIX) and entry.is_dir(follow_symlinks=False)]
    except OSError:
        return
    for name in names:
        pid = name[len(_TEMP_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(output_dir / name, ignore_errors=True)
        except OSError:
            continue


def _index_into(output_dir: Path, temp: Path, language: str, timeout: float,
                started: float, changed: Collection[str] | None, part_size: int | None,
                old_files: dict[str, str] | None, old_parts: dict[str, Any] | None
                ) -> IndexResult:
    """Index the parts that changed into ``temp/pagefind``, normalise them and install
    them beside the parts that did not (``old_files``: the files the manifest of the
    bundle in place lists, ``old_parts`` its record of the parts); see
    :func:`index_site`."""
    where = output_dir.as_posix()
    bundle = output_dir / BUNDLE_DIR
    staged = temp / BUNDLE_DIR
    plan = None
    if changed is not None and old_parts:
        # An edit that keeps the article pages keeps their count, so the size too.
        size = part_size or part_size_for(sum(
            record["pages"] for key, record in old_parts.items()
            if key != OTHER and isinstance(record, dict) and isinstance(record.get("pages"), int)))
        plan = plan_edit(output_dir, old_parts, changed, size)
    if plan is None:
        pages = pages_to_index(output_dir)
        size = part_size or part_size_for(sum(map(is_article_path, pages)))
        plan = plan_parts(output_dir, pages, old_parts, changed, size)

    def run(key: str, pages: Sequence[str]
            ) -> tuple[str | None, dict[str, Any], str, dict[str, str]]:
        folder = temp / f"run-{key}"
        failure = run_service(output_dir, pages, folder, {}, timeout, language,
                              reuse=bundle / PARTS_DIR / key, keep=is_part_file)
        if failure is not None:
            return failure, {}, "", {}
        # The digests the install needs, taken here while the other parts are indexed.
        return None, *part_record(folder, key, pages, size), digests(folder, only=is_part_file)

    try:
        results = run_parts(plan.dirty, plan.pages, run)
    except OSError as exc:
        return IndexResult("failed", seconds=time.perf_counter() - started,
                           diagnostic=Diagnostic(where, 0, 0, f"Pagefind did not run: {exc}",
                                                 "run it by hand: python -m pagefind --site "
                                                 + where))
    for key in plan.dirty:
        failure = results[key][0]
        if failure is not None:
            return _failed(where, failure, started)
    records = {key: dict((old_parts or {})[key]) for key in plan.keys
               if key not in plan.dirty}
    warning: Diagnostic | None = None
    staged.mkdir(parents=True, exist_ok=True)
    for key in plan.dirty:
        _, record, problem, _ = results[key]
        warning = warning or _unordered(bundle / PARTS_DIR / key, problem)
        records[key] = record
        move_run(temp / f"run-{key}", staged / PARTS_DIR / key, shared=False)
    languages = sorted({language for record in records.values()
                        for language in record["indexes"]}) or [language or "en"]
    anchored = (changed is None or old_files is None or not (bundle / "pagefind.js").is_file()
                or languages != sorted({language for record in (old_parts or {}).values()
                                        for language in record.get("indexes", {})}))
    if anchored:
        failure = run_service(output_dir, [], temp / "anchor", {}, timeout, language,
                              anchors=[tag.lower() for tag in languages])
        if failure is not None:
            return _failed(where, failure, started)
        _, problem = part_record(temp / "anchor", "", ())
        warning = warning or _unordered(bundle, problem)
        move_run(temp / "anchor", staged, shared=True)
    # The files of the index loaded first stay when it is not made again.
    keep = {} if anchored else {
        relative: digest for relative, digest in (old_files or {}).items()
        if relative not in (PARTS_INDEX, LANGUAGE_NAMES) and not relative.startswith(
            f"{PARTS_DIR}/")}
    try:
        (staged / PARTS_INDEX).write_bytes(json.dumps(
            parts_index(records), ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
        warning = warning or _names_or_warning(staged, where, records)
        kept = install(staged, bundle, temp, records,
                       {key: plan.pages[key] for key in plan.dirty}, plan.gone, keep,
                       {key: results[key][3] for key in plan.dirty})
    except Refusal as refusal:
        return IndexResult("failed", seconds=time.perf_counter() - started,
                           diagnostic=refusal.diagnostic)
    except OSError as exc:
        return IndexResult("failed", seconds=time.perf_counter() - started, diagnostic=Diagnostic(
            bundle.as_posix(), 0, 0, f"cannot write the search bundle: {exc}", build_os_hint(
                exc, "check that the output folder is writable, then build again")))
    if warning is None and kept:
        warning = Diagnostic(
            (bundle / kept[0]).as_posix(), 0, 0,
            f"{BUNDLE_DIR}/{kept[0]} was not written by newsarchive; kept in the search bundle"
            + (f" (and {len(kept) - 1} more)" if len(kept) > 1 else ""),
            f"newsarchive leaves it alone; move it out of {BUNDLE_DIR}/ unless it is meant "
            "to be published", "warning")
    return IndexResult("indexed", pages=sum(int(r["indexed"]) for r in records.values()),
                       seconds=time.perf_counter() - started, diagnostic=warning,
                       parts=len(plan.dirty))


def _failed(where: str, failure: str, started: float) -> IndexResult:
    """The result of a Pagefind run that failed with ``failure``."""
    return IndexResult("failed", seconds=time.perf_counter() - started, diagnostic=Diagnostic(
        where, 0, 0, f"Pagefind failed to index the site: {failure}",
        "run it by hand to see its full output: python -m pagefind --site " + where))


def _unordered(where: Path, problem: str) -> Diagnostic | None:
    """The warning for an index at ``where`` that could not be ordered (None when
    ``problem`` is empty)."""
    if not problem:
        return None
    return Diagnostic(
        (where / "pagefind-entry.json").as_posix(), 0, 0,
        f"the search index may differ between two builds of the same site: {problem}",
        "newsarchive orders the bundle of Pagefind 1.5; install it with: "
        "pip install 'pagefind[extended]>=1.5,<1.6'", "warning")


def _names_or_warning(staged: Path, where: str, records: Mapping[str, Mapping[str, Any]]
                      ) -> Diagnostic | None:
    """Write ``staged/newsarchive-languages.json`` (see the module docstring); return the
    warning for Chinese or Japanese pages indexed by a binary that cannot segment them."""
    tags = sorted({tag for record in records.values() for tag in record["tags"]})
    (staged / LANGUAGE_NAMES).write_bytes(json.dumps(
        language_names(tags), ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
    unsegmented = sorted({language for record in records.values()
                          for language in record["indexes"]
                          if language.split("-")[0] in _SEGMENTED})
    if not unsegmented or pagefind_extended():
        return None
    return Diagnostic(
        where, 0, 0, f"pages in {', '.join(unsegmented)} are indexed without splitting their "
        "text into words, so search finds only whole sentences of them",
        "install Pagefind's extended binary: pip install 'pagefind[extended]>=1.5,<1.6'",
        "warning")


def search_step(config: Config, report: BuildReport, reindex: bool = False,
                paths: Collection[str] | None = None) -> IndexResult:
    """The search step of a build that wrote ``report``: index the parts of the output
    whose article pages were written or removed (``paths``, the output paths written
    or removed, when it is given: by several builds; else the report's), or, with
    ``reindex``, every part (e.g. the last build of this output was killed, so its
    index may be stale); else keep the bundle."""
    if paths is None:
        paths = (*report.written_paths, *report.removed_paths)
    if reindex:
        return index_site(config.output_dir, language=config.language)
    if not any(is_article_path(p) for p in paths):
        return index_site(config.output_dir, language=config.language, changed=False)
    return index_site(config.output_dir, language=config.language, changed=frozenset(paths))
