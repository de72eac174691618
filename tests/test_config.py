import dataclasses
import pickle
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from newsarchive import hooks
from newsarchive.config import (
    KEYS,
    CiteSettings,
    Config,
    Key,
    MarkdownSettings,
    ReadSettings,
    TopicSettings,
    load_config,
    parse_config,
    reference,
)
from newsarchive.errors import ConfigError
from newsarchive.incremental.keys import config_digest, settings_digest
from newsarchive.taxonomy import BUILTIN, Taxonomy


def test_defaults_without_a_file(tmp_path: Path) -> None:
    config = load_config(None, tmp_path)
    assert config.title == "News Archive" and config.per_page == 20
    assert config.source_dir == tmp_path / "seeds" and config.output_dir == tmp_path / "site"
    assert config.base_path == "/" and config.config_path is None


def test_values_and_base_path(tmp_path: Path) -> None:
    config = parse_config("title: Gazette\nbase_url: https://org.github.io/archive\n"
                          "per_page: 7\ntimezone: Europe/Paris\noutput_dir: out\n",
                          "archive.yaml", tmp_path)
    assert config.title == "Gazette" and config.per_page == 7
    assert config.base_url == "https://org.github.io/archive/"
    assert config.base_path == "/archive/"
    assert config.output_dir == tmp_path / "out"
    assert config.read.timezone == "Europe/Paris"


def test_every_bad_key_is_reported_by_name_with_its_line(tmp_path: Path) -> None:
    text = ("title: ok\ntitel: typo\nper_page: 0\ntimezone: Mars/Base\n"
            "base_url: ftp://x\ntopics:\n  enabled: [places, moods]\n  colour: red\n")
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "archive.yaml", tmp_path)
    lines = [d.format().split("\n")[0] for d in caught.value.diagnostics]
    assert lines == [
        "archive.yaml:2: error: unknown config key 'titel'",
        "archive.yaml:8: error: unknown config key 'topics.colour'",
        "archive.yaml:3: error: 'per_page' must be between 1 and 1000",
        "archive.yaml:4: error: unknown timezone 'Mars/Base'",
        "archive.yaml:5: error: base_url 'ftp://x' is not an http(s) URL",
        "archive.yaml:7: error: unknown taxonomy 'moods' in topics.enabled",
    ]


def test_invalid_yaml_reports_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("title: [unclosed\n", "archive.yaml", tmp_path)
    (diag,) = caught.value.diagnostics
    assert (diag.path, diag.line) == ("archive.yaml", 2)
    assert diag.message.startswith("invalid YAML")


def test_wrong_types_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("per_page: many\nindex_html: maybe\n", "archive.yaml", tmp_path)
    assert [d.message for d in caught.value.diagnostics] == [
        "'per_page' must be a int", "'index_html' must be a bool"]


# -- the key table: declared once, everything derived from it -----------------------------------

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs" / "configuration.md"
BEGIN, END = "<!-- keys: begin -->\n", "<!-- keys: end -->\n"
#: The ReadSettings fields that are copies of top-level keys, by the key they copy.
COPIED = {"timezone": "timezone", "plugins": "plugins", "term_keys": "taxonomies"}


def _example(key: Key) -> Any:
    """The value of ``key``'s documented example, converted by its own check."""
    value, problems = key.check(key.name, yaml.safe_load(key.example))
    assert problems == []
    return value


def _replaced(config: Any, name: str, value: Any) -> Any:
    head, _, rest = name.partition(".")
    inner = _replaced(getattr(config, head), rest, value) if rest else value
    return dataclasses.replace(config, **{head: inner})


def _all_examples() -> str:
    lines: list[str] = []
    for key in KEYS:
        head, _, sub = key.name.partition(".")
        if not sub:
            lines.append(f"{head}: {key.example}")
        else:
            if f"{head}:" not in lines:
                lines.append(f"{head}:")
            lines.append(f"  {sub}: {key.example}")
    return "\n".join(lines) + "\n"


def test_the_table_lists_every_field_of_the_config_and_its_sections() -> None:
    names = [k.name for k in KEYS]
    assert len(names) == len(set(names))
    for kind, prefix in ((Config, ""), (ReadSettings, "read."), (TopicSettings, "topics."),
                         (MarkdownSettings, "markdown."), (CiteSettings, "cite.")):
        for f in dataclasses.fields(kind):
            declared = f"{prefix}{f.name}" in names
            if f.name in ("read", "topics", "markdown", "cite", "config_path"):
                assert not declared
            elif kind is ReadSettings and f.name in COPIED:
                assert not declared and "read" in next(
                    k for k in KEYS if k.name == COPIED[f.name]).affects
            else:
                assert declared, f"{prefix}{f.name} is not declared with key()"
    # defaults come from the dataclasses
    assert {k.name: k.default for k in KEYS}["per_page"] == Config().per_page == 20
    assert {k.name: k.default for k in KEYS}["read.json_fields"] == ReadSettings().json_fields


@pytest.mark.parametrize("key", KEYS, ids=lambda k: k.name)
def test_each_key_enters_exactly_the_digests_it_declares(
        key: Key, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hooks, "digest", repr)  # the example plugin is not installed
    base = parse_config("", "archive.yaml", tmp_path)
    value = _example(key)
    assert value != key.value_of(base), "the example must differ from the default"
    changed = _replaced(base, key.name, value)
    assert key.value_of(changed) == value
    assert (config_digest(changed) != config_digest(base)) == ("pages" in key.affects)
    assert (settings_digest(changed) != settings_digest(base)) == ("read" in key.affects)


def test_both_digests_hold_the_plugins_versions(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    config = parse_config("plugins: [calendar]\n", "archive.yaml", tmp_path)
    monkeypatch.setattr(hooks, "digest", lambda names: f"{names} 1.0")
    before = settings_digest(config), config_digest(config)
    monkeypatch.setattr(hooks, "digest", lambda names: f"{names} 1.1")
    after = settings_digest(config), config_digest(config)
    assert before[0] != after[0] and before[1] != after[1]


def _theme_folders(root: Path) -> Path:
    """The folders the examples of ``templates_dir`` and ``static_dir`` name."""
    for name in ("templates", "static"):
        (root / "theme" / name).mkdir(parents=True)
    return root


def test_every_example_parses_to_the_value_its_check_gives(tmp_path: Path) -> None:
    config = parse_config(_all_examples(), "archive.yaml", _theme_folders(tmp_path))
    for key in KEYS:
        expected = _example(key)
        if isinstance(expected, Path):
            expected = (tmp_path / expected).resolve()
        assert key.value_of(config) == expected, key.name
    assert config.output_dir == tmp_path / "public"
    assert config.templates_dir == tmp_path / "theme" / "templates"
    assert config.read.timezone == "Europe/London" and config.read.plugins == ("calendar",)
    assert config.markdown.engine == "python-markdown"
    assert config.taxonomies == (*BUILTIN, Taxonomy("section", "Section", "Sections",
                                                    ("section",)))
    assert config.read.term_keys["section"] == ("section",)


def test_the_config_pickles_and_its_repr_is_deterministic(tmp_path: Path) -> None:
    text = _all_examples()
    config = parse_config(text, "archive.yaml", _theme_folders(tmp_path))
    assert pickle.loads(pickle.dumps(config)) == config
    assert repr(config) == repr(parse_config(text, "archive.yaml", tmp_path))
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.title = "x"  # type: ignore[misc]


def test_a_templates_static_or_cache_folder_that_is_not_one_is_an_error_with_its_line(
        tmp_path: Path) -> None:
    (tmp_path / "static.txt").write_text("a file", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        parse_config("title: ok\ntemplates_dir: templats\nstatic_dir: static.txt\n",
                     "archive.yaml", tmp_path)
    templates, static = caught.value.diagnostics
    assert (templates.path, templates.line) == ("archive.yaml", 2)
    assert templates.message == (f"'templates_dir' is {tmp_path / 'templats'}, which does "
                                 "not exist")
    assert (static.line, static.message) == (
        3, f"'static_dir' is {tmp_path / 'static.txt'}, which is not a folder")
    assert static.hint.startswith("correct the path (it is relative to the config's folder)")
    (tmp_path / ".newsarchive-cache").write_text("a file", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        parse_config("title: ok\n", "archive.yaml", tmp_path)  # the default, not in the file
    (cache,) = caught.value.diagnostics
    assert (cache.line, cache.message) == (
        0, f"the cache folder {tmp_path / '.newsarchive-cache'} is a file")
    with pytest.raises(ConfigError) as caught:
        parse_config("title: ok\ncache_dir: static.txt\n", "archive.yaml", tmp_path)
    assert caught.value.diagnostics[0].line == 2
    (tmp_path / ".newsarchive-cache").unlink()
    (tmp_path / "templats").mkdir()
    (tmp_path / "static").mkdir()
    config = parse_config("templates_dir: templats\nstatic_dir: static\n", "archive.yaml",
                          tmp_path)
    assert (config.templates_dir, config.static_dir) == (tmp_path / "templats",
                                                         tmp_path / "static")


def test_unknown_keys_list_the_known_ones_of_their_level(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("title: ok\nmarkdown:\n  engin: x\ncolour: red\n", "archive.yaml", tmp_path)
    unknown_sub, unknown_top = caught.value.diagnostics
    assert (unknown_sub.line, unknown_sub.message) == (3, "unknown config key 'markdown.engin'")
    assert unknown_sub.hint == ("known keys under 'markdown': engine, extension_configs, "
                                "extensions")
    assert (unknown_top.line, unknown_top.message) == (4, "unknown config key 'colour'")
    assert unknown_top.hint == "known keys: " + ", ".join(sorted(
        [*(k.name for k in KEYS if "." not in k.name), "cite", "markdown", "read", "topics"]))


def test_a_key_without_a_value_keeps_its_default(tmp_path: Path) -> None:
    config = parse_config("title:\nread:\n  boilerplate:\nmarkdown:\n", "archive.yaml", tmp_path)
    assert config.title == "News Archive" and config.read.boilerplate == ()
    assert config.markdown == MarkdownSettings()


def test_the_docs_describe_every_key_of_the_table(request: pytest.FixtureRequest) -> None:
    text = DOCS.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    if request.config.getoption("--update-golden"):
        text = text[:start] + reference() + text[end:]
        DOCS.write_text(text, encoding="utf-8")
        end = text.index(END)
    documented = re.findall(r"^\| `([a-z_.]+)` \|", text[start:end], re.MULTILINE)
    assert documented == [k.name for k in KEYS]
    assert text[start:end] == reference(), (
        "docs/configuration.md is out of date: run pytest tests/test_config.py --update-golden")
    # every key named anywhere in the prose is a key of the table (or a section of it)
    mentioned = set(re.findall(r"`((?:read|topics|markdown)\.[a-z_]+)`", text))
    assert mentioned <= {k.name for k in KEYS}
