"""Helpers of the public side's tests: the site's address, hostile payloads,
correcting and retracting a published claim, and JSON-LD read as crawlers read it."""

from __future__ import annotations

from typing import Any

import extruct

from claims import workflow
from claims.models import Claim, Rating

SITE = "http://127.0.0.1:8000"
PAYLOADS = [
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
]


def correct(
    claim: Claim, editor: Any, *, rating: str = "Mostly false", note: str = "We misread the table.", **kw: str
) -> Claim:
    verdict = {"rating": Rating.objects.get(label=rating), "summary": "Revised summary.", "explanation": ""} | kw
    claim.transition(
        "correct", by=editor, expected_state="published", params=workflow.Params(note=note, verdict=verdict)
    )
    return Claim.objects.get(pk=claim.pk)


def retract(claim: Claim, editor: Any, note: str = "We could not stand behind the sourcing.") -> Claim:
    claim.transition("retract", by=editor, expected_state="published", params=workflow.Params(note=note))
    return Claim.objects.get(pk=claim.pk)


def page_url(claim: Claim) -> str:
    return f"/verdicts/{claim.slug}/"


def json_ld(html: str, url: str) -> list[dict[str, Any]]:
    """The page's JSON-LD, read the way crawlers read it."""
    return extruct.extract(html, base_url=SITE + url, syntaxes=["json-ld"])["json-ld"]
