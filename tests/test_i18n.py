"""The interface in the archive's language: catalogs, loading, numbers, dates, plurals."""

from __future__ import annotations

import io
import re
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from newsarchive import i18n
from newsarchive.pipeline.render import environment, render_job

from sitekit import build_site, make_site, md

ROOT = Path(__file__).resolve().parents[1]
POT = i18n.LOCALE_DIR / "messages.pot"


def _po(catalog: str) -> Path:
    return i18n.LOCALE_DIR / catalog / "LC_MESSAGES" / "messages.po"


def _read_po(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def _site(tmp_path: Path, language: str, count: int = 3, **extra: str) -> Path:
    articles = {f"a{i}.md": md(f"Story {i}", f"2015-07-{21 + i % 3}", places="[Paris]",
                               authors="[Ann Bee]") for i in range(count)}
    articles["undated.md"] = md("Undated story")
    settings = "".join(f"{k}: {v}\n" for k, v in extra.items())
    config = make_site(tmp_path / language, articles,
                       f"language: {language}\nper_page: 2\n{settings}topics:\n  enabled: []\n")
    build_site(config)
    return tmp_path / language / "site"


def _read(site: Path, page: str) -> str:
    return (site / page).read_text("utf-8")


def _count(language: str, n: int) -> str:
    env = environment(None, (), language)
    template = env.from_string(
        '{{ ngettext("%(count)s article", "%(count)s articles", n, count=n | number) }}')
    return template.render(n=n)


# -- catalogs -------------------------------------------------------------------


def test_every_catalog_is_shipped_with_the_plural_forms_of_its_language() -> None:
    found = sorted(p.parent.parent.name for p in i18n.LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
    assert found == sorted(i18n.CATALOGS)
    for name in i18n.CATALOGS:
        catalog = _read_po(_po(name))
        plural = get_plural(name)
        assert catalog.num_plurals == plural.num_plurals, name
        assert catalog.plural_expr == plural.plural_expr, name
    assert _read_po(_po("ar")).num_plurals == 6
    assert _read_po(_po("ru")).num_plurals == 3
    assert _read_po(_po("ja")).num_plurals == 1


@pytest.mark.parametrize("name", i18n.CATALOGS)
def test_catalog_translates_every_string(name: str) -> None:
    catalog = _read_po(_po(name))
    pot_ids = {m.id for m in _read_po(POT) if m.id}
    untranslated = [m.id for m in catalog if m.id and (
        m.fuzzy or not all(m.string if isinstance(m.string, tuple) else (m.string,)))]
    assert untranslated == []
    assert {m.id for m in catalog if m.id} == pot_ids
    assert not [e for e in catalog.check() if e[1]]  # placeholders agree with the msgid


@pytest.mark.parametrize("name", i18n.CATALOGS)
def test_compiled_catalog_is_what_the_po_compiles_to(name: str) -> None:
    """``pybabel compile -d src/newsarchive/locale`` after editing a .po."""
    compiled = io.BytesIO()
    write_mo(compiled, _read_po(_po(name)), use_fuzzy=False)
    assert (i18n.LOCALE_DIR / name / "LC_MESSAGES" / "messages.mo").read_bytes() == \
        compiled.getvalue()


def test_template_holds_every_string_of_the_templates_and_code() -> None:
    """Re-extract as babel.cfg says (see its first lines) and compare with messages.pot."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, "babel.cfg")
    extracted = {m[2] if isinstance(m[2], str) else tuple(m[2])
                 for m in extract_from_dir(str(ROOT), method_map, options_map)}
    pot_ids = {m.id for m in _read_po(POT) if m.id}
    assert extracted - pot_ids == set(), "run pybabel extract (see babel.cfg)"
    assert pot_ids - extracted == set(), "messages.pot holds strings no longer used"
    assert {"Archive", "Places", "Undated", ("%(count)s article", "%(count)s articles")} \
        <= pot_ids


# -- loading --------------------------------------------------------------------


@pytest.mark.parametrize(("tag", "catalog"), [
    ("en", "en"), ("en-GB", "en"), ("ar", "ar"), ("ar-SA", "ar"), ("zh", "zh_Hans"),
    ("zh-CN", "zh_Hans"), ("zh-Hans", "zh_Hans"), ("zh-TW", "zh_Hans"), ("zh-Hant", "zh_Hans"),
    ("fr-CA", "fr"), ("de-AT", "de"), ("es-419", "es"), ("ru", "ru"), ("ja-JP", "ja"),
    ("tlh", "en"), ("qqq", "en"), ("", "en"),
])
def test_catalog_of_a_language_tag(tag: str, catalog: str) -> None:
    assert i18n.catalog_name(tag) == catalog


def test_environment_is_one_per_language() -> None:
    assert environment(None, (), "fr") is environment(None, (), "fr")
    assert environment(None, (), "fr") is not environment(None, (), "de")
    assert environment(None, (), "de").from_string("{{ _('Archive') }}").render() == "Archiv"


def _page_404(language: str) -> bytes:
    context: dict[str, Any] = {
        "site": {"title": "T", "description": "D", "language": language, "url": "http://x/",
                 "base_path": "/", "index_html": False, "feed": "feed.xml"},
        "page": {"kind": "404", "title": "x", "url": "404.html", "output_path": "404.html",
                 "absolute_links": True, "canonical": "http://x/404.html"},
        "items": []}
    return render_job(None, ("404.html", "404.html", context))


def test_worker_processes_render_in_the_site_language() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        french, russian = pool.map(_page_404, ["fr", "ru"])
    assert "Page introuvable" in french.decode()
    assert "Страница не найдена" in russian.decode()


# -- whole sites ----------------------------------------------------------------


def test_arabic_site_speaks_arabic(tmp_path: Path) -> None:
    site = _site(tmp_path, "ar", count=5)
    front = _read(site, "index.html")
    assert '<html lang="ar"' in front
    for text in ("الأرشيف", "الموضوعات", "البحث", "انتقل إلى المحتوى", "مقالات أقدم"):
        assert text in front
    assert ">Archive</a>" not in front and "Older articles" not in front
    month = _read(site, "2015/07/index.html")
    assert "<h1>يوليو 2015</h1>" in month
    assert '<p class="lead">5 مقالات</p>' in month
    assert "<h1>21 يوليو 2015</h1>" in _read(site, "2015/07/21/index.html")
    assert '<p class="lead">مقالان</p>' in _read(site, "2015/07/21/index.html")
    archive = _read(site, "archive/index.html")
    assert "<h1>الأرشيف</h1>" in archive and ">بلا تاريخ</a>" in archive
    assert "<h1>بلا تاريخ</h1>" in _read(site, "undated/index.html")
    assert ">الأماكن</a>" in _read(site, "topics/index.html")
    article = next(p for p in (site / "2015/07/21").iterdir() if p.is_dir() and p.name != "page")
    page = _read(article, "index.html")
    assert "بقلم Ann Bee" in page and "كل مقالات 21 يوليو 2015" in page
    assert '"name":"الأرشيف"' in page  # JSON-LD breadcrumbs


@pytest.mark.parametrize(("n", "expected"), [
    (0, "لا مقالات"), (1, "مقال واحد"), (2, "مقالان"), (3, "3 مقالات"), (11, "11 مقالًا"),
    (100, "100 مقال"), (1311, "1,311 مقالًا"),
])
def test_arabic_plural_forms(n: int, expected: str) -> None:
    assert _count("ar", n) == expected


@pytest.mark.parametrize(("n", "expected"), [
    (1, "1 статья"), (2, "2 статьи"), (5, "5 статей"), (21, "21 статья"), (1311, "1 311 статей"),
])
def test_russian_plural_forms(n: int, expected: str) -> None:
    assert _count("ru", n).replace("\xa0", " ") == expected


def test_numbers_and_dates_follow_the_locale() -> None:
    assert i18n.format_number(1311, "en") == "1,311"
    assert i18n.format_number(1311, "fr").replace("\u202f", " ") == "1 311"
    assert i18n.format_number(1311, "de") == "1.311"
    # CLDR's default numbering system: Latin for ar, Arabic-Indic for ar-SA.
    assert i18n.format_number(1311, "ar") == "1,311"
    assert i18n.format_number(1311, "ar-SA") == "١٬٣١١"
    day = date(2015, 7, 23)
    assert i18n.format_day(day, "ar-SA") == "٢٣ يوليو ٢٠١٥"
    assert i18n.format_day(day, "zh-CN") == "2015年7月23日"
    assert i18n.format_month(2015, 7, "ja") == "2015年7月"
    assert i18n.format_year(2015, "zh") == "2015年"
    assert i18n.format_day(day, "en") == "July 23, 2015"
    assert i18n.format_month(2015, 7, "en") == "July 2015"


def test_saudi_site_writes_arabic_indic_digits(tmp_path: Path) -> None:
    month = _read(_site(tmp_path, "ar-SA", count=12), "2015/07/index.html")
    assert "<h1>يوليو ٢٠١٥</h1>" in month
    assert '<p class="lead">١٢ مقالًا</p>' in month
    assert "٢٣ يوليو ٢٠١٥</time>" in month


@pytest.mark.parametrize(("language", "nav"), [
    ("zh-CN", ("归档", "主题", "搜索", "订阅")),
    ("ja", ("アーカイブ", "トピック", "検索", "フィード")),
    ("fr", ("Archives", "Thèmes", "Recherche", "Flux")),
    ("de", ("Archiv", "Themen", "Suche", "Feed")),
    ("es", ("Archivo", "Temas", "Buscar", "Canal")),
    ("ru", ("Архив", "Темы", "Поиск", "Лента")),
])
def test_each_catalog_names_the_navigation(tmp_path: Path, language: str,
                                           nav: tuple[str, ...]) -> None:
    site = _site(tmp_path, language)
    front = _read(site, "index.html")
    links = re.findall(r'<nav class="site-nav".*?</nav>', front, re.S)[0]
    assert re.findall(r">([^<>]+)</a>", links) == list(nav)
    assert f"<h1>{i18n.format_month(2015, 7, language)}</h1>" in _read(site, "2015/07/index.html")


def test_unknown_language_falls_back_to_english(tmp_path: Path) -> None:
    site = _site(tmp_path, "tlh")
    front = _read(site, "index.html")
    assert '<html lang="tlh"' in front and ">Archive</a>" in front
    assert "July 23, 2015</time>" in front


def test_site_labels_are_kept_and_builtin_labels_translated(tmp_path: Path) -> None:
    site = _site(tmp_path, "fr", taxonomies="{places: {plural: Endroits}}")
    topics = _read(site, "topics/index.html")
    assert ">Endroits</a>" in topics
    assert "<dt>Lieu</dt>" in _read(site, next(
        p.relative_to(site).as_posix() + "/index.html"
        for p in (site / "2015/07/21").iterdir() if p.is_dir()))


def test_english_page_writes_one_date_format(tmp_path: Path) -> None:
    site = _site(tmp_path, "en", count=6)
    for page in ("index.html", "2015/07/index.html", "2015/07/22/index.html",
                 "places/paris/index.html"):
        text = _read(site, page)
        assert not re.search(r"\b\d{1,2} (January|July) 2015\b", text), page
    day = _read(site, "2015/07/22/index.html")
    assert "<h1>July 22, 2015</h1>" in day
    assert day.count("July 22, 2015</time>") == day.count('class="card"') >= 1
    month = _read(site, "2015/07/index.html")
    assert ">July 21, 2015</a>" in month  # its days
    assert "<h1>July 2015</h1>" in month
    article = next(p for p in (site / "2015/07/22").iterdir() if p.is_dir() and p.name != "page")
    page = _read(article, "index.html")
    assert ">All of July 22, 2015</a>" in page and '"name":"July 22, 2015"' in page
    assert '<p class="lead">6 articles</p>' in month
    assert '<p class="lead">1 article</p>' in _read(site, "undated/index.html")


def test_long_date_filter_takes_iso_dates_and_none() -> None:
    env = environment(None, (), "de")
    template = env.from_string("{{ a | longdate }}|{{ b | longdate }}|{{ c | longdate('fr') }}")
    text = template.render(a="2015-07-23", b=None, c=datetime(2015, 7, 23, 9))
    assert text == "23. Juli 2015|Ohne Datum|23 juillet 2015"


@pytest.mark.parametrize(("language", "heading"), [
    ("en", "Places: B"), ("fr", "Lieux : B"), ("zh-CN", "地点：B")])
def test_a_page_per_initial_is_titled_in_the_site_language(language: str, heading: str) -> None:
    from newsarchive import taxonomy

    places = {t.name: t for t in taxonomy.localized(taxonomy.BUILTIN, language)}["places"]
    page = {"kind": "taxonomy", "title": "Places: B", "letter": "B", "plural": places.plural,
            "singular": places.singular, "total": 1, "letters": [], "by_count": [],
            "groups": [], "overview": "places/", "canonical": "https://example.org/places/a-z/b/"}
    html = environment(None, (), language).get_template("taxonomy.html").render(
        page=page, site={"title": "T", "description": "D", "language": language, "url": ""},
        href=lambda url: url)
    assert f"<h1>{heading}</h1>" in html
    assert f"<title>{heading} · T</title>" in html
