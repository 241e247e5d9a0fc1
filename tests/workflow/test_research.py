"""Research on the model: evidence, the draft verdict's revisions, who may research and when, and comments."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Activity, Claim, Rating, Verdict
from claims.workflow import NotPermitted, StaleState, State
from tests.workflow.conftest import assert_refused


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
