"""Which paragraph of a body is its lead: the rules that skip what is not prose.

A card's summary (:func:`newsarchive.pipeline.enrich.summarize`) is the first
paragraph that reads as the story.  Scraped and agency bodies often start with
something else; each kind is a rule here, matched on the whole paragraph:

- ``credit``: photo credits and captions: ``(Pexels)``, ``Photo: ...``,
  ``Image copyright ...``, a short line naming a picture agency (Getty Images,
  Shutterstock, ...), an all-capitals credit line (``REUTERS/Jane Doe``), a
  line ending in a credit in parentheses (``... (Photo: AP)``, ``... (Getty)``);
- ``media``: media-player text: ``Media playback is unsupported on your
  device``, ``Media caption ...``, ``Video caption ...``, ``Play video``;
- ``prompt``: newsletter and follow prompts: ``Sign up for ...``,
  ``Subscribe to ...``, ``Follow us on ...``, ``Read more: ...``;
- ``byline``: a byline or a dateline alone: ``By Jane Doe``,
  ``LONDON (Reuters) -``;
- ``short``: a fragment under :data:`MIN_LEAD` characters (a Chinese or
  Japanese character counts as three), taken only when nothing longer is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["MIN_LEAD", "boilerplate_kind", "lead_paragraph"]

#: A lead shorter than this (in Latin characters) is a fragment.
MIN_LEAD = 40

_AGENCIES = (r"getty(?:\s+images)?|shutterstock|alamy|pexels|unsplash|pixabay|istock(?:photo)?"
             r"|reuters|afp|ap(?:\s+photo)?|epa(?:-efe)?|pa(?:\s+media|\s+wire)?|xinhua"
             r"|anadolu|bloomberg|corbis|rex\s+features|wikimedia(?:\s+commons)?")
_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:(?:de|da|van|von|der|del|la|le|bin|al|el)\s+)*[A-Z][\w.'’-]*){0,4}"
_CREDIT_WORDS = (r"photo(?:graph)?s?|pictures?|images?|credit|illustration|video|file\s+photo"
                 r"|copyright")
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("media", re.compile(
        r"^(?:media\s+playback\s+is\s+(?:unsupported|not\s+supported)"
        r"|(?:media|video|audio)\s+caption\b|play\s+(?:video|audio)\b|watch\s*:|listen\s*:"
        r"|this\s+video\s+(?:can\s*not|cannot)\s+be\s+played)", re.I)),
    ("prompt", re.compile(
        r"^(?:sign\s+up\s+(?:for|to|here)|subscribe\s+(?:to|now|here)|get\s+(?:our|the)\s+[\w\s]{0,40}"
        r"newsletter|follow\s+(?:us|\w+)\s+on\b|read\s+more\s*:|related\s*:|click\s+here\b"
        r"|download\s+(?:our|the)\s+app)", re.I)),
    ("credit", re.compile(
        rf"^\(?\s*(?:{_AGENCIES})\s*\)?\.?$"  # (Pexels), Getty Images
        rf"|^(?:{_CREDIT_WORDS})\s*(?::|by\b|©)|^(?:image|photo)\s+(?:copyright|caption)\b"
        rf"|^(?:{_AGENCIES})\s*(?:photo\s*)?/"  # REUTERS/Jane Doe, AFP PHOTO / JOHN SMITH
        r"|^©"
        rf"|\((?:(?:{_CREDIT_WORDS})\s*(?::|by)?\s*)?[^()]{{0,60}}\b(?:{_AGENCIES})\b[^()]{{0,40}}\)"
        r"\s*\.?$", re.I)),
    ("byline", re.compile(
        # Names are capitalised words (and particles): "By the end of May, ..." is prose.
        rf"^(?:By|BY|by)\s+{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*(?:\s*[,|–—-]\s*[A-Z][\w\s]{{0,40}})?$"
        r"|^[A-Z][A-Z.,'’ /-]{1,40}(?:\s*\([^()]{1,30}\))?\s*[-–—:]*$")),
)
# An agency credit in capitals: "REUTERS/Jane Doe", "AFP PHOTO / JOHN SMITH".
_CAPS_CREDIT = re.compile(rf"^(?:{_AGENCIES}|photo|file)\b[\w\s/.,|-]{{0,60}}$", re.I)
_CJK = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _length(text: str) -> int:
    return len(text) + 2 * len(_CJK.findall(text))


def boilerplate_kind(paragraph: str) -> str:
    """The kind of boilerplate ``paragraph`` is (see the module docstring), or ""."""
    text = " ".join(paragraph.split())
    for kind, rule in _RULES:
        if rule.search(text):
            return kind
    # Only a short line can be a credit in capitals: the letters are listed for
    # those alone (listing them for every paragraph was most of this function's time).
    if len(text) <= 80:
        letters = [c for c in text if c.isalpha()]
        if letters and all(c.isupper() for c in letters) and _CAPS_CREDIT.match(text):
            return "credit"
    return ""


def lead_paragraph(paragraphs: Sequence[str]) -> str:
    """The first of ``paragraphs`` that is not boilerplate and not a fragment; else
    the first that is not boilerplate; else the first."""
    # Paragraphs are tested in order and only until a lead is found: most bodies
    # answer at their first or second paragraph.
    first_kept: str | None = None
    for paragraph in paragraphs:
        if not paragraph.strip() or boilerplate_kind(paragraph):
            continue
        if _length(" ".join(paragraph.split())) >= MIN_LEAD:
            return paragraph
        if first_kept is None:
            first_kept = paragraph
    if first_kept is not None:
        return first_kept
    return next((p for p in paragraphs if p.strip()), "")
