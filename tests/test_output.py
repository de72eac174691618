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


def test_a_missing_file_is_created_in_place_and_an_existing_one_replaced_whole(
        tmp_path: Path) -> None:
    temp = tmp_path / "temp"
    target = tmp_path / "a" / "b.html"
    assert write_bytes_atomic(target, b"one", temp, create_in_place=True) is True
    assert target.read_bytes() == b"one"
    assert not temp.exists()  # written where it belongs: no temp file, no rename
    first = target.stat().st_ino
    assert write_bytes_atomic(target, b"two", temp, create_in_place=True) is True
    assert target.read_bytes() == b"two"
    assert target.stat().st_ino != first  # a file readers may have is replaced, not rewritten
    assert list(temp.iterdir()) == []


def test_creating_in_place_never_writes_through_a_dangling_link(tmp_path: Path) -> None:
    outside = tmp_path / "outside.html"
    target = tmp_path / "site" / "page.html"
    target.parent.mkdir()
    target.symlink_to(outside)
    assert write_bytes_atomic(target, b"page", tmp_path / "temp", create_in_place=True)
    assert not outside.exists()
    assert not target.is_symlink() and target.read_bytes() == b"page"


def test_a_failed_write_in_place_leaves_no_partial_file(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    real = os.fdopen

    class Full:
        def __init__(self, fd: int) -> None:
            self.handle = real(fd, "wb")

        def __enter__(self) -> "Full":
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            self.handle.write(data[:2])
            self.handle.flush()
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: Full(fd))
    target = tmp_path / "a" / "b.html"
    with pytest.raises(OSError, match="No space"):
        write_bytes_atomic(target, b"a whole page", tmp_path / "temp", create_in_place=True)
    assert not target.exists()


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


class _Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even the write's own cleanup."""


@pytest.mark.parametrize("edited", [False, True])
def test_a_missing_page_cut_short_while_made_again_is_whole_after_the_next_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edited: bool) -> None:
    from newsarchive.pipeline import output

    from sitekit import build_site, make_site, md

    config = make_site(tmp_path / "site", {
        f"{n}.md": md(f"Story {n}", f"2020-01-0{n}T10:00:00Z", f"Body {n}.") for n in (1, 2, 3)})
    build_site(config)
    page = next((config.output_dir / "2020/01/02").glob("*/index.html"))
    whole = page.read_bytes()
    page.unlink()  # a reader removed it; its record still says it is current
    if edited:  # a one-file edit: the fast path renders the missing page too
        (config.source_dir / "1.md").write_text(md("Story 1", "2020-01-01T10:00:00Z",
                                                   "Body one."), encoding="utf-8")
    real = output._create

    def cut(path: Path, data: bytes) -> bool:
        if path == page:
            path.write_bytes(data[:len(data) // 2])
            raise _Killed
        return real(path, data)

    monkeypatch.setattr(output, "_create", cut)
    with pytest.raises(_Killed):
        build_site(config)
    monkeypatch.undo()
    assert page.read_bytes() == whole[:len(whole) // 2]  # what the kill left
    build_site(config)
    assert page.read_bytes() == whole


def test_fingerprints_digest_each_pages_inputs_in_one_fixed_form() -> None:
    """A page's fingerprint is the SHA-256 of its output path, template, template
    digest, config digest and extra digest, each followed by a NUL, then the
    memo-less pickle of its params, then a NUL and the digest and URL of the entry
    it shows and of each it lists, then the title and URL of each it links: the
    form the saved manifests hold.  What an entry adds is the same on every page."""
    import hashlib
    import io
    import pickle

    from newsarchive.model import Article, Entry
    from newsarchive.pipeline.plan import PageSpec, fingerprints

    def entry(key: str, title: str) -> Entry:
        return Entry(Article(key, title, "Body."), key, f"2024/03/01/{key}/", "", "", {},
                     f"digest-{key}")

    entries = {"a": entry("a", "First"), "b": entry("b", "Second")}
    specs = [PageSpec("2024/03/01/a/", "2024/03/01/a/index.html", "article.html",
                      {"kind": "article"}, article="a", links=("b",)),
             PageSpec("2024/03/01/", "2024/03/01/index.html", "period.html",
                      {"kind": "period", "n": [1, 2]}, keys=("a", "b"), extra_digest="x"),
             PageSpec("2024/03/01/b/", "2024/03/01/b/index.html", "article.html",
                      {"kind": "article"}, article="b", links=("a", "b"))]
    found = fingerprints(specs, entries, {"article.html": "T1", "period.html": "T2"}, "C")

    def memo_less(params: object) -> bytes:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
        pickler.fast = True
        pickler.dump(params)
        return buffer.getvalue()

    def expected(head: tuple[str, ...], params: object, *shown: str) -> str:
        return hashlib.sha256("".join(f"{part}\0" for part in head).encode("utf-8")
                              + b"p" + memo_less(params)
                              + "".join(f"\0{part}" for part in shown).encode("utf-8")
                              ).hexdigest()

    a, b = entries["a"], entries["b"]
    assert found == {
        "2024/03/01/a/index.html": expected(
            ("2024/03/01/a/index.html", "article.html", "T1", "C", ""), {"kind": "article"},
            a.digest, a.url, b.title, b.url),
        "2024/03/01/index.html": expected(
            ("2024/03/01/index.html", "period.html", "T2", "C", "x"),
            {"kind": "period", "n": [1, 2]}, a.digest, a.url, b.digest, b.url),
        "2024/03/01/b/index.html": expected(
            ("2024/03/01/b/index.html", "article.html", "T1", "C", ""), {"kind": "article"},
            b.digest, b.url, a.title, a.url, b.title, b.url),
    }


def test_a_fingerprint_holds_the_params_values_not_which_objects_they_share() -> None:
    """Equal params give one fingerprint whether their strings are one shared object
    (as values shared on loading are) or copies, and whatever their values are;
    params that cannot be pickled (a plugin's own object) are digested by ``repr``."""
    from newsarchive.model import Article, Entry
    from newsarchive.pipeline.plan import PageSpec, fingerprints
    from newsarchive.pipeline.plan.spec import params_bytes

    def prints(params: dict[str, object]) -> str:
        entries = {"a": Entry(Article("a", "A", "Body."), "a", "a/", "", "", {}, "d")}
        spec = PageSpec("x/", "x/index.html", "period.html", params, keys=("a",))
        return fingerprints([spec], entries, {}, "C")["x/index.html"]

    word = "".join(["Bei", "jing"])  # made at run time: not the interned literal
    shared = prints({"names": [word, word], "n": 1})
    assert shared == prints({"names": ["".join(["Bei", "jing"]), "Beijing"], "n": 1})
    assert shared != prints({"names": [word, word], "n": 2})
    assert shared != prints({"names": [word, word], "n": True})

    class Mark:  # a class inside a function does not pickle
        def __repr__(self) -> str:
            return "Mark()"

    assert params_bytes({"mark": Mark()}) == b"r{'mark': Mark()}"
    assert prints({"mark": Mark()}) == prints({"mark": Mark()})

    # An empty key (a plugin's page may list one) adds nothing, as before.
    entries = {"a": Entry(Article("a", "A", "Body."), "a", "a/", "", "", {}, "d")}
    listed = [PageSpec("x/", "x/index.html", "period.html", {}, keys=keys)
              for keys in (("a",), ("", "a"))]
    assert len(set(fingerprints(listed[:1], entries, {}, "C").values())
               | set(fingerprints(listed[1:], entries, {}, "C").values())) == 1
