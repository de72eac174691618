"""What the dev server shows the browser: the live state, the reload script, the overlay.

HTML pages get a small script (and, while a build has problems, an error
overlay) injected as they are served, never on disk.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from newsarchive.config import Config
from newsarchive.serve.rebuild import Outcome
from newsarchive.serve.watch import Changes

__all__ = ["EVENTS_PATH", "STATUS_PATH", "LiveState", "Snapshot", "inject", "overlay"]

EVENTS_PATH = "/__newsarchive/events"
STATUS_PATH = "/__newsarchive/status"

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
        #: The figures of phase 1 of the build going on, reported with its phase 2.
        self._preview: dict[str, Any] | None = None

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
                                    "changed_sources": len(changes.sources) if changes else 0,
                                    "held": list(outcome.held)}
            if report is not None:
                last.update(articles=report.articles, pages=report.pages,
                            sources_read=report.sources_read, rendered=report.rendered,
                            written=report.written, removed=report.removed,
                            build_seconds=round(report.seconds, 4),
                            warnings=len(report.warnings), errors=len(report.errors))
            if self._preview is not None:
                last["preview"], self._preview = self._preview, None
            serial = old.serial + (version != old.version or outcome.problems != old.problems)
            self._snapshot = Snapshot(
                serial, version, old.builds + 1, False, outcome.problems,
                outcome.config.output_dir, outcome.config.base_path, last)
            self._cond.notify_all()
            return self._snapshot

    def publish_preview(self, outcome: Outcome) -> Snapshot:
        """Record phase 1 of a two-phase rebuild (see :meth:`Rebuilder.preview`):
        a new ``version`` (the browser reloads), the build still going, the
        number of builds and the problems left to phase 2; its figures under
        ``last["preview"]``, now and after phase 2."""
        with self._cond:
            old = self._snapshot
            report = outcome.report
            figures: dict[str, Any] = {"seconds": round(outcome.seconds, 4)}
            if report is not None:
                figures.update(rendered=report.rendered, written=report.written,
                               removed=report.removed)
            self._preview = figures
            self._snapshot = replace(old, serial=old.serial + 1, version=old.version + 1,
                                     building=True, last={**old.last, "preview": figures})
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
    # Problems arrive escaped (see newsarchive.serve.rebuild); a stray surrogate from an
    # undecodable file name must still never stop a page from being served.
    data = (overlay(snapshot.problems) + script).encode("utf-8", "backslashreplace")
    at = page.lower().rfind(b"</body>")
    return page + data if at < 0 else page[:at] + data + page[at:]
