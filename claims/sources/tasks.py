"""Celery tasks for cited sources. Thin: take ids, take the row, call the jobs.

The database is the truth: a job's state is on its Source row, so losing the
broker loses no work. `sweep_sources` (beat, every minute) re-sends what was
lost and takes back what a dead worker left half-done."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext

from claims.broker import send
from claims.models import Source
from claims.models.jobs import jobs_waiting, release_connection
from claims.models.stored_copies import CopyNotStored
from claims.sources.guard import FetchError
from claims.sources.jobs import extract_source, fetch_source, give_up_extracting
from claims.workflow import State

log = logging.getLogger(__name__)


def batches(ids: Iterable[int]) -> Iterator[list[int]]:
    """The ids in jobs: spread over every fetch slot of the deployment
    (FETCH_SLOTS) before a job gets a second source, and at most
    FETCH_BATCH_SIZE to a job."""
    ids = list(ids)
    size = min(settings.FETCH_BATCH_SIZE, max(1, math.ceil(len(ids) / settings.FETCH_SLOTS)))
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def enqueue_fetches(source_ids: Iterable[int]) -> None:
    for batch in batches(source_ids):
        if not send(fetch_sources, batch):
            return  # the broker is down: the next batch would wait for the same timeout


def enqueue_extractions(source_ids: Iterable[int]) -> None:
    for batch in batches(source_ids):
        if not send(extract_sources, batch):
            return


@receiver(jobs_waiting, sender=Source)
def _fetch_waiting(sender: type[Source], ids: list[int], **kwargs: Any) -> None:
    enqueue_fetches(ids)


# A job fetches its sources one after another: the worker's greenlets are the
# concurrency, and bulk work (the sweeper, the re-check of published sources)
# pays Celery's cost per message once per batch; a new citation is a batch of
# one. Limits: the fetcher's deadline bounds each fetch; the job's soft limit
# is checked between sources (on every pool: gevent and threads do not raise
# Celery's soft limit), and what is left goes to a new job; the hard limit is
# the backstop, and a row it cuts off is taken back by the sweeper after
# JOB_STUCK_AFTER.
@shared_task(time_limit=settings.FETCH_DEADLINE * (settings.FETCH_BATCH_SIZE + 1) + 60)
def fetch_sources(source_ids: list[int]) -> None:
    soft_limit = time.monotonic() + settings.FETCH_DEADLINE * settings.FETCH_BATCH_SIZE
    sources = list(Source.objects.filter(pk__in=source_ids).defer("text").order_by("pk"))
    fetched = []
    for position, source in enumerate(sources):
        if time.monotonic() > soft_limit:
            enqueue_fetches(later.pk for later in sources[position:])
            break
        try:
            if source.take() and fetch_source(source):
                fetched.append(source.pk)
        except FetchError as error:
            retry_later(source, str(error))
        except CopyNotStored as error:
            # Our disk, not the site: retried, as space may be freed meanwhile,
            # and the desk reads why.
            log.warning("could not store the copy of source %s", source.pk, exc_info=True)
            retry_later(source, str(error))
        except Exception:
            # One source's surprise (a full disk, the database pool timing
            # out) must not cost the rest of the batch; the row is retried.
            log.exception("fetching source %s failed", source.pk)
            retry_later(source, gettext("Something went wrong on our side."))
    release_connection()  # not held while the broker answers
    enqueue_extractions(fetched)


def retry_later(source: Source, message: str) -> None:
    """After a transient failure: a job of its own after the backoff, or the
    source failed past its retry budget (see claims.models.jobs)."""
    try:
        delay = source.record_transient_failure(message)
    except Exception:
        log.exception("could not record the failure of source %s; the sweeper will take it back", source.pk)
        return
    if delay is not None:
        send(fetch_sources, [source.pk], countdown=delay)


@shared_task(
    soft_time_limit=settings.EXTRACT_SECONDS_PER_SOURCE * settings.FETCH_BATCH_SIZE,
    time_limit=settings.EXTRACT_SECONDS_PER_SOURCE * settings.FETCH_BATCH_SIZE + 30,
)
def extract_sources(source_ids: list[int]) -> None:
    """CPU-bound, so it runs on the default queue's process pool."""
    waiting = Source.objects.filter(pk__in=source_ids, status=Source.Status.FETCHED, extracted_at=None)
    sources = list(waiting.defer("text"))
    for position, source in enumerate(sources):
        try:
            extract_source(source)
        except SoftTimeLimitExceeded:
            # This page took the batch's time: it stays without text, and the
            # rest go to a new job.
            log.warning("extracting source %s took too long; it is kept without text", source.pk)
            give_up_extracting(source)
            enqueue_extractions(later.pk for later in sources[position + 1 :])
            return


@shared_task
def sweep_sources() -> int:
    """Re-send pending sources whose job was lost and stuck ones, and
    extractions that were lost."""
    now = timezone.now()
    lost = list(Source.objects.awaiting_extraction(now).values_list("pk", flat=True)[: settings.SWEEP_BATCH])
    Source.objects.filter(pk__in=lost).update(updated_at=now)  # not sent again while they wait in the queue
    enqueue_extractions(lost)
    ids = Source.objects.sweep(now)
    enqueue_fetches(ids)
    return len(ids)


@shared_task
def refresh_published_sources() -> int:
    """Fetch again what published verdicts cite, so a dead link or a changed
    page is flagged for an editor."""
    before = timezone.now() - timedelta(days=settings.FETCH_REFRESH_DAYS)
    # By when a fetch last came to an outcome: a page flagged as changed or dead
    # is checked again a period later, not every hour.
    due = Source.objects.cited_by([State.PUBLISHED]).filter(checked_at__lt=before).values_list("pk", flat=True)
    return len(Source.objects.filter(pk__in=list(due[: settings.SWEEP_BATCH])).refetch())
