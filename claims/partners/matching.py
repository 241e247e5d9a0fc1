"""Checked by others? External verdicts whose claim reads like a text, by the
measure and the lookup our own "checked before?" uses (claims.models.similar:
on PostgreSQL the verdicts sharing the text's rarest words, through a GIN
words index on their claim (migration 0025), scored by pg_trgm; on SQLite
candidates sharing a long word scored in Python), so both lists rank alike
and one threshold (SIMILAR_CLAIMS_THRESHOLD) serves both."""

from __future__ import annotations

from django.conf import settings

from claims.models.partners import ExternalVerdict
from claims.models.similar import MAX_QUERY_CHARS, MIN_QUERY_CHARS, closest

# The GIN index of migration 0025; its expression must be the one SharesWords writes.
WORDS_INDEX = "external_verdict_words"
_SHOWN_FIELDS = ("claim_text", "claimant", "rating", "review_url", "organization", "reviewed_on")


def similar_external(text: str, limit: int = 5) -> list[ExternalVerdict]:
    """Up to `limit` external verdicts like `text`, closest first, each with
    `.similarity` (0-1)."""
    text = " ".join(text.split())[:MAX_QUERY_CHARS]
    if len(text) < MIN_QUERY_CHARS or limit < 1:
        return []
    verdicts = ExternalVerdict.objects.only(*_SHOWN_FIELDS)
    found = closest(verdicts, text, limit, field="claim_text", index=WORDS_INDEX)
    threshold = settings.SIMILAR_CLAIMS_THRESHOLD
    return [verdict for verdict in found if verdict.similarity >= threshold]
