"""The append-only log of everything done to a claim."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims import workflow
from claims.models.append_only import AppendOnly, AppendOnlyQuerySet, append_only_triggers
from claims.models.edit_notes import split_note


class Activity(AppendOnly):
    """The append-only log of everything done to a claim. A claim with a log
    cannot be deleted (reject or retract it instead)."""

    claim = models.ForeignKey("Claim", on_delete=models.PROTECT, related_name="activities")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()
    log_name = "activity"

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["claim", "-created_at"], name="activity_claim_time"),
            # The dashboard's rejections by time (claims.models.desk_stats):
            # a few rows of the log in a hundred.
            models.Index(
                fields=["action", "created_at"],
                condition=Q(action__in=("reject", "mark_duplicate")),
                name="activity_outcome_time",
            ),
        ]
        # Append-only in the database too, whoever writes SQL (PostgreSQL; the
        # ORM refuses on every database). The one change allowed: deleting a
        # user sets their rows' actor to NULL (on_delete=SET_NULL).
        triggers = append_only_triggers(
            "activity", ("id", "claim_id", "action", "from_state", "to_state", "note", "created_at"), "actor"
        )
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.action} on {self.claim_id}"

    @property
    def is_transition(self) -> bool:
        return self.action in workflow.ACTIONS

    @property
    def edit_parts(self) -> tuple[str, str]:
        """An edit's note as (the line shown, the whole old value or "")."""
        return split_note(self.note) if self.action in EDIT_ACTIONS else (self.note, "")

    @property
    def label(self) -> str:
        return ACTIVITY_LABELS.get(self.action, self.action.replace("_", " ").capitalize())


EDIT_ACTIONS = ("edited", "evidence_edited", "article_edited")

ACTIVITY_LABELS = {
    "created": _("Added the claim"),
    "edited": _("Edited the claim"),
    "evidence_edited": _("Edited evidence"),
    "article_edited": _("Edited the article"),
    "quote_hand_checked": _("Checked a quote by hand"),
    "conflict_declared": _("Declared a conflict of interest"),
    "comment": _("Commented"),
    "evidence_added": _("Added evidence"),
    "evidence_removed": _("Removed evidence"),
    "verdict_saved": _("Saved the draft verdict"),
    "source_fetched": _("Source fetched"),
    "source_failed": _("Source fetch failed"),
    "source_changed": _("Source changed"),
    "source_dead": _("Source no longer answers"),
    "source_refetch": _("Asked to fetch a source again"),
    "take": _("Took the claim"),
    "assign": _("Assigned the claim"),
    "reassign": _("Reassigned the claim"),
    "reject": _("Rejected the claim"),
    "mark_duplicate": _("Marked as a duplicate"),
    "suggestion": _("A reader suggested it"),
    "reopen": _("Reopened the claim"),
    "start": _("Started research"),
    "submit": _("Submitted for review"),
    "request_changes": _("Requested changes"),
    "approve": _("Approved"),
    "publish": _("Published the verdict"),
    "send_back": _("Sent it back to research"),
    "correct": _("Corrected the verdict"),
    "retract": _("Retracted the verdict"),
    "repeat_confirmed": _("Confirmed a repeat"),
    "repeat_dismissed": _("Dismissed a repeat"),
}
