"""Evidence and the draft verdict on the claim page: removing evidence, stale drafts, what the forms refuse."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils.html import escape

from claims.models import Claim, Evidence, Rating, Verdict
from tests.desk.conftest import HX, counts, field_errors, html


def test_remove_evidence_through_the_page(client_for: Any, checker: Any, claim: Claim) -> None:
    evidence = claim.add_evidence(by=checker, offline_source="A call with the ministry")
    response = client_for(checker).post(f"/desk/claims/{claim.pk}/evidence/{evidence.pk}/remove/", **HX)
    assert response.status_code == 200
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert "A call with the ministry" in html(response)  # in the activity log, as removed


def test_evidence_needs_a_url_or_an_offline_source(claim: Claim, client_for: Any, checker: Any) -> None:
    before = counts()
    response = client_for(checker).post(
        f"/desk/claims/{claim.pk}/evidence/", {"url": "", "offline_source": "  ", "quote": "309", "stance": "context"}
    )
    assert response.status_code == 422
    page = html(response)
    errors = re.search(r'<div class="errors" role="alert">(.*?)</div>', page, flags=re.DOTALL)
    assert errors
    assert "Give a URL or describe the offline source" in errors.group(1)
    assert counts() == before


def test_stale_draft_verdict_is_409_and_shows_their_version(
    claim: Claim, client_for: Any, checker: Any, editor: Any, rating: Rating
) -> None:
    claim.save_draft_verdict(by=editor, rating=rating, summary="The editor's summary.", explanation="", based_on=None)
    before = counts()
    response = client_for(checker).post(
        f"/desk/claims/{claim.pk}/verdict/", {"rating": rating.pk, "summary": "My summary.", "based_on": ""}, **HX
    )
    assert response.status_code == 409
    page = html(response)
    assert "saved the draft verdict while you were editing" in page
    assert escape("The editor's summary.") in page
    assert counts() == before
    assert Verdict.objects.get(claim=claim).summary == "The editor's summary."


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
@pytest.mark.parametrize("rating_id", ["999999", "not-a-number"])
def test_verdict_with_unknown_rating_is_refused(
    rating_id: str, headers: dict[str, str], claim: Claim, client_for: Any, checker: Any
) -> None:
    before = counts()
    response = client_for(checker).post(
        f"/desk/claims/{claim.pk}/verdict/", {"rating": rating_id, "summary": "A summary."}, **headers
    )
    assert response.status_code == 422
    assert "Choose a rating from the scale." in field_errors(html(response), "rating")
    assert counts() == before


def test_verdict_with_a_retired_rating_is_refused(claim: Claim, client_for: Any, checker: Any) -> None:
    retired = Rating.objects.create(label="Pants on fire", order=99, retired=True)
    before = counts()
    response = client_for(checker).post(f"/desk/claims/{claim.pk}/verdict/", {"rating": retired.pk, "summary": "x"})
    assert response.status_code == 422
    assert "Choose a rating from the scale." in field_errors(html(response), "rating")
    assert counts() == before


@pytest.mark.parametrize(
    ("where", "data", "field", "error"),
    [
        ("claims/new/", {"text": "x" * 2001, "priority": "2"}, "text", "The claim is 2,001 characters long"),
        ("claims/{pk}/comment/", {"text": "x" * 10_001}, "text", "The comment is 10,001 characters long"),
        (
            "claims/{pk}/evidence/",
            {"offline_source": "A call", "note": "x" * 10_001, "stance": "context"},
            "note",
            "The note is 10,001",
        ),
        ("claims/{pk}/evidence/", {"offline_source": "A call", "stance": "made-up"}, "stance", "Select a valid choice"),
        ("claims/{pk}/verdict/", {"rating": "1", "summary": "x" * 301}, "summary", "at most 300 characters"),
        ("claims/{pk}/verdict/", {"rating": "1", "summary": ""}, "summary", "This field is required."),
    ],
    ids=["claim-too-long", "comment-too-long", "note-too-long", "unknown-stance", "summary-too-long", "no-summary"],
)
def test_other_bad_input_is_refused_beside_the_field(
    where: str, data: dict[str, str], field: str, error: str, claim: Claim, client_for: Any, checker: Any
) -> None:
    before = counts()
    response = client_for(checker).post("/desk/" + where.format(pk=claim.pk), data, **HX)
    assert response.status_code == 422
    assert error in field_errors(html(response), field)
    assert counts() == before
