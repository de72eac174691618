"""The HTTP side of the development server: serve files from the output, inject the
live-reload script, stream build events.

HTML pages get a small script (and, while a build has problems, an error
overlay) injected as they are served, never on disk.  The script listens to
Server-Sent Events at ``/__newsarchive/events``; ``/__newsarchive/status``
reports the last build as JSON.

Hostile requests: a request path is decoded once and split into names; a
name that is ``.``, ``..`` or holds a backslash or NUL is refused, and every
file or folder served is resolved (links followed) and must lie inside the
output folder, index pages and the 404 page included.  Every connection has a
socket timeout (:data:`REQUEST_TIMEOUT`), so a client that stalls mid-request
frees its thread; the event stream writes at least every :data:`HEARTBEAT`
seconds, so the timeout only ends streams whose browser stopped reading.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import socket
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from newsarchive.serve.live import EVENTS_PATH, STATUS_PATH, LiveState, Snapshot, inject, overlay

__all__ = ["HEARTBEAT", "REQUEST_TIMEOUT", "HTTPServer", "HTTPServer6", "Handler"]

logger = logging.getLogger("newsarchive.serve.server")

#: Seconds a connection may stay silent while a request is read, or stay blocked
#: while a response is written, before it is closed.
REQUEST_TIMEOUT = 10.0
#: Seconds between two comments on an idle event stream: writing one to a browser
#: that went away fails, which ends the stream and frees its thread.
HEARTBEAT = 15.0


def _differs(serial: int, snapshot: Snapshot) -> bool:
    return snapshot.serial != serial


class Handler(BaseHTTPRequestHandler):
    server: HTTPServer
    protocol_version = "HTTP/1.0"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(REQUEST_TIMEOUT)  # read per connection: tests shorten it

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, head: bool,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _respond(self, head: bool) -> None:
        state = self.server.state
        snapshot = state.get()
        try:
            split = urlsplit(self.path)
        except ValueError:  # "http://[x/": a malformed absolute-form target
            return self._send(HTTPStatus.BAD_REQUEST, b"bad request\n", "text/plain", head)
        path = unquote(split.path)
        if path == EVENTS_PATH:
            if head:  # no stream to hold a thread for
                return self._send(HTTPStatus.OK, b"", "text/event-stream", head)
            return self._events()
        if path == STATUS_PATH:
            body = json.dumps({"version": snapshot.version, "builds": snapshot.builds,
                               "building": snapshot.building,
                               "problems": list(snapshot.problems),
                               "last": snapshot.last}).encode("utf-8")
            return self._send(HTTPStatus.OK, body, "application/json", head)
        base = snapshot.base_path
        if not path.startswith(base):
            if base != "/" and path in ("/", base.rstrip("/")):
                return self._send(HTTPStatus.FOUND, b"", "text/plain", head, {"Location": base})
            return self._not_found(snapshot, head)
        names = _names(path[len(base):])
        output_dir = snapshot.output_dir
        found = None if names is None else _inside(output_dir, output_dir.joinpath(*names))
        if found is not None and found.folder:
            if not path.endswith("/"):
                # Built from the checked names, never from the raw path: "//host/"
                # would send the browser to another site.
                location = base + quote("/".join(names or ()) + "/") + (
                    f"?{split.query}" if split.query else "")
                return self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", head,
                                  {"Location": location})
            found = _inside(output_dir, found.path / "index.html")
        if found is None or found.folder:
            return self._not_found(snapshot, head)
        self._file(found.path, HTTPStatus.OK, snapshot, head)

    def _file(self, target: Path, status: HTTPStatus, snapshot: Snapshot, head: bool) -> None:
        try:
            body = target.read_bytes()
        except OSError:
            return self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain", head)
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type == "text/html":
            body = inject(body, snapshot)
        if content_type.startswith("text/") or content_type in ("application/xml",
                                                                "application/javascript"):
            content_type += "; charset=utf-8"
        self._send(status, body, content_type, head)

    def _not_found(self, snapshot: Snapshot, head: bool) -> None:
        page = _inside(snapshot.output_dir, snapshot.output_dir / "404.html")
        if page is not None and not page.folder:
            return self._file(page.path, HTTPStatus.NOT_FOUND, snapshot, head)
        body = inject(b"<!doctype html><title>Not found</title><h1>Not found</h1>\n", snapshot)
        self._send(HTTPStatus.NOT_FOUND, body, "text/html; charset=utf-8", head)

    def _events(self) -> None:
        state = self.server.state
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        sent = -1
        try:
            self.wfile.write(b"retry: 500\n\n")
            while not state.closed:
                snapshot = state.wait(partial(_differs, sent), HEARTBEAT)
                if state.closed:
                    break
                if snapshot is None:
                    self.wfile.write(b": ping\n\n")
                else:
                    sent = snapshot.serial
                    data = json.dumps({"version": snapshot.version, "serial": sent,
                                       "problems": list(snapshot.problems),
                                       "overlay": overlay(snapshot.problems)})
                    self.wfile.write(f"data: {data}\n\n".encode())
                self.wfile.flush()
        except OSError:  # the browser went away, or stopped reading for REQUEST_TIMEOUT
            return


def _names(relative: str) -> tuple[str, ...] | None:
    """The names of a decoded request path below the base path; None when one of
    them could climb out of the output folder or is no valid file name."""
    parts = tuple(p for p in relative.split("/") if p)
    if any(p in (".", "..") or "\\" in p or "\0" in p for p in parts):
        return None
    return parts


@dataclass(frozen=True, slots=True)
class _Found:
    """A file or folder that may be served: its resolved path, and which it is."""

    path: Path
    folder: bool


def _inside(output_dir: Path, target: Path) -> _Found | None:
    """``target`` resolved (links followed), when it exists inside ``output_dir``
    and is a regular file or a folder; else None.  Never raises: a name too
    long, a link loop or a file that vanished is just not found."""
    try:
        real = target.resolve(strict=True)
        if not real.is_relative_to(output_dir.resolve(strict=True)):
            return None
        if real.is_dir():
            return _Found(real, True)
        return _Found(real, False) if real.is_file() else None
    except (OSError, RuntimeError, ValueError):
        return None


class HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    state: LiveState


class HTTPServer6(HTTPServer):
    address_family = socket.AF_INET6
