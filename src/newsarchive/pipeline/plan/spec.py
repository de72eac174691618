"""A planned output file (:class:`PageSpec`) and the fingerprint of its inputs.

A PageSpec holds small plain data (``params``) plus the keys of the entries
it shows; the renderer resolves those keys to entries.  Its fingerprint is the
digest of the template closure, the config, the params and the digests and
URLs of its entries, so a page is rendered again only when one of those changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from newsarchive.model import Entry
from newsarchive.pickling import by_constructor

__all__ = ["PageSpec", "fingerprint"]


@by_constructor
@dataclass(frozen=True, slots=True)
class PageSpec:
    """One output file: where it goes, how it is made, from what.

    ``template`` is a Jinja template name, or ``""`` for a file whose bytes
    are ``params["text"]``.  ``keys`` are the entries listed on the page (as
    cards; in feeds, with their bodies); ``article`` is the entry shown in full;
    ``links`` are entries the page links to by title (an article's previous and
    next, named by key in ``params``).
    """

    url: str
    output_path: str
    template: str
    params: Mapping[str, Any]
    keys: tuple[str, ...] = ()
    article: str = ""
    in_sitemap: bool = True
    extra_digest: str = field(default="")
    links: tuple[str, ...] = ()


def fingerprint(spec: PageSpec, entries: Mapping[str, Entry], template_digest: str,
                config_digest: str) -> str:
    """Digest of every input of ``spec``'s bytes."""
    # repr, not json.dumps(sort_keys=True): params are plain data built in a fixed
    # key order, and repr is four times faster on the 250,000 pages of a big archive.
    parts = [spec.output_path, spec.template, template_digest, config_digest,
             repr(spec.params), spec.extra_digest]
    for key in (spec.article, *spec.keys):
        if key:
            entry = entries[key]
            parts.append(entry.digest)
            parts.append(entry.url)
    for key in spec.links:
        entry = entries[key]
        parts.append(entry.title)
        parts.append(entry.url)
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
