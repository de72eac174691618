"""The default theme: its documentation agrees with its templates, a site extends
or overrides it, editing it changes the build, the wheel carries it, and a broken
template is reported with its file, line and column by ``build`` and ``check``."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import jinja2.defaults
import pytest
from jinja2 import nodes
from jinja2.filters import FILTERS
from setuptools import Distribution  # type: ignore[import-untyped]

from newsarchive import theme
from newsarchive.cli import main
from newsarchive.config import Config
from newsarchive.model import Entry
from newsarchive.pipeline import render, template_check
from newsarchive.pipeline.index import build_archive
from newsarchive.pipeline.plan import PageSpec, plan_pages
from newsarchive.run import jobs

from sitekit import NO_TOPICS, build_site, make_site, md, write_files

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "templates"
DOC = REPO / "docs" / "theme.md"

#: Names a template's data comes from: the page context (see render.page_context_cards)
#: and ``item``, the name the theme gives an element of ``items``.
ROOTS = ("site", "page", "article", "items", "item", "updated")
#: Every ``page.kind`` plan_pages gives.
KINDS = {"index", "article", "period", "undated", "taxonomy", "term", "topics", "archive",
         "feed", "search", "404", "onthisday", "thread"}
#: Names Jinja itself provides in every template.
_JINJA_NAMES = {"loop", "self", "caller", "varargs", "kwargs",
                *jinja2.defaults.DEFAULT_NAMESPACE}


# --- what the templates use, and what docs/theme.md says they use --------------------

@dataclass
class Uses:
    """What one template uses (or one doc section lists): ``variables`` are context
    names and their first-level attributes (``page.title``, ``items``); ``macros``
    are calls into an imported template (``m.cards``); ``defines`` the macros a
    template defines."""

    variables: set[str] = field(default_factory=set)
    filters: set[str] = field(default_factory=set)
    globals: set[str] = field(default_factory=set)
    macros: set[str] = field(default_factory=set)
    defines: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)


def _environment() -> jinja2.Environment:
    return render.environment(None)


def _own_filters() -> set[str]:
    return set(_environment().filters) - set(FILTERS)


def _own_globals() -> set[str]:
    return set(_environment().globals) - set(jinja2.defaults.DEFAULT_NAMESPACE)


def _base_sets() -> set[str]:
    """Names base.html assigns at its top level (``site_dir``, ``chrome`` ...)."""
    tree = _environment().parse((TEMPLATES / "base.html").read_text(encoding="utf-8"))
    return {node.target.name for node in tree.body
            if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name)}


def template_uses(path: Path) -> Uses:
    """Walk the Jinja syntax tree of the template at ``path``."""
    tree = _environment().parse(path.read_text(encoding="utf-8"))
    imports = {n.target for n in tree.find_all(nodes.Import)}
    declared = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    declared |= imports | {n.name for n in tree.find_all(nodes.Macro)}
    if any(isinstance(n.template, nodes.Const) and n.template.value in ("base.html",
                                                                          "theme/base.html")
           for n in tree.find_all(nodes.Extends)):
        declared |= _base_sets()  # base.html's top-level {% set %} names reach every block
    for from_import in tree.find_all(nodes.FromImport):
        declared |= {n if isinstance(n, str) else n[1] for n in from_import.names}
    # An element of ``items`` is an item, whatever the loop calls it.
    aliases = {name: name for name in ("site", "page", "article", "item")}
    for loop in tree.find_all(nodes.For):
        if (isinstance(loop.iter, nodes.Name) and loop.iter.name == "items"
                and isinstance(loop.target, nodes.Name)):
            aliases[loop.target.name] = "item"
    uses = Uses(defines={n.name for n in tree.find_all(nodes.Macro)})
    for name in tree.find_all(nodes.Name):
        if name.ctx != "load" or name.name in declared or name.name in _JINJA_NAMES:
            continue
        (uses.globals if name.name in _own_globals() else uses.variables).add(name.name)
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            attribute = node.attr
        elif (isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const)
              and isinstance(node.arg.value, str)):
            attribute = node.arg.value
        else:
            continue
        owner = node.node
        if not isinstance(owner, nodes.Name):
            continue
        if owner.name in aliases:
            uses.variables.add(f"{aliases[owner.name]}.{attribute}")
        elif owner.name in imports:
            uses.macros.add(f"{owner.name}.{attribute}")
    uses.filters = {n.name for n in tree.find_all(nodes.Filter)} & _own_filters()
    return uses


_SECTION = re.compile(r"^### `([^`]+)`\s*$", re.MULTILINE)
_LIST = re.compile(r"^- (Page kinds|Filters|Globals|Macros|Defines):(.*)$", re.MULTILINE)
_ROW = re.compile(r"^\| `([^`]+)` \|", re.MULTILINE)
_FIELDS = {"Page kinds": "kinds", "Filters": "filters", "Globals": "globals",
           "Macros": "macros", "Defines": "defines"}


def _name(text: str) -> str:
    """``m.cards(items, heading='h2')`` -> ``m.cards``; ``page.prev.url`` -> ``page.prev``."""
    return ".".join(text.split("(")[0].split(".")[:2])


def documented() -> dict[str, Uses]:
    """Each template section of docs/theme.md: ``### `name` `` then its lists and
    its table of variables."""
    text = DOC.read_text(encoding="utf-8")
    part = text.split("\n## The templates\n", 1)[1].split("\n## ", 1)[0]
    pieces = _SECTION.split(part)
    sections: dict[str, Uses] = {}
    for name, body in zip(pieces[1::2], pieces[2::2], strict=True):
        uses = Uses(variables={_name(v) for v in _ROW.findall(body)})
        for label, values in _LIST.findall(body):
            getattr(uses, _FIELDS[label]).update(_name(v) for v in re.findall(r"`([^`]+)`",
                                                                               values))
        sections[name] = uses
    return sections


def _template_files() -> list[str]:
    return sorted(p.name for p in TEMPLATES.iterdir() if p.is_file())


def test_every_template_is_documented_and_every_documented_template_exists() -> None:
    assert sorted(documented()) == _template_files()


@pytest.mark.parametrize("name", _template_files())
def test_the_doc_lists_exactly_what_each_template_uses(name: str) -> None:
    uses, doc = template_uses(TEMPLATES / name), documented()[name]
    assert {v.split(".")[0] for v in doc.variables} <= set(ROOTS), doc.variables
    covered = doc.variables | {v.split(".")[0] for v in doc.variables}
    assert sorted(uses.variables - covered) == [], f"{name} uses these; docs/theme.md lacks them"
    used = uses.variables | {v.split(".")[0] for v in uses.variables}
    assert sorted(doc.variables - used) == [], f"docs/theme.md lists these; {name} doesn't use them"
    assert doc.filters == uses.filters
    assert doc.globals == uses.globals
    assert doc.macros == uses.macros
    assert doc.defines == uses.defines


def test_the_doc_check_fails_on_an_undocumented_variable(tmp_path: Path) -> None:
    edited = tmp_path / "search.html"
    edited.write_text((TEMPLATES / "search.html").read_text(encoding="utf-8").replace(
        '<h1>{{ _("Search") }}</h1>', "<h1>{{ page.subtitle }} {{ banner }}</h1>"),
        encoding="utf-8")
    uses = template_uses(edited)
    assert {"page.subtitle", "banner"} <= uses.variables - documented()["search.html"].variables


def _plan_of(config: Config) -> tuple[tuple[PageSpec, ...], dict[str, Entry]]:
    """The planned pages of a site and its (light) entries, as a build makes them."""
    entries: list[Entry] = []
    for path in sorted(config.source_dir.rglob("*.md")):
        (_, light), _ = jobs.load_one(config, path.relative_to(config.source_dir).as_posix(),
                                      path.read_bytes())
        entries += light
    archive, _ = build_archive(entries)
    return plan_pages(archive, config), {e.key: e for e in archive.entries}


_ARTICLES: dict[str, str | bytes] = {"a.md": md("First light", "2000-12-27", topics="[Weather]",
                                                thread="storm"),
             "b.md": md("Second light", "2000-12-28", "Rain all day.", topics="[Weather]",
                        thread="storm"),
             "c.md": md("No date at all")}


def test_the_documented_page_kinds_are_those_the_plan_gives(tmp_path: Path) -> None:
    config = make_site(tmp_path, _ARTICLES)
    specs, _ = _plan_of(config)
    planned = {(s.template, s.params["kind"]) for s in specs if s.template}
    doc = {(name, kind) for name, uses in documented().items() for kind in uses.kinds}
    assert planned == doc
    assert {kind for _, kind in planned} == KINDS


# --- a site extends or overrides the default theme ----------------------------------

def test_a_site_base_extends_the_theme_base_and_overrides_a_block(tmp_path: Path) -> None:
    config = make_site(tmp_path, _ARTICLES, NO_TOPICS + "search: false\n")
    write_files(tmp_path, {"templates/base.html": (
        '{% extends "theme/base.html" %}\n'
        "{% block description %}Site-wide override{% endblock %}\n")})
    config = make_site(tmp_path, {}, NO_TOPICS + "search: false\n")  # sees templates/
    assert config.templates_dir == (tmp_path / "templates").resolve()
    report = build_site(config)
    assert not report.errors, [d.format() for d in report.errors]
    out = config.output_dir
    for page in ("index.html", "404.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert '<meta name="description" content="Site-wide override">' in html
        assert '<header class="site-header">' in html  # the theme's markup around it
    article = (out / "2000/12/28/second-light/index.html").read_text(encoding="utf-8")
    assert '<header class="site-header">' in article and "Rain all day." in article


def test_a_site_template_replaces_the_theme_one_and_keeps_the_rest(tmp_path: Path) -> None:
    make_site(tmp_path, _ARTICLES)
    write_files(tmp_path, {"templates/search.html": (
        '{% extends "base.html" %}{% block main %}<p id="own-search">mine</p>{% endblock %}')})
    config = make_site(tmp_path, {}, NO_TOPICS + "search: false\n")
    build_site(config)
    assert '<p id="own-search">mine</p>' in (config.output_dir / "search/index.html").read_text(
        encoding="utf-8")
    assert 'class="site-header"' in (config.output_dir / "index.html").read_text(
        encoding="utf-8")


# --- the default theme is the checkout's top-level folders ---------------------------

def _forget_environments() -> None:
    """Drop the Jinja environments cached per templates folder (they hold the theme's
    folder as it was when they were made)."""
    for function in (render.environment, getattr(render, "_environment", None)):
        clear = getattr(function, "cache_clear", None)
        if clear is not None:
            clear()


@pytest.fixture
def own_theme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the default theme, in use as the default theme during the test."""
    root = tmp_path / "theme"
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, root / folder)
    theme.theme_root.cache_clear()
    monkeypatch.setattr(theme, "theme_root", lambda: root)
    _forget_environments()
    yield root
    monkeypatch.undo()
    _forget_environments()


def test_in_a_checkout_the_theme_is_the_top_level_folders() -> None:
    assert theme.templates_dir() == TEMPLATES
    assert theme.static_dir() == REPO / "static"
    # A copy built into the package would shadow edits to the top-level folders.
    assert not (REPO / "src" / "newsarchive" / "default_theme").exists()


def test_editing_the_default_theme_changes_the_built_site(tmp_path: Path, own_theme: Path
                                                          ) -> None:
    article = own_theme / "templates" / "article.html"
    text = article.read_text(encoding="utf-8")
    assert '<div class="article-body">' in text
    article.write_text(text.replace('<div class="article-body">',
                                    '<div class="article-body" data-edited="yes">'),
                       encoding="utf-8")
    (own_theme / "static" / "style.css").write_text("/* edited */\n", encoding="utf-8")
    config = make_site(tmp_path / "site", _ARTICLES, NO_TOPICS + "search: false\n")
    assert theme.templates_dir() == own_theme / "templates"
    report = build_site(config)
    assert not report.errors, [d.format() for d in report.errors]
    page = (config.output_dir / "2000/12/28/second-light/index.html").read_text(encoding="utf-8")
    assert '<div class="article-body" data-edited="yes">' in page
    assert (config.output_dir / "static/style.css").read_text(encoding="utf-8") == \
        "/* edited */\n"


# --- the wheel carries the theme -----------------------------------------------------

def test_the_wheel_build_copies_the_theme_into_the_package(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    # Runs setup.py's build_py (what `pip wheel` runs) into a folder; a whole wheel
    # needs a newer setuptools and `wheel` than an offline venv may have.
    spec = importlib.util.spec_from_file_location("newsarchive_setup", REPO / "setup.py")
    assert spec is not None and spec.loader is not None
    setup_py = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup_py)  # defines BuildWithTheme; setup() runs only as a script
    monkeypatch.chdir(REPO)
    dist = Distribution({"name": "newsarchive", "packages": ["newsarchive"],
                         "package_dir": {"": "src"}, "script_name": "setup.py"})
    command = setup_py.BuildWithTheme(dist)
    command.build_lib = str(tmp_path / "lib")
    command.ensure_finalized()
    command.run()
    packaged = tmp_path / "lib" / "newsarchive" / "default_theme"
    for name in _template_files():
        assert (packaged / "templates" / name).read_bytes() == (TEMPLATES / name).read_bytes()
    for name in ("style.css", "search.js", "favicon.svg"):
        assert (packaged / "static" / name).is_file()
    # Installed like that, newsarchive finds its theme in the package.
    found = subprocess.run(
        [sys.executable, "-c", "from newsarchive import theme; print(theme.templates_dir())"],
        cwd=tmp_path, env={"PYTHONPATH": str(tmp_path / "lib"), "PATH": ""},
        capture_output=True, text=True, check=True)
    assert found.stdout.strip() == str(packaged / "templates")


def test_the_sdist_carries_the_theme() -> None:
    lines = (REPO / "MANIFEST.in").read_text(encoding="utf-8").splitlines()
    assert {"graft templates", "graft static", "include setup.py"} <= set(lines)


# --- a broken template is located: file, line, column ---------------------------------

_SYNTAX_ERROR = ('{% extends "base.html" %}\n{% block main %}\n<h1>{{ article.title }}</h1>\n'
                 "<p>{{ article.title }} {% endfor %}</p>\n{% endblock %}\n")
_UNDEFINED_ATTRIBUTE = ('{% extends "base.html" %}\n{% block main %}\n'
                        "<h1>{{ article.title }}</h1>\n<p>By {{ article.author_name }}</p>\n"
                        "{% endblock %}\n")
_UNDEFINED_NAME = ('{% extends "base.html" %}\n{% block main %}\n\n'
                   "<p>byline: {{ article.title }} {{ byline }}</p>\n{% endblock %}\n")
_BROKEN = [
    (_SYNTAX_ERROR, "templates/article.html:4:24: error: template syntax error: "
                    "Encountered unknown tag 'endfor'."),
    (_UNDEFINED_ATTRIBUTE, "templates/article.html:4:18: error: template error: "
                           "UndefinedError: "),
    (_UNDEFINED_NAME, "templates/article.html:4:35: error: template error: UndefinedError: "
                      "'byline' is undefined"),
]


def _broken_site(tmp_path: Path, template: str, monkeypatch: pytest.MonkeyPatch) -> Config:
    config = make_site(tmp_path, _ARTICLES, NO_TOPICS + "search: false\n")
    write_files(tmp_path, {"templates/article.html": template})
    monkeypatch.chdir(tmp_path)
    return config


@pytest.mark.parametrize(("template", "expected"), _BROKEN)
def test_build_reports_a_broken_template_with_line_and_column(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        template: str, expected: str) -> None:
    _broken_site(tmp_path, template, monkeypatch)
    assert main(["build", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert expected in err, err
    assert "Traceback" not in err
    if "UndefinedError" in expected:
        assert "author_name" in err or "byline" in err


@pytest.mark.parametrize(("template", "expected"), _BROKEN)
def test_check_reports_a_broken_template_like_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        template: str, expected: str) -> None:
    _broken_site(tmp_path, template, monkeypatch)
    assert main(["check", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert expected in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "site").exists()  # check writes nothing


@pytest.mark.parametrize(("template", "expected"), _BROKEN)
def test_check_templates_finds_what_build_stops_at(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str, expected: str) -> None:
    config = _broken_site(tmp_path, template, monkeypatch)
    config = make_site(tmp_path, {}, NO_TOPICS + "search: false\n")  # sees templates/
    specs, entries = _plan_of(config)
    problems = template_check.check_templates(config, specs, entries)
    assert len(problems) == 1
    assert expected in problems[0].format()


def test_check_templates_passes_the_default_theme_and_reports_a_shared_error_once(
        tmp_path: Path) -> None:
    config = make_site(tmp_path, _ARTICLES, NO_TOPICS + "search: false\n")
    specs, entries = _plan_of(config)
    assert template_check.check_templates(config, specs, entries) == []
    write_files(tmp_path, {"templates/base.html": (
        '{% extends "theme/base.html" %}\n{% block head %}{{ site.nosuch }}{% endblock %}\n'),
        "templates/_macros.html": '{% import "theme/_macros.html" as t %}\n{{ t.card( }}\n'})
    config = make_site(tmp_path, {}, NO_TOPICS + "search: false\n")
    problems = [p.format().split("\n")[0] for p in template_check.check_templates(config, specs,
                                                                          entries)]
    assert problems == [
        "templates/_macros.html:2:1: error: template syntax error: unexpected '}', expected ')'",
        "templates/base.html:2:25: error: template error: UndefinedError: "
        "'newsarchive.pipeline.render._Fields object' has no attribute 'nosuch'",
    ], problems
