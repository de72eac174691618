"""Compiled templates kept in the cache folder: used again, never stale, never in the way."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from newsarchive.pipeline import compiled
from newsarchive.pipeline.render import environment

from sitekit import build_site, make_site, md, snapshot

ARTICLES = {f"a{n}.md": md(f"Story {n}", f"2003-0{n}-11T10:00:00Z", f"Body {n}.")
            for n in range(1, 5)}


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from source while the test runs."""
    seen: list[str] = []
    original = jinja2.Environment.compile

    def spy(self: jinja2.Environment, source: object, name: str | None = None,
            *args: object, **kwargs: object) -> object:
        seen.append(str(name))
        return original(self, source, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", spy)
    return seen


def _kept(env: jinja2.Environment, folder: Path) -> compiled.CompiledTemplates:
    """A cache of ``folder`` keyed as ``env``'s (as another process would make it)."""
    assert isinstance(env.bytecode_cache, compiled.CompiledTemplates)
    return compiled.CompiledTemplates(str(folder), env.bytecode_cache.options)


def _render(templates: Path, folder: Path, name: str = "page.html") -> str:
    # A folder of templates of its own per call: environments are cached per process.
    env = environment(str(templates), (), "en", str(folder))
    return env.get_template(name).render(word="news")


def test_a_build_keeps_its_compiled_templates_and_the_pages_are_the_same(tmp_path: Path
                                                                         ) -> None:
    with_cache = make_site(tmp_path / "kept", ARTICLES)
    build_site(with_cache)
    kept = sorted((with_cache.cache_dir / compiled.FOLDER).iterdir())
    assert {path.suffix for path in kept} == {".jinja"}
    assert len(kept) >= 5  # the article page, listings, feed, and what they extend
    without = make_site(tmp_path / "plain", ARTICLES)
    build_site(without, use_cache=False)
    assert not (without.cache_dir / compiled.FOLDER).exists()
    assert snapshot(with_cache.output_dir) == snapshot(without.output_dir)


def test_a_kept_template_is_loaded_not_compiled(tmp_path: Path, compiles: list[str]) -> None:
    templates = tmp_path / "t1"
    templates.mkdir()
    (templates / "page.html").write_text("<p>{{ word }}</p>", encoding="utf-8")
    folder = tmp_path / "compiled"
    assert _render(templates, folder) == "<p>news</p>"
    assert compiles == ["page.html"]
    # The next build's process: an environment of its own on the same folder.
    compiles.clear()
    fresh = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)),
                               bytecode_cache=_kept(environment(str(templates), (), "en",
                                                                str(folder)), folder))
    assert fresh.get_template("page.html").render(word="news") == "<p>news</p>"
    assert compiles == []


def test_a_changed_template_is_compiled_again(tmp_path: Path, compiles: list[str]) -> None:
    templates = tmp_path / "t2"
    templates.mkdir()
    page = templates / "page.html"
    page.write_text("<p>{{ word }}</p>", encoding="utf-8")
    folder = tmp_path / "compiled"
    assert _render(templates, folder) == "<p>news</p>"
    page.write_text("<h1>{{ word }}</h1>", encoding="utf-8")
    other = tmp_path / "t2-again"
    other.symlink_to(templates)  # a new environment, as in the next build's process
    assert _render(other, folder) == "<h1>news</h1>"
    assert compiles == ["page.html", "page.html"]


def test_a_damaged_entry_is_compiled_again(tmp_path: Path, compiles: list[str]) -> None:
    templates = tmp_path / "t3"
    templates.mkdir()
    (templates / "page.html").write_text("<p>{{ word }}</p>", encoding="utf-8")
    folder = tmp_path / "compiled"
    _render(templates, folder)
    (entry,) = folder.iterdir()
    data = entry.read_bytes()
    for damaged in (data[:len(data) // 2], data[:12] + b"\x80\x02garbage", b""):
        entry.write_bytes(damaged)
        bucket = _kept(environment(str(templates), (), "en", str(folder)), folder)
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)),
                                 bytecode_cache=bucket)
        compiles.clear()
        assert env.get_template("page.html").render(word="x") == "<p>x</p>"
        assert compiles == ["page.html"]


def test_a_folder_that_cannot_be_made_only_costs_time(tmp_path: Path) -> None:
    templates = tmp_path / "t4"
    templates.mkdir()
    (templates / "page.html").write_text("<p>{{ word }}</p>", encoding="utf-8")
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert _render(templates, blocked / "compiled") == "<p>news</p>"
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_the_key_names_the_template_its_file_and_the_options(tmp_path: Path) -> None:
    bucket = compiled.CompiledTemplates(str(tmp_path), "trim")
    keys = {bucket.get_cache_key("page.html", "/a/page.html"),
            bucket.get_cache_key("page.html", "/b/page.html"),
            bucket.get_cache_key("other.html", "/a/page.html"),
            compiled.CompiledTemplates(str(tmp_path), "").get_cache_key("page.html",
                                                                       "/a/page.html")}
    assert len(keys) == 4
    assert compiled.folder_for(tmp_path) == str(tmp_path / "templates")
