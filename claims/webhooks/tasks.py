"""Celery tasks for webhook deliveries: thin, like the sources' ones. A
delivery's state is on its row; the sweeper re-sends lost ones."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from claims.broker import send
from claims.models import WebhookDelivery
from claims.models.jobs import jobs_waiting
from claims.webhooks.jobs import deliver

log = logging.getLogger(__name__)


@receiver(jobs_waiting, sender=WebhookDelivery)
def _deliver_waiting(sender: type[WebhookDelivery], ids: list[int], **kwargs: Any) -> None:
    for delivery_id in ids:
        if not send(deliver_webhook, delivery_id):
            return  # the broker is down: the sweeper sends them all


@shared_task(time_limit=settings.FETCH_DEADLINE + 60)
def deliver_webhook(delivery_id: int) -> None:
    """The fetcher's deadline bounds the POST; the hard limit is a backstop."""
    delivery = WebhookDelivery.objects.select_related("webhook", "claim", "verdict").filter(pk=delivery_id).first()
    if delivery is None or not delivery.take():
        return
    try:
        delay = deliver(delivery)
    except Exception:
        # A surprise on our side (building the body, the database) is a
        # counted retry, like a partner that is down: never a row left
        # "sending" for the sweeper to take back without end.
        log.exception("delivering webhook delivery %s failed", delivery.pk)
        delay = delivery.record_transient_failure("Something went wrong on our side.")
    if delay is not None:
        send(deliver_webhook, delivery.pk, countdown=delay)


@shared_task
def sweep_deliveries() -> int:
    """Re-send deliveries whose job was lost (the broker was down) and take
    back those a dead worker left half-sent."""
    ids = WebhookDelivery.objects.sweep(timezone.now())
    for delivery_id in ids:
        send(deliver_webhook, delivery_id)
    return len(ids)
