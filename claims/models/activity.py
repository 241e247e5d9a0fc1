"""The append-only log of everything done to a claim."""

from __future__ import annotations

import functools
import operator
from typing import Any

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from claims import workflow


class ActivityQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The activity log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The activity log is append-only.")


class Activity(models.Model):
    """The append-only log of everything done to a claim. A claim with a log
    cannot be deleted (reject or retract it instead)."""

    claim = models.ForeignKey("Claim", on_delete=models.PROTECT, related_name="activities")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["claim", "-created_at"], name="activity_claim_time")]
        # Append-only in the database too, whoever writes SQL (PostgreSQL; the
        # ORM refuses on every database). The one change allowed: deleting a
        # user sets their rows' actor to NULL (on_delete=SET_NULL).
        triggers = [
            pgtrigger.Protect(name="activity_no_delete", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="activity_no_update",
                operation=pgtrigger.Update,
                condition=functools.reduce(
                    operator.or_,
                    [
                        pgtrigger.Q(**{f"old__{name}__df": pgtrigger.F(f"new__{name}")})
                        for name in ("id", "claim_id", "action", "from_state", "to_state", "note", "created_at")
                    ],
                    pgtrigger.Q(new__actor__isnull=False),
                ),
            ),
        ]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.action} on {self.claim_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("The activity log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The activity log is append-only.")

    @property
    def is_transition(self) -> bool:
        return self.action in workflow.ACTIONS

    @property
    def label(self) -> str:
        return ACTIVITY_LABELS.get(self.action, self.action.replace("_", " ").capitalize())


ACTIVITY_LABELS = {
    "created": "Added the claim",
    "comment": "Commented",
    "evidence_added": "Added evidence",
    "evidence_removed": "Removed evidence",
    "verdict_saved": "Saved the draft verdict",
    "source_fetched": "Source fetched",
    "source_failed": "Source fetch failed",
    "source_changed": "Source changed",
    "source_dead": "Source no longer answers",
    "source_refetch": "Asked to fetch a source again",
    "take": "Took the claim",
    "assign": "Assigned the claim",
    "reassign": "Reassigned the claim",
    "reject": "Rejected the claim",
    "mark_duplicate": "Marked as a duplicate",
    "suggestion": "A reader suggested it",
    "reopen": "Reopened the claim",
    "start": "Started research",
    "submit": "Submitted for review",
    "request_changes": "Requested changes",
    "approve": "Approved",
    "publish": "Published the verdict",
    "send_back": "Sent it back to research",
    "correct": "Corrected the verdict",
    "retract": "Retracted the verdict",
}
