"""``newsarchive build`` for the benchmark: the same build, without the Pagefind step.

Pelican and Hugo build no search index, so the comparison times the build
alone; compare.py times Pagefind separately.  Prints the CLI's summary line.

Usage: python benchmarks/nabuild.py CONFIG [--executor local|serial|dask://HOST:PORT]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newsarchive.builder import build
from newsarchive.cli import summary
from newsarchive.config import load_config
from newsarchive.executor import make_executor


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--executor", default=None)
    args = parser.parse_args()
    config = load_config(args.config, args.config.resolve().parent)
    executor = make_executor(args.executor)
    try:
        report = build(config, executor=executor)
    finally:
        executor.close()
    print(summary(report, config))
    return report.exit_status


if __name__ == "__main__":
    raise SystemExit(main())
