"""A delivery taken with a compare-and-set on its row: a duplicate, early or late sender undoes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from claims.models import Claim, Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db


def test_a_late_duplicate_delivery_cannot_undo_a_recorded_outcome(make_claim: Any, editor: Any) -> None:
    Webhook.objects.create(url="https://partner.example/hook")
    claim: Claim = make_claim(state="approved").transition("publish", by=editor, expected_state="approved")
    delivery = WebhookDelivery.objects.get(claim=claim)
    assert delivery.take()
    duplicate = WebhookDelivery.objects.get(pk=delivery.pk)
    assert not duplicate.take()  # a second worker does not get it

    delivery.record(WebhookDelivery.Status.DELIVERED, http_status=200)
    assert duplicate.schedule_retry("timeout") is None

    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.attempts == 1


def test_a_delivery_waiting_for_its_retry_is_not_sent_early_by_a_stray_copy(make_claim: Any, editor: Any) -> None:
    Webhook.objects.create(url="https://partner.example/hook")
    claim: Claim = make_claim(state="approved").transition("publish", by=editor, expected_state="approved")
    delivery = WebhookDelivery.objects.get(claim=claim)
    assert delivery.take()
    assert delivery.schedule_retry("timeout") is not None
    # Its retry is a minute away (the backoff is random; the time is what counts).
    WebhookDelivery.objects.filter(pk=delivery.pk).update(retry_at=timezone.now() + timedelta(seconds=60))

    assert not WebhookDelivery.objects.get(pk=delivery.pk).take()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(retry_at=timezone.now())
    assert WebhookDelivery.objects.get(pk=delivery.pk).take()


def test_a_late_sender_whose_delivery_the_sweeper_took_back_cannot_record_over_the_next(
    make_claim: Any, editor: Any
) -> None:
    Webhook.objects.create(url="https://partner.example/hook")
    claim: Claim = make_claim(state="approved").transition("publish", by=editor, expected_state="approved")
    late = WebhookDelivery.objects.get(claim=claim)
    assert late.take()
    # The late sender overran: the sweeper takes the delivery back and another sends it.
    WebhookDelivery.objects.filter(pk=late.pk).update(
        status=WebhookDelivery.Status.PENDING, updated_at=timezone.now() - timedelta(hours=1)
    )
    new = WebhookDelivery.objects.get(pk=late.pk)
    assert new.take()
    assert new.record(WebhookDelivery.Status.FAILED, http_status=410, error="Gone")

    assert late.record(WebhookDelivery.Status.DELIVERED, http_status=200) is False
    delivery = WebhookDelivery.objects.get(pk=late.pk)
    assert (delivery.status, delivery.http_status, delivery.attempts) == (WebhookDelivery.Status.FAILED, 410, 2)
