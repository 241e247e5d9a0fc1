"""Row-held jobs: work whose state lives on its database row, not in Celery.

A cited source waiting to be fetched and a webhook delivery waiting to be
sent are both rows that a worker takes, works on, and records the outcome of.
One mechanism serves them all:

- take: a compare-and-set on (status, attempts) as read, so two workers never
  hold the same row, and a row a dead worker left holding may be taken back;
- record: an outcome is written only while the job still holds the row, so a
  worker that overran and lost its row cannot overwrite the next one's result;
- retry: transient failures retry after an exponential backoff with full
  jitter, counted on the row (`retries`), until the give-up point;
- sweep: rows whose message was lost (the broker was down) or whose worker
  died are found by the scheduled sweeper and sent again.

Sending the jobs is not this layer's business: `send_on_commit` announces the
rows on `jobs_waiting` once the transaction commits, and the task modules
listen (claims.sources.tasks, claims.webhooks.tasks)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from functools import partial
from typing import Any, ClassVar

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

# Sent, with `sender` the model and `ids` the rows, once the transaction that
# made the rows ready has committed.
jobs_waiting = Signal()


def backoff(retries: int) -> float:
    """Seconds before retry number `retries` + 1: exponential, with full jitter,
    so a site that was down is not hit by every retry at the same moment."""
    return random.uniform(0, settings.JOB_RETRY_BACKOFF * 2**retries)


def release_connection() -> None:
    """Give this thread's database connection back to the pool before a wait
    on the network, so a pool smaller than a worker's concurrency serves all
    of it (unless a caller's transaction holds the connection)."""
    if not connection.in_atomic_block:
        connection.close()


class HeldJobQuerySet(models.QuerySet):
    def due_for_sweep(self, now: datetime) -> HeldJobQuerySet:
        """Pending rows whose job may have been lost: the broker was down when
        they were made ready, or their retry is overdue."""
        grace = now - timedelta(seconds=settings.JOB_SWEEP_GRACE)
        pending = self.model.job_statuses()[0]
        return self.filter(Q(retry_at__isnull=True, updated_at__lt=grace) | Q(retry_at__lt=grace), status=pending)

    def stuck(self, now: datetime) -> HeldJobQuerySet:
        """Rows a worker took but never finished: it died mid-job."""
        working = self.model.job_statuses()[1]
        return self.filter(status=working, updated_at__lt=now - timedelta(seconds=settings.JOB_STUCK_AFTER))

    def sweep(self, now: datetime) -> list[int]:
        """Take back stuck rows and return the ids (at most SWEEP_BATCH) whose
        job must be sent again. They are dated now, so the next sweep does not
        send them again while they wait in the queue; only if still due (a
        retry scheduled meanwhile keeps its time)."""
        pending = self.model.job_statuses()[0]
        # Dated far enough back that this same sweep sends them.
        self.stuck(now).update(status=pending, updated_at=now - timedelta(days=1))
        ids = list(self.due_for_sweep(now).values_list("pk", flat=True)[: settings.SWEEP_BATCH])
        self.due_for_sweep(now).filter(pk__in=ids).update(updated_at=now, retry_at=None)
        return ids


class HeldJob(models.Model):
    """The fields and methods of a row-held job. A subclass has a `Status` with
    a PENDING member and names its working status in `WORKING` ("fetching",
    "sending"); every other status is an outcome."""

    WORKING: ClassVar[str]

    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Jobs that took this row, ever: the token of the job that holds it."
    )
    retries = models.PositiveSmallIntegerField(
        default=0, help_text="Transient failures in a row since the last outcome or request: the retry budget."
    )
    retry_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    @classmethod
    def job_statuses(cls) -> tuple[str, str]:
        return cls.Status.PENDING, cls.WORKING

    @classmethod
    def send_on_commit(cls, ids: list[int]) -> None:
        """Announce rows ready for a job once the transaction commits. Robust: a
        broker that is down must not undo the saved work; the rows stay pending
        and the sweeper sends them later."""
        if ids:
            transaction.on_commit(partial(jobs_waiting.send, sender=cls, ids=list(ids)), robust=True)

    def take(self) -> bool:
        """Take this row's job; False if another worker has it, it is done, or
        its retry's backoff is not over (a copy the sweeper sent leaves it to
        the job sent for that time; a little early is clock skew between
        hosts). A row stuck in the working status (its worker died) may be
        taken again. The status and attempt count read with the row are the
        compare-and-set: a job taken since then has raised the count, and the
        UPDATE matches nothing."""
        pending, working = self.job_statuses()
        now = timezone.now()
        stuck = self.status == working and self.updated_at < now - timedelta(seconds=settings.JOB_STUCK_AFTER)
        waiting = self.retry_at is not None and self.retry_at > now + timedelta(seconds=settings.JOB_CLOCK_SKEW)
        if not (self.status == pending and not waiting) and not stuck:
            return False
        as_read = type(self).objects.filter(pk=self.pk, status=self.status, attempts=self.attempts)
        if not as_read.update(status=working, attempts=self.attempts + 1, updated_at=now, retry_at=None):
            return False
        self.status, self.attempts, self.updated_at, self.retry_at = working, self.attempts + 1, now, None
        return True

    def record_held(self, **fields: Any) -> bool:
        """Write this job's outcome, only while the job still holds the row;
        False, and nothing changed, for a late worker that lost it."""
        fields["updated_at"] = timezone.now()
        held = type(self).objects.filter(pk=self.pk, status=self.WORKING, attempts=self.attempts)
        if not held.update(**fields):
            return False
        for name, value in fields.items():
            setattr(self, name, value)
        return True

    def schedule_retry(self, message: str) -> float | None:
        """Back to pending after a transient failure: the seconds until the
        retry, for the caller to send it then (the sweeper sends it if that
        message is lost); None if this job no longer holds the row."""
        delay = backoff(self.retries)
        retry_at = timezone.now() + timedelta(seconds=delay)
        held = self.record_held(
            status=self.Status.PENDING, last_error=message, retry_at=retry_at, retries=self.retries + 1
        )
        return delay if held else None

    def record_transient_failure(self, message: str, http_status: int | None = None) -> float | None:
        """After a timeout, a 429, a 5xx or a surprise on our side: a retry
        after the backoff (the seconds to wait, for the caller to send it),
        or, past JOB_MAX_RETRIES in a row, the job failed for good (None)."""
        if self.retries >= settings.JOB_MAX_RETRIES:
            self.give_up(f"{message} (gave up after {self.retries + 1} attempts)", http_status)
            return None
        return self.schedule_retry(message)

    def give_up(self, message: str, http_status: int | None) -> None:
        """Record the job's failure for good, with the reason people read."""
        raise NotImplementedError
