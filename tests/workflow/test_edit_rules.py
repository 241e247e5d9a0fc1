"""Who may edit what, in which state (claims.workflow.editing), written out by
hand from the table in that module's docstring and checked through
`Claim.edit`: a refusal raises the right error and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Activity, Claim
from claims.workflow import GuardFailed, NotPermitted, StaleState, State
from tests.workflow.conftest import PERSONAS, assert_refused

OK = "allowed"
ANY_DESK = {"checker": OK, "second_checker": OK, "editor": OK, "outsider": NotPermitted}
RESEARCHER_OR_EDITOR = {"checker": OK, "second_checker": NotPermitted, "editor": OK, "outsider": NotPermitted}
NOBODY = {"checker": StaleState, "second_checker": StaleState, "editor": StaleState, "outsider": NotPermitted}
EDITOR_CORRECTS = {"checker": NotPermitted, "second_checker": NotPermitted, "editor": OK, "outsider": NotPermitted}

# `make_claim` makes `checker` the researcher.
WORDING: dict[str, dict[str, Any]] = {
    State.SUBMITTED: ANY_DESK,
    State.ASSIGNED: RESEARCHER_OR_EDITOR,
    State.RESEARCHING: RESEARCHER_OR_EDITOR,
    State.IN_REVIEW: NOBODY,
    State.APPROVED: NOBODY,
    State.PUBLISHED: EDITOR_CORRECTS,
    State.REJECTED: NOBODY,
    State.RETRACTED: NOBODY,
}
PLANNING: dict[str, dict[str, Any]] = {
    state: ANY_DESK
    if state in (State.SUBMITTED, State.ASSIGNED, State.RESEARCHING, State.IN_REVIEW, State.APPROVED)
    else NOBODY
    for state in State.values
}


@pytest.fixture
def people(checker: Any, second_checker: Any, editor: Any, outsider: Any) -> dict[str, Any]:
    return {"checker": checker, "second_checker": second_checker, "editor": editor, "outsider": outsider}


def cases(table: dict[str, dict[str, Any]]) -> list[tuple[str, str, Any]]:
    return [(state, persona, table[state][persona]) for state in State.values for persona in PERSONAS]


@pytest.mark.parametrize(("state", "persona", "expected"), cases(WORDING))
def test_who_may_change_the_wording_in_each_state(
    state: str, persona: str, expected: Any, make_claim: Any, people: dict[str, Any]
) -> None:
    claim = make_claim(state=state)
    user = people[persona]
    note = {"correction_note": "We misquoted the speaker."} if state == State.PUBLISHED else {}
    if expected == OK:
        assert claim.edit(by=user, expected_revision=claim.revision, text="A new wording.", **note) == ["text"]
        assert Claim.objects.get(pk=claim.pk).text == "A new wording."
    else:
        assert_refused(claim, expected, lambda: claim.edit(by=user, text="A new wording.", **note))


@pytest.mark.parametrize(("state", "persona", "expected"), cases(PLANNING))
def test_who_may_change_priority_and_due_date_in_each_state(
    state: str, persona: str, expected: Any, make_claim: Any, people: dict[str, Any]
) -> None:
    claim = make_claim(state=state)
    user = people[persona]
    if expected == OK:
        assert claim.edit(by=user, priority=Claim.Priority.HIGH) == ["priority"]
        assert Claim.objects.get(pk=claim.pk).priority == Claim.Priority.HIGH
    else:
        assert_refused(claim, expected, lambda: claim.edit(by=user, priority=Claim.Priority.HIGH))


def test_a_published_claim_changes_only_with_a_correction_note(make_claim: Any, editor: Any) -> None:
    claim = make_claim(state=State.PUBLISHED)
    assert_refused(claim, GuardFailed, lambda: claim.edit(by=editor, text="Reworded."))
    assert_refused(claim, GuardFailed, lambda: claim.edit(by=editor, text="Reworded.", correction_note="  "))


def test_a_correction_of_the_wording_publishes_a_new_version_with_the_note(make_claim: Any, editor: Any) -> None:
    claim = make_claim(state=State.PUBLISHED)
    first = claim.current_verdict
    claim.edit(by=editor, claimant="Maj Gen Asim Bajwa", correction_note="We misnamed his rank.")
    claim = Claim.objects.get(pk=claim.pk)
    current = claim.current_verdict
    assert current.version == first.version + 1
    assert (current.rating, current.summary, current.author) == (first.rating, first.summary, first.author)
    assert current.correction_note == "We misnamed his rank."
    assert current.corrected_by == [editor.get_full_name()]
    assert claim.speaker.name == "Maj Gen Asim Bajwa"
    actions = list(Activity.objects.filter(claim=claim).order_by("-pk").values_list("action", flat=True)[:2])
    assert actions == ["correct", "edited"]


def test_the_form_offers_what_the_person_may_change(make_claim: Any, checker: Any, second_checker: Any) -> None:
    from claims.workflow import CLAIM_FIELDS, editable_claim_fields

    researching = make_claim(state=State.RESEARCHING)
    assert editable_claim_fields(researching, checker) == CLAIM_FIELDS
    assert editable_claim_fields(researching, second_checker) == ("priority", "due_on")
    assert editable_claim_fields(make_claim(state=State.REJECTED), checker) == ()


def test_unknown_fields_are_a_programming_error(make_claim: Any, checker: Any) -> None:
    claim = make_claim()
    with pytest.raises(TypeError):
        claim.edit(by=checker, state="published")
