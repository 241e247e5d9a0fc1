"""Google Fact Check Tools claim search: one more source of prior checks,
asked (by the worker, once the new claim is committed) with the claim's text.

Off while GOOGLE_FACTCHECK_API_KEY is empty. The request goes through the
guard like every other fetch, to GOOGLE_FACTCHECK_ENDPOINT (a setting, so
tests answer from a local stand-in); answers are cached by query text for
GOOGLE_FACTCHECK_CACHE_SECONDS, so the same claim typed twice asks once. The
key is never written into a recorded message. A search gives up after
GOOGLE_FACTCHECK_TIMEOUT seconds: a slow API must not hold a fetch slot."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from claims.models.partners import ExternalVerdict, PartnerSource, ReviewEntry
from claims.partners.importing import Refused
from claims.partners.reviews import Skipped, entry_from
from claims.sources import guard

# Enough of the claim to search with; the API takes a short query.
MAX_QUERY_CHARS = 500
PAGE_SIZE = 10


def enabled() -> bool:
    return bool(settings.GOOGLE_FACTCHECK_API_KEY)


def search(text: str) -> list[ReviewEntry]:
    """The prior checks Google knows for `text` (cached); Refused, BlockedURL or
    FetchError when it cannot be asked."""
    query = " ".join(text.split())[:MAX_QUERY_CHARS]
    key = "google-factcheck:" + hashlib.sha256(query.encode()).hexdigest()
    answer = cache.get(key)
    if answer is None:
        answer = _ask(query)
        cache.set(key, answer, settings.GOOGLE_FACTCHECK_CACHE_SECONDS)
    return entries_in(answer)


def store_matches(text: str) -> int:
    """Ask about `text` and keep the answers as external verdicts of the
    Google source; how many it returned. A failure is recorded on that source."""
    partner = PartnerSource.google()
    try:
        entries = search(text)
    except (Refused, guard.BlockedURL, guard.FetchError) as refused:
        partner.record_failure(_without_key(str(refused)))
        return 0
    added, updated = ExternalVerdict.objects.upsert(partner, entries)
    partner.record_refresh(_("%(added)d added, %(updated)d updated.") % {"added": added, "updated": updated})
    return len(entries)


def entries_in(answer: Any) -> list[ReviewEntry]:
    """The API's answer, `{"claims": [{"text", "claimant", "claimDate",
    "claimReview": [{"publisher": {"name"}, "url", "title", "reviewDate",
    "textualRating"}]}]}`, as entries; unreadable ones are left out."""
    claims = answer.get("claims") if isinstance(answer, dict) else None
    entries = []
    for claim in claims if isinstance(claims, list) else []:
        if not isinstance(claim, dict) or not isinstance(claim.get("claimReview"), list):
            continue
        for review in claim["claimReview"]:
            if not isinstance(review, dict):
                continue
            # The same fields as ClaimReview, so the same checks apply.
            as_claim_review = {
                "claimReviewed": claim.get("text"),
                "itemReviewed": {"author": {"name": claim.get("claimant")}},
                "reviewRating": {"alternateName": review.get("textualRating")},
                "url": review.get("url"),
                "author": review.get("publisher"),
                "datePublished": review.get("reviewDate") or claim.get("claimDate"),
            }
            try:
                entries.append(entry_from(as_claim_review, organization=_("Unnamed fact-checker")))
            except Skipped:
                continue
    return entries


def _ask(query: str) -> dict[str, Any]:
    params = urlencode({"query": query, "pageSize": PAGE_SIZE, "key": settings.GOOGLE_FACTCHECK_API_KEY})
    fetched = guard.fetch(
        f"{settings.GOOGLE_FACTCHECK_ENDPOINT}?{params}",
        headers={"accept": "application/json"},
        max_seconds=settings.GOOGLE_FACTCHECK_TIMEOUT,
    )
    try:
        answer = json.loads(fetched.body.decode(fetched.charset or "utf-8"))
    # LookupError: a charset Python knows that is no text encoding ("rot13").
    except (ValueError, RecursionError, LookupError) as bad:
        not_json = _("Google Fact Check Tools did not answer JSON (%(error)s).")
        raise Refused(not_json % {"error": str(bad)[:200]}) from None
    if not isinstance(answer, dict):
        raise Refused(_("Google Fact Check Tools answered JSON that is not an object."))
    return answer


def _without_key(message: str) -> str:
    key = settings.GOOGLE_FACTCHECK_API_KEY
    return message.replace(key, "…") if key else message
