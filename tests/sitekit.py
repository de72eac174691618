"""Helpers for whole-build tests: write small sites inline, build them, check links."""

from __future__ import annotations

import dataclasses
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from newsarchive.config import Config, load_config
from newsarchive.run.executor import SerialExecutor
from newsarchive.run.session import BuildReport, build

NO_TOPICS = "topics:\n  enabled: []\n"


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    """Write ``{relative path: text or bytes}`` below ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def make_site(root: Path, articles: dict[str, str | bytes], config: str = NO_TOPICS) -> Config:
    """A site folder with ``archive.yaml`` and ``seeds/``; returns its Config."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "archive.yaml").write_text(config, encoding="utf-8")
    write_files(root / "seeds", articles)
    (root / "seeds").mkdir(exist_ok=True)
    return load_config(root / "archive.yaml", root)


def build_site(config: Config, **kwargs: object) -> BuildReport:
    """Build in process (no worker pool: fast for small sites), without the search
    step unless ``search=True``."""
    kwargs.setdefault("search", False)  # the search tests ask for it
    return build(config, executor=SerialExecutor(), **kwargs)  # type: ignore[arg-type]


def md(title: str, date: str | None = None, body: str = "Body text.", **fields: object) -> str:
    """A Markdown article with YAML front matter."""
    lines = ["---", f"title: {title!r}" if "'" not in title else f'title: "{title}"']
    if date:
        lines.append(f"date: {date}")
    for key, value in fields.items():
        lines.append(f"{key}: {value}")
    lines += ["---", body, ""]
    return "\n".join(lines)


def stories(years: tuple[int, ...] = (2001, 2002, 2003), per_year: int = 7,
            folders: bool = True) -> dict[str, str | bytes]:
    """Small dated archive the incremental tests edit: ``YEAR/N.md`` (``YEAR-N.md``
    without ``folders``), one source, topics Alpha and Beta0-2, two paragraphs
    each (``Paragraph about *item* N.``, ``Second paragraph YEAR.``)."""
    return {(f"{year}/{n}.md" if folders else f"{year}-{n}.md"): md(
        f"Story {year} {n}", f"{year}-0{n}-1{n}T10:00:00Z",
        f"Paragraph about *item* {n}.\n\nSecond paragraph {year}.",
        topics=f"[Alpha, Beta{n % 3}]", source="Daily")
        for year in years for n in range(1, per_year + 1)}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by relative path, but Pagefind's search index
    (whose file names Pagefind varies from run to run)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] != "pagefind"}


def full_build_of(tmp_path: Path, config: Config) -> dict[str, bytes]:
    """The output (:func:`snapshot`) of a from-scratch, cache-less build of
    ``config``'s current sources, made in ``tmp_path/reference``: what an
    incremental build of the same sources must equal."""
    root = tmp_path / "reference"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(config.source_dir, root / "seeds")
    reference = dataclasses.replace(config, source_dir=root / "seeds", output_dir=root / "site",
                                    cache_dir=root / "cache")
    build_site(reference, use_cache=False)
    return snapshot(reference.output_dir)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def broken_links(site: Path, base_path: str = "/") -> list[str]:
    """Every internal href/src of every HTML file that does not resolve to a file.

    The site is taken as served at ``base_path`` (``/archive/``): relative
    links resolve against the page's own location, absolute paths must start
    with ``base_path``.  Fragment links must name an id on the target page.
    """
    problems = []
    ids: dict[Path, set[str]] = {}

    def parse(page: Path) -> _Links:
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        ids[page] = parser.ids
        return parser

    pages = sorted(site.rglob("*.html"))
    parsed = {p: parse(p) for p in pages if "pagefind" not in p.parts}
    for page, parser in parsed.items():
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            path = unquote(parts.path)
            if not path:
                target = page
            elif path.startswith("/"):
                if not path.startswith(base_path):
                    problems.append(f"{page.relative_to(site)}: {link} is outside {base_path}")
                    continue
                target = site / path[len(base_path):]
            else:
                target = (page.parent / path)
            target = Path(re.sub(r"/+$", "", str(target.resolve()))) if path else target
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{page.relative_to(site)}: {link} -> missing")
                continue
            if parts.fragment and target.suffix == ".html":
                target_ids = ids.get(target) if target in ids else parse(target).ids
                if parts.fragment not in target_ids:
                    problems.append(f"{page.relative_to(site)}: {link} -> no id")
    return problems
