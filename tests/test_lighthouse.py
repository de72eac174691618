"""Lighthouse (npm, pinned 12.2.3) on the front page and an article page.

Accessibility, best practices and SEO must score at least 0.95 and performance
at least 0.9 (its simulated throttling moves a little on a busy machine).  Each
run takes about 12 s, so only these two pages are audited.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from browser_fixtures import CHROMIUM, CHROMIUM_ARGS, NODE_MODULES, require

LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
MINIMUM = {"performance": 0.9, "accessibility": 0.95, "best-practices": 0.95, "seo": 0.95}
PAGES = {
    "front": "",
    "article": "2000/12/28/iran-russia-reach-new-chapter-in-military-ties-leaving-us-fretting/",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PAGES))
def test_lighthouse_scores(site_url: str, tmp_path: Path, name: str) -> None:
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium")
    require(shutil.which("node") is not None, "node is missing: apt-get install nodejs npm")
    require(LIGHTHOUSE.is_file(), f"{LIGHTHOUSE} is missing: run npm ci")
    flags = ["--headless=new", "--no-sandbox", *CHROMIUM_ARGS,
             f"--user-data-dir={tmp_path / 'profile'}"]
    report_path = tmp_path / "report.json"
    done = subprocess.run(
        [str(LIGHTHOUSE), site_url + PAGES[name], "--quiet", "--output=json",
         f"--output-path={report_path}", f"--chrome-flags={' '.join(flags)}"],
        env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
        capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0 and report_path.is_file(), done.stderr[-3000:]
    report = json.loads(report_path.read_text(encoding="utf-8"))
    scores = {key: report["categories"][key]["score"] for key in MINIMUM}
    low = {key: score for key, score in scores.items() if score is None or score < MINIMUM[key]}
    failing = sorted(
        f"{audit['id']} ({audit['score']}): {audit['title']}"
        for audit in report["audits"].values()
        if audit.get("scoreDisplayMode") in ("binary", "numeric") and audit.get("score") is not None
        and audit["score"] < 0.9)
    print(f"lighthouse {name}: {scores}")
    assert not low, f"{name}: scores {scores} below {MINIMUM}; audits below 0.9:\n" + "\n".join(
        failing)
