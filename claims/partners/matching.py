"""Checked by others? External verdicts whose claim reads like a text, by the
measure our own "checked before?" uses (claims.models.similar): pg_trgm's
nearest neighbours through the GiST index on PostgreSQL (migration 0019),
candidates sharing a long word scored in Python on SQLite, so both rank alike
and one threshold (SIMILAR_CLAIMS_THRESHOLD) serves both lists."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.postgres.search import TrigramDistance
from django.db import connection
from django.db.models import Q, QuerySet

from claims.models.partners import ExternalVerdict
from claims.models.similar import MAX_QUERY_CHARS, MIN_QUERY_CHARS, similarity

_WORD = re.compile(r"\w+")
# How many external verdicts the SQLite fallback scores at most.
_SQLITE_CANDIDATES = 2_000
_SHOWN_FIELDS = ("claim_text", "claimant", "rating", "review_url", "organization", "reviewed_on")


def similar_external(text: str, limit: int = 5) -> list[ExternalVerdict]:
    """Up to `limit` external verdicts like `text`, closest first, each with
    `.similarity` (0-1)."""
    text = " ".join(text.split())[:MAX_QUERY_CHARS]
    if len(text) < MIN_QUERY_CHARS or limit < 1:
        return []
    verdicts = ExternalVerdict.objects.only(*_SHOWN_FIELDS)
    if connection.vendor == "postgresql":
        nearest = verdicts.annotate(distance=TrigramDistance("claim_text", text)).order_by("distance")
        found = list(nearest[:limit])
        for verdict in found:
            verdict.similarity = 1 - verdict.distance
    else:
        found = _scored_in_python(verdicts, text)
    threshold = settings.SIMILAR_CLAIMS_THRESHOLD
    found = [verdict for verdict in found if verdict.similarity >= threshold]
    found.sort(key=lambda verdict: -verdict.similarity)
    return found[:limit]


def _scored_in_python(verdicts: QuerySet, text: str) -> list[ExternalVerdict]:
    words = sorted({word for word in _WORD.findall(text.lower()) if len(word) >= 4 or word.isdigit()}, key=len)
    if not words:
        return []
    shares_a_word = Q()
    for word in words[-8:]:
        shares_a_word |= Q(claim_text__icontains=word)
    candidates = list(verdicts.filter(shares_a_word).order_by("-pk")[:_SQLITE_CANDIDATES])
    for verdict in candidates:
        verdict.similarity = similarity(text, verdict.claim_text)
    return candidates
