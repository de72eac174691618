"""`newsarchive import` then build gives the same site as building the originals."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsarchive.cli import main

from sitekit import snapshot, write_files

REPO = Path(__file__).resolve().parents[1]
RAW = ("Markets Rally in Tokyo as Yen Weakens\n\nPublished: 3 Mar 2004\nBy Jane Doe\n\n"
       "TOKYO (Reuters) - Shares rose on Wednesday * as the yen fell.\n\n"
       "# Not a heading, 1. not a list\n\nAdvertisement\n")
RECORDS = ('[{"title": "Flood warning issued", "date_publish": "2011-05-06 10:00:00", '
           '"maintext": "Rivers rose.\\nResidents left.", "authors": ["A. Writer"], '
           '"source_domain": "example.com"}, {"title": "No date here", "text": "Body."}]')


def test_import_then_build_equals_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    originals = tmp_path / "originals"
    write_files(originals, {"wire/tokyo.txt": RAW, "dump/records.json": RECORDS})
    shutil.copy(REPO / "seeds" / "000_e108047b8bec95fb.txt", originals / "seed.txt")
    monkeypatch.chdir(tmp_path)
    assert main(["import", str(originals), "--to", "pages"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Imported 4 articles (1 undated, 0 duplicates, 0 skipped files)")
    written = sorted(p.relative_to(tmp_path / "pages").as_posix()
                     for p in (tmp_path / "pages").rglob("*.md"))
    assert written[0].startswith("dump/records/") and "wire/tokyo.md" in written
    assert "seed.md" in written
    assert main(["import", str(originals), "--to", "pages"]) == 0
    assert "pages 0 written, 4 unchanged" in capsys.readouterr().out

    base = ["--quiet", "--base-url", "https://example.org/"]
    assert main(["build", "--source", str(originals), "--output", "direct", *base]) == 0
    assert main(["build", "--source", "pages", "--output", "via-import", *base]) == 0
    direct, imported = snapshot(tmp_path / "direct"), snapshot(tmp_path / "via-import")
    assert direct.keys() == imported.keys()
    assert [k for k in direct if direct[k] != imported[k]] == []
    tokyo = next(k for k in direct if "markets-rally-in-tokyo" in k and k.endswith("index.html")
                 and k.count("/") == 4)
    html = direct[tokyo].decode()
    assert "# Not a heading, 1. not a list" in html and "Advertisement" not in html
