"""Legacy encodings: CJK multi-byte text is read as such, never as a single-byte code page.

The sample sentences are written for these tests; no corpus text is copied
into the repository.  The corpus test reads the shared SogouCS sample when
it is there and skips with the reason when it is not.
"""

from __future__ import annotations

from pathlib import Path

import charset_normalizer
import pytest

from newsarchive.config import ReadSettings
from newsarchive.formats import sogou
from newsarchive.pipeline.read import read_source
from newsarchive.pipeline.read.encodings import Guess, guess
from newsarchive.pipeline.read.text import Removed, decode, decode_clean, detect_lang

from sitekit import build_site, make_site

SOGOU = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "sogoucs-chinese"

ZH = ("今天上午，市政府召开新闻发布会，介绍了全市经济发展的最新情况。记者从会上了解到，"
      "今年前三个月，我市工业生产保持稳定增长。")
ZH_HANT = ("今天上午，市政府召開記者會，介紹了全市經濟發展的最新情況。記者從會上了解到，"
           "今年前三個月，本市工業生產保持穩定成長。")
JA = ("東京都は十日、新しい公園の建設計画を発表した。完成は二年後の予定で、"
      "市民の憩いの場になることが期待されている。")
KO = ("서울시는 오늘 새로운 공원을 만들 계획을 발표했다. 공원은 내년 봄에 문을 열 예정이며 "
      "시민들의 쉼터가 될 것으로 기대된다.")
FR = ("Le conseil municipal a voté jeudi un budget très serré : « Nous n'avons plus de "
      "marge », a déclaré le maire.")
RU = ("Городской совет в четверг утвердил новый бюджет. По словам мэра, денег на ремонт "
      "дорог почти не осталось.")
#: A short title and a line of full-width Latin letters: charset-normalizer calls it cp874.
ZH_THAI_SHAPED = ("法国画家展出城市风景\n\n法国画家Ｌｕｃ　Ｍａｒｔｉｎ，现居巴黎。他的这组作品名为"
                  "《城市的早晨》（Ｃｉｔｙ　Ｍｏｒｎｉｎｇ）。\n")
#: The same shape, for which charset-normalizer finds no encoding at all.
ZH_UNDECIDED = ("日本歌手来华演出\n\n日本歌手Ｙｕｋｉ　Ｔａｎａｋａ，来自大阪。"
                "她的新专辑名为《春天》（Ｓｐｒｉｎｇ　Ｄａｙ）。\n")


@pytest.mark.parametrize(("text", "codec", "name"), [
    (ZH, "gbk", "GB18030"),
    (ZH + "𠀀", "gb18030", "GB18030"),  # four-byte GB18030 for a character beyond GBK
    (ZH_HANT, "big5", "Big5"),
    (JA, "shift_jis", "Shift_JIS"),
    (JA, "euc_jp", "EUC-JP"),
    (KO, "euc_kr", "EUC-KR"),
    (FR, "cp1252", "Windows-1252"),
    (RU, "cp1251", "Windows-1251"),
])
def test_legacy_encodings_decode_to_the_text(text: str, codec: str, name: str) -> None:
    data = f"{text}\n\n{text}\n".encode(codec)
    found = guess(data)
    assert found is not None
    assert found[1] == Guess(name)
    assert decode("a.txt", data) == f"{text}\n\n{text}\n"
    assert decode_clean("a.txt", data, fix=False) == (f"{text}\n\n{text}\n", None)


@pytest.mark.parametrize("text", [ZH, ZH_HANT, JA, KO, FR, RU])
def test_utf16_with_byte_order_mark(text: str) -> None:
    assert decode("a.txt", text.encode("utf-16")) == text
    assert decode_clean("a.txt", text.encode("utf-16-be").join([b"\xfe\xff", b""])) == (
        text, None)


@pytest.mark.parametrize("text", [ZH_THAI_SHAPED, ZH_UNDECIDED])
def test_gbk_that_charset_normalizer_misreads_is_gb18030(text: str) -> None:
    data = text.encode("gbk")
    best = charset_normalizer.from_bytes(data).best()
    assert best is None or best.encoding == "cp874"  # what made Thai mojibake, or a skip
    assert decode_clean("a.txt", data) == (text, None)
    result = read_source("a.txt", data, ReadSettings())
    [article] = result.articles
    assert article.title == text.split("\n")[0]
    assert article.lang == "zh"
    assert not any("encoding" in d.message for d in result.diagnostics)


def test_an_ambiguous_short_file_warns_with_the_alternatives() -> None:
    data = "股市大涨".encode("gbk")
    text, removed = decode_clean("t.txt", data)
    assert text == "股市大涨"
    assert removed == Removed(0, (), guess=Guess("GB18030", True, ("EUC-JP", "EUC-KR")))
    assert removed.diagnostic("t.txt").format() == (
        "t.txt: warning: encoding guessed as GB18030 (also possible: EUC-JP, EUC-KR)\n"
        "  hint: re-save the file as UTF-8 to be sure")
    result = read_source("t.txt", "股市大涨\n\n北京迎来降雪\n".encode("gbk"), ReadSettings())
    assert [a.title for a in result.articles] == ["股市大涨"]
    assert [d.message for d in result.diagnostics if "encoding" in d.message] == [
        "encoding guessed as GB18030 (also possible: EUC-JP, EUC-KR)"]


def test_unsure_encoding_and_removed_characters_make_one_warning() -> None:
    data = "股市\x07大涨".encode("gbk")
    text, removed = decode_clean("t.txt", data)
    assert text == "股市大涨"
    assert removed is not None
    warning = removed.diagnostic("t.txt")
    assert (warning.line, warning.column, warning.severity) == (1, 3, "warning")
    assert warning.message == ("encoding guessed as GB18030 (also possible: EUC-JP, EUC-KR); "
                               "removed 1 control character (U+0007) that XML and HTML "
                               "cannot carry")


def test_a_few_kana_in_chinese_text_keep_it_chinese() -> None:
    assert detect_lang(ZH + "「ありがとう」") == "zh"
    assert detect_lang("首相が辞任を表明") == "ja"


def test_no_encoding_fits() -> None:
    with pytest.raises(Exception, match="cannot decode"):
        decode("bin.txt", bytes(range(0x80, 0x100)) * 4 + b"\x00\xff\xfe\x81\x20")


def _sogou_doc(title: str, body: str, number: int) -> str:
    return (f"<doc>\n<url>http://news.example.cn/2012070{number}/n{number}.shtml</url>\n"
            f"<docno>{number:016x}</docno>\n<contenttitle>{title}</contenttitle>\n"
            f"<content>{body}</content>\n</doc>\n")


SOGOU_FILE = ("<docs>\n" + _sogou_doc("市政府召开新闻发布会", ZH, 1)
              + _sogou_doc("深圳地铁将设立头等车厢",
                           "记者　王明　地铁公司昨日表示，新车厢将在明年投入使用。", 2)
              + _sogou_doc("空记录", "", 3) + "</docs>\n")


@pytest.mark.parametrize(("codec", "head"), [
    ("gbk", b""), ("gbk", b'<?xml version="1.0" encoding="GBK"?>\n'), ("utf-8-sig", b""),
    ("utf-16", b""),
])
def test_sogou_sniffed_in_any_encoding(codec: str, head: bytes) -> None:
    data = head + SOGOU_FILE.encode(codec) if codec != "utf-16" else SOGOU_FILE.encode(codec)
    assert sogou.sniff(data[:4096])
    result = read_source("news.txt", data, ReadSettings())
    # the third record is a headline alone: kept, with an empty body
    assert [a.title for a in result.articles] == ["市政府召开新闻发布会", "深圳地铁将设立头等车厢",
                                                  "空记录"]
    assert result.articles[0].body == ZH
    assert result.articles[2].body == ""
    assert {a.lang for a in result.articles} == {"zh"}


def test_sogou_short_file_warns_once_and_big5_reads() -> None:
    data = ("<doc>\n<url>http://news.example.cn/a.html</url>\n<docno>1</docno>\n"
            "<contenttitle>股市大涨</contenttitle>\n<content>北京迎来降雪</content>\n</doc>\n"
            ).encode("gbk")
    result = read_source("short.xml", data, ReadSettings())
    [article] = result.articles
    assert (article.title, article.body) == ("股市大涨", "北京迎来降雪")
    [warning] = [d for d in result.diagnostics if "encoding" in d.message]
    assert (warning.path, warning.line, warning.column, warning.message, warning.hint) == (
        "short.xml", 0, 0, "encoding guessed as GB18030 (also possible: EUC-JP, EUC-KR)",
        "re-save the file as UTF-8 to be sure")
    big5 = ("<docs>\n" + _sogou_doc("市政府召開記者會", ZH_HANT, 1)
            + _sogou_doc("地鐵增設車廂",
                         "記者　王明　地鐵公司昨日表示，新車廂將在明年投入使用。", 2)
            + "</docs>\n")
    result = read_source("news", big5.encode("big5"), ReadSettings())
    assert [a.title for a in result.articles] == ["市政府召開記者會", "地鐵增設車廂"]
    assert result.articles[0].body == ZH_HANT
    assert not any("encoding" in d.message for d in result.diagnostics)


def test_sogou_records_with_a_headline_or_text_alone_are_kept() -> None:
    data = ("<docs>\n<doc>\n<url>http://news.example.cn/20120706/n1.shtml</url>\n"
            "<docno>1</docno>\n<contenttitle>图集：夏季防汛演练</contenttitle>\n"
            "<content></content>\n</doc>\n<doc>\n<url>http://news.example.cn/2.html</url>\n"
            "<docno>2</docno>\n<contenttitle></contenttitle>\n"
            "<content>市民在公园晨练。天气晴朗，气温适宜。</content>\n</doc>\n<doc>\n"
            "<url>http://news.example.cn/3.html</url>\n<docno>3</docno>\n"
            "<contenttitle></contenttitle>\n<content></content>\n</doc>\n</docs>\n")
    result = read_source("news.dat", data.encode("gbk"), ReadSettings())
    assert [(a.title, a.body) for a in result.articles] == [
        ("图集：夏季防汛演练", ""), ("市民在公园晨练。", "市民在公园晨练。天气晴朗，气温适宜。")]
    messages = [(d.line, d.message) for d in result.diagnostics if "record" in d.message]
    assert messages == [
        (2, "record 0: no text; kept with its title only"),
        (8, "record 1: no title; using the text's first words"),
        (8, "record 1: undated: its URL holds no date; the article is kept without a date"),
        (14, "record 2: neither a title nor text; skipped")]


def test_gbk_sogou_txt_and_gbk_articles_build(tmp_path: Path) -> None:
    config = make_site(tmp_path / "site", {
        "sogou/news.txt": SOGOU_FILE.encode("gbk"),
        "sogou/more.xml": _sogou_doc("台风登陆广东沿海地区", ZH, 4).encode("gbk"),
        "thai-shaped.txt": ZH_THAI_SHAPED.encode("gbk"),
        "undecided.txt": ZH_UNDECIDED.encode("gbk"),
    })
    report = build_site(config)
    assert report.skipped == {}
    assert report.articles == 6  # 3 + 1 records (one a headline alone) + 2 single files
    pages = [p.read_text(encoding="utf-8") for p in config.output_dir.rglob("*.html")]
    assert any("深圳地铁将设立头等车厢" in page for page in pages)
    assert any("台风登陆广东沿海地区" in page for page in pages)
    assert any("法国画家展出城市风景" in page for page in pages)
    assert not any('lang="th"' in page or "\ufffd" in page for page in pages)


@pytest.mark.slow
@pytest.mark.skipif(not SOGOU.is_dir(), reason=f"SogouCS corpus not found at {SOGOU}")
def test_sogou_corpus_records_as_gbk_files() -> None:
    """Every record with a title or text of news_*.dat reads; each with both reads as
    the .dat and as a GBK single-article .txt file: no Thai, no U+FFFD."""
    import re

    paths = sorted(SOGOU.glob("news_*.dat"))
    assert paths, f"no news_*.dat in {SOGOU}"
    for path in paths:
        data = path.read_bytes()
        result = read_source(path.name, data, ReadSettings())
        records = re.findall(r"<doc>.*?</doc>", data.decode("gb18030"), re.DOTALL)
        with_text = [r for r in records if any(
            (found := re.search(f"<{tag}>(.*?)</{tag}>", r, re.DOTALL)) and found[1].strip()
            for tag in ("contenttitle", "content"))]
        assert len(result.articles) == len(with_text) > 100  # a headline alone is kept too
        for article in result.articles:
            if not article.body:
                continue
            assert article.lang == "zh", article.record
            assert "\ufffd" not in article.title + article.body, article.record
            # The same record alone, as a GBK (or, past GBK, GB18030) text file.
            text = f"{article.title}\n\n{article.body}\n"
            try:
                single = text.encode("gbk")
            except UnicodeEncodeError:
                single = text.encode("gb18030")
            alone = read_source(f"{article.record}.txt", single, ReadSettings())
            assert [a.title for a in alone.articles] == [article.title], article.record
            assert alone.articles[0].lang != "th"
            assert "\ufffd" not in alone.articles[0].body
