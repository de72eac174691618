"""Session fixtures for the browser tests: one small built site, served under /archive/,
and one headless Debian Chromium driven by Playwright.

The site is the seed article plus a few inline Markdown articles over several
years and taxonomies, built with ``base_url https://example.org/archive/`` into
``<tmp>/www/archive/`` and served from ``<tmp>/www/`` by ``http.server`` on a
free loopback port, so every page is exercised under a GitHub-Pages-style
subpath.  The seed gets its topics from the topic extractor; the Markdown
articles name a term in every taxonomy, so nothing is derived for them and
the tests can rely on their terms.

A missing tool (Chromium, Java, node_modules/) skips the test that needs it
locally, but fails it when ``CI`` is set, so CI never hides a failure as a skip.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
#: Playwright adds --no-sandbox, --headless and the profile flags itself; these it does not.
CHROMIUM_ARGS = ["--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
NODE_MODULES = REPO / "node_modules"
BASE_URL = "https://example.org/archive/"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

#: A title that would break out of a <script> element if JSON-LD were not escaped.
HOSTILE_TITLE = "Scripts </script><script>alert(1)</script> & <b>tags</b> stay text"

ARTICLES: dict[str, str] = {
    "1990-hostile.md": f"""\
---
title: {HOSTILE_TITLE!r}
date: 1990-01-15T08:00:00+00:00
source: Test Wire
places: [Geneva]
people: [Eve Example]
organizations: [Test Wire Service]
subjects: [Security]
summary: "A title with </script> in it must stay text everywhere."
---
Markup in a title is text, never markup.
""",
    "1998-floods.md": """\
---
title: Floods close the old harbour
date: 1998-03-04T09:30:00+00:00
source: Coast Gazette
dateline: LISBON
authors: [Ana Reis]
places: [Portugal, Lisbon]
people: [João Mendes]
organizations: [Lisbon Port Authority]
subjects: [Weather]
summary: Heavy rain flooded the harbour district of Lisbon for a second day.
---
Heavy rain flooded the *harbour* district of Lisbon for a second day, and the
ferries to the south bank stayed in port.

Officials said the water would recede by Friday. Shopkeepers along the quay
moved their stock to upper floors.
""",
    "1999-harbour.md": """\
---
title: Harbour reopens after a year of repairs
date: 1999-07-21T12:00:00+00:00
source: Coast Gazette
authors: [Ana Reis, Rui Lopes]
places: [Lisbon]
people: [Marta Silva]
organizations: [Port Authority]
subjects: [Shipping]
---
The old harbour reopened on Wednesday after a year of repairs to the flood walls.

The first ferry left at dawn, carrying commuters and a brass band.
""",
    "2001-budget.md": """\
---
title: Parliament debates the port budget
date: 2001-05-02T15:45:00+00:00
source: Daily Ledger
places: [Portugal]
people: [Maria Costa]
organizations: [Port Authority]
subjects: [Shipping, Budget]
---
Members of parliament spent the afternoon on the port budget. Maria Costa, who
chairs the Port Authority, defended the cost of the new flood walls.
""",
    "2002-lisbonne.md": """\
---
title: Le port de Lisbonne rouvre ses quais
date: 2002-11-09T10:00:00+00:00
lang: fr
source: Journal du Port
places: [Lisbon]
people: [Pedro Santos]
organizations: [Port Authority]
subjects: [Shipping]
---
Le port de Lisbonne a rouvert ses quais samedi, après deux semaines de travaux.
""",
}

CONFIG = """\
title: Harbour Times Archive
description: Thirty years of harbour and shipping news, searchable.
per_page: 3
"""


def require(available: bool, reason: str) -> None:
    """Skip the calling test when a tool is missing; fail it instead when CI is set."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: a missing tool fails the test)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require_module(name: str, reason: str) -> Any:
    """Import and return module ``name``; when it is missing, :func:`require` decides
    (skip the calling module, or fail it when CI is set)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        require(False, reason)
        raise


def require_pagefind() -> None:
    """:func:`require` Pagefind and its binary."""
    from newsarchive.run.search import pagefind_available

    require(pagefind_available(), "Pagefind is not installed: pip install 'pagefind[bin]'")


def fail(message: str) -> NoReturn:
    pytest.fail(message, pytrace=False)


@dataclass(frozen=True)
class BuiltSite:
    """The built test site: ``output`` is ``root/archive``; ``log`` is the build's output."""

    root: Path
    output: Path
    log: str

    @property
    def search_indexed(self) -> bool:
        return (self.output / "pagefind" / "pagefind.js").is_file()

    def html_files(self) -> list[Path]:
        """Every HTML page the generator wrote (not Pagefind's bundle)."""
        return sorted(p for p in self.output.rglob("*.html")
                      if "pagefind" not in p.relative_to(self.output).parts)


def write_sources(folder: Path) -> None:
    """The seed articles plus :data:`ARTICLES` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in sorted((REPO / "seeds").iterdir()):
        if seed.is_file():
            shutil.copyfile(seed, folder / seed.name)
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """Build the test site once per session with the real command line."""
    work = tmp_path_factory.mktemp("browser-site")
    write_sources(work / "articles")
    (work / "archive.yaml").write_text(CONFIG, encoding="utf-8")
    root = work / "www"
    output = root / "archive"
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--config", "archive.yaml",
         "--source", "articles", "--output", str(output), "--base-url", BASE_URL],
        cwd=work, capture_output=True, text=True, timeout=300, check=False)
    log = done.stdout + done.stderr
    if done.returncode != 0:
        fail(f"building the test site failed ({done.returncode}):\n{log}")
    return BuiltSite(root, output, log)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free loopback port; yields ``http://127.0.0.1:PORT/``."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def site_url(built_site: BuiltSite) -> Iterator[str]:
    """``http://127.0.0.1:PORT/archive/``: the built site served under a subpath."""
    with serving(built_site.root) as root:
        yield root + "archive/"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium (never Playwright's own download)."""
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "playwright is not installed: pip install -e '.[test]'")
        raise
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh desktop-sized page; ``page.problems`` collects console errors and page errors."""
    context = browser.new_context(viewport=DESKTOP)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
           if m.type in ("error", "warning") else None)
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    tab.problems = problems
    try:
        yield tab
    finally:
        context.close()


LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"


def lighthouse(url: str, tmp_path: Path, timeout: int = 180) -> tuple[dict[str, float], str]:
    """Lighthouse's four category scores for ``url`` (Debian Chromium, a fresh
    profile in ``tmp_path``), and its audits scoring below 1, one per line."""
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium")
    require(shutil.which("node") is not None, "node is missing: apt-get install nodejs npm")
    require(LIGHTHOUSE.is_file(), f"{LIGHTHOUSE} is missing: run npm ci")
    flags = ["--headless=new", "--no-sandbox", *CHROMIUM_ARGS,
             f"--user-data-dir={tmp_path / 'profile'}"]
    report_path = tmp_path / "report.json"
    done = subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report_path}",
         f"--chrome-flags={' '.join(flags)}"],
        env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
        capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0 and report_path.is_file(), done.stderr[-3000:]
    report = json.loads(report_path.read_text(encoding="utf-8"))
    scores = {key: report["categories"][key]["score"]
              for key in ("performance", "accessibility", "best-practices", "seo")}
    failing = sorted(
        f"{audit['id']} ({audit['score']}): {audit['title']}"
        for audit in report["audits"].values()
        if audit.get("scoreDisplayMode") in ("binary", "numeric")
        and audit.get("score") is not None and audit["score"] < 1)
    return scores, "\n".join(failing)
