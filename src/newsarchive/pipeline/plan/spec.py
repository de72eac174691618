"""A planned output file (:class:`PageSpec`) and the fingerprint of its inputs.

A PageSpec holds small plain data (``params``) plus the keys of the entries
it shows; the renderer resolves those keys to entries.  Its fingerprint is the
digest of the template closure, the config, the params and the digests and
URLs of its entries, so a page is rendered again only when one of those changed.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from newsarchive.model import Entry
from newsarchive.pickling import by_constructor

__all__ = ["PageSpec", "fingerprints", "params_bytes"]


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


def params_bytes(params: Mapping[str, Any]) -> bytes:
    """The bytes of ``params`` that a fingerprint digests: their pickle with the
    memo off (``Pickler.fast``), so equal params give equal bytes whether or not
    their strings are shared objects; ``repr`` for params that do not pickle (a
    plugin's own objects).

    Params are plain data built in a fixed key order (no sets), so either is
    deterministic; the pickle takes 0.07 s where ``repr`` takes 0.18 s for the
    30,000 pages of a 10,000-article site."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    try:
        pickler.dump(params)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
        return b"r" + repr(params).encode("utf-8", "surrogatepass")
    return b"p" + buffer.getvalue()


def fingerprints(specs: Iterable[PageSpec], entries: Mapping[str, Entry],
                 template_digests: Mapping[str, str], config_digest: str,
                 unsure: set[str] | None = None) -> dict[str, str]:
    """The fingerprint of each of ``specs`` by output path: the SHA-256 of its output
    path, template, template closure digest, the config digest and its extra
    digest joined by NULs, then its params (:func:`params_bytes`), then the digest
    and URL of the entry it shows and of each it lists, then the title and URL of
    each it links.

    What each entry adds is made once for all the pages, not once per page that
    shows it: a 100,000-article site lists 5.8 million entries on its pages.
    ``unsure`` (when given) gets the output paths whose fingerprint does not say
    all that their spec holds: params digested by ``repr``, an empty key listed
    (see :mod:`newsarchive.incremental.plankeys`)."""
    # What each entry adds, made for every entry at once: nearly all are shown.
    shown = {key: f"\0{entry.digest}\0{entry.url}" for key, entry in entries.items()}
    shown[""] = ""  # an empty key (a plugin's page may list one) adds nothing
    linked: dict[str, str] = {}
    found: dict[str, str] = {}
    sha256 = hashlib.sha256
    for spec in specs:
        head = "\0".join((spec.output_path, spec.template,
                          template_digests.get(spec.template, ""), config_digest,
                          spec.extra_digest, ""))
        parts = "".join(map(shown.__getitem__, spec.keys))
        if spec.article:
            parts = shown[spec.article] + parts
        for key in spec.links:
            part = linked.get(key)
            if part is None:
                entry = entries[key]
                part = linked[key] = f"\0{entry.title}\0{entry.url}"
            parts += part
        digest = sha256(head.encode("utf-8", "surrogatepass"))
        params = params_bytes(spec.params)
        if unsure is not None and (params[:1] == b"r" or "" in spec.keys):
            unsure.add(spec.output_path)
        digest.update(params)
        digest.update(parts.encode("utf-8", "surrogatepass"))
        found[spec.output_path] = digest.hexdigest()
    return found
