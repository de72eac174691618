"""How long one edited article takes to be found by search, in a built archive.

Each repeat appends a sentence of a word made for it (``quorbel3x``) to one of
the given source files, then times either a one-shot ``newsarchive build``
(``--mode build``: the whole command, start-up included) or, with ``newsarchive
serve`` running (``--mode serve``), the time from the save until the server has published
the build (the browser is told: "shown") and until the search bundle's
manifest is replaced, which the search step does last.  Each timed
edit is then checked: a page fragment of the index written after the save must
hold the new word, so a time is only reported for an edit search finds.
``--mode burst`` saves every file given in turn, half a second apart, with
``serve`` running, and times until search finds every new word.

``--edit word`` (the default) appends the word alone, an edit that keeps the
article's shape (its date, slug, terms and thread keywords: see
``incremental.memory.shape``); ``--edit terms`` appends a sentence naming a new
company (``Shares of Quorbelbx Holdings fell ...``), which gives the article a
new organization term, and so a new term page, on every repeat.

The archive must be built first, search included; its source files are
appended to (take a copy).  The archives of ``benchmarks/RESULTS.md`` are
``generate_corpus.py 10000`` and ``100000`` with a plain ``archive.yaml``.

``--before DIR`` (build mode) compares with another checkout of newsarchive
(e.g. ``git worktree add /tmp/before <commit>``): the two ``build.py`` take
turns in blocks, and the first edit of each block is not counted.

Usage::

    python benchmarks/edit_search.py --config /tmp/m100k/archive.yaml \\
        --files 050/050123.md 071/071777.md --mode build --repeats 5
    python benchmarks/edit_search.py --config /tmp/m10k/archive.yaml \\
        --files 007/007777.md --edit terms --repeats 3 --before /tmp/before
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

NEWSARCHIVE = Path(sys.executable).with_name("newsarchive")
#: The search step replaces the bundle's manifest last.
MANIFEST = Path("pagefind") / ".newsarchive-bundle.json"
#: Stat signatures are trusted two seconds after a change: wait that long.
SETTLE = 3.0


def _folders(config: Path) -> tuple[Path, Path]:
    """The source and output folders ``config`` names, relative to its folder."""
    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    root = config.parent
    return (root / str(data.get("source_dir", "seeds")), root / str(data.get("output_dir",
                                                                             "site")))


#: What ``--edit`` appends: the word alone, or a sentence making it a company's name.
EDITS = {"word": "\n{word}.\n",
         "terms": "\nShares of {word} Holdings fell 3 percent, {word} Holdings said on Monday.\n"}


def _word(edit: str, *parts: object) -> str:
    """A word made for one edit: in lower case for ``word`` (no name, so no term), of
    letters only and capitalised for ``terms`` (a name the topic extractor takes)."""
    made = "".join(str(part) for part in parts) + str(os.getpid())
    if edit == "word":
        return "quorbel" + made
    return "Quorbel" + "".join(chr(ord("a") + int(c)) if c.isdigit() else c for c in made)


def _append(path: Path, word: str, edit: str = "word") -> float:
    """Append ``EDITS[edit]`` holding ``word`` to ``path``; the time of the save."""
    with path.open("a", encoding="utf-8") as handle:
        # The new word alone: repeated words would become the article's keywords, whose
        # change (story threads) takes the full build path instead of an edit's.
        handle.write(EDITS[edit].format(word=word))
    return time.time()


def _found(output: Path, word: str, since: float) -> bool:
    """Whether a page fragment of the index written since ``since`` holds ``word``."""
    for fragment in (output / "pagefind").glob("parts/*/fragment/*.pf_fragment"):
        if fragment.stat().st_mtime >= since - 1 and word.encode() in gzip.decompress(
                fragment.read_bytes()):
            return True
    return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _build_times(config: Path, files: list[Path], output: Path, repeats: int,
                 edit: str, command: Sequence[str] = (str(NEWSARCHIVE), "build"),
                 tag: str = "") -> list[float]:
    times = []
    for k in range(repeats):
        word = _word(edit, k, "x", "".join(tag.split()))
        saved = _append(files[k % len(files)], word, edit)
        time.sleep(SETTLE)
        started = time.perf_counter()
        subprocess.run([*command, "--config", str(config), "--quiet"],
                       check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
        if not _found(output, word, saved):
            sys.exit(f"edit {k}: the index does not hold {word}")
        print(f"{tag}edit {k} ({files[k % len(files)].name}): {times[-1]:.2f} s", flush=True)
    return times


def _compared_times(config: Path, files: list[Path], output: Path, repeats: int,
                    edit: str, before: Path, blocks: int) -> None:
    """``--before``: the other checkout's ``build.py`` and this one's take turns, a
    block of ``repeats`` edits each, ``blocks`` times.  The first edit of each block
    is not counted: the theme folder is part of what the saved state is compared
    with, so the first build after the other code takes the full path."""
    this = Path(__file__).resolve().parents[1]
    sides = {"before": [sys.executable, str(before / "build.py"), "build"],
             "now": [sys.executable, str(this / "build.py"), "build"]}
    counted: dict[str, list[float]] = {side: [] for side in sides}
    for block in range(blocks):
        for side, command in sides.items():
            times = _build_times(config, files, output, repeats + 1, edit, command,
                                 f"{side} {block} ")
            counted[side] += times[1:]
    for side, times in counted.items():
        print(f"{side}: median {statistics.median(times):.2f} s, "
              f"{min(times):.2f}-{max(times):.2f} s over {len(times)} edits")


@contextlib.contextmanager
def _serving(config: Path) -> Iterator[int]:
    """``newsarchive serve`` of ``config`` running on a free loopback port (given)."""
    port = _free_port()
    command = [str(NEWSARCHIVE), "serve", "--config", str(config), "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        assert server.stdout is not None
        for line in server.stdout:
            if line.startswith("Serving"):
                break
        else:
            sys.exit("the server stopped before serving")
        time.sleep(SETTLE)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=600)  # it finishes a search step that is going


def _serve_times(config: Path, files: list[Path], output: Path, repeats: int,
                 edit: str) -> list[float]:
    times: list[float] = []
    shown: list[float] = []
    with _serving(config) as port:
        for k in range(repeats):
            word = _word(edit, k, "s")
            before = (output / MANIFEST).stat().st_mtime_ns
            builds = _status(port)["builds"]
            started = time.perf_counter()
            saved = _append(files[k % len(files)], word, edit)
            while not shown[k:]:  # the build published: the browser is told
                if (now := _status(port))["builds"] > builds and not now["building"]:
                    shown.append(time.perf_counter() - started)
                time.sleep(0.005)
            while (output / MANIFEST).stat().st_mtime_ns == before:
                if time.perf_counter() - started > 120:
                    sys.exit(f"edit {k}: the search bundle was not replaced in 120 s")
                time.sleep(0.005)
            times.append(time.perf_counter() - started)
            if not _found(output, word, saved):
                sys.exit(f"edit {k}: the index does not hold {word}")
            print(f"edit {k} ({files[k % len(files)].name}): shown {shown[-1]:.2f} s, "
                  f"searchable {times[-1]:.2f} s", flush=True)
            time.sleep(SETTLE + 2)
    print(f"shown: median {statistics.median(shown):.2f} s")
    return times


def _status(port: int) -> dict[str, Any]:
    """The dev server's ``/__newsarchive/status``: its number of builds, whether one runs."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__newsarchive/status",
                                timeout=30) as response:
        found: dict[str, Any] = json.loads(response.read())
        return found


def _burst_times(config: Path, files: list[Path], output: Path, repeats: int,
                 edit: str, gap: float = 0.5) -> list[float]:
    """With ``serve`` running, each repeat saves every one of ``files`` in turn, ``gap``
    seconds apart (an editor saving as it goes), and times until search finds them all."""
    times = []
    with _serving(config):
        for k in range(repeats):
            words = [_word(edit, k, "b", n, "x") for n in range(len(files))]
            started = time.perf_counter()
            since = time.time()
            for path, word in zip(files, words, strict=True):
                _append(path, word, edit)
                time.sleep(gap)
            while missing := [word for word in words if not _found(output, word, since)]:
                if time.perf_counter() - started > 600:
                    sys.exit(f"burst {k}: search does not find {missing} after 600 s")
                time.sleep(0.05)
            times.append(time.perf_counter() - started)
            print(f"burst {k} ({len(files)} saves {gap:g} s apart): {times[-1]:.2f} s",
                  flush=True)
            time.sleep(SETTLE + 2)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--files", nargs="+", required=True,
                        help="source files to edit, relative to the source folder")
    parser.add_argument("--mode", choices=("build", "serve", "burst"), default="build")
    parser.add_argument("--edit", choices=sorted(EDITS), default="word",
                        help="what each edit appends (see above)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--before", type=Path,
                        help="build mode: another checkout of newsarchive, taking turns with "
                             "this one (blocks of --repeats edits, the first of each not "
                             "counted)")
    parser.add_argument("--blocks", type=int, default=2, help="with --before: blocks per side")
    args = parser.parse_args()
    config = args.config.resolve()
    source, output = _folders(config)
    files = [source / name for name in args.files]
    missing = [str(path) for path in files if not path.is_file()]
    if missing or not (output / MANIFEST).is_file():
        sys.exit(f"build the archive of {config} first, search included; missing: "
                 + ", ".join(missing or [str(output / MANIFEST)]))
    if args.before is not None:
        if args.mode != "build" or not (args.before / "build.py").is_file():
            sys.exit("--before takes a checkout of newsarchive (with build.py), in build mode")
        _compared_times(config, files, output, args.repeats, args.edit, args.before.resolve(),
                        args.blocks)
        return
    run = {"build": _build_times, "serve": _serve_times, "burst": _burst_times}[args.mode]
    times = run(config, files, output, args.repeats, args.edit)
    print(f"{args.mode}: median {statistics.median(times):.2f} s, "
          f"{min(times):.2f}-{max(times):.2f} s over {len(times)} edits")


if __name__ == "__main__":
    main()
