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
    assert out.startswith("Imported 4 articles (1 undated, 0 duplicates, 0 skipped files, "
                          "0 files not read)")
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


def test_import_to_a_file_is_an_error_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    write_files(tmp_path, {"src/tokyo.txt": RAW, "taken": "a file\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["import", "src", "--to", "taken"]) == 1
    captured = capsys.readouterr()
    assert captured.err == ("taken: error: --to is a file, not a folder\n"
                            "  hint: name a folder: it is created when missing\n")
    assert "0 warnings, 1 errors" in captured.out
    assert (tmp_path / "taken").read_text() == "a file\n"


def test_import_keeps_an_edited_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    write_files(tmp_path, {"src/tokyo.txt": RAW})
    monkeypatch.chdir(tmp_path)
    assert main(["import", "src", "--to", "pages", "--quiet"]) == 0
    page = tmp_path / "pages" / "tokyo.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Shares rose", "Stocks rose"),
                    encoding="utf-8")
    (tmp_path / "src" / "tokyo.txt").write_text(RAW.replace("yen fell", "yen slid"),
                                                encoding="utf-8")
    capsys.readouterr()
    assert main(["import", "src", "--to", "pages"]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith(
        "pages/tokyo.md: warning: kept your edit; the new import was not written\n"
        "  hint: it is in pages/.tokyo.md.imported: ")
    assert "pages 0 written, 0 unchanged; 1 warnings, 0 errors" in captured.out
    assert "Stocks rose" in page.read_text(encoding="utf-8")
    assert "yen slid" in (tmp_path / "pages" / ".tokyo.md.imported").read_text(encoding="utf-8")


def test_import_write_error_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    import newsarchive.import_write as import_write

    def full(path: Path, data: bytes) -> bool:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(import_write, "write_bytes_atomic", full)
    write_files(tmp_path, {"src/tokyo.txt": RAW})
    monkeypatch.chdir(tmp_path)
    assert main(["import", "src", "--to", "pages"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("src/tokyo.txt: error: cannot write pages/tokyo.md: "
                          "No space left on device\n")
    assert "Traceback" not in err
