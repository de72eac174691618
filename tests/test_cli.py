"""The command line: exit statuses, the summary, diagnostics; and the seed archive."""

from __future__ import annotations

import gc
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from browser_fixtures import require_pagefind
from newsarchive.cli import main, run

from sitekit import NO_TOPICS, broken_links, md, write_files

REPO = Path(__file__).resolve().parents[1]
SEED_SLUG = "iran-russia-reach-new-chapter-in-military-ties-leaving-us-fretting"


def _site(root: Path, files: dict[str, str], config: str = NO_TOPICS) -> None:
    write_files(root, {"archive.yaml": config, **{f"seeds/{k}": v for k, v in files.items()}})


def test_build_prints_a_summary_and_exits_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    _site(tmp_path, {"a.md": md("Alpha", "2001-01-01")})
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--base-url", "https://example.org/"]) == 0
    out, err = capsys.readouterr()
    assert re.search(r"^Built 1 articles \(0 undated, 0 duplicates, 0 skipped files, "
                     r"0 files not read\) into .*site: pages \d+ written, 0 unchanged, "
                     r"0 removed; 0 warnings, 0 errors; [\d.]+ s$", out, re.MULTILINE)
    assert err == ""
    assert main(["--quiet", "--base-url", "https://example.org/"]) == 0  # build is the default
    assert "pages 0 written" in capsys.readouterr().out


def test_the_command_leaves_what_the_build_held_to_the_end_of_the_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _site(tmp_path, {"a.md": md("Alpha", "2001-01-01")})
    monkeypatch.chdir(tmp_path)
    gc.unfreeze()
    try:
        assert run(["build", "--quiet", "--no-search"]) == 0
        assert gc.get_freeze_count() > 0  # the collector will not walk it on the way out
    finally:
        gc.unfreeze()
    assert (tmp_path / "site/2001/01/01/alpha/index.html").is_file()
    assert "Built 1 articles" in capsys.readouterr().out
    try:
        assert run(["build", "--quiet", "--config", "missing.yaml"]) == 2  # the status as is
    finally:
        gc.unfreeze()
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"newsarchive": "newsarchive.cli:run"}
    assert "raise SystemExit(run())" in (REPO / "build.py").read_text()


def test_skipped_files_exit_1_with_compiler_style_diagnostics(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _site(tmp_path, {"good.md": md("Good", "2001-01-01"),
                     "bad.md": "---\ntitle: x\ndate: [1, 2\n---\nbody\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--quiet"]) == 1
    out, err = capsys.readouterr()
    assert re.search(r"^bad\.md:\d+:\d+: error: invalid YAML front matter", err, re.MULTILINE)
    assert "\n  hint: " in err
    assert "1 skipped files" in out
    assert re.search(r"^  skipped bad\.md: invalid YAML front matter", out, re.MULTILINE)
    assert (tmp_path / "site/2001/01/01/good/index.html").is_file()


def test_config_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    _site(tmp_path, {"a.md": md("Alpha", "2001-01-01")}, "titel: typo\n")
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 2
    assert "archive.yaml:1: error: unknown config key 'titel'" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["build", "--no-such-option"])
    assert caught.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_check_writes_nothing_and_reports_the_same_errors(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _site(tmp_path, {"good.md": md("Good", "2001-01-01"), "empty.md": ""})
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("Checked 1 articles") and "pages planned" in out
    assert "empty.md" in err
    assert not (tmp_path / "site").exists()


def test_build_py_is_the_same_command(tmp_path: Path) -> None:
    _site(tmp_path, {"a.md": md("Alpha", "2001-01-01")})
    run = subprocess.run([sys.executable, str(REPO / "build.py"), "--quiet"], cwd=tmp_path,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Built 1 articles")
    assert (tmp_path / "site/2001/01/01/alpha/index.html").is_file()


def test_the_seed_builds_into_a_complete_archive(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--quiet", "--source", str(REPO / "seeds"),
                 "--base-url", "https://org.github.io/archive/"]) == 0
    site = tmp_path / "site"
    for path in [f"2000/12/28/{SEED_SLUG}/index.html", "2000/index.html", "2000/12/index.html",
                 "2000/12/28/index.html", "archive/index.html", "topics/index.html",
                 "sources/al-bawaba/index.html", "places/iran/index.html", "feed.xml",
                 "sitemap.xml", "robots.txt", "404.html", ".nojekyll"]:
        assert (site / path).is_file(), path
    assert broken_links(site, "/archive/") == []
    html = (site / f"2000/12/28/{SEED_SLUG}/index.html").read_text()
    paragraphs = re.findall(r"<p>(.*?)</p>", html.split('class="article-body"')[1]
                            .split("</div>")[0], re.DOTALL)
    assert len(paragraphs) == 17
    assert paragraphs[0].startswith("Russia on Thursday announced a \"new chapter\"")
    assert paragraphs[-1].endswith("before the next presidential elections in June")
    body = html.split('class="article-body"')[1].split("</div>")[0]
    for boilerplate in ("Subscribe", "Sign up to our newsletter", "-- TEHRAN"):
        assert boilerplate not in body
    assert "© 2000 Al Bawaba (www.albawaba.com)" in html
    assert '<time datetime="2000-12-28T02:00:00+00:00"' in html
    assert "TEHRAN (AFP)" in html


def test_search_index_only_when_article_pages_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    require_pagefind()
    _site(tmp_path, {"a.md": md("Alpha", "2001-01-01")})
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Search index: 1 pages indexed")
    assert out[-1].startswith("Built 1 articles")  # the summary closes the output
    assert (tmp_path / "site/pagefind/pagefind.js").is_file()
    (tmp_path / "archive.yaml").write_text(NO_TOPICS + "title: Renamed\n")
    assert main(["build"]) == 0   # every page changes, so the article page is indexed again
    assert "Search index" in capsys.readouterr().out
    assert main(["build", "--no-search"]) == 0
    assert "Search index" not in capsys.readouterr().out
    assert main(["build"]) == 0   # nothing changed: the index is kept as it is
    assert "Search index" not in capsys.readouterr().out


def test_warns_when_the_output_nears_github_pages_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import newsarchive.run.checks

    _site(tmp_path, {"a.md": md("Alpha", "2001-01-01")})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(newsarchive.run.checks, "PAGES_WARN_BYTES", 1000)
    assert main(["build", "--no-search", "--base-url", "https://example.org/"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"site: warning: the output is 0\.\d\d GiB; GitHub Pages publishes at most "
                     r"1 GB\n  hint: split the archive or host it elsewhere", err)


def test_include_drafts_builds_drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    _site(tmp_path, {"a.md": md("Alpha", "2001-01-01"),
                     "b.md": md("Draft story", "2001-01-02", draft="true")})
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--quiet", "--no-search"]) == 0
    assert "Built 1 articles" in capsys.readouterr().out
    assert main(["build", "--quiet", "--no-search", "--include-drafts"]) == 0
    assert "Built 2 articles" in capsys.readouterr().out
    assert (tmp_path / "site/2001/01/02/draft-story/index.html").is_file()


def test_a_missing_source_folder_is_named_where_it_was_set(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(tmp_path, {"archive.yaml": "title: T\nsource_dir: articels\n"})
    monkeypatch.chdir(tmp_path)
    for command in ("build", "serve"):
        assert main([command]) == 2
        assert capsys.readouterr().err == (
            f"{(tmp_path / 'archive.yaml').as_posix()}:2: error: source_dir is "
            f"{tmp_path / 'articels'}, which does not exist\n"
            "  hint: correct source_dir (it is relative to the config's folder)\n")
    (tmp_path / "given").write_text("a file", encoding="utf-8")
    assert main(["build", "--source", "given"]) == 2
    assert capsys.readouterr().err == (f"{tmp_path / 'given'}: error: the source folder "
                                       f"{tmp_path / 'given'} is not a folder\n"
                                       "  hint: check the --source path\n")
    (tmp_path / "archive.yaml").write_text("title: T\n", encoding="utf-8")
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{tmp_path / 'seeds'}: error: the source folder ")
    assert "hint: put the articles in seeds/ beside archive.yaml" in err
    assert not (tmp_path / "site").exists()
