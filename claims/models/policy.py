"""What sign-off means on this desk: the desk policy (one row, set by
editors) and the conflicts of interest people declare on claims.

The workflow (claims.workflow.rules) reads both through the claim
(`claim.policy`, `claim.conflicted`), so it imports no model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models.security import SecurityEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest

MAX_APPROVALS = 3
# Evidence counts a desk may ask for: more is a typing slip, not a policy.
MAX_EVIDENCE_ASKED = 20


class DeskPolicy(models.Model):
    """The desk's one policy row (pk 1). Every change is logged as a
    SecurityEvent ("policy_changed") naming who changed what, so a sign-off
    rule loosened on a Friday night is on record."""

    approvals_needed = models.PositiveSmallIntegerField(
        _("approvals needed before publishing"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_APPROVALS)],
        help_text=_("Distinct colleagues, none of whom researched or wrote the claim."),
    )
    editor_may_publish_own = models.BooleanField(
        _("an editor may publish a claim they researched or wrote"),
        default=False,
        help_text=_("Off: another editor publishes it."),
    )
    min_evidence = models.PositiveSmallIntegerField(
        _("pieces of evidence with a source"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_EVIDENCE_ASKED)],
        help_text=_("Each cites a web page or an offline source (an interview, a document)."),
    )
    min_sites = models.PositiveSmallIntegerField(
        _("distinct sites"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_EVIDENCE_ASKED)],
        help_text=_(
            "Cited pages count by their registered domain (two pages of bbc.co.uk are one site); "
            "each offline source counts as one."
        ),
    )
    needs_fetched_copy = models.BooleanField(
        _("at least one fetched copy"),
        default=False,
        help_text=_("A cited page the desk fetched and stored, that readers can download."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    EDITABLE = ("approvals_needed", "editor_may_publish_own", "min_evidence", "min_sites", "needs_fetched_copy")

    class Meta:
        verbose_name_plural = "desk policy"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="desk_policy_single_row"),
            models.CheckConstraint(
                condition=models.Q(approvals_needed__gte=1, approvals_needed__lte=MAX_APPROVALS),
                name="desk_policy_approvals_1_to_3",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Desk policy"))

    @classmethod
    def current(cls) -> DeskPolicy:
        """The policy in force (the defaults until an editor first saves it).
        Read afresh each time: callers keep it for one request at most, so a
        change made in another process applies at once."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @classmethod
    def change(cls, *, by: AbstractBaseUser, request: HttpRequest | None = None, **values: Any) -> list[str]:
        """Set the fields given, log who changed what; the changes said in words
        ([] when nothing changed)."""
        with transaction.atomic():
            policy, _created = cls.objects.select_for_update().get_or_create(pk=1)
            changes = []
            for name in cls.EDITABLE:
                if name in values and getattr(policy, name) != values[name]:
                    label = cls._meta.get_field(name).verbose_name
                    changes.append(f"{label}: {_said(getattr(policy, name))} → {_said(values[name])}")
                    setattr(policy, name, values[name])
            if not changes:
                return []
            policy.updated_by = by
            policy.updated_at = timezone.now()
            policy.full_clean()
            policy.save()
            SecurityEvent.record(SecurityEvent.Kind.POLICY_CHANGED, request, user=by, note="; ".join(changes))
        return changes

    @classmethod
    def as_annotation(cls) -> Subquery:
        """The policy's row as one JSON value, for a query of claims to carry
        (`Claim.policy` reads it): the claim page asks no query of its own."""
        row = JSONObject(**{name: name for name in cls.EDITABLE})
        return Subquery(cls.objects.filter(pk=1).values_list(row)[:1], output_field=models.JSONField())

    @classmethod
    def from_annotation(cls, row: dict[str, Any] | None) -> DeskPolicy:
        policy = cls(pk=1)
        for name, value in (row or {}).items():
            # SQLite's JSON says 1 and 0 for booleans.
            is_bool = isinstance(cls._meta.get_field(name), models.BooleanField)
            setattr(policy, name, bool(value) if is_bool else value)
        return policy

    @staticmethod
    def history(limit: int = 10) -> models.QuerySet:
        return SecurityEvent.objects.filter(kind=SecurityEvent.Kind.POLICY_CHANGED).select_related("user")[:limit]


def _said(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class Conflict(models.Model):
    """A person's declared conflict of interest on a claim: from then on they
    take no action on it (research, review, approval, publication). Declared
    by the person themself; logged on the claim as "conflict_declared"."""

    claim = models.ForeignKey("Claim", on_delete=models.CASCADE, related_name="conflicts")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("declared_at", "pk")
        constraints = [models.UniqueConstraint(fields=["claim", "person"], name="conflict_once_per_person")]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.claim_id}"
