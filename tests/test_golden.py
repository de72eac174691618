"""A small committed golden site: the seed plus three Markdown articles.

Any change to the output of these pages shows up here as a diff.  After an
intended change, regenerate with ``pytest tests/test_golden.py --update-golden``
and review the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitekit import build_site, make_site, md, snapshot

REPO = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
ARTICLES = {
    "2001/budget.md": md("Parliament passes the 2001 budget", "2001-03-14T09:00:00+01:00",
                         "The budget passed **narrowly**.\n\n## Reactions\n\nMixed.",
                         topics="[Economy, Parliament]", source='"The Courier"',
                         author='"Ana Ruiz"', places="[Spain]"),
    "2001/match.md": md("Cup final ends in a draw", "2001-05-20",
                        "A 1–1 draw after extra time.", topics="[Football]",
                        source='"The Courier"'),
    "notes/undated.md": md("Editor's note", None, "An undated note.", topics="[Economy]"),
}
CONFIG = "title: Golden Gazette\nbase_url: https://example.org/gazette/\nper_page: 2\n"


def test_golden_site(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    config = make_site(tmp_path, {**ARTICLES, "seed.txt":
                                  (REPO / "seeds/000_e108047b8bec95fb.txt").read_text("utf-8")},
                       CONFIG)
    report = build_site(config)
    assert report.errors == ()
    # static/ holds byte copies of the theme's files: not worth a golden copy.
    built = {k: v for k, v in snapshot(tmp_path / "site").items() if not k.startswith("static/")}
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in built.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
    golden = snapshot(GOLDEN)
    assert sorted(built) == sorted(golden)
    changed = [name for name in built if built[name] != golden[name]]
    assert changed == [], "output differs from tests/golden/; see the module docstring"
