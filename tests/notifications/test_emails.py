"""Notification emails: sent by a real worker on the real broker once the
event's transaction commits, never inside the request; once each, however
many workers try; not at all for a kind the person turned off; and those a
lost message missed, by the sweep."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from claims import workflow
from claims.mail.notifications import email_notification, sweep_notifications
from claims.models import Notification, Profile
from claims.models.notifications import take_to_email

pytestmark = pytest.mark.usefixtures("with_emails")


def outbox_of(count: int, timeout: float = 20) -> list[Any]:
    deadline = time.monotonic() + timeout
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(mail.outbox) >= count, f"{count} email(s) expected, {len(mail.outbox)} sent"
    return list(mail.outbox)


def settled(pk: int, timeout: float = 10) -> Notification:
    deadline = time.monotonic() + timeout
    row = Notification.objects.get(pk=pk)
    while row.email in ("pending", "sending") and time.monotonic() < deadline:
        time.sleep(0.1)
        row = Notification.objects.get(pk=pk)
    return row


@pytest.mark.django_db(transaction=True)
def test_a_worker_emails_the_assignee_once_the_assignment_commits(
    mail_worker: Any, make_claim: Any, checker: Any, editor: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://desk.example.org"
    claim = make_claim(text="Pakistan has paid $106.9 billion <for> this war.")
    claim.transition("assign", by=editor, expected_state="submitted", params=workflow.Params(person=checker))

    [sent] = outbox_of(1)
    assert sent.to == ["checker@example.org"]
    assert "A claim is assigned to you" in sent.subject
    assert "assigned you a claim" in sent.body
    assert "$106.9 billion <for> this war" in sent.body  # plain text: not HTML-escaped
    assert f"https://desk.example.org/desk/claims/{claim.pk}/" in sent.body
    assert "https://desk.example.org/desk/me/" in sent.body
    assert settled(Notification.objects.get().pk).email == "sent"
    time.sleep(1)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_kind_turned_off_is_not_emailed_and_the_others_are(
    mail_worker: Any, make_claim: Any, checker: Any, second_checker: Any, editor: Any
) -> None:
    Profile.objects.create(user=checker, email_off=["assigned"])
    claim = make_claim()
    claim.transition("assign", by=editor, expected_state="submitted", params=workflow.Params(person=checker))
    claim.comment(by=second_checker, text="@checker see the army's figures.")

    [sent] = outbox_of(1)
    assert "mentioned you" in sent.body
    kinds = dict(Notification.objects.values_list("kind", "email"))
    assert kinds["assigned"] == "off"
    assert settled(Notification.objects.get(kind="mention").pk).email == "sent"
    time.sleep(1)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_emails_nobody(mail_worker: Any, make_claim: Any, checker: Any, editor: Any) -> None:
    claim = make_claim()
    with pytest.raises(RuntimeError):
        assign_then_fail(claim, editor, checker)
    time.sleep(2)
    assert mail.outbox == []
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_request_sends_no_email_and_the_sweep_sends_what_the_broker_lost(
    make_claim: Any, checker: Any, editor: Any, client_for: Any, request: pytest.FixtureRequest
) -> None:
    claim = make_claim()
    response = client_for(editor).post(
        f"/desk/claims/{claim.pk}/act/assign/", {"assign-state": "submitted", "assign-person": checker.pk}
    )
    assert response.status_code == 302
    assert mail.outbox == []  # nothing was sent inside the request
    row = Notification.objects.get()
    assert row.email == "pending"  # its message went to a queue no worker of this test reads

    request.getfixturevalue("mail_worker")
    time.sleep(1)
    assert mail.outbox == []  # the lost message is not this worker's
    Notification.objects.filter(pk=row.pk).update(email_changed_at=timezone.now() - timedelta(minutes=10))
    sweep_notifications.delay()
    [sent] = outbox_of(1)
    assert sent.to == ["checker@example.org"]
    assert settled(row.pk).email == "sent"


@pytest.mark.django_db
def test_two_workers_never_send_the_same_email(make_claim: Any, checker: Any, editor: Any) -> None:
    claim = make_claim()
    claim.transition("assign", by=editor, expected_state="submitted", params=workflow.Params(person=checker))
    row = Notification.objects.get()
    assert take_to_email(row.pk) is not None
    assert take_to_email(row.pk) is None  # taken: the second worker leaves it
    email_notification(row.pk)  # a late copy of the job: nothing
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_email_turned_off_after_the_notification_is_not_sent(make_claim: Any, checker: Any, editor: Any) -> None:
    claim = make_claim()
    claim.transition("assign", by=editor, expected_state="submitted", params=workflow.Params(person=checker))
    Profile.objects.create(user=checker, email_off=["assigned"])
    row = Notification.objects.get()
    email_notification(row.pk)  # the task's code, in this process
    assert mail.outbox == []
    assert Notification.objects.get(pk=row.pk).email == "off"


@pytest.mark.django_db
def test_a_failed_send_waits_for_the_sweep_and_gives_up_in_the_end(
    make_claim: Any, checker: Any, editor: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    settings.JOB_MAX_RETRIES = 1
    claim = make_claim()
    claim.transition("assign", by=editor, expected_state="submitted", params=workflow.Params(person=checker))
    row = Notification.objects.get()
    email_notification(row.pk)
    assert Notification.objects.get(pk=row.pk).email == "pending"
    assert not Notification.objects.email_due(timezone.now()).exists()  # not before the grace
    assert Notification.objects.email_due(timezone.now() + timedelta(hours=1)).exists()
    email_notification(row.pk)
    assert Notification.objects.get(pk=row.pk).email == "failed"


@pytest.mark.django_db
def test_a_worker_that_died_mid_send_leaves_the_email_to_the_sweep(make_claim: Any, checker: Any, editor: Any) -> None:
    claim = make_claim()
    claim.transition("assign", by=editor, expected_state="submitted", params=workflow.Params(person=checker))
    row = Notification.objects.get()
    assert take_to_email(row.pk) is not None  # ... and the worker dies
    later = timezone.now() + timedelta(hours=1)
    assert list(Notification.objects.email_due(later).values_list("pk", flat=True)) == [row.pk]
    Notification.objects.filter(pk=row.pk).update(email_changed_at=timezone.now() - timedelta(hours=1))
    email_notification(row.pk)
    assert [sent.to for sent in mail.outbox] == [["checker@example.org"]]


def assign_then_fail(claim: Any, editor: Any, checker: Any) -> None:
    with transaction.atomic():
        claim.transition("assign", by=editor, expected_state="submitted", params=workflow.Params(person=checker))
        raise RuntimeError("after the transition, before the commit")
