"""A conflict of interest, declared by a person on a claim for themself:
logged, shown on the claim page, and from then on they take no action on it."""

from __future__ import annotations

from typing import Any

import pytest

from claims.models import Activity, Claim, Conflict, Rating
from claims.workflow import GuardFailed, NotPermitted, Params, StaleState, State
from tests.conftest import add_research
from tests.desk.conftest import HX, counts, html
from tests.signoff import desk_member, set_policy
from tests.workflow.conftest import assert_refused

pytestmark = pytest.mark.django_db

REASON = "The claimant is my sister."


def declare(client: Any, claim: Claim, reason: str = REASON, **headers: Any) -> Any:
    return client.post(f"/desk/claims/{claim.pk}/conflict/", {"reason": reason}, **headers)


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_declaring_a_conflict_is_logged_and_shown(
    headers: dict[str, str], claim: Claim, second_checker: Any, editor: Any, client_for: Any
) -> None:
    response = declare(client_for(second_checker), claim, **headers)
    if headers:
        assert response.status_code == 200
        assert 'id="claim-main"' in html(response)
    else:
        assert response.status_code == 302
    conflict = Conflict.objects.get(claim=claim)
    assert (conflict.person, conflict.reason) == (second_checker, REASON)
    entry = Activity.objects.filter(claim=claim).latest("pk")
    assert (entry.actor, entry.action, entry.note) == (second_checker, "conflict_declared", REASON)
    page = html(client_for(editor).get(f"/desk/claims/{claim.pk}/"))
    assert "Conflicts of interest" in page
    assert second_checker.get_full_name() in page
    assert REASON in page


def test_the_reason_is_escaped(claim: Claim, second_checker: Any, editor: Any, client_for: Any) -> None:
    declare(client_for(second_checker), claim, reason="<script>alert(1)</script>")
    page = html(client_for(editor).get(f"/desk/claims/{claim.pk}/"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_conflict_needs_a_reason(headers: dict[str, str], claim: Claim, second_checker: Any, client_for: Any) -> None:
    before = counts()
    response = declare(client_for(second_checker), claim, reason="   ", **headers)
    assert response.status_code == 422
    assert "Say why you have a conflict of interest." in html(response)
    assert counts() == before
    assert not Conflict.objects.exists()


def test_declaring_twice_is_refused(claim: Claim, second_checker: Any, client_for: Any) -> None:
    client = client_for(second_checker)
    declare(client, claim)
    before = counts()
    response = declare(client, claim, reason="Again.", **HX)
    assert response.status_code == 409
    assert "You already declared a conflict of interest on this claim." in html(response)
    assert counts() == before
    with pytest.raises(StaleState):
        Claim.objects.get(pk=claim.pk).declare_conflict(by=second_checker, reason="Again.")


def test_outsiders_cannot_declare(claim: Claim, outsider: Any, client_for: Any) -> None:
    assert declare(client_for(outsider), claim).status_code == 403
    assert not Conflict.objects.exists()


def test_the_form_is_gone_once_declared(claim: Claim, second_checker: Any, client_for: Any) -> None:
    client = client_for(second_checker)
    assert "Declare a conflict of interest" in html(client.get(f"/desk/claims/{claim.pk}/"))
    declare(client, claim)
    assert "Declare a conflict of interest" not in html(client.get(f"/desk/claims/{claim.pk}/"))


def test_a_conflicted_researcher_may_not_research(claim: Claim, checker: Any, client_for: Any) -> None:
    """The claim's own researcher declares: no evidence, no verdict, no
    submission; the page says why beside the disabled button."""
    claim.declare_conflict(by=checker, reason=REASON)
    rating = Rating.objects.get(label="False")
    match = "conflict of interest"
    assert_refused(claim, NotPermitted, lambda: claim.add_evidence(by=checker, offline_source="A call"), match)
    assert_refused(
        claim,
        NotPermitted,
        lambda: claim.save_draft_verdict(by=checker, rating=rating, summary="x", explanation="", based_on=None),
        match,
    )
    before = counts()
    response = client_for(checker).post(
        f"/desk/claims/{claim.pk}/evidence/", {"offline_source": "A call", "stance": "context"}, **HX
    )
    assert response.status_code == 403
    assert counts() == before
    page = html(client_for(checker).get(f"/desk/claims/{claim.pk}/"))
    assert "You declared a conflict of interest on this claim; a colleague must act on it." in page
    assert "Add evidence</summary>" not in page


@pytest.mark.parametrize("action", ["approve", "request_changes"])
def test_a_conflicted_person_may_not_review(action: str, make_claim: Any, second_checker: Any, client_for: Any) -> None:
    claim = make_claim(state=State.IN_REVIEW)
    claim.declare_conflict(by=second_checker, reason=REASON)
    before = counts()
    response = client_for(second_checker).post(
        f"/desk/claims/{claim.pk}/act/{action}/",
        {f"{action}-state": "in_review", f"{action}-revision": claim.revision, f"{action}-note": "Looks fine."},
        **HX,
    )
    assert response.status_code == 403
    assert "You declared a conflict of interest" in html(response)
    assert counts() == before


def test_an_approval_given_before_declaring_no_longer_counts(make_claim: Any, editor: Any) -> None:
    set_policy(editor, approvals_needed=2)
    first, second = desk_member("first"), desk_member("second")
    claim = make_claim(state=State.IN_REVIEW)
    claim = claim.transition("approve", by=first, expected_state="in_review")
    claim.declare_conflict(by=first, reason=REASON)
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.approvers == []
    claim = claim.transition("approve", by=second, expected_state="in_review")
    assert claim.state == State.IN_REVIEW  # one eligible approval of two
    assert claim.approvers == [second.pk]


def test_assigning_a_conflicted_person_is_refused(
    submitted: Claim, checker: Any, second_checker: Any, client_for: Any
) -> None:
    submitted.declare_conflict(by=second_checker, reason=REASON)
    claim = Claim.objects.get(pk=submitted.pk)
    error = assert_refused(
        claim,
        GuardFailed,
        lambda: claim.transition(
            "assign", by=checker, expected_state="submitted", params=Params(person=second_checker)
        ),
    )
    assert error.message == f"{second_checker.get_full_name()} declared a conflict of interest on this claim."
    # ... and the drop-down does not offer them.
    page = html(client_for(checker).get(f"/desk/claims/{claim.pk}/"))
    start = page.index('id="id_assign-person"')
    assert f'value="{second_checker.pk}"' not in page[start : page.index("</select>", start)]


def test_the_reviewer_choice_offers_no_conflicted_person(
    claim: Claim, checker: Any, second_checker: Any, client_for: Any
) -> None:
    add_research(claim, checker)
    claim.declare_conflict(by=second_checker, reason=REASON)
    page = html(client_for(checker).get(f"/desk/claims/{claim.pk}/"))
    start = page.index('id="id_submit-person"')
    assert f'value="{second_checker.pk}"' not in page[start : page.index("</select>", start)]
    assert_refused(
        claim,
        GuardFailed,
        lambda: claim.transition(
            "submit", by=checker, expected_state="researching", params=Params(person=second_checker)
        ),
        match="declared a conflict of interest",
    )
