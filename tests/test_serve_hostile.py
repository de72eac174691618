"""``newsarchive serve`` under hostile input and faults (project issue 11).

A source broken while served keeps its last good page; a port that cannot be
used is a one-line error with exit status 2; a stalled client is timed out
while the live-reload stream lives on; no request path leaves the output
folder; no file name forges a problem line or injects HTML into the overlay.
Every wait is bounded; nothing sleeps for a fixed time to pass a test.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsarchive.cli import main
from newsarchive.config import load_config
from newsarchive.run.executor import SerialExecutor
from newsarchive.serve import http as serve_http
from newsarchive.serve.server import DevServer
from test_server import builds, overlay_text, settle

CONFIG = "source_dir: seeds\noutput_dir: site\ntopics: {enabled: []}\n"
TIMEOUT = 10.0
SECRET = "top secret: never served"
BROKEN = "---\ntitle: [unclosed\ndate: 2000-01-02\n---\nbody\n"
YAML_PROBLEM = ("b.md:3:5: error: invalid YAML front matter: while parsing a flow sequence: "
                "did not find expected ',' or ']'\n"
                "  hint: check indentation and quoting; a value with ': ' or '#' needs quotes")
BRAVO = "/2000/01/02/bravo/"


def article(title: str, day: int) -> str:
    return f"---\ntitle: {title}\ndate: 2000-01-0{day}\n---\nbody\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.md").write_text(article("Alpha", 1), encoding="utf-8")
    (tmp_path / "seeds" / "b.md").write_text(article("Bravo", 2), encoding="utf-8")
    (tmp_path / "archive.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "outside" / "index.html").write_text(SECRET, encoding="utf-8")
    return tmp_path


@pytest.fixture
def server(site: Path) -> Iterator[DevServer]:
    dev = DevServer(load_config(site / "archive.yaml", site), port=0, executor=SerialExecutor())
    dev.start()
    # The first build's search step runs in a thread of its own: the tests compare
    # the output folder with itself, so they start once it is done.
    assert dev._indexer.idle.wait(60)
    try:
        yield dev
    finally:
        dev.stop()


def fetch(dev: DevServer, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", dev.port, timeout=TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


def output_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# -- 1. a broken source keeps its last good page -----------------------------------

def test_a_broken_edit_keeps_the_last_good_page_and_listings_until_fixed(
        server: DevServer, site: Path) -> None:
    output = server.config.output_dir
    before_files = output_files(output)
    status, page = fetch(server, BRAVO)
    assert status == 200 and "Bravo" in page
    before = builds(server)
    (site / "seeds" / "b.md").write_text(BROKEN, encoding="utf-8")
    settle(server, lambda: bool(server.state.get().problems), before)
    assert server.state.get().problems == (YAML_PROBLEM,)
    status, page = fetch(server, BRAVO)
    assert status == 200 and "<title>Bravo" in page
    assert overlay_text(page).startswith("b.md:3:5: error: invalid YAML front matter: ")
    assert "Bravo" in fetch(server, "/")[1] and "Bravo" in fetch(server, "/2000/01/02/")[1]
    assert output_files(output) == before_files  # served exactly as before
    assert server.state.get().version == 1  # nothing written: no browser reload
    assert json.loads(fetch(server, "/__newsarchive/status")[1])["last"]["held"] == ["b.md"]

    before = builds(server)
    (site / "seeds" / "b.md").write_text(article("Bravo Fixed", 2), encoding="utf-8")
    settle(server, lambda: fetch(server, "/2000/01/02/bravo-fixed/")[0] == 200, before)
    assert server.state.get().problems == ()
    assert fetch(server, BRAVO)[0] == 404
    assert 'role="alert"' not in fetch(server, "/")[1]
    assert "Bravo Fixed" in fetch(server, "/")[1]


def test_a_second_broken_edit_keeps_the_page_and_reports_once(server: DevServer,
                                                              site: Path) -> None:
    before = builds(server)
    (site / "seeds" / "b.md").write_text(BROKEN, encoding="utf-8")
    settle(server, lambda: bool(server.state.get().problems), before)
    before = builds(server)
    (site / "seeds" / "b.md").write_text(BROKEN.replace("body", "other body"), encoding="utf-8")
    settle(server, lambda: server.state.get().last.get("changed_sources") == 1, before)
    assert server.state.get().problems == (YAML_PROBLEM,)  # once, not twice
    assert fetch(server, BRAVO)[0] == 200


def test_deleting_a_broken_source_removes_its_page(server: DevServer, site: Path) -> None:
    before = builds(server)
    (site / "seeds" / "b.md").write_text(BROKEN, encoding="utf-8")
    settle(server, lambda: bool(server.state.get().problems), before)
    before = builds(server)
    (site / "seeds" / "b.md").unlink()
    settle(server, lambda: fetch(server, BRAVO)[0] == 404, before)
    assert server.state.get().problems == ()
    assert "Bravo" not in fetch(server, "/")[1]


def test_a_new_broken_source_shows_its_problem_and_writes_nothing(server: DevServer,
                                                                  site: Path) -> None:
    before = builds(server)
    (site / "seeds" / "c.md").write_text(BROKEN, encoding="utf-8")
    settle(server, lambda: bool(server.state.get().problems), before)
    assert server.state.get().problems == (YAML_PROBLEM.replace("b.md", "c.md"),)
    assert server.state.get().version == 1
    before = builds(server)
    (site / "seeds" / "c.md").write_text(article("Charlie", 3), encoding="utf-8")
    settle(server, lambda: fetch(server, "/2000/01/03/charlie/")[0] == 200, before)
    assert server.state.get().problems == ()


# -- 2. a port or host that cannot be used --------------------------------------------

@pytest.mark.parametrize("port", ["99999", "-1", "65536"])
def test_serve_refuses_a_port_out_of_range(site: Path, port: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["serve", "--config", str(site / "archive.yaml"), "--port", port])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err == (f"newsarchive: error: port {port} is out of range (0-65535)\n"
                            "  hint: choose a port from 1024 to 65535 with --port, "
                            "or 0 for any free port\n")
    assert captured.out == ""
    assert not (site / "site").exists()  # nothing built


def test_serve_reports_a_port_in_use(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = main(["serve", "--config", str(site / "archive.yaml"), "--port", str(port)])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err == (f"newsarchive: error: cannot listen on 127.0.0.1:{port}: "
                            "Address already in use\n"
                            "  hint: choose another port with --port\n")
    assert captured.out == ""
    assert not (site / "site").exists()


def test_serve_reports_a_host_it_cannot_bind(site: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["serve", "--config", str(site / "archive.yaml"), "--host", "192.0.2.1",
                   "--port", "0"])  # TEST-NET-1: never an address of this machine
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err == ("newsarchive: error: cannot listen on 192.0.2.1:0: "
                            "Cannot assign requested address\n"
                            "  hint: choose another address with --host "
                            "(127.0.0.1 serves this machine only)\n")


# -- 3. stalled clients --------------------------------------------------------------

def closed_after(dev: DevServer, sent: bytes) -> float:
    """Seconds until the server closes a connection that sent ``sent`` and stalled."""
    with socket.create_connection(("127.0.0.1", dev.port), timeout=TIMEOUT) as client:
        started = time.monotonic()
        if sent:
            client.sendall(sent)
        assert client.recv(1024) == b""  # closed without a response
        return time.monotonic() - started


@pytest.mark.parametrize("sent", [b"GET / HT", b"", b"GET / HTTP/1.0\r\nHost: x"])
def test_a_stalled_client_is_disconnected_after_the_timeout(
        server: DevServer, monkeypatch: pytest.MonkeyPatch, sent: bytes) -> None:
    monkeypatch.setattr(serve_http, "REQUEST_TIMEOUT", 0.3)
    assert 0.25 < closed_after(server, sent) < TIMEOUT / 2
    assert fetch(server, "/")[0] == 200  # the server serves on


def test_the_event_stream_outlives_the_request_timeout(
        server: DevServer, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve_http, "REQUEST_TIMEOUT", 0.2)
    monkeypatch.setattr(serve_http, "HEARTBEAT", 0.1)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        connection.request("GET", "/__newsarchive/events")
        stream = connection.getresponse()
        started = time.monotonic()
        pings = 0
        while time.monotonic() - started < 1.0:  # five request timeouts
            line = stream.readline()
            assert line, "the stream ended"
            pings += line == b": ping\n"
        assert pings >= 3
        (site / "seeds" / "a.md").write_text(article("Alpha Again", 1), encoding="utf-8")
        while True:
            line = stream.readline()
            assert line, "the stream ended"
            if line.startswith(b"data: ") and json.loads(line[6:])["version"] == 2:
                break
    finally:
        connection.close()


# -- 4. request paths that must never leave the output folder ------------------------

def raw_request(dev: DevServer, target: bytes) -> tuple[int, bytes, bytes]:
    """Send ``GET target HTTP/1.0`` as bytes; returns status, headers and body."""
    with socket.create_connection(("127.0.0.1", dev.port), timeout=TIMEOUT) as client:
        client.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        chunks = []
        while chunk := client.recv(65536):
            chunks.append(chunk)
    response = b"".join(chunks)
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head, body


def plant_links(output: Path, site: Path) -> None:
    outside = site / "outside"
    os.symlink(outside / "secret.txt", output / "leak.txt")
    os.symlink(outside, output / "leakdir")
    (output / "trap").mkdir()
    os.symlink(outside / "index.html", output / "trap" / "index.html")
    os.symlink("../outside/secret.txt", output / "relative.txt")
    os.symlink(output / "loop", output / "loop")


HOSTILE = [
    b"/../outside/secret.txt", b"/%2e%2e/outside/secret.txt", b"/%2E%2E/%2e%2e/etc/passwd",
    b"/..%2foutside%2fsecret.txt", b"/.%2e/outside/secret.txt", b"/%252e%252e/outside/",
    b"/a%00b", b"/%00", b"/index.html%00.txt", b"/..\\outside\\secret.txt",
    b"/%5c..%5coutside%5csecret.txt", b"//etc/passwd", b"/etc/passwd",
    b"../outside/secret.txt", b"http://127.0.0.1/../outside/secret.txt",
    b"/" + b"a" * 5000, b"/" + b"a/" * 20000, b"/" + b"%2e%2e/" * 5000 + b"etc/passwd",
    b"http://[::1/../outside/secret.txt", b"//[x/../outside/secret.txt",
    b"/leak.txt", b"/leakdir/secret.txt", b"/leakdir/", b"/leakdir", b"/trap/",
    b"/trap/index.html", b"/relative.txt", b"/loop", b"/loop/", b"/%ff%fe", b"/\xff",
]


@pytest.mark.parametrize("target", HOSTILE, ids=lambda t: repr(t[:40]))
def test_no_request_path_leaves_the_output_folder(server: DevServer, site: Path, target: bytes,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    plant_links(server.config.output_dir, site)
    status, head, body = raw_request(server, target)
    assert status in (301, 400, 404, 414), (status, head)
    assert SECRET.encode() not in body
    assert b"root:" not in body
    assert "Traceback" not in capsys.readouterr().err


def test_an_absolute_path_to_a_file_outside_is_not_served(server: DevServer,
                                                          site: Path) -> None:
    secret = str(site / "outside" / "secret.txt").encode()
    for target in (secret, b"/" + secret, b"/%2f" + secret.lstrip(b"/")):
        status, _, body = raw_request(server, target)
        assert status == 404 and SECRET.encode() not in body


def test_a_symlinked_404_page_is_not_followed_outside(server: DevServer, site: Path) -> None:
    page = server.config.output_dir / "404.html"
    page.unlink()
    os.symlink(site / "outside" / "secret.txt", page)
    status, _, body = raw_request(server, b"/no/such/page/")
    assert status == 404 and SECRET.encode() not in body
    assert b"Not found" in body


def test_a_folder_redirect_never_points_to_another_host(server: DevServer) -> None:
    status, head, _ = raw_request(server, b"//2000")
    assert status == 301 and b"\r\nLocation: /2000/\r\n" in head + b"\r\n"
    status, head, _ = raw_request(server, b"/2000/01?x=1")
    assert status == 301 and b"\r\nLocation: /2000/01/?x=1\r\n" in head + b"\r\n"


# -- 4b. file names and messages that try to forge lines or inject HTML -------------

def test_a_file_name_with_a_newline_cannot_forge_a_problem_line(server: DevServer,
                                                                site: Path) -> None:
    name = "x\nb.md:1:1: error: forged.md"
    before = builds(server)
    (site / "seeds" / name).write_text(BROKEN, encoding="utf-8")
    settle(server, lambda: bool(server.state.get().problems), before)
    (problem,) = server.state.get().problems
    first, hint = problem.split("\n")
    assert first.startswith('"x\\nb.md:1:1: error: forged.md":3:5: error: invalid YAML ')
    assert hint.startswith("  hint: ")
    text = overlay_text(fetch(server, "/")[1])
    assert text.count("\n") == 1 and text.startswith("&quot;x\\nb.md:1:1: error: forged.md")


def test_a_script_in_a_problem_is_escaped_in_the_overlay_and_the_event_stream(
        server: DevServer, site: Path) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        connection.request("GET", "/__newsarchive/events")
        stream = connection.getresponse()
        before = builds(server)
        (site / "seeds" / "<script>alert(1)<.md").write_text(BROKEN, encoding="utf-8")
        settle(server, lambda: bool(server.state.get().problems), before)
        while True:
            line = stream.readline()
            assert line, "the stream ended"
            if line.startswith(b"data: ") and json.loads(line[6:])["problems"]:
                break
        assert line.endswith(b"}\n")  # one line: no forged event fields
        data = json.loads(line[6:])
        assert "<script>alert" not in data["overlay"]
        assert "&lt;script&gt;alert(1)&lt;.md:3:5: error: " in data["overlay"]
        _, page = fetch(server, "/")
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(1)&lt;.md:3:5: error: " in overlay_text(page)
    finally:
        connection.close()


def test_a_template_error_from_a_hostile_file_name_is_one_escaped_line(
        server: DevServer, site: Path) -> None:
    templates = site / "templates"
    templates.mkdir()
    (templates / "article.html").write_text('{% include "x\\n<b>.html" %}', encoding="utf-8")
    (templates / "x\n<b>.html").write_text("{% if %}", encoding="utf-8")
    before = builds(server)
    (site / "archive.yaml").write_text(CONFIG + "templates_dir: templates\n", encoding="utf-8")
    settle(server, lambda: bool(server.state.get().problems), before)
    for problem in server.state.get().problems:
        assert "\n" not in problem.split("\n  hint: ")[0], problem
    text = overlay_text(fetch(server, "/")[1])
    assert "<b>" not in text
