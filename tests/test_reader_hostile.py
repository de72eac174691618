"""Hostile source files (project issue 11): each fails alone, located, and never crashes a build.

Classes covered: YAML alias bombs and deep nesting (and TOML's), characters
XML cannot carry, JSON nested too deeply or holding numbers Python refuses,
script URLs in URL fields, file names with control characters, and regular
expressions that went quadratic on unclosed shortcodes or long date lines.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import time
import xml.dom.minidom
from pathlib import Path

import pytest
import yaml

from newsarchive.config import ReadSettings
from newsarchive.errors import Diagnostic
from newsarchive.model import Article
from newsarchive.pipeline.read import read_source, yamlsafe
from newsarchive.pipeline.read.limits import MAX_DEPTH
from newsarchive.pipeline.read.text import decode_clean, repair
from newsarchive.pipeline.read.yamlsafe import YamlLimitError, load_yaml
from test_read_fuzz import strings

from sitekit import build_site, make_site, md

XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def read(path: str, text: str | bytes, **settings: object
         ) -> tuple[tuple[Article, ...], list[str]]:
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    result = read_source(path, data, ReadSettings(**settings))  # type: ignore[arg-type]
    return result.articles, [d.format() for d in result.diagnostics]


def bomb(levels: int) -> str:
    """A "billion laughs" page: ``levels`` anchors, each nine aliases of the one before."""
    lines = ["---", "title: Bomb", "a0: &a0 [" + ",".join(['"lol"'] * 9) + "]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join([*lines, "---", "body", ""])


# --- 1. YAML alias bombs, recursion, deep nesting; TOML nesting ----------------------------


def test_yaml_alias_bomb_is_refused_at_the_front_matter() -> None:
    # 9**6 = 531,441 values: enough to pass the budget, small enough to expand if it did not.
    articles, diagnostics = read("seeds/bomb.md", bomb(6))
    assert articles == ()
    assert diagnostics == [
        "seeds/bomb.md:2:1: error: front matter too large after expanding YAML aliases "
        "(more than 100,000 values)\n"
        "  hint: the value starting on line 8 repeats aliases (*name) until it holds more than "
        "100,000 values; write the values out instead"]


def test_billion_laughs_finishes_in_bounded_memory() -> None:
    # 9**9 values: without the budget this grows memory without end; run it in a child
    # process capped at 1 GiB of address space so a regression cannot take the machine down.
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from newsarchive.config import ReadSettings
        from newsarchive.pipeline.read import read_source
        result = read_source("seeds/bomb.md", {bomb(9).encode()!r}, ReadSettings())
        print(result.diagnostics[0].format().splitlines()[0])
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == (
        "seeds/bomb.md:2:1: error: front matter too large after expanding YAML aliases "
        "(more than 100,000 values)")


def test_other_articles_still_build_next_to_a_bomb(tmp_path: Path) -> None:
    config = make_site(tmp_path, {
        "bomb.md": bomb(9),
        "good.md": md("Good one", "2001-01-01"),
    })
    report = build_site(config)
    assert report.articles == 1
    assert set(report.skipped) == {"bomb.md"}
    assert [d.format().splitlines()[0] for d in report.errors] == [
        "bomb.md:2:1: error: front matter too large after expanding YAML aliases "
        "(more than 100,000 values)"]
    assert (tmp_path / "site/2001/01/01/good-one/index.html").is_file()


def test_aliased_text_past_a_million_characters_is_refused() -> None:
    page = ("---\ntitle: T\nv: &v '" + "x" * 100_000 + "'\nw: [" + ",".join(["*v"] * 20)
            + "]\n---\n")
    _, diagnostics = read("a.md", page)
    assert diagnostics[0].splitlines()[0] == (
        "a.md:2:1: error: front matter too large after expanding YAML aliases "
        "(more than 1,000,000 characters)")


def test_recursive_alias_is_refused() -> None:
    _, diagnostics = read("a.md", "---\ntitle: T\nloop: &a [1, *a]\n---\nbody\n")
    assert diagnostics == [
        "a.md:3:7: error: front matter recursive: a YAML alias refers to a list or mapping "
        "that contains it\n"
        "  hint: remove the alias (*name) from inside its own anchor (&name)"]


def test_ordinary_aliases_still_work() -> None:
    page = "---\ntitle: T\ndate: 2001-01-01\nbase: &b {x: 1, y: [a, b]}\nother: *b\n---\nbody\n"
    (article,), diagnostics = read("a.md", page)
    assert diagnostics == []
    assert article.extra == {"base": {"x": 1, "y": ["a", "b"]},
                             "other": {"x": 1, "y": ["a", "b"]}}


@pytest.mark.parametrize("depth", [150, 1_000, 10_000, 100_000])
def test_deep_yaml_flow_nesting_is_a_located_error(depth: int) -> None:
    page = "---\ntitle: T\nv: " + "[" * depth + "]" * depth + "\n---\nbody\n"
    _, diagnostics = read("a.md", page)
    # The front matter is level 1, so the list at column 4 is level 2 and level 101
    # opens at column 103; libyaml itself stops at 1,000 levels, where it stopped.
    column = 103 if depth < 1_000 else 1003
    assert diagnostics == [f"a.md:3:{column}: error: front matter nested more than 100 "
                           "levels deep\n  hint: flatten the nested lists or mappings"]


def test_deep_yaml_block_nesting_is_a_located_error() -> None:
    page = "---\ntitle: T\nv:\n" + "".join(" " * i + "- \n" for i in range(150)) + "---\nbody\n"
    _, diagnostics = read("a.md", page)
    # v: is line 3 and its list level 2: level 101 is the list on line 103, column 100.
    assert diagnostics == ["a.md:103:100: error: front matter nested more than 100 levels "
                           "deep\n  hint: flatten the nested lists or mappings"]


def test_yaml_nesting_up_to_the_limit_is_read() -> None:
    levels = MAX_DEPTH - 1  # plus the front matter itself
    page = "---\ntitle: T\nv: " + "[" * levels + "]" * levels + "\n---\nbody\n"
    articles, _ = read("a.md", page)
    assert len(articles) == 1


def test_aliases_cannot_stack_nesting_past_the_limit() -> None:
    half = "[" * 50 + "]" * 50
    page = f"---\ntitle: T\nv: &a {half}\nw: {'[' * 50}*a{']' * 50}\n---\nbody\n"
    _, diagnostics = read("a.md", page)
    # 51 levels under w, and 50 more through the alias: located at the anchor.
    assert diagnostics == ["a.md:3:4: error: front matter nested more than 100 levels deep\n"
                           "  hint: flatten the nested lists or mappings"]


def test_yaml_integer_python_refuses_is_a_located_error() -> None:
    _, diagnostics = read("a.md", "---\ntitle: T\nn: " + "1" * 5000 + "\n---\nbody\n")
    assert diagnostics[0].splitlines()[0] == (
        "a.md:3:4: error: invalid YAML front matter: cannot read the value: Exceeds the limit "
        "(4300 digits) for integer string conversion: value has 5000 digits")


@pytest.mark.parametrize("value", ["[" * 10_000 + "]" * 10_000,
                                   "{a=" * 10_000 + "1" + "}" * 10_000])
def test_deep_toml_nesting_is_a_located_error(value: str) -> None:
    _, diagnostics = read("a.md", f"+++\ntitle = 'T'\nv = {value}\n+++\nbody\n")
    column = 104 if value[0] == "[" else 302  # level 101 = the 100th bracket after "v = "
    assert diagnostics == [f"a.md:3:{column}: error: TOML front matter nested more than 100 "
                           "levels deep\n  hint: flatten the nested lists or mappings"]


def test_toml_nesting_within_python_but_past_the_limit_is_a_located_error() -> None:
    _, diagnostics = read("a.md", "+++\ntitle = 'T'\nv = " + "[" * 100 + "]" * 100
                          + "\n+++\nbody\n")
    assert diagnostics == ["a.md:3:104: error: TOML front matter nested more than 100 levels "
                           "deep\n  hint: flatten the nested lists or mappings"]


def test_toml_nesting_by_dotted_keys_is_a_located_error() -> None:
    page = "+++\ntitle = 'T'\n[" + ".".join(["a"] * 200) + "]\nx = 1\n+++\nbody\n"
    _, diagnostics = read("a.md", page)
    assert diagnostics == ["a.md:3:1: error: TOML front matter nested more than 100 levels "
                           "deep\n  hint: flatten the nested lists or mappings"]


def test_toml_integer_python_refuses_is_a_located_error() -> None:
    _, diagnostics = read("a.md", "+++\ntitle = 'T'\nn = " + "1" * 5000 + "\n+++\nbody\n")
    assert diagnostics == ["a.md:3:5: error: TOML front matter has a number of more than 4300 "
                           "digits\n  hint: write such a number as a string"]


def test_load_yaml_is_the_one_entry_point_for_other_yaml() -> None:
    assert load_yaml("a: 1\nb: [x, y]\n") == {"a": 1, "b": ["x", "y"]}
    assert load_yaml("") is None
    with pytest.raises(YamlLimitError) as caught:
        load_yaml("\n".join(bomb(7).split("\n")[2:-3]), loader=yaml.SafeLoader)
    assert caught.value.line == 1
    assert caught.value.problem == ("too large after expanding YAML aliases "
                                    "(more than 100,000 values)")
    assert isinstance(caught.value, yaml.MarkedYAMLError)  # handled like any YAML error


def test_load_yaml_with_the_pure_python_loader_survives_deep_nesting() -> None:
    with pytest.raises(YamlLimitError) as caught:
        load_yaml("v: " + "[" * 10_000 + "]" * 10_000, loader=yaml.SafeLoader)
    assert caught.value.problem == "nested more than 100 levels deep"
    assert caught.value.line == 1


def test_load_yaml_locates_a_value_python_cannot_hold() -> None:
    # The config loader keeps timestamps: an impossible one is located, not a ValueError.
    with pytest.raises(yaml.YAMLError) as caught:
        load_yaml("a: 1\nwhen: 2001-13-45\n", loader=yaml.SafeLoader)
    mark = caught.value.problem_mark  # type: ignore[attr-defined]
    assert (mark.line, mark.column) == (1, 6)


def test_ordinary_front_matter_skips_the_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: object) -> None:
        raise AssertionError("walked")

    monkeypatch.setattr(yamlsafe, "_measure", never)
    page = "title: T\ndate: 2000-12-28\ntopics: [Defence, Diplomacy]\nslug: a-b-c\n"
    assert load_yaml(page)["topics"] == ["Defence", "Diplomacy"]


# --- 2. Characters XML cannot carry --------------------------------------------------------


def test_raw_text_controls_are_removed_with_one_located_warning() -> None:
    text = "Title\x1b[31m red\x1b[0m\n\nBody \x08with\x00 \x1a stray\ufffe bytes.\n"
    (article,), diagnostics = read("a.txt", text.replace("\x00", ""))
    assert article.title == "Title red"
    assert article.body == "Body with  stray bytes."
    assert diagnostics[0] == (
        "a.txt:1:6: warning: removed 5 control characters (U+001B, U+0008, U+001A, ...) "
        "that XML and HTML cannot carry\n"
        "  hint: they are invisible bytes (terminal colours, a broken export); the text is "
        "kept without them")
    assert sum("control character" in d for d in diagnostics) == 1


def test_sub_in_an_arabic_corpus_is_removed() -> None:
    text = "افتتاح جسر جديد\n\nافتتح المسؤولون\x1a الجسر\n"
    (article,), diagnostics = read("ar.txt", text)
    assert article.body == "افتتح المسؤولون الجسر"
    assert article.lang == "ar"
    assert diagnostics[0].startswith(
        "ar.txt:3:16: warning: removed 1 control character (U+001A) that XML")


def test_front_matter_escapes_and_body_share_one_warning() -> None:
    page = ('---\ntitle: "Red \\e[31mAlert\\0"\ndate: 2001-01-01\n'
            'tags: ["a\\x08b"]\nnested: {"k\\x1b": ["\\uFFFE"]}\n---\n\nBody\x0b text.\n')
    (article,), diagnostics = read("a.md", page)
    assert article.title == "Red Alert"  # a terminal escape sequence goes whole
    assert article.terms == {"topics": ("ab",)}
    assert article.extra == {"nested": {"k": [""]}}
    assert article.body == "Body text."
    assert diagnostics == [
        "a.md:2:1: warning: removed 6 control characters (U+001B, U+0000, U+0008, ...) that "
        "XML and HTML cannot carry\n"
        "  hint: they are invisible bytes (terminal colours, a broken export); the text is "
        "kept without them"]


def test_json_escapes_are_removed_from_every_string_and_key() -> None:
    record = ('{"title": "T\\u0000i\\u001btle", "text": "Bo\\bdy\\ud800", '
              '"date": "2001-01-01", "extra\\f": {"deep": ["\\uffff", "\\\\u0000 kept"]}, '
              '"emoji": "\\ud83d\\ude00"}')
    clean = '{"title": "Clean", "text": "Body.", "date": "2001-01-01"}'
    (_, article), diagnostics = read("a.jsonl", f"{clean}\n{record}\n")
    assert (article.title, article.body) == ("Title", "Body")
    # an escaped backslash is text, and a surrogate pair is one character: both kept
    assert article.extra == {"extra": {"deep": ["", "\\u0000 kept"]}, "emoji": "\U0001f600"}
    assert diagnostics == [
        "a.jsonl:2:13: warning: removed 6 control characters (U+0000, U+001B, U+0008, ...) "
        "that XML and HTML cannot carry\n"
        "  hint: they are invisible bytes (terminal colours, a broken export); the text is "
        "kept without them"]


def test_raw_control_inside_a_json_string_no_longer_loses_the_record() -> None:
    (article,), diagnostics = read("a.json", '{"title": "Ti\x1btle", "text": "Body", '
                                   '"date": "2001-01-01"}')
    assert article.title == "Title"
    assert diagnostics[0].startswith("a.json:1:14: warning: removed 1 control character "
                                     "(U+001B)")


def test_mojibake_repair_does_not_bring_them_back() -> None:
    # "ï¿¾" is U+FFFE's UTF-8 read as cp1252: repairing it would make U+FFFE.
    text, removed = decode_clean("a.txt", "Café \u00ef\u00bf\u00be ok".encode())
    assert not XML_FORBIDDEN.search(text)
    assert removed is not None and removed.code_points == (0xFFFE,)
    assert not XML_FORBIDDEN.search(repair("caf\u00c3\u00a9 \u00ef\u00bf\u00be"))


def test_tab_newline_and_cr_are_kept_as_text() -> None:
    (article,), diagnostics = read("a.txt", "Title\r\n\r\nA\tb\rc\n")
    assert article.body == "A\tb\nc"
    assert not any("control" in d for d in diagnostics)


def test_feed_and_pages_stay_valid_xml_and_free_of_nul(tmp_path: Path) -> None:
    config = make_site(tmp_path, {
        "a.txt": "Bad\x1b[1m title\x08\n\nPublished 2001-01-01\n\nBody\x1a text.\n",
        "b.jsonl": '{"title": "J\\u0000son", "text": "Bo\\u0008dy", "date": "2001-01-02", '
                   '"note": "\\u001f"}\n',
        "c.md": '---\ntitle: "Y\\0aml"\ndate: 2001-01-03\nsummary: "S\\e"\n---\nBody\x0c.\n',
    })
    report = build_site(config)
    assert report.articles == 3
    xml.dom.minidom.parse(str(tmp_path / "site/feed.xml"))
    for page in (tmp_path / "site").rglob("*.html"):
        assert not XML_FORBIDDEN.search(page.read_text(encoding="utf-8")), page


# --- 3. Deep JSON, numbers Python refuses, no internal errors ------------------------------


def jsonl_lines(count: int) -> list[str]:
    return [json.dumps({"title": f"Article {n}", "text": "Body.", "date": "2001-01-01"})
            for n in range(1, count + 1)]


def test_deep_json_lines_record_fails_alone() -> None:
    lines = jsonl_lines(8)
    lines[6] = "[" * 100_000 + "]" * 100_000
    articles, diagnostics = read("data.jsonl", "\n".join(lines) + "\n")
    assert [a.record for a in articles] == ["1", "2", "3", "4", "5", "6", "8"]
    assert diagnostics == [
        "data.jsonl:7:101: error: invalid JSON: nested more than 100 levels deep\n"
        "  hint: flatten the record: no field needs lists or objects nested this deep"]


def test_json_nested_past_the_limit_but_within_python_fails_alone() -> None:
    lines = jsonl_lines(3)
    lines[1] = '{"title": "T", "text": "x", "v": ' + "[" * 150 + "]" * 150 + "}"
    articles, diagnostics = read("data.jsonl", "\n".join(lines))
    assert [a.record for a in articles] == ["1", "3"]
    assert diagnostics[0].startswith(
        "data.jsonl:2:133: error: invalid JSON: nested more than 100 levels deep")


def test_deep_element_of_a_json_array_fails_alone() -> None:
    first, last = jsonl_lines(2)
    text = f"[\n{first},\n" + "[" * 100_000 + "]" * 100_000 + f",\n{last}\n]"
    articles, diagnostics = read("data.json", text)
    assert [a.title for a in articles] == ["Article 1", "Article 2"]
    assert diagnostics[0].startswith(
        "data.json:3:101: error: invalid JSON: nested more than 100 levels deep")


def test_deep_single_json_object_is_a_located_error() -> None:
    _, diagnostics = read("data.json", '{"title": "T", "v": ' + "[" * 100_000 + "]" * 100_000
                          + "}")
    assert diagnostics == [
        "data.json:1:120: error: invalid JSON: nested more than 100 levels deep\n"
        "  hint: flatten the record: no field needs lists or objects nested this deep"]


@pytest.mark.parametrize("path", ["data.jsonl", "data.json"])
def test_number_python_refuses_fails_alone(path: str) -> None:
    lines = jsonl_lines(3)
    lines[1] = '{"title": "T", "text": "x", "n": ' + "1" * 5000 + "}"
    text = "\n".join(lines) if path.endswith("l") else "[" + ",\n".join(lines) + "]"
    articles, diagnostics = read(path, text)
    assert [a.title for a in articles] == ["Article 1", "Article 3"]
    assert diagnostics == [f"{path}:2:34: error: invalid JSON: a number with more than "
                           "4300 digits\n  hint: write such a number as a string"]


@pytest.mark.parametrize("date", ["1" * 400, "1e400", "-" + "9" * 30])
def test_absurd_numeric_dates_leave_the_record_undated(date: str) -> None:
    (article,), diagnostics = read("a.jsonl",
                                   f'{{"title": "T", "text": "Body.", "date": {date}}}')
    assert article.published is None
    assert "is not a timestamp" in diagnostics[0]


# --- 4. Script URLs --------------------------------------------------------------------------


UNSAFE_URLS = ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
               "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/x",
               "mailto:a@example.org", "https://"]


@pytest.mark.parametrize("value", UNSAFE_URLS)
@pytest.mark.parametrize("key", ["original_url", "url", "source_url", "link", "canonical_url"])
def test_front_matter_script_url_is_dropped_with_a_warning(key: str, value: str) -> None:
    page = f"---\ntitle: T\ndate: 2001-01-01\n\n{key}: {json.dumps(value)}\n---\nbody\n"
    (article,), diagnostics = read("seeds/a.md", page)
    assert article.original_url == ""
    assert key not in article.extra
    assert diagnostics == [
        f"seeds/a.md:5:1: warning: dropped the URL of '{key}': only http and https links are "
        f"kept ({value!r})\n"
        "  hint: write the article's address as https://..., or remove the key"]


def test_the_next_url_key_is_tried_after_an_unsafe_one() -> None:
    page = ("---\ntitle: T\ndate: 2001-01-01\nurl: javascript:alert(1)\n"
            "canonical_url: https://example.org/a?b=1#c\n---\nbody\n")
    (article,), diagnostics = read("a.md", page)
    assert article.original_url == "https://example.org/a?b=1#c"
    assert article.extra == {}
    assert [d.splitlines()[0] for d in diagnostics] == [
        "a.md:4:1: warning: dropped the URL of 'url': only http and https links are kept "
        "('javascript:alert(1)')"]


def test_shown_url_is_cut_and_escaped() -> None:
    value = "javascript:\x0b" + "a" * 100
    page = f"---\ntitle: T\ndate: 2001-01-01\nlink: {json.dumps(value)}\n---\nbody\n"
    _, diagnostics = read("a.md", page)
    # \x0b was removed as a control character before the URL was looked at
    assert diagnostics[1] == (
        "a.md:4:1: warning: dropped the URL of 'link': only http and https links are kept "
        f"('javascript:{'a' * 49}…')\n"
        "  hint: write the article's address as https://..., or remove the key")
    line = "---\ntitle: T\nlink: 'javas\tcript:x\n  y'\n---\n"
    _, diagnostics = read("b.md", line)
    assert "('javas\\tcript:x y')" in diagnostics[0]
    assert all(len(d.splitlines()) <= 2 for d in diagnostics)


def test_relative_hugo_url_stays_in_extra_without_a_warning() -> None:
    (article,), diagnostics = read("a.md", "---\ntitle: T\ndate: 2001-01-01\nurl: /x/\n---\n")
    assert article.extra == {"url": "/x/"} and article.original_url == ""
    assert diagnostics == []


@pytest.mark.parametrize("value", UNSAFE_URLS)
def test_json_record_script_url_is_dropped_at_its_key(value: str) -> None:
    record = {"title": "T", "text": "Body.", "date": "2001-01-01", "url": value,
              "link": "https://example.org/ok"}
    text = '[\n{"title": "First", "text": "Body.", "date": "2001-01-01"},\n' + json.dumps(
        record, indent=1) + "\n]"
    (_, article), diagnostics = read("a.json", text)
    assert article.original_url == "https://example.org/ok"
    assert "url" not in article.extra and "record_url" not in article.extra
    assert diagnostics == [
        f"a.json:7:2: warning: dropped the URL of 'url': only http and https links are kept "
        f"({value!r})\n"
        "  hint: write the article's address as https://..., or remove the key"]


def test_safe_json_url_comes_through() -> None:
    (article,), diagnostics = read("a.jsonl", '{"title": "T", "text": "Body.", '
                                   '"date": "2001-01-01", "url": "  https://example.org/a  "}')
    assert article.original_url == "https://example.org/a"
    assert diagnostics == []


# --- 5. File names ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dir/evil\nx.md:1:1: error: forged.md", "a\x1b[2Jb.txt",
                                  "c\rd.jsonl"])
def test_readers_pass_the_path_through_unchanged(name: str) -> None:
    data = b"---\ntitle: [unclosed\n---\n" if name.endswith(".md") else b"\x08Title\n\nBody\n"
    if name.endswith(".jsonl"):
        data = b'{"title": "T\\u0000"}\n[\n'
    result = read_source(name, data, ReadSettings())
    assert result.diagnostics
    assert {d.path for d in result.diagnostics} == {name}
    assert {a.source_path for a in result.articles} <= {name}


# --- Quadratic regular expressions on hostile text -------------------------------------------


@pytest.mark.parametrize("path,text", [
    ("a.md", "---\ntitle: x\n---\n" + "{{< youtube " * 20_000),
    ("a.md", "---\ntitle: x\n---\n" + "{{% x %}}a" * 20_000),
    ("a.md", "---\ntitle: x\n---\n" + "{{< " * 20_000),
    ("a.md", "---\ntitle: x\n---\n" + "{% " * 20_000),
    ("a.txt", "Published " + "may " * 20_000 + "\n\nbody\n"),
    ("a.jsonl", '{"title": "T", "text": "x", "date": "' + "may " * 20_000 + '"}'),
])
def test_hostile_text_is_read_in_linear_time(path: str, text: str) -> None:
    # Each of these took from 20 seconds to 6 minutes before.
    started = time.perf_counter()
    result = read_source(path, text.encode(), ReadSettings())
    assert time.perf_counter() - started < 5
    assert all(not d.message.startswith("internal error") for d in result.diagnostics)


def test_no_string_in_a_hostile_article_carries_a_forbidden_character() -> None:
    dirty = "a\x00b\x08c\x1b[0md\x1a\ufffe\uffff\ud800e"
    # Raw bytes: NUL marks a binary file, and UTF-8 has no lone surrogate; YAML has
    # no escape for one either.  JSON escapes carry everything.
    raw = dirty.replace("\x00", "").replace("\ud800", "")
    quoted = json.dumps(dirty.replace("\ud800", ""))
    sources = {
        "a.txt": f"{raw}\n\nPublished 2001-01-01\nBy {raw}\n\n{raw}\n",
        "b.md": f"---\ntitle: {quoted}\nauthors: [{quoted}]\nx: {{{quoted}: {quoted}}}\n---\n"
                f"{raw}\n",
        "c.jsonl": json.dumps({"title": dirty, "text": dirty, "authors": [dirty],
                               "tags": dirty, dirty: {dirty: [dirty]}}),
    }
    for path, text in sources.items():
        articles, _ = read(path, text)
        assert articles, path
        for article in articles:
            assert not [s for s in strings(article) if XML_FORBIDDEN.search(s)], path


def test_diagnostics_are_diagnostics() -> None:
    result = read_source("a.md", bomb(6).encode(), ReadSettings())
    assert all(isinstance(d, Diagnostic) for d in result.diagnostics)
