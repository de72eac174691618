"""The reader features switched off, for ``benchmarks/readers.py --without``.

Python imports ``sitecustomize`` at start-up from the first folder of
``sys.path`` holding one; ``readers.py`` puts this folder first on
``PYTHONPATH`` for the "without" builds, so the build process, the forkserver
and every worker take the same stubs.  Nothing else imports this module.

What is stubbed (each a function the features add, replaced where the code
that calls it looks it up):

- story threads (``find_threads``) and their keywords read from each body
  (``body_keywords``), and related articles (``related_entries``);
- the on-this-day pages and the front page's link to them;
- month calendars, the volume charts (archive, year, term) and the
  sparklines of the topics overview;
- a term's year pages (``by_year`` finds no years, so no picker either);
- the citation (``citation`` gives empty values, so the meta tags, the
  block and its RIS and BibTeX links render empty) and the reading time.

What stays, because it is markup in the templates rather than work: the
header search form, the pagination window and "Page X of Y", the empty
citation block, the print stylesheet.  So "without" is an upper bound of the
build without the features, and the difference measured a lower bound of
what they cost (by the few template lines left).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import newsarchive.cite as cite
import newsarchive.pipeline.plan as plan
import newsarchive.pipeline.plan.overviews as overviews
import newsarchive.pipeline.plan.periods as periods
import newsarchive.pipeline.plan.terms as terms
import newsarchive.pipeline.plan.threads as plan_threads
import newsarchive.pipeline.related as related
import newsarchive.pipeline.threads as threads

_EMPTY_CITATION = {"title": "", "authors": [], "publisher": "", "day": "", "date": "",
                   "language": "", "url": "", "accessed": "", "abstract": "", "keywords": [],
                   "key": "", "filename": "", "ris": "", "bibtex": "", "ris_href": "",
                   "bibtex_href": ""}


def _none(*_args: Any, **_kwargs: Any) -> None:
    return None


def _nothing(*_args: Any, **_kwargs: Any) -> list[Any]:
    return []


def _no_link(spec: Any, *_args: Any, **_kwargs: Any) -> Any:
    return dataclasses.replace(spec, params={**spec.params, "on_this_day": None})


threads.body_keywords = lambda _body: ""
plan_threads.find_threads = lambda *_args: ()
plan_threads.related_entries = lambda *_args: {}
plan_threads.remembered_related = lambda entries, limit, *_args: related.RelatedMemo(
    related.RULE, limit, related.IGNORED, (), (), (), {})
plan.front_page_link = _no_link
plan.on_this_day_pages = _nothing
plan.archive_years = _none
overviews.archive_years = _none
overviews.archive_chart = _none
periods.period_calendars = lambda *_args, **_kwargs: {"calendars": None, "weekdays": None}
periods.year_chart = _none
terms.by_year = lambda _entries: {}
terms.term_chart = _none
cite.FILTERS = {"reading_minutes": lambda _html: 1,
                "citation": lambda *_args, **_kwargs: _EMPTY_CITATION}
