"""Copies: the same story published by different sources, linked, never merged.

A wire story carried by two papers is two articles of the archive (each
with its own source, date and URL); each article page says where else it
was published ("Also published by").  Exact duplicates of one source are
merged earlier, by :mod:`newsarchive.pipeline.read.dedupe`.

How copies are found
--------------------

- Each body (tags stripped, entities decoded, case folded) is cut into
  words, and the words into overlapping shingles of :data:`SHINGLE` words
  (at most :data:`MAX_SHINGLES` from the start of the body: copies share
  their lede; a long tail costs time and changes little).
- A one-permutation MinHash signature of :data:`BINS` values summarises the
  shingles: each shingle's 64-bit hash (words hashed with ``zlib.crc32``,
  the shingle with CPython's tuple hash of those integers, which does not
  depend on ``PYTHONHASHSEED``) falls in one of 128 bins by its top bits and
  each bin keeps its smallest hash; empty bins borrow the next full bin's
  value, marked by the distance (densification).  The share of equal bins
  estimates the Jaccard similarity of the two shingle sets.  Pure Python
  (no NumPy, which this project does not depend on): one hash per shingle,
  then a sort and one pass over the sorted hashes, instead of 128 hashes per shingle.
- LSH banding keeps the work near-linear: the 128 values in
  :data:`BANDS` bands of 4; articles sharing a band are candidates, and a
  candidate pair is a copy when its estimated similarity is at least
  :data:`THRESHOLD` and the sources differ.  A band shared by more than
  :data:`BUCKET_LIMIT` articles (boilerplate) is checked against its first
  article only, so one common text cannot make the work quadratic.
- Bodies shorter than :data:`MIN_WORDS` words are never copies: two
  one-line briefs alike in wording are not the same story.

The threshold (0.5) was measured on the saudinewsnet corpus (one day of
1,318 articles from 14 Saudi papers, many carrying the same agency wire):
of the cross-source pairs estimated at 0.4 to 0.8, every one sampled shares
in order most of its words with the other (e.g. 0.41: 179 of 206 words in
runs of up to 28; 0.51: 407 of 436), the same wire text lightly edited by
each paper, while different stories estimate under 0.2.  Jaccard over
5-word shingles falls fast with small edits (a changed word breaks five
shingles), so 0.8 missed half of those copies (about 100 pairs at 0.8 or
more, about 220 at 0.5 or more).  The estimate is within about 0.1 of the
exact Jaccard there.  A copy cut to half the length of the other (Jaccard
0.5 at best) may be missed.  Signatures cost about 0.6 ms per article of
260 words; finding the copies of those 1,318 articles took 1 s.
"""

from __future__ import annotations

import hashlib
import html
import re
import struct
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newsarchive.model import Article, Entry
from newsarchive.pickling import by_constructor
from newsarchive.pipeline.plan.spec import PageSpec

__all__ = ["BANDS", "BINS", "THRESHOLD", "CopiesMemo", "band_keys", "find_copies",
           "link_copies", "remembered_copies", "signature", "similarity"]

SHINGLE = 5
#: Only the start of a story is compared: papers that carry a wire story keep
#: its lead and cut or add at the end.  300 shingles (the first ~300 words)
#: halve the cost of a signature on 640-word stories, and find 184 of the 187
#: copy links that whole bodies find in the saudinewsnet corpus.
MAX_SHINGLES = 300
#: Characters of the body read for them: enough for 300 words in any script.
_MAX_CHARS = 12_000
BINS = 128
BANDS = 32
_ROWS = BINS // BANDS
THRESHOLD = 0.5
MIN_WORDS = 20
BUCKET_LIMIT = 64
_BIN_BITS = 7  # 2 ** 7 == BINS
_SHIFT = 64 - _BIN_BITS
_MASK = (1 << 64) - 1
_LOW = (1 << 32) - 1
_PACK = struct.Struct(f"<{BINS}I")
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")
#: The body of a light entry (the build keeps bodies apart): its folded digest.
_LIGHT = re.compile(r"sha256:[0-9a-f]{64}")
_EMPTY = "sha256:" + hashlib.sha256(b"").hexdigest()


def _words(article: Article, limit: int) -> list[str]:
    """The first ``limit`` words of ``article``'s body, case-folded."""
    body = article.body[:_MAX_CHARS * 2 if article.body_format != "text" else _MAX_CHARS]
    if article.body_format != "text":
        body = html.unescape(_TAG.sub(" ", body))
    text = body[:_MAX_CHARS].casefold()
    # Only the first words are needed (matching all 12,000 characters was 40% of
    # a signature's time): a prefix of 8 characters a word is enough for most
    # bodies, and exact when it holds more than ``limit`` words, since each of
    # the first ``limit`` then ends before the next one starts, inside it.
    words = _WORD.findall(text, 0, limit * 8)
    if len(words) <= limit:
        words = _WORD.findall(text)
    return words[:limit]


def signature(article: Article) -> bytes | None:
    """The MinHash signature of ``article``'s body: :data:`BINS` 32-bit values,
    little-endian (512 bytes, small enough to keep beside a light entry), or
    None when the body has fewer than :data:`MIN_WORDS` words."""
    words = _words(article, MAX_SHINGLES + SHINGLE - 1)
    if len(words) < MIN_WORDS:
        return None
    # Words hold no space: one encode of the joined words, split again, gives
    # each word's bytes (a third of the time of encoding word by word).
    hashed = list(map(zlib.crc32, " ".join(words).encode("utf-8", "surrogatepass").split(b" ")))
    shingles = zip(*(hashed[i:] for i in range(SHINGLE)), strict=False)
    values = sorted({shingle & _MASK for shingle in map(hash, shingles)}, reverse=True)
    # Each bin's smallest value: walking down, the last one written wins.
    smallest = {value >> _SHIFT: value & _LOW for value in values}
    return _PACK.pack(*_densify([smallest.get(b) for b in range(BINS)]))


def _densify(mins: Sequence[int | None]) -> list[int]:
    """Each empty bin takes the next full bin's value (circularly), shifted by the
    distance so that borrowed values rarely equal a real one."""
    out: list[int] = []
    for b, value in enumerate(mins):
        distance = 0
        while value is None:
            distance += 1
            value = mins[(b + distance) % BINS]
        out.append((value + distance * 0x9E3779B9) & _LOW)
    return out


def _light_signature(body: str) -> bytes:
    """A stand-in signature for a light entry: equal exactly when the folded bodies
    are (its bins all hold one value taken from the body digest)."""
    return _PACK.pack(*[int(body[7:15], 16)] * BINS)


def similarity(first: bytes, second: bytes) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    same: int = sum(a == b for a, b in zip(_PACK.unpack(first), _PACK.unpack(second),
                                           strict=True))
    return same / BINS


#: A signature read as 64-bit words: two to a band.
_WORDS = struct.Struct(f"<{BINS // 2}Q")
#: What tells the bands apart in their keys: the same values in two bands are two keys.
_SALTS = tuple(int.from_bytes(hashlib.blake2b(bytes((band,)), digest_size=8).digest(), "big")
               for band in range(BANDS))


def band_keys(sig: bytes) -> tuple[int, ...]:
    """One 64-bit key per band of ``sig``: two articles are copy candidates when a
    key is shared (deterministic across runs and machines, so a build may save
    them to tell whether an edit can change the copies).

    A band's four minima are already hashes, uniform over 32 bits: its two
    64-bit words folded together (the second turned by one bit, so that swapped
    words differ) with the band's salt are as good a key as a digest of them,
    in a third of the time (7 against 21 µs a signature here; a full build of
    100,000 articles makes one per article for its saved state)."""
    words = _WORDS.unpack(sig)
    return tuple(salt ^ first ^ (((second << 1) & _MASK) | (second >> 63))
                 for salt, first, second in zip(_SALTS, words[0::2], words[1::2], strict=True))


def _source(article: Article) -> str:
    return " ".join(article.source.split()).casefold()


def _candidates(keys: Sequence[str], sigs: Mapping[str, bytes]) -> set[tuple[str, str]]:
    """Pairs ``(a, b)``, ``a < b``, sharing a band.  One band at a time: the
    buckets of every band at once were the build process's peak while planning
    100,000 articles (about 500 MiB above what it held before and after)."""
    width = 4 * _ROWS
    pairs: set[tuple[str, str]] = set()
    for band in range(BANDS):
        start, end = band * width, (band + 1) * width
        buckets: dict[bytes, list[str]] = {}
        for key in keys:
            buckets.setdefault(sigs[key][start:end], []).append(key)
        for members in buckets.values():
            if len(members) < 2:
                continue
            heads = members if len(members) <= BUCKET_LIMIT else members[:1]
            for i, a in enumerate(heads):
                for b in members[i + 1:]:
                    pairs.add((a, b) if a < b else (b, a))
    return pairs


def find_copies(entries: Iterable[Entry], signatures: Mapping[str, bytes | None] | None = None
                ) -> dict[str, tuple[str, ...]]:
    """Copies of each entry published by another source: ``{key: (other keys)}``.

    ``signatures`` holds :func:`signature` by entry key, computed where the
    bodies were at hand (the build keeps light entries, whose body is only a
    digest); an entry it does not list gets the signature of its article's
    body, and a light entry one that finds only exact copies.  Only entries
    with at least one copy are keys; the copies of each are in key order.
    The relation is symmetric; deterministic for given entries whatever
    their order.  Never raises.
    """
    articles = {entry.key: entry.article for entry in entries}
    given = signatures or {}
    sigs: dict[str, bytes] = {}
    for key in sorted(articles):
        body = articles[key].body
        if key in given:
            sig = given[key]
        elif _LIGHT.fullmatch(body):
            sig = None if body == _EMPTY else _light_signature(body)
        else:
            sig = signature(articles[key])
        if sig is not None and len(sig) == _PACK.size:
            sigs[key] = sig
    links: dict[str, set[str]] = {}
    for a, b in _candidates(list(sigs), sigs):
        if _source(articles[a]) == _source(articles[b]):
            continue
        if similarity(sigs[a], sigs[b]) >= THRESHOLD:
            links.setdefault(a, set()).add(b)
            links.setdefault(b, set()).add(a)
    return {key: tuple(sorted(links[key])) for key in sorted(links)}


@by_constructor
@dataclass(frozen=True, slots=True)
class CopiesMemo:
    """The copies one plan found (``found``, as :func:`find_copies` gives them) with a
    digest of everything they were found from: each entry's key, source and
    signature (or body), and the rule.  The next plan of entries with the same
    digest (an edit that changed an article's terms, or nothing the signatures
    see) takes them as they are."""

    digest: str
    found: dict[str, tuple[str, ...]]


#: What finds copies besides the entries: a memo made under another rule is not reused.
_RULE = (1, SHINGLE, MAX_SHINGLES, BINS, BANDS, THRESHOLD, MIN_WORDS, BUCKET_LIMIT)


def _inputs_digest(entries: Iterable[Entry], signatures: Mapping[str, bytes | None]) -> str:
    hasher = hashlib.blake2b(repr(_RULE).encode("ascii"))
    for entry in sorted(entries, key=lambda e: e.key):
        key = entry.key
        hasher.update(f"{len(key)}:{key}\0{_source(entry.article)}\0".encode(
            "utf-8", "surrogatepass"))
        if key in signatures:
            sig = signatures[key] or b""
            hasher.update(b"s%d:" % len(sig) + sig)
        else:
            body = entry.article.body.encode("utf-8", "surrogatepass")
            hasher.update(b"b%d:" % len(body) + body)
    return hasher.hexdigest()


def remembered_copies(entries: Sequence[Entry], signatures: Mapping[str, bytes | None],
                      last: CopiesMemo | None) -> CopiesMemo:
    """:func:`find_copies` of ``entries`` and ``signatures``, or ``last`` (the memo of
    an earlier plan) when it was found from the same.  Finding them looks at
    every pair that shares a band: 2.2 s for 100,000 articles here, against
    0.15-0.5 s for the digest that tells whether anything they depend on changed."""
    digest = _inputs_digest(entries, signatures)
    if last is not None and last.digest == digest:
        return last
    return CopiesMemo(digest, find_copies(entries, signatures))


def link_copies(specs: Sequence[PageSpec], copies: Mapping[str, tuple[str, ...]],
                entries: Mapping[str, Entry]) -> list[PageSpec]:
    """``specs`` with each article page of an entry that has copies showing them.

    Such a page gets ``params["copies"]``: a list of ``{"key", "url", "source",
    "date"}`` (``date`` the local ISO date, ``""`` when undated), in date order
    then key order, and the copy keys in ``links`` (so the page's fingerprint
    follows their URLs and titles).  Copies without an entry (not built) are
    left out; other specs are returned as they are.
    """
    out: list[PageSpec] = []
    for spec in specs:
        shown = copies.get(spec.article) if spec.template == "article.html" else None
        listed = [entries[key] for key in shown or () if key in entries]
        if not listed:
            out.append(spec)
            continue
        listed.sort(key=lambda e: (e.local is None, e.local.isoformat() if e.local else "",
                                   e.key))
        params: dict[str, Any] = dict(spec.params)
        params["copies"] = [{"key": e.key, "url": e.url, "source": e.article.source.strip(),
                             "date": e.local.date().isoformat() if e.local else ""}
                            for e in listed]
        links = spec.links + tuple(e.key for e in listed if e.key not in spec.links)
        out.append(PageSpec(spec.url, spec.output_path, spec.template, params, spec.keys,
                            spec.article, spec.in_sitemap, spec.extra_digest, links))
    return out
