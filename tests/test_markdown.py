"""pipeline.markdown: both engines, their config, and the engine's effect on a built page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsarchive.cli import main
from newsarchive.config import MarkdownSettings, parse_config
from newsarchive.errors import ConfigError
from newsarchive.model import Article
from newsarchive.pipeline.enrich import body_html
from newsarchive.pipeline.markdown import render_markdown

BODY = """\
[TOC]

# Intro

A footnote[^1], [a link below](#details-code), [js](javascript:alert(1)) and
[out](https://example.org/).

## Details `code`

| a | b |
|---|---|
| 1 | 2 |

```python
print("hi")
```

- one
- two

<div onclick="evil()">raw <script>alert(1)</script><a href="javascript:x()">x</a></div>

!!! note
    Be careful.

## Details `code`

###### Deepest

[^1]: The note.
"""
MARKDOWN_IT = MarkdownSettings()
PYTHON_MARKDOWN = MarkdownSettings("python-markdown", ("tables", "fenced_code"))
PELICAN = MarkdownSettings("python-markdown", ("toc", "tables", "footnotes", "admonition",
                                               "fenced_code", "attr_list"))


def _html(body: str, settings: MarkdownSettings) -> str:
    return body_html(Article("a.md", "t", body, "markdown"), settings)


@pytest.mark.parametrize("settings", [MARKDOWN_IT, PYTHON_MARKDOWN, PELICAN],
                         ids=["markdown-it", "python-markdown", "python-markdown+extensions"])
def test_both_engines_shift_headings_give_ids_and_are_sanitised(
        settings: MarkdownSettings) -> None:
    html = _html(BODY, settings)
    assert "<h1" not in html
    assert '<h2 id="body-intro">Intro</h2>' in html
    assert ('<h3 id="body-details-code">Details <code>code</code></h3>' in html
            and '<h3 id="body-details-code-2">Details <code>code</code></h3>' in html)
    assert '<h6 id="body-deepest">Deepest</h6>' in html  # h6 stays h6
    assert 'href="#body-details-code"' in html
    assert "<td>1</td>" in html and "<li>one</li>" in html
    assert '<pre><code>print("hi")\n</code></pre>' in html
    assert '<a href="https://example.org/" rel="noopener noreferrer nofollow">out</a>' in html
    # no script, no event handler, no javascript: link (as text, a refused link is harmless)
    assert "<script" not in html and "onclick" not in html and "evil()" not in html
    assert "href=\"javascript" not in html and "x()" not in html
    assert "<div>raw <a rel=\"noopener noreferrer nofollow\">x</a></div>" in html


def test_python_markdown_extensions_produce_their_markup() -> None:
    html = _html(BODY, PELICAN)
    # footnotes: a numbered reference and the note, linked both ways
    assert '<sup id="body-fnref:1"><a href="#body-fn:1" rel="noopener noreferrer nofollow">1</a>' \
        in html
    assert '<li id="body-fn:1">\n<p>The note.' in html and 'href="#body-fnref:1"' in html
    # admonition: its title paragraph, then its body, in one block
    assert "<div>\n<p>Note</p>\n<p>Be careful.</p>\n</div>" in html
    # toc: a list linking to the ids the headings got
    assert '<li><a href="#body-intro" rel="noopener noreferrer nofollow">Intro</a><ul>' in html
    assert "[TOC]" not in html and "[^1]" not in html and "!!!" not in html


def test_markdown_it_leaves_extension_syntax_as_text() -> None:
    html = _html(BODY, MARKDOWN_IT)
    assert "<p>[TOC]</p>" in html and "<p>[^1]: The note.</p>" in html
    assert "<p>!!! note\nBe careful.</p>" in html


def test_an_id_written_in_the_text_is_kept_and_not_reused() -> None:
    html = _html("## Intro {#intro}\n\n# Intro\n\n[up](#intro)\n",
                 MarkdownSettings("python-markdown", ("attr_list",)))
    assert html.startswith('<h3 id="body-intro">Intro</h3>\n<h2 id="body-intro-2">Intro</h2>')
    assert 'href="#body-intro"' in html


def test_python_markdown_is_the_same_on_every_run() -> None:
    first = render_markdown(BODY, PELICAN)
    render_markdown("Other[^1] text.\n\n[^1]: other\n\n# Intro\n", PELICAN)
    assert render_markdown(BODY, PELICAN) == first
    assert first.count('id="fn:1"') == 1 and 'id="intro"' in first


def test_extension_options_reach_the_extension() -> None:
    settings = MarkdownSettings("python-markdown", ("toc",), {"toc": {"toc_depth": 1}})
    html = render_markdown("[TOC]\n\n# One\n\n## Two\n", settings)
    assert '<a href="#one">One</a>' in html and '<a href="#two">' not in html
    assert '<h2 id="one">One</h2>' in html and '<h3 id="two">Two</h3>' in html


@pytest.mark.parametrize(("text", "line", "message", "hint"), [
    ("title: x\nmarkdown:\n  engine: pandoc\n", 3, "unknown Markdown engine 'pandoc'",
     "engines: markdown-it, python-markdown"),
    ("markdown:\n  engine: python-markdown\n  extensions: [toc, nosuchext]\n", 3,
     "Markdown extension 'nosuchext' cannot be loaded: ModuleNotFoundError: No module named "
     "'nosuchext'",
     "check its name (toc, tables, footnotes, attr_list, admonition, fenced_code, md_in_html "
     "...) or install the package providing it"),
    ("markdown:\n  engine: python-markdown\n  extensions: [toc]\n  extension_configs:\n"
     "    toc: {colour: red}\n", 4, "Markdown extension 'toc' has no option 'colour'",
     "see the extension's documentation for its options"),
    ("markdown:\n  extensions: [toc]\n", 2, "Markdown extensions need the python-markdown "
     "engine", "set `engine: python-markdown` under markdown:, or remove the extensions"),
    ("markdown:\n  engine: python-markdown\n  extension_configs: {toc: {}}\n", 3,
     "'markdown.extension_configs' names 'toc', which is not in markdown.extensions",
     "add it: `extensions: [toc]`"),
    ("markdown: python-markdown\n", 1, "'markdown' must be a mapping",
     "keys: engine, extension_configs, extensions"),
    ("markdown:\n  extensions: toc\n", 2, "'markdown.extensions' must be a list", ""),
])
def test_a_bad_engine_or_extension_is_a_config_error_with_its_line(
        tmp_path: Path, text: str, line: int, message: str, hint: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "archive.yaml", tmp_path)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.path, diagnostic.line, diagnostic.message, diagnostic.hint) == (
        "archive.yaml", line, message, hint)


def test_a_good_markdown_section_parses(tmp_path: Path) -> None:
    config = parse_config("markdown:\n  engine: python-markdown\n  extensions: [toc, tables]\n"
                          "  extension_configs: {toc: {toc_depth: 2}}\n", "archive.yaml",
                          tmp_path)
    assert config.markdown == MarkdownSettings("python-markdown", ("toc", "tables"),
                                               {"toc": {"toc_depth": 2}})
    assert parse_config("", "archive.yaml", tmp_path).markdown.engine == "markdown-it"


ARTICLE = """\
---
title: Budget day
date: 2001-03-14
---
Intro[^1].

!!! note
    Be careful.

[^1]: The note.
"""


def test_switching_the_engine_changes_the_built_article_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "budget.md").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "archive.yaml").write_text("topics:\n  enabled: []\n", encoding="utf-8")

    def article_page() -> str:
        assert main(["build", "--quiet", "--no-search"]) == 0
        (page,) = [p for p in (tmp_path / "site").rglob("index.html")
                   if "budget-day" in p.parent.name]
        return page.read_text(encoding="utf-8")

    plain = article_page()
    assert "<p>Intro[^1].</p>" in plain and "<p>!!! note\nBe careful.</p>" in plain
    (tmp_path / "archive.yaml").write_text(
        "topics:\n  enabled: []\nmarkdown:\n  engine: python-markdown\n"
        "  extensions: [footnotes, admonition]\n", encoding="utf-8")
    extended = article_page()
    assert "[^1]" not in extended and '<li id="body-fn:1">' in extended
    assert "<p>Note</p>\n<p>Be careful.</p>" in extended
    (tmp_path / "archive.yaml").write_text("topics:\n  enabled: []\n", encoding="utf-8")
    assert article_page() == plain


@pytest.mark.parametrize("settings", [MARKDOWN_IT, MarkdownSettings("python-markdown", ())])
def test_the_highest_heading_of_a_body_is_h2_and_no_level_is_skipped(
        settings: MarkdownSettings) -> None:
    # Bodies that start at ## (most news copy) would give h3 right after the page's h1.
    html = _html("## Background\n\nText.\n\n### Detail\n\nMore.\n", settings)
    assert re.findall(r"<(h\d)\b", html) == ["h2", "h3"]
    html = _html("#### Only a small heading\n\nText.\n", settings)
    assert re.findall(r"<(h\d)\b", html) == ["h2"]
    html = _html("Text without headings.\n", settings)
    assert "<h" not in html
