"""The workflow table, at the model level: every action and every guard, for
every persona, from every state.

The expected outcomes below are written out by hand from DESIGN.md (who may do
what, from which state) rather than derived from `claims.workflow`, so a change
to the workflow module that disagrees with the design fails here."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from claims import workflow
from claims.models import Activity, Claim, Evidence, Rating, Verdict
from claims.workflow import GuardFailed, NotPermitted, Params, StaleState, State, WorkflowError
from tests.conftest import ClaimFactory, UserFactory, add_research

PERSONAS = ("checker", "second_checker", "editor", "outsider")
ALL_STATES = tuple(State.values)
OK = "allowed"

# From which states each action may be taken (DESIGN.md, "The workflow").
SOURCES: dict[str, tuple[str, ...]] = {
    "take": ("submitted",),
    "assign": ("submitted",),
    "reassign": ("assigned", "researching"),
    "reject": ("submitted",),
    "reopen": ("rejected",),
    "start": ("assigned",),
    "submit": ("researching",),
    "request_changes": ("in_review",),
    "approve": ("in_review",),
    "publish": ("approved",),
    "send_back": ("approved",),
    "correct": ("published",),
    "retract": ("published",),
}
# Where each action leaves the claim (None: the state stays).
TARGETS: dict[str, str | None] = {
    "take": "assigned",
    "assign": "assigned",
    "reassign": None,
    "reject": "rejected",
    "reopen": "submitted",
    "start": "researching",
    "submit": "in_review",
    "request_changes": "researching",
    "approve": "approved",
    "publish": "published",
    "send_back": "researching",
    "correct": None,
    "retract": "retracted",
}

# Who may take each action from its source states. `make_claim` makes `checker`
# the researcher; in_review claims have no requested reviewer.
ANY_DESK = {"checker": OK, "second_checker": OK, "editor": OK, "outsider": NotPermitted}
RESEARCHER_OR_EDITOR = {"checker": OK, "second_checker": NotPermitted, "editor": OK, "outsider": NotPermitted}
NOT_THE_RESEARCHER = {"checker": NotPermitted, "second_checker": OK, "editor": OK, "outsider": NotPermitted}
EDITOR_ONLY = {"checker": NotPermitted, "second_checker": NotPermitted, "editor": OK, "outsider": NotPermitted}
WHO_MAY: dict[str, dict[str, Any]] = {
    "take": ANY_DESK,
    "assign": ANY_DESK,
    "reassign": ANY_DESK,
    "reject": ANY_DESK,
    "reopen": ANY_DESK,
    "start": RESEARCHER_OR_EDITOR,
    "submit": RESEARCHER_OR_EDITOR,
    "request_changes": NOT_THE_RESEARCHER,
    "approve": NOT_THE_RESEARCHER,
    "publish": EDITOR_ONLY,
    "send_back": EDITOR_ONLY,
    "correct": EDITOR_ONLY,
    "retract": EDITOR_ONLY,
}


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


@pytest.fixture
def people(checker: Any, second_checker: Any, editor: Any, outsider: Any) -> dict[str, Any]:
    return {"checker": checker, "second_checker": second_checker, "editor": editor, "outsider": outsider}


def params_for(action: str, people: dict[str, Any]) -> Params:
    """What a well-filled form supplies for `action`."""
    if action in ("assign", "reassign"):
        return Params(person=people["second_checker"])
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


def snapshot(claim: Claim) -> dict[str, Any]:
    """Everything a transition could change, read fresh from the database."""
    row = Claim.objects.get(pk=claim.pk)
    return {
        "state": row.state,
        "assignee": row.assignee_id,
        "reviewer": row.reviewer_id,
        "published_at": row.published_at,
        "retracted_at": row.retracted_at,
        "retraction_note": row.retraction_note,
        "updated_at": row.updated_at,
        "verdicts": list(
            Verdict.objects.filter(claim=row)
            .order_by("version")
            .values_list("pk", "version", "revision", "rating", "summary", "published_at", "updated_at")
        ),
        "evidence": list(Evidence.objects.filter(claim=row).values_list("pk", flat=True)),
        "activities": list(Activity.objects.filter(claim=row).order_by("pk").values_list("pk", flat=True)),
    }


def assert_refused(
    claim: Claim, error: type[WorkflowError], do: Callable[[], Any], match: str | None = None
) -> WorkflowError:
    """`do()` raises `error` and changes nothing at all."""
    before = snapshot(claim)
    with pytest.raises(error, match=match) as raised:
        do()
    assert type(raised.value) is error
    assert raised.value.message
    assert snapshot(claim) == before
    claim.refresh_from_db()
    assert claim.state == before["state"]
    assert claim.assignee_id == before["assignee"]
    assert claim.reviewer_id == before["reviewer"]
    return raised.value


# --- The table


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
    """The page offers exactly the actions the table permits from this state."""
    claim = make_claim(state=state)
    for persona, user in people.items():
        offered = {action.name for action, _ in claim.available_actions(user)}
        permitted = {a for a, sources in SOURCES.items() if state in sources and WHO_MAY[a][persona] == OK}
        assert offered == permitted, persona


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


# --- Guards and checks, one by one


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


def test_publish_stamps_the_verdict_and_the_claim(make_claim: Any, editor: Any) -> None:
    claim = make_claim(state=State.APPROVED)
    before = timezone.now()
    claim.transition("publish", by=editor, expected_state="approved")
    claim = Claim.objects.get(pk=claim.pk)
    verdict = claim.current_verdict
    assert claim.state == State.PUBLISHED
    assert claim.published_at >= before
    assert verdict.published_at >= before
    assert verdict.version == 1


# --- Correct and retract


@pytest.fixture
def published(make_claim: Any) -> Claim:
    return make_claim(state=State.PUBLISHED)


def test_correct_makes_a_new_version_and_keeps_the_old(published: Claim, editor: Any) -> None:
    old = Verdict.objects.get(claim=published)
    old_row = Verdict.objects.filter(pk=old.pk).values().get()
    new_rating = Rating.objects.get(label="Mostly false")
    published.transition(
        "correct",
        by=editor,
        expected_state="published",
        params=Params(
            note="The figure was 3,400, not 3,500.",
            verdict={"rating": new_rating, "summary": "Corrected: mostly false.", "explanation": "See the report."},
        ),
    )
    claim = Claim.objects.get(pk=published.pk)
    assert claim.state == State.PUBLISHED
    assert Verdict.objects.filter(pk=old.pk).values().get() == old_row
    current = claim.current_verdict
    assert current.pk != old.pk
    assert (current.version, current.rating, current.summary, current.explanation) == (
        2,
        new_rating,
        "Corrected: mostly false.",
        "See the report.",
    )
    assert current.correction_note == "The figure was 3,400, not 3,500."
    assert current.author == editor
    assert current.published_at is not None
    entry = Activity.objects.filter(claim=claim).first()
    assert (entry.action, entry.from_state, entry.to_state, entry.actor) == (
        "correct",
        "published",
        "published",
        editor,
    )


@pytest.mark.parametrize(
    "verdict",
    [
        None,
        {"rating": None, "summary": "Corrected.", "explanation": ""},
        {"rating": "Mostly false", "summary": "  ", "explanation": ""},
    ],
    ids=["no-verdict", "no-rating", "blank-summary"],
)
def test_correct_needs_a_rating_and_summary(verdict: dict[str, Any] | None, published: Claim, editor: Any) -> None:
    if verdict and verdict["rating"]:
        verdict = {**verdict, "rating": Rating.objects.get(label=verdict["rating"])}
    assert_refused(
        published,
        GuardFailed,
        lambda: published.transition(
            "correct", by=editor, expected_state="published", params=Params(note="Fixing.", verdict=verdict)
        ),
        match="rating and a summary",
    )


def test_correct_needs_a_note(published: Claim, editor: Any, rating: Rating) -> None:
    assert_refused(
        published,
        GuardFailed,
        lambda: published.transition(
            "correct",
            by=editor,
            expected_state="published",
            params=Params(note="", verdict={"rating": rating, "summary": "Corrected.", "explanation": ""}),
        ),
    )


def test_retract_keeps_the_verdict_and_records_why(published: Claim, editor: Any) -> None:
    verdicts = list(Verdict.objects.filter(claim=published).values())
    published.transition(
        "retract", by=editor, expected_state="published", params=Params(note="The source was fabricated.")
    )
    claim = Claim.objects.get(pk=published.pk)
    assert claim.state == State.RETRACTED
    assert claim.retraction_note == "The source was fabricated."
    assert claim.retracted_at is not None
    assert list(Verdict.objects.filter(claim=claim).values()) == verdicts


# --- Stale pages


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


# --- The draft verdict, evidence and comments


def test_draft_verdict_revisions_count_up(make_claim: Any, checker: Any, rating: Rating) -> None:
    claim = make_claim(state=State.RESEARCHING)
    first = claim.save_draft_verdict(by=checker, rating=rating, summary="One.", explanation="", based_on=None)
    second = claim.save_draft_verdict(
        by=checker, rating=rating, summary="Two.", explanation="", based_on=first.revision
    )
    assert first.pk == second.pk
    assert second.revision == first.revision + 1
    assert Verdict.objects.get(claim=claim).summary == "Two."
    assert Activity.objects.filter(claim=claim, action="verdict_saved").count() == 2


@pytest.mark.parametrize("based_on", [None, 1], ids=["form-drawn-before-any-draft", "older-revision"])
def test_stale_draft_verdict_is_refused(
    based_on: int | None, make_claim: Any, checker: Any, editor: Any, rating: Rating
) -> None:
    claim = make_claim(state=State.RESEARCHING)
    first = claim.save_draft_verdict(by=checker, rating=rating, summary="One.", explanation="", based_on=None)
    claim.save_draft_verdict(by=checker, rating=rating, summary="Two.", explanation="", based_on=first.revision)
    error = assert_refused(
        claim,
        StaleState,
        lambda: claim.save_draft_verdict(
            by=editor, rating=Rating.objects.get(label="True"), summary="Mine.", explanation="", based_on=based_on
        ),
    )
    assert checker.get_full_name() in error.message
    assert Verdict.objects.get(claim=claim).summary == "Two."


@pytest.mark.parametrize("state", [State.SUBMITTED, State.IN_REVIEW, State.APPROVED, State.PUBLISHED])
def test_research_is_frozen_outside_research_states(state: str, make_claim: Any, editor: Any, rating: Rating) -> None:
    claim = make_claim(state=state)
    assert_refused(claim, StaleState, lambda: claim.add_evidence(by=editor, offline_source="A call"))
    assert_refused(
        claim,
        StaleState,
        lambda: claim.save_draft_verdict(
            by=editor,
            rating=rating,
            summary="x",
            explanation="",
            based_on=getattr(claim.current_verdict, "revision", None),
        ),
    )
    evidence = claim.evidence.first()
    if evidence:
        assert_refused(claim, StaleState, lambda: claim.remove_evidence(by=editor, evidence_id=evidence.pk))


def test_only_the_researcher_or_an_editor_researches(
    make_claim: Any, checker: Any, second_checker: Any, editor: Any
) -> None:
    claim = make_claim(state=State.ASSIGNED)
    assert_refused(claim, NotPermitted, lambda: claim.add_evidence(by=second_checker, offline_source="A call"))
    mine = claim.add_evidence(by=checker, offline_source="A call")
    assert_refused(claim, NotPermitted, lambda: claim.remove_evidence(by=second_checker, evidence_id=mine.pk))
    claim.add_evidence(by=editor, offline_source="A document")
    claim.remove_evidence(by=editor, evidence_id=mine.pk)
    assert list(claim.evidence.values_list("offline_source", flat=True)) == ["A document"]
    assert list(claim.activities.order_by("pk").values_list("action", flat=True))[-3:] == [
        "evidence_added",
        "evidence_added",
        "evidence_removed",
    ]


def test_removing_evidence_twice_is_stale(make_claim: Any, checker: Any) -> None:
    claim = make_claim(state=State.RESEARCHING)
    evidence = claim.add_evidence(by=checker, offline_source="A call")
    claim.remove_evidence(by=checker, evidence_id=evidence.pk)
    assert_refused(claim, StaleState, lambda: claim.remove_evidence(by=checker, evidence_id=evidence.pk))


@pytest.mark.parametrize("persona", ["checker", "second_checker", "editor"])
def test_desk_members_comment_in_any_state(persona: str, people: dict[str, Any], make_claim: Any) -> None:
    claim = make_claim(state=State.PUBLISHED)
    state = claim.state
    entry = claim.comment(by=people[persona], text="Worth a follow-up.")
    assert (entry.actor, entry.action, entry.note) == (people[persona], "comment", "Worth a follow-up.")
    assert Claim.objects.get(pk=claim.pk).state == state


# --- The activity log is append-only


@pytest.fixture
def logged(make_claim: Any) -> Claim:
    return make_claim(state=State.ASSIGNED)


def test_activity_rows_cannot_be_saved_again(logged: Claim) -> None:
    entry = Activity.objects.filter(claim=logged).first()
    entry.note = "rewritten"
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    assert Activity.objects.get(pk=entry.pk).note != "rewritten"


def test_activity_rows_cannot_be_deleted(logged: Claim) -> None:
    entry = Activity.objects.filter(claim=logged).first()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    assert Activity.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "attempt",
    [
        lambda claim: Activity.objects.filter(claim=claim).update(note="rewritten"),
        lambda claim: Activity.objects.all().update(note="rewritten"),
        lambda claim: claim.activities.update(note="rewritten"),
        lambda claim: Activity.objects.filter(claim=claim).delete(),
        lambda claim: Activity.objects.all().delete(),
        lambda claim: claim.activities.all().delete(),
        lambda claim: Activity.objects.bulk_update(
            [Activity(pk=a.pk, note="rewritten") for a in claim.activities.all()], ["note"]
        ),
    ],
    ids=[
        "filter-update",
        "all-update",
        "related-update",
        "filter-delete",
        "all-delete",
        "related-delete",
        "bulk-update",
    ],
)
def test_activity_log_refuses_bulk_changes(attempt: Callable[[Claim], Any], logged: Claim) -> None:
    before = list(Activity.objects.filter(claim=logged).values())
    # In a savepoint: bulk_update opens a transaction without one, and its
    # TypeError would otherwise spoil the test's own transaction.
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        attempt(logged)
    assert list(Activity.objects.filter(claim=logged).values()) == before
    assert before  # there was something to protect


def test_activity_log_accepts_new_rows(logged: Claim, checker: Any) -> None:
    count = Activity.objects.filter(claim=logged).count()
    logged.comment(by=checker, text="Still here.")
    assert Activity.objects.filter(claim=logged).count() == count + 1


def test_deleting_a_claim_does_not_erase_its_activity_log(make_claim: Any) -> None:
    claim = make_claim(state=State.PUBLISHED)
    log = list(Activity.objects.filter(claim=claim).values_list("pk", flat=True))
    assert log
    # However the fix refuses (PROTECT, an override, a trigger), the log must survive.
    with contextlib.suppress(Exception), transaction.atomic():
        claim.delete()
    assert list(Activity.objects.filter(pk__in=log).values_list("pk", flat=True)) == log
