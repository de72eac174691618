"""The search bundle (search.py): the same articles give the same bytes, and the
step touches only what it wrote (project issues 18 and 11).

Tests that run Pagefind call ``require_pagefind()``: they skip, with the reason,
when it is not installed, and fail under ``CI=true``.  The refusal tests stop
before Pagefind would run, so they need none.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from browser_fixtures import require_pagefind
from newsarchive import cli
from newsarchive.run import search, search_bundle, search_install
from newsarchive.run.search import MANIFEST, IndexResult, index_site

ARTICLES = {
    "harbour.md": """\
---
title: Floods close the old harbour
date: 1998-03-04T09:30:00+00:00
source: Coast Gazette
authors: [Ana Reis]
places: [Portugal, Lisbon]
people: [João Mendes]
organizations: [Port Authority]
subjects: [Weather, Shipping]
---
Heavy rain flooded the harbour district of Lisbon, and the ferries stayed in port.
""",
    "reopens.md": """\
---
title: Harbour reopens after a year of repairs
date: 1999-07-21T12:00:00+00:00
source: Coast Gazette
authors: [Ana Reis, Rui Lopes]
places: [Lisbon, Porto]
people: [Marta Silva]
organizations: [Port Authority, Ferry Union]
subjects: [Shipping]
---
The old harbour reopened on Wednesday after a year of repairs to the flood walls.
""",
    "lisbonne.md": """\
---
title: Le port de Lisbonne rouvre ses quais
date: 2002-11-09T10:00:00+00:00
lang: fr
source: Journal du Port
places: [Lisbon, Portugal]
people: [Pedro Santos, Marta Silva]
organizations: [Port Authority]
subjects: [Shipping, Budget]
---
Le port de Lisbonne a rouvert ses quais samedi, après deux semaines de travaux.
""",
    "tempete.md": """\
---
title: Une tempête ferme le port de Porto
date: 2002-12-01T08:00:00+00:00
lang: fr
source: Journal du Port
places: [Porto]
people: [João Mendes]
organizations: [Ferry Union]
subjects: [Weather]
---
Une tempête a fermé le port de Porto, et les ferries sont restés à quai.
""",
}

#: A page as the theme writes an article: a body to index, filters, meta and a sort.
PAGE = """<!doctype html><html lang="{lang}"><head><title>{title}</title></head>
<body><main><article data-pagefind-body><h1 data-pagefind-meta="title">{title}</h1>
<time data-pagefind-sort="date" data-pagefind-meta="date">{date}</time>
<a data-pagefind-filter="year">{year}</a>{tags}<p>{title} words about the harbour</p>
</article></main></body></html>
"""
LEAVE_HINT = "move it away or delete it, then build again"


def _bundle_files(output: Path) -> dict[str, bytes]:
    """Every file under ``output/pagefind``: relative posix path to bytes."""
    bundle = output / "pagefind"
    return {path.relative_to(bundle).as_posix(): path.read_bytes()
            for path in sorted(bundle.rglob("*")) if path.is_file()}


def _listed(files: dict[str, bytes]) -> tuple[dict[str, str], set[str]]:
    """What the manifests among ``files`` (a bundle: relative path to bytes) list, as
    paths relative to the bundle, and the names of the manifests."""
    manifests = {name for name in files if name.rsplit("/", 1)[-1] in (
        MANIFEST, search_bundle.PART_MANIFEST)}
    listed: dict[str, str] = {}
    for name in manifests:
        folder = name.rpartition("/")[0]
        listed.update((f"{folder}/{relative}" if folder else relative, digest)
                      for relative, digest in json.loads(files[name])["files"].items())
    return listed, manifests


def _mtimes(output: Path) -> dict[str, int]:
    """Every file under ``output/pagefind``: relative posix path to ``st_mtime_ns``."""
    bundle = output / "pagefind"
    return {path.relative_to(bundle).as_posix(): path.stat().st_mtime_ns
            for path in sorted(bundle.rglob("*")) if path.is_file()}


def _snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder`` (links not followed): bytes of files, targets of links."""
    found: dict[str, bytes | str] = {}
    for root, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            path = Path(root) / name
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[key] = "-> " + os.readlink(path)
            elif path.is_file():
                found[key] = path.read_bytes()
            else:
                found[key] = "dir"
    return found


def _build(tmp_path: Path, output: Path, cwd: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Build ``ARTICLES`` into ``output`` from ``tmp_path/cwd`` (where the cache goes)."""
    source = tmp_path / "articles"
    if not source.exists():
        source.mkdir()
        for name, text in ARTICLES.items():
            (source / name).write_text(text, encoding="utf-8")
        (tmp_path / "archive.yaml").write_text("topics:\n  enabled: []\n", encoding="utf-8")
    (tmp_path / cwd).mkdir(exist_ok=True)
    monkeypatch.chdir(tmp_path / cwd)
    assert cli.main(["build", "--config", str(tmp_path / "archive.yaml"),
                     "--source", str(source), "--output", str(output),
                     "--base-url", "https://example.org/"]) == 0


def _page_site(root: Path, names: list[str]) -> Path:
    """Write an article page per name, in the order given, in three languages."""
    for name in names:
        number = int(name[1:])
        tags = "".join(f'<a data-pagefind-filter="tag">t{tag}</a>' for tag in range(number % 5))
        (root / name).mkdir(parents=True)
        (root / name / "index.html").write_text(PAGE.format(
            lang=("en", "fr", "de")[number % 3], title=f"Page {name}", date=f"19{number:02d}",
            year=1990 + number % 4, tags=tags), encoding="utf-8")
    (root / "index.html").write_text("<!doctype html><html><body>list</body></html>")
    return root


def _tiny_bundle(site: Path) -> Path:
    """Index a one-article site into ``site`` and return ``site/pagefind``."""
    _page_site(site, ["p01"])
    assert index_site(site, language="en").status == "indexed"
    return site / "pagefind"


# --- issue 18: the bundle is a function of the articles -------------------------------


def assert_refused(result: IndexResult, where: Path, message: str) -> None:
    """``result`` is the search step refusing ``where`` with ``message`` and the hint."""
    assert result.status == "failed"
    assert result.diagnostic is not None
    assert (result.diagnostic.path, result.diagnostic.message, result.diagnostic.hint,
            result.diagnostic.severity) == (where.as_posix(), message, LEAVE_HINT, "error")


def test_two_clean_builds_write_byte_identical_search_bundles(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_pagefind()
    _build(tmp_path, tmp_path / "one", "cwd-one", monkeypatch)
    _build(tmp_path, tmp_path / "two", "cwd-two", monkeypatch)
    one, two = _bundle_files(tmp_path / "one"), _bundle_files(tmp_path / "two")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    parts = json.loads(one["newsarchive-parts.json"])["parts"]
    assert [(part["key"], part["path"], part["indexes"]) for part in parts] == [
        ("2000s", "parts/2000s/", {"fr": 2}), ("1990s", "parts/1990s/", {"en": 2})], (
        "a part per decade, newest first; each article in its own language")
    entry = json.loads(one["parts/1990s/pagefind-entry.json"])
    assert {language: info["page_count"] for language, info in entry["languages"].items()} == {
        "en": 2}
    assert json.loads(one["newsarchive-languages.json"]) == {"en": "English", "fr": "français"}
    assert len([name for name in one if name.startswith("parts/1990s/filter/")]) >= 6
    listed, manifests = _listed(one)
    assert manifests == {MANIFEST, "parts/1990s/.newsarchive-part.json",
                         "parts/2000s/.newsarchive-part.json"}
    assert listed == {name: hashlib.sha256(data).hexdigest()
                      for name, data in one.items() if name not in manifests}
    assert json.loads(one["parts/1990s/.newsarchive-part.json"])["members"] == [
        "1998/03/04/floods-close-the-old-harbour/index.html",
        "1999/07/21/harbour-reopens-after-a-year-of-repairs/index.html"]
    assert not [name for name in json.loads(one[MANIFEST])["files"]
                if name.startswith("parts/")], "each part's files are in its own manifest"


def test_rebuilding_an_unchanged_site_rewrites_no_search_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_pagefind()
    output = tmp_path / "site"
    _build(tmp_path, output, "cwd", monkeypatch)
    before, files = _mtimes(output), _bundle_files(output)
    time.sleep(0.05)
    _build(tmp_path, output, "cwd", monkeypatch)
    assert _mtimes(output) == before
    result = index_site(output, language="en")  # Pagefind runs; nothing differs
    assert (result.status, result.pages, result.diagnostic) == ("indexed", 4, None)
    assert _mtimes(output) == before
    assert _bundle_files(output) == files
    assert sorted(p.name for p in output.iterdir() if p.name.startswith(".newsarchive-s")) == []


def test_the_bundle_does_not_depend_on_the_order_pages_were_written(tmp_path: Path) -> None:
    require_pagefind()
    names = [f"p{number:02d}" for number in range(24)]
    first = _page_site(tmp_path / "first", names)
    second = _page_site(tmp_path / "second", names[::-1])
    assert index_site(first).pages == index_site(second).pages == 24
    assert _bundle_files(first) == _bundle_files(second)
    entry = json.loads((first / "pagefind" / "pagefind-entry.json").read_bytes())
    assert list(entry["languages"]) == ["de", "en", "fr"]


FAKE_SERVICE = """\
'''A stand-in for `pagefind --service`: logs requests, answers a small bundle.'''
import base64, json, pathlib, sys
from newsarchive.run.search_bundle import _cbor_encode, _pagefind_gzip

log = pathlib.Path(__file__).parents[2] / "requests.jsonl"
with log.open("a") as record:
    record.write(json.dumps(sys.argv[1:]) + "\\n")
pages = 0
while True:
    raw = b""
    while not raw.endswith(b","):
        byte = sys.stdin.buffer.read(1)
        if not byte:
            sys.exit(0)
        raw += byte
    request = json.loads(base64.b64decode(raw[:-1]))
    payload = request["payload"]
    with log.open("a") as record:
        record.write(json.dumps(payload.get("file_path") or payload) + "\\n")
    if payload["type"] == "NewIndex":
        answer = {"type": "NewIndex", "index_id": 7}
    elif payload["type"] in ("AddFile", "AddRecord"):
        pages += 1
        answer = {"type": "IndexedFile", "page_word_count": 3,
                  "page_url": payload.get("file_path", payload.get("url")), "page_meta": {}}
    else:
        entry = {"version": "1.5.2", "include_characters": [],
                 "languages": {"fr": {"hash": "fr_m", "wasm": "fr", "page_count": pages},
                               "de": {"hash": "de_m", "wasm": "de", "page_count": 0}}}
        files = {"pagefind.js": b"// fake", "pagefind-entry.json": json.dumps(entry).encode()}
        for lang in ("fr", "de"):
            meta = ["1.5.2", [], [], [["year", lang + "_y"], ["places", lang + "_p"]],
                    [["title", [1, 0]], ["date", [0, 1]]], ["title"]]
            files[f"pagefind.{lang}_m.pf_meta"] = _pagefind_gzip(_cbor_encode(meta))
            for name, file, values in (
                    ("year", "_y", [["2001", [1]], ["1998", [0]]]),
                    ("places", "_p", [["Porto", [1]], ["Lisbon", [0, 1]], ["Évora", [0]]])):
                files[f"filter/{lang}{file}.pf_filter"] = _pagefind_gzip(
                    _cbor_encode([name, values]))
        answer = {"type": "GetFiles", "files": [
            {"path": path, "content": base64.b64encode(data).decode()}
            for path, data in files.items()]}
    response = {"message_id": request["message_id"], "payload": answer}
    sys.stdout.buffer.write(base64.b64encode(json.dumps(response).encode()) + b",")
    sys.stdout.buffer.flush()
"""


def test_pages_reach_pagefind_in_path_order_and_its_maps_are_sorted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "fake" / "pagefind"  # run as the binary Pagefind's package names
    fake.mkdir(parents=True)
    (fake / "__main__.py").write_text(f"#!{sys.executable}\n{FAKE_SERVICE}", encoding="utf-8")
    (fake / "__main__.py").chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake / "__main__.py"))
    site = tmp_path / "site"
    for name in ("b/index.html", "a/z.html", "a/index.html", "2001/c/index.html"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("<html><body><article data-pagefind-body>x</article>")
    (site / "index.html").write_text("<html><body>a listing page, not marked</body></html>")
    (site / ".hidden").mkdir()
    (site / ".hidden" / "index.html").write_text("<article data-pagefind-body>hidden")
    monkeypatch.setattr(search, "pagefind_available", lambda: True)

    result = index_site(site, language="fr-CA")

    assert (result.status, result.pages, result.diagnostic) == ("indexed", 4, None)
    lines = (tmp_path / "requests.jsonl").read_text().splitlines()
    runs = [[json.loads(line) for line in run.strip().splitlines()]
            for run in "\n".join(lines).split('["--service"]')[1:]]
    assert len(runs) == 2, "the pages (one part: no page is an article), then the anchor"
    log = runs[0]
    assert log[0] == {"type": "NewIndex", "config": None}, "no language is forced"
    assert log[1:-1] == ["2001/c/index.html", "a/index.html", "a/z.html", "b/index.html"]
    assert log[-1] == {"type": "GetFiles", "index_id": 7}
    assert [request["language"] for request in runs[1][1:-1]] == ["de", "fr"], (
        "a placeholder record per language of the parts")
    bundle = site / "pagefind" / "parts" / "other"
    entry = json.loads((bundle / "pagefind-entry.json").read_bytes())
    assert list(entry["languages"]) == ["de", "fr"]
    meta = _decode(bundle / f"pagefind.{entry['languages']['fr']['hash']}.pf_meta")
    assert [name for name, _ in meta[3]] == ["places", "year"]
    assert meta[4] == [["date", [0, 1]], ["title", [1, 0]]]
    places = _decode(bundle / "filter" / f"{meta[3][0][1]}.pf_filter")
    assert places == ["places", [["Lisbon", [0, 1]], ["Porto", [1]], ["Évora", [0]]]]
    assert meta[3][0][1] == "fr_" + "".join(
        f"{byte:x}" for byte in hashlib.sha1(search_bundle._cbor_encode(places)).digest())[:7]
    named = [f"pagefind.{entry['languages'][lang]['hash']}.pf_meta" for lang in ("de", "fr")]
    named += [f"filter/{name}.pf_filter" for lang in ("de", "fr")
              for name in _filter_names(bundle, entry["languages"][lang]["hash"])]
    assert sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*.pf_*")) == sorted(named)


def _decode(path: Path) -> list[Any]:
    """The CBOR content of a bundle data file."""
    value = search_bundle._read_cbor(path)
    assert isinstance(value, list)
    return value


def _filter_names(bundle: Path, meta_hash: str) -> list[str]:
    """The names of the filter files that the meta file ``meta_hash`` lists."""
    filters = _decode(bundle / f"pagefind.{meta_hash}.pf_meta")[3]
    assert isinstance(filters, list)
    return [str(pair[1]) for pair in filters]


def test_a_pagefind_format_it_does_not_know_is_kept_as_is_with_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    odd = {"pagefind-entry.json": b'{"languages":{"en":{"hash":"en_m","page_count":2}}}',
           "pagefind.en_m.pf_meta": gzip.compress(b"pagefind_dcd\xa1\x01\x02")}  # a CBOR map

    def service(output_dir: Path, pages: object, staged: Path, *_: object,
                **__: object) -> None:
        staged.mkdir()
        for name, data in odd.items():
            (staged / name).write_bytes(data)

    monkeypatch.setattr(search, "pagefind_available", lambda: True)
    monkeypatch.setattr(search, "run_service", service)
    site = tmp_path / "site"
    (site / "2001" / "05" / "06" / "a").mkdir(parents=True)
    (site / "2001" / "05" / "06" / "a" / "index.html").write_text("<html></html>")

    result = index_site(site)

    assert (result.status, result.pages) == ("indexed", 2)
    assert result.diagnostic is not None
    assert result.diagnostic.format() == (
        f"{(site / 'pagefind' / 'parts' / '2000s' / 'pagefind-entry.json').as_posix()}: "
        "warning: the search index "
        "may differ between two builds of the same site: pagefind.en_m.pf_meta does not "
        "encode back to its own bytes\n"
        "  hint: newsarchive orders the bundle of Pagefind 1.5; install it with: "
        "pip install 'pagefind[extended]>=1.5,<1.6'")
    files = _bundle_files(site)
    assert files.pop(MANIFEST)
    assert files.pop("parts/2000s/.newsarchive-part.json")
    assert {name: data for name, data in files.items() if name.startswith("parts/")} == {
        f"parts/2000s/{name}": data for name, data in odd.items()}, "kept as Pagefind wrote it"
    assert {name: data for name, data in files.items() if not name.startswith("parts/")
            and not name.startswith("newsarchive-")} == odd


# --- issue 11: the step touches only what it wrote -------------------------------------


@pytest.fixture
def pretend_pagefind(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind counts as installed, but running it fails the test."""
    def never(*_: object, **__: object) -> str:
        raise AssertionError("Pagefind must not run")

    monkeypatch.setattr(search, "pagefind_available", lambda: True)
    monkeypatch.setattr(search, "run_service", never)


def test_a_pagefind_folder_it_did_not_write_is_left_alone(tmp_path: Path,
                                                          pretend_pagefind: None) -> None:
    site = tmp_path / "site"
    (site / "pagefind" / "sub").mkdir(parents=True)
    (site / "pagefind" / "pagefind.js").write_bytes(b"my own search")
    (site / "pagefind" / "sub" / "notes.txt").write_bytes(b"\x00notes")
    (site / ".pagefind-new").mkdir()
    (site / ".pagefind-new" / "keep.txt").write_bytes(b"keep")
    before = _snapshot(site)

    result = index_site(site, language="en")

    assert_refused(result, site / "pagefind",
                   "pagefind/ exists and was not written by newsarchive; left alone")
    assert _snapshot(site) == before


def test_a_pagefind_file_in_place_of_the_folder_is_left_alone(tmp_path: Path,
                                                              pretend_pagefind: None) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "pagefind").write_bytes(b"a file")
    result = index_site(site)
    assert_refused(result, site / "pagefind",
                   "pagefind/ exists and was not written by newsarchive; left alone")
    assert (site / "pagefind").read_bytes() == b"a file"


def test_a_symlinked_pagefind_folder_is_never_followed(tmp_path: Path,
                                                       pretend_pagefind: None) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "pagefind.js").write_bytes(b"precious")
    (elsewhere / MANIFEST).write_text('{"generator": "newsarchive", "format": 1, '
                                      '"files": {"pagefind.js": "0"}}')
    site = tmp_path / "site"
    site.mkdir()
    (site / "pagefind").symlink_to(elsewhere, target_is_directory=True)
    before, outside = _snapshot(site), _snapshot(elsewhere)

    for changed in (True, False):
        result = index_site(site, changed=changed)
        assert_refused(result, site / "pagefind",
                       "pagefind/ is a symbolic link, which newsarchive does not follow; "
                       "left alone")
    assert _snapshot(site) == before
    assert _snapshot(elsewhere) == outside


def test_a_foreign_folder_is_not_reported_unchanged(tmp_path: Path,
                                                    pretend_pagefind: None) -> None:
    site = tmp_path / "site"
    (site / "pagefind").mkdir(parents=True)
    (site / "pagefind" / "pagefind.js").write_bytes(b"")
    assert index_site(site, changed=False).status == "failed"


def test_a_bundle_it_wrote_is_unchanged_when_nothing_changed(tmp_path: Path,
                                                             pretend_pagefind: None) -> None:
    bundle = tmp_path / "site" / "pagefind"
    bundle.mkdir(parents=True)
    (bundle / "pagefind.js").write_bytes(b"")
    (bundle / MANIFEST).write_bytes(search_install._manifest_bytes({"pagefind.js": "e3b0"}, {}))
    assert index_site(tmp_path / "site", changed=False) == IndexResult("unchanged")


def test_a_symlinked_folder_inside_the_bundle_is_never_followed(tmp_path: Path) -> None:
    require_pagefind()
    site = tmp_path / "site"
    bundle = _tiny_bundle(site)
    elsewhere = tmp_path / "elsewhere"
    (bundle / "fragment").rename(elsewhere)
    (bundle / "fragment").symlink_to(elsewhere, target_is_directory=True)
    (site / "p01" / "index.html").write_text(
        (site / "p01" / "index.html").read_text().replace("harbour", "river"))
    before, outside = _snapshot(site), _snapshot(elsewhere)

    result = index_site(site, language="en")

    assert_refused(result, bundle / "fragment",
                   "pagefind/fragment is a symbolic link, which newsarchive does not follow; "
                   "left alone")
    assert _snapshot(site) == before
    assert _snapshot(elsewhere) == outside


def test_a_bundle_file_never_replaces_a_file_it_did_not_write(tmp_path: Path) -> None:
    require_pagefind()
    site = tmp_path / "site"
    bundle = _tiny_bundle(site)
    manifest = json.loads((bundle / MANIFEST).read_bytes())
    del manifest["files"]["pagefind-ui.js"]
    (bundle / MANIFEST).write_text(json.dumps(manifest))
    (bundle / "pagefind-ui.js").write_bytes(b"the user's own UI")
    before = _snapshot(site)

    result = index_site(site, language="en")

    assert_refused(result, bundle / "pagefind-ui.js",
                   "pagefind/pagefind-ui.js exists and was not written by newsarchive; "
                   "left alone")
    assert _snapshot(site) == before


def test_files_of_the_user_in_the_bundle_are_kept_and_reported_once(tmp_path: Path) -> None:
    require_pagefind()
    site = tmp_path / "site"
    bundle = _tiny_bundle(site)
    (bundle / "notes.txt").write_bytes(b"mine")
    (bundle / "fragment" / "extra.txt").write_bytes(b"also mine")
    _page_site(site / "more", ["p02"])  # one more article: the bundle changes

    result = index_site(site, language="en")

    assert (result.status, result.pages) == ("indexed", 2)
    assert result.diagnostic is not None
    assert result.diagnostic.format() == (
        f"{(bundle / 'fragment' / 'extra.txt').as_posix()}: warning: pagefind/fragment/"
        "extra.txt was not written by newsarchive; kept in the search bundle (and 1 more)\n"
        "  hint: newsarchive leaves it alone; move it out of pagefind/ unless it is meant "
        "to be published")
    assert (bundle / "notes.txt").read_bytes() == b"mine"
    assert (bundle / "fragment" / "extra.txt").read_bytes() == b"also mine"
    assert "notes.txt" not in json.loads((bundle / MANIFEST).read_bytes())["files"]


def test_only_listed_files_of_the_old_bundle_are_removed(tmp_path: Path) -> None:
    require_pagefind()
    site = tmp_path / "site"
    _page_site(site, ["p01", "p02"])
    assert index_site(site).pages == 2
    bundle = site / "pagefind"
    part = bundle / "parts" / "other"
    before = _bundle_files(site)
    old = json.loads((part / search_bundle.PART_MANIFEST).read_bytes())
    # An interrupted run may leave a manifest that lists a file which is not there.
    old["files"]["fragment/en_gone.pf_fragment"] = "0"
    (part / search_bundle.PART_MANIFEST).write_text(json.dumps(old))
    (part / "fragment" / "mine.txt").write_bytes(b"mine")
    (bundle / "fragment" / "also-mine.txt").write_bytes(b"also mine")
    (site / "p02" / "index.html").unlink()
    (site / "p02").rmdir()

    assert index_site(site).pages == 1

    after = _bundle_files(site)
    listed, manifests = _listed(after)
    new = json.loads(after["parts/other/.newsarchive-part.json"])
    assert len([name for name in new["files"] if name.startswith("fragment/")]) == 1
    assert new["members"] == ["p01/index.html"]
    assert set(after) == {*listed, *manifests, "parts/other/fragment/mine.txt",
                          "fragment/also-mine.txt"}
    dropped = set(_listed(before)[0]) - set(listed)
    assert dropped and not dropped & set(after), "files only the old bundle had are deleted"


@pytest.mark.parametrize("changed", [True, False], ids=["edit", "full"])
def test_pages_of_a_part_whose_manifest_is_lost_are_not_lost(tmp_path: Path,
                                                              changed: bool) -> None:
    require_pagefind()
    site = tmp_path / "site"
    _page_site(site, ["p01", "p02", "p03"])  # pages outside the dated folders: part "other"
    assert index_site(site).pages == 3
    before = _bundle_files(site)
    (site / "pagefind" / "parts" / "other" / search_bundle.PART_MANIFEST).unlink()

    result = index_site(site, changed={"p01/index.html"} if changed else True)

    assert (result.status, result.pages, result.diagnostic) == ("indexed", 3, None), (
        "the part's pages are found again, not only the changed one")
    assert _bundle_files(site) == before

    page = site / "p02" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("harbour", "lighthouse"),
                    encoding="utf-8")
    (site / "pagefind" / "parts" / "other" / search_bundle.PART_MANIFEST).unlink()
    kept = _snapshot(site / "pagefind")

    result = index_site(site, changed={"p02/index.html"} if changed else True)

    entry = site / "pagefind" / "parts" / "other" / "pagefind-entry.json"
    assert_refused(result, entry, "pagefind/parts/other/pagefind-entry.json exists and was "
                   "not written by newsarchive; left alone")
    assert _snapshot(site / "pagefind") == kept, "files no manifest lists are not replaced"


def test_temporary_folders_are_its_own_and_removed(tmp_path: Path) -> None:
    require_pagefind()
    site = tmp_path / "site"
    _page_site(site, ["p01"])
    for name in (".pagefind-new", ".pagefind-old", ".newsarchive-search-mine"):
        (site / name).mkdir()
        (site / name / "file.txt").write_bytes(name.encode())
    before = _snapshot(site)

    assert index_site(site).status == "indexed"

    after = _snapshot(site)
    assert {key: value for key, value in after.items()
            if not key.startswith("pagefind")} == before


def _index_into_list(site: Path, results: list[IndexResult]) -> None:
    """Index ``site`` and append the result to ``results`` (run in a thread)."""
    results.append(index_site(site))


def test_two_runs_at_once_leave_a_complete_bundle(tmp_path: Path) -> None:
    require_pagefind()
    site = tmp_path / "site"
    _page_site(site, [f"p{number:02d}" for number in range(6)])
    for _ in range(2):  # onto a fresh output, then over the bundle they wrote
        results: list[IndexResult] = []
        runs = [threading.Thread(target=_index_into_list, args=(site, results))
                for _ in range(2)]
        for run in runs:
            run.start()
        for run in runs:
            run.join()
        assert [(r.status, r.pages, r.diagnostic) for r in results] == [("indexed", 6, None)] * 2
        files = _bundle_files(site)
        listed, manifests = _listed(files)
        assert listed == {name: hashlib.sha256(data).hexdigest() for name, data in files.items()
                          if name not in manifests}
        assert [p.name for p in site.iterdir() if p.name.startswith(".")] == []


def test_a_temporary_folder_left_by_a_killed_run_is_removed(tmp_path: Path) -> None:
    require_pagefind()
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text("<html><body data-pagefind-body><h1>A</h1></body></html>",
                                 encoding="utf-8")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    orphan = site / f".newsarchive-search-{gone}-abcdefgh"
    (orphan / "pagefind").mkdir(parents=True)
    alive = site / f".newsarchive-search-{os.getppid()}-abcdefgh"  # a live process's
    alive.mkdir()
    assert index_site(site).status == "indexed"
    assert not orphan.exists() and alive.is_dir()
