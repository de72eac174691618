"""Finding duplicate articles: one article of one source, present twice.

Two articles are duplicates when they come from the same ``source`` (both
empty counts as the same) and

- have the same ``original_url`` (both non-empty) and the same title or the
  same body: the same page of the same paper, saved twice (a feed that
  links several different items to one page has not repeated them); or
- have the same title and body after folding case and collapsing whitespace
  (so a copy saved with CRLF line ends, or re-wrapped, is still a copy).

The same story carried by two different sources (a wire story in two papers)
is two articles of the archive: they are linked as copies by
:mod:`newsarchive.pipeline.copies`, never merged.  Different articles that
share a title are not duplicates; giving them distinct slugs is the enrich
stage's job.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from newsarchive.errors import Diagnostic
from newsarchive.model import Article

__all__ = ["duplicate_warning", "find_duplicates", "identities", "text_digest"]


def text_digest(title: str, body: str) -> str:
    """Digest of a folded title and body: equal for copies that differ only in case
    of the title and in whitespace."""
    material = " ".join(title.split()).casefold() + "\0" + " ".join(body.split())
    return hashlib.blake2b(material.encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


def identities(article: Article) -> tuple[str, ...]:
    """What duplicate detection compares: two articles sharing any of these
    strings are duplicates.  The text identity first, then, when the article
    has an original URL, the URL with the title and the URL with the body."""
    source = " ".join(article.source.split()).casefold()
    found = [f"text\0{source}\0{text_digest(article.title, article.body)}"]
    if article.original_url:
        # With the title or the body: a feed that gives one link to several
        # different items (a day's page) has not repeated an article.
        url = article.original_url.strip()
        found.append(f"url\0{source}\0{url}\0{text_digest(article.title, '')}")
        found.append(f"url\0{source}\0{url}\0\0{text_digest('', article.body)}")
    return tuple(found)


def _order(article: Article) -> tuple[str, str]:
    return (article.source_path, article.record.zfill(20))


def find_duplicates(articles: Sequence[Article]
                    ) -> tuple[tuple[Article, ...], tuple[Diagnostic, ...]]:
    """Keep the first (by key order) of each group of duplicates; report the others.

    Returns the kept articles in their input order and one warning per dropped
    article, naming the article it duplicates.  Never raises.
    """
    # Folding a whole body is the costly part: once per article, not once per pass.
    found = [identities(article) for article in articles]
    kept_by_identity: dict[str, int] = {}
    first_of: dict[int, tuple[int, str]] = {}  # dropped index -> (kept index, identity kind)
    for index in sorted(range(len(articles)), key=lambda i: _order(articles[i])):
        match = next((kept_by_identity[i] for i in found[index] if i in kept_by_identity), None)
        if match is not None:
            shared = next(i for i in found[index] if kept_by_identity.get(i) == match)
            first_of[index] = (match, shared.partition("\0")[0])
        for identity in found[index]:
            # A dropped article's identities lead to the article it copies.
            kept_by_identity.setdefault(identity, index if match is None else match)
    kept: list[Article] = []
    diagnostics: list[Diagnostic] = []
    for index, article in enumerate(articles):
        if index not in first_of:
            kept.append(article)
            continue
        other_index, kind = first_of[index]
        diagnostics.append(duplicate_warning(article, articles[other_index].key, kind))
    return tuple(kept), tuple(diagnostics)


def duplicate_warning(article: Article, other: str, kind: str) -> Diagnostic:
    """The warning for ``article`` left out as a duplicate of the article (or page)
    named ``other``; ``kind`` is ``"text"`` or ``"url"`` (what they share)."""
    where = f"record {article.record} " if article.record else ""
    # Another file's name goes into the message: one with a newline or an
    # escape sequence in it must not forge a line of the report.
    shown = other if other.isprintable() else repr(other)
    what = "the same title and body" if kind == "text" else "the same source and URL"
    return Diagnostic(
        article.source_path, article.body_line if article.record else 0, 0,
        f"duplicate: {where}has {what} as {shown}; skipped",
        "delete the copy, or edit one of them if they are different articles",
        "warning")
