"""Transitions from the claim page: refused (403), stale (409), not ready or badly filled in (422), corrections."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils.html import escape

from claims import workflow
from claims.models import Claim, Rating
from claims.workflow import State
from tests.conftest import UserFactory
from tests.desk.conftest import HX, counts, field_errors, html, state_shown


def messages_shown(page: str) -> list[str]:
    return re.findall(r'<li class="message [a-z]+">([^<]*)</li>', page)


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_forbidden_transition_is_403_with_the_reason(
    headers: dict[str, str], make_claim: Any, client_for: Any, checker: Any
) -> None:
    claim = make_claim(state=State.APPROVED)
    before = counts()
    response = client_for(checker).post(
        f"/desk/claims/{claim.pk}/act/publish/", {"publish-state": "approved"}, **headers
    )
    assert response.status_code == 403
    page = html(response)
    assert "Only an editor may do this." in messages_shown(page)
    assert state_shown(page) == "Approved"
    assert counts() == before
    assert Claim.objects.get(pk=claim.pk).state == State.APPROVED


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_stale_form_is_409_and_shows_the_fresh_state(
    headers: dict[str, str], make_claim: Any, client_for: Any, checker: Any, second_checker: Any
) -> None:
    claim = make_claim(state=State.ASSIGNED)  # checker took it
    before = counts()
    response = client_for(second_checker).post(
        f"/desk/claims/{claim.pk}/act/take/", {"take-state": "submitted"}, **headers
    )
    assert response.status_code == 409
    page = html(response)
    assert "This claim changed" in page
    assert escape(checker.get_full_name()) in page
    assert state_shown(page) == "Assigned"
    assert counts() == before
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.state, fresh.assignee) == (State.ASSIGNED, checker)


def test_stale_form_is_refused_even_when_the_action_would_now_apply(
    make_claim: Any, client_for: Any, checker: Any
) -> None:
    """The page was drawn when the claim was submitted; it is assigned now, so
    `start` is valid, but the person acted on a page that no longer holds."""
    claim = make_claim(state=State.ASSIGNED)
    before = counts()
    response = client_for(checker).post(f"/desk/claims/{claim.pk}/act/start/", {"start-state": "submitted"}, **HX)
    assert response.status_code == 409
    assert state_shown(html(response)) == "Assigned"
    assert counts() == before


def form_fields(page: str, action: str) -> dict[str, str]:
    """The hidden inputs of the form that posts to `action`, as the page drew
    them: whatever the page uses to tell a stale post from a fresh one."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page, flags=re.DOTALL)
    assert form, action
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))


@pytest.mark.parametrize("action", ["reassign", "correct"])
def test_second_post_from_the_same_page_is_stale_even_when_the_state_stays(
    action: str, make_claim: Any, client_for: Any, editor: Any, second_checker: Any, desk_defaults: None
) -> None:
    claim = make_claim(state=State.RESEARCHING if action == "reassign" else State.PUBLISHED)
    other_editor = UserFactory(groups=[workflow.EDITORS_GROUP])
    url = f"/desk/claims/{claim.pk}/act/{action}/"
    first, second = client_for(editor), client_for(other_editor)
    # Both open the claim page before either acts.
    pages = [html(first.get(f"/desk/claims/{claim.pk}/")), html(second.get(f"/desk/claims/{claim.pk}/"))]
    rating = Rating.objects.get(label="Mostly false")
    bodies = [
        {f"{action}-person": second_checker.pk}
        if action == "reassign"
        else {f"{action}-note": "First fix.", f"{action}-rating": rating.pk, f"{action}-summary": "First fix."},
        {f"{action}-person": editor.pk}
        if action == "reassign"
        else {f"{action}-note": "Second fix.", f"{action}-rating": rating.pk, f"{action}-summary": "Second fix."},
    ]
    assert first.post(url, {**form_fields(pages[0], url), **bodies[0]}).status_code == 302
    before = counts()
    response = second.post(url, {**form_fields(pages[1], url), **bodies[1]}, **HX)
    assert response.status_code == 409
    assert counts() == before


def test_transition_not_ready_is_422_with_the_guard(claim: Claim, client_for: Any, checker: Any) -> None:
    before = counts()
    response = client_for(checker).post(f"/desk/claims/{claim.pk}/act/submit/", {"submit-state": "researching"}, **HX)
    assert response.status_code == 422
    assert "Write the draft verdict (rating and summary) first." in messages_shown(html(response))
    assert counts() == before


def test_unknown_action_is_refused(submitted: Claim, client_for: Any, editor: Any) -> None:
    before = counts()
    response = client_for(editor).post(f"/desk/claims/{submitted.pk}/act/destroy/", {"destroy-state": "submitted"})
    assert response.status_code == 403
    assert "destroy" in html(response)
    assert counts() == before


def test_transition_form_errors_are_shown_beside_the_field(
    make_claim: Any, client_for: Any, checker: Any, outsider: Any
) -> None:
    claim = make_claim(state=State.SUBMITTED)
    before = counts()
    response = client_for(checker).post(
        f"/desk/claims/{claim.pk}/act/assign/", {"assign-state": "submitted", "assign-person": outsider.pk}, **HX
    )
    assert response.status_code == 422
    assert "Select a valid choice" in field_errors(html(response), "assign-person")
    assert counts() == before


def test_editor_corrects_a_published_verdict_through_the_page(make_claim: Any, client_for: Any, editor: Any) -> None:
    claim = make_claim(state=State.PUBLISHED)
    rating = Rating.objects.get(label="Mostly false")
    response = client_for(editor).post(
        f"/desk/claims/{claim.pk}/act/correct/",
        {
            "correct-state": "published",
            "correct-note": "The figure was 3,400.",
            "correct-rating": rating.pk,
            "correct-summary": "Corrected summary.",
        },
        **HX,
    )
    assert response.status_code == 200
    versions = list(claim.verdicts.order_by("version").values_list("version", "rating", "correction_note"))
    assert versions[-1] == (2, rating.pk, "The figure was 3,400.")
    assert len(versions) == 2
    assert "Earlier versions" in html(response)
