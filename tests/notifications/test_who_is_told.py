"""Each kind of notification goes to the person the event concerns, made in
the event's own transaction, and never to the person who acted."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from claims import workflow
from claims.models import Claim, Notification, Source
from tests.conftest import UserFactory, add_research

pytestmark = pytest.mark.django_db


def told(kind: str) -> list[tuple[str, int]]:
    return sorted((row.recipient.username, row.claim_id) for row in Notification.objects.filter(kind=kind))


def test_an_assignment_tells_the_assignee_not_the_one_who_assigned(
    make_claim: Any, checker: Any, second_checker: Any, editor: Any
) -> None:
    claim = make_claim()
    claim.transition("assign", by=editor, expected_state="submitted", params=workflow.Params(person=checker))
    claim.transition("reassign", by=checker, expected_state="assigned", params=workflow.Params(person=second_checker))
    [first, second] = Notification.objects.filter(kind="assigned").order_by("pk")
    assert (first.recipient, first.actor, first.claim_id) == (checker, editor, claim.pk)
    assert (second.recipient, second.actor) == (second_checker, checker)
    assert "assigned you a claim" in first.text


def test_taking_a_claim_or_assigning_it_to_oneself_tells_nobody(make_claim: Any, checker: Any) -> None:
    make_claim(state="assigned")  # taken by the checker
    claim = make_claim()
    claim.transition("assign", by=checker, expected_state="submitted", params=workflow.Params(person=checker))
    assert not Notification.objects.exists()


def test_a_submission_naming_a_reviewer_asks_them(make_claim: Any, checker: Any, second_checker: Any) -> None:
    claim = make_claim(state="researching")
    add_research(claim, checker)
    claim.transition("submit", by=checker, expected_state="researching", params=workflow.Params(person=second_checker))
    assert told("review") == [("checker2", claim.pk)]


def test_a_submission_naming_nobody_tells_nobody_in_particular(make_claim: Any) -> None:
    make_claim(state="in_review")  # the queues show it to every reviewer
    assert not Notification.objects.filter(kind="review").exists()


def test_changes_asked_go_to_the_researcher_and_the_resubmission_to_that_reviewer(
    make_claim: Any, checker: Any, second_checker: Any, editor: Any
) -> None:
    claim = make_claim(state="in_review")
    claim.transition(
        "request_changes", by=second_checker, expected_state="in_review", params=workflow.Params(note="Cite it.")
    )
    assert told("changes") == [("checker", claim.pk)]
    claim.transition("submit", by=checker, expected_state="researching")
    assert told("review") == [("checker2", claim.pk)]


def test_an_editor_sending_an_approved_claim_back_tells_the_researcher(make_claim: Any, editor: Any) -> None:
    claim = make_claim(state="approved")
    claim.transition("send_back", by=editor, expected_state="approved", params=workflow.Params(note="Check it."))
    assert told("changes") == [("checker", claim.pk)]


def test_an_approval_tells_every_editor_but_the_one_who_approved(
    make_claim: Any, editor: Any, second_checker: Any
) -> None:
    other_editor = UserFactory(username="editor2", groups=[workflow.EDITORS_GROUP])
    UserFactory(username="gone", groups=[workflow.EDITORS_GROUP], is_active=False)
    make_claim(state="approved")  # approved by second_checker
    assert [name for name, _ in told("approved")] == ["editor", "editor2"]
    claim = make_claim(state="in_review")
    claim.transition("approve", by=other_editor, expected_state="in_review")
    assert [name for name, pk in told("approved") if pk == claim.pk] == ["editor"]


def test_publishing_tells_the_researcher_and_the_reviewer_not_the_editor(publish: Any) -> None:
    claim = publish()
    assert told("published") == [("checker", claim.pk), ("checker2", claim.pk)]


def test_a_published_source_that_changes_or_dies_tells_the_researcher(publish: Any, make_claim: Any) -> None:
    claim = publish(urls=("https://example.org/report",))
    open_claim = make_claim(state="researching")
    source = Source.objects.get()
    open_claim.add_evidence(by=open_claim.assignee, url=source.url, quote="x")
    source._log_on_citing_claims("source_changed", "changed")
    source._log_on_citing_claims("source_fetched", "fetched")  # not news for a verdict
    source._log_on_citing_claims("source_dead", "gone")
    rows = Notification.objects.filter(kind="source").order_by("pk")
    assert [(row.recipient.username, row.claim_id, row.actor) for row in rows] == [
        ("checker", claim.pk, None),
        ("checker", claim.pk, None),
    ]
    assert "changed since it was checked" in rows[0].text
    assert "stopped answering" in rows[1].text


def test_nothing_is_told_of_a_transition_that_rolls_back(make_claim: Any, checker: Any, editor: Any) -> None:
    claim = make_claim()
    with pytest.raises(RuntimeError):
        assign_then_fail(claim, editor, checker)
    assert Claim.objects.get(pk=claim.pk).state == "submitted"
    assert not Notification.objects.exists()


def test_a_person_without_an_address_or_with_the_kind_turned_off_gets_no_email_row(
    make_claim: Any, checker: Any, second_checker: Any, editor: Any
) -> None:
    from claims.models import Profile

    second_checker.email = "second@example.org"
    second_checker.save()
    Profile.objects.create(user=second_checker, email_off=["assigned"])
    claim = make_claim()
    claim.transition("assign", by=editor, expected_state="submitted", params=workflow.Params(person=checker))
    claim.transition("reassign", by=editor, expected_state="assigned", params=workflow.Params(person=second_checker))
    assert list(Notification.objects.order_by("pk").values_list("email", flat=True)) == ["off", "off"]


def assign_then_fail(claim: Any, editor: Any, checker: Any) -> None:
    with transaction.atomic():
        claim.transition("assign", by=editor, expected_state="submitted", params=workflow.Params(person=checker))
        raise RuntimeError("after the transition, before the commit")
