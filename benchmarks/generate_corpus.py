"""Deterministic benchmark corpus: N news articles, the same for every seed and N.

Each article has a title, a date spread over 25 years (2000-01-01 .. 2024-12-31),
one source and one to five topics drawn from Zipf distributions (a few huge
topics, a long tail), and a body of 400-900 words in 4-9 paragraphs with a
little Markdown.  Article ``i`` is the same whatever ``n`` is, so the 1k
corpus is a prefix of the 10k one.

Two variants are written:

- ``md``: Markdown with YAML front matter (``title``, ``date``, ``source``,
  ``topics``, ``slug``), the format ``newsarchive import`` writes;
- ``raw``: scraped plain text like ``seeds/000_e108047b8bec95fb.txt`` (title,
  blank line, ``Published December 28th, 2000 - 02:00 GMT``, the source twice,
  then paragraphs).

``compare.py`` turns the same records into Pelican's and Hugo's formats.

Usage::

    python benchmarks/generate_corpus.py N OUT_DIR [--variant md|raw] [--seed 6]
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["Record", "edit_record", "records", "render_md", "render_raw", "write_corpus"]

SEED = 6
_START = datetime(2000, 1, 1, tzinfo=UTC)
_SPAN_SECONDS = int((datetime(2025, 1, 1, tzinfo=UTC) - _START).total_seconds())
_TOPICS = 5000
_SOURCES = 400
_ZIPF_S = 1.1
_SYLLABLES = ("ka", "lo", "mi", "ra", "te", "su", "na", "vo", "ri", "pe", "do", "ga", "le",
              "tu", "sa", "ne", "bo", "zi", "fa", "ho", "ku", "ma", "li", "ta", "re", "an",
              "or", "el", "is", "um", "en", "ar", "on", "ex", "ul", "ad")


@dataclass(frozen=True, slots=True)
class Record:
    """One generated article, independent of any tool's file format."""

    number: int
    title: str
    slug: str
    published: datetime
    source: str
    topics: tuple[str, ...]
    paragraphs: tuple[str, ...]


def _word(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(low, high)))


def _names(seed: int, count: int, words: tuple[int, int]) -> list[str]:
    rng = random.Random(seed)
    seen: set[str] = set()
    names: list[str] = []
    while len(names) < count:
        name = " ".join(_word(rng, 2, 3).capitalize()
                        for _ in range(rng.randint(*words)))
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def _zipf_cumulative(count: int) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank ** _ZIPF_S) for rank in range(1, count + 1)))


def _pick(rng: random.Random, names: Sequence[str], cumulative: Sequence[float]) -> str:
    return names[bisect.bisect_left(cumulative, rng.random() * cumulative[-1])]


def records(n: int, seed: int = SEED) -> Iterator[Record]:
    """The first ``n`` articles of the corpus for ``seed``, in order."""
    vocabulary = [_word(random.Random(seed * 7919 + i), 1, 4) for i in range(6000)]
    vocab_cum = _zipf_cumulative(len(vocabulary))
    topics = _names(seed + 1, _TOPICS, (1, 2))
    topic_cum = _zipf_cumulative(_TOPICS)
    sources = _names(seed + 2, _SOURCES, (1, 3))
    source_cum = _zipf_cumulative(_SOURCES)
    for number in range(n):
        rng = random.Random(seed * 1_000_003 + number)
        published = _START + timedelta(seconds=rng.randrange(_SPAN_SECONDS // 60) * 60)
        title_words = [rng.choices(vocabulary, cum_weights=vocab_cum, k=1)[0]
                       for _ in range(rng.randint(5, 11))]
        title = " ".join(title_words).capitalize()
        picked: list[str] = []
        for _ in range(rng.randint(1, 5)):
            topic = _pick(rng, topics, topic_cum)
            if topic not in picked:
                picked.append(topic)
        words_left = rng.randint(400, 900)
        paragraphs: list[str] = []
        count = rng.randint(4, 9)
        for index in range(count):
            size = words_left if index == count - 1 else max(20, words_left // (count - index))
            words_left -= size
            words = rng.choices(vocabulary, cum_weights=vocab_cum, k=size)
            if index == 1:
                words[3] = f"*{words[3]}*"
            if index == 2 and size > 8:
                words[5] = f"**{words[5]}**"
            sentence_ends = sorted(rng.sample(range(5, size), k=max(1, size // 14)))
            for end in sentence_ends:
                words[end] += "."
            text = " ".join(words)
            paragraphs.append(text[0].upper() + text[1:].rstrip(".") + ".")
        if number % 5 == 0:
            paragraphs.insert(2, f"## {title_words[0].capitalize()} {title_words[-1]}")
        yield Record(number, title, f"{number:06d}-" + "-".join(title_words[:6]), published,
                     _pick(rng, sources, source_cum), tuple(picked), tuple(paragraphs))


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_md(record: Record) -> str:
    """The article as Markdown with YAML front matter."""
    topics = ", ".join(_yaml_str(t) for t in record.topics)
    return (f"---\ntitle: {_yaml_str(record.title)}\n"
            f"date: {record.published.isoformat()}\n"
            f"source: {_yaml_str(record.source)}\n"
            f"topics: [{topics}]\n"
            f"slug: {record.slug}\n---\n" + "\n\n".join(record.paragraphs) + "\n")


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def render_raw(record: Record) -> str:
    """The article as scraped plain text, like the seed article."""
    when = record.published
    dateline = (f"Published {when:%B} {_ordinal(when.day)}, {when.year} - "
                f"{when:%H:%M} GMT")
    prose = [p.lstrip("#").strip().replace("*", "") for p in record.paragraphs]
    return (f"{record.title}\n\n{dateline}\n{record.source}\n{record.source}\n\n"
            + " \n\n".join(prose) + " \n")


def file_name(record: Record, variant: str) -> str:
    """The record's file name in the corpus folder (sharded by thousands)."""
    suffix = "md" if variant == "md" else "txt"
    return f"{record.number // 1000:03d}/{record.number:06d}.{suffix}"


def edit_record(record: Record) -> Record:
    """The one-article edit the benchmark makes: a sentence appended to the body."""
    return Record(record.number, record.title, record.slug, record.published, record.source,
                  record.topics, (*record.paragraphs, "An editor's note was added."))


def write_corpus(n: int, out_dir: Path, variant: str = "md", seed: int = SEED) -> int:
    """Write ``n`` articles into ``out_dir`` (emptied first); returns the count."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    render = render_md if variant == "md" else render_raw
    for record in records(n, seed):
        path = out_dir / file_name(record, variant)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(record), encoding="utf-8")
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("out", type=Path, help="folder to write (emptied first)")
    parser.add_argument("--variant", choices=("md", "raw"), default="md")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    write_corpus(args.n, args.out, args.variant, args.seed)
    print(f"wrote {args.n} {args.variant} articles to {args.out}")


if __name__ == "__main__":
    main()
