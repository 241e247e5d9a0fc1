"""Bulk actions on the team queue: each ticked claim handled by the model
layer on its own and logged; a claim that moved since the page was drawn, or
in a state the action does not apply to, is skipped and named; over HTMX the
results come back with what happened, without it a redirect and a message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from claims import workflow
from claims.desk.bulk import BULK_LIMIT
from claims.models import Activity, Claim
from claims.workflow import State
from tests.conftest import UserFactory
from tests.desk.conftest import HX, counts, html

pytestmark = pytest.mark.django_db

URL = "/desk/claims/bulk/"


def row(claim: Claim) -> str:
    return f"{claim.pk}:{claim.state}:{claim.revision}"


def post(client: Any, claims: list[Claim], htmx: bool = False, **data: Any) -> Any:
    data.setdefault("return_to", "q=militants&page=1")
    return client.post(URL, {"row": [row(claim) for claim in claims], **data}, **(HX if htmx else {}))


def fresh(claim: Claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


@pytest.mark.parametrize("htmx", [False, True])
def test_assign_many_and_skip_those_it_does_not_apply_to(
    htmx: bool, make_claim: Any, client_for: Any, checker: Any, second_checker: Any
) -> None:
    new = [make_claim(state=State.SUBMITTED) for _ in range(2)]
    researching = make_claim(state=State.RESEARCHING)  # changes hands
    published = make_claim(state=State.PUBLISHED)
    client = client_for(checker)
    response = post(client, [*new, researching, published], htmx=htmx, action="assign", person=second_checker.pk)
    name = second_checker.get_full_name()
    summary = f"3 claims assigned to {name}; #{published.pk} skipped: it is published."
    if htmx:
        assert response.status_code == 200
        page = html(response)
        assert page.lstrip().startswith('<div id="results"')
        assert "<form" not in page  # the forms stay where they are
    else:
        assert response.status_code == 302
        assert response.url == "/desk/claims/?q=militants&page=1"
        page = html(client.get(response.url))
    assert summary in page
    for claim in [*new, researching]:
        assert fresh(claim).assignee == second_checker
    assert [fresh(claim).state for claim in new] == [State.ASSIGNED, State.ASSIGNED]
    assert fresh(researching).state == State.RESEARCHING
    assert fresh(published).assignee == checker
    logged = Activity.objects.filter(actor=checker, action__in=["assign", "reassign"])
    assert sorted(logged.values_list("claim_id", flat=True)) == sorted(c.pk for c in [*new, researching])


def test_a_row_that_moved_since_the_page_was_drawn_is_skipped(
    make_claim: Any, client_for: Any, checker: Any, second_checker: Any, editor: Any
) -> None:
    claim = make_claim(state=State.SUBMITTED)
    other = make_claim(state=State.SUBMITTED)
    shown = row(claim)
    claim.transition("take", by=editor, expected_state="submitted")  # someone took it meanwhile
    before = counts()
    response = client_for(checker).post(
        URL, {"row": [shown, row(other)], "action": "assign", "person": second_checker.pk}, **HX
    )
    page = html(response)
    assert f"#{claim.pk} skipped: it changed while you were looking (it is now assigned)" in page
    assert fresh(claim).assignee == editor
    assert fresh(other).assignee == second_checker
    assert counts()["Activity"] == before["Activity"] + 1


def test_a_stale_revision_is_refused_even_in_the_same_state(
    make_claim: Any, client_for: Any, checker: Any, second_checker: Any, editor: Any
) -> None:
    claim = make_claim(state=State.RESEARCHING)
    shown = row(claim)
    claim.transition("reassign", by=editor, expected_state="researching", params=workflow.Params(person=editor))
    response = client_for(checker).post(URL, {"row": [shown], "action": "priority", "priority": 1}, **HX)
    assert "it changed while you were looking (it is now researching)" in html(response)
    assert fresh(claim).priority == Claim.Priority.NORMAL


def test_set_priority_logs_old_and_new(make_claim: Any, client_for: Any, checker: Any) -> None:
    a, b = make_claim(state=State.SUBMITTED), make_claim(state=State.RESEARCHING)
    already = make_claim(state=State.ASSIGNED, priority=Claim.Priority.HIGH)
    rejected = make_claim(state=State.REJECTED)
    response = post(client_for(checker), [a, b, already, rejected], htmx=True, action="priority", priority=1)
    page = html(response)
    assert f"2 claims set to high priority; 1 already so; #{rejected.pk} skipped: it is rejected." in page
    assert [fresh(c).priority for c in (a, b, already)] == [Claim.Priority.HIGH] * 3
    assert fresh(rejected).priority == Claim.Priority.NORMAL
    notes = set(Activity.objects.filter(action="edited").values_list("claim_id", "note"))
    assert notes == {(a.pk, "Priority: Normal → High"), (b.pk, "Priority: Normal → High")}


def test_set_due_date(make_claim: Any, client_for: Any, checker: Any) -> None:
    claims = [make_claim(state=State.SUBMITTED) for _ in range(3)]
    due = timezone.localdate() + timedelta(days=4)
    response = post(client_for(checker), claims, action="due_on", due_on=due.isoformat())
    assert response.status_code == 302
    assert all(fresh(claim).due_on == due for claim in claims)
    assert Activity.objects.filter(action="edited", note=f"Due date: — → {due.isoformat()}").count() == 3


def test_a_due_date_in_the_past_changes_nothing(make_claim: Any, client_for: Any, checker: Any) -> None:
    claim = make_claim(state=State.SUBMITTED)
    before = counts()
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = post(client_for(checker), [claim], htmx=True, action="due_on", due_on=past)
    assert response.status_code == 422
    assert "The due date is in the past." in html(response)
    assert counts() == before
    assert fresh(claim).due_on is None


def test_reject_with_a_reason(make_claim: Any, client_for: Any, checker: Any) -> None:
    new = [make_claim(state=State.SUBMITTED) for _ in range(2)]
    researching = make_claim(state=State.RESEARCHING)
    response = post(
        client_for(checker), [*new, researching], htmx=True, action="reject", reason="Opinion, <b>not</b> a fact."
    )
    page = html(response)
    assert f"2 claims rejected; #{researching.pk} skipped: it is researching." in page
    assert [fresh(c).state for c in new] == [State.REJECTED, State.REJECTED]
    assert set(Activity.objects.filter(action="reject").values_list("note", flat=True)) == {
        "Opinion, <b>not</b> a fact."
    }
    assert fresh(researching).state == State.RESEARCHING


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "reject", "reason": "  "}, "Say why the claims are rejected."),
        ({"action": "assign"}, "Choose the person to assign the claims to."),
        ({"action": "priority"}, "Choose the priority."),
        ({"action": "due_on"}, "Choose the due date."),
        ({"action": "explode"}, "Select a valid choice."),
    ],
)
def test_an_action_without_what_it_needs_changes_nothing(
    data: dict[str, str], message: str, make_claim: Any, client_for: Any, checker: Any
) -> None:
    claim = make_claim(state=State.SUBMITTED)
    before = counts()
    response = post(client_for(checker), [claim], htmx=True, **data)
    assert response.status_code == 422
    assert message in html(response)
    assert counts() == before
    assert fresh(claim).state == State.SUBMITTED


def test_no_rows_ticked(client_for: Any, checker: Any) -> None:
    client = client_for(checker)
    response = client.post(URL, {"action": "priority", "priority": 1})
    assert response.status_code == 302
    assert "Tick at least one claim." in html(client.get(response.url))


def test_too_many_ids_in_one_request_changes_nothing(make_claim: Any, client_for: Any, checker: Any) -> None:
    claim = make_claim(state=State.SUBMITTED)
    rows = [row(claim)] + [f"{n}:submitted:0" for n in range(10_000, 10_000 + BULK_LIMIT)]
    before = counts()
    response = client_for(checker).post(URL, {"row": rows, "action": "priority", "priority": 1}, **HX)
    assert response.status_code == 422
    assert f"You ticked 201 claims; one action takes at most {BULK_LIMIT} at a time." in html(response)
    assert counts() == before
    assert fresh(claim).priority == Claim.Priority.NORMAL


@pytest.mark.parametrize("value", ["12", "x:submitted:0", "12:flying:0", "12:submitted:-1", "<script>:a:b"])
def test_a_row_not_understood_changes_nothing(value: str, make_claim: Any, client_for: Any, checker: Any) -> None:
    claim = make_claim(state=State.SUBMITTED)
    before = counts()
    response = client_for(checker).post(URL, {"row": [row(claim), value], "action": "priority", "priority": 1}, **HX)
    assert response.status_code == 422
    page = html(response)
    assert "was not understood" in page
    assert "<script>" not in page
    assert counts() == before


def test_an_unknown_claim_is_skipped(make_claim: Any, client_for: Any, checker: Any) -> None:
    claim = make_claim(state=State.SUBMITTED)
    response = client_for(checker).post(
        URL, {"row": [row(claim), "999999:submitted:0"], "action": "priority", "priority": 3}, **HX
    )
    assert "1 claim set to low priority; #999999 skipped: there is no such claim." in html(response)


def test_an_outsider_is_refused_and_nothing_changes(make_claim: Any, client_for: Any, outsider: Any) -> None:
    claim = make_claim(state=State.SUBMITTED)
    before = counts()
    for extra in ({}, HX):
        response = client_for(outsider).post(URL, {"row": [row(claim)], "action": "reject", "reason": "No."}, **extra)
        assert response.status_code == 403
    assert counts() == before
    assert fresh(claim).state == State.SUBMITTED


def test_a_get_is_not_an_action(client_for: Any, checker: Any) -> None:
    assert client_for(checker).get(URL).status_code == 405


def test_the_way_back_stays_on_the_queue(make_claim: Any, client_for: Any, checker: Any) -> None:
    claim = make_claim(state=State.SUBMITTED)
    response = post(
        client_for(checker), [claim], action="priority", priority=1, return_to="next=//evil.example&state=submitted"
    )
    assert response.url == "/desk/claims/?state=submitted"


def test_names_in_the_summary_are_escaped(make_claim: Any, client_for: Any, checker: Any, desk_defaults: None) -> None:
    person = UserFactory(first_name="<img src=x>", last_name="Lima", groups=[workflow.CHECKERS_GROUP])
    claim = make_claim(state=State.SUBMITTED)
    page = html(post(client_for(checker), [claim], htmx=True, action="assign", person=person.pk))
    assert "<img src=x>" not in page
    assert "&lt;img src=x&gt; Lima" in page


def test_the_queue_offers_the_rows_to_tick(make_claim: Any, client_for: Any, checker: Any) -> None:
    claim = make_claim(state=State.ASSIGNED, text="Militants were arrested.")
    page = html(client_for(checker).get("/desk/claims/"))
    assert f'name="row" form="bulk" value="{claim.pk}:assigned:{claim.revision}"' in page
    assert '<form id="bulk" method="post" action="/desk/claims/bulk/"' in page
    assert 'name="return_to" form="bulk"' in page
