"""Hugo page bundles, Zola and Jekyll pages: front matter, dates, shortcodes, images, links.

Fixtures (invented text) are in tests/data/formats/{hugo,zola,jekyll}/; the
public Hugo corpora in ../shared/corpora/ are read when present.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from newsarchive.config import ReadSettings
from newsarchive.errors import Diagnostic
from newsarchive.model import Article, Entry, Image
from newsarchive.pipeline.assets import (
    IMAGE_SUFFIXES,
    asset_marker,
    local_image_path,
    page_images,
    plan_assets,
    ref_marker,
    resolve_links,
)
from newsarchive.pipeline.read import read_source
from newsarchive.pipeline.read.shortcodes import convert_body

from sitekit import build_site, make_site

DATA = Path(__file__).parent / "data" / "formats"
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def read(path: str, text: str | bytes) -> tuple[list[Article], list[Diagnostic]]:
    data = text.encode() if isinstance(text, str) else text
    result = read_source(path, data, ReadSettings())
    return list(result.articles), list(result.diagnostics)


def read_fixture(form: str, path: str) -> tuple[Article, list[Diagnostic]]:
    articles, diagnostics = read(path, (DATA / form / path).read_bytes())
    assert len(articles) == 1, [d.format() for d in diagnostics]
    return articles[0], diagnostics


def where(diagnostics: list[Diagnostic]) -> list[tuple[int, int, str]]:
    return [(d.line, d.column, d.message) for d in diagnostics]


# --- Front matter after blank lines, a BOM, JSON ----------------------------------------------


@pytest.mark.parametrize("lead", ["\n", "\n\n  \n", "\ufeff", "\ufeff\n\r\n"])
def test_front_matter_after_blank_lines_and_bom(lead: str) -> None:
    for fence, line in (("---", "title: Tide tables"), ("+++", 'title = "Tide tables"')):
        articles, diagnostics = read("a.md", f"{lead}{fence}\n{line}\n{fence}\nBody.\n")
        assert [a.title for a in articles] == ["Tide tables"], diagnostics
        blank = lead.replace("\ufeff", "").count("\n")
        assert articles[0].body == "Body." and articles[0].body_line == 4 + blank


def test_errors_after_blank_lines_keep_their_file_line() -> None:
    _, diagnostics = read("a.md", "\n\n---\ntitle: [unclosed\n---\n")
    assert diagnostics[0].line == 5 and "invalid YAML front matter" in diagnostics[0].message
    _, diagnostics = read("a.md", "\n\n---\ntitle: x\n")
    assert where(diagnostics) == [(3, 1, "front matter is not closed")]
    _, diagnostics = read("a.md", "\n---\ntitle: T\ndate: someday soon\n---\n")
    assert diagnostics[0].line == 4 and "cannot read the date" in diagnostics[0].message


def test_json_front_matter() -> None:
    articles, diagnostics = read("a.md", '\n{\n  "title": "Quay works",\n  "date": "2024-02-03",\n'
                                 '  "tags": ["quay"]\n}\n\nWork starts in March.\n')
    article = articles[0]
    assert (article.title, article.published and article.published.date()) == (
        "Quay works", date(2024, 2, 3))
    assert article.terms == {"topics": ("quay",)} and article.body == "Work starts in March."
    assert article.body_line == 8 and diagnostics == []
    _, diagnostics = read("a.md", '{\n  "title": "x",\n  "date": \n}\nBody\n')
    assert (diagnostics[0].line, diagnostics[0].message) == (
        4, "invalid JSON front matter: Expecting value")
    _, diagnostics = read("a.md", '{"title": ' + "[" * 5000 + "]" * 5000 + "}\nBody\n")
    assert "nested more than" in diagnostics[0].message


# --- Hugo bundle ------------------------------------------------------------------------------


def test_hugo_bundle_page() -> None:
    article, diagnostics = read_fixture("hugo", "news/2024/harbour-reopens/index.md")
    assert article.title == "Harbour reopens after the storm"
    assert article.published is not None and article.published.isoformat() == (
        "2024-11-26T09:30:00+01:00")
    assert article.authors == ("Mara Quill",) and article.body_line == 11
    assert article.images == (Image("news/2024/harbour-reopens/photo.jpg",
                                    "Fishing boats moored at dawn",
                                    "The inner basin on Tuesday morning"),)
    body = article.body
    assert "since the harbour master wrote the first lines" in body
    assert ('<figure><img src="' + asset_marker("news/2024/harbour-reopens/photo.jpg", 13, 1)
            + '" alt="Fishing boats moored at dawn" loading="lazy"><figcaption>The inner basin '
            "on Tuesday morning</figcaption></figure>") in body
    assert f"[the new ferry timetable]({ref_marker('ferry-timetable.md', 15, 32)})" in body
    assert "Boats over twelve metres still need a pilot." in body
    assert "[Video](https://www.youtube.com/watch?v=dQw4w9WgXcQ)" in body
    assert "```\n{{< keep-this-in-code >}}\n```" in body
    assert where(diagnostics) == [
        (11, 51, "unknown shortcode {{< person >}}: its text kept"),
        (17, 1, "unknown shortcode {{< note >}}: its inner text kept"),
    ]


def test_hugo_section_index_is_skipped() -> None:
    articles, diagnostics = read("news/_index.md", (DATA / "hugo/news/_index.md").read_bytes())
    assert articles == [] and "section index" in diagnostics[0].message


# --- Zola and Jekyll dates --------------------------------------------------------------------


def test_zola_date_from_path_and_tables() -> None:
    article, diagnostics = read_fixture("zola", "content/blog/first-crossing.md")
    assert article.published is not None and article.published.date() == date(2024, 11, 26)
    assert article.authors == ("Tom Reed",) and article.terms == {"topics": ("ferries",)}
    assert article.summary == "The spring ferry made its first run."
    assert article.images == (Image("https://images.example.org/ferry.jpg"),)
    assert diagnostics == []


def test_zola_bundle_folder_date() -> None:
    article, _ = read_fixture("zola", "content/blog/2023-04-01-spring-tides/index.md")
    assert article.published is not None and article.published.date() == date(2023, 4, 1)


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("path", "2024/11/26/slug", date(2024, 11, 26)),
    ("permalink", "/news/2021/02/03/slug/", date(2021, 2, 3)),
    ("permalink", "/2021-02-03-slug/", date(2021, 2, 3)),
    ("path", "2024/13/40/slug", None),
    ("path", "0001/01/01/slug", None),
    ("permalink", "/:year/:month/:title/", None),
])
def test_dates_of_paths(key: str, value: str, expected: date | None) -> None:
    articles, _ = read("a.md", f"---\ntitle: T\n{key}: {value}\n---\nBody\n")
    found = articles[0].published
    assert (found.date() if found else None) == expected


def test_front_matter_date_wins_over_path() -> None:
    articles, _ = read("a.md", "---\ntitle: T\ndate: 2020-05-06\npath: 2024/11/26/x\n---\nB\n")
    assert articles[0].published is not None
    assert articles[0].published.date() == date(2020, 5, 6)


def test_jekyll_permalink_date() -> None:
    article, _ = read_fixture("jekyll", "pages/notice.md")
    assert article.published is not None and article.published.date() == date(2024, 3, 5)


def test_jekyll_post_with_liquid() -> None:
    article, diagnostics = read_fixture("jekyll", "_posts/2024-11-26-harbour-dues.md")
    assert article.published is not None and article.published.date() == date(2024, 11, 26)
    body = article.body
    assert "[the schedule](/assets/dues-2024.pdf)" in body
    assert '{% include download.html file="dues-2024.pdf" label="Download the schedule" %}' \
        in body
    assert f"those of [2024-10-01-old-dues]({ref_marker('2024-10-01-old-dues', 10, 23)})" in body
    assert "and Harbour dues revised applies from January." in body
    assert asset_marker("assets/img/quay.jpg", 12, 1) in body
    assert "{{ not_a_variable }}" in body
    assert article.images == (Image("assets/img/quay.jpg", "The east quay at low tide"),)
    assert where(diagnostics) == [(8, 1, 'Liquid tag {% include download.html '
                                   'file="dues-2024.pdf" label="Download the schedule" %} '
                                   "left as text")]


# --- Shortcodes and tags ----------------------------------------------------------------------


def convert(body: str, path: str = "news/a/index.md") -> tuple[str, tuple[Image, ...],
                                                                list[tuple[int, int, str]]]:
    converted = convert_body(body, path, 1, {"title": "Quay"})
    return converted.body, converted.images, where(list(converted.diagnostics))


def test_image_shortcodes() -> None:
    body, images, found = convert(
        'A {{< imgproc boats.jpg Resize "800x" >}} b\n'
        '{{< image src="https://cdn.example.org/a.png" alt="A gull" >}}\n'
        '{{< img src="no-suffix-name" alt="A crane" >}}\n'
        '{{< figure src="javascript:alert(1)" alt="x" >}}\n'
        '{{< figure src="../../../etc/passwd.jpg" alt="Up" >}}\n')
    assert body.startswith(f"A ![](<{asset_marker('news/a/boats.jpg', 1, 3)}>) b\n")
    assert ('<figure><img src="https://cdn.example.org/a.png" alt="A gull" loading="lazy">'
            "</figure>") in body
    assert "\nA crane\n" in body and "javascript" not in body and "\nUp\n" in body
    assert images == (Image("news/a/boats.jpg"), Image("https://cdn.example.org/a.png", "A gull"))
    assert [f[:2] for f in found] == [(3, 1), (4, 1), (5, 1)]
    assert found[0][2] == ("the image 'no-suffix-name' is not an image file beside the "
                           "article; its alt text kept")


def test_markdown_images_keep_alt_text() -> None:
    body, images, _ = convert('![Net lofts](lofts.webp "Drying nets")\n'
                              "![Quay](https://example.org/q.jpg)\n![](/static/x.gif)\n")
    assert body.startswith(f'![Net lofts](<{asset_marker("news/a/lofts.webp", 1, 1)}> '
                           '"Drying nets")\n![Quay](https://example.org/q.jpg)\n')
    assert images == (Image("news/a/lofts.webp", "Net lofts", "Drying nets"),
                      Image("https://example.org/q.jpg", "Quay"), Image("static/x.gif"))


def test_other_shortcodes() -> None:
    body, _, found = convert(
        'See {{< ref "b.md" >}} and <a href="{{< relref "c.md#tides" >}}">c</a>.\n'
        '{{< tweet user="harbourlog" id="123456" >}}\n{{< vimeo 7654321 >}}\n'
        '{{< button href="https://example.org/form" text="Apply now" >}}\n'
        '{{< legacy-file "2014/07/x.docx" >}}|\n{{</* figure src="x" */>}}\n'
        "{{< highlight go >}}\nx := 1\n{{< /highlight >}}\n{{% box %}}Boxed{{% /box %}}\n"
        '{{< param "title" >}}\n')
    assert body.split("\n") == [
        f"See [b]({ref_marker('b.md', 1, 5)}) and <a href=\"{ref_marker('c.md#tides', 1, 37)}"
        "\">c</a>.",
        "[Post on X](https://x.com/harbourlog/status/123456)",
        "[Video](https://vimeo.com/7654321)",
        "[Apply now](https://example.org/form)", "|", '{{< figure src="x" >}}',
        "```go", "x := 1", "```", "Boxed", "Quay", ""]
    assert [f[2] for f in found] == [
        "unknown shortcode {{< button >}}: written as a link",
        "unknown shortcode {{< legacy-file >}}: removed",
        "unknown shortcode {{< box >}}: its inner text kept"]


def test_liquid_tags() -> None:
    body, _, found = convert(
        "{% if a %}kept{% endif %} {% for x in y %}{% endfor %}\n"
        "{% comment %}gone{% endcomment %}{% unknowntag 1 %}\n"
        "{{ site.url }}/x {{ 'lit' | upcase }} {{ author.name }} {{ page.nothing }}\n"
        "{% highlight ruby %}\nputs 1\n{% endhighlight %}\n{% link _posts/2020-01-01-a.md %}")
    assert body.split("\n")[:4] == [
        "kept ", "{% unknowntag 1 %}", "/x lit {{ author.name }} {{ page.nothing }}", "```ruby"]
    assert body.endswith(f"[2020-01-01-a]({ref_marker('_posts/2020-01-01-a.md', 7, 1)})")
    assert found == [
        (1, 1, "Liquid tag {% if a %} cannot be evaluated; the tag removed, the text around "
               "it kept"),
        (1, 15, "Liquid tag {% endif %} cannot be evaluated; the tag removed, the text around "
                "it kept"),
        (1, 27, "Liquid tag {% for x in y %} cannot be evaluated; the tag removed, the text "
                "around it kept"),
        (1, 43, "Liquid tag {% endfor %} cannot be evaluated; the tag removed, the text around "
                "it kept"),
        (2, 34, "Liquid tag {% unknowntag 1 %} left as text"),
        (3, 39, "Liquid output {{ author.name }} left as text"),
        (3, 57, "Liquid output {{ page.nothing }} left as text"),
    ]


def test_repeated_unknown_shortcode_is_reported_once() -> None:
    _, _, found = convert("{{< tmp >}}\n" * 3)
    assert found == [(1, 1, "unknown shortcode {{< tmp >}}: removed (3 times in this file)")]


@pytest.mark.parametrize("text", [
    "{{< " * 30_000, "{% raw %}" * 30_000, "![](" * 60_000, '![a](b "' * 30_000,
    "![" + "[" * 100_000, "{{< figure src=" * 20_000 + ">}}", "{{ " * 30_000,
    "```\n" * 30_000 + "{{< x >}}", "![a](" + "x" * 100_000, "{% comment %}" * 30_000,
])
def test_hostile_bodies_are_converted_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    convert_body(text, "a.md")
    assert time.perf_counter() - started < 2


def test_control_characters_and_huge_fields() -> None:
    articles, diagnostics = read("a.md", '---\ntitle: T\nimage: "x\\e[31m.jpg"\n---\n'
                                 + "{{< figure alt=\"" + "a" * 200_000 + '" src="p.png" >}}\n')
    assert articles[0].images[0] == Image("x.jpg")
    assert len(articles[0].images[1].alt) == 200_000
    assert any("control character" in d.message for d in diagnostics)


# --- Assets -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "src", "expected"), [
    ("a/b/index.md", "photo.jpg", "a/b/photo.jpg"),
    ("a/b/index.md", "img/Photo.JPEG", "a/b/img/Photo.JPEG"),
    ("a/b/index.md", "../shared/x.png", "a/shared/x.png"),
    ("a/b/index.md", "/static/x.png", "static/x.png"),
    ("a/b/index.md", "drawing.svg", None),  # an SVG can carry script: never copied
    ("a/b/index.md", "my%20photo.avif", "a/b/my photo.avif"),
    ("a/b/index.md", "../../../x.png", None),
    ("a/b/index.md", "notes.pdf", None),
    ("a/b/index.md", ".hidden/x.png", None),
    ("a/b/index.md", "https://x.org/a.png", None),
    ("a/b/index.md", "data:image/png;base64,xx.png", None),
    ("a/b/index.md", "//x.org/a.png", None),
    ("a/b/index.md", "a\\..\\x.png", None),
])
def test_local_image_path(source: str, src: str, expected: str | None) -> None:
    assert local_image_path(source, src) == expected


def entry(source_path: str, url: str, body_html: str = "", images: tuple[Image, ...] = ()
          ) -> Entry:
    article = Article(source_path, "T", "", "markdown", images=images)
    return Entry(article, "t", url, "", body_html, {}, "d")


def test_plan_assets_refuses_what_is_not_a_safe_image(tmp_path: Path) -> None:
    source = tmp_path / "seeds"
    (source / "a/b").mkdir(parents=True)
    (source / "a/b/photo.jpg").write_bytes(b"jpg")
    (source / "a/b/notes.txt.png").mkdir()
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"secret")
    os.symlink(outside, source / "a/b/link.png")
    images = tuple(Image(src) for src in ("a/b/photo.jpg", "a/b/link.png", "a/b/notes.txt.png",
                                          "a/b/missing.gif", "a/../../secret.png",
                                          "https://x.org/r.png"))
    planned = plan_assets([entry("a/b/index.md", "2024/11/26/t/", images=images)], source)
    assert planned == {"2024/11/26/t/photo.jpg": (source / "a/b/photo.jpg").resolve()}
    assert set(IMAGE_SUFFIXES) == {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"}


def test_resolve_links(tmp_path: Path) -> None:
    (tmp_path / "news/a").mkdir(parents=True)
    (tmp_path / "news/a/p.png").write_bytes(b"png")
    body = (f'<p><a href="{ref_marker("../b.md#Tides", 3, 4)}" rel="x">B</a> '
            f'<a href="{ref_marker("gone.md", 5, 6)}">Gone</a> '
            f'<img src="{asset_marker("news/a/p.png", 7, 1)}" alt="P"> '
            f'<img src="{asset_marker("news/a/q.png", 8, 2)}" alt="Q &amp; R"> '
            f'<a href="{ref_marker("2019-01-01-c", 9, 1)}">C</a></p>')
    images = (Image("news/a/p.png"), Image("news/a/q.png"))
    entries = {"a": entry("news/a/index.md", "2024/01/02/a/", body, images),
               "b": entry("news/b.md", "2023/05/06/b/"),
               "c": entry("_posts/2019-01-01-c.md", "2019/01/01/c/")}
    resolved, warnings = resolve_links(entries, tmp_path)
    assert resolved["a"].body_html == (
        '<p><a href="../../../../2023/05/06/b/index.html#body-Tides" rel="x">B</a> Gone '
        '<img src="p.png" alt="P"> Q &amp; R '
        '<a href="../../../../2019/01/01/c/index.html">C</a></p>')
    assert where(warnings) == [
        (5, 6, "the link to 'gone.md' names no article of the archive; its text kept"),
        (8, 2, "the image 'news/a/q.png' is not an image file of the source folder; its alt "
               "text kept")]
    assert resolved["b"] is entries["b"]


def test_page_images_leave_out_what_the_body_shows(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a/lead.jpg").write_bytes(b"j")
    (tmp_path / "a/in-body.jpg").write_bytes(b"j")
    images = (Image("a/lead.jpg", "Lead", "Cap"), Image("a/in-body.jpg", "B"),
              Image("a/missing.jpg"), Image("https://x.org/r.png", "R"),
              Image("https://x.org/s.png"))
    shown = page_images(entry("a/index.md", "2024/01/02/a/",
                              '<img src="in-body.jpg"><img src="https://x.org/s.png">',
                              images), tmp_path)
    assert shown == [{"src": "lead.jpg", "alt": "Lead", "caption": "Cap"},
                     {"src": "https://x.org/r.png", "alt": "R", "caption": ""}]


# --- A whole build ----------------------------------------------------------------------------


def _bundle_site(tmp_path: Path) -> Path:
    root = tmp_path / "site-root"
    make_site(root, {})
    shutil.copytree(DATA / "hugo", root / "seeds", dirs_exist_ok=True)
    return root


def _check_bundle_output(output: Path) -> None:
    page = output / "2024/11/26/harbour-reopens-after-the-storm"
    html = (page / "index.html").read_text(encoding="utf-8")
    assert (page / "photo.jpg").read_bytes() == (
        DATA / "hugo/news/2024/harbour-reopens/photo.jpg").read_bytes()
    assert ('<figure><img src="photo.jpg" alt="Fishing boats moored at dawn">'
            "<figcaption>The inner basin on Tuesday morning</figcaption></figure>") in html
    assert '<a href="../../../../2024/11/20/new-ferry-timetable/index.html"' in html
    assert "newsarchive.invalid" not in html


def test_bundle_site_build(tmp_path: Path) -> None:
    """Images are copied beside their article, links between imported pages
    resolved, and a link to a file not imported is a located warning."""
    config = make_site(_bundle_site(tmp_path), {})
    report = build_site(config)
    _check_bundle_output(config.output_dir)
    assert (15, 87, "the link to '/news/2019/gone.md' names no article of the archive; its "
            "text kept") in where(report.diagnostics)
    assert "news/2024/harbour-reopens/photo.jpg" not in report.not_read  # shown: not reported


def test_a_moved_link_target_renders_the_linking_page_again(tmp_path: Path) -> None:
    config = make_site(_bundle_site(tmp_path), {})
    build_site(config)
    target = next(config.source_dir.rglob("ferry-timetable.md"))
    text = target.read_text(encoding="utf-8")
    assert "2024-11-20" in text
    target.write_text(text.replace("2024-11-20", "2024-11-21", 1), encoding="utf-8")
    build_site(config)
    html = (config.output_dir / "2024/11/26/harbour-reopens-after-the-storm/index.html"
            ).read_text("utf-8")
    assert '<a href="../../../../2024/11/21/new-ferry-timetable/index.html"' in html


def test_front_matter_image_is_a_figure(tmp_path: Path) -> None:
    config = make_site(tmp_path / "s", {"a.md": (
        "---\ntitle: Gulls return\ndate: 2024-05-01\n"
        "cover:\n  image: https://images.example.org/gulls.jpg\n  alt: Gulls on a roof\n"
        "  caption: Back on the fish market\n---\nThe gulls are back.\n")})
    build_site(config)
    html = (config.output_dir / "2024/05/01/gulls-return/index.html").read_text("utf-8")
    # the lead image loads at once (it is the first thing seen); later ones lazily
    assert ('<figure class="article-figure lead"> <img src="https://images.example.org/'
            'gulls.jpg" alt="Gulls on a roof"> <figcaption>Back on the '
            "fish market</figcaption> </figure>") in " ".join(html.split())


# --- Public corpora ---------------------------------------------------------------------------


@pytest.mark.parametrize("corpus", ["digitalgov-news-hugo", "aamc-hugo-french",
                                    "18f-blog-posts"])
def test_public_corpora_read(corpus: str) -> None:
    folder = CORPORA / corpus / "content"
    if not folder.is_dir():
        pytest.skip(f"public corpus not found at {folder}")
    read_count = dated = 0
    errors: list[str] = []
    for path in sorted(folder.rglob("*.md")):
        name = path.relative_to(folder).as_posix()
        result = read_source(name, path.read_bytes(), ReadSettings())
        read_count += len(result.articles)
        dated += sum(a.published is not None for a in result.articles)
        errors += [d.format() for d in result.diagnostics if d.severity == "error"]
        assert not any("newsarchive.invalid" in a.title for a in result.articles)
    assert read_count > 100 and dated == read_count
    assert [e for e in errors if "internal error" in e] == []


def test_entry_replace_keeps_frozen_types() -> None:
    # resolve_links returns new Entry values; the old ones are untouched.
    original = entry("a.md", "x/", f'<a href="{ref_marker("b.md", 1, 1)}">b</a>')
    resolved, _ = resolve_links({"a": original}, Path("."))
    assert original.body_html != resolved["a"].body_html
    assert replace(original) == original
