"""Helpers for the topic tests: the places the extractor finds with default settings."""

from __future__ import annotations

from newsarchive.config import TopicSettings
from newsarchive.topics import extract_terms

DEFAULT = TopicSettings()


def places(title: str, text: str) -> tuple[str, ...]:
    """The places of an article, most salient first, with the default settings."""
    return extract_terms(title, text, DEFAULT).get("places", ())
