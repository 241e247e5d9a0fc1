"""What an editor sees before pressing Publish: the ClaimReview the verdict
will emit, and where it falls short of what search engines and readers need."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from claims.models import Claim, Evidence, Source
from claims.public.claimreview import claim_review
from claims.workflow import display_name

# Enough of a quote to recognise it in the list.
QUOTE_SHOWN = 120
# Google's fact-check markup guidance: claimReviewed shows at most 75 characters.
CLAIM_REVIEWED_LIMIT = 75


@dataclass(frozen=True)
class PublishingCheck:
    claim_review: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    @property
    def pretty(self) -> str:
        return json.dumps(self.claim_review, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def check_before_publishing(claim: Claim, evidence: list[Evidence]) -> PublishingCheck:
    """`evidence`: the claim's, with their sources, as the claim page has them."""
    verdict = claim.draft
    warnings = []
    if not claim.claimant.strip():
        warnings.append(_("No claimant: the ClaimReview will not say who made the claim."))
    if claim.article is None or not claim.article.url:
        warnings.append(
            _("No appearance: give the claim's article a URL so search engines can link to where it was said.")
        )
    if len(claim.text) > CLAIM_REVIEWED_LIMIT:
        warnings.append(
            _("The claim is %(length)d characters; search results show at most %(limit)d of claimReviewed.")
            % {"length": len(claim.text), "limit": CLAIM_REVIEWED_LIMIT}
        )
    if verdict is None or verdict.rating is None or not verdict.rating.label.strip():
        warnings.append(_("The verdict's rating has no label: readers and search engines would see no conclusion."))
    if not any(item.source and item.source.status == Source.Status.FETCHED for item in evidence):
        warnings.append(_("No evidence comes from a fetched source: readers will have no stored copy to check."))
    warnings += _quotes_to_look_at(evidence)
    review = claim_review(claim, verdict) if verdict is not None else {}
    return PublishingCheck(claim_review=review, warnings=warnings)


def _quotes_to_look_at(evidence: list[Evidence]) -> list[str]:
    """Quotes the worker could not confirm word for word: worth a look before
    readers see them."""
    warnings = []
    for item in evidence:
        if not item.quote.strip() or not item.source_id:
            continue
        where = item.source.title or item.source.url
        quote = item.quote if len(item.quote) <= QUOTE_SHOWN else f"{item.quote[:QUOTE_SHOWN]}…"
        if item.quote_check == Evidence.QuoteCheck.CLOSE:
            warnings.append(f"A quote is only a close match in {where}: “{quote}”. Check the wording.")
        elif item.quote_check == Evidence.QuoteCheck.NOT_CHECKABLE:
            warnings.append(f"A quote cannot be checked against {where} (no text to look in): “{quote}”.")
        elif item.quote_missing and item.hand_checked_at is not None:
            warnings.append(
                f"A quote was not found in {where} and was checked by hand "
                f"({display_name(item.hand_checked_by)}: {item.hand_check_reason}): “{quote}”."
            )
    return warnings
