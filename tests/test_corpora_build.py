"""Each public corpus builds into an archive: one page per distinct article, no broken links.

The corpora live outside the repository (../shared/corpora/); they are
copied into a temporary folder, never into the project.  Skipped with a
visible reason when absent.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from newsarchive.cli import main

from sitekit import broken_links

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CORPORA.is_dir(), reason=f"public corpora not found at {CORPORA}"),
]

# corpus, the folder or file holding its articles, articles built, undated, duplicates,
# exit status (1: saudinewsnet has two records with neither title nor body; 4 of its 5
# repeated stories come from another paper: copies, built and linked, not duplicates)
CASES = [
    ("digitalgov-news-hugo", "content", 520, 0, 0, 0),
    ("18f-blog-posts", "content", 255, 0, 0, 0),
    ("aamc-hugo-french", "content", 154, 0, 0, 0),
    ("allsides-article-bias", "jsons", 400, 42, 0, 0),
    ("saudinewsnet-arabic", "2015-07-23.json", 1315, 1315, 1, 1),
]


@pytest.mark.parametrize(("corpus", "part", "built", "undated", "duplicates", "exit_status"),
                         CASES, ids=[c[0] for c in CASES])
def test_corpus_builds_completely(corpus: str, part: str, built: int, undated: int,
                                  duplicates: int, exit_status: int, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    source = CORPORA / corpus / part
    seeds = tmp_path / "seeds"
    if source.is_dir():
        shutil.copytree(source, seeds)
    else:
        seeds.mkdir()
        shutil.copy(source, seeds / source.name)
    monkeypatch.chdir(tmp_path)
    status = main(["build", "--quiet", "--base-url", "https://example.org/"])
    out = capsys.readouterr().out
    summary = re.search(r"^Built (\d+) articles \((\d+) undated, (\d+) duplicates, "
                        r"(\d+) skipped files, \d+ files not read\)", out, re.MULTILINE)
    assert summary, out
    assert tuple(int(g) for g in summary.groups()) == (built, undated, duplicates, 0)
    assert status in (0, 1)
    assert status == exit_status
    site = tmp_path / "site"
    pages = [p for p in site.rglob("index.html")
             if re.match(r"^(\d{4}/\d\d/\d\d|undated)/[^/]+/index\.html$",
                         p.relative_to(site).as_posix())]
    assert len(pages) == built
    assert broken_links(site) == []
