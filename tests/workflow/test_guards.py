"""The guards: what an action needs before it may be taken (a note, evidence, a draft verdict)."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Rating, Verdict
from claims.workflow import GuardFailed, Params, State
from tests.conftest import ClaimFactory, add_research
from tests.workflow.conftest import assert_refused


@pytest.mark.parametrize(
    ("action", "state"),
    [
        ("reject", State.SUBMITTED),
        ("request_changes", State.IN_REVIEW),
        ("send_back", State.APPROVED),
        ("retract", State.PUBLISHED),
    ],
)
@pytest.mark.parametrize("note", ["", "   \n "])
def test_actions_that_ask_why_need_a_note(action: str, state: str, note: str, make_claim: Any, editor: Any) -> None:
    claim = make_claim(state=state)
    assert_refused(
        claim,
        GuardFailed,
        lambda: claim.transition(action, by=editor, expected_state=state, params=Params(note=note)),
        match="Say why",
    )


def test_submit_needs_a_draft_verdict(make_claim: Any, checker: Any) -> None:
    claim = make_claim(state=State.RESEARCHING)
    claim.add_evidence(by=checker, offline_source="Interview with the press office")
    assert_refused(
        claim,
        GuardFailed,
        lambda: claim.transition("submit", by=checker, expected_state="researching"),
        match="draft verdict",
    )


def test_submit_needs_a_summary_not_just_a_rating(make_claim: Any, checker: Any, rating: Rating) -> None:
    claim = make_claim(state=State.RESEARCHING)
    claim.add_evidence(by=checker, offline_source="Interview with the press office")
    claim.save_draft_verdict(by=checker, rating=rating, summary="   ", explanation="", based_on=None)
    assert_refused(
        claim,
        GuardFailed,
        lambda: claim.transition("submit", by=checker, expected_state="researching"),
        match="draft verdict",
    )


def test_submit_needs_evidence(make_claim: Any, checker: Any, rating: Rating) -> None:
    claim = make_claim(state=State.RESEARCHING)
    claim.save_draft_verdict(by=checker, rating=rating, summary="No records.", explanation="", based_on=None)
    assert_refused(
        claim,
        GuardFailed,
        lambda: claim.transition("submit", by=checker, expected_state="researching"),
        match="evidence",
    )


def test_submit_needs_evidence_that_is_still_there(make_claim: Any, checker: Any) -> None:
    claim = make_claim(state=State.RESEARCHING)
    add_research(claim, checker)
    claim.remove_evidence(by=checker, evidence_id=claim.evidence.get().pk)
    assert_refused(
        claim,
        GuardFailed,
        lambda: claim.transition("submit", by=checker, expected_state="researching"),
        match="evidence",
    )


# The approve and publish guards cannot fail for a claim that walked the real
# workflow (submit checks the same things and research is frozen after it), so
# these two claims are made in their state directly, to show the guards hold
# even if something else put a claim there.
def test_approve_needs_a_draft_verdict_and_evidence(checker: Any, second_checker: Any) -> None:
    claim = ClaimFactory(state=State.IN_REVIEW, assignee=checker)
    assert_refused(
        claim, GuardFailed, lambda: claim.transition("approve", by=second_checker, expected_state="in_review")
    )


def test_approve_needs_evidence(checker: Any, second_checker: Any, rating: Rating) -> None:
    claim = ClaimFactory(state=State.IN_REVIEW, assignee=checker)
    Verdict.objects.create(claim=claim, rating=rating, summary="No records.", author=checker)
    assert_refused(
        claim,
        GuardFailed,
        lambda: claim.transition("approve", by=second_checker, expected_state="in_review"),
        match="evidence",
    )


def test_publish_needs_a_verdict(checker: Any, editor: Any) -> None:
    claim = ClaimFactory(state=State.APPROVED, assignee=checker)
    assert_refused(
        claim,
        GuardFailed,
        lambda: claim.transition("publish", by=editor, expected_state="approved"),
        match="draft verdict",
    )
