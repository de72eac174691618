"""Time extract_terms per article on one core.

Run:  .venv/bin/python benchmarks/topics_speed.py [--repeat N]

Uses the labelled articles in tests/data/topics/ padded to at least 600 words
(each article's paragraphs repeated, which keeps the word mix realistic).
Reports the one-off data load time and the median and mean milliseconds per
article after warm-up, as wall-clock time and as CPU time of this process (less
disturbed by other load).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsarchive.config import TopicSettings  # noqa: E402
from newsarchive.topics import extract_terms  # noqa: E402
from newsarchive.topics.gazetteer import load_gazetteer  # noqa: E402


def articles(words: int = 600) -> list[tuple[str, str]]:
    """(title, body) pairs of about ``words`` words each."""
    out: list[tuple[str, str]] = []
    for path in sorted((ROOT / "tests" / "data" / "topics").glob("*.yaml")):
        for article in yaml.safe_load(path.read_text(encoding="utf-8"))["articles"]:
            paragraphs = [p for p in article["text"].split("\n\n") if p.strip()]
            body = list(paragraphs)
            while sum(len(p.split()) for p in body) < words:
                body += paragraphs[1:] or paragraphs
            out.append((article["title"], "\n\n".join(body)))
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the timing report; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-model", action="store_true",
                        help="cue words alone for subjects (topics.subject_model: false)")
    parser.add_argument("--no-country-model", action="store_true",
                        help="the place rules alone for countries (topics.country_model: false)")
    args = parser.parse_args(argv)
    print(f"$ python benchmarks/topics_speed.py --repeat {args.repeat}"
          + (" --no-model" if args.no_model else "")
          + (" --no-country-model" if args.no_country_model else ""))
    start = time.perf_counter()
    load_gazetteer()
    print(f"data load (once per process): {(time.perf_counter() - start) * 1000:.1f} ms")
    settings = TopicSettings(subject_model=not args.no_model,
                             country_model=not args.no_country_model)
    corpus = articles()
    words = statistics.mean(len(body.split()) for _, body in corpus)
    for title, body in corpus:
        extract_terms(title, body, settings)
    timings: list[float] = []
    cpu_timings: list[float] = []
    for _ in range(args.repeat):
        for title, body in corpus:
            t0, c0 = time.perf_counter(), time.process_time()
            extract_terms(title, body, settings)
            cpu_timings.append((time.process_time() - c0) * 1000)
            timings.append((time.perf_counter() - t0) * 1000)
    print(f"{len(corpus)} articles x {args.repeat}, {words:.0f} words on average")
    print(f"wall: median {statistics.median(timings):.2f} ms/article, "
          f"mean {statistics.mean(timings):.2f}, max {max(timings):.2f}")
    print(f"cpu:  median {statistics.median(cpu_timings):.2f} ms/article, "
          f"mean {statistics.mean(cpu_timings):.2f} (robust when the machine is busy)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
