"""Article images that are files beside the source, and links between imported pages.

A reader cannot know where a page will be published, nor whether another
file is in the archive, so it leaves markers in the body that the build
resolves once every article has its URL:

- an image file beside the source (a Hugo bundle's ``photo.jpg``) is written
  as ``https://newsarchive.invalid/asset/<source path>?at=<line>.<column>``;
- a link to another source file (Hugo ``ref``/``relref``, Jekyll ``link`` and
  ``post_url``) as ``https://newsarchive.invalid/ref/<target>?at=<line>.<column>``.

Both are absolute ``http(s)`` URLs on a reserved domain (RFC 2606), so they
pass the sanitiser's allow-list unchanged and can never point anywhere real.
:func:`resolve_body` turns them into relative links (or, when unresolved,
into the link's text or the image's alt text, with a located warning), given
the :class:`LinkTable` of the whole archive (:func:`link_table`, made once per
build when every entry has its URL; bodies are only present at render time,
so that is where they are resolved); :func:`plan_assets` lists the image
files to copy beside each article page; :func:`page_images` gives the article
template its figures.

An image file is a regular file inside the source folder, reached without
``..`` or a symbolic link leading out of it, whose suffix is one of
:data:`IMAGE_SUFFIXES`.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, unquote

from newsarchive.errors import Diagnostic
from newsarchive.model import Entry
from newsarchive.pipeline.plan.spec import PageSpec
from newsarchive.urls import absolute, relative, safe_url

__all__ = [
    "IMAGE_SUFFIXES",
    "MARKER",
    "LinkTable",
    "Resolved",
    "asset_marker",
    "link_table",
    "local_image_path",
    "markers_in",
    "page_images",
    "plan_assets",
    "plan_markers",
    "ref_marker",
    "resolve_body",
    "resolve_links",
    "resolve_markers",
    "resolved_table",
]

#: Suffixes (lower case) of the image files copied beside article pages; files
#: with these suffixes in the source folder are assets, not articles.
#: Not SVG: an SVG file is a document that can carry script, and the archive
#: publishes nothing a source file could make run in a reader's browser.
IMAGE_SUFFIXES: tuple[str, ...] = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")
#: Start of every marker URL a reader leaves in a body.
MARKER = "https://newsarchive.invalid/"

_MARKED = re.compile(r'(href|src)="https://newsarchive\.invalid/(ref|asset)/([^"?#]*)'
                     r'(?:\?at=(\d+)\.(\d+))?(#[^"]*)?"')
_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.DOTALL)
_ALT = re.compile(r'\balt="([^"]*)"')
_TAG_START = re.compile(r"<(a|img)\b[^>]*")
_PAGE_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".txt")


def _marker(kind: str, target: str, line: int, column: int) -> str:
    path, _, fragment = target.partition("#")
    anchor = f"#{quote(fragment, safe='')}" if fragment else ""
    return f"{MARKER}{kind}/{quote(path, safe='/')}?at={line}.{column}{anchor}"


def asset_marker(path: str, line: int, column: int) -> str:
    """The marker URL of the image file at source-relative ``path``, seen at ``line:column``."""
    return _marker("asset", path, line, column)


def ref_marker(target: str, line: int, column: int) -> str:
    """The marker URL of a link to another source file named ``target`` (as written)."""
    return _marker("ref", target, line, column)


def local_image_path(source_path: str, src: str) -> str | None:
    """The source-relative path of image ``src`` written in ``source_path``, or None.

    ``src`` is relative to the article's folder, or to the source folder when
    it starts with ``/``.  None when it is a URL, leaves the source folder,
    passes a hidden folder or lacks an image suffix.
    """
    src = src.split("#", 1)[0].split("?", 1)[0].strip()
    if not src or "\\" in src or "\x00" in src or re.match(r"[a-zA-Z][\w+.-]*:|//", src):
        return None
    folder = "" if src.startswith("/") else posixpath.dirname(source_path)
    path = posixpath.normpath(posixpath.join(folder, unquote(src).lstrip("/")))
    parts = path.split("/")
    if path.startswith("../") or path in ("..", ".") or any(p.startswith(".") for p in parts):
        return None
    return path if path.lower().endswith(IMAGE_SUFFIXES) else None


def _image_file(source_dir: Path, path: str) -> Path | None:
    """The file of source-relative ``path`` when it is a safe image file, else None."""
    if local_image_path("", "/" + path) != path:
        return None
    root = source_dir.resolve()
    try:
        found = (root / path).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not found.is_relative_to(root) or not found.is_file():
        return None
    return found


def _page_folder(url: str) -> str:
    """The folder of the page at ``url``, with its final ``/``."""
    if not url or url.endswith("/"):
        return url
    return url.rsplit("/", 1)[0] + "/" if "/" in url else ""


def _beside(entry: Entry, path: str) -> str:
    """Where the image at source-relative ``path`` goes, relative to ``entry``'s page."""
    folder = posixpath.dirname(entry.article.source_path)
    if folder and path.startswith(folder + "/"):
        return path[len(folder) + 1:]
    return path


def plan_assets(entries: Iterable[Entry], source_dir: Path) -> dict[str, Path]:
    """The image files to copy: output path (beside the article page) -> source file.

    Every local image of every entry (front matter, shortcodes, Markdown
    images) that is a safe image file of ``source_dir`` is listed, e.g.
    ``2024/11/26/slug/photo.jpg`` for ``news/slug/photo.jpg`` beside
    ``news/slug/index.md``; the others are left out (see :func:`resolve_links`
    for their warnings).  Never raises.
    """
    found: dict[str, Path] = {}
    for entry in entries:
        for image in entry.article.images:
            if image.src.startswith(("http://", "https://")):
                continue
            file = _image_file(source_dir, image.src)
            if file is not None:
                found[_page_folder(entry.url) + _beside(entry, image.src)] = file
    return dict(sorted(found.items()))


def page_images(entry: Entry, source_dir: Path) -> list[dict[str, str]]:
    """The figures the article template shows: ``src`` (an http(s) URL, or a
    path relative to the page), ``alt`` and ``caption``, lead image first.

    Images already shown in the body are left out, and so are local images
    that are not safe image files of ``source_dir``.
    """
    shown: list[dict[str, str]] = []
    for image in entry.article.images:
        if image.src.startswith(("http://", "https://")):
            src = safe_url(image.src, "image")
            if src is None or f'src="{html.escape(src)}"' in entry.body_html:
                continue
        else:
            if _image_file(source_dir, image.src) is None:
                continue
            src = quote(_beside(entry, image.src), safe="/")
            if (f'src="{src}"' in entry.body_html
                    or f"{MARKER}asset/{quote(image.src, safe='/')}" in entry.body_html):
                continue
        shown.append({"src": src, "alt": image.alt, "caption": image.caption})
    return shown


@dataclass(frozen=True, slots=True)
class LinkTable:
    """What resolving markers needs, small enough to send to render workers:
    ``pages`` maps every name a link may give an article (lower case) to its
    URL; ``images`` holds the source paths of the image files that are copied."""

    pages: Mapping[str, str] = field(default_factory=dict)
    images: frozenset[str] = frozenset()


def link_table(entries: Iterable[Entry], source_dir: Path) -> LinkTable:
    """The :class:`LinkTable` of the archive's ``entries`` (with their URLs).

    An article answers to its source path with and without suffix, its file
    name and stem (a Jekyll post's name) and, for a bundle's ``index.md``, its
    folder; a name two articles share goes to the first.  Never raises.
    """
    pages: dict[str, str] = {}
    images: set[str] = set()
    for entry in entries:
        images.update(image.src for image in entry.article.images
                      if not image.src.startswith(("http://", "https://"))
                      and image.src not in images and _image_file(source_dir, image.src))
        if entry.article.record:
            continue
        path = entry.article.source_path
        stem = path.rsplit(".", 1)[0]
        keys = [path, stem, path.rsplit("/", 1)[-1], stem.rsplit("/", 1)[-1]]
        if stem.rsplit("/", 1)[-1] in ("index", "_index") and "/" in stem:
            folder = stem.rsplit("/", 1)[0]
            keys += [folder, folder.rsplit("/", 1)[-1]]
        for key in keys:
            pages.setdefault(key.lower(), entry.url)
    return LinkTable(pages, frozenset(images))


def _wanted(target: str) -> str:
    """A link target as links name it: unquoted, without surrounding slashes, lower case."""
    return unquote(target).strip().strip("/").lower()


def _find(target: str, entry: Entry, pages: Mapping[str, str]) -> str | None:
    wanted = unquote(target).strip().strip("/")
    here = posixpath.dirname(entry.article.source_path)
    tries = [posixpath.normpath(posixpath.join(here, wanted)), wanted]
    tries += [t.rsplit(".", 1)[0] for t in tries if t.lower().endswith(_PAGE_SUFFIXES)]
    for candidate in tries:
        for key in (candidate, candidate.rsplit("/", 1)[-1]):
            found = pages.get(key.lower())
            if found is not None:
                return found
    return None


def resolve_links(entries: Mapping[str, Entry], source_dir: Path, index_html: bool = True
                  ) -> tuple[dict[str, Entry], list[Diagnostic]]:
    """``entries`` (with their URLs and bodies) with every marker resolved by
    :func:`resolve_body`; unchanged entries are returned as they were, with the
    warnings of all.  Never raises."""
    table: LinkTable | None = None
    out = dict(entries)
    warnings: list[Diagnostic] = []
    for key, entry in entries.items():
        if MARKER not in entry.body_html:
            continue
        if table is None:
            table = link_table(entries.values(), source_dir)
        body, found = resolve_body(entry, table, index_html)
        out[key] = replace(entry, body_html=body)
        warnings.extend(found)
    return out, warnings


def resolve_body(entry: Entry, table: LinkTable, index_html: bool = True, base: str = ""
                 ) -> tuple[str, list[Diagnostic]]:
    """``entry``'s body HTML with its markers resolved, and the warnings.

    A link to an imported page becomes a relative link to its archive page; a
    copied image file a path relative to the page.  Otherwise the link keeps
    its text and the image its alt text, with a warning located where the
    source wrote it.  With a ``base`` (the site's absolute URL: a feed), links
    and images are absolute instead.  Never raises.
    """
    body = entry.body_html
    if MARKER not in body:
        return body, []
    out: list[str] = []
    warnings: list[Diagnostic] = []
    position = 0
    path = entry.article.source_path
    for match in _MARKED.finditer(body):
        if match.start() < position:
            continue
        attribute, kind, target = match[1], match[2], unquote(match[3])
        line, column = int(match[4] or 0), int(match[5] or 0)
        fragment = match[6] or ""
        if kind == "ref":
            found = _find(target, entry, table.pages)
            if found is not None:
                link = (absolute(base, found) if base
                        else relative(entry.url, found, index_html))
                anchor = f"#body-{fragment[1:]}" if len(fragment) > 1 else ""
                out.append(body[position:match.start()] + f'{attribute}="{link}{anchor}"')
                position = match.end()
                continue
            message = f"the link to {target!r} names no article of the archive; its text kept"
            hint = "import the linked file too, or write its address as https://..."
        else:
            if target in table.images:
                src = quote(_beside(entry, target), safe="/")
                if base:
                    src = absolute(base, _page_folder(entry.url) + src)
                out.append(body[position:match.start()] + f'{attribute}="{src}"')
                position = match.end()
                continue
            message = f"the image {target!r} is not an image file of the source folder; " \
                      "its alt text kept"
            hint = f"put the image beside the article (suffixes {', '.join(IMAGE_SUFFIXES)})"
        warnings.append(Diagnostic(path, line, column, message, hint, "warning"))
        position = _unwrapped(body, position, match, out)
    out.append(body[position:])
    return "".join(out), warnings


def _unwrapped(body: str, position: int, match: re.Match[str], out: list[str]) -> int:
    """Append the body up to the unresolved marker ``match`` with its element (``<a>`` or
    ``<img>``) replaced by its text or alt text; return where the body goes on."""
    start = body.rfind("<", position, match.start())
    tag = _TAG_START.match(body, start) if start >= 0 else None
    if tag is None or tag.end() < match.start():  # not inside a tag: left as it is
        out.append(body[position:match.end()])
        return match.end()
    out.append(body[position:start])
    if tag[1] == "a":
        element = _LINK.match(body, start)
        out.append(element[1] if element else "")
        return element.end() if element else body.find(">", match.end()) + 1
    end = body.find(">", match.end()) + 1
    alt = _ALT.search(body, start, end)
    out.append(alt[1] if alt else "")
    return end


#: What a planned page needs to resolve the markers of one entry's body:
#: ``(links: target -> site-relative URL, image source paths copied)``.
Resolved = tuple[dict[str, str], tuple[str, ...]]


def markers_in(body: str) -> tuple[tuple[str, str, int, int], ...]:
    """The markers of ``body``: ``(kind, target, line, column)``, in order."""
    if MARKER not in body:
        return ()
    return tuple((m[2], unquote(m[3]), int(m[4] or 0), int(m[5] or 0))
                 for m in _MARKED.finditer(body))


def resolve_markers(entry: Entry, table: LinkTable) -> tuple[Resolved, list[Diagnostic]]:
    """Resolve ``entry``'s markers against the whole archive's ``table`` when pages
    are planned: what its pages need (see :data:`Resolved`) and a located
    warning for each link or image that resolves to nothing."""
    links: dict[str, str] = {}
    images: list[str] = []
    warnings: list[Diagnostic] = []
    path = entry.article.source_path
    for kind, target, line, column in entry.markers:
        if kind == "ref":
            found = _find(target, entry, table.pages)
            if found is not None:
                links[_wanted(target)] = found
                continue
            message = f"the link to {target!r} names no article of the archive; its text kept"
            hint = "import the linked file too, or write its address as https://..."
        else:
            if target in table.images:
                images.append(target)
                continue
            message = f"the image {target!r} is not an image file of the source folder; " \
                      "its alt text kept"
            hint = f"put the image beside the article (suffixes {', '.join(IMAGE_SUFFIXES)})"
        warnings.append(Diagnostic(path, line, column, message, hint, "warning"))
    return (dict(sorted(links.items())), tuple(sorted(set(images)))), warnings


def resolved_table(resolved: Resolved) -> LinkTable:
    """The :class:`LinkTable` :func:`resolve_body` needs for one entry, from what
    was planned for it."""
    links, images = resolved
    return LinkTable(dict(links), frozenset(images))


def plan_markers(specs: list[PageSpec], entries: Iterable[Entry], source_dir: Path
                 ) -> tuple[list[PageSpec], list[Diagnostic]]:
    """``specs`` with what the pages showing a body with markers need to resolve
    them (``params["markers"]``: entry key -> :data:`Resolved`), and a warning
    for each link or image that resolves to nothing.  The planned values enter
    the pages' fingerprints: a page is rendered again when a link's target
    moves."""
    entries = list(entries)
    marked = [e for e in entries if e.markers]
    if not marked:
        return specs, []
    table = link_table(entries, source_dir)
    resolved: dict[str, Resolved] = {}
    warnings: list[Diagnostic] = []
    for entry in marked:
        resolved[entry.key], found = resolve_markers(entry, table)
        warnings += found
    out = []
    for spec in specs:
        shown = (spec.article,) if spec.article else (
            spec.keys if spec.template == "feed.xml" and spec.params.get("full") else ())
        wanted = {key: resolved[key] for key in shown if key in resolved}
        out.append(replace(spec, params={**spec.params, "markers": wanted}) if wanted else spec)
    return out, warnings
