"""The incremental decision, one kind of change per test (no files, no cache).

``delta`` compares what the last build saved with what a build finds now and
says: nothing to do, patch these files' pages, or a full build and why.  The
whole-build counterparts (same bytes as a full build) are in test_fastpath.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import pytest

from newsarchive.incremental.delta import (
    PATCH_MAX,
    REASONS,
    Edit,
    Full,
    Nothing,
    Patch,
    delta,
    identity_swaps,
    patch_blocker,
    swap_identities,
)
from newsarchive.incremental.memory import BuildState, identity_shard, table_digest
from newsarchive.model import Article, Entry

INPUTS = "inputs-digest"
TABLE = {"a.md": ("da", "sig-a"), "b.md": ("db", "sig-b"), "c.md": ("dc", "sig-c")}
CONTENT = {"a.md": b"A", "b.md": b"B", "c.md": b"C"}
DIGESTS = {b"A": "da", b"B": "db", b"C": "dc", b"A2": "da2"}


def _state(table: dict[str, tuple[str, str]] = TABLE, refused: dict[str, str] | None = None
           ) -> BuildState:
    return BuildState(inputs=INPUTS, table=table_digest({p: d for p, (d, _) in table.items()}),
                      counts={"refused": refused or {}, "pages": 9}, read_diagnostics={},
                      other_diagnostics=(), template_digests={}, chunks=1)


def _reader(content: dict[str, bytes | None]) -> tuple[list[list[str]], object]:
    asked: list[list[str]] = []

    def read(paths: list[str]) -> Iterable[tuple[str, bytes | None, str]]:
        asked.append(paths)
        for path in paths:
            data = content[path]
            yield path, data, DIGESTS[data] if data is not None else "permission denied"

    return asked, read


def _survey(found: dict[str, str], content: dict[str, bytes | None] | None = None,
            state: BuildState | None = None, **kwargs: object) -> tuple[object, list[list[str]]]:
    asked, read = _reader(content or CONTENT)
    change = delta(state if state is not None else _state(), INPUTS, TABLE, found=found,
                   refused=kwargs.pop("refused", {}), read=read, **kwargs)  # type: ignore[arg-type]
    return change, asked


def test_nothing_changed_reads_no_file() -> None:
    change, asked = _survey({p: s for p, (_, s) in TABLE.items()})
    assert change == Nothing({})
    assert asked == [[]]


def test_a_touched_file_with_the_same_bytes_is_nothing_with_a_new_signature() -> None:
    change, asked = _survey({"a.md": "sig-a2", "b.md": "sig-b", "c.md": "sig-c"})
    assert change == Nothing({"a.md": "sig-a2"})
    assert asked == [["a.md"]]


def test_an_unsettled_signature_is_compared_by_its_bytes() -> None:
    # "": the file changed in the last two seconds, so its stat cannot be trusted
    change, asked = _survey({"a.md": "", "b.md": "sig-b", "c.md": "sig-c"})
    assert change == Nothing({})
    assert asked == [["a.md"]]


def test_an_edited_file_is_a_patch() -> None:
    change, _ = _survey({"a.md": "sig-a2", "b.md": "sig-b", "c.md": "sig-c"},
                        {**CONTENT, "a.md": b"A2"})
    assert change == Patch((Edit("a.md", b"A2", "da2", "sig-a2"),), {})


def test_kept_files_are_not_compared() -> None:
    change, asked = _survey({"a.md": "sig-a2", "b.md": "sig-b", "c.md": "sig-c"},
                            {**CONTENT, "a.md": b"A2"}, keep={"a.md"})
    assert change == Nothing({})
    assert asked == [[]]


@pytest.mark.parametrize(("found", "reason"), [
    ({"a.md": "sig-a", "b.md": "sig-b"}, "files"),                                    # removed
    ({"a.md": "sig-a", "b.md": "sig-b", "c.md": "sig-c", "d.md": "sig-d"}, "files"),  # added
    ({"a.md": "sig-a", "b.md": "sig-b", "x.md": "sig-c"}, "files"),                   # renamed
])
def test_added_removed_or_renamed_files_are_full(found: dict[str, str], reason: str) -> None:
    assert _survey(found)[0] == Full(reason)


def test_a_link_that_came_is_full() -> None:
    found = {p: s for p, (_, s) in TABLE.items()}
    assert _survey(found, refused={"out.md": "link"})[0] == Full("links")


def test_no_saved_state_is_full() -> None:
    _, read = _reader(CONTENT)
    assert delta(None, INPUTS, TABLE, found={}, read=read) == Full("no-state")  # type: ignore[arg-type]


def test_other_inputs_are_full() -> None:
    _, read = _reader(CONTENT)
    change = delta(_state(), "another config or template", TABLE, found={}, read=read)  # type: ignore[arg-type]
    assert change == Full("inputs")


def test_a_table_other_than_the_saved_one_is_full() -> None:
    _, read = _reader(CONTENT)
    other = {**TABLE, "a.md": ("changed", "sig-a")}
    assert delta(_state(), INPUTS, other, found={}, read=read) == Full("table")  # type: ignore[arg-type]


def test_an_unreadable_file_is_full() -> None:
    change, _ = _survey({"a.md": "sig-a2", "b.md": "sig-b", "c.md": "sig-c"},
                        {**CONTENT, "a.md": None})
    assert change == Full("unreadable")


def test_more_edits_than_a_patch_takes_are_full() -> None:
    table = {f"{n}.md": (f"d{n}", f"s{n}") for n in range(PATCH_MAX + 1)}
    found = {p: "new" for p in table}

    def read(paths: list[str]) -> Iterable[tuple[str, bytes | None, str]]:
        return ((p, b"x", "edited") for p in paths)

    assert delta(_state(table), INPUTS, table, found=found, read=read) == Full("many")


def test_changed_paths_are_compared_alone() -> None:
    asked, read = _reader({**CONTENT, "b.md": b"A2"})
    change = delta(_state(), INPUTS, TABLE, changed={"b.md"}, read=read,  # type: ignore[arg-type]
                   signature=lambda path: "sig-new")
    assert change == Patch((Edit("b.md", b"A2", "da2", "sig-new"),), {})
    assert asked == [["b.md"]]


def test_a_changed_path_that_is_not_a_source_is_full() -> None:
    _, read = _reader(CONTENT)
    change = delta(_state(), INPUTS, TABLE, changed={"new.md"}, read=read,  # type: ignore[arg-type]
                   signature=lambda path: "sig")
    assert change == Full("unknown")


def _entry(title: str, key: str = "a.md", day: int = 1, terms: dict[str, tuple[str, ...]] | None
           = None) -> Entry:
    published = datetime(2001, 1, day, tzinfo=UTC)
    article = Article(key, title, "body " + title, published=published)
    return Entry(article, "slug", "2001/01/01/slug/", "", "", terms or {}, "digest",
                 local=published)


def test_an_edit_that_keeps_the_shape_can_be_patched() -> None:
    assert patch_blocker([_entry("Old title")], [_entry("New title")]) is None


@pytest.mark.parametrize("after", [
    [_entry("Title", day=2)],                                  # another date
    [_entry("Title", terms={"topics": ("Sport",)})],           # another term
    [_entry("Title"), _entry("Second", key="a.md#1")],         # another article
    [],                                                        # no article any more
])
def test_an_edit_that_changes_the_shape_is_full(after: list[Entry]) -> None:
    assert patch_blocker([_entry("Title")], after) == Full("shape")


def _shards(counts: dict[int, int], *also: int) -> dict[str, dict[int, int]]:
    """Identity shards holding ``counts``, and empty shards for ``also``."""
    shards: dict[str, dict[int, int]] = {identity_shard(i): {} for i in also}
    for identity, count in counts.items():
        shards.setdefault(identity_shard(identity), {})[identity] = count
    return shards


def test_identities_move_unless_a_duplicate_or_copy_is_involved() -> None:
    (was, now), = identity_swaps([_entry("One")], [_entry("Two")])
    assert was and now and not set(was) & set(now)
    moved = _shards(dict.fromkeys(was, 1), *now)
    assert swap_identities([(was, now)], moved, identity_shard) is None
    assert all(moved[identity_shard(i)].get(i) == 1 for i in now)
    assert not any(i in moved[identity_shard(i)] for i in was)
    # one of two copies before the edit, or another article's copy after it: full
    assert swap_identities([(was, now)], _shards({was[0]: 2}, *now), identity_shard) \
        == Full("duplicate")
    assert swap_identities([(was, now)], _shards({**dict.fromkeys(was, 1), now[0]: 1}),
                           identity_shard) == Full("duplicate")


def test_an_edit_that_keeps_an_identity_keeps_it_saved() -> None:
    # Same title and body: the text identity stays; only the body may differ in form.
    (was, now), = identity_swaps([_entry("Same")], [_entry("Same")])
    assert was == now
    kept = _shards(dict.fromkeys(was, 1))
    assert swap_identities([(was, now)], kept, identity_shard) is None
    assert all(kept[identity_shard(i)][i] == 1 for i in was)


def test_every_reason_is_named_and_unknown_ones_are_refused() -> None:
    assert all(REASONS.values())
    with pytest.raises(ValueError, match="unknown reason"):
        Full("because")
