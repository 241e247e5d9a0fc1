"""Celery tasks for watched outlets. Thin: take ids, call the polling and
spotting code.

`poll_due_outlets` (beat, every minute) takes the due outlets (a lease each,
by compare-and-set, so two beat or worker machines never poll one twice) and
sends a poll for each to the fetch queue; it also re-sends the spotting of
stories whose job was lost. Spotting is CPU work: it runs on the default
queue, in batches of NEWS_SPOT_BATCH stories."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext

from claims.broker import send
from claims.models import NewsSentence, Outlet, OutletEntry
from claims.models.jobs import jobs_waiting
from claims.monitoring import news, polling

log = logging.getLogger(__name__)

# Set while a caller spots its own stories (poll_outlets --sync): no job is sent.
_spotting_here: ContextVar[bool] = ContextVar("spotting_here", default=False)


@contextmanager
def spotting_here() -> Iterator[None]:
    token = _spotting_here.set(True)
    try:
        yield
    finally:
        _spotting_here.reset(token)


def enqueue_spotting(article_ids: Iterable[int]) -> None:
    ids = list(article_ids)
    for start in range(0, len(ids), settings.NEWS_SPOT_BATCH):
        if not send(spot_news, ids[start : start + settings.NEWS_SPOT_BATCH]):
            return  # the broker is down: the next minute's sweep sends them


@receiver(jobs_waiting, sender=NewsSentence)
def _spot_waiting(sender: type[NewsSentence], ids: list[int], **kwargs: Any) -> None:
    if not _spotting_here.get():
        enqueue_spotting(ids)


@shared_task
def poll_due_outlets() -> int:
    now = timezone.now()
    taken = Outlet.objects.take_due(now, settings.OUTLET_POLLS_PER_BEAT)
    for pk in taken:
        if not send(poll_outlet, pk):
            break  # its lease runs out and a later beat takes it again
    grace = now - timedelta(seconds=settings.JOB_SWEEP_GRACE)
    lost = OutletEntry.objects.awaiting_spotting(before=grace).values_list("article_id", flat=True)
    enqueue_spotting(lost[: settings.SWEEP_BATCH])
    return len(taken)


@shared_task(time_limit=settings.FETCH_DEADLINE * 2 + 60)
def poll_outlet(outlet_id: int) -> None:
    outlet = Outlet.objects.filter(pk=outlet_id).first()
    if outlet is None:
        return
    try:
        polling.poll(outlet)
    except Exception:
        # A surprise (a parser's, the database's) counts as a failed poll, so
        # an outlet that always causes one is flagged, not retried forever.
        log.exception("polling outlet %s failed", outlet_id)
        outlet.record_failure(gettext("Something went wrong on our side."))


@shared_task(
    soft_time_limit=settings.EXTRACT_SECONDS_PER_SOURCE * 2,
    time_limit=settings.EXTRACT_SECONDS_PER_SOURCE * 2 + 30,
)
def spot_news(article_ids: list[int]) -> None:
    news.spot_articles(article_ids)
