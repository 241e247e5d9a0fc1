"""Readers' suggestions of claims to check, and what the desk does with them.

A suggestion is triaged on the desk: made into a claim, attached to a claim
the desk has already (the claim's `demand` counts the readers who asked), or
dismissed. A reader who left an email is told once the verdict is published;
the address is then deleted, or after SUGGESTION_EMAIL_DAYS if it never is.
It is never shown to readers, nor on the desk: the desk sees only that
someone is waiting to hear."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.models.jobs import jobs_waiting
from claims.workflow import PUBLIC_STATES, WorkflowError

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from claims.models.claims import Claim


class SuggestionQuerySet(models.QuerySet):
    def to_tell(self) -> SuggestionQuerySet:
        """Readers waiting to hear of a verdict that is out."""
        return self.filter(claim__state__in=PUBLIC_STATES, told_at=None).exclude(email="")

    def forget_old_emails(self, now: datetime) -> int:
        """Delete the addresses of readers told, and of any kept past the retention period."""
        cutoff = now - timedelta(days=settings.SUGGESTION_EMAIL_DAYS)
        return self.exclude(email="").filter(Q(created_at__lt=cutoff) | ~Q(told_at=None)).update(email="")


class Suggestion(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        MADE = "made", _("Made into a claim")
        ATTACHED = "attached", _("Attached to a claim")
        DISMISSED = "dismissed", _("Dismissed")

    text = models.TextField(help_text="The claim, as the reader gave it.")
    appeared = models.CharField("where it appeared", max_length=300, blank=True)
    url = models.CharField("link", max_length=2000, blank=True)
    why = models.TextField("why it matters", blank=True)
    email = models.EmailField(blank=True, help_text="Deleted once the reader is told, or after the retention period.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    claim = models.ForeignKey("Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    told_at = models.DateTimeField(null=True, blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["status", "-created_at"], name="suggestion_triage")]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def waits_to_hear(self) -> bool:
        return bool(self.email) and self.told_at is None

    def make_claim(self, *, by: AbstractBaseUser) -> Claim:
        """A new claim from this suggestion, logged with where it came from."""
        from claims.models.claims import Claim

        with transaction.atomic():
            suggestion = self._new_locked()
            claim = Claim.objects.add(by=by, text=suggestion.text[: settings.SUGGESTION_MAX_CHARS])
            suggestion._link(claim, self.Status.MADE, by)
        self.refresh_from_db()
        return claim

    def attach_to(self, claim: Claim, *, by: AbstractBaseUser) -> None:
        """Count this reader's ask on a claim the desk has already."""
        with transaction.atomic():
            suggestion = self._new_locked()
            suggestion._link(claim, self.Status.ATTACHED, by)
        self.refresh_from_db()

    def dismiss(self, *, by: AbstractBaseUser, reason: str = "") -> None:
        with transaction.atomic():
            suggestion = self._new_locked()
            suggestion.status = self.Status.DISMISSED
            suggestion.dismiss_reason = reason[:300]
            # Nothing will be published for this reader: nothing to tell them.
            suggestion.email = ""
            suggestion._handled(by)
        self.refresh_from_db()

    def _new_locked(self) -> Suggestion:
        suggestion = Suggestion.objects.select_for_update().get(pk=self.pk)
        if suggestion.status != self.Status.NEW:
            raise WorkflowError(
                gettext("This suggestion was handled already (%(status)s). Nothing was changed.")
                % {"status": suggestion.get_status_display().lower()}
            )
        return suggestion

    def _link(self, claim: Claim, status: str, by: AbstractBaseUser) -> None:
        from claims.models.claims import Claim

        self.status = status
        self.claim = claim
        self._handled(by)
        Claim.objects.filter(pk=claim.pk).update(demand=F("demand") + 1)
        note = f"A reader suggested it: “{self.text[:300]}”"
        if self.appeared:
            note += f" Seen in: {self.appeared}."
        if self.url:
            note += f" Link: {self.url}"
        claim.log(by, "suggestion", note=note)
        if claim.state in PUBLIC_STATES and self.email:
            # Attached to a verdict that is out already: tell them now.
            tell_on_commit([self.pk])

    def _handled(self, by: AbstractBaseUser) -> None:
        self.handled_by = by
        self.handled_at = timezone.now()
        self.save()


def tell_on_commit(ids: list[int]) -> None:
    """Announce readers to tell once the transaction commits (the mail task
    listens); if the broker is down, the periodic sweep tells them later."""
    if ids:
        transaction.on_commit(partial(jobs_waiting.send, sender=Suggestion, ids=list(ids)), robust=True)


def take_to_tell(suggestion_id: int) -> Suggestion | None:
    """The suggestion, marked as told, if nobody else is telling this reader;
    its email still set (the caller deletes it once the mail is sent)."""
    now = timezone.now()
    taken = Suggestion.objects.to_tell().filter(pk=suggestion_id).update(told_at=now)
    if not taken:
        return None
    return Suggestion.objects.select_related("claim").get(pk=suggestion_id)


def told(suggestion: Suggestion, sent: bool) -> None:
    """After the mail: the address deleted, or the mark undone for a retry."""
    if sent:
        Suggestion.objects.filter(pk=suggestion.pk).update(email="")
    else:
        Suggestion.objects.filter(pk=suggestion.pk).update(told_at=None)
