"""Full-text search: index the built site with Pagefind, the last step of a build.

Pagefind (``pip install 'newsarchive[search]'``, which brings ``pagefind[bin]``)
reads the written HTML and writes a static search bundle to ``<output>/pagefind/``;
the search page loads it in the browser.  Only article pages carry
``data-pagefind-body``, so listing pages are not indexed.  Without Pagefind
the site still builds and the search page says search is unavailable.

:func:`index_site` never raises for a missing or failing Pagefind: it returns
an :class:`IndexResult` whose ``diagnostic`` the caller prints.

What the step touches
---------------------
It reads the ``*.html`` files of the output folder (not hidden ones, not
``pagefind/``).  It writes:

- one temporary folder, ``<output>/.newsarchive-search-<pid>-XXXXXXXX/``,
  created fresh by :func:`tempfile.mkdtemp` in this run and removed by this
  run (or, if the process was killed, by the next run, which removes such
  folders whose process is gone);
- the bundle files in ``<output>/pagefind/``: Pagefind hands them back over
  its service protocol (it writes nothing itself); each is written to the
  temporary folder and moved in with :func:`os.replace` only when its bytes
  changed, so an unchanged rebuild leaves every file and its mtime alone;
- ``pagefind/.newsarchive-bundle.json``, the manifest that lists each bundle
  file it wrote (relative path and sha256), written last.

It deletes only files the previous manifest lists that the new bundle lacks
(and folders of ``pagefind/`` those leave empty).  A file in ``pagefind/`` that
the manifest does not list is the user's: it is kept and named in a warning.
It writes nothing and fails (status ``failed``) when ``pagefind/`` exists
without a manifest, when ``pagefind/`` or a folder in it is a symbolic link
(never followed) or not a folder, or when a new bundle file would replace a
file the manifest does not list.  On a fresh output the whole bundle is moved
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

import base64
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from newsarchive.errors import Diagnostic
from newsarchive.search_bundle import (
    BUNDLE_DIR,
    MANIFEST,
    FormatError,
    Refusal,
    check_bundle_folder,
    install,
    is_bundle_path,
    normalise,
    page_count,
    read_manifest,
)

__all__ = ["BUNDLE_DIR", "MANIFEST", "IndexResult", "IndexStatus", "index_site",
           "pagefind_available"]

IndexStatus = Literal["indexed", "unchanged", "unavailable", "failed"]
_TEMP_PREFIX = ".newsarchive-search-"
_BODY_MARK = b"data-pagefind-body"
_INSTALL_HINT = ("install it with: pip install 'newsarchive[search]' "
                 "(or: pip install 'pagefind[bin]')")


@dataclass(frozen=True, slots=True)
class IndexResult:
    """What the search step did.

    ``status`` is ``indexed`` (``pages`` pages in ``seconds``), ``unchanged``
    (nothing was written, the existing bundle is current), ``unavailable``
    (Pagefind is not installed; ``diagnostic`` is a warning) or ``failed``
    (Pagefind failed, or ``pagefind/`` holds what this step did not write;
    ``diagnostic`` is an error).  An ``indexed`` result may carry a warning.
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
    """Pagefind's ``force_language`` value (ISO 639-1) for a config language tag."""
    return language.split("-")[0].lower()


def index_site(output_dir: Path, *, language: str = "", changed: bool = True,
               timeout: float = 3600.0) -> IndexResult:
    """Index the HTML of ``output_dir`` with Pagefind into ``output_dir/pagefind/``.

    ``language`` (the archive's language tag) is forced on every page so one
    index holds every article, whatever language it is written in; the search
    page then finds them all.  With ``changed=False`` and a bundle this step
    wrote already in place nothing runs (status ``unchanged``).  Never raises
    for a missing or failing Pagefind or a ``pagefind/`` it must not touch;
    see :class:`IndexResult` and the module docstring.
    """
    where = output_dir.as_posix()
    bundle = output_dir / BUNDLE_DIR
    if (not changed and not bundle.is_symlink() and read_manifest(bundle) is not None
            and (bundle / "pagefind.js").is_file()):
        return IndexResult("unchanged")
    if not pagefind_available():
        return IndexResult("unavailable", diagnostic=Diagnostic(
            where, 0, 0, "Pagefind is not installed, so the site has no search index "
            "(the search page says search is unavailable)", _INSTALL_HINT, "warning"))
    started = time.perf_counter()
    try:
        check_bundle_folder(bundle)
        _remove_orphans(output_dir)
        temp = Path(tempfile.mkdtemp(dir=output_dir, prefix=f"{_TEMP_PREFIX}{os.getpid()}-"))
    except Refusal as refusal:
        return IndexResult("failed", diagnostic=refusal.diagnostic)
    except OSError as exc:
        return IndexResult("failed", diagnostic=Diagnostic(
            where, 0, 0, f"cannot make a temporary folder for the search index: {exc}",
            "check that the output folder exists and is writable"))
    try:
        return _index_into(output_dir, temp, language, timeout, started)
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
                started: float) -> IndexResult:
    """Run Pagefind into ``temp/pagefind``, normalise it and install it; see :func:`index_site`."""
    where = output_dir.as_posix()
    staged = temp / BUNDLE_DIR
    config = {"force_language": _language(language)} if language else {}
    try:
        failure = _run_service(output_dir, _pages(output_dir), staged, config, timeout)
    except OSError as exc:
        return IndexResult("failed", seconds=time.perf_counter() - started,
                           diagnostic=Diagnostic(where, 0, 0, f"Pagefind did not run: {exc}",
                                                 "run it by hand: python -m pagefind --site "
                                                 + where))
    if failure is not None:
        return IndexResult("failed", seconds=time.perf_counter() - started, diagnostic=Diagnostic(
            where, 0, 0, f"Pagefind failed to index the site: {failure}",
            "run it by hand to see its full output: python -m pagefind --site " + where))
    warning: Diagnostic | None = None
    try:
        pages = normalise(staged)
    except (FormatError, OSError, ValueError) as exc:
        pages = page_count(staged)
        warning = Diagnostic(
            (output_dir / BUNDLE_DIR / "pagefind-entry.json").as_posix(), 0, 0,
            f"the search index may differ between two builds of the same site: {exc}",
            "newsarchive orders the bundle of Pagefind 1.5; install it with: "
            "pip install 'pagefind[bin]>=1.5,<1.6'", "warning")
    try:
        kept = install(staged, output_dir / BUNDLE_DIR, temp)
    except Refusal as refusal:
        return IndexResult("failed", seconds=time.perf_counter() - started,
                           diagnostic=refusal.diagnostic)
    except OSError as exc:
        return IndexResult("failed", seconds=time.perf_counter() - started, diagnostic=Diagnostic(
            (output_dir / BUNDLE_DIR).as_posix(), 0, 0,
            f"cannot write the search bundle: {exc}",
            "check that the output folder is writable, then build again"))
    if warning is None and kept:
        warning = Diagnostic(
            (output_dir / BUNDLE_DIR / kept[0]).as_posix(), 0, 0,
            f"{BUNDLE_DIR}/{kept[0]} was not written by newsarchive; kept in the search bundle"
            + (f" (and {len(kept) - 1} more)" if len(kept) > 1 else ""),
            f"newsarchive leaves it alone; move it out of {BUNDLE_DIR}/ unless it is meant "
            "to be published", "warning")
    return IndexResult("indexed", pages=pages, seconds=time.perf_counter() - started,
                       diagnostic=warning)


# --- feeding Pagefind ----------------------------------------------------------------------


def _pages(output_dir: Path) -> list[str]:
    """The HTML files of ``output_dir`` to index: relative posix paths, sorted.

    Hidden files and folders, ``pagefind/`` and folders reached through a
    symbolic link are skipped.
    """
    found: list[str] = []
    for root, dirs, files in os.walk(output_dir):
        top = Path(root) == output_dir
        dirs[:] = [d for d in dirs if not d.startswith(".") and not (top and d == BUNDLE_DIR)]
        relative = Path(root).relative_to(output_dir)
        found.extend((relative / name).as_posix() for name in files
                     if name.endswith(".html") and not name.startswith("."))
    return sorted(found)


def _requests(output_dir: Path, pages: Sequence[str],
              index_id: int) -> Iterator[dict[str, Any]]:
    """The service requests that index ``pages`` in order, then ask for the bundle's files.

    Pagefind indexes only pages with a ``data-pagefind-body`` element when any
    page has one, so only files holding that mark are sent, unless none does.
    """
    sent = 0
    for only_marked in (True, False):
        for page in pages:
            content = (output_dir / page).read_bytes()
            if only_marked and _BODY_MARK not in content:
                continue
            sent += 1
            yield {"type": "AddFile", "index_id": index_id, "file_path": page, "url": None,
                   "file_contents": content.decode("utf-8", errors="replace")}
        if sent:
            break
    yield {"type": "GetFiles", "index_id": index_id}


def _encode(message_id: int, payload: Mapping[str, Any]) -> bytes:
    """One request of Pagefind's service protocol: base64 of the JSON, then a comma."""
    message = json.dumps({"message_id": message_id, "payload": payload})
    return base64.b64encode(message.encode("utf-8")) + b","


def _responses(stdout: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The response payloads read from the service's stdout, until it closes.

    Raises :class:`ValueError` for a response that is not base64 of a JSON object.
    """
    pending = bytearray()
    while chunk := os.read(stdout.fileno(), 1 << 20):
        scanned = len(pending)
        pending += chunk
        while (end := pending.find(b",", scanned)) != -1:
            with memoryview(pending) as view, view[:end] as message:
                decoded = base64.b64decode(message, validate=True)
            del pending[:end + 1]
            scanned = 0
            response = json.loads(decoded)
            del decoded
            payload = response.get("payload") if isinstance(response, dict) else None
            if not isinstance(payload, dict):
                raise ValueError("a response without a payload")
            yield payload


def _write_files(payload: Mapping[str, Any], staged: Path) -> str | None:
    """Write the files of a ``GetFiles`` response into ``staged``; None, else what is wrong."""
    files = payload.get("files")
    if not isinstance(files, list):
        return "no files in its answer"
    for file in files:
        path = file.get("path") if isinstance(file, dict) else None
        content = file.get("content") if isinstance(file, dict) else None
        if not (isinstance(path, str) and is_bundle_path(path) and isinstance(content, str)):
            return f"an unexpected file in its answer: {str(path)[:80]!r}"
        target = staged / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(content, validate=True))
    return None


def _run_service(output_dir: Path, pages: Sequence[str], staged: Path,
                 config: Mapping[str, str], timeout: float) -> str | None:
    """Index ``pages`` of ``output_dir`` through ``python -m pagefind --service`` into ``staged``.

    The pages are sent in the given order, which is the order Pagefind numbers
    them in.  Pagefind's own Python client waits 0.1 s for each response, so
    this speaks its protocol directly: one thread writes the requests while
    this one reads the responses.  The bundle comes back in the last response
    (``GetFiles``) and is written here: the service's ``WriteFiles`` answers
    before its files are complete.  Returns ``None`` on success, else what
    went wrong; raises :class:`OSError` when the service cannot be started
    or ``staged`` cannot be written.
    """
    command = [sys.executable, "-m", "pagefind", "--service"]
    with tempfile.TemporaryFile() as stderr, subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr) as process:
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            process.kill()

        timer = threading.Timer(timeout, expire)
        timer.start()
        try:
            problem = _converse(process, output_dir, pages, staged, config)
        finally:
            timer.cancel()
            status = process.wait()
        if problem is not None and expired.is_set():
            return f"it did not finish within {timeout:g} s"
        if problem != "":
            return problem
        stderr.seek(0)
        lines = stderr.read().decode("utf-8", errors="replace").strip().splitlines()
        return lines[-1] if lines else f"exit status {status}"


def _converse(process: subprocess.Popen[bytes], output_dir: Path, pages: Sequence[str],
              staged: Path, config: Mapping[str, str]) -> str | None:
    """Send the requests of :func:`_requests` to the started service and read its answers.

    Returns ``None`` once the bundle is written, else what went wrong (``""``
    when the service stopped without saying why).  On return the service has
    been told to stop (its stdin is closed) or killed.
    """
    assert process.stdin is not None and process.stdout is not None
    stdin, stdout = process.stdin, process.stdout
    writers: list[threading.Thread] = []
    unreadable: list[str] = []

    def write(index_id: int) -> None:
        try:
            requests = _requests(output_dir, pages, index_id)
            for message_id, request in enumerate(requests, start=2):
                stdin.write(_encode(message_id, request))
            stdin.flush()
        except OSError as exc:
            if exc.filename is not None:  # a page could not be read, not a closed pipe
                unreadable.append(f"cannot read {exc.filename}: {exc.strerror}")
            process.kill()
        except ValueError:  # stdin was closed: the conversation is over
            pass

    def talk() -> str | None:
        try:
            stdin.write(_encode(1, {"type": "NewIndex", "config": dict(config) or None}))
            stdin.flush()
        except OSError:
            return ""
        responses = _responses(stdout)
        created = next(responses, None)
        if created is None:
            return ""
        index_id = created.get("index_id")
        if created.get("type") != "NewIndex" or not isinstance(index_id, int):
            return _error_message(created)
        writers.append(threading.Thread(target=write, args=(index_id,), daemon=True))
        writers[0].start()
        for payload in responses:
            if payload.get("type") == "GetFiles":
                return _write_files(payload, staged)
            if payload.get("type") == "Error":
                return _error_message(payload)
        return ""

    problem: str | None = ""
    try:
        problem = talk()
    except ValueError as exc:
        problem = f"unreadable answer from Pagefind: {exc}"
    finally:
        if problem is not None:
            process.kill()
        for writer in writers:
            writer.join()
        with contextlib.suppress(OSError):
            stdin.close()
    return unreadable[0] if problem == "" and unreadable else problem


def _error_message(payload: Mapping[str, Any]) -> str:
    """The message of an error response of the service (or the whole unexpected response)."""
    message = payload.get("message")
    return message if isinstance(message, str) else f"unexpected answer {payload!r}"
