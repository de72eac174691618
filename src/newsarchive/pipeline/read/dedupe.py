"""Finding duplicate articles: byte-identical copies, or the same title with the same body.

Two articles are duplicates when their titles and bodies are equal after
folding case and collapsing whitespace (so a copy saved with CRLF line ends,
or re-wrapped, is still a copy).  Different articles that share a title are
not duplicates; giving them distinct slugs is the enrich stage's job.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsarchive.errors import Diagnostic
from newsarchive.model import Article

__all__ = ["find_duplicates"]


def _identity(article: Article) -> tuple[str, str]:
    return (" ".join(article.title.split()).casefold(), " ".join(article.body.split()))


def find_duplicates(articles: Sequence[Article]
                    ) -> tuple[tuple[Article, ...], tuple[Diagnostic, ...]]:
    """Keep the first (by key order) of each group of duplicates; report the others.

    Returns the kept articles in their input order and one warning per dropped
    article, naming the article it duplicates.  Never raises.
    """
    # Folding a whole body is the costly part: once per article, not once per pass.
    identities = [_identity(article) for article in articles]
    kept_by_identity: dict[tuple[str, str], Article] = {}
    for index in sorted(range(len(articles)),
                        key=lambda i: (articles[i].source_path, articles[i].record.zfill(20))):
        kept_by_identity.setdefault(identities[index], articles[index])
    kept: list[Article] = []
    diagnostics: list[Diagnostic] = []
    for article, identity in zip(articles, identities, strict=True):
        first = kept_by_identity[identity]
        if first is article:
            kept.append(article)
            continue
        where = f"record {article.record} " if article.record else ""
        # Another file's name goes into the message: one with a newline or an
        # escape sequence in it must not forge a line of the report.
        other = first.key if first.key.isprintable() else repr(first.key)
        diagnostics.append(Diagnostic(
            article.source_path, article.body_line if article.record else 0, 0,
            f"duplicate: {where}has the same title and body as {other}; skipped",
            "delete the copy, or edit one of them if they are different articles",
            "warning"))
    return tuple(kept), tuple(diagnostics)
