"""Derive what a page needs from an :class:`Article`: slug, summary, safe body HTML, terms.

Pure and per-article, so its result is cached by the article's digest and
computed in worker processes.  The final URL (which depends on other articles
sharing a slug) is assigned by ``archive``.
"""

from __future__ import annotations

import hashlib
import html
import re
import zoneinfo
from collections.abc import Mapping
from functools import cache
from urllib.parse import urlsplit

from newsarchive import langtags
from newsarchive.config import DERIVED_TAXONOMIES, Config, MarkdownSettings, TopicSettings
from newsarchive.errors import Diagnostic
from newsarchive.model import Article, Entry
from newsarchive.pipeline.markdown import render_markdown
from newsarchive.pipeline.read.text import detect_lang
from newsarchive.urls import safe_url, slugify

__all__ = ["ENRICH_VERSION", "TRANSLATION_TERMS", "body_html", "enrich", "language_warnings",
           "plain_text", "summarize"]

#: Bump when the enrichment of an unchanged article would change (invalidates caches).
ENRICH_VERSION = "20"  # 6: topics with datelines, place chains, one name per person;
# a body's highest heading is h2; 7: a body's keywords (story threads); 8: places a
# quoted speaker names, same-named towns, France's and Germany's regions; front-matter
# places with their region and country; 9: market and commenting countries; 10:
# countries by their role (deeds, places passed by), the two German states; 11: the
# subject model retrained; 12: stances, rankings, where people stay, given names that
# are places, Congo; 13: a capital's deed, availability, occupations as titles; 14:
# a future that is no deed is a stance; 15: currency signs, hyphenated nouns after an
# abbreviation, markets elsewhere, the countries model; 16: that model retrained; 17:
# technology's prior in the main subject; 18: a country taken away takes its cities;
# 19: a minister's portfolio before the name; 20: places and companies are no people,
# the countries model reads each country beside the others and is retrained
#: The hidden "taxonomy" whose one term names an entry's translation group: a
#: digest of its ``translation_key``, else of its original URL.  Not a URL
#: folder (no taxonomy name starts with ``_``), never planned as pages; kept
#: among the terms so that an edit changing the group changes the entry's shape
#: (:func:`newsarchive.incremental.memory.shape`) and rebuilds every page it touches.
TRANSLATION_TERMS = "_translation"
_SUMMARY_CHARS = 280
_PARA_SPLIT = re.compile(r"\n[ \t]*\n+")
_RTL_CHARS = re.compile("[\u0590-\u08ff\ufb1d-\ufefc]")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Every URL passes the one allow-list (newsarchive.urls.safe_url).  A link or
    # image the archive cannot resolve (site-relative paths of the site the
    # article came from) would be a broken link: dropped too, its text kept.
    if attribute == "href":
        return value if value.startswith("#") else safe_url(value, "link")
    if attribute == "src":
        return safe_url(value, "image")
    if attribute in ("srcset", "cite", "action", "formaction", "background", "poster"):
        return None
    return value


#: Prefix of every id inside an article body, so none can clash with the theme's ids.
BODY_ID_PREFIX = "body-"


@cache
def _allowed_attributes() -> dict[str, set[str]]:
    import nh3

    return {**{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}, "*": {"id"}}

_ID = re.compile(r' id="([^"]*)"')
_FRAGMENT = re.compile(r' href="#([^"]*)"')
_IMG_WITHOUT_SRC = re.compile(r'<img(?![^>]* src=)(?:[^>]* alt="([^"]*)")?[^>]*>')


def _resolve_fragments(cleaned: str) -> str:
    """Prefix body ids; keep a ``#fragment`` link only when its id is in the body;
    an image whose source was dropped becomes its alt text."""
    cleaned = _IMG_WITHOUT_SRC.sub(lambda m: m.group(1) or "", cleaned)
    ids = set(_ID.findall(cleaned))
    cleaned = _ID.sub(lambda m: f' id="{BODY_ID_PREFIX}{m.group(1)}"', cleaned)
    return _FRAGMENT.sub(
        lambda m: f' href="#{BODY_ID_PREFIX}{m.group(1)}"' if m.group(1) in ids else "", cleaned)


def _text_html(body: str) -> str:
    paragraphs = [p.strip("\n") for p in _PARA_SPLIT.split(body.strip("\n")) if p.strip()]
    return "\n".join(
        "<p>" + "<br>\n".join(html.escape(line, quote=False) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def body_html(article: Article, markdown: MarkdownSettings | None = None) -> str:
    """Safe HTML of the article body.

    Prose (``body_format == "text"``) becomes escaped paragraphs, so ``*``,
    ``#`` or ``<b>`` stay visible text; Markdown bodies are converted by the
    engine of ``markdown`` (default: markdown-it, see
    :mod:`newsarchive.pipeline.markdown`); Markdown and HTML bodies alike are
    sanitised with nh3 (no scripts, no event handlers, no unresolvable links).
    """
    if article.body_format == "text":
        return _text_html(article.body)
    raw = article.body
    if article.body_format == "markdown":
        raw = render_markdown(article.body, markdown or MarkdownSettings())
    import nh3

    cleaned: str = nh3.clean(raw, attributes=_allowed_attributes(),
                             attribute_filter=_attribute_filter,
                             link_rel="noopener noreferrer nofollow")
    return _resolve_fragments(cleaned).strip()


def plain_text(article: Article, rendered: str) -> str:
    """Plain text of the body: paragraphs separated by blank lines."""
    if article.body_format == "text":
        text = article.body
    else:
        import nh3

        blocks = re.sub(r"</(p|h[1-6]|li|blockquote|pre|tr|div)>", "\n\n", rendered)
        text = html.unescape(nh3.clean(blocks, tags=set()))
    return "\n\n".join(p.strip() for p in _PARA_SPLIT.split(text) if p.strip())


def summarize(text: str, limit: int = _SUMMARY_CHARS) -> str:
    """The lead of ``text`` cut at a word boundary to at most ``limit`` characters:
    its first paragraph that is prose, skipping photo credits and captions,
    media-player text, newsletter prompts, bylines and datelines alone and short
    fragments (:func:`newsarchive.pipeline.leads.lead_paragraph`)."""
    from newsarchive.pipeline.leads import lead_paragraph

    lead = " ".join(lead_paragraph(text.split("\n\n")).split()) if text else ""
    if len(lead) <= limit:
        return lead
    cut = lead[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-–— ")
    return cut + "…"


def _direction(lang: str, text: str) -> str:
    """The article's direction: ``rtl`` when its language tag says so, the tag's
    script when it names one, else the script of most letters of ``text``."""
    by_tag = langtags.direction(lang)
    if by_tag == "rtl" or any(len(p) == 4 and p.isalpha() for p in lang.split("-")[1:]):
        return by_tag or "ltr"
    sample = text[:400]
    rtl_chars = _RTL_CHARS.findall(sample)
    if not rtl_chars:  # the common case, decided without counting letters
        return "ltr"
    rtl = len(rtl_chars)
    letters = sum(map(str.isalpha, sample))
    return "rtl" if letters and rtl / letters > 0.5 else "ltr"


def _derived_terms(title: str, text: str, settings: TopicSettings,
                   explicit: Mapping[str, tuple[str, ...]], dateline: str = ""
                   ) -> dict[str, tuple[str, ...]]:
    wanted = [t for t in settings.enabled if t not in explicit]
    if not wanted:
        return {}
    from newsarchive.topics import extract_terms

    derived = extract_terms(title, text, settings, dateline)
    return {t: derived.get(t, ()) for t in wanted}


def _unique(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        clean = " ".join(str(name).split())
        if clean:
            seen.setdefault(slugify(clean), clean)
    return tuple(seen.values())


def article_lang(article: Article, text: str, config: Config) -> str:
    """The article's language as a BCP 47 tag: its own tag normalised
    (:func:`newsarchive.langtags.normalize`), else the language of the script
    of its title and ``text``, else the site's."""
    return (langtags.normalize(article.lang) or langtags.normalize(
        detect_lang(f"{article.title}\n{text[:1000]}")) or config.language)


def language_warnings(article: Article) -> tuple[Diagnostic, ...]:
    """A warning naming the file and the value when ``article.lang`` is not a
    language tag (the build then takes the language from the text's script)."""
    if not article.lang or langtags.normalize(article.lang):
        return ()
    shown = article.lang if len(article.lang) <= 40 else article.lang[:39] + "…"
    where = f" (record {article.record})" if article.record else ""
    return (Diagnostic(article.source_path, 0, 0,
                       f"language {shown!r}{where} is not a BCP 47 language tag; ignored",
                       "write a tag such as 'en', 'ar', 'zh-CN' or 'pt-BR'; the language "
                       "is taken from the script of the text instead", "warning"),)


def _translation_group(article: Article) -> tuple[str, ...]:
    key = str(article.translation_key).strip()
    material = f"key\0{key}" if key else (
        f"url\0{article.original_url.strip()}" if article.original_url.strip() else "")
    if not material:
        return ()
    return (hashlib.blake2b(material.encode("utf-8", "surrogatepass"),
                            digest_size=10).hexdigest(),)


def entry_digest(article: Article, config: Config) -> str:
    """Digest of everything an Entry is computed from."""
    material = repr((ENRICH_VERSION, article, config.timezone, config.language,
                     config.topics, config.markdown))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def enrich(article: Article, config: Config) -> Entry:
    """Turn an Article into an Entry (url left empty; ``archive`` assigns it)."""
    rendered = body_html(article, config.markdown)
    text = plain_text(article, rendered)
    terms: dict[str, tuple[str, ...]] = {}
    explicit = {k: v for k, v in article.terms.items() if k != "topics"}
    terms["topics"] = _unique(article.terms.get("topics", ()))
    derived = _derived_terms(article.title, text, config.topics, explicit, article.dateline)
    for taxonomy in DERIVED_TAXONOMIES:
        if taxonomy == "places" and "places" in explicit and "places" in config.topics.enabled:
            # Filed the way derived places are: Houston, Texas, United States.
            from newsarchive.topics.hierarchy import expand_places

            terms["places"] = _unique(expand_places(_unique(explicit["places"])))
        elif taxonomy in explicit:
            terms[taxonomy] = _unique(explicit[taxonomy])
        else:
            terms[taxonomy] = _unique(derived.get(taxonomy, ()))
    terms["sources"] = _unique([article.source] if article.source else [])
    terms["authors"] = _unique(article.authors)
    for taxonomy, names in article.terms.items():  # a site's own taxonomies, as read
        if taxonomy not in terms:
            terms[taxonomy] = _unique(names)
    local = None
    if article.published is not None:
        local = article.published.astimezone(zoneinfo.ZoneInfo(config.timezone))
    lang = article_lang(article, text, config)
    terms["languages"] = (langtags.primary(lang),)
    if group := _translation_group(article):
        terms[TRANSLATION_TERMS] = group
    host = urlsplit(article.original_url).hostname or ""
    fallback = slugify(host) if host else ""
    return Entry(
        article=article,
        slug=slugify(article.slug or article.title, fallback=fallback),
        url="",
        summary=article.summary.strip() or summarize(text),
        body_html=rendered,
        terms={k: v for k, v in terms.items() if v},
        digest=entry_digest(article, config),
        local=local,
        lang=lang,
        direction=_direction(lang, article.title + " " + text[:400]),
    )
