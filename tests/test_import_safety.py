"""`newsarchive import` over a folder that already holds pages (project issue 11).

Import never overwrites an editor's fix or a file it did not write, reports
pages whose source has gone, survives an unwritable destination, bounds every
page path and never leaves the destination.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

import pytest

import newsarchive.import_write as import_write
import newsarchive.importer as importer
import newsarchive.pipeline.output as output
from newsarchive.config import Config, TopicSettings
from newsarchive.errors import Diagnostic
from newsarchive.importer import (
    MANIFEST_NAME,
    ManifestEntry,
    decide_page,
    import_archive,
    page_name,
)
from newsarchive.pipeline.discover import discover
from newsarchive.pipeline.output import safe_target
from newsarchive.pipeline.read import SUFFIXES


def no_terms(title: str, text: str, settings: TopicSettings) -> Mapping[str, tuple[str, ...]]:
    """No automatic terms: pages hold exactly what the source says."""
    return {}


def story(title: str, body: str = "Body text.") -> str:
    """A raw news text with a title, a date line and a body."""
    return f"{title}\n2020-01-02\n\n{body}\n"


def run(src: Path | list[Path], out: Path) -> importer.ImportReport:
    sources = src if isinstance(src, list) else [src]
    return import_archive(sources, out, Config(), extract_terms=no_terms)


def messages(report: importer.ImportReport) -> list[str]:
    return [d.format() for d in report.diagnostics]


def manifest(out: Path) -> dict[str, dict[str, str]]:
    data = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    pages: dict[str, dict[str, str]] = data["pages"]
    return pages


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """A source folder with two stories, and where they are imported."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(story("Alpha"), encoding="utf-8")
    (src / "b.txt").write_text(story("Beta"), encoding="utf-8")
    return src, tmp_path / "out"


# -- 1. re-import and the editor's fixes ----------------------------------------------


def test_manifest_records_every_page_written(site: tuple[Path, Path]) -> None:
    src, out = site
    report = run(src, out)
    assert report.diagnostics == ()
    pages = manifest(out)
    assert sorted(pages) == ["a.md", "b.md"]
    data = (out / "a.md").read_bytes()
    assert pages["a.md"] == {"sha256": hashlib.sha256(data).hexdigest(),
                             "source": f"{src.as_posix()}/a.txt", "record": ""}
    # The build reads neither the manifest nor anything import leaves beside a page.
    assert discover(out, SUFFIXES) == ["a.md", "b.md"]


def test_untouched_page_takes_the_new_version(site: tuple[Path, Path]) -> None:
    src, out = site
    run(src, out)
    (src / "a.txt").write_text(story("Alpha", "Corrected at the source."), encoding="utf-8")
    report = run(src, out)
    assert report.written == (out / "a.md",)
    assert report.unchanged == 1
    assert report.diagnostics == ()
    assert "Corrected at the source." in (out / "a.md").read_text(encoding="utf-8")


def test_edited_page_is_kept_and_the_new_version_offered_beside(
        site: tuple[Path, Path]) -> None:
    src, out = site
    run(src, out)
    edited = (out / "a.md").read_text(encoding="utf-8").replace("Alpha", "Alpha, fixed")
    (out / "a.md").write_text(edited, encoding="utf-8")

    # The source did not change: the edit is simply kept, nothing to say.
    quiet = run(src, out)
    assert (quiet.written, quiet.unchanged, quiet.diagnostics) == ((), 2, ())

    (src / "a.txt").write_text(story("Alpha", "New at the source."), encoding="utf-8")
    report = run(src, out)
    offered = out / ".a.md.imported"
    assert messages(report) == [
        f"{out.as_posix()}/a.md: warning: kept your edit; the new import was not written\n"
        f"  hint: it is in {offered.as_posix()}: compare them, then "
        f"`mv {offered.as_posix()} {out.as_posix()}/a.md` to take it, "
        "or delete it to keep your page"]
    assert report.kept == (out / "a.md",)
    assert report.written == ()
    assert (out / "a.md").read_text(encoding="utf-8") == edited
    assert "New at the source." in offered.read_text(encoding="utf-8")
    assert discover(out, SUFFIXES) == ["a.md", "b.md"]

    # Still pending: said again; dismissed (deleted): quiet.
    assert len(run(src, out).diagnostics) == 1
    offered.unlink()
    assert run(src, out).diagnostics == ()
    assert not offered.exists()


def test_taking_the_offered_version_makes_the_page_import_s_again(
        site: tuple[Path, Path]) -> None:
    src, out = site
    run(src, out)
    (out / "a.md").write_text("---\ntitle: Hand made\n---\n\nMine.\n", encoding="utf-8")
    (src / "a.txt").write_text(story("Alpha", "Second."), encoding="utf-8")
    run(src, out)
    os.replace(out / ".a.md.imported", out / "a.md")
    taken = run(src, out)
    assert (taken.written, taken.unchanged, taken.diagnostics) == ((), 2, ())
    # Untouched since: the next source change goes straight in.
    (src / "a.txt").write_text(story("Alpha", "Third."), encoding="utf-8")
    assert run(src, out).written == (out / "a.md",)
    assert "Third." in (out / "a.md").read_text(encoding="utf-8")


def test_reverted_edit_takes_the_new_version_and_drops_the_stale_offer(
        site: tuple[Path, Path]) -> None:
    src, out = site
    run(src, out)
    original = (out / "a.md").read_bytes()
    (out / "a.md").write_text("edited\n", encoding="utf-8")
    (src / "a.txt").write_text(story("Alpha", "Second."), encoding="utf-8")
    run(src, out)
    assert (out / ".a.md.imported").exists()
    (out / "a.md").write_bytes(original)  # the editor reverts
    report = run(src, out)
    assert report.written == (out / "a.md",)
    assert report.diagnostics == ()
    assert not (out / ".a.md.imported").exists()


def test_offer_changed_by_hand_is_not_overwritten(site: tuple[Path, Path]) -> None:
    src, out = site
    run(src, out)
    (out / "a.md").write_text("edited\n", encoding="utf-8")
    (src / "a.txt").write_text(story("Alpha", "Second."), encoding="utf-8")
    run(src, out)
    (out / ".a.md.imported").write_text("half merged\n", encoding="utf-8")
    (src / "a.txt").write_text(story("Alpha", "Third."), encoding="utf-8")
    report = run(src, out)
    offered = (out / ".a.md.imported").as_posix()
    assert messages(report) == [
        f"{out.as_posix()}/a.md: warning: kept your edit; the new import was not written\n"
        f"  hint: {offered} was changed since import wrote it: move it away and import again"]
    assert (out / ".a.md.imported").read_text(encoding="utf-8") == "half merged\n"
    assert (out / "a.md").read_text(encoding="utf-8") == "edited\n"


def test_never_overwrites_a_file_it_did_not_write(site: tuple[Path, Path]) -> None:
    src, out = site
    out.mkdir()
    (out / "a.md").write_text("my own notes\n", encoding="utf-8")
    report = run(src, out)
    assert messages(report) == [
        f"{out.as_posix()}/a.md: warning: a file import did not write is in the way; "
        f"{src.as_posix()}/a.txt was not imported\n"
        "  hint: move the file away and import again, or import into another folder"]
    assert (out / "a.md").read_text(encoding="utf-8") == "my own notes\n"
    assert report.written == (out / "b.md",)
    assert report.articles == 1
    assert sorted(manifest(out)) == ["b.md"]
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME, "a.md", "b.md"]


def test_a_folder_in_the_way_is_not_touched(site: tuple[Path, Path]) -> None:
    src, out = site
    (out / "a.md").mkdir(parents=True)
    report = run(src, out)
    assert [d.message for d in report.diagnostics] == [
        f"a file import did not write is in the way; {src.as_posix()}/a.txt was not imported"]
    assert (out / "a.md").is_dir()


def test_identical_file_is_adopted(site: tuple[Path, Path]) -> None:
    src, out = site
    run(src, out)
    (out / MANIFEST_NAME).unlink()
    report = run(src, out)
    assert (report.written, report.unchanged, report.diagnostics) == ((), 2, ())
    assert sorted(manifest(out)) == ["a.md", "b.md"]


def test_source_gone_is_reported_and_the_page_kept(site: tuple[Path, Path]) -> None:
    src, out = site
    (src / "dump.json").write_text(
        '[{"title": "One", "text": "First.", "date": "2020-01-01"}, '
        '{"title": "Two", "text": "Second.", "date": "2020-01-01"}]', encoding="utf-8")
    run(src, out)
    (src / "b.txt").unlink()
    (src / "dump.json").write_text('[{"title": "One", "text": "First.", "date": "2020-01-01"}]',
                                   encoding="utf-8")
    report = run(src, out)
    gone = [d.format() for d in report.diagnostics if "gone" in d.message]
    assert gone == [
        f"{out.as_posix()}/b.md: warning: source has gone: {out.as_posix()}/b.md "
        f"(was {src.as_posix()}/b.txt)\n"
        "  hint: the page is kept; delete it if the article should go",
        f"{out.as_posix()}/dump/0001-two.md: warning: source has gone: "
        f"{out.as_posix()}/dump/0001-two.md (was {src.as_posix()}/dump.json record 1)\n"
        "  hint: the page is kept; delete it if the article should go"]
    assert report.gone == (out / "b.md", out / "dump/0001-two.md")
    assert (out / "b.md").exists() and (out / "dump/0001-two.md").exists()
    # Said until the editor deletes the page; then forgotten.
    assert len(run(src, out).gone) == 2
    (out / "b.md").unlink()
    assert run(src, out).gone == (out / "dump/0001-two.md",)
    assert "b.md" not in manifest(out)


def test_importing_another_source_does_not_call_the_first_gone(
        site: tuple[Path, Path], tmp_path: Path) -> None:
    src, out = site
    run(src, out)
    other = tmp_path / "other"
    other.mkdir()
    (other / "c.txt").write_text(story("Gamma"), encoding="utf-8")
    report = run(other, out)
    assert report.diagnostics == ()
    assert sorted(manifest(out)) == ["a.md", "b.md", "c.md"]
    # A file source covers only itself.
    assert run([src / "a.txt"], out).gone == ()


def test_unreadable_source_does_not_make_its_pages_gone(site: tuple[Path, Path]) -> None:
    src, out = site
    (src / "c.md").write_text("---\ntitle: C\ndate: 2020-01-01\n---\nBody\n", encoding="utf-8")
    run(src, out)
    (src / "c.md").write_text("---\ntitle: [C\n---\nBody\n", encoding="utf-8")
    report = run(src, out)
    assert report.gone == ()
    assert report.skipped == (f"{src.as_posix()}/c.md",)


@pytest.mark.parametrize("damage", [b"{not json", b'{"pages": []}', b"\xff\xfe",
                                    b'{"version": 1, "pages": {"../x.md": {"sha256": "0"}}}'])
def test_damaged_manifest_warns_once_and_overwrites_nothing(
        site: tuple[Path, Path], damage: bytes) -> None:
    src, out = site
    run(src, out)
    (out / "a.md").write_text("edited\n", encoding="utf-8")
    (out / MANIFEST_NAME).write_bytes(damage)
    report = run(src, out)
    assert [d.severity for d in report.diagnostics] == ["warning", "warning"]
    first = report.diagnostics[0]
    assert first.path == f"{out.as_posix()}/{MANIFEST_NAME}"
    assert first.message.startswith("cannot read the import manifest (")
    assert first.message.endswith(
        "); every page already here is taken as not written by import")
    assert "a file import did not write is in the way" in report.diagnostics[1].message
    assert (out / "a.md").read_text(encoding="utf-8") == "edited\n"
    assert report.unchanged == 1  # b.md: identical, adopted
    assert sorted(manifest(out)) == ["b.md"]


def test_decide_page() -> None:
    new, old, edit, offer = "n" * 64, "o" * 64, "e" * 64, "f" * 64
    ours = ManifestEntry(sha256=old, source="s.txt", record="")
    offered = ManifestEntry(sha256=old, source="s.txt", record="", offered=new)
    assert decide_page(new, None, None, None) == "write"
    assert decide_page(new, None, ours, None) == "write"
    assert decide_page(new, new, None, None) == "same"
    assert decide_page(new, edit, None, None) == "foreign"
    assert decide_page(new, "", ours, None) == "foreign"
    assert decide_page(new, old, ours, None) == "write"
    assert decide_page(old, edit, ours, None) == "kept"
    assert decide_page(new, edit, ours, None) == "offer"
    assert decide_page(new, edit, offered, new) == "offer"
    assert decide_page(new, edit, offered, None) == "kept"
    assert decide_page(new, edit, offered, offer) == "blocked"
    assert decide_page(new, edit, ours, edit) == "blocked"


# -- 2. a destination that cannot be written --------------------------------------------


def test_destination_is_a_file(site: tuple[Path, Path]) -> None:
    src, out = site
    out.write_text("a file\n", encoding="utf-8")
    report = run(src, out)
    assert messages(report) == [
        f"{out.as_posix()}: error: --to is a file, not a folder\n"
        "  hint: name a folder: it is created when missing"]
    assert (report.written, report.articles) == ((), 0)
    assert out.read_text(encoding="utf-8") == "a file\n"


def test_destination_cannot_be_created(site: tuple[Path, Path], tmp_path: Path) -> None:
    src, _ = site
    (tmp_path / "file").write_text("x", encoding="utf-8")
    out = tmp_path / "file" / "out"
    report = run(src, out)
    assert messages(report) == [
        f"{out.as_posix()}: error: cannot create the folder: Not a directory\n"
        "  hint: check the path and its permissions"]
    assert report.written == ()


@pytest.mark.parametrize("code", [errno.EACCES, errno.ENOSPC])
def test_write_error_is_reported_per_page_and_the_rest_written(
        site: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    src, out = site
    (src / "locked").mkdir()
    (src / "locked" / "c.txt").write_text(story("Gamma"), encoding="utf-8")
    run(src, out)
    for name in ("a.txt", "locked/c.txt"):
        (src / name).write_text(story(name, "Changed."), encoding="utf-8")
    real_write = output.write_bytes_atomic
    if code == errno.EACCES and os.geteuid() != 0:
        (out / "locked").chmod(0o555)  # a real read-only folder
    else:  # root ignores permissions, and a full disk cannot be arranged: simulate them

        def write(path: Path, data: bytes) -> bool:
            if path.parent.name == "locked":
                raise OSError(code, os.strerror(code), str(path))
            return real_write(path, data)

        monkeypatch.setattr(import_write, "write_bytes_atomic", write)
    try:
        report = run(src, out)
    finally:
        (out / "locked").chmod(0o755)
    hint = ("check that the folder is writable" if code == errno.EACCES
            else "free some disk space and import again")
    assert messages(report) == [
        f"{src.as_posix()}/locked/c.txt: error: cannot write {out.as_posix()}/locked/c.md: "
        f"{os.strerror(code)}\n  hint: {hint}"]
    assert report.written == (out / "a.md",)
    assert report.articles == 2
    assert "Gamma" in (out / "locked" / "c.md").read_text(encoding="utf-8")
    # The failed page keeps its old manifest record: once writable, it is updated.
    monkeypatch.undo()
    assert run(src, out).written == (out / "locked" / "c.md",)


def test_manifest_write_error_is_reported(site: tuple[Path, Path],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    src, out = site
    real_write = output.write_bytes_atomic

    def write(path: Path, data: bytes) -> bool:
        if path.name == MANIFEST_NAME:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real_write(path, data)

    monkeypatch.setattr(import_write, "write_bytes_atomic", write)
    report = run(src, out)
    assert [d.format() for d in report.diagnostics] == [
        f"{out.as_posix()}/{MANIFEST_NAME}: error: cannot write the import manifest: "
        f"{os.strerror(errno.ENOSPC)}\n"
        "  hint: the pages are written; until the manifest is, import will not "
        "overwrite those that differ from their new version"]
    assert len(report.written) == 2


# -- 3. long names ------------------------------------------------------------------


def components(out: Path) -> list[bytes]:
    return [os.fsencode(part) for path in out.rglob("*")
            for part in path.relative_to(out).parts]


def test_long_source_names_are_bounded(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    cjk = "新闻档案" * 20  # 240 bytes
    emoji = "📰" * 60  # 240 bytes
    names = [f"{cjk}.txt", f"{cjk[:-1]}报.txt", f"{emoji}.txt", f"{emoji[:-1]}🗞.txt"]
    for number, name in enumerate(names):
        (src / name).write_text(story(f"Story {number}", f"Body {number}."), encoding="utf-8")
    (src / f"{cjk}.json").write_text(
        '[{"title": "Record", "text": "Text.", "date": "2020-01-01"}]', encoding="utf-8")
    report = run(src, out)
    assert report.diagnostics == ()
    assert len(report.written) == 5
    assert max(len(c) for c in components(out)) <= 200
    bodies = {p.read_text(encoding="utf-8").split("\n\n")[-1] for p in report.written}
    assert bodies == {"Body 0.\n", "Body 1.\n", "Body 2.\n", "Body 3.\n", "Text.\n"}
    # Stable: a second import writes nothing.
    assert run(src, out).unchanged == 5


def test_page_name_bounds_every_component() -> None:
    wide = "𠀀" * 60  # a 4-byte word character: a 240-byte slug
    name = page_name("dump.json", "7", wide)
    assert name.startswith("dump/0007-𠀀")
    assert name.endswith(".md")
    assert len(name.rsplit("/", 1)[1].encode()) <= 200
    assert page_name("dump.json", "7", wide) == name  # stable
    assert page_name("dump.json", "7", wide[:-1] + "𠀁") != name
    emoji = "😀" * 70
    for relative in (f"{emoji}.txt", f"{emoji}/{emoji}.txt", "a" * 250 + ".txt"):
        parts = page_name(relative, "", "T").split("/")
        assert all(len(part.encode()) <= 200 for part in parts), relative
        # cut at a character boundary: every part decodes
        assert all(part.encode().decode() == part for part in parts)
    short = "a" * 196 + ".txt"
    assert page_name(short, "", "T") == "a" * 196 + ".md"


def test_deep_page_path_stays_under_path_max(tmp_path: Path) -> None:
    src, out = tmp_path / "s", tmp_path / "o"
    folder = src
    while len(os.fsencode(str(folder))) + 191 <= 4000:
        folder = folder / ("d" * 190)
    folder = folder / ("e" * (4000 - len(os.fsencode(str(folder))) - 1))
    assert len(os.fsencode(str(folder))) == 4000
    folder.mkdir(parents=True)
    (folder / "dump.json").write_text(
        '[{"title": "' + "word " * 40 + '", "text": "T.", "date": "2020-01-01"}]',
        encoding="utf-8")
    report = run(src, out)
    assert report.diagnostics == ()
    (page,) = report.written
    assert len(os.fsencode(str(page.absolute()))) < 4096
    assert page.read_text(encoding="utf-8").endswith("T.\n")


# -- 4. never out of the destination --------------------------------------------------


@pytest.mark.parametrize(("relative", "record", "title"), [
    ("../../etc/passwd.txt", "", "T"),
    ("/etc/passwd.txt", "", "T"),
    ("..\\..\\evil.txt", "", "T"),
    ("a/../../b.txt", "", "T"),
    ("nul\x00byte.txt", "", "T"),
    ("new\nline.txt", "", "T"),
    ("dump.json", "../../x", "T"),
    ("dump.json", "/abs", "../../etc"),
    ("dump.json", "1", "..\\..\\x"),
    ("..json", "2", "T"),
    (".txt", "", "T"),
    (".hidden.txt", "", "T"),
    ("_index.txt", "", "T"),
    ("bad\udcffname.txt", "", "T"),
])
def test_page_name_never_leaves_the_destination(tmp_path: Path, relative: str, record: str,
                                                title: str) -> None:
    name = page_name(relative, record, title)
    parts = name.split("/")
    assert not name.startswith("/")
    assert all(part not in ("", ".", "..") and not part.startswith(".") for part in parts)
    assert not any(c in name for c in "\\\x00\n\r")
    assert name.encode("utf-8")  # no lone surrogates: a valid file name everywhere
    assert not parts[-1].lower().startswith("_index.")  # the build skips Hugo section indexes
    assert name.endswith(".md")
    target = safe_target(tmp_path, name)
    assert target.resolve().is_relative_to(tmp_path.resolve())


def test_odd_source_names_stay_inside(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    for number, name in enumerate(("a\\..\\..\\evil.txt", "new\nline.txt", "_index.txt")):
        (src / name).write_text(story(f"Story {number}"), encoding="utf-8")
    (src / "dump.json").write_text(
        '[{"title": "../../../etc/x", "text": "T.", "date": "2020-01-01"}]', encoding="utf-8")
    report = run(src, out)
    assert report.diagnostics == ()
    assert sorted(p.relative_to(out).as_posix() for p in report.written) == [
        "a_.._.._evil.md", "dump/0000-etc-x.md", "new_line.md", "page_index.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "src"]


# -- 5. links --------------------------------------------------------------------------


def test_links_out_of_the_source_folder_are_refused(tmp_path: Path) -> None:
    src, out, outside = tmp_path / "src", tmp_path / "out", tmp_path / "outside"
    (src / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.txt").write_text(story("Secret"), encoding="utf-8")
    (src / "a.txt").write_text(story("Alpha"), encoding="utf-8")
    (src / "out.txt").symlink_to(outside / "secret.txt")
    (src / "folder").symlink_to(outside)
    (src / "sub" / "loop").symlink_to(src)  # inside, and a loop: not followed, not said
    (src / "inside.txt").symlink_to(src / "a.txt")
    (src / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    report = run(src, out)
    shown = src.as_posix()
    assert [d.format() for d in report.diagnostics] == [
        f"{shown}/broken.txt: warning: a broken link (to {tmp_path.as_posix()}/nowhere.txt); "
        "not imported\n  hint: remove the link or restore its target",
        f"{shown}/folder: warning: a link to a folder outside {shown} "
        f"({outside.as_posix()}); not followed\n"
        "  hint: import that folder by naming it on the command line",
        f"{shown}/out.txt: warning: a link to a file outside {shown} "
        f"({outside.as_posix()}/secret.txt); not imported\n"
        "  hint: import that file by naming it on the command line",
        f"{shown}/inside.txt: warning: duplicate: has the same title and body as "
        f"{shown}/a.txt; skipped\n"
        "  hint: delete the copy, or edit one of them if they are different articles",
    ]
    assert [p.name for p in report.written] == ["a.md"]


def test_link_inside_the_destination_is_not_written_through(site: tuple[Path, Path],
                                                            tmp_path: Path) -> None:
    src, out = site
    (src / "sub").mkdir()
    (src / "sub" / "c.txt").write_text(story("Gamma"), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "sub").symlink_to(elsewhere)
    report = run(src, out)
    assert messages(report) == [
        f"{src.as_posix()}/sub/c.txt: error: not written: {out.as_posix()}/sub/c.md would be "
        f"outside {out.as_posix()} (through a link, to {elsewhere.as_posix()}/c.md)\n"
        "  hint: replace the link by a folder, or import into the linked folder"]
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in report.written) == ["a.md", "b.md"]


def test_diagnostics_are_diagnostics(site: tuple[Path, Path]) -> None:
    src, out = site
    out.write_text("x", encoding="utf-8")
    assert all(isinstance(d, Diagnostic) for d in run(src, out).diagnostics)


def test_two_long_sources_claiming_one_page_stay_apart(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    stem = "长" * 80  # 240 bytes
    (src / f"{stem}.md").write_text("---\ntitle: One\ndate: 2020-01-01\n---\nOne.\n",
                                    encoding="utf-8")
    (src / f"{stem}.txt").write_text(story("Two", "Two."), encoding="utf-8")
    report = run(src, out)
    first, second = (p.relative_to(out).as_posix() for p in report.written)
    assert [d.message for d in report.diagnostics] == [
        f"page {first} is already taken by another source; writing {second}"]
    assert first != second
    assert all(len(name.encode()) <= 200 for name in (first, second))
    assert run(src, out).unchanged == 2
