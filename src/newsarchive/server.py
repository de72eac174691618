"""The development server: serve the output, rebuild on change, reload the browser.

Threads: the HTTP server (stdlib ``ThreadingHTTPServer``, one thread per
request), watchdog's observer (file events into a :class:`ChangeQueue`), and
one rebuild thread that takes debounced batches and runs them through the
:class:`Rebuilder`.  They share a :class:`LiveState` guarded by a condition.

HTML pages get a small script (and, while a build has problems, an error
overlay) injected as they are served, never on disk.  The script listens to
Server-Sent Events at ``/__newsarchive/events`` and reloads when a build wrote
something; ``/__newsarchive/status`` reports the last build as JSON.
"""

from __future__ import annotations

import html
import json
import logging
import mimetypes
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import unquote, urlsplit

from newsarchive.config import Config
from newsarchive.executor import Executor
from newsarchive.watch import ChangeQueue, Changes, Outcome, Rebuilder, Watcher

__all__ = ["EVENTS_PATH", "STATUS_PATH", "DevServer", "LiveState", "inject", "overlay", "serve"]

logger = logging.getLogger("newsarchive.server")

EVENTS_PATH = "/__newsarchive/events"
STATUS_PATH = "/__newsarchive/status"
_HEARTBEAT = 15.0

_SCRIPT = """<script data-version="%(version)d" data-serial="%(serial)d" data-events="%(events)s">
(function () {
  var me = document.currentScript, version = +me.dataset.version, serial = +me.dataset.serial;
  function box() { return document.getElementById("__newsarchive-overlay"); }
  function hide() { if (box()) box().remove(); }
  function wire() { if (box()) box().querySelector("button").onclick = hide; }
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
  wire();
  var events = new EventSource(me.dataset.events);
  events.onmessage = function (message) {
    var state = JSON.parse(message.data);
    if (state.version !== version) { events.close(); location.reload(); return; }
    if (state.serial === serial) return;
    serial = state.serial;
    hide();
    document.body.insertAdjacentHTML("beforeend", state.overlay);
    wire();
  };
})();
</script>
"""
_OVERLAY = ('<div id="__newsarchive-overlay" role="alert" aria-labelledby="__newsarchive-title" '
            'style="position:fixed;left:0;right:0;bottom:0;z-index:2147483647;max-height:50vh;'
            'overflow:auto;margin:0;padding:1em;background:#fff4f4;color:#600;'
            'border-top:3px solid #b00;font:14px/1.4 system-ui,sans-serif">'
            '<button type="button" style="float:right;font:inherit">Dismiss</button>'
            '<strong id="__newsarchive-title">Build problems (the last good pages are shown)'
            '</strong><pre style="white-space:pre-wrap;margin:.5em 0 0;font:13px/1.4 monospace">'
            '%s</pre></div>\n')


def overlay(problems: tuple[str, ...]) -> str:
    """The error overlay for ``problems`` (HTML-escaped), or "" when there are none."""
    return _OVERLAY % html.escape("\n".join(problems)) if problems else ""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the browser and the status endpoint see.

    ``version`` changes only when a build wrote or removed output files;
    ``serial`` changes whenever ``version`` or ``problems`` change.
    """

    serial: int = 0
    version: int = 0
    builds: int = 0
    building: bool = False
    problems: tuple[str, ...] = ()
    output_dir: Path = Path("site")
    base_path: str = "/"
    last: dict[str, Any] = field(default_factory=dict)


class LiveState:
    """The shared state of the server threads, with a condition to wait on."""

    def __init__(self, config: Config) -> None:
        self._cond = threading.Condition()
        self._snapshot = Snapshot(output_dir=config.output_dir, base_path=config.base_path)
        self.closed = False

    def get(self) -> Snapshot:
        """The current snapshot."""
        with self._cond:
            return self._snapshot

    def set_building(self, building: bool) -> None:
        """Mark a build as started or finished."""
        with self._cond:
            self._snapshot = replace(self._snapshot, building=building)
            self._cond.notify_all()

    def publish(self, outcome: Outcome, changes: Changes | None) -> Snapshot:
        """Record a finished build; wakes every waiting event stream."""
        with self._cond:
            old = self._snapshot
            version = old.version + (1 if outcome.wrote else 0)
            report = outcome.report
            last: dict[str, Any] = {"seconds": round(outcome.seconds, 4), "failed": report is None,
                                    "changed_sources": len(changes.sources) if changes else 0}
            if report is not None:
                last.update(articles=report.articles, pages=report.pages,
                            sources_read=report.sources_read, rendered=report.rendered,
                            written=report.written, removed=report.removed,
                            build_seconds=round(report.seconds, 4),
                            warnings=len(report.warnings), errors=len(report.errors))
            serial = old.serial + (version != old.version or outcome.problems != old.problems)
            self._snapshot = Snapshot(
                serial, version, old.builds + 1, False, outcome.problems,
                outcome.config.output_dir, outcome.config.base_path, last)
            self._cond.notify_all()
            return self._snapshot

    def wait(self, predicate: Callable[[Snapshot], bool], timeout: float) -> Snapshot | None:
        """Block until ``predicate(snapshot)`` holds (or the state closes); None on timeout."""
        with self._cond:
            met = self._cond.wait_for(lambda: self.closed or predicate(self._snapshot), timeout)
            return self._snapshot if met else None

    def close(self) -> None:
        """Release every waiter (event streams end)."""
        with self._cond:
            self.closed = True
            self._cond.notify_all()


def inject(page: bytes, snapshot: Snapshot) -> bytes:
    """``page`` with the reload script, and the error overlay when there are
    problems, inserted before ``</body>`` (appended when there is none)."""
    script = _SCRIPT % {"version": snapshot.version, "serial": snapshot.serial,
                        "events": EVENTS_PATH}
    data = (overlay(snapshot.problems) + script).encode("utf-8")
    at = page.lower().rfind(b"</body>")
    return page + data if at < 0 else page[:at] + data + page[at:]


def _differs(serial: int, snapshot: Snapshot) -> bool:
    return snapshot.serial != serial


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.0"

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
        split = urlsplit(self.path)
        path = unquote(split.path)
        if path == EVENTS_PATH:
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
        target = self._target(snapshot.output_dir, path[len(base):])
        if target is not None and target.is_dir():
            if not path.endswith("/"):
                location = split.path + "/" + (f"?{split.query}" if split.query else "")
                return self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", head,
                                  {"Location": location})
            target = target / "index.html"
        if target is None or not target.is_file():
            return self._not_found(snapshot, head)
        self._file(target, HTTPStatus.OK, snapshot, head)

    @staticmethod
    def _target(output_dir: Path, relative: str) -> Path | None:
        parts = [p for p in relative.split("/") if p]
        if any(p in (".", "..") or "\\" in p or "\0" in p for p in parts):
            return None
        target = output_dir.joinpath(*parts)
        try:
            if not target.resolve().is_relative_to(output_dir.resolve()):
                return None
        except (OSError, RuntimeError):
            return None
        return target

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
        page = snapshot.output_dir / "404.html"
        if page.is_file():
            return self._file(page, HTTPStatus.NOT_FOUND, snapshot, head)
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
                snapshot = state.wait(partial(_differs, sent), _HEARTBEAT)
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
        except OSError:  # the browser went away
            return


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
                 on_build: Callable[[Outcome], None] | None = None) -> None:
        self.config = config
        self.state = LiveState(config)
        self.queue = ChangeQueue(quiet=quiet_period)
        self.watcher = Watcher(config, self.queue)
        self.rebuilder = Rebuilder(config, reload_config, executor)
        self._on_build = on_build
        server_class = _HTTPServer6 if ":" in host else _HTTPServer
        self._http = server_class((host, port), _Handler, bind_and_activate=False)
        self._http.state = self.state
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

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

    def start(self) -> Outcome:
        """Bind, start watching, build once, then serve; returns the first build's
        outcome once it is done.  Builds run in one background thread (the cache
        is bound to the thread that opened it).  Raises OSError when the address
        cannot be bound."""
        try:
            self._http.server_bind()
            self._http.server_activate()
        except OSError:
            self._http.server_close()
            raise
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


def serve(config: Config, *, host: str = "127.0.0.1", port: int = 8000, quiet: bool = False,
          reload_config: Callable[[], Config] | None = None, out: TextIO | None = None,
          err: TextIO | None = None) -> int:
    """Run the development server until Ctrl-C; returns the exit status (0).

    Prints a status line per rebuild to ``out`` (unless ``quiet``) and every
    problem to ``err``.  ``reload_config`` reloads the config after the config
    file changed (default: reload the file and keep what the command line
    overrode).  Returns 1 when the address cannot be bound.
    """
    out = out or sys.stdout
    err = err or sys.stderr

    builds = 0

    def report(outcome: Outcome) -> None:
        nonlocal builds
        builds += 1
        for problem in outcome.problems:
            print(problem, file=err, flush=True)
        if not quiet:
            print(_status_line(outcome, builds == 1), file=out, flush=True)

    server = DevServer(config, host=host, port=port, reload_config=reload_config,
                       on_build=report)
    try:
        try:
            server.start()
        except OSError as exc:
            print(f"newsarchive: error: cannot serve on {host}:{port}: {exc.strerror}",
                  file=err)
            return 1
        print(f"Serving {config.output_dir} at {server.url} (Ctrl-C to stop)", file=out,
              flush=True)
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
