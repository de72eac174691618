"""Plugins through entry points: readers, sniffing, page families, templates, filters, hooks.

The worked example of docs/plugins.md (``tests/plugin_example``) is installed
for each test without pip: its package and a ``*.dist-info`` folder go into a
temporary folder put on ``sys.path``, where ``importlib.metadata`` finds its
entry point.  Builds run in process (``SerialExecutor``): worker processes
would not see that folder, as they see a pip-installed plugin.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsarchive import hooks
from newsarchive.cli import main
from newsarchive.config import Config
from newsarchive.errors import ConfigError, Diagnostic
from newsarchive.model import BuildReport
from newsarchive.pipeline.render import template_digests

from sitekit import NO_TOPICS, build_site, full_build_of, make_site, md, snapshot

EXAMPLE = Path(__file__).parent / "plugin_example" / "newsarchive_calendar"
SETTINGS = "base_url: https://example.org/\n" + NO_TOPICS
CALENDAR = "plugins: [calendar]\n" + SETTINGS
WIRE = ("date,title,source,body\n"
        "2001-03-02,Harbour reopens,Coast Wire,The harbour reopened on Friday.\n"
        "2001-03-20,Ferry strike ends,Coast Wire,\"Crews returned, the union said.\"\n"
        "2001-04-05,New lighthouse keeper,Coast Wire,A keeper was named.\n"
        "2001-04-07,Council votes budget,Town Crier,The budget passed.\n")


def install(root: Path, monkeypatch: pytest.MonkeyPatch, dist: str, points: dict[str, str],
            modules: dict[str, str] | None = None, package: Path | None = None) -> None:
    """Make the distribution ``dist`` (version 0.1) with the entry ``points`` importable:
    ``package`` copied, or ``modules`` written, below ``root`` put on ``sys.path``."""
    site = root / "site-packages"
    site.mkdir(parents=True, exist_ok=True)
    if package is not None:
        shutil.copytree(package, site / package.name, ignore=shutil.ignore_patterns("__pycache__"))
    for name, source in (modules or {}).items():
        (site / f"{name}.py").write_text(source, encoding="utf-8")
    info = site / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n",
                                   encoding="utf-8")
    lines = [f"{name} = {value}" for name, value in points.items()]
    (info / "entry_points.txt").write_text(
        "\n".join([f"[{hooks.GROUP}]", *lines, ""]), encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    hooks.clear()


@pytest.fixture(autouse=True)
def _forget_plugins() -> Iterator[None]:
    """Each test loads its own plugins: forget those of the test before."""
    hooks.clear()
    yield
    hooks.clear()
    for name in ("newsarchive_calendar", "boom_plugin", "bad_plugins"):
        sys.modules.pop(name, None)


@pytest.fixture
def calendar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install(tmp_path / "plugin", monkeypatch, "newsarchive-calendar",
            {"calendar": "newsarchive_calendar:register"}, package=EXAMPLE)


def _site(root: Path, extra: dict[str, str | bytes] | None = None,
          config: str = CALENDAR) -> Config:
    return make_site(root, {"wire.csv": WIRE,
                            "daily/1.md": md("Mayor resigns", "2001-03-05", "He left.",
                                             source="Coast Wire"),
                            **(extra or {})}, config)


def _html(config: Config, path: str) -> str:
    return (config.output_dir / path).read_text(encoding="utf-8")


@pytest.mark.usefixtures("calendar")
def test_reader_rows_become_articles_with_pages(tmp_path: Path) -> None:
    config = _site(tmp_path / "s")
    report = build_site(config)
    assert (report.exit_status, report.articles, report.diagnostics) == (0, 5, ())
    page = _html(config, "2001/03/20/ferry-strike-ends/index.html")
    assert "Crews returned, the union said." in page
    assert "Coast Wire" in page
    assert "Council votes budget" in _html(config, "sources/town-crier/index.html")


@pytest.mark.usefixtures("calendar")
def test_calendar_pages_use_the_plugin_template_and_filter(tmp_path: Path) -> None:
    config = _site(tmp_path / "s")
    build_site(config)
    page = _html(config, "calendar/coast-wire/index.html")
    assert "<h1>Coast Wire by month</h1>" in page
    months = [line for line in page.splitlines() if 'class="calendar-month"' in line]
    assert months == ['<h2 class="calendar-month">March 2001</h2>',
                      '<h2 class="calendar-month">April 2001</h2>']
    titles = ["Harbour reopens", "Mayor resigns", "Ferry strike ends", "New lighthouse keeper"]
    assert [page.index(t) for t in titles] == sorted(page.index(t) for t in titles)
    assert "Council votes budget" not in page
    assert "Council votes budget" in _html(config, "calendar/town-crier/index.html")
    sitemap = _html(config, "sitemap.xml")
    assert "calendar/coast-wire/" in sitemap and "calendar/town-crier/" in sitemap


@pytest.mark.usefixtures("calendar")
def test_a_plugin_page_takes_the_direction_of_a_right_to_left_site(tmp_path: Path) -> None:
    config = _site(tmp_path / "s", config=CALENDAR + "language: ar\n")
    build_site(config)
    assert '<html lang="ar" dir="rtl">' in _html(config, "calendar/coast-wire/index.html")


@pytest.mark.usefixtures("calendar")
def test_editing_a_plugin_read_file_rebuilds_like_a_full_build(tmp_path: Path) -> None:
    config = _site(tmp_path / "s")
    build_site(config)
    assert build_site(config).written == 0
    wire = config.source_dir / "wire.csv"
    wire.write_text(WIRE.replace("Ferry strike ends", "Ferry strike is over"), encoding="utf-8")
    report = build_site(config)
    assert "calendar/coast-wire/index.html" in report.written_paths
    assert "calendar/town-crier/index.html" not in report.written_paths
    assert "Ferry strike is over" in _html(config, "calendar/coast-wire/index.html")
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)
    # A row moved to another month and another source: the full path.
    wire.write_text(WIRE.replace("2001-03-02,Harbour reopens,Coast Wire",
                                 "2001-05-02,Harbour reopens,Town Crier"), encoding="utf-8")
    report = build_site(config)
    assert {"calendar/coast-wire/index.html", "calendar/town-crier/index.html"} <= set(
        report.written_paths)
    assert "May 2001" in _html(config, "calendar/town-crier/index.html")
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)


@pytest.mark.usefixtures("calendar")
def test_sniffing_claims_a_file_whose_suffix_no_reader_takes(tmp_path: Path) -> None:
    config = _site(tmp_path / "s", {
        "feeds/wire.dat": ("date,title,source,body\n"
                           "2002-01-09,Night ferry sails,Night Desk,It sailed at ten.\n"),
        "feeds/notes.dat": "just some notes\n",
        "feeds/wire.dat~": WIRE,  # an editor's backup: never sniffed
    })
    report = build_site(config)
    assert (report.exit_status, report.articles) == (0, 6)
    assert "Night ferry sails" in _html(config, "calendar/night-desk/index.html")
    # Nobody reads the notes: reported once, counted, never read as prose;
    # the editor's backup is not a source at all.
    assert report.not_read == {"feeds/notes.dat": "text of a form no reader knows"}
    assert [d.path for d in report.diagnostics] == ["feeds/notes.dat"]
    assert report.sources == 4  # wire.csv, daily/1.md and both .dat files


@pytest.mark.usefixtures("calendar")
def test_row_errors_are_diagnostics_with_lines(tmp_path: Path) -> None:
    config = _site(tmp_path / "s", {"bad.csv": "date,title,source,body\n"
                                               "March 2,No ISO date,Wire,x\n"
                                               "2001-03-03,,Wire,untitled\n"
                                               "2001-03-04,Fine,Wire,ok\n"})
    report = build_site(config)
    assert report.diagnostics == (
        Diagnostic("bad.csv", 2, 1, "not a date: 'March 2'; skipped", "write dates as YYYY-MM-DD"),
        Diagnostic("bad.csv", 3, 0, "a row without a title; skipped",
                   "give every row a title in its second column"),
    )
    assert report.articles == 6


def test_a_reader_that_raises_is_an_error_on_its_file(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    install(tmp_path / "plugin", monkeypatch, "boom", {"boom": "boom_plugin:register"}, {
        "boom_plugin": (
            "from newsarchive.model import Article, ReadResult\n"
            "def read(path, data, settings):\n"
            "    if b'boom' in data:\n"
            "        raise RuntimeError('cannot parse ' + path)\n"
            "    return ReadResult((Article(path, data.decode().strip(), 'Body.'),))\n"
            "def register(registry):\n"
            "    registry.add_reader(read, suffixes=['.BOOM'])\n")})
    config = make_site(tmp_path / "s", {"a.boom": "boom", "b.boom": "Quiet day",
                                        "c.md": md("Plain", "2001-01-01")},
                       "plugins: [boom]\n" + SETTINGS)
    report = build_site(config)
    assert report.skipped == {"a.boom": "the reader of the plugin 'boom' failed: "
                                        "RuntimeError: cannot parse a.boom"}
    assert report.errors == (Diagnostic(
        "a.boom", 0, 0, "the reader of the plugin 'boom' failed: RuntimeError: cannot parse "
        "a.boom", "report this file to the plugin's authors"),)
    assert report.articles == 2
    assert report.exit_status == 1


def test_an_unknown_plugin_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    install(tmp_path / "plugin", monkeypatch, "newsarchive-calendar",
            {"calendar": "newsarchive_calendar:register"}, package=EXAMPLE)
    _site(tmp_path / "s", config="plugins: [calendar, nosuch]\n" + SETTINGS)
    monkeypatch.chdir(tmp_path / "s")
    assert main(["build", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert (f"{tmp_path / 's' / 'archive.yaml'}: error: unknown plugin 'nosuch': no entry "
            "point of that name in the group 'newsarchive.plugins'") in err
    assert "hint: installed plugins: " in err and "calendar" in err
    assert not (tmp_path / "s" / "site" / "index.html").exists()


def test_a_plugin_failing_to_register_is_a_config_error(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    install(tmp_path / "plugin", monkeypatch, "bad", {
        "raises": "bad_plugins:raises", "takes_md": "bad_plugins:takes_md",
        "missing": "bad_plugins:nothing_here"}, {"bad_plugins": (
            "def raises(registry):\n"
            "    raise RuntimeError('no licence key')\n"
            "def takes_md(registry):\n"
            "    registry.add_reader(lambda p, d, s: None, suffixes=['.md'])\n")})
    messages = {}
    for name in ("raises", "takes_md", "missing"):
        with pytest.raises(ConfigError) as caught:
            hooks.registry((name,), "site/archive.yaml")
        (diagnostic,) = caught.value.diagnostics
        assert diagnostic.path == "site/archive.yaml"
        messages[name] = diagnostic.message
    assert messages == {
        "raises": "plugin 'raises' cannot be used: RuntimeError: no licence key",
        "takes_md": "plugin 'takes_md' cannot be used: ValueError: .md files are read by a "
                    "built-in reader",
        "missing": "plugin 'missing' cannot be used: AttributeError: module 'bad_plugins' has "
                   "no attribute 'nothing_here'",
    }


@pytest.mark.usefixtures("calendar")
def test_after_write_hooks_report_diagnostics(tmp_path: Path) -> None:
    config = _site(tmp_path / "s")
    report = build_site(config)
    assert hooks.after_write(report, config) == []
    bare = make_site(tmp_path / "bare", {"a.md": md("No source", "2001-01-01")}, CALENDAR)
    report = build_site(bare)
    assert hooks.after_write(report, bare) == [Diagnostic(
        str(bare.config_path), 0, 0,
        "calendar: no article names its source, so no calendar page was made",
        "give articles a `source:`", "warning")]
    registry = hooks.registry(config.plugins)

    def broken(report: BuildReport, config: Config) -> list[Diagnostic]:
        raise OSError("disk full")

    registry.write_hooks.append(("calendar", broken))
    assert hooks.after_write(report, bare)[-1] == Diagnostic(
        str(bare.config_path), 0, 0, "plugin 'calendar' failed after the build: OSError: "
        "disk full", "report this to the plugin's authors")


@pytest.mark.usefixtures("calendar")
def test_digest_and_templates_follow_the_plugin(tmp_path: Path) -> None:
    assert hooks.digest(("calendar",)) == repr((("calendar", "newsarchive-calendar", "0.1"),))
    assert hooks.digest(()) == ""
    folder = hooks.template_folders(("calendar",))[0]
    before = template_digests(None, {"calendar.html"}, ("calendar",))
    template = folder / "calendar.html"
    template.write_text(template.read_text("utf-8").replace("<h1>", "<h1 class=x>"), "utf-8")
    assert template_digests(None, {"calendar.html"}, ("calendar",)) != before


def test_without_plugins_nothing_is_loaded(tmp_path: Path) -> None:
    config = make_site(tmp_path / "s", {"a.md": md("One", "2001-01-01"), "b.csv": WIRE},
                       SETTINGS)
    assert config.plugins == ()
    assert {reader.plugin for reader in hooks.registry(()).readers} == {"newsarchive"}
    report = build_site(config)
    assert report.sources == 2  # b.csv is read by the built-in CSV reader
    assert not (config.output_dir / "calendar").exists()
