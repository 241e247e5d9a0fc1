"""Assigning and reassigning a claim: always to someone, and only to a desk member."""

from __future__ import annotations

from typing import Any

import pytest

from claims.workflow import GuardFailed, NotPermitted, Params, State
from tests.workflow.conftest import assert_refused


def test_assign_needs_a_person(make_claim: Any, checker: Any) -> None:
    claim = make_claim(state=State.SUBMITTED)
    assert_refused(
        claim,
        GuardFailed,
        lambda: claim.transition("assign", by=checker, expected_state="submitted", params=Params()),
        match="Choose a fact-checker or editor",
    )


@pytest.mark.parametrize(("action", "state"), [("assign", State.SUBMITTED), ("reassign", State.RESEARCHING)])
def test_claims_are_assigned_only_to_desk_members(
    action: str, state: str, make_claim: Any, checker: Any, outsider: Any
) -> None:
    claim = make_claim(state=state)
    assert_refused(
        claim,
        GuardFailed,
        lambda: claim.transition(action, by=checker, expected_state=state, params=Params(person=outsider)),
    )


def test_reassign_needs_a_person(make_claim: Any, checker: Any) -> None:
    claim = make_claim(state=State.ASSIGNED)
    assert_refused(
        claim, GuardFailed, lambda: claim.transition("reassign", by=checker, expected_state="assigned", params=Params())
    )


def test_reassign_keeps_the_state_and_changes_the_assignee(make_claim: Any, checker: Any, editor: Any) -> None:
    claim = make_claim(state=State.RESEARCHING)
    claim.transition("reassign", by=checker, expected_state="researching", params=Params(person=editor))
    claim.refresh_from_db()
    assert (claim.state, claim.assignee) == (State.RESEARCHING, editor)
    # The new assignee is now the researcher: they may research, the old one may not.
    claim.add_evidence(by=editor, offline_source="A call with the ministry")
    assert_refused(claim, NotPermitted, lambda: claim.add_evidence(by=checker, offline_source="Another call"))
