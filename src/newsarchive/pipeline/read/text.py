"""Turning source bytes into clean text: decoding, newlines, mojibake, boilerplate.

Everything here is pure.  :func:`decode` raises
:class:`~newsarchive.errors.ContentError` for bytes that are no text at all;
the other functions never raise.

Characters XML 1.0 forbids (C0 controls other than tab and newline, lone
surrogates, U+FFFE and U+FFFF) would make ``feed.xml`` invalid and put NUL
bytes into HTML: :func:`decode_clean` and :func:`scrub` take them out (a
terminal colour sequence ``ESC [ 31 m`` goes as a whole) and say how many,
which and where, as a :class:`Removed` that becomes one warning per file.
U+001A (SUB), which real Arabic exports carry, goes too.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from newsarchive.errors import ContentError, Diagnostic
from newsarchive.pipeline.read.encodings import Guess

__all__ = [
    "DEFAULT_BOILERPLATE",
    "Removed",
    "boilerplate_matcher",
    "decode",
    "decode_clean",
    "detect_lang",
    "normalise_newlines",
    "repair",
    "scrub",
    "strip_forbidden",
]

#: Whole-line rules (case-insensitive, matched against the stripped line) for
#: scraped boilerplate.  ``read.boilerplate`` in archive.yaml adds to these.
DEFAULT_BOILERPLATE: tuple[str, ...] = (
    # newsletter and subscription prompts
    r"subscribe( now| today| here)?\b.{0,60}",
    r"(sign up|register|subscribe)( now)? (to|for) .{0,80}newsletters?\b.{0,80}",
    r"sign up for daily( opinion)? newsletters?( manage newsletters)?",
    r"(thank you|thanks) for (signing up|subscribing).{0,120}",
    r"manage newsletters",
    r"ready to fight back\? sign up for take action now.{0,120}",
    r"get (our|the) .{0,40}newsletter.{0,80}",
    # advertising
    r"advertisements?:?( continue reading (the )?main story)?",
    r"advertisement thanks for watching! visit website",
    r"(story )?continue(s|d)? (reading )?below( (this )?advertisement)?",
    r"continue reading (the )?main story",
    r"skip (this )?ad(vertisement)?",
    r"sponsored( content)?",
    # video players and page chrome
    r"close",
    r"loading\.\.\.",
    r"(replay|watch|play) video",
    r"click here (for reprint permission|to get the .{1,40}app)\.?",
    # photo credits
    r"(photo|image|picture)s?( credit)?: .{1,80}",
    r"(photo|image) (credit|courtesy|by) .{1,80}",
    r"\((photo|image|picture)s?( credit)?:? .{1,80}\)",
    r"image copyright .{1,60}",
    r"photo",
    r"[A-Z .'-]{2,40}/(AP|AFP|Reuters|Getty Images|EPA)",
    # share buttons, also as Markdown link lists ("* [Partager sur X](https://...)")
    r"(\* )?\[?(share|partager|teilen|compartir)( (this|on|sur|via|auf|en))*:?"
    r"( (article|story|facebook|twitter|x|linkedin|whatsapp|e-?mail|pinterest|reddit|pocket))?"
    r"\]?(\(\S*\))?",
    r"(facebook|twitter|x|linkedin|whatsapp|pinterest|reddit|e-?mail|print|tweet|pocket)",
    r"réagirenregistrerpartager",
    # clipboard markers pasted from Word or a browser
    r"<!--\s*(start|end)fragment\s*-->\\*",
    r"follow us on (twitter|facebook|instagram).{0,60}",
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Mojibake, C1 controls, surrogates and terminal escapes always show one of
# these (UTF-8 read as cp1252/Latin-1, or as cp1251/cp1253); text without
# them (Arabic, Chinese, most of any language) skips ftfy, which is slow.
_SUSPECT = re.compile("[\x1b\x80-\xff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                      "\u02c6\u02dc\u0370-\u04ff\u2013-\u203a\u20ac\u2122\ud800-\udfff]")


@lru_cache(maxsize=1)
def _fixer() -> Any:
    # ftfy and charset-normalizer are imported when first needed: most files are
    # UTF-8 without suspect characters, and a one-edit build starts faster.
    import ftfy

    return ftfy, ftfy.TextFixerConfig(unescape_html=False, fix_latin_ligatures=False,
                                      fix_character_width=False, uncurl_quotes=False,
                                      fix_line_breaks=False, normalization=None, explain=False)


def decode(source_path: str, data: bytes, fix: bool = True) -> str:
    """Decode ``data`` to text with newlines normalised and (if ``fix``) mojibake repaired.

    UTF-8 (with or without BOM) and BOM-marked UTF-16/32 are tried first, then
    the CJK multi-byte encodings (GB18030, Big5, Shift_JIS, EUC-JP, EUC-KR)
    when the bytes read as CJK text in one of them, then charset-normalizer's
    best guess (cp1252, cp1251 ...); see :mod:`.encodings`.  Characters
    XML cannot carry are taken out (see :func:`decode_clean`, which also says
    which).  Raises ContentError for an empty file, a binary file or bytes no
    encoding fits.
    """
    return decode_clean(source_path, data, fix)[0]


def decode_clean(source_path: str, data: bytes, fix: bool = True) -> tuple[str, Removed | None]:
    """:func:`decode`, plus what was taken out: a Removed located in the text, or None.

    The characters are counted before mojibake repair (which would drop some
    of them silently) and looked for again after it (repair can turn
    ``ï¿¾`` into U+FFFE).  An unsure guess of a legacy encoding comes back
    in the Removed too (``Removed.guess``; nothing may have been taken out),
    so that every reader's one decoding warning says it.  Raises
    ContentError as :func:`decode` does.
    """
    if not data.strip():
        raise ContentError(Diagnostic(source_path, 0, 0, "empty file",
                                      "delete it, or write the article into it"))
    text, encoding, how = _decode_bytes(source_path, data)
    if "\x00" in text:
        raise ContentError(Diagnostic(source_path, 0, 0, "binary file (contains NUL bytes)",
                                      "only text, Markdown and JSON files can be read"))
    text = normalise_newlines(text)
    removed = None
    if not _surely_clean(data, encoding):
        text, removed = strip_forbidden(text)
    if how is not None and how.unsure:
        removed = Removed(0, (), guess=how) if removed is None else replace(removed, guess=how)
    if not fix:
        return text, removed
    repaired = _repair(text)
    if repaired is text:
        return text, removed
    repaired, again = strip_forbidden(repaired)
    return repaired, again if removed is None else removed.merged(again)


# Every byte but the C0 controls XML forbids.  Deleting these from UTF-8 leaves
# nothing when the text has none of them (a byte below 0x20 is never part of a
# longer UTF-8 sequence); bytes.translate does that about ten times faster than
# a regular expression searches the decoded text.
_XML_SAFE_BYTES = bytes(range(0x20, 0x100)) + b"\t\n\r"


def _surely_clean(data: bytes, encoding: str) -> bool:
    """Whether UTF-8 ``data`` has no character XML forbids, judged from its bytes."""
    return (encoding == "utf-8" and not data.translate(None, _XML_SAFE_BYTES)
            and b"\xef\xbf\xbe" not in data and b"\xef\xbf\xbf" not in data)


def _decode_bytes(source_path: str, data: bytes) -> tuple[str, str, Guess | None]:
    """The text of ``data``, the codec that read it ("utf-8" for UTF-8 with or without
    BOM) and, for legacy bytes, how their encoding was guessed."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError as exc:
                raise ContentError(Diagnostic(
                    source_path, 0, 0,
                    f"cannot decode: the file starts with a {encoding.upper()} byte-order "
                    f"mark but byte {exc.start} is not {encoding.upper()}",
                    "re-save the file as UTF-8")) from None
            return text, "utf-8" if encoding == "utf-8-sig" else encoding, None
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    from newsarchive.pipeline.read.encodings import guess

    found = guess(data)
    if found is None:
        raise ContentError(Diagnostic(
            source_path, 0, 0, "cannot decode: the bytes are not UTF-8 and no known "
            "encoding fits them", "re-save the file as UTF-8"))
    text, how = found
    return text, how.encoding, how


def normalise_newlines(text: str) -> str:
    """Turn CRLF and stray CR into LF (a lone CR is an old Mac line end)."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def repair(text: str) -> str:
    """Repair mojibake (``â€™`` -> ``’``) with ftfy, leaving correct text alone.

    Only encoding-level fixes run: quotes, ligatures, full-width characters,
    HTML entities and Unicode normal form are kept as written.  The result
    never holds a character XML forbids (a repair that makes one drops it).
    """
    repaired = _repair(text)
    if repaired is text:
        return text
    return strip_forbidden(repaired)[0]


def _repair(text: str) -> str:
    if text.isascii() or not _SUSPECT.search(text):
        return text
    ftfy, config = _fixer()
    return str(ftfy.fix_text(text, config))


#: What XML 1.0 cannot carry: C0 controls but tab, newline and CR, lone
#: surrogates, U+FFFE and U+FFFF; a terminal escape sequence goes whole.
_FORBIDDEN = re.compile("\x1b\\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff"
                        "\ufffe\uffff]")


_GUESS_HINT = "re-save the file as UTF-8 to be sure"


@dataclass(frozen=True, slots=True)
class Removed:
    """What decoding one file has to say: characters taken out because XML and
    HTML cannot carry them, and an unsure guess of its encoding.

    ``count`` is how many (a terminal escape sequence counts once, as its
    U+001B; 0 when only the encoding is worth a warning); ``code_points``
    the distinct ones, first seen first; ``line`` and ``column`` where the
    first was (1-based, 0 when unknown); ``guess`` the encoding guessed
    unsure, or None.
    """

    count: int
    code_points: tuple[int, ...]
    line: int = 0
    column: int = 0
    guess: Guess | None = None

    def merged(self, other: Removed | None) -> Removed:
        """Both removals as one, located at whichever comes first in the file."""
        if other is None:
            return self
        first = min((self, other), key=lambda r: (r.line == 0, r.line, r.column))
        points = self.code_points + tuple(p for p in other.code_points
                                          if p not in self.code_points)
        return Removed(self.count + other.count, points, first.line, first.column,
                       self.guess or other.guess)

    def diagnostic(self, source_path: str) -> Diagnostic:
        """The one warning a file gets for its removed characters and unsure encoding."""
        if self.guess is not None:
            where = (self.line, self.column) if self.count else (0, 0)
            message, hint = self.guess.message(), _GUESS_HINT
            if self.count:
                removal = self._removal()
                message, hint = f"{message}; {removal.message}", f"{hint}; {removal.hint}"
            return Diagnostic(source_path, *where, message, hint, "warning")
        return replace(self._removal(), path=source_path)

    def _removal(self) -> Diagnostic:
        """The warning for the removed characters (path left empty)."""
        shown = ", ".join(f"U+{point:04X}" for point in self.code_points[:3])
        if len(self.code_points) > 3:
            shown += ", ..."
        plural = "s" if self.count != 1 else ""
        return Diagnostic(
            "", self.line, self.column,
            f"removed {self.count} control character{plural} ({shown}) that XML and HTML "
            "cannot carry",
            "they are invisible bytes (terminal colours, a broken export); the text is kept "
            "without them", "warning")


def strip_forbidden(text: str) -> tuple[str, Removed | None]:
    """``text`` without the characters XML forbids, and what went (located in ``text``)."""
    first = _FORBIDDEN.search(text)
    if first is None:
        return text, None
    found = _FORBIDDEN.findall(text, first.start())
    points = tuple(dict.fromkeys(ord(match[0]) for match in found))
    offset = first.start()
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return _FORBIDDEN.sub("", text), Removed(len(found), points, line, column)


def scrub(value: Any) -> tuple[Any, Removed | None]:
    """Parsed data (strings, lists, mappings, keys too) without characters XML forbids.

    Returns ``value`` itself when nothing was removed; the Removed is not
    located (line 0): the caller knows where ``value`` came from.  Recursive:
    check the nesting depth first (:func:`newsarchive.pipeline.read.limits.depth_exceeds`).
    """
    if isinstance(value, str):
        return strip_forbidden(value)
    removed: Removed | None = None

    def clean(item: Any) -> Any:
        nonlocal removed
        cleaned, found = scrub(item)
        if found is not None:
            removed = found if removed is None else removed.merged(found)
        return cleaned

    if isinstance(value, dict):
        result: Any = {clean(key): clean(item) for key, item in value.items()}
    elif isinstance(value, list | tuple):
        result = type(value)(clean(item) for item in value)
    else:
        return value, None
    if removed is None:
        return value, None
    return result, Removed(removed.count, removed.code_points)


@lru_cache(maxsize=64)
def _compile(rules: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for rule in rules:
        try:
            re.compile(rule)
        except re.error:
            continue
        parts.append(f"(?:{rule})")
    return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)


def boilerplate_matcher(extra: Sequence[str] = ()) -> re.Pattern[str]:
    """The compiled default boilerplate rules plus ``extra`` (invalid rules are ignored)."""
    return _compile(DEFAULT_BOILERPLATE + tuple(extra))


_SCRIPTS: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("ar", ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
            (0xFE70, 0xFEFF))),
    ("he", ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))),
    ("ja", ((0x3040, 0x30FF), (0x31F0, 0x31FF))),
    ("ko", ((0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F))),
    ("zh", ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF))),
    ("hy", ((0x0530, 0x058F),)),
    ("el", ((0x0370, 0x03FF),)),
    ("th", ((0x0E00, 0x0E7F),)),
    ("ka", ((0x10A0, 0x10FF),)),
)


_SCRIPT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (lang, re.compile("[" + "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges) + "]"))
    for lang, ranges in _SCRIPTS
)
_LETTER = re.compile(r"[^\W\d_]")
#: Below the lowest character of any script in _SCRIPTS, text names no language.
_FIRST_SCRIPT_CHAR = chr(min(low for _, ranges in _SCRIPTS for low, _ in ranges))


def detect_lang(text: str, sample: int = 1000) -> str:
    """Guess a language tag from the script of the letters of ``text``, or ``""``.

    Only scripts that (nearly) name one language are recognised: Arabic
    script gives ``ar``, Hebrew ``he``, kana ``ja`` (kana wins over Han when
    at least a tenth of kana and Han together),
    Hangul ``ko``, Han alone ``zh``, Armenian ``hy``, Greek ``el``, Thai
    ``th``, Georgian ``ka``.  Latin or Cyrillic text gives ``""``.  A script
    must cover more than half of the letters.
    """
    text = text[:sample]
    if not text or max(text) < _FIRST_SCRIPT_CHAR:  # Latin/Cyrillic only: no script to find
        return ""
    letters = len(_LETTER.findall(text))
    if not letters:
        return ""
    counts = {lang: found for lang, pattern in _SCRIPT_PATTERNS
              if (found := len(pattern.findall(text)))}
    kana, han = counts.get("ja", 0), counts.get("zh", 0)
    # A few kana in Chinese text are a quoted name or crawl mojibake; Japanese
    # prose, even a headline, is at least a tenth kana.
    if kana * 10 >= kana + han and kana + han > letters / 2:
        return "ja"
    for lang, count in sorted(counts.items(), key=lambda item: -item[1]):
        if count > letters / 2:
            return lang
    return ""
