"""Copies: one story published by several sources is linked, never merged."""

from __future__ import annotations

import random
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.sitekit import build_site, full_build_of, make_site, md, snapshot

from newsarchive.model import Article, Entry
from newsarchive.pipeline import copies as copies_module
from newsarchive.pipeline.copies import (
    BANDS,
    BINS,
    THRESHOLD,
    band_keys,
    find_copies,
    link_copies,
    remembered_copies,
    signature,
    similarity,
)
from newsarchive.pipeline.plan.spec import PageSpec
from newsarchive.pipeline.read.dedupe import find_duplicates
from newsarchive.run.jobs import light_entry

STORY = (
    "The harbour authority of Velmora said on Tuesday that the new ferry terminal "
    "would open in the spring after two years of delays caused by flooding and a "
    "shortage of steel. Officials expect the terminal to handle twice as many "
    "passengers as the old quay, which was built in the nineteenth century and "
    "has been closed to large ships since a storm damaged its northern wall.\n\n"
    "Local traders welcomed the news but warned that roads around the harbour "
    "were already crowded on market days, and asked the council to publish its "
    "plans for parking before the summer season begins."
)
OTHER = (
    "Velmora's orchestra announced a season of free concerts in the old market "
    "hall, with programmes chosen by pupils of the town's three schools and a "
    "closing night devoted to music written by local composers over the last "
    "century. Tickets are not needed, but the hall holds only four hundred people "
    "and the orchestra advises arriving early for the opening concert in June."
)


def entry(key: str, body: str, source: str, day: int = 1, body_format: str = "text"
          ) -> Entry:
    path, _, record = key.partition("#")
    when = datetime(2024, 3, day, 9, tzinfo=UTC)
    article = Article(path, "A title", body, body_format, record=record,  # type: ignore[arg-type]
                      published=when, source=source)
    return Entry(article, "a-title", f"2024/03/{day:02d}/{path.split('.')[0]}/", "", "",
                 {}, "digest-" + key, local=when)


def test_same_story_from_two_sources_is_linked_both_ways() -> None:
    found = find_copies([entry("a.md", STORY, "Velmora Gazette"),
                         entry("b.md", STORY, "Coast Herald"),
                         entry("c.md", OTHER, "Coast Herald")])
    assert found == {"a.md": ("b.md",), "b.md": ("a.md",)}


def test_same_source_near_copy_is_not_a_copy() -> None:
    # Exact duplicates of one source are merged by dedupe; near ones are left alone.
    assert find_copies([entry("a.md", STORY, "Gazette"),
                        entry("b.md", STORY + " Updated.", " gazette ")]) == {}


def test_light_edits_stay_copies_and_other_stories_do_not() -> None:
    first, second = STORY.split("\n\n")
    variants = {
        "sentence added": STORY + " The council will meet on Friday.",
        "last sentence cut": STORY.rsplit(" and asked", 1)[0] + ".",
        "headline words in the lede": "VELMORA, March 2 - " + STORY,
        "html markup": "<p>" + first.replace("ferry", "<b>ferry</b>") + "</p><p>"
                       + second.replace("&", "&amp;") + "</p>",
        "re-wrapped": "\n".join(STORY.split(" ")),
    }
    base = signature(Article("s", "T", STORY))
    assert base is not None
    for name, text in variants.items():
        sig = signature(Article("v", "T", text, "html" if "<p>" in text else "text"))
        assert sig is not None
        assert similarity(base, sig) >= THRESHOLD, name
    other = signature(Article("o", "T", OTHER))
    assert other is not None and similarity(base, other) < 0.2


def test_short_bodies_are_never_copies() -> None:
    assert signature(Article("a", "T", "Markets closed higher on Monday.")) is None
    assert find_copies([entry("a.md", "Markets closed higher.", "A"),
                        entry("b.md", "Markets closed higher.", "B")]) == {}


def test_deterministic_whatever_the_order_and_signatures_are_stable() -> None:
    entries = [entry(f"{i}.md", STORY if i % 3 == 0 else f"{OTHER} Story number {i}.",
                     f"Paper {i}") for i in range(30)]
    expected = find_copies(entries)
    shuffled = list(entries)
    random.Random(7).shuffle(shuffled)
    assert find_copies(shuffled) == expected
    assert expected["0.md"] == tuple(sorted(f"{i}.md" for i in range(3, 30, 3)))
    sig = signature(Article("s", "T", STORY))
    assert sig is not None and len(sig) == 4 * BINS
    # Pinned: a saved band key must mean the same thing in the next process
    # (memory.IDENTITIES names the form the saved state holds).
    assert band_keys(sig) == band_keys(signature(Article("t", "U", STORY)) or b"")
    assert band_keys(sig)[0] == 13237997044019043378


def test_band_keys_tell_bands_and_their_words_apart() -> None:
    """Equal bands at two places are two keys, and a band whose two words are swapped
    is another band: neither is taken for a shared band (a copy candidate)."""
    words = list(range(1, BINS // 2 + 1))
    same = struct.pack(f"<{BINS // 2}Q", *([7, 9] * (BINS // 4)))
    keys = band_keys(same)
    assert len(keys) == BANDS and len(set(keys)) == BANDS
    swapped = list(words)
    swapped[0], swapped[1] = swapped[1], swapped[0]
    first, second = (band_keys(struct.pack(f"<{BINS // 2}Q", *w)) for w in (words, swapped))
    assert first[0] != second[0] and first[1:] == second[1:]


def test_light_entries_find_exact_copies_or_use_given_signatures() -> None:
    near = STORY + " The council will meet on Friday."
    entries = [light_entry(entry("a.md", STORY, "A")), light_entry(entry("b.md", STORY, "B")),
               light_entry(entry("c.md", near, "C")), light_entry(entry("d.md", "", "D")),
               light_entry(entry("e.md", "", "E"))]
    assert entries[0].article.body.startswith("sha256:")
    assert find_copies(entries) == {"a.md": ("b.md",), "b.md": ("a.md",)}
    signatures = {"a.md": signature(Article("a", "T", STORY)),
                  "c.md": signature(Article("c", "T", near)), "d.md": None}
    assert find_copies(entries, signatures) == {"a.md": ("c.md",), "c.md": ("a.md",)}


def test_a_common_boilerplate_body_stays_near_linear() -> None:
    # 400 copies of one text: every band is one bucket of 400; checked against its head.
    entries = [entry(f"{i:03d}.md", STORY, f"Paper {i}") for i in range(400)]
    found = find_copies(entries)
    assert len(found["000.md"]) == 399
    assert found["001.md"] == ("000.md",)


def test_link_copies_adds_params_and_links() -> None:
    a = entry("a.md", STORY, "Velmora Gazette", day=2)
    b = entry("b.md", STORY, "Coast Herald", day=1)
    c = entry("c.md", OTHER, "Coast Herald")
    specs = [PageSpec(e.url, e.url + "index.html", "article.html",
                      {"kind": "article", "prev": None, "next": None}, article=e.key)
             for e in (a, b, c)]
    specs.append(PageSpec("", "index.html", "index.html", {}, keys=("a.md",)))
    entries = {e.key: e for e in (a, b, c)}
    out = link_copies(specs, find_copies(entries.values()), entries)
    assert out[0].params["copies"] == [
        {"key": "b.md", "url": b.url, "source": "Coast Herald", "date": "2024-03-01"}]
    assert out[0].links == ("b.md",)
    assert out[1].links == ("a.md",)
    assert out[2] is specs[2] and out[3] is specs[3]
    # Applying it twice changes nothing.
    assert link_copies(out, find_copies(entries.values()), entries) == out


def test_site_shows_also_published_by(tmp_path: Path) -> None:
    body = STORY
    config = make_site(tmp_path, {
        "gazette.md": md("Ferry terminal to open", "2024-03-02", body, source="Velmora Gazette",
                         original_url="https://gazette.example/ferry"),
        "herald.md": md("Terminal opens in spring", "2024-03-01", body, source="Coast Herald",
                        original_url="https://herald.example/terminal"),
        "herald-again.md": md("Terminal opens in spring", "2024-03-01", body,
                              source="Coast Herald",
                              original_url="https://herald.example/terminal"),
    })
    report = build_site(config)
    assert [d.format() for d in report.diagnostics if d.severity == 'error'] == []
    assert (report.articles, report.duplicates) == (2, 1)
    gazette = (config.output_dir / "2024/03/02/ferry-terminal-to-open/index.html").read_text()
    assert "Also published by" in gazette
    assert ('<a href="../../../../2024/03/01/terminal-opens-in-spring/index.html">'
            'Coast Herald</a> '
            '(<time datetime="2024-03-01">March 1, 2024</time>)') in gazette
    herald = (config.output_dir / "2024/03/01/terminal-opens-in-spring/index.html").read_text()
    assert ">Velmora Gazette</a>" in herald


def test_dedupe_merges_same_source_only() -> None:
    a = Article("a.md", "Ferry", STORY, source="Gazette", original_url="https://g.example/1")
    same_url = Article("b.md", "Ferry", STORY + " More.", source="Gazette",
                       original_url="https://g.example/1")
    # One link given to different items (a feed's day page): not repeated articles.
    shared_link = Article("d.md", "Another item", "Its own text.", source="Gazette",
                          original_url="https://g.example/1")
    other_paper = Article("c.md", "Ferry", STORY, source="Herald")
    kept, diagnostics = find_duplicates([same_url, other_paper, a, shared_link])
    assert kept == (other_paper, a, shared_link)
    assert [d.message for d in diagnostics] == [
        "duplicate: has the same source and URL as a.md; skipped"]


def test_a_lightly_edited_copy_stays_linked_after_an_edit(tmp_path: Path) -> None:
    """Copies are found by the signatures made while the bodies are read (the
    build keeps only light entries); an edit of a copy takes the full path."""
    config = make_site(tmp_path, {
        "gazette.md": md("Ferry terminal to open", "2024-03-02", STORY, source="Velmora Gazette"),
        "herald.md": md("Terminal opens", "2024-03-01", STORY.replace("The", "A", 1),
                        source="Coast Herald"),
    })
    build_site(config)
    page = config.output_dir / "2024/03/02/ferry-terminal-to-open/index.html"
    assert ">Coast Herald</a>" in page.read_text(encoding="utf-8")
    herald = config.source_dir / "herald.md"
    herald.write_text(md("Terminal opens", "2024-03-01", "An unrelated story about gulls "
                         "nesting on the harbour roof, told in more than twenty words so "
                         "that it could be compared with the others if it were like them.",
                         source="Coast Herald"), encoding="utf-8")
    build_site(config)
    assert "Also published by" not in page.read_text(encoding="utf-8")


def test_remembered_copies_are_reused_only_for_the_same_inputs() -> None:
    entries = [entry("a.md", STORY, "Velmora Gazette"), entry("b.md", STORY, "Coast Herald"),
               entry("c.md", OTHER, "Coast Herald")]
    signatures = {e.key: signature(e.article) for e in entries}
    first = remembered_copies(entries, signatures, None)
    assert first.found == find_copies(entries, signatures) == {"a.md": ("b.md",),
                                                               "b.md": ("a.md",)}
    assert remembered_copies(list(reversed(entries)), dict(signatures), first) is first
    # Whatever copies depend on, changed, makes them again: a signature, a
    # source, an entry more, a body when no signature is given.
    changes = [
        (entries, {**signatures, "c.md": signatures["a.md"]}),
        ([entries[0], entry("b.md", STORY, "Velmora Gazette"), entries[2]], signatures),
        ([*entries, entry("d.md", STORY, "Port Times")], signatures),
        (entries, {}),
    ]
    found = [remembered_copies(changed, sigs, first) for changed, sigs in changes]
    assert all(memo is not first and memo.digest != first.digest for memo in found)
    assert [memo.found for memo in found] == [find_copies(*change) for change in changes]
    assert found[0].found == {"a.md": ("b.md", "c.md"), "b.md": ("a.md",),
                              "c.md": ("a.md",)}
    assert found[1].found == {}


def test_a_one_shot_build_reuses_the_copies_the_last_build_saved(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`newsarchive build` after an edit that changes an article's terms (the full
    path) takes the copies the last build found from the cache; an edit of a
    body finds them again.  Either way the site is a full build's."""
    config = make_site(tmp_path, {
        "gazette.md": md("Ferry terminal to open", "2024-03-02", STORY, source="Velmora Gazette",
                         subjects="[Transport]"),
        "herald.md": md("Terminal opens", "2024-03-01", STORY, source="Coast Herald"),
        "other.md": md("Concerts", "2024-03-03", OTHER, source="Coast Herald"),
    })
    real = copies_module.find_copies
    calls: list[int] = []

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(copies_module, "find_copies", counted)
    build_site(config)
    assert calls == [1]
    gazette = config.source_dir / "gazette.md"
    gazette.write_text(gazette.read_text(encoding="utf-8").replace(
        "subjects: [Transport]", "subjects: [Transport, Weather]"), encoding="utf-8")
    build_site(config)
    assert calls == [1], "the saved copies were found from the same signatures"
    page = config.output_dir / "2024/03/02/ferry-terminal-to-open/index.html"
    assert ">Coast Herald</a>" in page.read_text(encoding="utf-8")
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)
    herald = config.source_dir / "herald.md"
    herald.write_text(md("Terminal opens", "2024-03-01", OTHER + " More words.",
                         source="Coast Herald"), encoding="utf-8")
    calls.clear()
    build_site(config)
    assert calls == [1] and "Also published by" not in page.read_text(encoding="utf-8")
    assert snapshot(config.output_dir) == full_build_of(tmp_path, config)
