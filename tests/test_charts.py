"""Volume over time: the bar charts of ``archive/``, year pages and term pages,
the years inside a term (``places/iran/2000/``), and the sparklines of
``topics/`` and the taxonomy overviews."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html  # type: ignore[import-untyped]

from newsarchive.config import Config

from sitekit import build_site, full_build_of, make_site, md, snapshot

CONFIG = "per_page: 4\ntopics:\n  enabled: []\n"

#: Iran: 1998 x3, 1999 x5, 2001 x6 (no 2000); Peru: one article.
IRAN = {1998: 3, 1999: 5, 2001: 6}


def _articles() -> dict[str, str]:
    files = {}
    for year, count in IRAN.items():
        for n in range(count):
            files[f"iran-{year}-{n}.md"] = md(f"Iran {year} {n}", f"{year}-{n + 2:02d}-10",
                                              places="[Iran]")
    files["peru.md"] = md("Peru once", "1999-07-01", places="[Peru]")
    return files


def _site(tmp_path: Path, config: str = CONFIG) -> Config:
    cfg = make_site(tmp_path / "site", _articles(), config)
    build_site(cfg)
    return cfg


def _page(cfg: Config, url: str) -> Any:
    """The page at ``url``, its links made site-relative (``1998/``)."""
    tree = lxml_html.fromstring((cfg.output_dir / url / "index.html").read_bytes())
    for a in tree.iter("a"):
        if a.get("href") and not a.get("href").startswith("#"):
            path = urlsplit(urljoin(f"http://site/{url}/", a.get("href"))).path[1:]
            a.set("href", path.removesuffix("index.html"))
    return tree


def _q(tree: Any, tag: str, css_class: str) -> list[Any]:
    """The ``tag`` elements of ``tree`` with the class ``css_class``."""
    return list(tree.xpath(f".//{tag}[contains(concat(' ', @class, ' '), ' {css_class} ')]"))


def _chart(tree: Any) -> Any:
    (figure,) = _q(tree, "figure", "volume-chart")
    return figure


def _bars(figure: Any) -> list[tuple[str, str]]:
    return [(a.get("href"), a.get("aria-label")) for a in figure.findall(".//a")]


def _table(figure: Any) -> list[tuple[str, str]]:
    return [(row[0].text_content(), row[1].text_content())
            for row in figure.findall(".//table[@class='chart-data visually-hidden']//tr")]


def test_the_archive_charts_articles_per_year_with_a_link_per_bar(tmp_path: Path) -> None:
    cfg = _site(tmp_path)
    figure = _chart(_page(cfg, "archive"))
    (svg,) = figure.findall(".//svg[@role='img']")
    (title,) = svg.findall("title")
    assert svg.get("aria-labelledby") == title.get("id") and title.text == "Articles per year"
    # 2000 has no article: a gap with no link, but a row of the table.
    assert _bars(figure) == [("1998/", "1998: 3"), ("1999/", "1999: 6"),
                             ("2001/", "2001: 6")]
    assert _table(figure) == [("1998", "3"), ("1999", "6"), ("2000", "0"), ("2001", "6")]
    heights = [float(r.get("height")) for r in figure.findall(".//a/rect")]
    assert heights[1] == heights[2] == 76 and heights[0] == 38
    assert "visually-hidden" in figure.findall(".//table")[0].get("class")


def test_a_year_page_charts_its_twelve_months(tmp_path: Path) -> None:
    cfg = _site(tmp_path)
    figure = _chart(_page(cfg, "1999"))
    assert figure.findall(".//title")[0].text == "Articles per month"
    assert [href for href, _ in _bars(figure)] == [f"1999/{m:02d}/" for m in (2, 3, 4, 5, 6, 7)]
    assert len(_table(figure)) == 12
    assert _table(figure)[6] == ("July 1999", "1")  # Peru
    ticks = [t.text for t in figure.findall(".//svg[@role='img']//text")][1:]
    assert ticks == ["Jan", "Mar", "May", "Jul", "Sep", "Nov"]
    assert not _q(_page(cfg, "1999/07"), "figure", "volume-chart")  # months have calendars


def test_chart_labels_are_in_the_site_language(tmp_path: Path) -> None:
    fr = _site(tmp_path / "fr", "language: fr\n" + CONFIG)
    figure = _chart(_page(fr, "1999"))
    assert figure.findall(".//title")[0].text == "Articles par mois"
    ticks = [t.text for t in figure.findall(".//svg[@role='img']//text")][1:]
    assert ticks[:2] == ["janv.", "mars"]
    assert ("1999/07/", "juillet 1999 : 1") in _bars(figure)

    ar = _site(tmp_path / "ar", "language: ar-EG\n" + CONFIG)  # Arabic-Indic digits
    tree = _page(ar, "archive")
    assert tree.get("dir") == "rtl"
    figure = _chart(tree)
    assert _table(figure)[0] == ("١٩٩٨", "٣")
    assert [t.text for t in figure.findall(".//svg[@role='img']//text")] == ["٦", "١٩٩٨", "١٩٩٩",
                                                                        "٢٠٠٠", "٢٠٠١"]
    # Right to left: 1998 is the rightmost bar, and the text is not mirrored.
    xs = [float(r.get("x")) for r in figure.findall(".//a/rect")]
    assert xs == sorted(xs, reverse=True)
    assert "scale" not in lxml_html.tostring(figure).decode()


def test_a_term_of_several_pages_gets_its_years(tmp_path: Path) -> None:
    cfg = _site(tmp_path)
    term = _page(cfg, "places/iran")
    (nav,) = _q(term, "nav", "term-periods")
    assert nav.get("aria-label") == "Iran by year"
    assert [(a.get("href"), a.text) for a in nav.findall(".//a")] == [
        (f"places/iran/{y}/", str(y)) for y in IRAN]
    # The chart (per year: 1998 to 2001 spans more than two years) links the years.
    assert [href for href, _ in _bars(_chart(term))] == [f"places/iran/{y}/" for y in IRAN]

    year = _page(cfg, "places/iran/1999")
    assert year.findall(".//title")[0].text.startswith("Iran in 1999")
    assert year.findall(".//h1")[0].text_content() == "Iran in 1999"
    (nav,) = _q(year, "nav", "term-periods")
    assert nav.get("aria-label") == "Iran in 1999 by month"
    months = nav.findall(".//a")
    assert [a.text for a in months] == ["February", "March", "April", "May", "June"]
    listed: list[str] = []
    for url in ["places/iran/1999", *(f"places/iran/1999/page/{n}" for n in range(1, 4))]:
        if (cfg.output_dir / url).exists():
            listed += [a.text for a in _page(cfg, url).xpath(".//*[@class='card-title']/a")]
    assert sorted(listed) == [f"Iran 1999 {n}" for n in range(5)]
    for a in months:  # each month link's page lists an article of that month
        target = cfg.output_dir / a.get("href") / "index.html"
        assert f"1999-0{['February', 'March', 'April', 'May', 'June'].index(a.text) + 2}" \
            in target.read_text(encoding="utf-8")
    crumbs = [a.text for a in _q(year, "nav", "breadcrumbs")[0].findall(".//a")]
    assert crumbs == ["Topics", "Places", "Iran", "Iran in 1999"]

    peru = _page(cfg, "places/peru")
    assert not _q(peru, "nav", "term-periods")
    assert not (cfg.output_dir / "places/peru/1999").exists()
    # One page: the bars link the archive's date pages (here months: one year).
    assert _bars(_chart(peru)) == [("1999/07/", "July 1999: 1")]


def test_sparklines_on_topics_and_the_taxonomy_overview(tmp_path: Path) -> None:
    cfg = _site(tmp_path)
    for url in ("topics", "places"):
        items = _q(_page(cfg, url), "ul", "spark-list")[0].findall("li")
        assert [li.findall("a")[0].text for li in items] == ["Iran", "Peru"]
        (iran,) = items[0].xpath(".//svg[@class='sparkline'][@role='img']")
        assert iran.findall("title")[0].text == "Articles per year, 1998–2001"
        # 3, 5, 0, 6 articles a year, scaled to 14 units under the top.
        assert iran.findall("polyline")[0].get("points") == "0,8 4,3 8,15 12,1"
    letters = _q(_page(cfg, "places"), "nav", "letters")[0].findall(".//a")
    assert [(a.get("href"), a.text) for a in letters] == [("#letter-i", "I"), ("#letter-p", "P")]


def test_a_twenty_year_chart_stays_small(tmp_path: Path) -> None:
    files = {f"a{year}-{n}.md": md(f"Story {year} {n}", f"{year}-03-0{n + 1}")
             for year in range(1990, 2010) for n in range(year % 3 + 1)}
    cfg = make_site(tmp_path / "site", files, CONFIG)
    build_site(cfg)
    assert len(_bars(_chart(_page(cfg, "archive")))) == 20
    text = (cfg.output_dir / "archive/index.html").read_bytes()
    start = text.index(b'<figure class="volume-chart">')
    assert text.index(b"</figure>", start) + 9 - start < 3 * 1024


def test_an_added_article_changes_its_terms_year_only(tmp_path: Path) -> None:
    cfg = _site(tmp_path)
    before = snapshot(cfg.output_dir)
    (cfg.source_dir / "iran-1999-new.md").write_text(
        md("Iran 1999 new", "1999-08-20", places="[Iran]"), encoding="utf-8")
    report = build_site(cfg)
    after = snapshot(cfg.output_dir)
    assert after == full_build_of(tmp_path, cfg)
    changed = {path for path in after
               if before.get(path) != after[path] and not path.startswith(".")}
    assert "places/iran/1999/index.html" in changed and "places/iran/index.html" in changed
    assert not {p for p in changed if p.startswith(("places/iran/1998/", "places/iran/2001/",
                                                    "places/peru/"))}
    assert set(report.written_paths) >= changed - {"sitemap.xml"}

    # A new year for Iran: its newest page and the new year's page, no other year's
    # page and no older page of the term.
    before = after
    (cfg.source_dir / "iran-2002.md").write_text(md("Iran 2002", "2002-01-05", places="[Iran]"),
                                                 encoding="utf-8")
    build_site(cfg)
    after = snapshot(cfg.output_dir)
    assert after == full_build_of(tmp_path, cfg)
    changed = {path for path in after if path.startswith("places/iran/")
               and before.get(path) != after[path]}
    assert changed == {"places/iran/index.html", "places/iran/2002/index.html",
                       "places/iran/feed.xml"}
