"""Four eyes by what people did, not by who is assigned now: whoever
researched a claim or wrote its draft verdict is not its reviewer, approver
or (unless the policy allows) publisher, whatever the assignment says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from claims import workflow
from claims.models import Claim, Rating
from claims.workflow import GuardFailed, NotPermitted, Params, State
from tests.conftest import add_research
from tests.signoff import desk_member
from tests.workflow.conftest import assert_refused

pytestmark = pytest.mark.django_db

RESEARCHED = "You researched this claim; a colleague must review it."
WROTE = "You wrote its draft verdict; a colleague must review it."


def act(claim: Claim, action: str, by: Any, **params: Any) -> Claim:
    return claim.transition(action, by=by, expected_state=None, params=Params(**params))


def write_verdict(claim: Claim, by: Any, summary: str = "The army gave no records for the figure.") -> None:
    draft = Claim.objects.get(pk=claim.pk).draft
    rating = Rating.objects.get(label="False")
    claim.save_draft_verdict(
        by=by, rating=rating, summary=summary, explanation="", based_on=draft.revision if draft else None
    )


def research(claim: Claim, by: Any) -> None:
    claim.add_evidence(by=by, offline_source="Interview with the army press office")
    write_verdict(claim, by)


def started(claim: Claim, checker: Any, helper: Any) -> Claim:
    claim = act(act(claim, "assign", checker, person=helper), "start", helper)
    return act(claim, "reassign", checker, person=checker)


def added_evidence(claim: Claim, checker: Any, helper: Any) -> Claim:
    claim = act(claim, "assign", checker, person=helper)
    claim.add_evidence(by=helper, offline_source="A call with the ministry")
    return act(claim, "reassign", checker, person=checker)


def removed_evidence(claim: Claim, checker: Any, helper: Any) -> Claim:
    claim = act(claim, "take", checker)
    item = claim.add_evidence(by=checker, offline_source="A blog post")
    claim = act(claim, "reassign", checker, person=helper)
    claim.remove_evidence(by=helper, evidence_id=item.pk)
    return act(claim, "reassign", checker, person=checker)


def wrote_the_verdict(claim: Claim, checker: Any, helper: Any) -> Claim:
    claim = act(claim, "assign", checker, person=helper)
    add_research(claim, checker) if False else None
    from claims.models import Rating

    claim.save_draft_verdict(
        by=helper, rating=Rating.objects.get(label="False"), summary="Wrong.", explanation="", based_on=None
    )
    return act(claim, "reassign", checker, person=checker)


def took_it_only(claim: Claim, checker: Any, helper: Any) -> Claim:
    return act(act(claim, "take", helper), "reassign", helper, person=checker)


def commented(claim: Claim, checker: Any, helper: Any) -> Claim:
    claim = act(claim, "take", checker)
    claim.comment(by=helper, text="I know this speaker's record.")
    return claim


# (what the helper did, what their refusal says; None: they may review)
DEEDS: list[tuple[Callable[[Claim, Any, Any], Claim], str | None]] = [
    (started, RESEARCHED),
    (added_evidence, RESEARCHED),
    (removed_evidence, RESEARCHED),
    (wrote_the_verdict, WROTE),
    (took_it_only, None),
    (commented, None),
]


def in_review_after(deed: Callable[[Claim, Any, Any], Claim], checker: Any, helper: Any, make_claim: Any) -> Claim:
    """`helper` does `deed` on a new claim; then `checker` (now its assignee)
    researches and submits it."""
    claim = deed(make_claim(state=State.SUBMITTED), checker, helper)
    if claim.state == State.ASSIGNED:
        claim = act(claim, "start", checker)
    research(claim, checker)
    claim = act(claim, "submit", checker)
    assert (claim.state, claim.assignee) == (State.IN_REVIEW, checker)
    return Claim.objects.get(pk=claim.pk)


@pytest.mark.parametrize("action", ["approve", "request_changes"])
@pytest.mark.parametrize(("deed", "refusal"), DEEDS, ids=[deed.__name__ for deed, _ in DEEDS])
def test_who_did_research_or_wrote_does_not_review(
    action: str, deed: Any, refusal: str | None, make_claim: Any, checker: Any
) -> None:
    helper = desk_member("helper")
    claim = in_review_after(deed, checker, helper, make_claim)
    note = "Cite the report." if action == "request_changes" else ""
    review = lambda: claim.transition(action, by=helper, expected_state="in_review", params=Params(note=note))  # noqa: E731
    if refusal:
        assert_refused(claim, NotPermitted, review, match=refusal)
        reasons = {a.name: reason for a, reason in Claim.objects.get(pk=claim.pk).available_actions(helper)}
        assert reasons[action] == refusal  # beside the disabled button
    else:
        assert review().reviewer == helper


def test_an_editor_who_submitted_for_the_researcher_does_not_approve(
    make_claim: Any, checker: Any, editor: Any
) -> None:
    claim = make_claim(state=State.RESEARCHING)
    add_research(claim, checker)
    claim = act(claim, "submit", editor)
    assert_refused(claim, NotPermitted, lambda: act(claim, "approve", editor), match=RESEARCHED)


def test_the_researcher_reassigned_away_still_may_not_approve(make_claim: Any, checker: Any, editor: Any) -> None:
    """The assignment changed; what the researcher did did not."""
    second = desk_member("checker3")
    claim = make_claim(state=State.RESEARCHING)
    add_research(claim, checker)
    claim = act(claim, "reassign", editor, person=second)
    claim = act(claim, "submit", second)
    assert claim.assignee == second
    assert {checker.pk, second.pk} <= claim.contributors
    assert_refused(claim, NotPermitted, lambda: act(claim, "approve", checker), match=RESEARCHED)


def test_an_editor_who_wrote_the_verdict_does_not_publish_it(
    make_claim: Any, checker: Any, second_checker: Any, editor: Any
) -> None:
    claim = make_claim(state=State.RESEARCHING)
    add_research(claim, checker)
    write_verdict(claim, editor, summary="Edited.")
    claim = act(act(claim, "submit", checker), "approve", second_checker)
    assert_refused(claim, NotPermitted, lambda: act(claim, "publish", editor), match="another editor to publish")
    reasons = {a.name: reason for a, reason in Claim.objects.get(pk=claim.pk).available_actions(editor)}
    assert "another editor" in reasons["publish"]
    assert reasons["send_back"] == ""  # the editor may still send it back


@pytest.mark.parametrize("who", ["researcher", "verdict writer", "the submitter themself"])
def test_the_reviewer_asked_for_on_submit_is_not_a_contributor(
    who: str, make_claim: Any, checker: Any, editor: Any
) -> None:
    claim = make_claim(state=State.RESEARCHING)
    add_research(claim, checker)
    writer = desk_member("writer")
    if who == "verdict writer":
        claim = act(claim, "reassign", editor, person=writer)
        write_verdict(claim, writer, summary="Rewritten.")
        claim = act(claim, "reassign", editor, person=checker)
    person = {"researcher": checker, "verdict writer": writer, "the submitter themself": checker}[who]
    assert_refused(
        claim,
        GuardFailed,
        lambda: act(claim, "submit", checker, person=person),
        match="someone other than the researcher",
    )
    assert person.pk in workflow.ACTIONS["submit"].unfit(claim, checker)


def test_the_reviewer_choice_offers_no_contributor(
    make_claim: Any, checker: Any, second_checker: Any, editor: Any, client_for: Any
) -> None:
    claim = make_claim(state=State.RESEARCHING)
    add_research(claim, checker)
    page = client_for(checker).get(f"/desk/claims/{claim.pk}/").content.decode()
    submit_form = page[
        page.index('id="id_submit-person"') : page.index("</select>", page.index('id="id_submit-person"'))
    ]
    assert f'value="{second_checker.pk}"' in submit_form
    assert f'value="{editor.pk}"' in submit_form
    assert f'value="{checker.pk}"' not in submit_form


def test_contributors_are_read_in_one_query_and_kept(
    make_claim: Any, checker: Any, django_assert_num_queries: Any
) -> None:
    claim = make_claim(state=State.IN_REVIEW)
    with django_assert_num_queries(1):
        assert claim.contributors == {checker.pk}
        assert claim.conflicted == frozenset()
        assert claim.approvers == []
    with django_assert_num_queries(0):
        assert claim.contributors == {checker.pk}
