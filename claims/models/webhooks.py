"""Partners' webhooks and their deliveries.

A delivery is a row-held job (see `jobs`), made in the same transaction as the
transition it tells of, so a publication is never without its deliveries. Its
body, the ClaimReview of the verdict it names, is built by the worker that
first takes it (claims.webhooks.jobs), not under the claim's row lock, and then
kept: a retry sends the same bytes and signature."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from claims.models.jobs import HeldJob, HeldJobQuerySet

if TYPE_CHECKING:
    from claims.models.claims import Claim
    from claims.models.verdicts import Verdict


class Webhook(models.Model):
    """A partner's URL that is told when a verdict is published, corrected or
    retracted. Deliveries go through the same guarded fetcher as sources."""

    # Which addresses are accepted is the guard's rule (claims.sources), asked by the form.
    url = models.CharField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=64, default=partial(secrets.token_hex, 32), editable=False)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.url

    def sign(self, body: bytes) -> str:
        return "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookDeliveryQuerySet(HeldJobQuerySet):
    def queue(self, claim: Claim, event: str, verdict: Verdict | None) -> list[int]:
        """A delivery of `event` about `verdict` to every active webhook, sent
        once the transaction commits; the ids made."""
        webhooks = list(Webhook.objects.filter(active=True).values_list("pk", flat=True))
        deliveries = self.bulk_create(
            WebhookDelivery(webhook_id=pk, claim=claim, verdict=verdict, event=event) for pk in webhooks
        )
        ids = [delivery.pk for delivery in deliveries]
        WebhookDelivery.send_on_commit(ids)
        return ids


class WebhookDelivery(HeldJob):
    """One POST of one event to one webhook, with the exact bytes sent."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    WORKING: ClassVar[str] = Status.SENDING

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    claim = models.ForeignKey("Claim", on_delete=models.CASCADE, related_name="+")
    verdict = models.ForeignKey(
        "Verdict", null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="The version told of."
    )
    event = models.CharField(max_length=20)
    body = models.TextField(blank=True, help_text="Built when first sent, then kept for every retry.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "updated_at"], name="delivery_status_updated")]

    def __str__(self) -> str:
        return f"{self.event} to {self.webhook_id}"

    def keep_body(self, body: str) -> str:
        """Keep `body` as what this delivery sends, unless one was kept first;
        the body it sends."""
        WebhookDelivery.objects.filter(pk=self.pk, body="").update(body=body)
        self.body = WebhookDelivery.objects.values_list("body", flat=True).get(pk=self.pk)
        return self.body

    def record(self, status: str, *, http_status: int | None = None, error: str = "") -> bool:
        """Record the outcome of this worker's attempt; False, and nothing
        changed, for a late worker that no longer holds the delivery."""
        return self.record_held(
            status=status,
            http_status=http_status,
            last_error=error,
            retry_at=None,
            retries=0,
            delivered_at=timezone.now() if status == self.Status.DELIVERED else None,
        )

    def give_up(self, message: str, http_status: int | None) -> None:
        self.record(self.Status.FAILED, http_status=http_status, error=message)
