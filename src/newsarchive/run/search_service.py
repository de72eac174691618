"""Feeding Pagefind: the pages to index, sent one by one in sorted order to
``python -m pagefind --service``, and the bundle it answers, written to a folder.

The service speaks newline-free JSON messages (base64 of JSON, one per line)
on its standard input and output.  Pages go in sorted path order, so the
bundle's page numbers do not depend on the order the file system lists them;
the bundle is asked for with ``GetFiles`` (``WriteFiles`` may answer before
its writes are complete).  See :mod:`newsarchive.run.search` for the whole step.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from newsarchive.run.search_bundle import BUNDLE_DIR, is_bundle_path

__all__ = ["pages_to_index", "run_service"]

_BODY_MARK = b"data-pagefind-body"


def pages_to_index(output_dir: Path) -> list[str]:
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


def run_service(output_dir: Path, pages: Sequence[str], staged: Path,
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
