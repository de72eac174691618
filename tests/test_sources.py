"""Finding source files: what is a source, and the stat signatures taken on the way."""

from __future__ import annotations

import os
import time
from pathlib import Path

from newsarchive.pipeline.discover import discover, refusal_hint, stat_signature, survey
from newsarchive.pipeline.read import SUFFIXES


def _tree(root: Path) -> Path:
    source = root / "seeds"
    for name in ("a.md", "B.TXT", "sub/c.json", "sub/deeper/d.jsonl", ".hidden.md",
                 ".git/e.md", "notes.md~", "f.md.swp", "image.png", "site/built.md"):
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    (root / "outside").mkdir()
    (root / "outside" / "g.md").write_text("x", encoding="utf-8")
    os.symlink(root / "outside" / "g.md", source / "linked.md")
    os.symlink(root / "outside", source / "linked-folder")
    os.symlink(source / "missing.md", source / "dangling.md")
    return source


def test_discover_keeps_sources_and_leaves_out_the_rest(tmp_path: Path) -> None:
    source = _tree(tmp_path)
    assert discover(source, SUFFIXES, (source / "site",)) == [
        "B.TXT", "a.md", "sub/c.json", "sub/deeper/d.jsonl"]


def test_links_out_of_the_source_are_refused_and_reported(tmp_path: Path) -> None:
    source = _tree(tmp_path)
    os.symlink(source / "loop.md", source / "loop.md")
    os.symlink(source / "sub", source / "inner-folder")
    (source / "sub" / "inner.md").write_text("x", encoding="utf-8")
    os.symlink(source / "sub" / "inner.md", source / "inner-link.md")
    found, links = survey(source, SUFFIXES, (source / "site",), time.time_ns())
    assert "linked.md" not in found and "inner-link.md" in found
    assert {refusal_hint(reason) for reason in links.values()} == {
        "fix the link's target or remove the link",
        "nothing is lost; link single files, or move the folder, to stop this warning",
        "set follow_symlinks: true in archive.yaml to read it",
        "remove the link, or point it at a file"}
    outside = os.path.realpath(tmp_path / "outside")
    assert links == {
        "dangling.md": "broken symbolic link (its target does not exist); not read",
        "inner-folder": "symbolic link to a folder inside the source folder; "
                        "its files are read there",
        "linked-folder": f"symbolic link to the folder {outside}, outside the source folder; "
                         "not read",
        "linked.md": f"symbolic link to the file {outside}/g.md, outside the source folder; "
                     "not read",
        "loop.md": "symbolic link loop; not read",
    }


def test_follow_links_reads_links_out_of_the_source_once(tmp_path: Path) -> None:
    source = _tree(tmp_path)
    os.symlink(tmp_path / "outside", tmp_path / "outside" / "again")  # a loop through a link
    found, links = survey(source, SUFFIXES, (source / "site",), time.time_ns(),
                          follow_links=True)
    assert {"linked.md", "linked-folder/g.md"} <= set(found)
    assert "linked-folder/again/g.md" not in found
    assert links["linked-folder/again"] == "symbolic link loop; not read"


def test_survey_gives_discover_paths_with_their_signatures(tmp_path: Path) -> None:
    source = _tree(tmp_path)
    excluded = (source / "site",)
    later = time.time_ns() + 10_000_000_000  # every file settled by then
    found, _ = survey(source, SUFFIXES, excluded, later)
    assert list(found) == discover(source, SUFFIXES, excluded)
    for path, signature in found.items():
        assert signature == stat_signature(str(source / path), later) != ""
    assert found["sub/c.json"].startswith("1:")  # size first
    # Files changed within the last two seconds are not to be trusted yet.
    assert set(survey(source, SUFFIXES, excluded, time.time_ns())[0].values()) == {""}


def test_missing_folder_has_no_sources(tmp_path: Path) -> None:
    assert discover(tmp_path / "nope", SUFFIXES) == []
    assert survey(tmp_path / "nope", SUFFIXES, (), time.time_ns()) == ({}, {})


def test_a_name_that_is_not_utf8_is_refused_with_a_hint(tmp_path: Path) -> None:
    source = tmp_path / "seeds"
    source.mkdir()
    (source / "ok.md").write_text("x", encoding="utf-8")
    with open(os.path.join(os.fsencode(source), b"caf\xe9.md"), "wb") as handle:
        handle.write(b"x")
    found, refused = survey(source, SUFFIXES, (), time.time_ns())
    assert list(found) == ["ok.md"]
    [(name, reason)] = refused.items()
    assert name == "caf\udce9.md" and reason == "the name is not valid UTF-8; not read"
    assert refusal_hint(reason).startswith("rename it in UTF-8")
