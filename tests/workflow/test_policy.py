"""The desk policy: the evidence checklist `submit` enforces, the approvals
needed before publishing, whether an editor may publish their own work, and
the log of its changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from claims.models import Activity, Claim, DeskPolicy, Rating, SecurityEvent
from claims.workflow import GuardFailed, NotPermitted, Params, State
from tests.signoff import cite_fetched, desk_member, set_policy
from tests.workflow.conftest import assert_refused

pytestmark = pytest.mark.django_db


def offline(claim: Claim, by: Any, what: str = "Interview with the army press office") -> None:
    claim.add_evidence(by=by, offline_source=what)


def page(claim: Claim, by: Any, url: str) -> None:
    claim.add_evidence(by=by, url=url)  # cited, not fetched yet


EVIDENCE: dict[str, Callable[[Claim, Any], None]] = {
    "one offline source": lambda c, by: offline(c, by),
    "two offline sources": lambda c, by: (offline(c, by), offline(c, by, "The annual report, p. 12")),
    "two pages of one site": lambda c, by: (
        page(c, by, "https://news.example.co.uk/a"),
        page(c, by, "https://www.example.co.uk/b"),
    ),
    "pages of two sites": lambda c, by: (page(c, by, "https://example.org/a"), page(c, by, "https://example.net/b")),
    "a page and an offline source": lambda c, by: (page(c, by, "https://example.org/a"), offline(c, by)),
    "a page not fetched yet": lambda c, by: page(c, by, "https://example.org/a"),
    "a fetched page": lambda c, by: cite_fetched(c, by, "https://example.org/fetched", quote="309 people"),
}

# (policy, evidence, None when submit is allowed, else what its refusal says)
CHECKLIST = [
    ({}, "one offline source", None),
    ({"min_evidence": 2}, "one offline source", "at least 2 pieces of evidence with a source"),
    ({"min_evidence": 2}, "two offline sources", None),
    ({"min_sites": 2}, "two pages of one site", "at least 2 different sites"),
    ({"min_sites": 2}, "pages of two sites", None),
    ({"min_sites": 2}, "a page and an offline source", None),
    ({"min_sites": 3}, "pages of two sites", "the evidence cites 2"),
    ({"needs_fetched_copy": True}, "one offline source", "fetched and stored"),
    ({"needs_fetched_copy": True}, "a page not fetched yet", "fetched and stored"),
    ({"needs_fetched_copy": True}, "a fetched page", None),
    ({"min_evidence": 2, "min_sites": 2, "needs_fetched_copy": True}, "a page and an offline source", "fetched"),
]


@pytest.mark.parametrize(
    ("policy", "evidence", "refusal"), CHECKLIST, ids=[f"{p}-{e}-{'refused' if r else 'ok'}" for p, e, r in CHECKLIST]
)
def test_submit_enforces_the_evidence_checklist(
    policy: dict[str, Any],
    evidence: str,
    refusal: str | None,
    make_claim: Any,
    checker: Any,
    editor: Any,
    rating: Rating,
) -> None:
    set_policy(editor, **policy)
    claim = make_claim(state=State.RESEARCHING)
    EVIDENCE[evidence](claim, checker)
    claim.save_draft_verdict(by=checker, rating=rating, summary="No records.", explanation="", based_on=None)
    claim = Claim.objects.get(pk=claim.pk)
    if refusal:
        assert_refused(
            claim, GuardFailed, lambda: claim.transition("submit", by=checker, expected_state="researching"), refusal
        )
        # The page shows the same reason beside the disabled button.
        reasons = {action.name: reason for action, reason in claim.available_actions(checker)}
        assert refusal in reasons["submit"]
    else:
        assert claim.transition("submit", by=checker, expected_state="researching").state == State.IN_REVIEW


@pytest.mark.parametrize("needed", [1, 2, 3])
def test_approvals_needed_distinct_colleagues(needed: int, make_claim: Any, editor: Any) -> None:
    set_policy(editor, approvals_needed=needed)
    claim = make_claim(state=State.IN_REVIEW)
    approvers = [desk_member(f"reviewer{i}") for i in range(needed)]
    for count, person in enumerate(approvers, start=1):
        revision = Claim.objects.get(pk=claim.pk).revision
        claim = claim.transition("approve", by=person, expected_state="in_review")
        entry = Activity.objects.filter(claim=claim, action="approve").latest("pk")
        assert entry.actor == person
        if count < needed:
            assert claim.state == State.IN_REVIEW
            assert (entry.from_state, entry.to_state) == ("in_review", "in_review")
            assert entry.note == f"Approval {count} of {needed}."
            # A page drawn before this approval is stale.
            assert claim.revision == revision + 1
        else:
            assert claim.state == State.APPROVED
            assert entry.to_state == "approved"
    assert Claim.objects.get(pk=claim.pk).state == State.APPROVED


def test_the_same_person_cannot_approve_twice(make_claim: Any, editor: Any, second_checker: Any) -> None:
    set_policy(editor, approvals_needed=2)
    claim = make_claim(state=State.IN_REVIEW)
    claim = claim.transition("approve", by=second_checker, expected_state="in_review")
    assert_refused(
        claim,
        NotPermitted,
        lambda: claim.transition("approve", by=second_checker, expected_state="in_review"),
        match="You approved it already; it needs 1 more approval from colleagues",
    )
    reasons = {action.name: reason for action, reason in claim.available_actions(second_checker)}
    assert reasons["approve"].startswith("You approved it already")


def test_request_changes_resets_the_approvals(make_claim: Any, editor: Any, checker: Any, second_checker: Any) -> None:
    set_policy(editor, approvals_needed=2)
    third = desk_member("checker3")
    claim = make_claim(state=State.IN_REVIEW)
    claim = claim.transition("approve", by=second_checker, expected_state="in_review")
    assert claim.approvers == [second_checker.pk]
    claim = claim.transition(
        "request_changes", by=third, expected_state="in_review", params=Params(note="Cite the report.")
    )
    claim = claim.transition("submit", by=checker, expected_state="researching")
    assert claim.approvers == []
    # The first approval counted only for the round before: two more are needed.
    claim = claim.transition("approve", by=third, expected_state="in_review")
    assert claim.state == State.IN_REVIEW
    claim = claim.transition("approve", by=second_checker, expected_state="in_review")
    assert claim.state == State.APPROVED


def test_with_several_approvals_the_requested_reviewer_goes_first(
    make_claim: Any, editor: Any, checker: Any, second_checker: Any
) -> None:
    set_policy(editor, approvals_needed=2)
    third = desk_member("checker3")
    claim = make_claim(state=State.RESEARCHING)
    offline(claim, checker)
    claim.save_draft_verdict(
        by=checker, rating=Rating.objects.get(label="False"), summary="No.", explanation="", based_on=None
    )
    claim = claim.transition("submit", by=checker, expected_state="researching", params=Params(person=second_checker))
    assert_refused(
        claim, NotPermitted, lambda: claim.transition("approve", by=third, expected_state="in_review"), "waits for"
    )
    claim = claim.transition("approve", by=second_checker, expected_state="in_review")
    claim = claim.transition("approve", by=third, expected_state="in_review")
    assert claim.state == State.APPROVED


def test_the_claim_page_shows_approvals_so_far(
    make_claim: Any, editor: Any, second_checker: Any, client_for: Any
) -> None:
    set_policy(editor, approvals_needed=2)
    claim = make_claim(state=State.IN_REVIEW)
    page = client_for(editor).get(f"/desk/claims/{claim.pk}/").content.decode()
    assert "0 of 2 approvals" in page
    claim.transition("approve", by=second_checker, expected_state="in_review")
    page = client_for(editor).get(f"/desk/claims/{claim.pk}/").content.decode()
    assert f"1 of 2 approvals (<bdi>{second_checker.get_full_name()}</bdi>)" in page
    assert 'data-testid="state">In review<' in page


@pytest.mark.parametrize(("allowed", "expected"), [(False, NotPermitted), (True, None)])
def test_an_editor_publishes_their_own_research_only_if_the_policy_allows(
    allowed: bool, expected: Any, make_claim: Any, editor: Any, second_checker: Any
) -> None:
    set_policy(editor, editor_may_publish_own=allowed)
    claim = make_claim(state=State.IN_REVIEW, researcher=editor)
    claim = claim.transition("approve", by=second_checker, expected_state="in_review")
    if expected:
        assert_refused(
            claim,
            expected,
            lambda: claim.transition("publish", by=editor, expected_state="approved"),
            "the desk's policy asks another editor to publish it",
        )
        # Another editor may.
        other = desk_member("editor2", "Editors")
        assert claim.transition("publish", by=other, expected_state="approved").state == State.PUBLISHED
    else:
        assert claim.transition("publish", by=editor, expected_state="approved").state == State.PUBLISHED


def test_defaults_before_anyone_sets_the_policy(db: None) -> None:
    policy = DeskPolicy.current()
    assert (policy.approvals_needed, policy.editor_may_publish_own) == (1, False)
    assert (policy.min_evidence, policy.min_sites, policy.needs_fetched_copy) == (1, 1, False)


def test_a_change_is_logged_with_who_and_what(editor: Any) -> None:
    changes = DeskPolicy.change(by=editor, approvals_needed=2, needs_fetched_copy=True)
    assert len(changes) == 2
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.POLICY_CHANGED)
    assert event.user == editor
    assert "approvals needed before publishing: 1 → 2" in event.note
    assert "at least one fetched copy: no → yes" in event.note
    policy = DeskPolicy.current()
    assert (policy.updated_by, policy.approvals_needed) == (editor, 2)
    # Saving the same values again changes and logs nothing.
    assert DeskPolicy.change(by=editor, approvals_needed=2) == []
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.POLICY_CHANGED).count() == 1


@pytest.mark.parametrize("approvals", [0, 4])
def test_approvals_needed_are_one_to_three(approvals: int, editor: Any) -> None:
    with pytest.raises(ValidationError):
        DeskPolicy.change(by=editor, approvals_needed=approvals)
    assert DeskPolicy.current().approvals_needed == 1
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.POLICY_CHANGED).exists()


def test_the_policy_is_read_once_per_claim(
    make_claim: Any, second_checker: Any, django_assert_num_queries: Any
) -> None:
    claim = make_claim(state=State.IN_REVIEW)
    claim.policy  # noqa: B018
    with django_assert_num_queries(0):
        for _ in range(3):
            assert claim.approvals_needed == 1


@pytest.mark.parametrize("values", [{}, {"approvals_needed": 3, "editor_may_publish_own": True, "min_sites": 2}])
def test_the_policy_read_with_the_claim_is_the_policy(
    values: dict[str, Any], make_claim: Any, editor: Any, django_assert_num_queries: Any
) -> None:
    """The claim page reads the policy in the claim's own query."""
    claim = make_claim(state=State.IN_REVIEW)
    if values:
        set_policy(editor, **values)
    claim = Claim.objects.annotate(desk_policy=DeskPolicy.as_annotation()).get(pk=claim.pk)
    current = DeskPolicy.current()
    with django_assert_num_queries(0):
        for name in DeskPolicy.EDITABLE:
            assert getattr(claim.policy, name) == getattr(current, name), name
            assert type(getattr(claim.policy, name)) is type(getattr(current, name)), name
