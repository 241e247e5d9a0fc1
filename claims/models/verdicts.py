"""The verdict scale (ratings) and verdicts, with the one meaning of a claim's
current verdict: its latest published version. A draft is the version being
written before the first publication; a correction publishes a new version at
once, so a published claim never has a draft."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"


class Rating(models.Model):
    """One step of the verdict scale, managed by editors."""

    label = models.CharField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(help_text="1 is the truest end of the scale.")
    colour = models.CharField(
        max_length=7, default="#777777", validators=[RegexValidator(COLOUR_PATTERN, "Use a colour like #1a7f37.")]
    )
    value = models.SmallIntegerField(null=True, blank=True, help_text="Numeric value for ClaimReview (optional).")
    retired = models.BooleanField(default=False, help_text="Retired ratings stay on old verdicts but cannot be chosen.")

    class Meta:
        ordering = ("order", "pk")
        constraints = [
            # Colours go into style attributes on public pages: the database
            # holds nothing else, whoever writes the row (admin, shell, SQL).
            models.CheckConstraint(
                condition=Q(colour__regex=COLOUR_PATTERN),
                name="rating_colour_is_hex",
                violation_error_message="Use a colour like #1a7f37.",
            )
        ]

    def __str__(self) -> str:
        return self.label


class VerdictQuerySet(models.QuerySet):
    def published(self) -> VerdictQuerySet:
        return self.filter(published_at__isnull=False)

    def drafts(self) -> VerdictQuerySet:
        return self.filter(published_at__isnull=True)

    def newest_first(self) -> VerdictQuerySet:
        return self.order_by("-version")


class Verdict(models.Model):
    """The conclusion on a claim. Published versions are never changed: a
    correction adds a new version with a dated note."""

    claim = models.ForeignKey("Claim", on_delete=models.PROTECT, related_name="verdicts")
    version = models.PositiveIntegerField(default=1)
    rating = models.ForeignKey(Rating, null=True, on_delete=models.PROTECT, related_name="verdicts")
    summary = models.CharField(max_length=300)
    explanation = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    correction_note = models.TextField(blank=True)
    # Who else readers credit for this version besides its author (the
    # researcher, whoever corrects it): [{"role": "reviewed" | "published" |
    # "corrected", "user": id, "name": full name then}], written when it is
    # published or corrected, so a list of verdicts reads them with its rows.
    credits = models.JSONField(default=list, blank=True)
    revision = models.PositiveIntegerField(default=1, help_text="Counts saves of a draft, to catch stale forms.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = VerdictQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["claim", "version"], name="verdict_version_unique")]
        # The feeds: the newest published versions first.
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(published_at__isnull=False),
                name="verdict_newest_published",
            )
        ]
        ordering = ("claim", "version")

    def __str__(self) -> str:
        return f"{self.rating}: {self.summary}"

    def credited(self, role: str) -> list[str]:
        """The names credited in `role`, those with a name (a login name is internal)."""
        return [entry["name"] for entry in self.credits if entry.get("role") == role and entry.get("name")]

    @property
    def reviewed_by(self) -> list[str]:
        return self.credited(CREDIT_REVIEWED)

    @property
    def published_by(self) -> list[str]:
        return self.credited(CREDIT_PUBLISHED)

    @property
    def corrected_by(self) -> list[str]:
        return self.credited(CREDIT_CORRECTED)


CREDIT_REVIEWED, CREDIT_PUBLISHED, CREDIT_CORRECTED = "reviewed", "published", "corrected"


def credit(role: str, user_id: int, name: str) -> dict[str, Any]:
    """One entry of `Verdict.credits`: the name as it was when credited."""
    return {"role": role, "user": user_id, "name": name}


def credits_of_correction(previous: Verdict | None, editor: Any) -> list[dict[str, Any]]:
    """A correction's credits: the review and publication of the version it
    corrects, and the editor correcting it."""
    kept = [entry for entry in (previous.credits if previous else []) if entry.get("role") != CREDIT_CORRECTED]
    return [*kept, credit(CREDIT_CORRECTED, editor.pk, editor.get_full_name() or editor.get_username())]
