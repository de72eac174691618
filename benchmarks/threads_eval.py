"""Precision and recall of automatic story threads on hand-labelled pairs.

Run:  .venv/bin/python benchmarks/threads_eval.py [-v] [--candidates CORPUS]

``benchmarks/threads_labels.tsv`` holds pairs of articles, each labelled by
reading both: ``1`` when the second continues the first's story (a follow-up,
or the same event reported again), ``0`` otherwise (hard negatives: same
topic, another story).  Columns: corpus, first id, second id, label, reason.
An id is a file path inside the corpus folder, or ``path#record`` for a
record of a multi-article file; corpus ``generated`` is
``benchmarks/generate_corpus.py``'s corpus (ids are article numbers).

Each corpus is read and enriched as a build loads it (``run.jobs.load_one``) (default config: topics
derived from the text), its automatic threads are found
(:func:`newsarchive.pipeline.threads.find_threads`), and a pair is predicted
positive when both articles are in one thread.  Corpora under
``../shared/corpora`` are skipped, with the reason printed, when absent.
``--candidates CORPUS`` prints pairs worth labelling (close in time, sharing
an entity or a title word) for a person to read; it writes nothing.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from newsarchive.config import Config  # noqa: E402
from newsarchive.model import Entry  # noqa: E402
from newsarchive.pipeline.read import SUFFIXES  # noqa: E402
from newsarchive.pipeline.threads import ENTITIES, find_threads, title_words  # noqa: E402
from newsarchive.run.jobs import load_one  # noqa: E402

LABELS = ROOT / "benchmarks" / "threads_labels.tsv"
CORPORA = ROOT.parent / "shared" / "corpora"
GENERATED = 3000  # articles of the generated corpus read for its pairs


def _files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in SUFFIXES and path.name != "SOURCE.md" \
                and not path.name.startswith("UPSTREAM"):
            yield path


def corpus_entries(corpus: str) -> list[Entry] | str:
    """The entries of ``corpus`` keyed by id, or why it cannot be read."""
    config = Config()
    entries: list[Entry] = []
    if corpus == "generated":
        from generate_corpus import records, render_md
        for record in records(GENERATED):
            text = render_md(record)
            (_, light), _ = load_one(config, f"{record.number}.md", text.encode())
            entries += light
        return entries
    folder = CORPORA / corpus
    if not folder.is_dir():
        return f"{folder} is absent"
    for path in _files(folder):
        (_, light), _ = load_one(config, path.relative_to(folder).as_posix(), path.read_bytes())
        entries += [e for e in light if not e.article.draft]
    return entries


def _dated(entries: list[Entry]) -> list[Entry]:
    dated = [e for e in entries if e.local is not None]
    return sorted(dated, key=lambda e: (e.local, e.key))


def candidates(corpus: str) -> None:
    """Print pairs within 21 days sharing an entity or two title words."""
    found = corpus_entries(corpus)
    if isinstance(found, str):
        print(f"skipped {corpus}: {found}")
        return
    dated = _dated(found)
    for i, a in enumerate(dated):
        for b in dated[i + 1:]:
            assert a.local is not None and b.local is not None
            if (b.local - a.local).days > 21:
                break
            ents = {n for t in ENTITIES for n in a.terms.get(t, ())} & {
                n for t in ENTITIES for n in b.terms.get(t, ())}
            words = title_words(a) & title_words(b)
            if len(words) >= 2 or (ents and words):
                print(f"{a.key}\t{b.key}\t{sorted(ents)[:4]}\t{sorted(words)}\n"
                      f"   A {a.local.date()} {a.title} | {a.summary[:200]}\n"
                      f"   B {b.local.date()} {b.title} | {b.summary[:200]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--candidates", metavar="CORPUS")
    args = parser.parse_args(argv)
    if args.candidates:
        candidates(args.candidates)
        return 0
    with LABELS.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.reader(handle, delimiter="\t") if r and not r[0].startswith("#")]
    tp = fp = fn = tn = 0
    for corpus in sorted({r[0] for r in rows}):
        found = corpus_entries(corpus)
        if isinstance(found, str):
            print(f"skipped {corpus} ({sum(r[0] == corpus for r in rows)} pairs): {found}")
            continue
        thread_of = {k: t.slug for t in find_threads(_dated(found)) for k in t.keys}
        keys = {e.key for e in found}
        for _, first, second, label, reason in (r for r in rows if r[0] == corpus):
            if first not in keys or second not in keys:
                print(f"missing in {corpus}: {first if first not in keys else second}")
                continue
            predicted = first in thread_of and thread_of.get(first) == thread_of.get(second)
            gold = label == "1"
            tp += predicted and gold
            fp += predicted and not gold
            fn += gold and not predicted
            tn += not gold and not predicted
            if args.verbose and predicted != gold:
                print(f"{'FP' if predicted else 'FN'} {corpus} {first} {second}: {reason}")
    total = tp + fp + fn + tn
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    print(f"pairs {total}: {tp + fn} follow-ups, {fp + tn} not; "
          f"tp {tp} fp {fp} fn {fn} tn {tn}")
    print(f"precision {precision:.2f} recall {recall:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
