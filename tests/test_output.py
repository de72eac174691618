from pathlib import Path

import pytest

from newsarchive.errors import OutputError
from newsarchive.pipeline.output import prune, safe_target, static_files, write_bytes_atomic


@pytest.mark.parametrize("bad", ["../x", "a/../../x", "/etc/passwd", "", "a//b", "a\\..\\b", "./a"])
def test_safe_target_refuses_paths_leaving_the_output(tmp_path: Path, bad: str) -> None:
    with pytest.raises(OutputError):
        safe_target(tmp_path, bad)


def test_write_only_when_bytes_change(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.html"
    assert write_bytes_atomic(target, b"one") is True
    assert write_bytes_atomic(target, b"one") is False
    assert write_bytes_atomic(target, b"two") is True
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["b.html"]  # no temp files left


def test_prune_removes_only_listed_files_and_empty_folders(tmp_path: Path) -> None:
    for name in ("x/y/old.html", "x/keep.html", "mine.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    assert prune(tmp_path, ["x/y/old.html", "../outside", "missing.html"]) == 1
    assert not (tmp_path / "x/y").exists()
    assert (tmp_path / "x/keep.html").is_file() and (tmp_path / "mine.txt").is_file()


def test_static_files_later_folders_override(tmp_path: Path) -> None:
    (tmp_path / "theme").mkdir()
    (tmp_path / "theme/style.css").write_text("theme")
    (tmp_path / "theme/.hidden").write_text("x")
    for temp in ("style.css~", "style.css.swp", "style.css.tmp", "#style.css#"):
        (tmp_path / "theme" / temp).write_text("editor temp file")
    (tmp_path / "user").mkdir()
    (tmp_path / "user/style.css").write_text("user")
    found = static_files([tmp_path / "theme", tmp_path / "user", tmp_path / "absent"])
    assert found == {"static/style.css": tmp_path / "user/style.css"}
