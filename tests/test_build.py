"""Whole-build tests on sites written inline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsarchive.config import load_config

from sitekit import NO_TOPICS, broken_links, build_site, make_site, md, snapshot

SOURCES = ["Al Bawaba", "Reuters", "The Daily Wire", "Le Monde"]
TOPICS = ["Energy", "Elections", "Trade", "Health", "Space", "Football"]


def _articles(count: int = 36) -> dict[str, str]:
    files = {}
    for i in range(count):
        year = 1998 + i % 5
        month = 1 + (i * 7) % 12
        day = 1 + (i * 11) % 28
        topics = f"[{TOPICS[i % len(TOPICS)]}, {TOPICS[(i + 2) % len(TOPICS)]}]"
        files[f"{year}/story-{i:02d}.md"] = md(
            f"Story number {i} about {TOPICS[i % len(TOPICS)].lower()}",
            f"{year}-{month:02d}-{day:02d}T{i % 24:02d}:30:00Z",
            f"Lead paragraph of story {i}.\n\nSecond paragraph with *emphasis*.",
            topics=topics, source=f'"{SOURCES[i % len(SOURCES)]}"')
    files["undated-1.txt"] = "A story without any date\n\nJust a body paragraph.\n"
    files["undated-2.md"] = md("Another undated note", None, "Words.")
    return files


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    config = make_site(root, _articles(),
                       NO_TOPICS + "base_url: https://example.org/archive/\nper_page: 5\n")
    report = build_site(config)
    assert report.errors == ()
    assert report.articles == 38
    assert report.undated == 2
    return root


def test_every_kind_of_page_is_written(site: Path) -> None:
    out = site / "site"
    for path in ["index.html", "page/1/index.html", "archive/index.html", "topics/index.html",
                 "1998/index.html", "1998/01/index.html", "undated/index.html",
                 "topics/energy/index.html", "topics/energy/feed.xml",
                 "sources/reuters/index.html", "sources/index.html", "feed.xml", "sitemap.xml",
                 "robots.txt", "404.html", ".nojekyll", "search/index.html",
                 "static/style.css", "static/favicon.svg"]:
        assert (out / path).is_file(), path
    articles = sorted(out.glob("[12][09][09][0-9]/[01][0-9]/[0-3][0-9]/*/index.html"))
    assert len(articles) == 36
    assert not (out / "CNAME").exists()


def test_no_broken_internal_links_under_a_subpath(site: Path) -> None:
    assert broken_links(site / "site", "/archive/") == []


def test_second_build_writes_nothing(site: Path) -> None:
    config = load_config(site / "archive.yaml", site)
    report = build_site(config)
    assert (report.rendered, report.written, report.removed) == (0, 0, 0)
    assert report.unchanged == report.pages


def test_builds_are_byte_identical(site: Path, tmp_path: Path) -> None:
    other = tmp_path / "copy"
    shutil.copytree(site / "seeds", other / "seeds")
    shutil.copy(site / "archive.yaml", other / "archive.yaml")
    build_site(load_config(other / "archive.yaml", other))
    assert snapshot(other / "site") == snapshot(site / "site")


def test_front_page_lists_newest_first_and_paginates_from_the_oldest(site: Path) -> None:
    front = (site / "site" / "index.html").read_text()
    # 36 dated articles, 5 per page on average (anchored pages: 2 to 10 each);
    # the front page is the newest, pages 1.. count from the oldest.
    older = sorted(int(p.name) for p in (site / "site" / "page").iterdir())
    assert older == list(range(1, len(older) + 1)) and 3 <= len(older) <= 12
    assert f'rel="next" href="page/{older[-1]}/index.html"' in front
    cards = [front.count('class="card"')] + [
        (site / "site" / f"page/{n}/index.html").read_text().count('class="card"')
        for n in reversed(older)]
    assert sum(cards) == 36 and all(2 <= c <= 14 for c in cards)
    oldest = (site / "site" / "page/1/index.html").read_text()
    assert "Older articles" not in oldest and f"Page 1 of {len(older) + 1}" in oldest


def test_article_page_links_its_terms_periods_and_neighbours(site: Path) -> None:
    page = next((site / "site" / "1998").rglob("story-number-0-about-energy/index.html"))
    html = page.read_text()
    assert '<time datetime="1998-01-01T00:30:00+00:00"' in html
    assert "<em>emphasis</em>" in html
    for link in ("topics/energy/index.html", "topics/trade/index.html",
                 "sources/al-bawaba/index.html", "1998/index.html", "1998/01/index.html",
                 "1998/01/01/index.html"):
        assert link in html, link
    assert 'rel="next"' in html


def test_undated_articles_are_listed_not_dropped(site: Path) -> None:
    html = (site / "site" / "undated/index.html").read_text()
    assert "A story without any date" in html
    assert "Another undated note" in html


def test_removed_article_pages_are_pruned(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"a.md": md("Alpha", "2001-01-01"),
                                  "b.md": md("Beta", "2002-02-02", topics="[Gamma]")})
    build_site(config)
    keep = tmp_path / "site" / "keep.txt"
    keep.write_text("not ours")
    (tmp_path / "seeds" / "b.md").unlink()
    report = build_site(config)
    assert not (tmp_path / "site/2002").exists()
    assert not (tmp_path / "site/topics/gamma").exists()
    assert report.removed >= 5
    assert keep.read_text() == "not ours"


def test_bad_files_are_reported_and_every_valid_article_still_built(tmp_path: Path) -> None:
    config = make_site(tmp_path, {
        "good.md": md("Good one", "2001-01-01"),
        "bad-yaml.md": "---\ntitle: [unclosed\n---\nbody\n",
        "empty.txt": "",
    })
    report = build_site(config)
    assert report.articles == 1
    assert set(report.skipped) == {"bad-yaml.md", "empty.txt"}
    assert report.exit_status == 1
    formatted = [d.format() for d in report.errors]
    assert any(f.startswith("bad-yaml.md:") for f in formatted)
    assert (tmp_path / "site/2001/01/01/good-one/index.html").is_file()


def test_markup_in_titles_and_terms_is_escaped_and_paths_stay_inside(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"evil.md": md(
        "<script>alert(1)</script>", "2001-01-01",
        "Body <img src=x onerror=alert(1)> and <script>alert(2)</script>.",
        slug='"../../../escape"', topics='["../../x", "<b>bold</b>"]',
        source='"<i>src</i>"')})
    report = build_site(config)
    assert report.errors == ()
    out = tmp_path / "site"
    every = list(tmp_path.rglob("*"))
    assert all(p.resolve().is_relative_to(tmp_path.resolve()) for p in every)
    assert not (tmp_path.parent / "escape").exists()
    page = out / "2001/01/01/escape/index.html"
    html = page.read_text()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "onerror" not in html
    assert (out / "topics/x/index.html").is_file()
    assert "<b>bold</b>" not in (out / "topics/index.html").read_text()


def test_user_templates_override_single_templates(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"a.md": md("Alpha", "2001-01-01")})
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "404.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Lost at sea</h1>{% endblock %}')
    config = load_config(tmp_path / "archive.yaml", tmp_path)
    build_site(config)
    assert "Lost at sea" in (tmp_path / "site/404.html").read_text()
    assert "Alpha" in (tmp_path / "site/index.html").read_text()


def test_two_articles_with_one_title_on_one_day_get_distinct_stable_urls(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"a.md": md("Same title", "2001-01-01", "One."),
                                  "b.md": md("Same title", "2001-01-01", "Two.")})
    report = build_site(config)
    pages = sorted(p.parent.name for p in (tmp_path / "site/2001/01/01").glob("*/index.html"))
    assert len(pages) == 2 and "same-title" in pages
    assert any("also claimed by a.md" in d.message for d in report.warnings)
    build_site(config)
    again = sorted(p.parent.name for p in (tmp_path / "site/2001/01/01").glob("*/index.html"))
    assert again == pages


def test_cname_and_config_title_reach_the_output(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"a.md": md("Alpha", "2001-01-01")},
                       NO_TOPICS + "title: Gazette Archive\ncname: news.example.org\n")
    build_site(config)
    assert (tmp_path / "site/CNAME").read_text() == "news.example.org\n"
    assert "<title>Gazette Archive</title>" in (tmp_path / "site/index.html").read_text()


def test_check_writes_nothing(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"a.md": md("Alpha", "2001-01-01")})
    report = build_site(config, dry_run=True)
    assert report.dry_run and report.articles == 1 and report.pages > 5
    assert not (tmp_path / "site").exists()
    assert not (tmp_path / ".newsarchive-cache").exists()


def test_an_undated_article_is_reported_once(tmp_path: Path) -> None:
    config = make_site(tmp_path, {"a.md": md("Dated", "2000-01-01"), "b.md": md("Undated")})
    report = build_site(config)
    assert report.undated == 1
    assert [d.format() for d in report.warnings if d.path == "b.md"] == [
        "b.md: warning: undated: no date found; the article is kept without a date\n"
        "  hint: add a `date: 2000-12-28` line to the front matter"]


def test_planning_pauses_the_cycle_collector_and_restores_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from newsarchive.pipeline import plan as plan_module
    from newsarchive.run.heap import collector_paused

    real = plan_module.plan_pages
    seen: list[bool] = []

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(plan_module, "plan_pages", spy)
    config = make_site(tmp_path, {"a.md": md("One", "2001-02-03", "Text.")})
    assert gc.isenabled()
    report = build_site(config)
    assert report.articles == 1 and seen == [False] and gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "a collector the caller turned off stays off"
    finally:
        gc.enable()


def test_a_full_build_keeps_what_it_holds_out_of_the_collectors_passes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading and planning leave the rows and the plan in the collector's
    permanent generation until the build ends, and loading runs with the
    collector off; cycles made meanwhile are still collected."""
    import gc

    from newsarchive.pipeline import plan as plan_module
    from newsarchive.run import load as load_module
    from newsarchive.run.heap import held_apart

    real_plan, real_take = plan_module.plan_pages, load_module._take
    frozen: list[int] = []
    taking: list[bool] = []

    def plan_spy(*args: object, **kwargs: object) -> object:
        frozen.append(gc.get_freeze_count())
        return real_plan(*args, **kwargs)  # type: ignore[arg-type]

    def take_spy(*args: object, **kwargs: object) -> object:
        taking.append(gc.isenabled())
        return real_take(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(plan_module, "plan_pages", plan_spy)
    monkeypatch.setattr(load_module, "_take", take_spy)
    config = make_site(tmp_path, {"a.md": md("One", "2001-02-03", "Text.")})
    assert build_site(config).articles == 1
    assert taking == [False] and frozen and frozen[0] > 0
    assert gc.get_freeze_count() == 0 and gc.isenabled()

    class Node:
        other: object = None

    with held_apart() as hold:
        hold()
        assert gc.get_freeze_count() > 0
        first, second = Node(), Node()
        first.other, second.other = second, first
        del first, second
        assert gc.collect() >= 2, "a cycle made after hold() is collected"
    assert gc.get_freeze_count() == 0
