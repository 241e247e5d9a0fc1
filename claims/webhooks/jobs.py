"""Sending one webhook delivery: build its body once (the ClaimReview of the
version it tells of), sign it, POST it through the guarded fetcher, record the
outcome. The task (claims.webhooks.tasks) calls this with a delivery it holds."""

from __future__ import annotations

import json

from claims.models import WebhookDelivery
from claims.models.jobs import release_connection
from claims.public.claimreview import claim_review
from claims.sources import guard


def body_of(delivery: WebhookDelivery) -> str:
    """The bytes this delivery sends, built by the first attempt and kept, so
    a retry sends the same body and signature."""
    if delivery.body:
        return delivery.body
    claim = delivery.claim
    review = claim_review(claim, delivery.verdict) if delivery.verdict_id else claim_review(claim)
    return delivery.keep_body(json.dumps({"event": delivery.event, "claimReview": review}, sort_keys=True))


def deliver(delivery: WebhookDelivery) -> float | None:
    """POST the body, signed. A transient failure schedules a retry: the
    seconds until it, for the caller to send; None when the delivery came to
    an outcome (or this worker lost it)."""
    webhook = delivery.webhook
    if not webhook.active:
        delivery.record(WebhookDelivery.Status.FAILED, error="The webhook was switched off.")
        return None
    body = body_of(delivery).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Factcheck-Event": delivery.event,
        "X-Factcheck-Delivery": str(delivery.pk),
        "X-Factcheck-Signature": webhook.sign(body),
    }
    release_connection()  # not held while the partner answers
    try:
        response = guard.fetch(webhook.url, method="POST", data=body, headers=headers)
    except guard.BlockedURL as error:
        delivery.record(WebhookDelivery.Status.FAILED, error=str(error))
        return None
    except guard.FetchError as error:
        if error.transient:
            return delivery.record_transient_failure(str(error), http_status=error.status)
        delivery.record(WebhookDelivery.Status.FAILED, http_status=error.status, error=str(error))
        return None
    delivery.record(WebhookDelivery.Status.DELIVERED, http_status=response.status)
    return None
