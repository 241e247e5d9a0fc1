"""Fields a form does not offer cannot be set by posting them: a new claim is
submitted and nobody's, evidence belongs to the claim in the address and to
whoever added it, a draft is the poster's and unpublished, and an action
moves a claim only as the workflow says."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Activity, Claim, Evidence, Rating

pytestmark = pytest.mark.django_db


def test_a_new_claim_cannot_be_posted_published_or_assigned(client_for: Any, checker: Any, editor: Any) -> None:
    response = client_for(checker).post(
        "/desk/claims/new/",
        {
            "text": "We have paid $106.9 billion on this war.",
            "claimant": "Lt Gen Asim Bajwa",
            "priority": 2,
            "state": "published",
            "assignee": editor.pk,
            "reviewer": editor.pk,
            "published_at": "2025-01-01T00:00:00Z",
            "slug": "chosen-slug",
            "revision": 99,
            "created_by": editor.pk,
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert (claim.state, claim.assignee, claim.reviewer, claim.published_at) == ("submitted", None, None, None)
    assert claim.slug != "chosen-slug"
    assert (claim.revision, claim.created_by) == (0, checker)


def test_evidence_cannot_be_posted_onto_another_claim_or_in_someone_elses_name(
    make_claim: Any, client_for: Any, checker: Any, editor: Any
) -> None:
    mine = make_claim(state="researching")
    other = make_claim(state="researching")
    client_for(checker).post(
        f"/desk/claims/{mine.pk}/evidence/",
        {
            "offline_source": "Interview",
            "stance": "context",
            "claim": other.pk,
            "added_by": editor.pk,
            "quote_check": "found",
        },
    )
    evidence = Evidence.objects.get()
    assert (evidence.claim_id, evidence.added_by, evidence.quote_check) == (mine.pk, checker, "unchecked")
    assert not other.evidence.exists()


def test_a_draft_verdict_cannot_be_posted_published_or_by_someone_else(
    make_claim: Any, client_for: Any, checker: Any, editor: Any, rating: Rating
) -> None:
    claim = make_claim(state="researching")
    client_for(checker).post(
        f"/desk/claims/{claim.pk}/verdict/",
        {
            "rating": rating.pk,
            "summary": "The army gave no records.",
            "published_at": "2025-01-01T00:00:00Z",
            "author": editor.pk,
            "version": 7,
        },
    )
    draft = Claim.objects.get(pk=claim.pk).draft
    assert (draft.author, draft.published_at, draft.version) == (checker, None, 1)
    assert Claim.objects.get(pk=claim.pk).current_verdict is None


def test_an_action_cannot_carry_a_state_of_its_own(make_claim: Any, client_for: Any, checker: Any) -> None:
    claim = make_claim(state="submitted")
    client_for(checker).post(
        f"/desk/claims/{claim.pk}/act/take/",
        {"take-state": "submitted", "take-revision": claim.revision, "state": "published", "take-target": "published"},
    )
    claim = Claim.objects.get(pk=claim.pk)
    assert (claim.state, claim.assignee) == ("assigned", checker)
    assert Activity.objects.filter(claim=claim, action="take").count() == 1
