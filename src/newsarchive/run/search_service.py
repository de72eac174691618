"""Feeding Pagefind: the pages to index, sent one by one in sorted order to
``pagefind --service`` (the binary ``python -m pagefind`` runs), and the bundle it
answers, written to a folder.

The service speaks newline-free JSON messages (base64 of JSON, one per line)
on its standard input and output.  Pages go in sorted path order, so the
bundle's page numbers do not depend on the order the file system lists them;
the bundle is asked for with ``GetFiles`` (``WriteFiles`` may answer before
its writes are complete).  See :mod:`newsarchive.run.search` for the whole step.

What Pagefind is given of a page (:func:`page_for_index`, then :func:`trimmed`)
differs from the written file in three ways, none of which readers see: only
what Pagefind reads of it is sent (:func:`trimmed`: the same bundle, in less
time); the ``<html>``
element carries the language of the indexed body (its ``lang``, else the
page's, else the site's; the primary subtag only), which is how Pagefind
picks the page's index; and
words whose NFKC form differs (full-width ``ＶＩＰ``, ``２０１２``) are added
in their folded form as a metadata field of the page, which Pagefind makes
searchable without showing it in excerpts, so ``VIP`` finds ``ＶＩＰ``.
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from html import escape, unescape
from pathlib import Path
from typing import IO, Any

from newsarchive.run.search_bundle import BUNDLE_DIR
from newsarchive.run.search_install import is_bundle_path

__all__ = ["FOLDED_META", "folded_words", "page_for_index", "pagefind_command",
           "pagefind_executable", "pages_to_index", "run_service", "trimmed"]

_BODY_MARK = b"data-pagefind-body"
#: The metadata field that holds a page's NFKC-folded words (not shown by the search page).
FOLDED_META = "folded"
_HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_BODY_TAG = re.compile(r"<[a-z][a-z0-9-]*\b[^>]*\bdata-pagefind-body\b[^>]*>", re.IGNORECASE)
_LANG = re.compile(r"""\slang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_SKIPPED = re.compile(r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->",
                      re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Runs of Han or kana, and runs of other word characters: the pieces folded one by one.
_RUN = re.compile(f"[{_CJK}]+|[^\\W{_CJK}]+")


def pages_to_index(output_dir: Path, folders: Sequence[str] = ("",)) -> list[str]:
    """The HTML files of ``output_dir`` to index: relative posix paths, sorted.

    Hidden files and folders, ``pagefind/`` and folders reached through a
    symbolic link are skipped.  ``folders`` (relative, each ending in ``/``;
    ``""`` for the whole output folder) limits the walk to those folders.
    """
    found: list[str] = []
    pending = [(os.path.join(output_dir, prefix), prefix) for prefix in folders
               if not _through_link(output_dir, prefix)]
    while pending:
        folder, prefix = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                if prefix or name != BUNDLE_DIR:
                    pending.append((entry.path, f"{prefix}{name}/"))
            elif name.endswith(".html"):
                found.append(prefix + name)
    return sorted(found)


def _through_link(output_dir: Path, prefix: str) -> bool:
    """Whether the folder ``prefix`` of ``output_dir`` is, or lies in, a symbolic link."""
    parts = prefix.split("/")[:-1]
    return any(os.path.islink(os.path.join(output_dir, *parts[:depth]))
               for depth in range(1, len(parts) + 1))


def _lang_of(tag: str) -> str:
    """The ``lang`` attribute of the start tag ``tag`` ("" when it has none)."""
    found = _LANG.search(tag)
    return next((group for group in found.groups() if group is not None), "") if found else ""


def folded_words(text: str) -> list[str]:
    """The NFKC forms of the words of ``text`` that NFKC changes, once each, in order.

    Runs of Han or kana and runs of other word characters are folded apart, so
    ``ＶＩＰ头等车厢`` gives ``VIP``; a run that NFKC leaves alone gives nothing.
    """
    if unicodedata.is_normalized("NFKC", text):
        return []
    seen: dict[str, None] = {}
    for run in _RUN.findall(text):
        folded = unicodedata.normalize("NFKC", run)
        if folded != run:
            for word in _RUN.findall(folded):
                seen.setdefault(word, None)
    return list(seen)


def _end_of(content: str, start: re.Match[str]) -> int:
    """Where the element whose start tag is ``start`` ends (its end tag, else the end)."""
    name = re.match(r"<([a-z][a-z0-9-]*)", start.group(), re.IGNORECASE)
    assert name is not None
    depth = 1
    for tag in re.finditer(rf"<(/?){re.escape(name.group(1))}\b", content[start.end():],
                           re.IGNORECASE):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return start.end() + tag.start()
    return len(content)


def page_for_index(content: str, default_language: str = "") -> str:
    """The page ``content`` as Pagefind is given it (see the module docstring).

    ``<html lang>`` becomes the primary subtag (``zh``) of the ``lang`` of the
    ``data-pagefind-body`` element when that has one, else of the page's own,
    else of ``default_language``; the
    folded words of the indexed body go in a ``hidden`` element holding only
    the metadata field :data:`FOLDED_META`.  A page without that element only
    gets its missing language.
    """
    html = _HTML_TAG.search(content)
    body = _BODY_TAG.search(content)
    language = _lang_of(body.group()) if body else ""
    if html is not None and not language and not _lang_of(html.group()):
        language = default_language
    # Pagefind keeps an index per distinct lang; one per language is enough (zh-CN and
    # zh-TW are searched alike) and lets the search page name each index by its subtag.
    language = (language or (_lang_of(html.group()) if html else "")).split("-")[0].lower()
    if html is not None and language and _lang_of(html.group()) != language:
        tag = _LANG.sub("", html.group())
        content = (content[:html.start()] + f'{tag[:-1].rstrip()} lang="{escape(language)}">'
                   + content[html.end():])
        body = _BODY_TAG.search(content)
    if body is None:
        return content
    inner = content[body.end():_end_of(content, body)]
    words = folded_words(unescape(_TAG.sub(" ", _SKIPPED.sub(" ", inner))))
    if not words:
        return content
    meta = f'<span hidden data-pagefind-meta="{FOLDED_META}:{escape(" ".join(words))}"></span>'
    return content[:body.end()] + meta + content[body.end():]


#: What Pagefind reads outside the ``data-pagefind-body`` element: elements that set a
#: filter, a metadata field or a sort key (kept with their content; void ones alone).
_MARKED = re.compile(r"<[a-z][a-z0-9-]*\b[^>]*\bdata-pagefind-(?:filter|meta|sort)\b[^>]*>",
                     re.IGNORECASE)
#: What trimming would change, where Pagefind reads it: the first heading and image of
#: the page are its default title and image; an element ignored "all" hides filters.
_UNTRIMMED = re.compile(r"<(?:h1|img)\b|data-pagefind-ignore\s*=\s*[\"']?all", re.IGNORECASE)
_TITLE = re.compile(r"<title\b[^>]*>.*?</title\s*>", re.IGNORECASE | re.DOTALL)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})


def _element_end(content: str, start: re.Match[str]) -> int:
    """Where the element whose start tag is ``start`` ends, past its end tag."""
    name = start.group()[1:].split(None, 1)[0].rstrip("/>").lower()
    if name in _VOID or start.group().endswith("/>"):
        return start.end()
    close = content.find(">", _end_of(content, start))
    return len(content) if close < 0 else close + 1


def trimmed(page: str) -> str:
    """``page`` (as :func:`page_for_index` made it) cut down to what Pagefind reads of it:
    the ``<html>`` tag, the ``<title>``, the ``data-pagefind-body`` element and, in
    their places around it, the elements outside it that set a filter, metadata or a
    sort key.  The bundle Pagefind writes from it is the same bytes, once normalised,
    as from the whole page, and Pagefind takes 12-16% less time (the article pages are
    15 KB, mostly navigation, lists and citations it skips).  A page with a heading
    or an image outside that element (Pagefind's default title and image), with an
    element ignored ``"all"``, or without the element, is given whole."""
    html = _HTML_TAG.search(page)
    body = _BODY_TAG.search(page)
    if html is None or body is None:
        return page
    end = _element_end(page, body)
    if _UNTRIMMED.search(page, 0, body.start()) or _UNTRIMMED.search(page, end):
        return page
    before: list[str] = []
    after: list[str] = []
    position = 0
    for marked in _MARKED.finditer(page):
        if marked.start() < position or body.start() <= marked.start() < end:
            continue
        position = _element_end(page, marked)
        (before if marked.start() < body.start() else after).append(
            page[marked.start():position])
    title = _TITLE.search(page, 0, body.start())
    return "".join(("<!doctype html>\n", html.group(), "<head>",
                    title.group() if title else "", "</head><body>", *before,
                    page[body.start():end], *after, "</body></html>\n"))


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
    for only_marked in (True, False):
        for page in pages:
            content = (output_dir / page).read_bytes()
            if only_marked and _BODY_MARK not in content:
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
                default_language: str = "", anchors: Sequence[str] = ()) -> str | None:
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
    (:func:`pagefind_command`).  ``anchors``: see :func:`_requests`.
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
                                default_language, anchors)
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
              anchors: Sequence[str] = ()) -> str | None:
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
