#!/usr/bin/env python3
"""How many of the items in real source files become articles, and how fast.

For each folder of ``../shared/corpora/formats-dev/`` (and each other corpus
in ``../shared/corpora/`` when present), this script counts the items in the
source files itself, with regular expressions and the standard library
(never the project's readers): RSS and WordPress ``<item>``, Atom
``<entry>``, JSON Feed ``"items"``, NewsML ``<newsItem>``/``<NewsItem>``,
NITF roots, Sogou ``<doc>``, WARC ``response`` records, CSV rows, JSON
arrays and JSON Lines records, and one item per other file (a corpus's
``SOURCE.md`` too: the build reads it as an article).  Then it builds the folder with
``newsarchive build`` in a child process (into a temporary folder) and
reports: items in the source, articles built, dated, duplicates, skipped and
not-read files, titles that look like markup (start with ``<``) or hold
control characters (both must be 0), and seconds per 1,000 items.

With ``--big``, it also writes a 100,000-item WordPress export and a
100,000-line JSON Lines file, imports each (``newsarchive import``) and
builds each, and reports the peak memory of every child process
(``ru_maxrss`` from ``os.wait4``; it must stay under 1 GB).  That takes a
while: run it once.

The table goes to ``benchmarks/FORMATS.md`` with the command and the date.
A reader that is not there yet shows as files not read, never as a crash.

    python benchmarks/formats.py [--big] [--corpora DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import html
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
PYTHON = sys.executable
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
TITLE = re.compile(rb'<h1 data-pagefind-meta="title">(.*?)</h1>', re.S)
SUMMARY = re.compile(r"^Built (\d+) articles \((\d+) undated, (\d+) duplicates, "
                     r"(\d+) skipped files(?:, (\d+) files not read)?\)", re.M)
NOT_READ = re.compile(r"not read$|not an article format", re.M)
_XML_ITEMS = [
    re.compile(rb"<item[\s>]"), re.compile(rb"<entry[\s>]"),
    re.compile(rb"<(?:\w+:)?newsItem[\s>]"), re.compile(rb"<NewsItem[\s>]"),
]
_NITF = re.compile(rb"<nitf[\s>]")
_WARC = re.compile(rb"^WARC-Type: response\r?$", re.M)
_DOC = re.compile(rb"<doc[\s>]")


def count_items(path: Path) -> int:
    """Items in one source file, counted without the project's readers."""
    data = path.read_bytes()
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz")):
        if name.endswith(".gz"):
            import gzip

            data = gzip.decompress(data)
        return len(_WARC.findall(data))
    if name.endswith(".csv"):
        text = data.decode("utf-8", "replace")
        return max(0, sum(1 for _ in csv.reader(io.StringIO(text))) - 1)
    if name.endswith(".jsonl"):
        return sum(1 for line in data.splitlines() if line.strip())
    if name.endswith(".json"):
        return _json_items(data)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and not name.endswith((".html", ".htm")):
        counts = [len(p.findall(data)) for p in (*_XML_ITEMS, _DOC)]
        if max(counts):
            return max(counts)
        return max(1, len(_NITF.findall(data)))
    return 1


def _json_items(data: bytes) -> int:
    try:
        value = json.loads(data)
    except ValueError:
        return sum(1 for line in data.splitlines() if line.strip().startswith(b"{"))
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict) and isinstance(value.get("items"), list):
        return len(value["items"])
    return 1


def source_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not any(part.startswith(".")
                                             for part in p.relative_to(folder).parts))


@dataclass
class Row:
    name: str
    files: int
    items: int
    built: int = 0
    dated: int = 0
    duplicates: int = 0
    skipped: int = 0
    not_read: int = 0
    markup_titles: int = 0
    control_titles: int = 0
    seconds: float = 0.0
    peak_mb: float = 0.0
    status: str = ""


def run_child(args: list[str], cwd: Path) -> tuple[int, str, float, float]:
    """Run ``python args`` in ``cwd``: exit status, stdout+stderr, seconds, peak MB."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen([PYTHON, *args], cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                 env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    # ru_maxrss is in kilobytes on Linux.
    return child.returncode, text, time.perf_counter() - started, usage.ru_maxrss / 1024


def build(source: Path, work: Path) -> tuple[int, str, float, float]:
    return run_child([str(ROOT / "build.py"), "--source", str(source), "--output",
                      str(work / "site"), "--no-search", "--verbose",
                      "--base-url", "https://example.org/"], work)


def titles(site: Path) -> list[str]:
    found = []
    for page in site.rglob("index.html"):
        match = TITLE.search(page.read_bytes())
        if match:
            found.append(html.unescape(match.group(1).decode("utf-8", "replace")))
    return found


def measure(name: str, folder: Path) -> Row:
    files = source_files(folder)
    row = Row(name, len(files), sum(count_items(p) for p in files))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        status, text, row.seconds, row.peak_mb = build(folder, work)
        summary = SUMMARY.search(text)
        if summary is None:
            row.status = f"build failed (exit {status}): {text.strip().splitlines()[-1:]}"
            return row
        built, undated, row.duplicates, row.skipped = (int(g) for g in summary.groups()[:4])
        row.built, row.dated = built, built - undated
        row.not_read = int(summary.group(5) or 0) or len(NOT_READ.findall(text))
        shown = titles(work / "site")
        row.markup_titles = sum(t.lstrip().startswith("<") for t in shown)
        row.control_titles = sum(bool(CONTROL.search(t)) for t in shown)
        row.status = "ok" if status in (0, 1) else f"exit {status}"
    return row


def folders(corpora: Path) -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    dev = corpora / "formats-dev"
    if dev.is_dir():
        found += [(f"formats-dev/{p.name}", p) for p in sorted(dev.iterdir()) if p.is_dir()]
    found += [(p.name, p) for p in sorted(corpora.iterdir())
              if p.is_dir() and p.name != "formats-dev" and not p.name.startswith(".")]
    return found


# -- the 100,000-item case ----------------------------------------------------------

_WORDS = ["harbour", "council", "ferry", "market", "weather", "school", "river", "bridge",
          "orchestra", "station", "budget", "museum", "library", "festival", "railway",
          "farmers", "election", "hospital"]


def _text(i: int) -> str:
    words = [_WORDS[(i * 7 + j * 3) % len(_WORDS)] for j in range(120)]
    return f"Item {i} reports on the {words[0]}. " + " ".join(words) + "."


def write_wxr(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
                  'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                  'xmlns:dc="http://purl.org/dc/elements/1.1/" '
                  'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
                  "<title>Generated</title><link>https://example.org</link>\n"
                  "<wp:wxr_version>1.2</wp:wxr_version>\n")
        for i in range(count):
            day = datetime.date(2000, 1, 1) + datetime.timedelta(days=i % 7000)
            out.write(f"<item><title>Generated story {i}</title>"
                      f"<link>https://example.org/{i}/</link>"
                      f"<dc:creator><![CDATA[writer{i % 50}]]></dc:creator>"
                      f"<content:encoded><![CDATA[<p>{_text(i)}</p>]]></content:encoded>"
                      f"<wp:post_id>{i + 1}</wp:post_id>"
                      f"<wp:post_date>{day.isoformat()} 10:00:00</wp:post_date>"
                      "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
                      "</item>\n")
        out.write("</channel>\n</rss>\n")


def write_jsonl(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            day = datetime.date(2000, 1, 1) + datetime.timedelta(days=i % 7000)
            out.write(json.dumps({"title": f"Generated record {i}", "text": _text(i),
                                  "date": day.isoformat(), "source": "Generated",
                                  "url": f"https://example.org/r/{i}"}) + "\n")


def big_rows(count: int) -> list[Row]:
    rows = []
    for form, writer, suffix in (("WXR", write_wxr, ".xml"), ("JSONL", write_jsonl, ".jsonl")):
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            (work / "src").mkdir()
            writer(work / "src" / f"big{suffix}", count)
            status, text, seconds, peak = run_child(
                ["-c", "import sys; from newsarchive.cli import main; sys.exit(main())",
                 "import", str(work / "src"), "--to", str(work / "pages"), "--quiet"], work)
            row = Row(f"{count:,}-item {form}: import", 1, count, seconds=seconds,
                      peak_mb=peak, status="ok" if status in (0, 1) else f"exit {status}")
            imported = re.search(r"Imported (\d+) articles \((\d+) undated", text)
            if imported:
                row.built = int(imported.group(1))
                row.dated = row.built - int(imported.group(2))
            rows.append(row)
            built = measure(f"{count:,}-item {form}: build", work / "src")
            built.items, built.files = count, 1
            rows.append(built)
    return rows


def table(rows: list[Row]) -> str:
    lines = ["| folder | files | items in source | articles built | dated | duplicates "
             "| skipped files | not read | markup titles | control-char titles "
             "| s per 1,000 items | peak MB | status |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        per = r.seconds / r.items * 1000 if r.items else 0.0
        lines.append(f"| {r.name} | {r.files} | {r.items:,} | {r.built:,} | {r.dated:,} "
                     f"| {r.duplicates} | {r.skipped} | {r.not_read} | {r.markup_titles} "
                     f"| {r.control_titles} | {per:.2f} | {r.peak_mb:.0f} | {r.status} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "FORMATS.md")
    parser.add_argument("--big", action="store_true",
                        help="also import and build 100,000 generated items (slow)")
    parser.add_argument("--big-count", type=int, default=100_000, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.corpora.is_dir():
        print(f"{args.corpora}: no corpora here; nothing measured", file=sys.stderr)
        return 1
    rows = []
    for name, folder in folders(args.corpora):
        row = measure(name, folder)
        print(f"{name}: {row.items} items, {row.built} built, {row.dated} dated, "
              f"{row.seconds:.1f} s, {row.status}", file=sys.stderr)
        rows.append(row)
    if args.big:
        rows += big_rows(args.big_count)
    command = "python benchmarks/formats.py" + (" --big" if args.big else "")
    text = (f"# Formats: items in the source vs articles built\n\n"
            f"Written by `{command}` on {datetime.date.today().isoformat()} "
            f"({os.cpu_count()} CPUs, Python {sys.version.split()[0]}).  Items are counted "
            "by the script itself (regular expressions over `<item>`, `<entry>`, "
            "`<newsItem>`, NITF roots, WARC response records; JSON arrays, `\"items\"`, "
            "JSON Lines and CSV rows; one per other file), so a reader that drops items "
            "shows as fewer articles than items.  Duplicates are left out of the "
            "articles built.  Markup and control-character titles must be 0; peak MB "
            "(the child's `ru_maxrss`) must stay under 1,024.\n\n"
            f"{table(rows)}\n")
    args.out.write_text(text, encoding="utf-8")
    print(text)
    bad = [r.name for r in rows if r.markup_titles or r.control_titles or r.peak_mb > 1024]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
