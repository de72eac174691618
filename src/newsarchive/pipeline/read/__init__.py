"""Readers: source bytes in, :class:`~newsarchive.model.ReadResult` out.

:func:`read_source` picks the reader by file suffix and content:

- ``.md`` / ``.markdown``: front matter plus Markdown (:mod:`.frontmatter`);
- ``.txt``: raw news text (:mod:`.rawtext`), or a page when it starts with
  front matter (then its body is prose unless ``format:`` says otherwise);
- ``.json`` / ``.jsonl`` / ``.ndjson``: scraper records (:mod:`.records`).

It never raises: every problem becomes a Diagnostic.  Hostile input fails
alone and located (see :mod:`.limits`, :mod:`.yamlsafe`): YAML alias bombs,
nesting past a hundred levels, numbers Python refuses.  Characters XML
cannot carry are taken out of everything read, with one warning per file
(:func:`.text.decode_clean`).  ``source_path`` is passed through unchanged;
quoting it for display is :meth:`Diagnostic.format`'s job.  A draft is skipped
(no article, no diagnostic) unless ``settings.include_drafts``.  An article
without a date is kept with ``published=None`` and an ``undated`` warning.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time

from newsarchive.config import ReadSettings
from newsarchive.errors import ContentError, Diagnostic
from newsarchive.model import Article, ReadResult

# The readers (YAML, ftfy, dateutil) are imported on first use: a warm build
# that reads nothing, and tools that only need SUFFIXES, start faster.

__all__ = ["MAX_TERMS", "READ_VERSION", "SUFFIXES", "read_source"]

#: Changes whenever the same bytes read into different results (2: characters
#: XML forbids removed, unsafe URLs dropped, hostile input refused), so cached
#: results of an older reader are not reused.
READ_VERSION = "3"

#: File suffixes the build reads (lower case).
SUFFIXES: tuple[str, ...] = (".md", ".markdown", ".txt", ".json", ".jsonl", ".ndjson")

_MARKDOWN = (".md", ".markdown")
_RECORDS = (".json", ".jsonl", ".ndjson")
_UNDATED_HINT = {
    "text": "add a line such as 'Published December 28, 2000' under the title",
    "page": "add a `date: 2000-12-28` line to the front matter",
}


def read_source(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    """Read one source file's bytes into its articles and diagnostics; never raises.

    ``source_path`` is the file's relative posix path; its suffix picks the
    reader.  Errors (the file, or one record of it, is skipped) and warnings
    come back as Diagnostics.
    """
    try:
        return _capped(_read(source_path, data, settings))
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


def _read(source_path: str, data: bytes, settings: ReadSettings) -> ReadResult:
    from newsarchive.pipeline.read.dates import date_from_filename, zone
    from newsarchive.pipeline.read.frontmatter import has_front_matter, read_page
    from newsarchive.pipeline.read.rawtext import read_text
    from newsarchive.pipeline.read.records import read_records
    from newsarchive.pipeline.read.text import decode_clean

    name = source_path.rsplit("/", 1)[-1]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in _MARKDOWN and name.lower().startswith("_index."):
        return ReadResult((), (Diagnostic(
            source_path, 0, 0, "a Hugo section index (_index.md) is not an article; skipped",
            "", "warning"),))
    # Record fields are repaired one by one (mojibake may hide in \u escapes).
    text, removed = decode_clean(source_path, data, fix=suffix not in _RECORDS)
    article: Article | None
    diagnostics: list[Diagnostic] = []
    try:
        if suffix in _RECORDS:
            return read_records(source_path, text, settings, lines=suffix != ".json",
                                removed=removed)
        if suffix in _MARKDOWN or has_front_matter(text):
            article, diagnostics = read_page(source_path, text, settings,
                                             "markdown" if suffix in _MARKDOWN else "text",
                                             removed)
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
