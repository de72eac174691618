"""`newsarchive import`: every article as an editable page, idempotent, lossless."""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Mapping
from pathlib import Path

from newsarchive.config import Config, ReadSettings, TopicSettings, load_config
from newsarchive.importer import import_archive, page_name
from newsarchive.model import Article
from newsarchive.pipeline.read import read_source

SEED = Path(__file__).parents[1] / "seeds" / "000_e108047b8bec95fb.txt"
SAMPLES = Path(__file__).parent / "samples"


def fake_terms(title: str, text: str, settings: TopicSettings) -> Mapping[str, tuple[str, ...]]:
    """A deterministic stand-in for newsarchive.topics.extract_terms."""
    found = {"places": tuple(p for p in ("Iran", "Russia", "Gdańsk") if p in text),
             "people": ("Jane Doe",) if "Jane" in text else ()}
    return {key: value for key, value in found.items() if value}


def make_sources(root: Path) -> Path:
    src = root / "src"
    (src / "a").mkdir(parents=True)
    (src / "a" / "seed.txt").write_bytes(SEED.read_bytes())
    (src / "a" / "copy.txt").write_bytes(SEED.read_bytes())
    (src / "posts").mkdir()
    for name in ("markdown/hugo.md", "markdown/2019-02-28-modular-contracts.md",
                 "markdown/draft.md", "markdown/bad-yaml.md", "json/array.json",
                 "text/utf16.txt", "text/cp1252.txt"):
        (src / "posts" / Path(name).name).write_bytes((SAMPLES / name).read_bytes())
    (src / "notes.rst").write_text("not read\n")
    return src


def read_all(root: Path, prefix: str) -> dict[str, Article]:
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".md", ".txt", ".json"):
            relative = path.relative_to(root).as_posix()
            result = read_source(f"{prefix}/{relative}", path.read_bytes(),
                                 ReadSettings(include_drafts=True))
            for article in result.articles:
                out[page_name(relative, article.record, article.title)] = article
    return out


def _unrooted(path: str) -> str:
    """A path read under ``src/`` or ``out/`` (or an absolute one) without that root."""
    return path.split("/posts/", 1)[-1] if "/posts/" in path else path


def strip(article: Article) -> Article:
    """``article`` without what import adds or moves (provenance, derived terms, the
    folder its images are named from, the lines of their markers)."""
    body = re.sub(r"asset/[^\"?]*/posts/", "asset/posts/", article.body)
    body = re.sub(r"\?at=\d+\.\d+", "", body)
    images = tuple(dataclasses.replace(image, src=_unrooted(image.src))
                   for image in article.images)
    return dataclasses.replace(article, source_path="", record="", body_line=1, body=body,
                               images=images,
                               terms={k: v for k, v in article.terms.items()
                                      if k not in ("places", "people")},
                               extra={k: v for k, v in article.extra.items()
                                      if k not in ("imported_from", "imported_digest")})


def test_import_tree(tmp_path: Path) -> None:
    src = make_sources(tmp_path)
    out = tmp_path / "out"
    report = import_archive([src], out, Config(), extract_terms=fake_terms)
    written = sorted(p.relative_to(out).as_posix() for p in report.written)
    assert written == [
        "a/copy.md",
        "posts/2019-02-28-modular-contracts.md",
        "posts/array/0000-first.md",
        "posts/array/0003-bogus-date.md",
        "posts/array/0004-a-record-with-no-title-but-a-body-that-is-long-enough-to-be.md",
        "posts/cp1252.md",
        "posts/draft.md",
        "posts/hugo.md",
        "posts/utf16.md",
    ]
    assert report.unchanged == 0
    assert report.articles == 9
    assert report.duplicates == 1
    assert report.undated == 2
    assert report.skipped == (f"{src.as_posix()}/posts/bad-yaml.md",)
    assert any(d.message == "duplicate: has the same title and body as "
               f"{src.as_posix()}/a/copy.txt; skipped" for d in report.diagnostics)

    page = (out / "a/copy.md").read_text(encoding="utf-8")
    assert page.startswith(
        "---\ntitle: Iran, Russia Reach ‘New Chapter’ in Military Ties, Leaving US Fretting\n"
        "date: 2000-12-28T02:00:00+00:00\nsource: Al Bawaba\ndateline: TEHRAN\nagency: AFP\n"
        "copyright: © 2000 Al Bawaba (www.albawaba.com)\nformat: text\n"
        "places:\n- Iran\n- Russia\n"
        # Where the page came from, so a later import can update it in place.
        "imported_from:\n  file: a/copy.txt\n  record: ''\n  url: ''\n  digest: ")
    assert "\n---\n\nRussia on Thursday" in page
    assert "draft: true" in (out / "posts/draft.md").read_text(encoding="utf-8")

    # Reading the written pages gives the same articles as reading the sources.
    originals = {k: v for k, v in read_all(src, "src").items() if k != "a/seed.md"}
    imported = read_all(out, "out")
    assert set(imported) == set(originals)
    for name, article in originals.items():
        assert strip(imported[name]) == strip(article), name
    assert imported["posts/utf16.md"].terms == {"places": ("Gdańsk",)}

    again = import_archive([src], out, Config(), extract_terms=fake_terms)
    assert again.written == ()
    assert again.unchanged == 9


def test_same_page_claimed_twice(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text("---\ntitle: A\ndate: 2020-01-01\n---\nOne\n")
    (src / "a.txt").write_text("Another\n2020-01-02\n\nTwo\n")
    report = import_archive([src], tmp_path / "out", Config(), extract_terms=fake_terms)
    assert sorted(p.name for p in report.written) == ["a.md", "a.txt.md"]
    assert [d.message for d in report.diagnostics] == [
        "page a.md is already taken by another source; writing a.txt.md"]


def test_destination_inside_source_is_not_read(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("Title\n2020-01-02\n\nBody\n")
    first = import_archive([src], src / "imported", Config(), extract_terms=fake_terms)
    second = import_archive([src], src / "imported", Config(), extract_terms=fake_terms)
    assert [p.name for p in first.written] == ["a.md"]
    assert (second.written, second.unchanged) == ((), 1)


def test_single_file_source(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = import_archive([SAMPLES / "json" / "lines.jsonl"], out, Config(),
                            extract_terms=fake_terms)
    assert sorted(p.relative_to(out).as_posix() for p in report.written) == [
        "lines/0001-line-one.md", "lines/0003-line-three.md"]
    assert [d.line for d in report.diagnostics if d.severity == "error"] == [4]


def test_page_name() -> None:
    assert page_name("a/b.txt", "", "T") == "a/b.md"
    assert page_name("a.d/noext", "", "T") == "a.d/noext.md"
    assert page_name("dump.json", "12", "Ça va? Oui!") == "dump/0012-ça-va-oui.md"
    assert page_name("d.jsonl", "3", "!!!") == "d/0003-article.md"


def test_with_real_topic_extractor(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "seed.txt").write_bytes(SEED.read_bytes())
    report = import_archive([src], tmp_path / "out", Config())
    assert report.articles == 1
    page = (tmp_path / "out" / "seed.md").read_text(encoding="utf-8")
    assert "places:" in page


def test_import_carries_bundle_images(tmp_path: Path) -> None:
    """A Hugo bundle's image is copied beside the imported page, and a build of the
    import folder shows it."""
    bundle = Path(__file__).parent / "data" / "formats" / "hugo"
    out = tmp_path / "seeds"
    report = import_archive([bundle], out, Config(), extract_terms=fake_terms)
    pages = {p.relative_to(out).as_posix() for p in report.written}
    page = next(p for p in pages if p.startswith("news/2024/harbour-reopens"))
    copied = out / posixpath.dirname(page) / "photo.jpg"
    assert copied.read_bytes() == (bundle / "news/2024/harbour-reopens/photo.jpg").read_bytes()
    text = (out / page).read_text(encoding="utf-8")
    assert "images:\n- src: photo.jpg\n" in text
    from sitekit import build_site

    (tmp_path / "archive.yaml").write_text("topics: {enabled: []}\n", encoding="utf-8")
    config = load_config(tmp_path / "archive.yaml", tmp_path)
    build_site(config)
    built = next(config.output_dir.glob("2024/11/26/harbour-reopens*/photo.jpg"))
    assert built.read_bytes() == copied.read_bytes()


def test_import_reports_files_it_cannot_read(tmp_path: Path) -> None:
    """Nothing silent: a file no reader takes is named once and counted, in a folder
    or named directly, and never read as raw text."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text("---\ntitle: A\ndate: 2020-01-01\n---\nOne\n", encoding="utf-8")
    (src / "scan.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    odd = tmp_path / "export.xml"
    odd.write_text('<?xml version="1.0"?>\n<catalogue><book>x</book></catalogue>\n',
                   encoding="utf-8")
    report = import_archive([src, odd], tmp_path / "out", Config(), extract_terms=fake_terms)
    assert report.articles == 1
    assert report.not_read == (odd.as_posix(), f"{src.as_posix()}/scan.pdf")
    messages = {d.path: d.message for d in report.diagnostics}
    assert messages[f"{src.as_posix()}/scan.pdf"] == \
        "not an article format: a PDF document; not read"
    assert messages[odd.as_posix()] == ("not an article format: XML of a form no reader "
                                        "knows (root <catalogue>); not read")
