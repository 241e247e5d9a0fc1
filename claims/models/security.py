"""The append-only log of who logged in, who failed to, and who was refused."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from claims.models.append_only import AppendOnly, AppendOnlyQuerySet, append_only_triggers


def _text(value: object, limit: int) -> str:
    # What an attacker typed goes in as text a column can hold: PostgreSQL
    # refuses NUL in text, and a log row must never turn a refusal into a 500.
    return str(value or "").replace("\x00", "\N{REPLACEMENT CHARACTER}")[:limit]


class SecurityEvent(AppendOnly):
    """Log-ins, failed log-ins, lock-outs, second-factor checks and refused
    requests. Append-only in the database like the activity log: whoever gets
    in cannot remove the trace of how they did."""

    class Kind(models.TextChoices):
        LOGGED_IN = "logged_in", "Logged in"
        LOGGED_OUT = "logged_out", "Logged out"
        LOGIN_FAILED = "login_failed", "Failed log-in"
        LOCKED_OUT = "locked_out", "Locked out after failed log-ins"
        SECOND_FACTOR_PASSED = "second_factor_passed", "Gave a right two-factor code"
        SECOND_FACTOR_FAILED = "second_factor_failed", "Gave a wrong two-factor code"
        RECOVERY_CODE_USED = "recovery_code_used", "Used a recovery code"
        SECOND_FACTOR_SET_UP = "second_factor_set_up", "Set up two-factor authentication"
        RECOVERY_CODES_MADE = "recovery_codes_made", "Made new recovery codes"
        REFUSED = "refused", "Refused a page or an action"
        POLICY_CHANGED = "policy_changed", "Changed the desk policy"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # As typed at the log-in form: a failed log-in may name nobody who exists.
    username = models.CharField(max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()
    log_name = "security"

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["user", "-created_at"], name="security_event_user_time")]
        triggers = append_only_triggers(
            "security_event",
            ("id", "kind", "username", "ip_address", "method", "path", "note", "created_at"),
            "user",
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username or '-'}"

    @classmethod
    def record(
        cls,
        kind: str,
        request: HttpRequest | None,
        user: Any = None,
        username: object = "",
        ip_address: str | None = None,
        note: object = "",
    ) -> SecurityEvent:
        if user is None and request is not None and getattr(request, "user", None) is not None:
            user = request.user if request.user.is_authenticated else None
        return cls.objects.create(
            kind=kind,
            user=user,
            username=_text(username or (user.get_username() if user else ""), 150),
            ip_address=ip_address or None,
            method=_text(request.method if request else "", 10),
            path=_text(request.path if request else "", 300),
            note=_text(note, 300),
        )
