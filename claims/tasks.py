"""Celery tasks. Thin: take ids, claim the work on the row, call the model layer.

The database is the truth: a job's state is on its Source row, so losing the
broker loses no work. `sweep_sources` (beat, every minute) re-enqueues what was
lost and takes back what a dead worker left half-done."""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from claims.fetching import FetchError
from claims.models import Source, WebhookDelivery

log = logging.getLogger(__name__)
SWEEP_BATCH = 500


def enqueue_fetch(source_id: int) -> None:
    """Send the fetch job; if the broker is down, log it and leave the row
    pending for the sweeper, so nothing the user saved is lost."""
    try:
        fetch_source.delay(source_id)
    except Exception:
        log.warning("could not enqueue fetch of source %s; the sweeper will retry", source_id, exc_info=True)


def enqueue_extract(source_id: int) -> None:
    try:
        extract_source.delay(source_id)
    except Exception:
        log.warning("could not enqueue extraction of source %s; the sweeper will retry", source_id, exc_info=True)


def enqueue_delivery(delivery_id: int) -> None:
    try:
        deliver_webhook.delay(delivery_id)
    except Exception:
        log.warning("could not enqueue webhook delivery %s; the sweeper will retry", delivery_id, exc_info=True)


def backoff(retries: int) -> float:
    """Exponential backoff with full jitter, so a site that was down is not hit
    by every retry at the same moment."""
    return random.uniform(0, settings.FETCH_RETRY_BACKOFF * 2**retries)


@shared_task(bind=True, acks_late=True, ignore_result=True, soft_time_limit=90, time_limit=120)
def fetch_source(self, source_id: int) -> None:
    source = Source.objects.filter(pk=source_id).first()
    if source is None or not source.claim_for_fetch():
        return
    try:
        source.fetch_now()
    except (FetchError, SoftTimeLimitExceeded) as error:
        message = str(error) or "The fetch took too long."
        # Counted on the row, not in the message: a copy the sweeper sent
        # starts Celery's count again.
        if source.attempts > settings.FETCH_MAX_RETRIES:
            source.record_failure(Source.Status.FAILED, f"{message} (gave up after {source.attempts} attempts)")
            return
        delay = backoff(self.request.retries)
        source.schedule_retry(message, delay)
        raise self.retry(countdown=delay, exc=error) from error


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def extract_source(source_id: int) -> None:
    """CPU-bound, so it runs on the default queue's process pool."""
    source = Source.objects.filter(pk=source_id, status=Source.Status.FETCHED, extracted_at=None).first()
    if source is not None:
        source.extract_now()


@shared_task(ignore_result=True)
def sweep_sources() -> int:
    """Re-enqueue pending sources whose job was lost and stuck ones, and
    extractions that were lost."""
    now = timezone.now()
    for source_id in Source.objects.awaiting_extraction(now).values_list("pk", flat=True)[:SWEEP_BATCH]:
        enqueue_extract(source_id)
    # Stuck rows go back to pending, dated so that this same sweep sends them.
    Source.objects.stuck(now).update(status=Source.Status.PENDING, updated_at=now - timedelta(days=1))
    ids = list(Source.objects.due_for_sweep(now).values_list("pk", flat=True)[:SWEEP_BATCH])
    # Dated now, so the next sweep does not send them again while they wait in the queue.
    Source.objects.filter(pk__in=ids).update(updated_at=now, retry_at=None)
    for source_id in ids:
        enqueue_fetch(source_id)
    return len(ids)


@shared_task(ignore_result=True)
def refresh_published_sources() -> int:
    """Fetch again what published verdicts cite, so a dead link or a changed
    page is flagged for an editor."""
    before = timezone.now() - timedelta(days=settings.FETCH_REFRESH_DAYS)
    sources = Source.objects.cited_by_published().filter(fetched_at__lt=before)[:SWEEP_BATCH]
    return sum(source.refetch() for source in sources)


@shared_task(bind=True, acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def deliver_webhook(self, delivery_id: int) -> None:
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or not delivery.claim_for_sending():
        return
    try:
        delivery.deliver()
    except (FetchError, SoftTimeLimitExceeded) as error:
        if delivery.attempts > settings.FETCH_MAX_RETRIES:
            delivery.record(
                WebhookDelivery.Status.FAILED, error=f"{error} (gave up after {delivery.attempts} attempts)"
            )
            return
        delay = backoff(self.request.retries)
        delivery.record(WebhookDelivery.Status.PENDING, error=str(error), retry_in=delay)
        raise self.retry(countdown=delay, exc=error) from error


@shared_task(ignore_result=True)
def sweep_deliveries() -> int:
    """Re-enqueue webhook deliveries whose job was lost (the broker was down)
    and take back those a dead worker left half-sent."""
    now = timezone.now()
    grace = now - timedelta(seconds=settings.FETCH_SWEEP_GRACE)
    stuck = now - timedelta(seconds=settings.FETCH_STUCK_AFTER)
    WebhookDelivery.objects.filter(status=WebhookDelivery.Status.SENDING, updated_at__lt=stuck).update(
        status=WebhookDelivery.Status.PENDING, updated_at=grace - timedelta(seconds=1)
    )
    pending = WebhookDelivery.objects.filter(
        Q(retry_at__isnull=True, updated_at__lt=grace) | Q(retry_at__lt=grace), status=WebhookDelivery.Status.PENDING
    )
    ids = list(pending.values_list("pk", flat=True)[:SWEEP_BATCH])
    # Dated now, so the next sweep does not send them again while they wait in the queue.
    WebhookDelivery.objects.filter(pk__in=ids).update(updated_at=now, retry_at=None)
    for delivery_id in ids:
        enqueue_delivery(delivery_id)
    return len(ids)
