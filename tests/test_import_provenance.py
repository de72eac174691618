"""`newsarchive import`: each page says where it came from, and import runs into one
folder neither duplicate nor overwrite an editor's pages."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

import yaml

from newsarchive.config import Config, TopicSettings
from newsarchive.import_pages import MANIFEST_NAME, Stamp, decide_page, read_stamp, stamp_page
from newsarchive.importer import ImportReport, import_archive

STORY = ("The harbour authority of Velmora said the new ferry terminal would open in "
         "the spring after two years of delays.")


def no_terms(title: str, text: str, settings: TopicSettings) -> Mapping[str, tuple[str, ...]]:
    return {}


def run(sources: list[Path], out: Path) -> ImportReport:
    return import_archive(sources, out, Config(), extract_terms=no_terms)


def messages(report: ImportReport) -> list[str]:
    return [d.format() for d in report.diagnostics]


def record(title: str, url: str, source: str = "Velmora Gazette", body: str = STORY) -> str:
    return json.dumps({"title": title, "text": body, "url": url, "source": source,
                       "date": "2024-03-02"})


def front(page: Path) -> dict[str, object]:
    text = page.read_text(encoding="utf-8")
    loaded: dict[str, object] = yaml.safe_load(text.split("---\n")[1])
    return loaded


def test_each_page_records_where_it_came_from(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "wire").mkdir(parents=True)
    data = f"Ferry terminal to open\n2024-03-02\n\n{STORY}\n".encode()
    (src / "wire" / "ferry.txt").write_bytes(data)
    lines = record("Terminal opens", "https://gazette.example/terminal") + "\n"
    (src / "dump.jsonl").write_text(lines, encoding="utf-8")
    report = run([src], tmp_path / "out")
    assert report.diagnostics == ()
    ferry = front(tmp_path / "out" / "wire" / "ferry.md")
    assert ferry["imported_from"] == {"file": "wire/ferry.txt", "record": "",
                                      "url": "", "digest": hashlib.sha256(data).hexdigest()}
    dumped = front(tmp_path / "out" / "dump" / "0001-terminal-opens.md")
    origin = dumped["imported_from"]
    assert isinstance(origin, dict)
    assert (origin["file"], origin["record"], origin["url"]) == (
        "dump.jsonl", "1", "https://gazette.example/terminal")
    assert len(origin["digest"]) == 64
    # The stamp is the last key and holds the digest of the page without it.
    page = (tmp_path / "out" / "wire" / "ferry.md").read_text(encoding="utf-8")
    head, _, _ = page.partition("\n---\n\n")
    last = head.rsplit("\n", 1)[1]
    assert last == "imported_digest: " + hashlib.sha256(
        page.replace("\n" + last, "").encode()).hexdigest()
    assert read_stamp(page.encode()) == Stamp(True, "wire/ferry.txt", "", "",
                                              hashlib.sha256(data).hexdigest())


def test_stamp_reads_back_and_detects_any_change() -> None:
    page = stamp_page("---\ntitle: T\nimported_from:\n  file: a.txt\n---\n\nBody.\n")
    assert read_stamp(page.encode()) == Stamp(True, "a.txt")
    assert read_stamp(page.replace("Body", "Bodies").encode()) == Stamp(False, "a.txt")
    assert read_stamp(page.replace("title: T", "title: U").encode()) == Stamp(False, "a.txt")
    assert read_stamp(b"---\ntitle: T\n---\n\nBody.\n") is None
    assert read_stamp(b"\xff\xfe not utf-8") is None
    # A hostile page (an alias bomb) gives a stamp without provenance, never a hang.
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    stamped = stamp_page(bomb + "---\n\nBody.\n")
    assert read_stamp(stamped.encode()) == Stamp(True)


def test_decide_page_by_stamp_when_the_manifest_has_no_record() -> None:
    new, edit = "1" * 64, "2" * 64
    assert decide_page(new, edit, None, None, "intact") == "write"
    assert decide_page(new, edit, None, None, "edited-same") == "kept"
    assert decide_page(new, edit, None, None, "edited") == "offer"
    assert decide_page(new, edit, None, "3" * 64, "edited") == "blocked"
    assert decide_page(new, edit, None, None) == "foreign"
    assert decide_page(new, "", None, None, "intact") == "foreign"


def test_reimport_without_manifest_updates_untouched_pages_and_keeps_edits(
        tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text(f"Alpha\n2020-01-02\n\n{STORY}\n", encoding="utf-8")
    (src / "b.txt").write_text("Beta\n2020-01-02\n\nAnother story entirely.\n",
                               encoding="utf-8")
    run([src], out)
    edited = (out / "b.md").read_text(encoding="utf-8").replace("Beta", "Beta, fixed")
    (out / "b.md").write_text(edited, encoding="utf-8")
    (out / MANIFEST_NAME).unlink()  # lost: the pages' own stamps decide

    # Sources unchanged: the untouched page is taken back, the edit kept quietly.
    quiet = run([src], out)
    assert (quiet.written, quiet.unchanged, quiet.diagnostics) == ((), 2, ())

    (out / MANIFEST_NAME).unlink()
    (src / "a.txt").write_text(f"Alpha\n2020-01-02\n\n{STORY} Corrected.\n", encoding="utf-8")
    (src / "b.txt").write_text("Beta\n2020-01-02\n\nAnother story, corrected.\n",
                               encoding="utf-8")
    report = run([src], out)
    assert report.written == (out / "a.md",)
    assert "Corrected." in (out / "a.md").read_text(encoding="utf-8")
    assert (out / "b.md").read_text(encoding="utf-8") == edited
    assert report.kept == (out / "b.md",)
    offered = out / ".b.md.imported"
    assert messages(report) == [
        f"{out.as_posix()}/b.md: warning: kept your edit; the new import was not written\n"
        f"  hint: it is in {offered.as_posix()}: compare them, then "
        f"`mv {offered.as_posix()} {out.as_posix()}/b.md` to take it, "
        "or delete it to keep your page"]
    assert "Another story, corrected." in offered.read_text(encoding="utf-8")
    # Still pending: said again; taken: the page is import's again.
    assert len(run([src], out).diagnostics) == 1
    offered.replace(out / "b.md")
    taken = run([src], out)
    assert (taken.written, taken.unchanged, taken.diagnostics) == ((), 2, ())


def test_separate_runs_into_one_folder_do_not_duplicate(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "gazette.jsonl").write_text(
        record("Ferry terminal to open", "https://gazette.example/ferry") + "\n",
        encoding="utf-8")
    (second / "saved.jsonl").write_text("\n".join([
        # the same page of the same paper, saved again under another title
        record("Ferry terminal to open", "https://gazette.example/ferry",
               body=STORY + " Updated."),
        # the same text, same source, no URL
        json.dumps({"title": "Ferry terminal to open", "text": STORY,
                    "source": "Velmora Gazette", "date": "2024-03-02"}),
        # the same story carried by another paper: a copy, imported
        record("Ferry terminal to open", "https://herald.example/ferry", "Coast Herald"),
    ]) + "\n", encoding="utf-8")
    assert len(run([first], out).written) == 1
    report = run([second], out)
    page = f"{out.as_posix()}/gazette/0001-ferry-terminal-to-open.md"
    shown = f"{second.as_posix()}/saved.jsonl"
    assert [d.format() for d in report.diagnostics] == [
        f"{shown}:1: warning: duplicate: record 1 has the same source and URL as {page}; "
        "skipped\n  hint: delete the copy, or edit one of them if they are different articles",
        f"{shown}:2: warning: duplicate: record 2 has the same title and body as {page}; "
        "skipped\n  hint: delete the copy, or edit one of them if they are different articles",
    ]
    assert report.duplicates == 2
    assert report.written == (out / "saved" / "0003-ferry-terminal-to-open.md",)
    assert report.articles == 1
    # Importing the first source again: its page, unchanged; nothing else.
    again = run([first], out)
    assert (again.written, again.unchanged, again.duplicates, again.diagnostics) == (
        (), 1, 0, ())


def test_new_title_at_the_source_updates_the_page_in_place(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    dump = src / "dump.jsonl"
    dump.write_text(record("Ferry terminal to open", "https://g.example/1") + "\n",
                    encoding="utf-8")
    run([src], out)
    dump.write_text(record("Ferry terminal to open in May", "https://g.example/1") + "\n",
                    encoding="utf-8")
    report = run([src], out)
    assert report.diagnostics == ()
    assert report.written == (out / "dump" / "0001-ferry-terminal-to-open.md",)
    assert front(report.written[0])["title"] == "Ferry terminal to open in May"
    assert not (out / "dump" / "0001-ferry-terminal-to-open-in-may.md").exists()


def test_importing_imported_pages_restamps_them(tmp_path: Path) -> None:
    src, out, out2 = tmp_path / "src", tmp_path / "out", tmp_path / "out2"
    src.mkdir()
    (src / "a.txt").write_text(f"Alpha\n2020-01-02\n\n{STORY}\n", encoding="utf-8")
    run([src], out)
    report = run([out], out2)
    assert report.written == (out2 / "a.md",)
    text = (out2 / "a.md").read_text(encoding="utf-8")
    assert text.count("imported_digest:") == 1 and text.count("imported_from:") == 1
    stamp = read_stamp(text.encode())
    assert stamp is not None and stamp.intact and stamp.file == "a.md"
