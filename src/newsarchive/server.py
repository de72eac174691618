"""The development server: serve the output, rebuild on change, reload the browser.

Threads: the HTTP server (stdlib ``ThreadingHTTPServer``, one thread per
request), watchdog's observer (file events into a :class:`ChangeQueue`), and
one rebuild thread that takes debounced batches and runs them through the
:class:`Rebuilder`.  They share a :class:`LiveState` guarded by a condition.

HTML pages get a small script (and, while a build has problems, an error
overlay) injected as they are served, never on disk.  The script listens to
Server-Sent Events at ``/__newsarchive/events`` and reloads when a build wrote
something; ``/__newsarchive/status`` reports the last build as JSON.

Hostile requests: a request path is decoded once and split into names; a
name that is ``.``, ``..`` or holds a backslash or NUL is refused, and every
file or folder served is resolved (links followed) and must lie inside the
output folder, index pages and the 404 page included.  Every connection has a
socket timeout (:data:`REQUEST_TIMEOUT`), so a client that stalls mid-request
frees its thread; the event stream writes at least every :data:`HEARTBEAT`
seconds, so the timeout only ends streams whose browser stopped reading.
"""

from __future__ import annotations

import errno
import json
import logging
import mimetypes
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote, unquote, urlsplit

from newsarchive.config import Config
from newsarchive.executor import Executor
from newsarchive.live import EVENTS_PATH, STATUS_PATH, LiveState, Snapshot, inject, overlay
from newsarchive.rebuild import Outcome, Rebuilder
from newsarchive.watch import ChangeQueue, Changes, Watcher

__all__ = ["HEARTBEAT", "REQUEST_TIMEOUT", "DevServer", "serve"]

logger = logging.getLogger("newsarchive.server")

#: Seconds a connection may stay silent while a request is read, or stay blocked
#: while a response is written, before it is closed.
REQUEST_TIMEOUT = 10.0
#: Seconds between two comments on an idle event stream: writing one to a browser
#: that went away fails, which ends the stream and frees its thread.
HEARTBEAT = 15.0


def _differs(serial: int, snapshot: Snapshot) -> bool:
    return snapshot.serial != serial


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
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


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    state: LiveState


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class DevServer:
    """Build, serve and rebuild one archive; ``start`` and ``stop`` it from one thread.

    ``port=0`` picks a free port (see :attr:`port`).  ``on_build`` is called
    from the rebuild thread after every build, the first included.
    """

    def __init__(self, config: Config, *, host: str = "127.0.0.1", port: int = 8000,
                 reload_config: Callable[[], Config] | None = None,
                 executor: Executor | None = None, quiet_period: float = 0.05,
                 on_build: Callable[[Outcome], None] | None = None,
                 force: bool = False) -> None:
        server_class = _HTTPServer6 if ":" in host else _HTTPServer
        # First: when no socket of the address family can be made, nothing is left open.
        self._http = server_class((host, port), _Handler, bind_and_activate=False)
        self.state = LiveState(config)
        self._http.state = self.state
        self.queue = ChangeQueue(quiet=quiet_period)
        self.watcher = Watcher(config, self.queue)
        self.rebuilder = Rebuilder(config, reload_config, executor, force=force)
        self._on_build = on_build
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._listening = False

    @property
    def config(self) -> Config:
        """The config of the last build (a reloaded one after the config file changed)."""
        return self.rebuilder.config

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self._http.server_address[1])

    @property
    def url(self) -> str:
        """The address of the site's front page."""
        host = str(self._http.server_address[0])
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}{self.state.get().base_path}"

    def listen(self) -> None:
        """Bind the address and listen (once; :meth:`start` calls it when needed).
        Raises OSError when the address cannot be bound."""
        if self._listening:
            return
        try:
            self._http.server_bind()
            self._http.server_activate()
        except OSError:
            self._http.server_close()
            raise
        self._listening = True

    def start(self) -> Outcome:
        """Bind (see :meth:`listen`), start watching, build once, then serve;
        returns the first build's outcome once it is done.  Builds run in one
        background thread (the cache is bound to the thread that opened it).
        Raises OSError when the address cannot be bound."""
        self.listen()
        self.watcher.start()
        first: list[Outcome] = []
        built = threading.Event()
        rebuild = threading.Thread(target=self._rebuild_loop, args=(first, built),
                                   name="newsarchive-rebuild", daemon=True)
        rebuild.start()
        self._threads.append(rebuild)
        while not built.wait(0.5):
            if not rebuild.is_alive():
                raise RuntimeError("the first build failed")
        http = threading.Thread(target=self._http.serve_forever, name="newsarchive-http",
                                daemon=True)
        http.start()
        self._threads.append(http)
        return first[0]

    def _build(self, changes: Changes | None) -> Outcome:
        self.state.set_building(True)
        outcome = self.rebuilder.build(changes)
        if outcome.config is not self.watcher.config:
            self.watcher.retarget(outcome.config)
        self.state.publish(outcome, changes)
        if self._on_build is not None:
            self._on_build(outcome)
        return outcome

    def _rebuild_loop(self, first: list[Outcome], built: threading.Event) -> None:
        try:
            first.append(self._build(None))
            built.set()
            while not self._stopping.is_set():
                changes = self.queue.get(timeout=1.0)
                if changes and not self._stopping.is_set():
                    try:
                        self._build(changes)
                    except Exception:  # never let the loop die; the Rebuilder catches inputs
                        logger.exception("rebuild failed")
                        self.state.set_building(False)
        finally:
            self.rebuilder.close()

    def wait(self) -> None:
        """Block until :meth:`stop` is called from another thread (or Ctrl-C)."""
        while not self._stopping.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop watching, serving and rebuilding; waits for a running build."""
        self._stopping.set()
        self.watcher.stop()
        self.queue.close()
        self.state.close()
        if len(self._threads) > 1:
            self._http.shutdown()
        for thread in self._threads:
            thread.join()
        if not self._threads:
            self.rebuilder.close()
        self._threads = []
        self._http.server_close()


def _status_line(outcome: Outcome, first: bool) -> str:
    last = outcome.report
    if last is None:
        return f"Build failed after {outcome.seconds:.2f} s; serving the last good pages"
    return (f"{'Built' if first else 'Rebuilt'} {last.articles} articles "
            f"in {outcome.seconds:.2f} s: {last.sources_read} read, "
            f"{last.rendered} rendered, {last.written} written, {last.removed} removed; "
            f"{len(outcome.problems)} problems")


def _cannot_listen(host: str, port: int, exc: OSError) -> tuple[str, str]:
    """The error line and hint for an address that cannot be bound."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    reason = exc.strerror or str(exc)
    if exc.errno == errno.EADDRINUSE:
        hint = "choose another port with --port"
    elif exc.errno == errno.EACCES:
        hint = "ports below 1024 need administrator rights; choose another port with --port"
    else:
        hint = "choose another address with --host (127.0.0.1 serves this machine only)"
    return f"cannot listen on {where}: {reason}", hint


def serve(config: Config, *, host: str = "127.0.0.1", port: int = 8000, quiet: bool = False,
          reload_config: Callable[[], Config] | None = None, out: TextIO | None = None,
          err: TextIO | None = None, force: bool = False) -> int:
    """Run the development server until Ctrl-C; returns the exit status.

    Prints a status line per rebuild to ``out`` (unless ``quiet``) and every
    problem to ``err``.  ``reload_config`` reloads the config after the config
    file changed (default: reload the file and keep what the command line
    overrode).  Returns 0 after Ctrl-C, and 2 without building when ``port`` is
    out of range or the address cannot be bound (the error and a hint printed
    to ``err``, as ``newsarchive: error: ...``).  ``force`` lets the builds write
    into a non-empty output folder that no build wrote.
    """
    out = out or sys.stdout
    err = err or sys.stderr

    def fail(message: str, hint: str) -> int:
        print(f"newsarchive: error: {message}\n  hint: {hint}", file=err, flush=True)
        return 2

    if not 0 <= port <= 65535:
        return fail(f"port {port} is out of range (0-65535)",
                    "choose a port from 1024 to 65535 with --port, or 0 for any free port")

    builds = 0

    def report(outcome: Outcome) -> None:
        nonlocal builds
        builds += 1
        for problem in outcome.problems:
            print(problem, file=err, flush=True)
        if not quiet:
            print(_status_line(outcome, builds == 1), file=out, flush=True)

    try:
        server = DevServer(config, host=host, port=port, reload_config=reload_config,
                           on_build=report, force=force)
    except OSError as exc:  # no socket of the host's address family
        return fail(*_cannot_listen(host, port, exc))
    try:
        try:
            server.listen()
        except OSError as exc:  # in use, not an address of this machine, no such host
            return fail(*_cannot_listen(host, port, exc))
        server.start()
        print(f"Serving {config.output_dir} at {server.url} (Ctrl-C to stop)", file=out,
              flush=True)
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
