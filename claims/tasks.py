"""Celery tasks. Thin: take ids, claim the work on the row, call the model layer."""

from __future__ import annotations

import logging

from celery import shared_task

from claims.models import Source

log = logging.getLogger(__name__)


def enqueue_fetch(source_id: int) -> None:
    """Send the fetch job; if the broker is down, log it and leave the row
    pending for the sweeper, so nothing the user saved is lost."""
    try:
        fetch_source.delay(source_id)
    except Exception:
        log.warning("could not enqueue fetch of source %s; the sweeper will retry", source_id, exc_info=True)


@shared_task(acks_late=True, ignore_result=True)
def fetch_source(source_id: int) -> None:
    source = Source.objects.filter(pk=source_id).first()
    if source is None or not source.claim_for_fetch():
        return
