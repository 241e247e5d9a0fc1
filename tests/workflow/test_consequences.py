"""What transitions leave behind on a claim's verdicts, in the one meaning of
"current verdict" (its latest published version) that the desk, the public
pages, the SQL filters (the rating kept on the claim's row) and ClaimReview
share; a draft is never current."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from claims import workflow
from claims.models import Claim, Rating
from claims.public.claimreview import claim_review
from tests.conftest import add_research

pytestmark = pytest.mark.django_db


def current_everywhere(claim: Claim) -> set[Any]:
    """The current verdict's rating as each reader of it finds it."""
    fresh = Claim.objects.get(pk=claim.pk)
    prefetched = Claim.objects.with_verdicts().get(pk=claim.pk)
    current = fresh.current_verdict
    return {
        current.rating_id if current else None,
        prefetched.current_verdict.rating_id if prefetched.current_verdict else None,
        fresh.current_rating_id,  # kept on the row: what the lists filter and count by
    }


def test_a_draft_is_not_the_current_verdict(make_claim: Any, checker: Any, rating: Rating) -> None:
    claim = make_claim(state="researching")
    add_research(claim, checker, rating)
    claim = Claim.objects.get(pk=claim.pk)

    assert claim.draft is not None
    assert claim.draft.rating == rating
    assert claim.current_verdict is None
    assert current_everywhere(claim) == {None}
    assert not Claim.objects.rated(rating.pk).exists()
    assert not Claim.objects.public().exists()


def test_publishing_makes_the_draft_the_current_verdict(
    make_claim: Any, editor: Any, client: Client, rating: Rating
) -> None:
    claim = make_claim(state="approved")
    draft = Claim.objects.get(pk=claim.pk).draft
    claim = Claim.objects.get(pk=claim.transition("publish", by=editor, expected_state="approved").pk)

    assert claim.draft is None
    assert claim.current_verdict == draft
    assert current_everywhere(claim) == {draft.rating_id}
    assert list(Claim.objects.rated(draft.rating_id)) == [claim]
    assert claim_review(claim)["reviewRating"]["alternateName"] == draft.rating.label


def test_a_correction_is_current_at_once_everywhere(make_claim: Any, editor: Any, client: Client) -> None:
    claim = make_claim(state="published")
    before = claim.current_verdict.rating
    after = Rating.objects.get(label="Mostly false")
    claim.transition(
        "correct",
        by=editor,
        expected_state="published",
        params=workflow.Params(
            note="New figures.", verdict={"rating": after, "summary": "Mostly false.", "explanation": ""}
        ),
    )
    claim = Claim.objects.get(pk=claim.pk)

    assert claim.draft is None
    assert [v.version for v in claim.versions] == [2, 1]
    assert current_everywhere(claim) == {after.pk}
    assert not Claim.objects.rated(before.pk).exists()
    assert list(Claim.objects.rated(after.pk)) == [claim]
    assert client.get(f"/verdicts/?rating={after.pk}").content.decode().count(claim.slug) >= 1
    assert claim.slug not in client.get(f"/verdicts/?rating={before.pk}").content.decode()


def test_a_retracted_claim_keeps_its_page_but_leaves_what_stands(make_claim: Any, editor: Any, client: Client) -> None:
    claim = make_claim(state="retracted")
    assert claim.is_public
    assert claim.is_retracted
    assert list(Claim.objects.public()) == [claim]
    assert not Claim.objects.standing().exists()
    assert client.get(f"/verdicts/{claim.slug}/").status_code == 200
    assert claim.slug not in client.get("/verdicts/").content.decode()
