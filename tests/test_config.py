from pathlib import Path

import pytest

from newsarchive.config import load_config, parse_config
from newsarchive.errors import ConfigError


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
