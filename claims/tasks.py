"""Celery tasks. Thin: take ids, claim the work on the row, call the model layer.

The database is the truth: a job's state is on its Source row, so losing the
broker loses no work. `sweep_sources` (beat, every minute) re-enqueues what was
lost and takes back what a dead worker left half-done."""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from claims.extraction import Extracted
from claims.fetching import FetchError
from claims.models import Source, WebhookDelivery, release_connection
from claims.workflow import State

log = logging.getLogger(__name__)
SWEEP_BATCH = 500


def batches(ids: Iterable[int]) -> Iterator[list[int]]:
    """The ids in jobs: spread over every fetch slot of the deployment
    (FETCH_SLOTS) before a job gets a second source, and at most
    FETCH_BATCH_SIZE to a job."""
    ids = list(ids)
    size = min(settings.FETCH_BATCH_SIZE, max(1, math.ceil(len(ids) / settings.FETCH_SLOTS)))
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def send(task: Any, *args: Any, countdown: float | None = None) -> bool:
    """Send a job; if the broker is down, log it and say so. The job's state is
    on its row, which stays as it is for the sweeper: nothing is lost."""
    try:
        task.apply_async(args, countdown=countdown)
    except Exception:
        log.warning("could not send %s%r; the sweeper will", task.name, args, exc_info=True)
        return False
    return True


def enqueue_fetches(source_ids: Iterable[int]) -> None:
    for batch in batches(source_ids):
        if not send(fetch_sources, batch):
            return  # the broker is down: the next batch would wait for the same timeout


def enqueue_extractions(source_ids: Iterable[int]) -> None:
    for batch in batches(source_ids):
        if not send(extract_sources, batch):
            return


def enqueue_delivery(delivery_id: int) -> None:
    send(deliver_webhook, delivery_id)


def backoff(retries: int) -> float:
    """Exponential backoff with full jitter, so a site that was down is not hit
    by every retry at the same moment."""
    return random.uniform(0, settings.FETCH_RETRY_BACKOFF * 2**retries)


# A job fetches its sources one after another: the worker's greenlets are the
# concurrency, and bulk work (the sweeper, the re-check of published sources)
# pays Celery's cost per message once per batch; a new citation is a batch of
# one. Limits: the fetcher's deadline bounds each fetch; the job's soft limit
# is checked between sources (on every pool: gevent and threads do not raise
# Celery's soft limit), and what is left goes to a new job; the hard limit is
# the backstop, and a row it cuts off is taken back by the sweeper after
# FETCH_STUCK_AFTER.
FETCH_JOB_HARD_LIMIT = settings.FETCH_DEADLINE * (settings.FETCH_BATCH_SIZE + 1) + 60


@shared_task(acks_late=True, ignore_result=True, time_limit=FETCH_JOB_HARD_LIMIT)
def fetch_sources(source_ids: list[int]) -> None:
    soft_limit = time.monotonic() + settings.FETCH_DEADLINE * settings.FETCH_BATCH_SIZE
    sources = list(Source.objects.filter(pk__in=source_ids).defer("text").order_by("pk"))
    fetched = []
    for position, source in enumerate(sources):
        if time.monotonic() > soft_limit:
            enqueue_fetches(later.pk for later in sources[position:])
            break
        try:
            if source.claim_for_fetch() and source.fetch_now():
                fetched.append(source.pk)
        except FetchError as error:
            retry_later(source, str(error))
        except Exception:
            # One source's surprise (a full disk, the database pool timing
            # out) must not cost the rest of the batch; the row is retried.
            log.exception("fetching source %s failed", source.pk)
            retry_later(source, "Something went wrong on our side.")
    release_connection()  # not held while the broker answers
    enqueue_extractions(fetched)


def retry_later(source: Source, message: str) -> None:
    """After a transient failure: back to pending, and a job of its own after
    the backoff (the sweeper sends it if that message is lost). Counted on the
    row (`retries`), so a copy the sweeper sent does not start the count again."""
    try:
        if source.retries >= settings.FETCH_MAX_RETRIES:
            source.record_failure(Source.Status.FAILED, f"{message} (gave up after {source.retries + 1} attempts)")
            return
        delay = backoff(source.retries)
        if not source.schedule_retry(message, delay):
            return
    except Exception:
        log.exception("could not record the failure of source %s; the sweeper will take it back", source.pk)
        return
    send(fetch_sources, [source.pk], countdown=delay)


EXTRACT_LIMIT = 60  # seconds per source


@shared_task(
    acks_late=True,
    ignore_result=True,
    soft_time_limit=EXTRACT_LIMIT * settings.FETCH_BATCH_SIZE,
    time_limit=EXTRACT_LIMIT * settings.FETCH_BATCH_SIZE + 30,
)
def extract_sources(source_ids: list[int]) -> None:
    """CPU-bound, so it runs on the default queue's process pool."""
    waiting = Source.objects.filter(pk__in=source_ids, status=Source.Status.FETCHED, extracted_at=None)
    sources = list(waiting.defer("text"))
    for position, source in enumerate(sources):
        try:
            source.extract_now()
        except SoftTimeLimitExceeded:
            # This page took the batch's time: it stays without text (its
            # quotes cannot be checked), and the rest go to a new job.
            log.warning("extracting source %s took too long; it is kept without text", source.pk)
            source.record_extracted(Extracted())
            enqueue_extractions(later.pk for later in sources[position + 1 :])
            return


@shared_task(ignore_result=True)
def sweep_sources() -> int:
    """Re-enqueue pending sources whose job was lost and stuck ones, and
    extractions that were lost."""
    now = timezone.now()
    lost = list(Source.objects.awaiting_extraction(now).values_list("pk", flat=True)[:SWEEP_BATCH])
    Source.objects.filter(pk__in=lost).update(updated_at=now)  # not sent again while they wait in the queue
    enqueue_extractions(lost)
    # Stuck rows go back to pending, dated so that this same sweep sends them.
    Source.objects.stuck(now).update(status=Source.Status.PENDING, updated_at=now - timedelta(days=1))
    ids = list(Source.objects.due_for_sweep(now).values_list("pk", flat=True)[:SWEEP_BATCH])
    # Dated now, so the next sweep does not send them again while they wait in
    # the queue; only if still due (a retry scheduled meanwhile keeps its time).
    Source.objects.due_for_sweep(now).filter(pk__in=ids).update(updated_at=now, retry_at=None)
    enqueue_fetches(ids)
    return len(ids)


@shared_task(ignore_result=True)
def refresh_published_sources() -> int:
    """Fetch again what published verdicts cite, so a dead link or a changed
    page is flagged for an editor."""
    before = timezone.now() - timedelta(days=settings.FETCH_REFRESH_DAYS)
    # By when a fetch last came to an outcome: a page flagged as changed or dead
    # is checked again a period later, not every hour.
    due = Source.objects.cited_by([State.PUBLISHED]).filter(checked_at__lt=before).values_list("pk", flat=True)
    return len(Source.objects.filter(pk__in=list(due[:SWEEP_BATCH])).refetch())


@shared_task(acks_late=True, ignore_result=True, time_limit=settings.FETCH_DEADLINE + 60)
def deliver_webhook(delivery_id: int) -> None:
    """The fetcher's deadline bounds the POST; the hard limit is a backstop.
    Retries are counted on the row, like fetches."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or not delivery.claim_for_sending():
        return
    try:
        delivery.deliver()
    except FetchError as error:
        if delivery.attempts > settings.FETCH_MAX_RETRIES:
            delivery.record(
                WebhookDelivery.Status.FAILED, error=f"{error} (gave up after {delivery.attempts} attempts)"
            )
            return
        delay = backoff(delivery.attempts - 1)
        if delivery.record(WebhookDelivery.Status.PENDING, error=str(error), retry_in=delay):
            send(deliver_webhook, delivery.pk, countdown=delay)


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
    # Dated now, so the next sweep does not send them again while they wait in
    # the queue; only if still due (a retry scheduled meanwhile keeps its time).
    pending.filter(pk__in=ids).update(updated_at=now, retry_at=None)
    for delivery_id in ids:
        enqueue_delivery(delivery_id)
    return len(ids)
