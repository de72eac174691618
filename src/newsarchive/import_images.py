"""Images beside an imported article: copied beside its page, and pointed at there.

A reader names an image file beside an article by its path from the folder it
was read in (``Image.src``, and the asset markers of the body: see
:mod:`newsarchive.pipeline.assets`).  When ``import`` writes the article's page
elsewhere, each such file is copied to the same place relative to the page,
and the names are rewritten relative to the import folder, so a build of that
folder finds them.  A file that would land outside the import folder is left
out, one that cannot be copied still named; both are reported.
"""

from __future__ import annotations

import dataclasses
import posixpath
import shutil
from pathlib import Path
from urllib.parse import quote

from newsarchive.errors import Diagnostic
from newsarchive.model import Article
from newsarchive.pipeline.assets import MARKER, markers_in

__all__ = ["carry_images"]


def _is_local(src: str) -> bool:
    return not src.startswith(("http://", "https://"))


def carry_images(article: Article, shown: str, name: str, destination: Path
                 ) -> tuple[Article, list[Diagnostic]]:
    """``article`` (read from ``shown``) as its page ``name`` under ``destination``
    names its local images, which are copied there; with the problems met."""
    targets = {image.src for image in article.images if _is_local(image.src)}
    targets |= {target for kind, target, _, _ in markers_in(article.body) if kind == "asset"}
    if not targets:
        return article, []
    here = posixpath.dirname(shown.lstrip("/"))
    there = posixpath.dirname(name)
    moved: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for target in sorted(targets):
        # Read from an absolute path, the reader named it absolutely too.
        relative = posixpath.relpath(target.lstrip("/"), here or ".")
        new = posixpath.normpath(posixpath.join(there, relative))
        source = Path(target if target.startswith("/") or not shown.startswith("/")
                      else "/" + target)
        copy = destination / new
        if new.startswith("../") or not copy.resolve().is_relative_to(destination.resolve()):
            problems.append(Diagnostic(shown, 0, 0, f"the image {relative!r} would be copied "
                                       "outside the import folder; left out",
                                       "keep images beside or below their article", "warning"))
            continue
        try:
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
        except OSError as exc:  # still named: a build reports it missing, with its line
            problems.append(Diagnostic(shown, 0, 0, f"cannot copy the image {relative!r}: "
                                       f"{exc.strerror or exc}",
                                       "put the file beside the page by hand", "warning"))
        moved[target] = new
    body = article.body
    for old, new in moved.items():
        body = body.replace(f"{MARKER}asset/{quote(old, safe='/')}?",
                            f"{MARKER}asset/{quote(new, safe='/')}?")
    images = tuple(dataclasses.replace(image, src=moved.get(image.src, image.src))
                   for image in article.images
                   if not _is_local(image.src) or image.src in moved)
    return dataclasses.replace(article, source_path=name, body=body,
                               images=images), problems
