"""``newsarchive build`` without the CLI: the build alone, for profiling.

compare.py times the real command (``newsarchive build --no-search``); this
script runs the same build in process (no Pagefind step, no output-size
check) and prints the CLI's summary line, e.g. under ``python -m cProfile``.

Usage: python benchmarks/nabuild.py CONFIG [--executor local|serial|dask://HOST:PORT]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newsarchive.cli import summary
from newsarchive.config import load_config
from newsarchive.run.executor import make_executor
from newsarchive.run.session import build


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config", type=Path)
    parser.add_argument("--executor", default=None)
    args = parser.parse_args()
    config = load_config(args.config, args.config.resolve().parent)
    executor = make_executor(args.executor)
    try:
        report = build(config, executor=executor, search=False)
    finally:
        executor.close()
    print(summary(report, config))
    return report.exit_status


if __name__ == "__main__":
    raise SystemExit(main())
