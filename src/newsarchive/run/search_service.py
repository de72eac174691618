"""Feeding Pagefind: the pages to index, sent one by one in sorted order to
``pagefind --service`` (the binary ``python -m pagefind`` runs), and the bundle it
answers, written to a folder.

The service speaks newline-free JSON messages (base64 of JSON, one per line)
on its standard input and output.  Pages go in sorted path order, so the
bundle's page numbers do not depend on the order the file system lists them;
the bundle is asked for with ``GetFiles`` (``WriteFiles`` may answer before
its writes are complete).  See :mod:`newsarchive.run.search` for the whole step.

What Pagefind is given of each page is :mod:`newsarchive.run.search_pages`'s.
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from newsarchive.run.search_install import is_bundle_path
from newsarchive.run.search_pages import BODY_MARK, page_for_index, trimmed

__all__ = ["pagefind_command", "pagefind_executable", "run_service"]


def _requests(output_dir: Path, pages: Sequence[str], index_id: int,
              default_language: str, anchors: Sequence[str] = ()) -> Iterator[dict[str, Any]]:
    """The service requests that index ``pages`` in order, then ask for the bundle's files.

    Pagefind indexes only pages with a ``data-pagefind-body`` element when any
    page has one, so only files holding that mark are sent, unless none does;
    each as :func:`page_for_index` makes it.  ``anchors`` (language subtags)
    are indexed first as empty records, one per language: the index that the
    search page loads first, so that it finds the script and the language
    files of every language there, and merges the parts into it.
    """
    for language in anchors:
        yield {"type": "AddRecord", "index_id": index_id, "url": f"#{language}",
               "content": "newsarchive", "language": language, "meta": {"title": ""}}
    sent = 0
    folder = os.fspath(output_dir)
    for only_marked in (True, False):
        for page in pages:
            with open(os.path.join(folder, page), "rb") as handle:
                content = handle.read()
            if only_marked and BODY_MARK not in content:
                continue
            sent += 1
            text = trimmed(page_for_index(content.decode("utf-8", errors="replace"),
                                          default_language))
            yield {"type": "AddFile", "index_id": index_id, "file_path": page, "url": None,
                   "file_contents": text}
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


#: The folders of an index whose files are named by their content and never rewritten
#: (:func:`newsarchive.run.search_bundle.normalise` rewrites only the others).
_CONTENT_NAMED = ("fragment/", "index/")


def _write_files(payload: Mapping[str, Any], staged: Path, reuse: Path | None = None,
                 keep: Callable[[str], bool] | None = None) -> str | None:
    """Write the files of a ``GetFiles`` response into ``staged``; None, else what is wrong.

    A page's fragment or an index chunk that ``reuse`` (the installed index of the
    same part) holds with the same bytes is linked from there instead of written:
    an edit gets back its part's 1,000 files or so, nearly all unchanged, and
    making a file costs far more than a link (0.75 s against 0.02 s for a
    thousand, on a file system where many were just deleted).  With ``keep``
    only the files whose path it accepts are written: each part's run answers
    with the scripts and language files too (650 KB), which only the index
    loaded first needs.
    """
    files = payload.get("files")
    if not isinstance(files, list):
        return "no files in its answer"
    if reuse is not None and not os.path.isdir(reuse):  # (a part indexed the first time)
        reuse = None
    made: set[Path] = set()
    for file in files:
        path = file.get("path") if isinstance(file, dict) else None
        content = file.get("content") if isinstance(file, dict) else None
        if not (isinstance(path, str) and is_bundle_path(path) and isinstance(content, str)):
            return f"an unexpected file in its answer: {str(path)[:80]!r}"
        if keep is not None and not keep(path):
            continue
        target = staged / path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        data = base64.b64decode(content, validate=True)
        if not (reuse is not None and path.startswith(_CONTENT_NAMED)
                and _linked(reuse / path, target, data)):
            target.write_bytes(data)
    return None


def _linked(installed: Path, target: Path, data: bytes) -> bool:
    """Link ``target`` to ``installed`` when that is a regular file (no link on the way
    from the bundle's folder of parts) holding exactly ``data``; whether it did."""
    try:
        if (any(path.is_symlink() for path in (installed, *installed.parents[:3]))
                or installed.stat().st_size != len(data) or installed.read_bytes() != data):
            return False
        os.link(installed, target, follow_symlinks=False)
    except OSError:  # absent, unreadable, or on another file system
        return False
    return True


def pagefind_executable() -> str | None:
    """The Pagefind binary ``python -m pagefind`` runs: ``PAGEFIND_BINARY_PATH``, else
    the extended binary's package (``pagefind-bin-extended``), else the plain one's,
    else ``pagefind_extended`` or ``pagefind`` on the ``PATH``; None without one.

    Found as ``pagefind.service.get_executable`` finds it, without importing
    that module (it imports asyncio: 65 ms of a 2 s edit) nor the packages.
    """
    named = os.environ.get("PAGEFIND_BINARY_PATH")
    if named is not None:
        return named
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            continue
        for folder in (spec.submodule_search_locations or []) if spec else []:
            for name in ("pagefind_extended", "pagefind"):
                candidate = os.path.join(folder, name)
                if os.path.exists(candidate):
                    return candidate if os.path.isfile(candidate) else None
    return shutil.which("pagefind_extended") or shutil.which("pagefind")


def pagefind_command() -> list[str]:
    """The command that runs Pagefind: its binary (:func:`pagefind_executable`) started
    directly, which saves starting Python for each run (0.09 s here); ``python -m
    pagefind`` when there is none."""
    executable = pagefind_executable()
    return [executable] if executable is not None else [sys.executable, "-m", "pagefind"]


def run_service(output_dir: Path, pages: Sequence[str], staged: Path,
                config: Mapping[str, str], timeout: float,
                default_language: str = "", anchors: Sequence[str] = (),
                reuse: Path | None = None, keep: Callable[[str], bool] | None = None
                ) -> str | None:
    """Index ``pages`` of ``output_dir`` through ``python -m pagefind --service`` into ``staged``.

    The pages are sent in the given order, which is the order Pagefind numbers
    them in.  Pagefind's own Python client waits 0.1 s for each response, so
    this speaks its protocol directly: one thread writes the requests while
    this one reads the responses.  The bundle comes back in the last response
    (``GetFiles``) and is written here: the service's ``WriteFiles`` answers
    before its files are complete.  Returns ``None`` on success, else what
    went wrong; raises :class:`OSError` when the service cannot be started
    or ``staged`` cannot be written.  ``default_language`` is the language of
    pages whose ``<html>`` has none (see :func:`page_for_index`).  The
    extended binary (Chinese and Japanese segmented) runs when
    ``pagefind-bin-extended`` is installed, else the plain one
    (:func:`pagefind_command`).  ``anchors``: see :func:`_requests`; ``reuse`` and
    ``keep``: see :func:`_write_files`.
    """
    command = [*pagefind_command(), "--service"]
    with tempfile.TemporaryFile() as stderr, subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr) as process:
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            process.kill()

        timer = threading.Timer(timeout, expire)
        timer.start()
        try:
            problem = _converse(process, output_dir, pages, staged, config,
                                default_language, anchors, reuse, keep)
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
              staged: Path, config: Mapping[str, str], default_language: str,
              anchors: Sequence[str] = (), reuse: Path | None = None,
              keep: Callable[[str], bool] | None = None) -> str | None:
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
            requests = _requests(output_dir, pages, index_id, default_language, anchors)
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
                return _write_files(payload, staged, reuse, keep)
            if payload.get("type") == "Error":
                return _error_message(payload)
        return ""

    problem: str | None = ""
    try:
        problem = talk()
    except ValueError as exc:
        problem = f"unreadable answer from Pagefind: {exc}"
    finally:
        if problem == "":
            # It stopped by itself: let it finish exiting, or a kill landing while it
            # exits becomes its status (-9 instead of the status it chose).
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        if problem is not None and process.poll() is None:
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
