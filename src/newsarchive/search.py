"""Full-text search: index the built site with Pagefind, the last step of a build.

Pagefind (``pip install 'newsarchive[search]'``, which brings ``pagefind[bin]``)
reads the written HTML and writes a static search bundle to ``<output>/pagefind/``;
the search page loads it in the browser.  Only article pages carry
``data-pagefind-body``, so listing pages are not indexed.  Without Pagefind
the site still builds and the search page says search is unavailable.

:func:`index_site` never raises for a missing or failing Pagefind: it returns
an :class:`IndexResult` whose ``diagnostic`` the caller prints.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from newsarchive.errors import Diagnostic

__all__ = ["BUNDLE_DIR", "IndexResult", "IndexStatus", "index_site", "pagefind_available"]

#: Folder of the search bundle inside the output folder; the theme's search.js expects it.
BUNDLE_DIR = "pagefind"
IndexStatus = Literal["indexed", "unchanged", "unavailable", "failed"]
_INDEXED = re.compile(r"Indexed (\d+) pages?")
_INSTALL_HINT = ("install it with: pip install 'newsarchive[search]' "
                 "(or: pip install 'pagefind[bin]')")


@dataclass(frozen=True, slots=True)
class IndexResult:
    """What the search step did.

    ``status`` is ``indexed`` (``pages`` pages in ``seconds``), ``unchanged``
    (nothing was written, the existing bundle is current), ``unavailable``
    (Pagefind is not installed; ``diagnostic`` is a warning) or ``failed``
    (Pagefind ran and failed; ``diagnostic`` is an error).
    """

    status: IndexStatus
    pages: int = 0
    seconds: float = 0.0
    diagnostic: Diagnostic | None = None


def pagefind_available() -> bool:
    """True when the ``pagefind`` package and its binary are installed."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return False
    executable = get_executable()
    return executable is not None and Path(executable).is_file()


def _language(language: str) -> str:
    """Pagefind's ``--force-language`` value (ISO 639-1) for a config language tag."""
    return language.split("-")[0].lower()


def index_site(output_dir: Path, *, language: str = "", changed: bool = True,
               timeout: float = 3600.0) -> IndexResult:
    """Run ``python -m pagefind --site output_dir`` and report how it went.

    ``language`` (the archive's language tag) is forced on every page so one
    index holds every article, whatever language it is written in; the search
    page then finds them all.  With ``changed=False`` and a bundle already in
    place nothing runs (status ``unchanged``).  Never raises for a missing or
    failing Pagefind; see :class:`IndexResult`.
    """
    where = output_dir.as_posix()
    if not changed and (output_dir / BUNDLE_DIR / "pagefind.js").is_file():
        return IndexResult("unchanged")
    if not pagefind_available():
        return IndexResult("unavailable", diagnostic=Diagnostic(
            where, 0, 0, "Pagefind is not installed, so the site has no search index "
            "(the search page says search is unavailable)", _INSTALL_HINT, "warning"))
    # Pagefind adds new hashed files to an existing bundle without removing the old
    # ones, so index into a fresh folder and swap it in: no stale files pile up and
    # a server keeps serving the previous bundle until the new one is complete.
    fresh = output_dir / f".{BUNDLE_DIR}-new"
    shutil.rmtree(fresh, ignore_errors=True)
    command = [sys.executable, "-m", "pagefind", "--site", str(output_dir),
               "--output-path", str(fresh)]
    if language:
        command += ["--force-language", _language(language)]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return IndexResult("failed", seconds=time.perf_counter() - started,
                           diagnostic=Diagnostic(where, 0, 0, f"Pagefind did not run: {exc}",
                                                 "run it by hand: python -m pagefind --site "
                                                 + where))
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        output = (done.stderr.strip() or done.stdout.strip()).splitlines()
        detail = output[-1] if output else f"exit status {done.returncode}"
        return IndexResult("failed", seconds=seconds, diagnostic=Diagnostic(
            where, 0, 0, f"Pagefind failed to index the site: {detail}",
            "run it by hand to see its full output: python -m pagefind --site " + where))
    _swap(fresh, output_dir / BUNDLE_DIR)
    match = _INDEXED.search(done.stdout)
    return IndexResult("indexed", pages=int(match.group(1)) if match else 0, seconds=seconds)


def _swap(fresh: Path, bundle: Path) -> None:
    """Replace the folder ``bundle`` with ``fresh`` (two renames; the old one is deleted)."""
    old = bundle.with_name(f".{bundle.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if bundle.exists():
        bundle.rename(old)
    fresh.rename(bundle)
    shutil.rmtree(old, ignore_errors=True)
