"""Writing an Article as a page: YAML front matter plus body (DESIGN.md's page form).

The page reads back (through :func:`newsarchive.pipeline.read.read_source`) to the
same Article, apart from ``source_path``, ``record`` and ``body_line``.  Keys
are written in a fixed order: the article's fields by their canonical names
(``title``, ``date``, ``updated``, ``source``, ``authors``, ``dateline``,
``agency``, ``copyright``, ``original_url``, ``lang``, ``slug``,
``summary``), ``format: text`` for prose bodies, ``draft: true`` for drafts,
the taxonomies (``topics``, ``places``, ``people``, ``organizations``,
``subjects``, then a site's own under their names, as ``Article.terms``
holds them), then every extra key as it was found.  Empty fields are left
out.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import yaml

from newsarchive.config import DERIVED_TAXONOMIES
from newsarchive.model import Article, Image

__all__ = ["to_page"]

_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_TAXONOMIES = ("topics", *DERIVED_TAXONOMIES)


class _Dumper(_BaseDumper):  # type: ignore[valid-type,misc]
    """Safe dumper writing datetimes as ISO 8601 with a ``T`` (``2000-12-28T02:00:00+00:00``)."""


def _datetime(dumper: yaml.SafeDumper, value: datetime) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_Dumper.add_representer(datetime, _datetime)


def _image(source_path: str, image: Image) -> dict[str, str]:
    """An image as front matter: a local file relative to the page's folder."""
    src = image.src
    if not src.startswith(("http://", "https://")):
        src = posixpath.relpath(src, posixpath.dirname(source_path) or ".")
    found = {"src": src, "alt": image.alt, "caption": image.caption}
    return {key: value for key, value in found.items() if value or key == "src"}


def to_page(article: Article, derived: Mapping[str, tuple[str, ...]]) -> str:
    """The page text of ``article``: front matter, then the body.

    ``derived`` holds automatic terms by taxonomy; they are written only for
    taxonomies the article does not set itself.
    """
    meta: dict[str, Any] = {"title": article.title}
    if article.published is not None:
        meta["date"] = article.published
    if article.updated is not None:
        meta["updated"] = article.updated
    for name in ("source", "authors", "dateline", "agency", "copyright", "original_url",
                 "lang", "slug", "summary"):
        value = getattr(article, name)
        if value:
            meta[name] = list(value) if isinstance(value, tuple) else value
    if article.body_format != "markdown":
        meta["format"] = article.body_format
    if article.draft:
        meta["draft"] = True
    if article.images:
        meta["images"] = [_image(article.source_path, image) for image in article.images]
    for taxonomy in _TAXONOMIES:
        names = article.terms.get(taxonomy) or derived.get(taxonomy)
        if names:
            meta[taxonomy] = list(names)
    for taxonomy, names in article.terms.items():
        # A site's own taxonomy: its name is always one of its keys, so it reads back.
        if names and taxonomy not in meta:
            meta[taxonomy] = list(names)
    for key, value in article.extra.items():
        meta.setdefault(key, value)
    front = yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                      default_flow_style=False, width=1_000_000)
    body = article.body.strip("\n")
    return f"---\n{front}---\n\n{body}\n" if body else f"---\n{front}---\n"
