"""Hostile input and faults: what a source file, a careless option or a broken disk
can make the build do.  Each case here failed before the fix it names.

The reader-level cases (YAML alias bombs, control characters, deep JSON) are
in ``test_reader_hostile.py``, the search bundle's in ``test_search_bundle.py``,
the dev server's in ``test_serve_hostile.py``, import's in
``test_import_safety.py``, and crashes and locks in ``test_crash.py`` and
``test_lock.py``.
"""

from __future__ import annotations

import errno
import json
import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.cli import main
from newsarchive.config import load_config
from newsarchive.errors import ConfigError, Diagnostic
from newsarchive.pipeline.output import OWNED_NAME, read_owned
from newsarchive.urls import safe_url, slugify

from sitekit import NO_TOPICS, build_site, make_site, md, snapshot, write_files

# --- URLs: one allow-list ------------------------------------------------------

#: The article page's RIS and BibTeX downloads: data URIs of citation types the
#: build makes itself (percent-encoded text a browser saves, never runs).
_CITATION_DOWNLOADS = ("data:application/x-research-info-systems;charset=utf-8;base64,",
                       "data:application/x-bibtex;charset=utf-8;base64,")
_SCRIPT_URLS = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "//evil.example/x",
    "/relative/path",
    "https:no-host",
    "file:///etc/passwd",
]


@pytest.mark.parametrize("url", _SCRIPT_URLS)
def test_safe_url_refuses_every_non_web_url(url: str) -> None:
    assert safe_url(url) is None
    assert safe_url(url, "page") is None


def test_safe_url_keeps_web_and_mail_links_without_what_browsers_strip() -> None:
    assert safe_url("  https://example.org/a?b=1#c \n") == "https://example.org/a?b=1#c"
    assert safe_url("HTTP://Example.org") == "HTTP://Example.org"
    assert safe_url("ht\ttps://example.org/") == "https://example.org/"
    assert safe_url("mailto:desk@example.org") == "mailto:desk@example.org"
    assert safe_url("mailto:desk@example.org", "page") is None


_ATTRS = ("href", "src", "action", "formaction", "poster", "srcset", "cite")


class _Urls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is not None and (name in _ATTRS or (
                    name == "content" and ("url" in str(dict(attrs).get("property", ""))))):
                self.urls.append(value)


def _unsafe_urls(site: Path) -> list[tuple[str, str]]:
    """Every URL in an attribute of an HTML or XML file that a browser would not
    treat as a web link, a mail link, an in-page fragment or a relative path."""
    found = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".xml") or path.parts[-2:-1] == ("pagefind",):
            continue
        text = path.read_text("utf-8")
        if path.suffix == ".xml":
            urls = [el.get("href") or "" for el in ET.fromstring(text).iter()
                    if el.get("href") is not None]
            urls += [el.text or "" for el in ET.fromstring(text).iter()
                     if el.tag.endswith("}loc")]
        else:
            parser = _Urls()
            parser.feed(text)
            urls = parser.urls
        for url in urls:
            cleaned = re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(0x21)))))
            scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
            if scheme and scheme.group(1).lower() not in ("http", "https", "mailto") and not (
                    cleaned.startswith(_CITATION_DOWNLOADS)):
                found.append((path.relative_to(site).as_posix(), url))
            if cleaned.startswith("//"):
                found.append((path.relative_to(site).as_posix(), url))
    return found


@pytest.mark.parametrize("key", ["url", "original_url", "canonical_url", "source_url", "link"])
def test_no_script_url_from_front_matter_reaches_a_page(tmp_path: Path, key: str) -> None:
    config = make_site(tmp_path, {
        "a.md": md("A", "2000-01-01", **{key: '"javascript:alert(1)"'}),
        "b.md": md("B", "2000-01-02", **{key: '" JaVa\\tScRiPt:alert(document.domain)"'}),
        "c.md": md("C", "2000-01-03", **{key: "https://example.org/c"}),
    })
    report = build_site(config)
    site = config.output_dir
    assert _unsafe_urls(site) == []
    everything = b"".join(snapshot(site).values()).lower()
    assert b"javascript:" not in everything and b"java\tscript" not in everything
    page_c = next(site.glob("2000/01/03/*/index.html")).read_text("utf-8")
    assert 'href="https://example.org/c"' in page_c
    dropped = [d for d in report.warnings if "dropped the URL" in d.message]
    assert {d.path for d in dropped} == {"a.md", "b.md"}
    assert [d.line for d in dropped] == [4, 4]  # ---, title, date, then the key


def test_no_script_url_from_a_json_record_reaches_a_page(tmp_path: Path) -> None:
    records = [{"title": "A", "date": "2000-01-01", "text": "Body.", "url": "javascript:x()"},
               {"title": "B", "date": "2000-01-02", "text": "Body.",
                "link": "data:text/html,<script>alert(1)</script>"}]
    config = make_site(tmp_path, {"dump.json": json.dumps(records)})
    build_site(config)
    assert _unsafe_urls(config.output_dir) == []
    assert b"javascript:" not in b"".join(snapshot(config.output_dir).values())


def test_script_and_data_urls_in_a_body_are_dropped_and_text_kept(tmp_path: Path) -> None:
    body = ('[click](javascript:alert(1)) <a href=" JAVASCRIPT:alert(2)">two</a> '
            '<img src="data:image/svg+xml,<svg onload=alert(3)>" alt="pic"> '
            '<a href="vbscript:x">three</a> [ok](https://example.org/ok)')
    config = make_site(tmp_path, {"a.md": md("A", "2000-01-01", body=body)})
    build_site(config)
    page = next(config.output_dir.glob("2000/01/01/*/index.html")).read_text("utf-8")
    assert _unsafe_urls(config.output_dir) == []
    assert "click" in page and "two" in page and "three" in page and "pic" in page
    assert 'href="https://example.org/ok"' in page


# --- names longer than a file system allows ----------------------------------

_WIDE = "\U00020000"  # a CJK Extension B letter: four bytes in UTF-8


def test_slugs_are_bounded_in_bytes_and_stay_apart() -> None:
    one, two = slugify(_WIDE * 80 + "a"), slugify(_WIDE * 80 + "b")
    assert len(one.encode("utf-8")) <= 160 and len(two.encode("utf-8")) <= 160
    assert one != two
    assert slugify("汉字" * 100) == slugify("汉字" * 100)  # stable
    assert slugify("Iran, Russia Reach ‘New Chapter’") == "iran-russia-reach-new-chapter"


def test_titles_and_terms_of_wide_characters_build(tmp_path: Path) -> None:
    config = make_site(tmp_path, {
        "a.md": md(_WIDE * 80, "2000-01-01", topics=f"[{_WIDE * 90}, {'ü' * 200}]"),
        "b.md": md(_WIDE * 81, "2000-01-01", body="Another."),
    })
    report = build_site(config)
    assert report.errors == () and report.articles == 2
    paths = [p.relative_to(config.output_dir) for p in config.output_dir.rglob("*")]
    assert max(len(part.encode("utf-8")) for p in paths for part in p.parts) <= 255
    assert max(len(str(p).encode("utf-8")) for p in paths) <= 4096
    assert len(list(config.output_dir.glob("2000/01/01/*/index.html"))) == 2


# --- dangerous output folders --------------------------------------------------

def _cli(tmp_path: Path, *args: str) -> list[str]:
    return ["build", "--config", str(tmp_path / "archive.yaml"), "--no-search", "--quiet",
            *args]


@pytest.mark.parametrize(("output", "message"), [
    ("seeds", "is or contains the source folder"),
    (".", "is or contains the source folder"),
    ("..", "is or contains the source folder"),
    ("/", "refusing to build into /"),
])
def test_output_folders_that_hold_the_sources_are_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], output: str, message: str) -> None:
    make_site(tmp_path / "site-root", {"a.md": md("A", "2000-01-01")})
    root = tmp_path / "site-root"
    before = sorted(p.as_posix() for p in root.rglob("*"))
    target = output if output == "/" else str(root / output)
    assert main(_cli(root, "--output", target)) == 2
    assert message in capsys.readouterr().err
    assert sorted(p.as_posix() for p in root.rglob("*")) == before


def test_output_dir_in_the_config_that_climbs_out_is_refused(tmp_path: Path) -> None:
    make_site(tmp_path, {"a.md": md("A", "2000-01-01")}, NO_TOPICS + "output_dir: ..\n")
    config = load_config(tmp_path / "archive.yaml", tmp_path)
    with pytest.raises(ConfigError) as caught:
        build_site(config)
    assert "is or contains the source folder" in caught.value.diagnostics[0].message


def test_the_home_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("mine", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    make_site(tmp_path / "s", {"a.md": md("A", "2000-01-01")})
    assert main(_cli(tmp_path / "s", "--output", str(home), "--force")) == 2
    assert "refusing to build into the home folder" in capsys.readouterr().err
    assert [p.name for p in home.iterdir()] == ["notes.txt"]


def test_a_non_empty_folder_no_build_wrote_needs_force(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_site(tmp_path, {"a.md": md("A", "2000-01-01")})
    out = tmp_path / "public"
    write_files(out, {"index.html": "my own page", "notes/keep.txt": "mine"})
    assert main(_cli(tmp_path, "--output", str(out))) == 2
    err = capsys.readouterr().err
    assert "holds files that no newsarchive build wrote" in err and "--force" in err
    assert (out / "index.html").read_text("utf-8") == "my own page"
    assert main(_cli(tmp_path, "--output", str(out), "--force")) == 0
    assert "my own page" not in (out / "index.html").read_text("utf-8")
    assert (out / "notes/keep.txt").read_text("utf-8") == "mine"
    # Once built, the folder is the build's own: no --force needed any more.
    assert main(_cli(tmp_path, "--output", str(out))) == 0


def test_an_output_that_is_a_file_is_a_diagnostic(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_site(tmp_path, {"a.md": md("A", "2000-01-01")})
    (tmp_path / "out").write_text("a file", encoding="utf-8")
    assert main(_cli(tmp_path, "--output", str(tmp_path / "out"))) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'out'}: error: the output {tmp_path / 'out'} is a file, not a folder" \
        in err
    assert "Traceback" not in err


# --- deleting or writing what the build did not write ---------------------------

def test_user_files_in_the_output_survive_every_build_and_prune(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"a.md": md("A", "2000-01-01"), "b.md": md("B", "2001-02-03")})
    build_site(config)
    out = config.output_dir
    write_files(out, {"googleabc.html": "verification", "2001/notes.txt": "mine"})
    (config.source_dir / "b.md").unlink()
    report = build_site(config)
    assert report.removed > 0 and not list(out.glob("2001/02/03/*/index.html"))
    assert (out / "googleabc.html").read_text("utf-8") == "verification"
    assert (out / "2001/notes.txt").read_text("utf-8") == "mine"


def test_a_file_in_the_way_of_a_new_page_is_left_alone_and_reported(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"a.md": md("A", "2000-01-01")})
    build_site(config)
    write_files(config.output_dir, {"2001/index.html": "hand made"})
    write_files(config.source_dir, {"b.md": md("B", "2001-02-03")})
    report = build_site(config)
    assert (config.output_dir / "2001/index.html").read_text("utf-8") == "hand made"
    [problem] = [d for d in report.errors if "in the way" in d.message]
    assert problem.path == (config.output_dir / "2001/index.html").as_posix()
    assert report.exit_status == 1
    assert list(config.output_dir.glob("2001/02/03/*/index.html"))  # the rest is built


def test_nothing_is_written_or_removed_through_a_linked_folder(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"a.md": md("A", "2000-01-01"), "b.md": md("B", "2001-02-03")})
    build_site(config)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("keep", encoding="utf-8")
    out = config.output_dir
    import shutil

    shutil.rmtree(out / "2001")
    os.symlink(elsewhere, out / "2001")
    (config.source_dir / "b.md").write_text(md("B changed", "2001-02-03"), encoding="utf-8")
    report = build_site(config, full=True)
    assert sorted(p.name for p in elsewhere.iterdir()) == ["precious.txt"]
    assert [d.path for d in report.errors] == [(out / "2001").as_posix()]
    assert "symbolic link" in report.errors[0].message
    (config.source_dir / "b.md").unlink()
    build_site(config)
    assert sorted(p.name for p in elsewhere.iterdir()) == ["precious.txt"]


# --- symlinks out of the source ---------------------------------------------------

def test_a_link_to_a_file_outside_the_source_is_not_published(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Root Password\n\nhunter2 is the password of the server.\n",
                      encoding="utf-8")
    config = make_site(tmp_path / "s", {"a.md": md("A", "2000-01-01")})
    os.symlink(secret, config.source_dir / "p.txt")
    os.symlink(tmp_path / "nowhere.md", config.source_dir / "dangling.md")
    report = build_site(config)
    assert report.articles == 1
    assert b"hunter2" not in b"".join(snapshot(config.output_dir).values())
    links = {d.path: d.message for d in report.warnings if "symbolic link" in d.message}
    assert set(links) == {"p.txt", "dangling.md"}
    assert "outside the source folder" in links["p.txt"]
    assert report.refused.keys() == {"p.txt", "dangling.md"}
    # The saved state answers the next build with the same warnings.
    again = build_site(config)
    assert {d.path for d in again.warnings if "symbolic link" in d.message} == set(links)


def test_follow_symlinks_reads_links_out_of_the_source(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "b.md").write_text(md("Shared", "2000-01-02"), encoding="utf-8")
    config = make_site(tmp_path / "s", {"a.md": md("A", "2000-01-01")},
                       NO_TOPICS + "follow_symlinks: true\n")
    os.symlink(tmp_path / "shared", config.source_dir / "shared")
    report = build_site(config)
    assert report.articles == 2 and not report.refused


# --- the cache lost or damaged ------------------------------------------------------

@pytest.mark.parametrize("damage", ["delete", "garbage"])
def test_stale_pages_are_pruned_when_the_cache_is_lost(tmp_path: Path, damage: str) -> None:
    config = make_site(tmp_path, {"a.md": md("A", "2000-01-01"), "b.md": md("B", "2001-02-03")})
    build_site(config)
    out = config.output_dir
    assert "2001/02/03/index.html" in (read_owned(out) or set())
    (config.source_dir / "b.md").unlink()
    import shutil

    if damage == "delete":
        shutil.rmtree(config.cache_dir)
    else:
        for path in config.cache_dir.rglob("*"):
            if path.is_file():
                path.write_bytes(b"\0garbage" * 100)
    build_site(config, full=True)
    assert not (out / "2001").exists()
    fresh = make_site(tmp_path / "clean", {"a.md": md("A", "2000-01-01")})
    build_site(fresh)
    assert snapshot(out) == snapshot(fresh.output_dir)


def test_the_output_manifest_lists_what_the_build_wrote(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"a.md": md("A", "2000-01-01")})
    build_site(config)
    out = config.output_dir
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert read_owned(out) == written - {OWNED_NAME}
    # Plain JSON, readable by any tool: the list is sorted.
    assert json.loads((out / OWNED_NAME).read_text("utf-8"))["files"] == sorted(
        written - {OWNED_NAME})


# --- failures a user can cause are diagnostics, never tracebacks --------------------

@pytest.mark.parametrize(("code", "strerror", "hint"), [
    (errno.ENOSPC, "No space left on device", "free some disk space"),
    (errno.EACCES, "Permission denied", "check the permissions"),
    (errno.EROFS, "Read-only file system", "read-only file system"),
])
def test_a_failing_disk_is_a_diagnostic(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch, code: int,
                                        strerror: str, hint: str) -> None:
    make_site(tmp_path, {"a.md": md("A", "2000-01-01")})

    def fail(src: object, dst: object) -> None:
        raise OSError(code, strerror, str(dst))

    monkeypatch.setattr(os, "replace", fail)
    assert main(_cli(tmp_path, "--executor", "serial")) == 1
    err = capsys.readouterr().err
    assert re.search(rf"^{re.escape(str(tmp_path / 'site'))}/\S+: error: cannot write: "
                     rf"{strerror}$", err, re.MULTILINE), err
    assert f"hint: {hint}" in err.lower() or hint in err
    assert "Traceback" not in err
    monkeypatch.undo()
    assert main(_cli(tmp_path)) == 0  # the next build finishes the job


def test_json_fields_of_the_wrong_type_are_a_config_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_site(tmp_path, {"a.md": md("A", "2000-01-01")})
    (tmp_path / "archive.yaml").write_text(
        NO_TOPICS + "read:\n  json_fields: {title: 5, body: [text, 7]}\n", encoding="utf-8")
    assert main(_cli(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "archive.yaml:4: error: read.json_fields.title must be a record key or a list of " \
        "record keys, not 5" in err
    assert "read.json_fields.body must be" in err and "Traceback" not in err


@pytest.mark.parametrize(("template", "where", "message"), [
    ('{% extends "base.html" %}{% block main %}\n{% if %}{% endblock %}',
     "templates/article.html:2:1: error: template syntax error: ", "Expected an expression"),
    ('{% extends "base.html" %}{% block main %}\n\n{{ page.nope.x }}{% endblock %}',
     "templates/article.html:3:9: error: template error: UndefinedError: ", "nope"),
    ('{% extends "base.html" %}{% block main %}{% include "gone.html" %}{% endblock %}',
     "templates: error: template not found: gone.html", ""),
])
@pytest.mark.parametrize("executor", ["serial", "local"])
def test_a_broken_template_is_a_located_diagnostic(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], template: str, where: str,
        message: str, executor: str) -> None:
    articles = {f"a{n:03d}.md": md(f"A {n}", "2000-01-01") for n in range(
        220 if executor == "local" else 1)}
    make_site(tmp_path, articles)
    write_files(tmp_path, {"templates/article.html": template})
    assert main(_cli(tmp_path, "--executor", executor)) == 1
    err = capsys.readouterr().err
    assert where in err and message in err
    assert "Traceback" not in err


def test_a_file_name_cannot_forge_a_diagnostic_line() -> None:
    forged = Diagnostic("a.md\nseeds/b.md:1:1: error: forged", 2, 1, "bad \x1b[2J title")
    lines = forged.format().split("\n")
    assert lines == ['"a.md\\nseeds/b.md:1:1: error: forged":2:1: error: bad \\x1b[2J title']


def test_a_source_named_with_a_newline_is_reported_quoted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_site(tmp_path, {"a.md": md("A", "2000-01-01"),
                         "b\nc.md": "---\ntitle: [unclosed\n---\n"})
    assert main(_cli(tmp_path)) == 1
    err = capsys.readouterr().err
    assert re.search(r'^"b\\nc\.md":\d+:\d+: error: invalid YAML', err, re.MULTILINE), err
    assert not any(line.startswith("c.md") for line in err.splitlines())


# --- properties: whatever the titles, URLs and front matter ------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
_URLS = st.one_of(st.sampled_from([*_SCRIPT_URLS, "https://example.org/x", "mailto:a@b.c"]),
                  _TEXT, st.builds(lambda a, b: a + ":" + b, _TEXT, _TEXT))


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(titles=st.lists(_TEXT, min_size=1, max_size=3), urls=st.lists(_URLS, min_size=3,
       max_size=3), extra=st.dictionaries(st.sampled_from(
           ["source", "summary", "author", "dateline", "slug", "tags", "lang", "image"]),
           _TEXT, max_size=4))
def test_no_output_holds_script_urls_nul_bytes_or_overlong_names(
        tmp_path_factory: pytest.TempPathFactory, titles: list[str], urls: list[str],
        extra: dict[str, str]) -> None:
    root = tmp_path_factory.mktemp("prop")
    files: dict[str, str | bytes] = {}
    for n, title in enumerate(titles):
        meta = {"title": title or "untitled", "date": f"2000-01-0{n + 1}",
                "original_url": urls[n % 3], "canonical_url": urls[(n + 1) % 3], **extra}
        files[f"p{n}.md"] = "---\n" + "\n".join(
            f"{k}: {json.dumps(v)}" for k, v in meta.items()) + "\n---\n" + title + "\n"
    records = [{"title": t, "date": "2001-01-01", "text": t + " body", "url": u}
               for t, u in zip(titles, urls, strict=False)]
    files["dump.jsonl"] = "\n".join(json.dumps(r) for r in records)
    files["raw.txt"] = (titles[0] or "Raw") + "\nPublished January 1, 2002\n\n" + (
        "".join(titles) + " text.")
    config = make_site(root, files)
    build_site(config)
    out = config.output_dir
    assert _unsafe_urls(out) == []
    for path in out.rglob("*"):
        relative = path.relative_to(out)
        assert all(len(part.encode("utf-8")) <= 255 for part in relative.parts)
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt"):
            data = path.read_bytes()
            assert b"\0" not in data, relative
        if path.suffix == ".xml":
            ET.fromstring(path.read_bytes())  # every feed and the sitemap parse as XML


def test_an_alias_bomb_in_archive_yaml_is_a_config_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_site(tmp_path, {"a.md": md("A", "2000-01-01")})
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[n]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    (tmp_path / "archive.yaml").write_text("title: T\nx:\n  " + "\n  ".join(lines) + "\n",
                                           encoding="utf-8")
    assert main(_cli(tmp_path)) == 2
    err = capsys.readouterr().err
    assert re.search(r"archive\.yaml:\d+:\d+: error: the config is too large after expanding "
                     r"YAML aliases", err), err


def test_a_control_character_in_the_site_title_is_a_config_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_site(tmp_path, {"a.md": md("A", "2000-01-01")})
    (tmp_path / "archive.yaml").write_text('title: "News\\x08 \\e[2J"\n', encoding="utf-8")
    assert main(_cli(tmp_path)) == 2
    assert "archive.yaml:1: error: 'title' holds a control character" in capsys.readouterr().err


def test_one_small_file_cannot_make_a_page_per_term_without_bound(tmp_path: Path) -> None:
    many = ", ".join(f"t{n}" for n in range(5000))
    records = [{"title": "R", "date": "2000-01-02", "text": "Body.",
                "tags": [f"r{n}" for n in range(300)]}]
    config = make_site(tmp_path, {"a.md": md("A", "2000-01-01", tags=f"[{many}]"),
                                  "r.jsonl": json.dumps(records[0])})
    report = build_site(config)
    cut = {d.path: d for d in report.warnings if "kept the first 100" in d.message}
    assert cut["a.md"].message == "'topics' lists 5,000 names; kept the first 100 of each"
    assert cut["r.jsonl"].message.startswith("record 1: 'topics' lists 300 names")
    assert cut["r.jsonl"].line == 1
    assert len(list((config.output_dir / "topics").glob("*/index.html"))) <= 201


def test_a_source_name_that_is_not_utf8_is_reported_not_a_crash(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = make_site(tmp_path, {"a.md": md("A", "2000-01-01")})
    with open(os.path.join(os.fsencode(config.source_dir), b"caf\xe9.md"), "wb") as handle:
        handle.write(md("B", "2000-01-02").encode("utf-8"))
    assert main(["build", "--config", str(tmp_path / "archive.yaml"), "--no-search"]) == 0
    err = capsys.readouterr().err
    assert '"caf\\udce9.md": warning: the name is not valid UTF-8; not read' in err
    assert "hint: rename it in UTF-8" in err
