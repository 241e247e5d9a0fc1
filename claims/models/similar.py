"""Checked before? Claims whose text is like a new one, by trigram similarity.

PostgreSQL does it with pg_trgm: the claims nearest to the query by trigram
distance, through a GiST index on the claim text (migration 0013), kept
when alike enough (SIMILAR_CLAIMS_THRESHOLD). SQLite has neither: there, candidates are the claims sharing one of the
query's longest words, scored in Python by the same measure pg_trgm uses
(shared trigrams of the words, over all trigrams), so both rank alike."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import TrigramDistance
from django.db import connection
from django.db.models import Q, QuerySet

from claims.models.verdicts import Rating
from claims.workflow import PUBLIC_STATES

_WORD = re.compile(r"\w+")
# Enough text to match on; a pasted page is not a claim.
MAX_QUERY_CHARS = 1_000
MIN_QUERY_CHARS = 12
# How many claims the SQLite fallback scores at most.
_SQLITE_CANDIDATES = 2_000


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
    if connection.vendor == "postgresql":
        # Nearest first through the GiST index (KNN): the scan stops once it
        # has `pool` claims, however many others share a few trigrams.
        found = list(claims.annotate(distance=TrigramDistance("text", text)).order_by("distance")[:pool])
        for claim in found:
            claim.similarity = 1 - claim.distance
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
