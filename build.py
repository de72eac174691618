#!/usr/bin/env python3
"""Build the archive: ``python build.py [options]`` is ``newsarchive build [options]``,
and ``python build.py serve`` is ``newsarchive serve``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from newsarchive.cli import run

if __name__ == "__main__":
    raise SystemExit(run())
