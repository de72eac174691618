"""The dev server on a real loopback port: serving, live edits, overlay, reload events.

Every wait is on the server's state condition with a timeout; nothing sleeps.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from newsarchive.config import Config, load_config
from newsarchive.incremental import memory
from newsarchive.incremental.store import open_cache
from newsarchive.run.executor import SerialExecutor
from newsarchive.run.session import build
from newsarchive.serve.live import Snapshot, inject
from newsarchive.serve.server import DevServer
from newsarchive.serve.watch import Changes

CONFIG = "source_dir: seeds\noutput_dir: site\ntopics: {enabled: []}\n"
ARTICLE_TEMPLATE = ('{% extends "base.html" %}\n'
                    '{% block main %}<h1>{{ article.title }}</h1><p>layout v1</p>{% endblock %}\n')
TIMEOUT = 10.0


def article(title: str, date: str = "2001-02-03", body: str = "Body text.") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n---\n{body}\n"


def make_site(root: Path, config: str = CONFIG) -> Config:
    files = {"seeds/a.md": article("Alpha"), "seeds/b.md": article("Bravo", "2001-02-04"),
             "seeds/c.md": article("Charlie", "2002-05-06"),
             "templates/article.html": ARTICLE_TEMPLATE, "static/extra.css": "p {}\n",
             "archive.yaml": config}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return load_config(root / "archive.yaml", root)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    make_site(tmp_path)
    return tmp_path


@pytest.fixture
def server(site: Path) -> Iterator[DevServer]:
    dev = DevServer(load_config(site / "archive.yaml", site), port=0,
                    executor=SerialExecutor())
    dev.start()
    try:
        yield dev
    finally:
        dev.stop()


def fetch(server: DevServer, path: str) -> tuple[int, str, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8"), dict(response.getheaders())
    finally:
        connection.close()


def settle(server: DevServer, check: Callable[[], bool], after: int) -> None:
    """Wait until a build after build number ``after`` ran, ``check()`` holds and
    no change is pending; re-checked after every build, up to TIMEOUT."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        snapshot = server.state.get()
        if (snapshot.builds > after and not snapshot.building and not server.queue.pending()
                and check()):
            return
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"timed out; last state {server.state.get()}"
        server.state.wait(lambda s, seen=snapshot.builds: s.builds > seen,  # type: ignore
                          remaining)


def shows(server: DevServer, path: str, text: str) -> Callable[[], bool]:
    return lambda: (lambda r: r[0] == 200 and text in r[1])(fetch(server, path))


def gone(server: DevServer, path: str) -> Callable[[], bool]:
    return lambda: fetch(server, path)[0] == 404


def builds(server: DevServer) -> int:
    return server.state.get().builds


ALPHA = "/2001/02/03/alpha/"


def test_serves_the_site_with_the_script_injected_but_not_on_disk(server: DevServer) -> None:
    status, body, headers = fetch(server, ALPHA)
    assert status == 200 and "<h1>Alpha</h1>" in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body.count('data-events="/__newsarchive/events"') == 1
    assert body.index('data-events="/__newsarchive/events"') < body.rindex("</body>")
    on_disk = (server.config.output_dir / "2001/02/03/alpha/index.html").read_text("utf-8")
    assert "__newsarchive" not in on_disk
    assert "__newsarchive" not in fetch(server, "/static/extra.css")[1]
    status, _, headers = fetch(server, "/2001/02/03/alpha")
    assert status == 301 and headers["Location"] == ALPHA
    assert fetch(server, "/../archive.yaml")[0] == 404
    status, body, _ = fetch(server, "/no/such/page/")
    assert status == 404 and "/__newsarchive/events" in body
    status, body, _ = fetch(server, "/__newsarchive/status")
    assert status == 200 and json.loads(body)["builds"] == 1


def test_the_server_stops_and_frees_its_port(site: Path) -> None:
    dev = DevServer(load_config(site / "archive.yaml", site), port=0, executor=SerialExecutor())
    dev.start()
    port = dev.port
    assert fetch(dev, "/")[0] == 200
    dev.stop()
    with pytest.raises(ConnectionRefusedError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT).request("GET", "/")


def test_an_edit_changes_the_served_page(server: DevServer, site: Path) -> None:
    before = builds(server)
    (site / "seeds/a.md").write_text(article("Alpha", body="Edited body."), encoding="utf-8")
    settle(server, lambda: server.state.get().last.get("sources_read") == 1, before)
    last = server.state.get().last
    assert last["sources_read"] == 1 and last["changed_sources"] == 1
    before = builds(server)
    (site / "seeds/a.md").write_text(article("Alpha Two"), encoding="utf-8")
    settle(server, shows(server, "/2001/02/03/alpha-two/", "<h1>Alpha Two</h1>"), before)
    assert fetch(server, ALPHA)[0] == 404
    assert 0 < server.state.get().last["rendered"] < 20


def test_the_server_saves_its_build_once_the_page_is_shown(server: DevServer,
                                                          site: Path) -> None:
    # A retitled article takes the full path; its save waits until the browser was
    # told, then a `newsarchive build` beside the server finds nothing to do.
    before = builds(server)
    (site / "seeds/a.md").write_text(article("Alpha Two"), encoding="utf-8")
    settle(server, shows(server, "/2001/02/03/alpha-two/", "<h1>Alpha Two</h1>"), before)
    config = server.rebuilder.config
    deadline = time.monotonic() + TIMEOUT
    while True:
        cache, _ = open_cache(config.cache_dir)
        try:
            if cache.load_state(config.output_dir, [memory.STATE]):
                break
        finally:
            cache.close()
        assert time.monotonic() < deadline, "the server never saved its build"
        time.sleep(0.05)
    report = build(config, executor=SerialExecutor(), search=False)
    assert (report.sources_read, report.rendered, report.written) == (0, 0, 0)


def test_a_deleted_article_is_404_and_leaves_the_indexes(server: DevServer, site: Path) -> None:
    before = builds(server)
    (site / "seeds/b.md").unlink()
    settle(server, gone(server, "/2001/02/04/bravo/"), before)
    assert "Bravo" not in fetch(server, "/")[1]


def overlay_text(body: str) -> str:
    match = re.search(r'<div id="__newsarchive-overlay" role="alert".*?<pre[^>]*>(.*?)</pre>',
                      body, re.S)
    return match.group(1) if match else ""


def test_a_broken_article_shows_the_overlay_until_fixed(server: DevServer, site: Path) -> None:
    before = builds(server)
    (site / "seeds/b.md").write_text("---\ntitle: [Bravo <b>\ndate: 2001-02-04\n---\nx\n",
                                     encoding="utf-8")
    settle(server, lambda: "b.md:" in overlay_text(fetch(server, ALPHA)[1]), before)
    text = overlay_text(fetch(server, ALPHA)[1])
    assert text.startswith("b.md:3:5: error: invalid YAML front matter: ")
    assert "expected &#x27;,&#x27; or &#x27;]&#x27;" in text  # HTML-escaped
    assert fetch(server, ALPHA)[0] == 200  # the rest of the site is still served
    assert server.state.get().problems[0].startswith("b.md:3:5: error: ")
    before = builds(server)
    (site / "seeds/b.md").write_text(article("Bravo", "2001-02-04"), encoding="utf-8")
    settle(server, lambda: 'role="alert"' not in fetch(server, ALPHA)[1], before)
    assert fetch(server, "/2001/02/04/bravo/")[0] == 200


def test_a_broken_template_keeps_the_last_good_site(server: DevServer, site: Path) -> None:
    before = builds(server)
    (site / "templates/article.html").write_text(
        ARTICLE_TEMPLATE.replace("{% endblock %}", "{% endblock"), encoding="utf-8")
    settle(server, lambda: bool(server.state.get().problems), before)
    status, body, _ = fetch(server, ALPHA)
    assert status == 200 and "<h1>Alpha</h1>" in body
    assert overlay_text(body).startswith("templates/article.html:2: error: ")
    before = builds(server)
    (site / "templates/article.html").write_text(ARTICLE_TEMPLATE.replace("v1", "v2"),
                                                  encoding="utf-8")
    settle(server, shows(server, ALPHA, "layout v2"), before)
    assert 'role="alert"' not in fetch(server, ALPHA)[1]


def test_a_config_change_rebuilds_and_a_broken_config_is_shown(server: DevServer,
                                                              site: Path) -> None:
    before = builds(server)
    (site / "archive.yaml").write_text(CONFIG + "per_page: [\n", encoding="utf-8")
    settle(server, lambda: "archive.yaml:" in overlay_text(fetch(server, "/")[1]), before)
    before = builds(server)
    (site / "archive.yaml").write_text(CONFIG + "title: Renamed Archive\n", encoding="utf-8")
    settle(server, shows(server, "/", "Renamed Archive"), before)
    assert 'role="alert"' not in fetch(server, "/")[1]
    assert server.config.title == "Renamed Archive"


def test_static_files_are_copied_when_they_change(server: DevServer, site: Path) -> None:
    before = builds(server)
    (site / "static/extra.css").write_text("p { color: red }\n", encoding="utf-8")
    settle(server, shows(server, "/static/extra.css", "red"), before)
    assert server.state.get().last["rendered"] == 0


def test_the_event_stream_announces_writes_and_problems(server: DevServer, site: Path) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    connection.request("GET", "/__newsarchive/events")
    stream = connection.getresponse()
    assert stream.headers["Content-Type"] == "text/event-stream"

    def message() -> dict[str, object]:
        while True:
            line = stream.readline().decode("utf-8")
            assert line, "stream ended"
            if line.startswith("data: "):
                return dict(json.loads(line[6:]))

    try:
        first = message()
        (site / "seeds/a.md").write_text(article("Alpha", body="New."), encoding="utf-8")
        second = message()
        assert second["version"] != first["version"] and second["problems"] == []
        (site / "templates/article.html").write_text("{% block x %}\n{{ }}", encoding="utf-8")
        third = message()
        assert third["version"] == second["version"]  # nothing written: no reload
        assert third["problems"] == ["templates/article.html:2: error: Expected an expression,"
                                     " got 'end of print statement'"]
    finally:
        connection.close()


def test_serves_under_the_base_url_path(tmp_path: Path) -> None:
    config = make_site(tmp_path, CONFIG + "base_url: https://example.org/archive/\n")
    dev = DevServer(config, port=0, executor=SerialExecutor())
    dev.start()
    try:
        assert dev.url.endswith("/archive/")
        status, _, headers = fetch(dev, "/")
        assert status == 302 and headers["Location"] == "/archive/"
        assert fetch(dev, "/archive" + ALPHA)[0] == 200
        assert fetch(dev, ALPHA)[0] == 404
    finally:
        dev.stop()


def test_output_and_cache_inside_the_sources_never_trigger_a_build(tmp_path: Path) -> None:
    config = make_site(tmp_path, "source_dir: .\noutput_dir: site\ncache_dir: cache\n"
                                 "topics: {enabled: []}\n")
    dev = DevServer(config, port=0, executor=SerialExecutor())
    queued: list[Changes] = []
    put = dev.queue.put
    dev.queue.put = lambda changes: (queued.append(changes), put(changes))  # type: ignore
    dev.start()
    try:
        for n, name in enumerate(["a.md", "b.md", "c.md"]):
            (tmp_path / "seeds" / name).write_text(article(f"Edit {n}"), encoding="utf-8")
            settle(dev, shows(dev, f"/2001/02/03/edit-{n}/", f"Edit {n}"), 1 + n)
            assert builds(dev) == 2 + n
        assert {c for c in queued if c} == {Changes(frozenset({f"seeds/{n}.md"}))
                                             for n in "abc"}
    finally:
        dev.stop()


def snapshot_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_incremental_output_equals_a_full_build(server: DevServer, site: Path,
                                                tmp_path_factory: pytest.TempPathFactory
                                                ) -> None:
    seeds = site / "seeds"

    def step(action: Callable[[], object], check: Callable[[], bool]) -> None:
        before = builds(server)
        action()
        settle(server, check, before)

    step(lambda: (seeds / "a.md").write_text(article("Alpha Prime"), encoding="utf-8"),
         shows(server, "/2001/02/03/alpha-prime/", "Alpha Prime"))
    step(lambda: (seeds / "d.md").write_text(article("Delta", "2001-02-03"), encoding="utf-8"),
         shows(server, "/2001/02/03/", "Delta"))
    step(lambda: (seeds / "b.md").unlink(), gone(server, "/2001/02/04/bravo/"))
    (seeds / "sub").mkdir()
    step(lambda: os.replace(seeds / "c.md", seeds / "sub" / "c.md"),
         lambda: server.state.get().last.get("sources_read") == 1)

    def editor_save() -> None:  # vim-like: swap file, backup, write temp, rename over
        (seeds / ".d.md.swp").write_bytes(b"swap")
        shutil.copy(seeds / "d.md", seeds / "d.md~")
        (seeds / ".d.md.tmp").write_text(article("Delta Saved"), encoding="utf-8")
        os.replace(seeds / ".d.md.tmp", seeds / "d.md")
        (seeds / ".d.md.swp").unlink()
    step(editor_save, shows(server, "/2001/02/03/delta-saved/", "Delta Saved"))

    def many_saves() -> None:
        for n in range(15):
            (seeds / "e.md").write_text(article(f"Echo {n}", "2003-01-01"), encoding="utf-8")
    step(many_saves, shows(server, "/2003/01/01/echo-14/", "Echo 14"))
    step(lambda: (site / "templates/article.html").write_text(
        ARTICLE_TEMPLATE.replace("v1", "v2"), encoding="utf-8"),
        shows(server, "/2001/02/03/alpha-prime/", "v2"))
    step(lambda: (site / "templates/article.html").write_text(
        ARTICLE_TEMPLATE.replace("v1", "v3"), encoding="utf-8"),
        shows(server, "/2001/02/03/delta-saved/", "v3"))
    step(lambda: (site / "static/more.css").write_text("a {}\n", encoding="utf-8"),
         shows(server, "/static/more.css", "a {}"))
    step(lambda: shutil.rmtree(seeds / "sub"), gone(server, "/2002/05/06/charlie/"))
    step(lambda: os.replace(seeds / "e.md", seeds / "f.md"),
         lambda: server.state.get().last.get("changed_sources") == 2)

    assert server._indexer.idle.wait(60)  # the search step runs in its own thread
    full = tmp_path_factory.mktemp("full")
    config = dataclasses.replace(server.rebuilder.config, output_dir=full / "site",
                                 cache_dir=full / "cache")
    report = build(config, executor=SerialExecutor(), use_cache=False)
    assert report.errors == ()
    incremental = snapshot_files(server.rebuilder.config.output_dir)
    assert sorted(incremental) == sorted(snapshot_files(full / "site"))
    assert incremental == snapshot_files(full / "site")


def test_inject_appends_when_there_is_no_body_and_escapes_problems() -> None:
    page = inject(b"<p>hi", Snapshot(problems=("a.md:1:2: error: <script>",)))
    assert page.startswith(b"<p>hi<div id=\"__newsarchive-overlay\" role=\"alert\"")
    assert b"a.md:1:2: error: &lt;script&gt;" in page


def test_serve_command_builds_serves_and_stops_on_ctrl_c(site: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "newsarchive.cli", "serve", "--port", "0"], cwd=site,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline(), process.stdout.readline()]
        assert lines[0].startswith("Built 3 articles in ")
        match = re.search(r"at http://127\.0\.0\.1:(\d+)/ \(Ctrl-C to stop\)", lines[1])
        assert match, lines
        connection = http.client.HTTPConnection("127.0.0.1", int(match[1]), timeout=TIMEOUT)
        connection.request("GET", ALPHA)
        assert connection.getresponse().status == 200
        connection.close()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=TIMEOUT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


@pytest.mark.browser
def test_a_browser_reloads_on_writes_and_shows_a_dismissable_overlay(
        server: DevServer, site: Path, browser: Any) -> None:
    errors: list[str] = []
    page = browser.new_page()
    try:
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"http://127.0.0.1:{server.port}{ALPHA}")
        page.wait_for_function("document.readyState === 'complete'")
        page.evaluate("window.marker = 1")
        (site / "seeds/a.md").write_text(article("Alpha", body="New."), encoding="utf-8")
        page.wait_for_function("!window.marker", timeout=TIMEOUT * 1000)  # reloaded
        page.wait_for_function("document.readyState === 'complete'")
        page.evaluate("window.marker = 2")
        (site / "seeds/z.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
        page.wait_for_selector("#__newsarchive-overlay[role=alert]",
                               timeout=TIMEOUT * 1000)
        assert page.inner_text("#__newsarchive-overlay pre").startswith("z.md:")
        assert page.evaluate("window.marker") == 2  # nothing written: no reload
        page.click("#__newsarchive-overlay button")
        assert page.query_selector("#__newsarchive-overlay") is None
    finally:
        page.close()
    assert errors == []
