"""Which encoding legacy (not UTF-8) bytes are in: the CJK multi-byte ones first.

:func:`guess` is asked only after UTF-8 and the byte-order marks failed.  It
decodes the bytes strictly as each multi-byte legacy encoding (GB18030,
Big5, Shift_JIS, EUC-JP, EUC-KR) and keeps the readings that look like CJK
text; only when none does is charset-normalizer asked (it guesses single-byte
code pages too, and calls short GBK titles cp874 Thai).

A reading looks like CJK text when most of its non-ASCII characters are kana,
Hangul syllables, CJK punctuation, full-width forms or ideographs of the
first (frequent) level of GB2312, Big5 or JIS X 0208, and few are rare
ideographs, half-width katakana or private-use code points.  The readings
are ranked by how many characters are among the most frequent ones of the
encoding's language (tables below) and of the first level of its own
character set: GBK read as Big5 makes real but random characters, which
these frequent-character shares tell apart.  Two readings both likely, or
one with few characters to judge by, make the guess unsure: the text is
still read, and :attr:`Guess.unsure` lists the others.

Everything here is pure; charset-normalizer is imported on first need.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["CJK_ENCODINGS", "Guess", "guess"]

#: The multi-byte encodings tried, as (codec, the name a warning shows): the
#: Microsoft supersets (cp950, cp932, cp949) are what legacy files are in.
CJK_ENCODINGS: tuple[tuple[str, str], ...] = (
    ("gb18030", "GB18030"), ("cp950", "Big5"), ("cp932", "Shift_JIS"),
    ("euc_jp", "EUC-JP"), ("cp949", "EUC-KR"),
)

# The most frequent characters of each language, commonest first (written from
# general knowledge of character frequency; no corpus text).
_ZH_HANS = ("的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得"
            "于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天"
            "分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已"
            "工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什"
            "二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声"
            "提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报"
            "才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决"
            "治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求"
            "据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收"
            "根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影")
_ZH_HANT = ("的一是不了在人有我他這個們中來上大為和國地到以說時要就出會可也你對生能而子那得"
            "於著下自之年過發後作裡用道行所然家種事成方多經麼去法學如都同現當沒動面起看定天"
            "分還進好小部其些主樣理心她本前開但因只從想實日軍者意無力它與長把機十民第公此已"
            "工使情明性知全三又關點正業外將兩高間由問很最重並物手應戰向頭文體政美相見被利什"
            "二等產或新己制身果加西斯月話合回特代內信表化老給世位次度門任常先海通教兒原東聲"
            "提立及比員解水名真論處走義各入幾口認條平系氣題活爾更別打女變四神總何電數安少報"
            "才結反受目太量再感建務做接必場件計管期市直德資命山金指克許統區保至隊形社便空決"
            "治展馬科司五基眼書非則聽白卻界達光放強即像難且權思王象完設式色路記南品住告類求"
            "據程北邊死張該交規萬取拉格望覺術領共確傳師觀清今切院讓識候帶導爭運笑飛風步改收"
            "根乾造言聯持組每濟車親極林服快辦議往元英士證近失轉夫令準布始怎呢存未遠叫台單影"
            "灣臺")
_JA_KANJI = ("日一人年大十二本中長出三時行見月分後前生五間上東四今金九入学高円子外八六下来気"
             "小七山話女北午百書先名川千水半男西電校語土木聞食車何南万毎白天母火右読友左休父"
             "雨会社国者事自発同業新方法理的場合部期手用議実現地経動定問題政内関開目最明力化"
             "全意作物度体代言思連際取表対通京市党平立市主界記者報道相性米調情公選強総約")
_KO = ("이다에의는로하을가고지서한은기으년대사시를리도인스일정나게수자아구적어해만와과부주"
       "전국제상요보비여있것들원소그라면장선문회되미경개동우성내신관마중공해했니습까화세"
       "무학위연결말통방업실결과후생당영민금간모두라운합분명차초터진법제물계들")
_FREQUENT: dict[str, frozenset[str]] = {
    "GB18030": frozenset(_ZH_HANS),
    "Big5": frozenset(_ZH_HANT),
    "Shift_JIS": frozenset(_JA_KANJI),
    "EUC-JP": frozenset(_JA_KANJI),
    "EUC-KR": frozenset(_KO),
}

#: Fewer judged characters than this make any guess unsure.
_FEW = 12
#: How many characters of a reading are looked at.
_SAMPLE = 8_000


@dataclass(frozen=True, slots=True)
class Guess:
    """How legacy bytes were read: ``encoding`` (the name a person knows, e.g.
    "GB18030"), and when the guess is unsure the other likely ``alternatives``
    (``unsure`` is then true)."""

    encoding: str
    unsure: bool = False
    alternatives: tuple[str, ...] = ()

    def message(self) -> str:
        """The warning's text: ``encoding guessed as GB18030 (also possible: Big5)``."""
        also = f" (also possible: {', '.join(self.alternatives)})" if self.alternatives else ""
        return f"encoding guessed as {self.encoding}{also}"


def guess(data: bytes) -> tuple[str, Guess] | None:
    """The text of legacy ``data`` and how it was guessed, or None when no encoding fits.

    ``data`` is not UTF-8 (the caller tried it).  A multi-byte CJK reading that
    looks like CJK text wins over every single-byte one; without one,
    charset-normalizer's best guess is taken (unsure when its best match is
    messy).  Never raises.
    """
    readings: list[tuple[float, int, str, str]] = []
    for codec, name in CJK_ENCODINGS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score, judged = _score(text[:_SAMPLE], name)
        if score is not None:
            readings.append((score, judged, name, text))
    if readings:
        readings.sort(key=lambda reading: -reading[0])
        best, judged, name, text = readings[0]
        others = tuple(n for score, _, n, _ in readings[1:] if judged < _FEW or score >= best * 0.8)
        return text, Guess(name, bool(others), others[:3])
    return _single_byte(data)


def _single_byte(data: bytes) -> tuple[str, Guess] | None:
    """charset-normalizer's best reading of ``data``, unsure when it is messy."""
    import charset_normalizer

    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None or best.encoding is None:
        return None
    name = _display(best.encoding)
    others = tuple(dict.fromkeys(_display(m.encoding) for m in matches
                                 if m.encoding and _display(m.encoding) != name))[:3]
    return str(best), Guess(name, best.chaos >= 0.1, others if best.chaos >= 0.1 else ())


def _display(codec: str) -> str:
    """A codec's name as people write it: ``cp1252`` -> ``Windows-1252``."""
    if codec.startswith("cp") and codec[2:].isdigit() and len(codec) == 6:
        return f"Windows-{codec[2:]}"
    return codec.upper().replace("_", "-")


def _score(text: str, name: str) -> tuple[float | None, int]:
    """How likely ``text`` is the reading of an encoding called ``name`` (0 to 2),
    or None when it does not look like CJK text at all; and how many characters
    that judgement rests on (the non-ASCII ones but spaces)."""
    counts = [(char, count) for char, count in Counter(text).items()
              if char > "\x7f" and not char.isspace()]
    total = sum(count for _, count in counts)
    if not total:
        return None, 0
    usual = native = frequent = 0
    frequent_set = _FREQUENT[name]
    for char, count in counts:
        kind = _kind(char)
        if kind == "rare":
            continue
        usual += count
        if kind == "punct":
            native += count
        elif kind == "kana":
            native += count if name in ("Shift_JIS", "EUC-JP") else 0
            frequent += count if name in ("Shift_JIS", "EUC-JP") else 0
        elif kind == "hangul":
            native += count if name == "EUC-KR" else 0
        elif _first_level(char, name):
            native += count
        if char in frequent_set:
            frequent += count
    if usual < total * 0.8:
        return None, total
    return native / total + frequent / total, total


@lru_cache(maxsize=16384)
def _kind(char: str) -> str:
    """``char`` as a CJK reading sees it: punct, kana, hangul, han or rare."""
    point = ord(char)
    if 0x3000 <= point <= 0x303F or 0xFF01 <= point <= 0xFF5E or 0x2010 <= point <= 0x206F \
            or point in (0x00B7, 0x00D7, 0x00F7, 0x00B0):
        return "punct"
    if 0x3041 <= point <= 0x30FF:
        return "kana"
    if 0xAC00 <= point <= 0xD7A3:
        return "hangul"
    if 0x4E00 <= point <= 0x9FFF and _first_level_anywhere(char):
        return "han"
    if unicodedata.category(char)[0] in "LN" and point < 0x2E80:
        return "other"  # Greek, Cyrillic, accented Latin: the sets hold some
    return "rare"


@lru_cache(maxsize=8192)
def _first_level_anywhere(char: str) -> bool:
    """Whether ideograph ``char`` is a frequent (first-level) one of GB2312, Big5 or JIS."""
    return any(_first_level(char, name) for name in ("GB18030", "Big5", "EUC-JP"))


@lru_cache(maxsize=16384)
def _first_level(char: str, name: str) -> bool:
    """Whether ideograph ``char`` is in the first (frequent) level of ``name``'s set."""
    codec, low, high = _LEVELS.get(name, ("", 0, 0))
    if not codec:
        return False
    try:
        code = char.encode(codec)
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and low <= int.from_bytes(code, "big") <= high


# The first level of each set: GB2312 rows 16-55, Big5 A440-C67E, JIS X 0208 rows
# 16-47 (in EUC-JP and in Shift_JIS bytes).  Korean text seldom uses ideographs.
_LEVELS: dict[str, tuple[str, int, int]] = {
    "GB18030": ("gb2312", 0xB0A1, 0xD7F9),
    "Big5": ("big5", 0xA440, 0xC67E),
    "EUC-JP": ("euc_jp", 0xB0A1, 0xCFD3),
    "Shift_JIS": ("shift_jis", 0x889F, 0x9872),
}
