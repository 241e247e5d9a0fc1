"""Acting from a stale page or a stale object in memory: refused, saying who moved the claim."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Activity, Claim
from claims.workflow import StaleState, State
from tests.workflow.conftest import assert_refused


@pytest.mark.parametrize(
    ("action", "db_state", "expected_state"),
    [
        ("take", State.ASSIGNED, State.SUBMITTED),  # someone took it first
        ("start", State.ASSIGNED, State.SUBMITTED),  # would be valid now, but the page was older
        ("approve", State.RESEARCHING, State.IN_REVIEW),
        ("publish", State.PUBLISHED, State.APPROVED),
        ("reopen", State.SUBMITTED, State.REJECTED),
    ],
)
def test_transition_from_a_stale_page_is_refused(
    action: str, db_state: str, expected_state: str, make_claim: Any, editor: Any
) -> None:
    claim = make_claim(state=db_state)
    error = assert_refused(
        claim, StaleState, lambda: claim.transition(action, by=editor, expected_state=expected_state)
    )
    assert "changed" in error.message
    assert State(db_state).label.lower() in error.message


def test_stale_object_in_memory_does_not_win(make_claim: Any, checker: Any, second_checker: Any) -> None:
    """Two people loaded the same submitted claim; the second to act is told
    who moved it, and the first one's assignment stands."""
    claim = make_claim(state=State.SUBMITTED)
    mine, theirs = Claim.objects.get(pk=claim.pk), Claim.objects.get(pk=claim.pk)
    theirs.transition("take", by=second_checker, expected_state="submitted")
    assert mine.state == State.SUBMITTED  # my copy is stale
    error = assert_refused(mine, StaleState, lambda: mine.transition("take", by=checker, expected_state="submitted"))
    assert second_checker.get_full_name() in error.message
    assert Claim.objects.get(pk=claim.pk).assignee == second_checker
    assert Activity.objects.filter(claim=claim, action="take").count() == 1


def test_stale_object_without_expected_state_is_checked_against_the_database(
    make_claim: Any, checker: Any, second_checker: Any
) -> None:
    claim = make_claim(state=State.SUBMITTED)
    stale = Claim.objects.get(pk=claim.pk)
    claim.transition("take", by=second_checker, expected_state="submitted")
    assert_refused(stale, StaleState, lambda: stale.transition("take", by=checker, expected_state=None))
