"""The development server: serve the output, rebuild on change, reload the browser.

Threads: the HTTP server (stdlib ``ThreadingHTTPServer``, one thread per
request), watchdog's observer (file events into a :class:`ChangeQueue`), and
one rebuild thread that takes debounced batches and runs them through the
:class:`Rebuilder`.  They share a :class:`LiveState` guarded by a condition.

An added or removed article is rebuilt in two phases: the pages the reader
sees first (:meth:`Rebuilder.preview`), the browser told, then the normal
build right after in the same thread, which brings every other page up to
date; the status reports ``building`` until both are done.

HTML pages get a small script (and, while a build has problems, an error
overlay) injected as they are served, never on disk.  The script listens to
Server-Sent Events at ``/__newsarchive/events`` and reloads when a build wrote
something; ``/__newsarchive/status`` reports the last build as JSON.

The HTTP side (requests, hostile paths, timeouts) is :mod:`newsarchive.serve.http`.
"""

from __future__ import annotations

import errno
import logging
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from newsarchive.config import Config
from newsarchive.run.executor import Executor
from newsarchive.serve.http import Handler, HTTPServer, HTTPServer6
from newsarchive.serve.live import LiveState
from newsarchive.serve.rebuild import Outcome, Rebuilder
from newsarchive.serve.watch import ChangeQueue, Changes, Watcher

__all__ = ["DevServer", "serve"]

logger = logging.getLogger("newsarchive.serve.server")

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
        server_class = HTTPServer6 if ":" in host else HTTPServer
        # First: when no socket of the address family can be made, nothing is left open.
        self._http = server_class((host, port), Handler, bind_and_activate=False)
        self.state = LiveState(config)
        self._http.state = self.state
        self.queue = ChangeQueue(quiet=quiet_period)
        self.watcher = Watcher(config, self.queue)
        self.rebuilder = Rebuilder(config, reload_config, executor, force=force)
        self._on_build = on_build
        self._indexer = _Indexer(self.rebuilder)
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
        if changes is not None:
            # Two phases for an added or removed article: its own page (or its
            # removal and its day page) at once, the browser told, then the
            # full build in this same thread (see newsarchive.incremental.preview).
            self.rebuilder.preview(changes, self._told)
        outcome = self.rebuilder.build(changes)
        if outcome.config is not self.watcher.config:
            self.watcher.retarget(outcome.config)
        self.state.publish(outcome, changes)
        if self._on_build is not None:
            self._on_build(outcome)
        self._indexer.request(outcome)
        self.rebuilder.settle()  # after the browser was told: the page first
        return outcome

    def _told(self, first: Outcome) -> None:
        """Tell the browser about phase 1 of a two-phase rebuild."""
        if first.wrote:
            self.state.publish_preview(first)

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
        self._indexer.stop()
        if not self._threads:
            self.rebuilder.close()
        self._threads = []
        self._http.server_close()


class _Indexer:
    """Runs the search step of the dev server's builds in a thread of its own, so
    an edit is never kept waiting by Pagefind (seconds on a big archive):
    builds finished while it indexes are taken together in one more run, which
    indexes the pages any of them wrote or removed (the parts holding them; not
    the whole archive, minutes at 100,000 articles, as each save of an editor
    that saves every second would otherwise cost)."""

    def __init__(self, rebuilder: Rebuilder) -> None:
        self._rebuilder = rebuilder
        self._lock = threading.Lock()
        self._wanted: Outcome | None = None
        self._paths: set[str] = set()
        self._thread: threading.Thread | None = None
        #: Set whenever no run is waiting or going (the tests wait on it).
        self.idle = threading.Event()
        self.idle.set()

    def request(self, outcome: Outcome) -> None:
        with self._lock:
            if outcome.report is not None:
                self._paths.update(outcome.report.written_paths)
                self._paths.update(outcome.report.removed_paths)
            if outcome.report is not None or self._wanted is None:
                self._wanted = outcome  # (a failed build does not drop a waiting one)
            self.idle.clear()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="newsarchive-search",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                outcome, paths = self._wanted, self._paths
                self._wanted, self._paths = None, set()
                if outcome is None:
                    self.idle.set()
                    return
            problems = self._rebuilder.index_search(outcome, paths)
            if problems:
                logger.warning("%s", "\n".join(problems))

    def stop(self) -> None:
        """Wait for a run that is going (a killed Pagefind leaves a bundle half made)."""
        thread = self._thread
        if thread is not None:
            thread.join()


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
