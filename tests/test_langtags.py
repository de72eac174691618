"""Language tags normalised to BCP 47 (newsarchive.langtags), in config and at enrich."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.langtags import direction, native_name, normalize, primary

from sitekit import build_site, make_site, md


@pytest.mark.parametrize(("value", "tag"), [
    ("zh_cn", "zh-CN"), ("EN-us", "en-US"), ("zh-hans", "zh-Hans"), ("iw", "he"),
    ("in", "id"), ("eng", "en"), ("Arabic", "ar"), ("zh-Hant-TW", "zh-Hant-TW"),
    ("sr_latn_rs", "sr-Latn-RS"), ("es-419", "es-419"), ("de-CH-1996", "de-CH-1996"),
    (" fr-ca ", "fr-CA"), ("no-bok", "nb"),
    ("", ""), ("und", ""), ("x-klingon", ""), ("en-XX", ""), ("zz", ""), ("english!", ""),
    ("en-US-x-private", ""),
])
def test_normalize(value: str, tag: str) -> None:
    assert normalize(value) == tag


@pytest.mark.parametrize(("tag", "way"), [
    ("ar", "rtl"), ("he", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("ps", "rtl"), ("yi", "rtl"),
    ("ckb", "rtl"), ("dv", "rtl"), ("sd", "rtl"), ("ug", "rtl"), ("az-Arab", "rtl"),
    ("en", "ltr"), ("zh-CN", "ltr"), ("ja", "ltr"), ("ug-Cyrl", "ltr"), ("", ""),
])
def test_direction(tag: str, way: str) -> None:
    assert direction(tag) == way


def test_native_name_and_primary() -> None:
    assert [native_name(t) for t in ("ar", "zh-CN", "en-GB")] == ["العربية", "中文", "English"]
    assert primary("en-US") == primary("en-GB") == "en"


def test_config_language_is_normalised(tmp_path: Path) -> None:
    config = make_site(tmp_path, {}, "language: zh_cn\n")
    assert config.language == "zh-CN"


def test_article_tags_are_normalised_and_bad_ones_warned(tmp_path: Path) -> None:
    config = make_site(tmp_path, {
        "a.md": md("Chinese", "2020-01-02T10:00:00Z", "中文文本，关于天气的消息。", lang="zh_cn"),
        "b.md": md("Bad", "2020-01-03T10:00:00Z", "这是中文的正文内容。", lang="klingonese"),
    }, "topics:\n  enabled: []\n")
    report = build_site(config)
    warnings = [d for d in report.warnings if d.path == "b.md"]
    assert [d.message for d in warnings] == [
        "language 'klingonese' is not a BCP 47 language tag; ignored"]
    site = config.output_dir
    assert '<html lang="zh-CN">' in (site / "2020/01/02/chinese/index.html").read_text()
    assert '<html lang="zh">' in (site / "2020/01/03/bad/index.html").read_text()
