"""The units of work sent to executors: top-level, picklable, pure.

``load_batch`` reads (when given only a path), parses and enriches source
files; ``render_batch`` renders pages and, when the worker shares this
machine's disk, writes them.

Entries travel *light*: an entry's ``body_html`` is empty and its article's
``body`` is replaced by a digest of the whitespace-folded body (all that
duplicate detection compares).  The bodies travel separately as one pickled
blob per source file, kept in the cache and unpickled only by the worker that
renders a page showing them, so the builder never holds every body at once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from newsarchive import hooks
from newsarchive.config import Config
from newsarchive.model import Entry, Loaded, ReadResult
from newsarchive.pipeline.assets import markers_in
from newsarchive.pipeline.discover import read_sources
from newsarchive.pipeline.enrich import enrich, language_warnings
from newsarchive.pipeline.output import TEMP_DIR, safe_target, write_bytes_atomic
from newsarchive.pipeline.plan import PageSpec
from newsarchive.pipeline.read import read_source
from newsarchive.pipeline.render import CardValues, page_context_cards, render_job
from newsarchive.run.executor import uninterrupted

__all__ = ["LoadItem", "LoadResult", "Loaded", "RenderBatch", "empty_bodies", "full_keys",
           "light_entry",
           "load_batch", "load_one", "render_batch", "restore_bodies"]

class LoadItem(NamedTuple):
    """A source file to load: its ``data`` (None: the worker reads the file itself),
    the digest the cache holds for it (``known``, or ``""``) and, when the
    builder could not read it, why (``unreadable``)."""

    path: str
    data: bytes | None
    known: str
    unreadable: str = ""




class LoadResult(NamedTuple):
    """A loaded source file: its ``digest``; ``loaded`` (pickled: the builder unpickles
    it once and stores these very bytes in the cache) is None when the digest
    equals the cached one (nothing to redo); ``bodies`` is its bodies blob;
    ``unreadable`` says why the file could not be read (then nothing else is set)."""

    path: str
    digest: str
    loaded: bytes | None
    bodies: bytes
    unreadable: str = ""


class RenderBatch(NamedTuple):
    """A batch of pages to render: with an ``output_dir`` the worker writes them;
    ``entries``: the light entries shown in full, by key; ``cards``: the card
    values of the listed entries; ``blobs``: the bodies blobs by source path;
    ``compiled``: the folder of compiled templates, if any
    (:mod:`newsarchive.pipeline.compiled`)."""

    config: Config
    output_dir: Path | None
    specs: Sequence[PageSpec]
    entries: Mapping[str, Entry]
    cards: Mapping[str, CardValues]
    blobs: Mapping[str, bytes]
    compiled: str | None = None


def light_entry(entry: Entry) -> Entry:
    """``entry`` without its bodies (see the module docstring)."""
    folded = " ".join(entry.article.body.split())
    identity = "sha256:" + hashlib.sha256(folded.encode("utf-8", "surrogatepass")).hexdigest()
    return dataclasses.replace(entry, body_html="",
                               article=dataclasses.replace(entry.article, body=identity))


def _with_markers(entry: Entry) -> Entry:
    """``entry`` knowing the links and images its body holds as markers (resolved
    when pages are planned: see :mod:`newsarchive.pipeline.assets`), and the
    signature that finds its copies by other sources (:mod:`newsarchive.pipeline.copies`):
    and the keywords that story threads compare (:mod:`newsarchive.pipeline.threads`):
    all need the body, which light entries lack."""
    from newsarchive.pipeline.copies import signature
    from newsarchive.pipeline.threads import body_keywords

    return dataclasses.replace(entry, markers=markers_in(entry.body_html),
                               copy_sig=signature(entry.article) or b"",
                               keywords=body_keywords(entry.article.body))


def load_one(config: Config, source_path: str, data: bytes) -> tuple[Loaded, bytes]:
    """Read one source file and enrich its articles: light entries plus the bodies blob."""
    result = read_source(source_path, data, config.read)
    entries = tuple(_with_markers(hooks.after_read(enrich(article, config), config))
                    for article in result.articles)
    bodies = pickle.dumps({e.key: e.body_html for e in entries}, protocol=pickle.HIGHEST_PROTOCOL)
    light = tuple(light_entry(e) for e in entries)
    diagnostics = (*result.diagnostics, *(w for a in result.articles for w in language_warnings(a)))
    return (ReadResult((), diagnostics, result.unread), light), bodies


def load_batch(batch: tuple[Config, Sequence[LoadItem]]) -> list[LoadResult]:
    """Load a batch of sources; see :data:`LoadItem` and :data:`LoadResult`."""
    config, items = batch
    results: list[LoadResult] = []
    for path, data, known, unreadable in items:
        if unreadable:  # the builder could not read it
            results.append(LoadResult(path, "", None, b"", unreadable))
            continue
        digest = ""
        if data is None:
            for _, read, found in read_sources(config.source_dir, [path]):
                data, digest = read, found
            if data is None:
                results.append(LoadResult(path, "", None, b"", digest))
                continue
        else:
            digest = hashlib.sha256(data).hexdigest()
        if digest == known:
            results.append(LoadResult(path, digest, None, b""))
            continue
        loaded, bodies = load_one(config, path, data)
        results.append(LoadResult(
            path, digest, pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL), bodies))
    return results


def empty_bodies(loaded: Loaded) -> bytes:
    """A bodies blob with an empty body for each entry of ``loaded``."""
    return pickle.dumps({e.key: "" for e in loaded[1]}, protocol=pickle.HIGHEST_PROTOCOL)


def full_keys(spec: PageSpec) -> tuple[str, ...]:
    """Keys of the entries ``spec`` shows with their bodies (article page, full feed)."""
    if spec.article:
        return (spec.article,)
    if spec.template == "feed.xml" and spec.params.get("full"):
        return spec.keys
    return ()


def restore_bodies(entries: Mapping[str, Entry], keys: Sequence[str],
                   blobs: Mapping[str, bytes]) -> dict[str, Entry]:
    """``entries`` with the bodies of ``keys`` put back from the per-file ``blobs``.

    Raises KeyError when a blob is missing (the builder always sends them).
    """
    restored = dict(entries)
    opened: dict[str, Mapping[str, str]] = {}
    for key in keys:
        path = entries[key].article.source_path
        if path not in opened:
            opened[path] = pickle.loads(blobs[path])
        restored[key] = dataclasses.replace(entries[key], body_html=opened[path][key])
    return restored


def render_batch(batch: RenderBatch) -> list[bytes | bool]:
    """Render a batch of pages.

    With an output folder the worker writes each page (only changed bytes) and
    returns whether it wrote it; without one it returns the bytes, for the
    builder to write.
    """
    config, output_dir, specs, entries, cards, blobs, compiled = batch
    keys = [k for spec in specs for k in full_keys(spec)]
    full = restore_bodies(entries, keys, blobs) if keys else entries
    templates_dir = str(config.templates_dir) if config.templates_dir else None
    results: list[bytes | bool] = []
    for spec in specs:
        data = render_job(templates_dir, (spec.output_path, spec.template,
                                          page_context_cards(spec, full, cards, config)),
                          config.plugins, compiled)
        if output_dir is None:
            results.append(data)
        else:
            target = safe_target(output_dir, spec.output_path)
            with uninterrupted():  # a worker orphaned by a killed build ends between pages
                results.append(write_bytes_atomic(target, data, output_dir / TEMP_DIR,
                                                  create_in_place=True))
    return results
