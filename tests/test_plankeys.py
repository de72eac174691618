"""What a full build's save may leave as the cache holds it: the plan cut where
the pages' paths say, each chunk's key, and blobs not written again when the
cache holds their bytes (see :mod:`newsarchive.incremental.plankeys`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newsarchive.incremental import plankeys
from newsarchive.incremental.database import seal_bytes
from newsarchive.incremental.store import open_cache
from newsarchive.model import Article, Entry
from newsarchive.pipeline.plan import PageSpec, fingerprints


def _spec(path: str, **fields: object) -> PageSpec:
    return PageSpec(f"{path}/", f"{path}/index.html", "list.html", {"n": path},
                    **fields)  # type: ignore[arg-type]


def _specs(count: int) -> list[PageSpec]:
    return [_spec(f"page{n}") for n in range(count)]


def test_a_page_planned_or_dropped_changes_only_its_own_chunk() -> None:
    specs = _specs(2000)
    chunks = plankeys.chunks_of(specs, 16)
    assert [spec for chunk in chunks for spec in chunk] == specs
    assert 2000 / 16 / 2 < len(chunks) < 2000 / 16 * 2, "chunks of the size on average"
    assert max(map(len, chunks)) <= 64
    for changed in ([*specs[:700], _spec("inserted"), *specs[700:]],
                    [*specs[:700], *specs[701:]]):
        after = plankeys.chunks_of(changed, 16)
        kept = ({tuple(s.output_path for s in chunk) for chunk in chunks}
                & {tuple(s.output_path for s in chunk) for chunk in after})
        assert len(kept) >= len(chunks) - 2, "one chunk differs (two when a cut moved)"


def test_a_chunk_key_changes_with_what_its_pickle_holds_and_a_page_unsure_has_none() -> None:
    specs = _specs(3)
    prints = {spec.output_path: f"print-{n}" for n, spec in enumerate(specs)}
    key = plankeys.chunk_keys([specs], prints, ())[0]
    assert key is not None and key == plankeys.chunk_keys([list(specs)], dict(prints), ())[0]
    for changed in (PageSpec(specs[0].url + "x", *(getattr(specs[0], f) for f in (
            "output_path", "template", "params"))),
                    _spec("page0", in_sitemap=False), _spec("page0", article="a"),
                    _spec("page0", keys=("a",)), _spec("page0", links=("a",))):
        assert plankeys.chunk_keys([[changed, *specs[1:]]], prints, ())[0] != key
    assert plankeys.chunk_keys([specs], {**prints, "page1/index.html": "other"}, ())[0] != key
    assert plankeys.chunk_keys([specs], prints, {"page2/index.html"}) == [None]
    del prints["page1/index.html"]  # a page not written (a link in its way)
    assert plankeys.chunk_keys([specs], prints, ()) == [None]
    assert plankeys.chunk_id(specs) == plankeys.chunk_id([_spec("other"), specs[-1]])
    assert plankeys.chunk_id(specs) != plankeys.chunk_id(specs[:-1])


def test_an_entry_moves_only_when_it_comes_into_a_chunk_or_leaves_it() -> None:
    listing = _spec("list", keys=("a", "b", "c"))
    old = {1: [listing, _spec("x", article="x")], 2: [_spec("gone", keys=("a",))]}
    new = {1: [_spec("list", keys=("a", "c", "d")), _spec("x", article="x")],
           3: [_spec("came", links=("e",))]}
    added, dropped = plankeys.moves(old, new)
    assert (dict(added), dict(dropped)) == ({"d": {1}, "e": {3}}, {"b": {1}, "a": {2}})
    shards = {"s": {"a": (1, 2), "b": (1,), "c": (1,), "x": (1,)}}
    touched = plankeys.patched_deps((added, dropped), shards, lambda key: "s")
    assert touched["s"] == {"a": (1,), "c": (1,), "x": (1,), "d": (1,), "e": (3,)}


def test_fingerprints_name_the_pages_whose_print_does_not_say_all_their_spec_holds() -> None:
    class Opaque:
        def __reduce__(self) -> str:
            raise TypeError("not picklable")

    entry = Entry(Article("a.md", "A", "body"), "a", "2001/01/01/a/", "", "", {}, "digest")
    specs = [_spec("plain", keys=("a.md",)),
             PageSpec("odd/", "odd/index.html", "list.html", {"x": Opaque()}),
             _spec("empty", keys=("", "a.md"))]
    unsure: set[str] = set()
    prints = fingerprints(specs, {"a.md": entry}, {}, "conf", unsure)
    assert len(prints) == 3
    assert unsure == {"odd/index.html", "empty/index.html"}


def test_a_clearing_save_leaves_the_rows_that_hold_its_bytes_and_replaces_the_others(
        tmp_path: Path) -> None:
    cache, _ = open_cache(tmp_path / "cache")
    out = tmp_path / "site"
    blobs = {name: seal_bytes(name.encode() * 50) for name in ("a", "b", "c", "d", "e")}
    cache.store_state(out, blobs.items(), clear=True)
    db = sqlite3.connect(tmp_path / "cache" / "cache.sqlite3")
    try:
        rowids = dict(db.execute("SELECT name, rowid FROM state"))
        with db:  # "b" damaged after its digest: the digest alone would pass it
            db.execute("UPDATE state SET value = substr(value, 1, 40) || X'00' || "
                       "substr(value, 42) WHERE name = 'b'")
        cache.store_state(out, [(name, blobs[name]) for name in ("a", "b")]
                          + [("c", seal_bytes(b"new"))], clear=True, kept=["d"])
        rows = {name: (rowid, bytes(value)) for name, rowid, value in db.execute(
            "SELECT name, rowid, value FROM state")}
    finally:
        db.close()
        cache.close()
    assert sorted(rows) == ["a", "b", "c", "d"], "e is gone, d was kept"
    assert rows["a"] == (rowids["a"], blobs["a"]), "an equal row is not written again"
    assert rows["b"][1] == blobs["b"] and rows["c"][1] == seal_bytes(b"new")
    assert rows["b"][0] != rowids["b"], "the damaged row was written again"
