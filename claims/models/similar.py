"""Checked before? Claims whose text is like a new one, by trigram similarity.

Both databases rank the same way, by pg_trgm's measure (shared trigrams of
the words over all trigrams), and differ in how they find candidates:

- PostgreSQL: the claims sharing the query's rarest words, through a GIN
  full-text index on the words of the text (migration 0019). Rarity comes
  from the statistics ANALYZE keeps on that index (the most common words and
  how many claims hold each), read once every few minutes: a word that is
  rare on its own is asked for alone, common ones in pairs, so a rewording
  that keeps most of the names, places and figures is found among a few
  hundred claims at most, however many claims share the sentence's shape.
  pg_trgm then scores those few. (A nearest-neighbour scan of a trigram index
  over every claim was 163 ms at a million claims.)
- SQLite: the claims sharing one of the query's longest words, scored in
  Python.

Claims less alike than SIMILAR_CLAIMS_THRESHOLD are not offered."""

from __future__ import annotations

import itertools
import math
import re
import time
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from claims.models.verdicts import Rating
from claims.workflow import PUBLIC_STATES

_WORD = re.compile(r"\w+")
# Enough text to match on; a pasted page is not a claim.
MAX_QUERY_CHARS = 1_000
MIN_QUERY_CHARS = 12
# How many claims the SQLite fallback scores at most.
_SQLITE_CANDIDATES = 2_000
# PostgreSQL: how many claims sharing the rare words pg_trgm scores at most,
# and how many claims a word may be in to be asked for alone.
_CANDIDATES = 500
_RARE_ALONE = 100
_RAREST = 5  # the words asked for in pairs
_STATS_SECONDS = 600
# The GIN index of migration 0019; the expression must be the index's.
WORDS_INDEX = "claim_text_words"
_MATCHES = "to_tsvector('simple'::regconfig, claims_claim.text) @@ to_tsquery('simple'::regconfig, %s)"
# Words as PostgreSQL's parser cuts them ("106.9", "19th" and "2010s" whole).
_LEXEME = re.compile(r"\d+(?:\.\d+)?[^\W_]*|[^\W_]+")
_word_stats: dict[str, tuple[float, dict[str, float], float]] = {}


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each lower-cased word padded with two spaces before
    and one after."""
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    first, second = trigrams(a), trigrams(b)
    union = first | second
    return len(first & second) / len(union) if union else 0.0


def similar_claims(claims: QuerySet, text: str, limit: int) -> list[Any]:
    """Up to `limit` claims like `text`, each with `.similarity` (0-1) and
    `.rating` (the current verdict's, for published ones): published
    verdicts first, then the closest."""
    text = " ".join(text.split())[:MAX_QUERY_CHARS]
    if len(text) < MIN_QUERY_CHARS:
        return []
    pool = limit * 2
    if connections[claims.db].vendor == "postgresql":
        found = _scored_by_postgresql(claims, text, pool)
    else:
        found = _scored_in_python(claims, text, pool)
    threshold = settings.SIMILAR_CLAIMS_THRESHOLD
    found = [claim for claim in found if claim.similarity >= threshold]
    ratings = Rating.objects.in_bulk({claim.current_rating_id for claim in found if claim.current_rating_id})
    for claim in found:
        claim.rating = ratings.get(claim.current_rating_id) if claim.state in PUBLIC_STATES else None
    found.sort(key=lambda claim: (claim.state not in PUBLIC_STATES, -claim.similarity))
    return found[:limit]


def _scored_in_python(claims: QuerySet, text: str, pool: int) -> list[Any]:
    words = sorted({word for word in _WORD.findall(text.lower()) if len(word) >= 4 or word.isdigit()}, key=len)
    keys = words[-8:]
    if not keys:
        return []
    shares_a_word = Q()
    for word in keys:
        shares_a_word |= Q(text__icontains=word)
    candidates = list(claims.filter(shares_a_word).order_by("-pk")[:_SQLITE_CANDIDATES])
    for claim in candidates:
        claim.similarity = similarity(text, claim.text)
    candidates.sort(key=lambda claim: (-claim.similarity, -claim.pk))
    return candidates[:pool]


def _scored_by_postgresql(claims: QuerySet, text: str, pool: int) -> list[Any]:
    query = rare_words_query(text, *_frequencies(claims.db))
    if not query:
        return []
    matches = RawSQL(_MATCHES, [query], output_field=BooleanField())  # noqa: S611 (the query is a parameter)
    sharing = claims.model.objects.filter(matches)
    candidates = claims.filter(pk__in=sharing.values("pk")[:_CANDIDATES])
    return list(candidates.annotate(similarity=TrigramSimilarity("text", text)).order_by("-similarity", "-pk")[:pool])


def rare_words_query(text: str, frequency: dict[str, float], rows: float) -> str:
    """A tsquery for the claims sharing `text`'s rarest words: each word held
    by at most _RARE_ALONE claims alone, and any two of the _RAREST rarest
    others held together by at most _CANDIDATES claims (as if words came
    independently); the three rarest together when no pair is that rare.
    Without statistics (a new or small table), any of the longest words."""
    words = set(_LEXEME.findall(text.lower()))
    if not frequency or rows <= 0:
        return " | ".join(sorted(words, key=lambda word: (-len(word), word))[:8])
    unlisted = min(frequency.values()) / 2  # rarer than every word ANALYZE listed

    def claims_with(word: str) -> float:
        return rows * frequency.get(word, unlisted)

    def claims_with_all(group: tuple[str, ...]) -> float:
        return rows * math.prod(claims_with(word) / rows for word in group)

    ranked = sorted(words, key=lambda word: (claims_with(word), -len(word), word))[:8]
    alone = [word for word in ranked if claims_with(word) <= _RARE_ALONE]
    others = [word for word in ranked if word not in alone][:_RAREST]
    pairs = [pair for pair in itertools.combinations(others, 2) if claims_with_all(pair) <= _CANDIDATES]
    if not pairs and len(others) > 1:  # only common words: the three rarest together
        pairs = [tuple(others[:3])]
    return " | ".join(alone + [f"({' & '.join(group)})" for group in pairs] or others)


def _frequencies(alias: str) -> tuple[dict[str, float], float]:
    """The share of claims holding each common word, and the number of claims,
    from ANALYZE's statistics on the words index; kept a few minutes."""
    connection = connections[alias]
    key = f"{alias}:{connection.settings_dict['NAME']}"
    cached = _word_stats.get(key)
    if cached is None or time.monotonic() - cached[0] > _STATS_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
                "FROM pg_class c LEFT JOIN pg_stats s ON s.tablename = c.relname WHERE c.relname = %s",
                [WORDS_INDEX],
            )
            row = cursor.fetchone()
        words, shares, rows = row or (None, None, 0)
        cached = (time.monotonic(), dict(zip(words or [], shares or [], strict=False)), max(rows, 0))
        _word_stats[key] = cached
    return cached[1], cached[2]
