"""Changes on the claim page: an HTMX post gets the claim's fragment, with fresh forms; a plain post redirects."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from claims.models import Activity, Claim, Rating, Verdict
from claims.workflow import State
from tests.desk.conftest import HX, html, state_shown


def change(kind: str, claim: Claim, people: dict[str, Any]) -> tuple[str, dict[str, Any], Callable[[Claim], bool]]:
    """A valid post of `kind` on `claim`: the URL, the body, and a check that it took effect."""
    pk = claim.pk
    if kind == "transition":
        return (
            f"/desk/claims/{pk}/act/take/",
            {"take-state": "submitted"},
            lambda c: (c.state, c.assignee_id) == ("assigned", people["checker"].pk),
        )
    if kind == "assignment":
        return (
            f"/desk/claims/{pk}/act/assign/",
            {"assign-state": "submitted", "assign-person": people["second_checker"].pk},
            lambda c: (c.state, c.assignee_id) == ("assigned", people["second_checker"].pk),
        )
    if kind == "comment":
        return (
            f"/desk/claims/{pk}/comment/",
            {"text": "Call the press office."},
            lambda c: c.activities.filter(action="comment", note="Call the press office.").exists(),
        )
    if kind == "evidence":
        return (
            f"/desk/claims/{pk}/evidence/",
            {"url": "https://example.org/report", "quote": "309 people", "stance": "contradicts"},
            lambda c: c.evidence.filter(source__url="https://example.org/report", stance="contradicts").exists(),
        )
    if kind == "verdict":
        rating = Rating.objects.get(label="Misleading")
        return (
            f"/desk/claims/{pk}/verdict/",
            {"rating": rating.pk, "summary": "The figure leaves out the context.", "based_on": ""},
            lambda c: c.verdicts.filter(rating=rating, summary="The figure leaves out the context.").exists(),
        )
    raise AssertionError(kind)


KINDS = ["transition", "assignment", "comment", "evidence", "verdict"]


@pytest.fixture
def people(checker: Any, second_checker: Any, editor: Any) -> dict[str, Any]:
    return {"checker": checker, "second_checker": second_checker, "editor": editor}


def claim_for_kind(kind: str, make_claim: Any) -> Claim:
    return make_claim(state=State.SUBMITTED if kind in ("transition", "assignment") else State.RESEARCHING)


@pytest.mark.parametrize("kind", KINDS)
def test_htmx_post_gets_the_claim_fragment(kind: str, make_claim: Any, people: dict[str, Any], client_for: Any) -> None:
    claim = claim_for_kind(kind, make_claim)
    url, data, took_effect = change(kind, claim, people)
    activities = Activity.objects.filter(claim=claim).count()
    response = client_for(people["checker"]).post(url, data, **HX)
    assert response.status_code == 200
    page = html(response)
    # A comment changes only the timeline, and gets only the timeline back.
    fragment = '<aside class="timeline" id="timeline"' if kind == "comment" else '<div id="claim-main"'
    assert page.lstrip().startswith(fragment)
    assert "<html" not in page
    assert 'class="messages"' in page  # the confirmation travels with the fragment
    fresh = Claim.objects.get(pk=claim.pk)
    assert took_effect(fresh)
    if kind != "comment":
        assert state_shown(page) == fresh.get_state_display()
    assert Activity.objects.filter(claim=claim).count() == activities + 1


@pytest.mark.parametrize("kind", KINDS)
def test_plain_post_redirects_to_the_claim_page(
    kind: str, make_claim: Any, people: dict[str, Any], client_for: Any
) -> None:
    claim = claim_for_kind(kind, make_claim)
    url, data, took_effect = change(kind, claim, people)
    activities = Activity.objects.filter(claim=claim).count()
    client = client_for(people["checker"])
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == f"/desk/claims/{claim.pk}/"
    assert took_effect(Claim.objects.get(pk=claim.pk))
    assert Activity.objects.filter(claim=claim).count() == activities + 1
    # The get after the redirect carries the confirmation, once.
    page = html(client.get(response.url))
    assert 'class="message success"' in page
    assert 'class="message success"' not in html(client.get(response.url))


def hidden_value(page: str, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{re.escape(name)}"(?: value="([^"]*)")?', page)
    assert found, name
    return found.group(1) or ""


def test_htmx_fragment_carries_the_fresh_state_for_the_next_action(
    submitted: Claim, client_for: Any, checker: Any
) -> None:
    """Each swapped-in fragment's forms say the state they were drawn in, so
    the next click is not refused as stale."""
    client = client_for(checker)
    page = html(client.post(f"/desk/claims/{submitted.pk}/act/take/", {"take-state": "submitted"}, **HX))
    assert hidden_value(page, "start-state") == "assigned"
    response = client.post(
        f"/desk/claims/{submitted.pk}/act/start/", {"start-state": hidden_value(page, "start-state")}, **HX
    )
    assert response.status_code == 200
    assert Claim.objects.get(pk=submitted.pk).state == State.RESEARCHING


def test_htmx_fragment_carries_the_new_draft_revision(claim: Claim, client_for: Any, checker: Any) -> None:
    """Saving the draft twice from the swapped-in fragment works: the form
    in the fragment is based on the revision just saved."""
    client = client_for(checker)
    rating = Rating.objects.get(label="False")
    page = html(client.get(f"/desk/claims/{claim.pk}/"))
    for summary in ("First draft.", "Second draft.", "Third draft."):
        response = client.post(
            f"/desk/claims/{claim.pk}/verdict/",
            {"rating": rating.pk, "summary": summary, "based_on": hidden_value(page, "based_on")},
            **HX,
        )
        assert response.status_code == 200, summary
        page = html(response)
    verdict = Verdict.objects.get(claim=claim)
    assert (verdict.summary, verdict.revision) == ("Third draft.", 3)
    assert hidden_value(page, "based_on") == "3"
