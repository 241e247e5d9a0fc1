"""The workflow table at the model level: every action, for every persona, from every state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from claims import workflow
from claims.models import Activity, Claim, Rating
from claims.workflow import NotPermitted, Params, Shown, StaleState, State
from tests.conftest import add_research
from tests.workflow.conftest import ALL_STATES, OK, PERSONAS, SHOWN, SOURCES, TARGETS, WHO_MAY, assert_refused


def _cases() -> list[Any]:
    cases = []
    for action, sources in SOURCES.items():
        for state in ALL_STATES:
            for persona in PERSONAS:
                # The state is checked before the person: an action that does
                # not apply is stale for everyone, outsiders included.
                expected = WHO_MAY[action][persona] if state in sources else StaleState
                outcome = expected if expected == OK else expected.__name__
                cases.append(pytest.param(action, state, persona, expected, id=f"{action}-{state}-{persona}-{outcome}"))
    return cases


def params_for(action: str, people: dict[str, Any]) -> Params:
    """What a well-filled form supplies for `action`."""
    if action in ("assign", "reassign"):
        return Params(person=people["second_checker"])
    if action == "mark_duplicate":
        return Params(original=Claim.objects.add(by=people["checker"], text="The same claim, said last month."))
    if action in ("reject", "request_changes", "send_back", "retract"):
        return Params(note=f"Because: {action}.")
    if action == "correct":
        return Params(
            note="The figure was 3,400, not 3,500.",
            verdict={
                "rating": Rating.objects.get(label="Mostly false"),
                "summary": "Corrected summary.",
                "explanation": "",
            },
        )
    return Params()


def claim_for(make_claim: Callable[..., Claim], state: str, checker: Any) -> Claim:
    """A claim in `state`; one still being researched gets evidence and a draft
    verdict so that `submit` is ready."""
    claim = make_claim(state=state)
    if state == State.RESEARCHING:
        add_research(claim, checker)
    return Claim.objects.get(pk=claim.pk)


def test_the_table_here_matches_the_workflow_module() -> None:
    """Guards against the module gaining, losing or moving an action without
    this file (and DESIGN.md) following."""
    assert set(workflow.ACTIONS) == set(SOURCES)
    for name, action in workflow.ACTIONS.items():
        assert set(action.sources) == set(SOURCES[name]), name
        assert action.target == TARGETS[name], name


@pytest.mark.parametrize(("action", "state", "persona", "expected"), _cases())
def test_transition_table(
    action: str, state: str, persona: str, expected: Any, people: dict[str, Any], make_claim: Any
) -> None:
    user = people[persona]
    claim = claim_for(make_claim, state, people["checker"])
    params = params_for(action, people)
    if expected != OK:
        assert_refused(claim, expected, lambda: claim.transition(action, by=user, expected_state=state, params=params))
        return

    activities_before = set(Activity.objects.filter(claim=claim).values_list("pk", flat=True))
    result = claim.transition(action, by=user, expected_state=state, params=params)

    target = TARGETS[action] or state
    claim.refresh_from_db()
    assert result.state == claim.state == target
    new = Activity.objects.filter(claim=claim).exclude(pk__in=activities_before)
    assert new.count() == 1
    entry = new.get()
    assert (entry.actor, entry.action, entry.from_state, entry.to_state) == (user, action, state, target)
    if params.note:
        assert entry.note == params.note
    if params.person:  # an assignment says to whom
        assert params.person.get_full_name() in entry.note
    # What each action changes besides the state.
    if action == "take":
        assert claim.assignee == user
    elif action in ("assign", "reassign"):
        assert claim.assignee == people["second_checker"]
    elif action == "submit":
        assert claim.reviewer is None
    elif action in ("request_changes", "approve"):
        assert claim.reviewer == user
    elif action == "publish":
        assert claim.published_at is not None
        assert claim.current_verdict.published_at is not None
    elif action == "retract":
        assert claim.retraction_note == params.note
        assert claim.retracted_at is not None
    elif action == "correct":
        assert claim.verdicts.count() == 2


@pytest.mark.parametrize("state", [State.SUBMITTED, State.ASSIGNED, State.IN_REVIEW, State.APPROVED])
def test_available_actions_match_the_table(state: str, people: dict[str, Any], make_claim: Any) -> None:
    """The page offers exactly the actions the table permits from this state,
    and shows those a sign-off rule refuses disabled, with the reason."""
    claim = make_claim(state=state)
    for persona, user in people.items():
        offered = claim.available_actions(user)
        ready = {action.name for action, reason in offered if not reason}
        shown = {action.name for action, reason in offered if isinstance(reason, Shown)}
        permitted = {a for a, sources in SOURCES.items() if state in sources and WHO_MAY[a][persona] == OK}
        refused_shown = {a for a, sources in SOURCES.items() if state in sources and persona in SHOWN.get(a, ())}
        assert ready == permitted, persona
        assert shown == refused_shown, persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_unknown_action_is_refused_for_everyone(persona: str, people: dict[str, Any], make_claim: Any) -> None:
    claim = make_claim(state=State.SUBMITTED)
    error = assert_refused(
        claim,
        NotPermitted,
        lambda: claim.transition("delete_everything", by=people[persona], expected_state=State.SUBMITTED),
    )
    assert "delete_everything" in error.message


@pytest.mark.parametrize("state", [State.SUBMITTED, State.RESEARCHING, State.IN_REVIEW, State.PUBLISHED])
def test_outsider_may_not_research_or_comment(state: str, outsider: Any, make_claim: Any, rating: Rating) -> None:
    claim = make_claim(state=state)
    assert_refused(claim, NotPermitted, lambda: claim.comment(by=outsider, text="hello"))
    assert not any(action.name for action, _ in claim.available_actions(outsider))
    if state == State.RESEARCHING:
        assert_refused(claim, NotPermitted, lambda: claim.add_evidence(by=outsider, offline_source="A call"))
        assert_refused(
            claim,
            NotPermitted,
            lambda: claim.save_draft_verdict(by=outsider, rating=rating, summary="x", explanation="", based_on=None),
        )


# --- The same table with a conflict of interest declared: whoever may take an
# action takes none on a claim they declared a conflict on, and the page says why.

ALLOWED = [
    pytest.param(action, state, persona, id=f"{action}-{state}-{persona}")
    for action, sources in SOURCES.items()
    for state in sources
    for persona in PERSONAS
    if WHO_MAY[action][persona] == OK
]


@pytest.mark.parametrize(("action", "state", "persona"), ALLOWED)
def test_transition_table_with_a_conflict_declared(
    action: str, state: str, persona: str, people: dict[str, Any], make_claim: Any
) -> None:
    user = people[persona]
    claim = claim_for(make_claim, state, people["checker"])
    claim.declare_conflict(by=user, reason="The claimant is my sister.")
    claim = Claim.objects.get(pk=claim.pk)
    params = params_for(action, people)
    assert_refused(
        claim,
        NotPermitted,
        lambda: claim.transition(action, by=user, expected_state=state, params=params),
        match="You declared a conflict of interest on this claim",
    )
    reasons = {offered.name: reason for offered, reason in claim.available_actions(user)}
    assert isinstance(reasons[action], Shown)
    assert "conflict of interest" in reasons[action]
