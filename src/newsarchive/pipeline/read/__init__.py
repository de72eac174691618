"""Readers: source bytes in, :class:`~newsarchive.model.ReadResult` out.

:func:`read_source` picks the reader by file suffix and content:

- ``.md`` / ``.markdown``: front matter plus Markdown (:mod:`.frontmatter`);
- ``.txt``: raw news text (:mod:`.rawtext`), or a page when it starts with
  front matter (then its body is prose unless ``format:`` says otherwise);
- ``.json`` / ``.jsonl`` / ``.ndjson``: scraper records (:mod:`.records`);
- another suffix, or a ``.json``/``.txt`` file a sniffer takes: a plugin's
  reader, else a built-in format's (:mod:`newsarchive.formats`: WordPress,
  feeds, agency XML, wire text, saved pages, WARC, CSV), by suffix, then by
  sniffing the first bytes (see :mod:`newsarchive.hooks`);
- a file nobody reads: no article, and ``ReadResult.unread`` says what it
  looks like (the build reports it).  A ``.txt`` file that starts like
  markup, JSON or binary data is never read as prose.

It never raises: every problem becomes a Diagnostic (a plugin reader's
failure too, naming the plugin).  Hostile input fails
alone and located (see :mod:`.limits`, :mod:`.yamlsafe`): YAML alias bombs,
nesting past a hundred levels, numbers Python refuses.  Characters XML
cannot carry are taken out of everything read, with one warning per file
(:func:`.text.decode_clean`).  ``source_path`` is passed through unchanged;
quoting it for display is :meth:`Diagnostic.format`'s job.  A draft is skipped
(no article, no diagnostic) unless ``settings.include_drafts``.  An article
without a date is kept with ``published=None`` and an ``undated`` warning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, time
from typing import TYPE_CHECKING

from newsarchive.config import ReadSettings
from newsarchive.errors import ConfigError, ContentError, Diagnostic
from newsarchive.model import Article, ReadResult

if TYPE_CHECKING:
    from newsarchive import hooks

# The readers (YAML, ftfy, dateutil) are imported on first use: a warm build
# that reads nothing, and tools that only need SUFFIXES, start faster.

__all__ = ["MAX_TERMS", "READ_VERSION", "SUFFIXES", "ReadFunction", "read_source"]

#: Changes whenever the same bytes read into different results (3: characters
#: XML forbids removed, unsafe URLs dropped, hostile input refused; 4: the
#: built-in formats, files of unknown form no longer read as prose; 5: CJK
#: legacy encodings detected before single-byte ones), so cached results of an
#: older reader are not reused.
READ_VERSION = "5"

#: File suffixes the built-in readers read (lower case); see :func:`suffixes_for`.
SUFFIXES: tuple[str, ...] = (".md", ".markdown", ".txt", ".json", ".jsonl", ".ndjson")
#: ``read(source_path, data, settings)``: the protocol of every reader.
ReadFunction = Callable[[str, bytes, ReadSettings], ReadResult]

_MARKDOWN = (".md", ".markdown")
_RECORDS = (".json", ".jsonl", ".ndjson")
_UNDATED_HINT = {
    "text": "add a line such as 'Published December 28, 2000' under the title",
    "page": "add a `date: 2000-12-28` line to the front matter",
}


def read_source(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """Read one source file's bytes into its articles and diagnostics.

    ``source_path`` is the file's relative posix path; its suffix (or, for a
    plugin's sniffer, its first bytes) picks the reader.  Errors (the file, or
    one record of it, is skipped) and warnings come back as Diagnostics.
    Raises only ConfigError, when ``settings.plugins`` cannot be loaded.
    """
    try:
        return _capped(_read(source_path, data, settings))
    except ConfigError:
        raise
    except ContentError as exc:
        return ReadResult((), (exc.diagnostic,))
    except Exception as exc:
        return ReadResult((), (Diagnostic(
            source_path, 0, 0, f"internal error while reading: {type(exc).__name__}: {exc}",
            "please report this file to the newsarchive maintainers"),))


#: Most terms of one taxonomy (and authors) one article keeps: each term is a
#: page of the archive, and one small file must not make a build of millions.
MAX_TERMS = 100


def _capped(result: ReadResult) -> ReadResult:
    """``result`` with every article's terms and authors cut to :data:`MAX_TERMS`
    per taxonomy, with a warning for each article cut."""
    if not any(len(a.authors) > MAX_TERMS or any(len(t) > MAX_TERMS for t in a.terms.values())
               for a in result.articles):
        return result
    articles: list[Article] = []
    diagnostics = list(result.diagnostics)
    for article in result.articles:
        lists = {"authors": article.authors, **article.terms}
        long = sorted(name for name, names in lists.items() if len(names) > MAX_TERMS)
        if long:
            where = f"record {article.record}: " if article.record else ""
            diagnostics.append(Diagnostic(
                article.source_path, article.body_line if article.record else 0, 0,
                f"{where}{', '.join(f'{n!r} lists {len(lists[n]):,}' for n in long)} names; "
                f"kept the first {MAX_TERMS} of each",
                "an article names a few places, people or topics; check the field", "warning"))
            article = replace(article, authors=article.authors[:MAX_TERMS],
                              terms={k: v[:MAX_TERMS] for k, v in article.terms.items()})
        articles.append(article)
    return ReadResult(tuple(articles), tuple(diagnostics))


def _suffix(name: str) -> str:
    """The lower-case suffix of a file name, with its dot (``""`` when none)."""
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


#: Suffixes of built-in readers whose files the format sniffers look at first: a
#: ``.json`` file may be a JSON Feed or IPTC ninjs, a ``.txt`` file wire text.
_SNIFFED_FIRST = (".json", ".txt")


def _read(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """Pick the reader: a built-in one by suffix, else a plugin's or a built-in
    format's (by suffix, then by sniffing the first bytes); a file nobody reads
    comes back with ``unread`` saying what it looks like."""
    from newsarchive import hooks
    from newsarchive.formats import describe

    name = source_path.rsplit("/", 1)[-1]
    suffix = _suffix(name)
    builtin = _BUILTIN.get(suffix)
    if builtin is not None and suffix not in _SNIFFED_FIRST:
        return builtin(source_path, data, settings)
    head = data[:hooks.SNIFF_BYTES]
    reader = hooks.registry(settings.plugins).reader_for(name, head)
    if reader is not None:
        return _read_plugin(reader, source_path, data, settings)
    if builtin is not None and not (suffix == ".txt" and _not_prose(head)):
        return builtin(source_path, data, settings)
    looks = describe(name, head)
    return ReadResult((), (Diagnostic(
        source_path, 0, 0, f"not an article format: {looks}; not read", _UNREAD_HINT,
        "warning"),), unread=looks)


_UNREAD_HINT = ("newsarchive reads Markdown, raw text (.txt), JSON records, WordPress "
                "exports, RSS/Atom/JSON feeds, NITF, NewsML, ninjs, wire text, saved web "
                "pages, WARC and CSV; move other files out of the source folder")


def _not_prose(head: bytes) -> bool:
    """Whether a ``.txt`` file starts like markup, JSON or binary data: never read
    as raw prose (its tags would become the title).  UTF-16 text (with its
    byte-order mark, or with every other byte NUL) is looked at as text."""
    from newsarchive.formats import looks_like_markup

    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            head = head[2:].decode(codec, "replace").encode("utf-8")
            break
    else:
        if len(head) >= 4 and head[1:8:2] == b"\x00" * len(head[1:8:2]):
            head = head.decode("utf-16-le", "replace").encode("utf-8")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"---", b"+++")):
        return False  # front matter
    return looks_like_markup(stripped) or stripped[:1] in (b"{", b"[") or b"\x00" in head[:512]


def _read_plugin(reader: hooks.Reader, source_path: str, data: bytes,
                 settings: ReadSettings) -> ReadResult:
    """What a plugin's reader makes of a file; its failures become diagnostics
    naming the plugin, and its drafts are skipped like the built-ins'."""
    from newsarchive.formats import PLUGIN

    try:
        result = reader.read(source_path, data, settings)
    except ContentError:
        raise
    except Exception as exc:
        if reader.plugin == PLUGIN:
            raise  # an internal error: read_source reports it as one
        return ReadResult((), (Diagnostic(
            source_path, 0, 0, f"the reader of the plugin {reader.plugin!r} failed: "
            f"{type(exc).__name__}: {exc}", "report this file to the plugin's authors"),))
    if not isinstance(result, ReadResult):
        return ReadResult((), (Diagnostic(
            source_path, 0, 0, f"the reader of the plugin {reader.plugin!r} returned "
            f"{type(result).__name__}, not a ReadResult", "report this to the plugin's authors"),))
    if not settings.include_drafts and any(a.draft for a in result.articles):
        result = ReadResult(tuple(a for a in result.articles if not a.draft), result.diagnostics)
    return result


def _read_records(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """A ``.json`` file (an array or one record) or JSON Lines (``.jsonl``, ``.ndjson``)."""
    from newsarchive.pipeline.read.records import read_records
    from newsarchive.pipeline.read.text import decode_clean

    # Record fields are repaired one by one (mojibake may hide in \u escapes).
    text, removed = decode_clean(source_path, data, fix=False)
    try:
        return read_records(source_path, text, settings,
                            lines=not source_path.lower().endswith(".json"), removed=removed)
    except ContentError as exc:
        found = (removed.diagnostic(source_path),) if removed is not None else ()
        return ReadResult((), (exc.diagnostic, *found))


def _read_markdown(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """A Markdown page (``.md``, ``.markdown``); a Hugo section index is skipped."""
    if source_path.rsplit("/", 1)[-1].lower().startswith("_index."):
        return ReadResult((), (Diagnostic(
            source_path, 0, 0, "a Hugo section index (_index.md) is not an article; skipped",
            "", "warning"),))
    return _read_article(source_path, data, settings, markdown=True)


def _read_prose(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """Raw news text (``.txt``), or a page when it starts with front matter."""
    return _read_article(source_path, data, settings, markdown=False)


def _read_article(source_path: str, data: bytes, settings: ReadSettings, markdown: bool
                  ) -> ReadResult:
    from newsarchive.pipeline.read.dates import date_from_filename, zone
    from newsarchive.pipeline.read.frontmatter import has_front_matter, read_page
    from newsarchive.pipeline.read.rawtext import read_text
    from newsarchive.pipeline.read.text import decode_clean

    name = source_path.rsplit("/", 1)[-1]
    text, removed = decode_clean(source_path, data, fix=True)
    article: Article | None
    diagnostics: list[Diagnostic] = []
    try:
        if markdown or has_front_matter(text):
            article, diagnostics = read_page(source_path, text, settings,
                                             "markdown" if markdown else "text", removed)
            kind = "page"
        else:
            article = read_text(source_path, text, settings)
            if removed is not None:
                diagnostics.append(removed.diagnostic(source_path))
            kind = "text"
    except ContentError as exc:
        # The file is skipped; what decoding removed is still worth saying.
        found = (removed.diagnostic(source_path),) if removed is not None else ()
        return ReadResult((), (exc.diagnostic, *found))
    if article is None:
        return ReadResult((), tuple(diagnostics))
    if kind == "page" and article.body_format == "markdown":
        # A `format: text` page was cleaned when it was imported; an editor's
        # text is never second-guessed.
        article = replace(article, body=strip_boilerplate(article.body, settings.boilerplate))
    if article.published is None:
        named = date_from_filename(name)
        if named is not None:
            moment = datetime.combine(named, time(), zone(settings.timezone))
            article = replace(article, published=moment)
    if article.published is None:
        diagnostics.append(Diagnostic(source_path, 0, 0, "undated: no date found; the article "
                                      "is kept without a date", _UNDATED_HINT[kind], "warning"))
    return ReadResult((article,), tuple(diagnostics))


#: The built-in readers by suffix; a file of another suffix goes to a plugin's
#: reader (see :mod:`newsarchive.hooks`), else is read as prose.
_BUILTIN: dict[str, ReadFunction] = {
    **dict.fromkeys(_MARKDOWN, _read_markdown),
    ".txt": _read_prose,
    **dict.fromkeys(_RECORDS, _read_records),
}


def strip_boilerplate(body: str, extra: tuple[str, ...]) -> str:
    """``body`` without boilerplate lines (outside code fences); blank runs collapse."""
    from newsarchive.pipeline.read.text import boilerplate_matcher

    matcher = boilerplate_matcher(extra)
    out: list[str] = []
    fenced = False
    for line in body.split("\n"):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
        if not fenced and stripped and matcher.fullmatch(stripped):
            continue
        if not fenced and not stripped and out and not out[-1].strip():
            continue
        out.append(line)
    return "\n".join(out).strip("\n")
