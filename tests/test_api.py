"""The public API: what ``import newsarchive`` offers library callers, pinned."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import newsarchive

from sitekit import md, write_files


def test_the_public_names_are_pinned() -> None:
    assert newsarchive.__all__ == ["BuildReport", "Config", "Session", "__version__", "build",
                                   "load_config"]
    for name in newsarchive.__all__:
        assert getattr(newsarchive, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        newsarchive.nope  # noqa: B018


def test_a_library_caller_builds_an_archive(tmp_path: Path) -> None:
    write_files(tmp_path, {"archive.yaml": "topics: {enabled: []}\nsearch: false\n",
                           "seeds/a.md": md("A", "2000-01-01")})
    config = newsarchive.load_config(tmp_path / "archive.yaml", tmp_path)
    assert isinstance(config, newsarchive.Config)
    report = newsarchive.build(config)
    assert isinstance(report, newsarchive.BuildReport)
    assert report.articles == 1 and report.exit_status == 0
    assert (tmp_path / "site" / "index.html").is_file()


def test_importing_the_package_loads_no_stage() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, newsarchive; "
         "print(sorted(m for m in sys.modules if m.startswith('newsarchive')))"],
        capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['newsarchive']"
