"""Review: the requested reviewer, who else may review, and changes asked for going back to the researcher."""

from __future__ import annotations

from typing import Any

import pytest

from claims import workflow
from claims.models import Claim
from claims.workflow import GuardFailed, NotPermitted, Params, State
from tests.conftest import UserFactory, add_research
from tests.workflow.conftest import TARGETS, assert_refused

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("by", "reviewer", "match"),
    [
        ("checker", "checker", "someone other than the researcher"),  # naming themself
        ("editor", "checker", "someone other than the researcher"),  # an editor submitting for the researcher
        ("checker", "outsider", "must be a fact-checker or editor"),
    ],
)
def test_the_requested_reviewer_must_be_another_desk_member(
    by: str, reviewer: str, match: str, make_claim: Any, checker: Any, request: pytest.FixtureRequest
) -> None:
    claim = make_claim(state=State.RESEARCHING)
    add_research(claim, checker)
    submitter, person = request.getfixturevalue(by), request.getfixturevalue(reviewer)
    assert_refused(
        claim,
        GuardFailed,
        lambda: claim.transition("submit", by=submitter, expected_state="researching", params=Params(person=person)),
        match=match,
    )


def test_submit_records_the_requested_reviewer(make_claim: Any, checker: Any, second_checker: Any) -> None:
    claim = make_claim(state=State.RESEARCHING)
    add_research(claim, checker)
    claim.transition("submit", by=checker, expected_state="researching", params=Params(person=second_checker))
    claim.refresh_from_db()
    assert (claim.state, claim.reviewer) == (State.IN_REVIEW, second_checker)


@pytest.fixture
def third_checker(desk_defaults: None) -> Any:
    return UserFactory(username="checker3", groups=[workflow.CHECKERS_GROUP])


@pytest.fixture
def claim_awaiting_second_checker(make_claim: Any, checker: Any, second_checker: Any) -> Claim:
    claim = make_claim(state=State.RESEARCHING)
    add_research(claim, checker)
    claim.transition("submit", by=checker, expected_state="researching", params=Params(person=second_checker))
    return Claim.objects.get(pk=claim.pk)


@pytest.mark.parametrize(("action", "note"), [("approve", ""), ("request_changes", "Cite the report.")])
@pytest.mark.parametrize(("persona", "expected"), [("third_checker", NotPermitted), ("checker", NotPermitted)])
def test_only_the_requested_reviewer_or_an_editor_may_review(
    action: str, note: str, persona: str, expected: Any, claim_awaiting_second_checker: Claim, request: Any
) -> None:
    claim = claim_awaiting_second_checker
    user = request.getfixturevalue(persona)
    assert_refused(
        claim, expected, lambda: claim.transition(action, by=user, expected_state="in_review", params=Params(note=note))
    )


@pytest.mark.parametrize(("action", "note"), [("approve", ""), ("request_changes", "Cite the report.")])
@pytest.mark.parametrize("persona", ["second_checker", "editor"])
def test_requested_reviewer_and_editors_may_review(
    action: str, note: str, persona: str, claim_awaiting_second_checker: Claim, request: Any
) -> None:
    claim = claim_awaiting_second_checker
    user = request.getfixturevalue(persona)
    claim.transition(action, by=user, expected_state="in_review", params=Params(note=note))
    claim.refresh_from_db()
    assert claim.state == TARGETS[action]
    assert claim.reviewer == user


def test_reviewer_waiting_message_names_the_requested_reviewer(
    claim_awaiting_second_checker: Claim, third_checker: Any, second_checker: Any
) -> None:
    claim = claim_awaiting_second_checker
    error = assert_refused(
        claim, NotPermitted, lambda: claim.transition("approve", by=third_checker, expected_state="in_review")
    )
    assert second_checker.get_full_name() in error.message


def test_editor_cannot_approve_their_own_research(make_claim: Any, editor: Any) -> None:
    claim = make_claim(state=State.IN_REVIEW, researcher=editor)
    assert claim.assignee == editor
    assert_refused(
        claim,
        NotPermitted,
        lambda: claim.transition("approve", by=editor, expected_state="in_review"),
        match="a colleague must review",
    )
    assert_refused(
        claim,
        NotPermitted,
        lambda: claim.transition("request_changes", by=editor, expected_state="in_review", params=Params(note="x")),
    )


def test_request_changes_sends_the_claim_back_to_its_researcher(
    make_claim: Any, checker: Any, second_checker: Any
) -> None:
    claim = make_claim(state=State.IN_REVIEW)
    claim.transition("request_changes", by=second_checker, expected_state="in_review", params=Params(note="Cite it."))
    claim.refresh_from_db()
    assert (claim.state, claim.assignee, claim.reviewer) == (State.RESEARCHING, checker, second_checker)
    # Research may go on, and the claim can be submitted again.
    claim.add_evidence(by=checker, offline_source="The annual report, p. 12")
    claim.transition("submit", by=checker, expected_state="researching")
    assert Claim.objects.get(pk=claim.pk).state == State.IN_REVIEW


def test_a_resubmitted_claim_goes_back_to_the_reviewer_who_asked_for_changes(
    make_claim: Any, checker: Any, second_checker: Any
) -> None:
    claim = make_claim(state="in_review")
    claim = claim.transition(
        "request_changes", by=second_checker, expected_state="in_review", params=workflow.Params(note="Add a source.")
    )
    claim = claim.transition("submit", by=checker, expected_state="researching")
    assert claim.reviewer == second_checker
