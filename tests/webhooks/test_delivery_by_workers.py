"""Partners' webhooks: told of publish, correct and retract by a real worker,
signed, retried, logged, and never sent to a private address."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import pytest

from claims import workflow
from claims.models import Claim, Rating, Webhook, WebhookDelivery
from claims.webhooks.forms import WebhookForm
from tests.pages import Page, PageHandler, serving

pytestmark = pytest.mark.django_db(transaction=True)


def settle(seconds: float = 30) -> list[WebhookDelivery]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not WebhookDelivery.objects.filter(status__in=["pending", "sending"]).exists():
            return list(WebhookDelivery.objects.order_by("pk"))
        time.sleep(0.05)
    raise AssertionError("a delivery is still pending")


def publish(make_claim: Any, editor: Any) -> Claim:
    claim = make_claim(state="approved")
    return claim.transition("publish", by=editor, expected_state="approved")


def test_publishing_posts_the_signed_claim_review_to_every_active_webhook(
    celery_worker: Any, settings: Any, make_claim: Any, editor: Any
) -> None:
    with serving(settings, {"/hook": Page(b"ok", content_type="text/plain")}) as partner:
        webhook = Webhook.objects.create(url=partner.url("/hook"))
        Webhook.objects.create(url=partner.url("/off"), active=False)
        claim = publish(make_claim, editor)
        [delivery] = settle()

    assert delivery.status == "delivered"
    assert delivery.http_status == 200
    [request] = [seen for seen in partner.requests if seen.path == "/hook"]
    assert request.method == "POST"
    expected = "sha256=" + hmac.new(webhook.secret.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-factcheck-signature"] == expected
    assert request.headers["x-factcheck-event"] == "published"
    payload = json.loads(request.body)
    assert payload["event"] == "published"
    assert payload["claimReview"]["@type"] == "ClaimReview"
    assert payload["claimReview"]["claimReviewed"] == claim.text
    assert partner.paths().count("/off") == 0


def test_corrections_and_retractions_are_delivered_too(
    celery_worker: Any, settings: Any, make_claim: Any, editor: Any
) -> None:
    with serving(settings, {"/hook": Page(b"ok", content_type="text/plain")}) as partner:
        Webhook.objects.create(url=partner.url("/hook"))
        claim = publish(make_claim, editor)
        claim = claim.transition(
            "correct",
            by=editor,
            expected_state="published",
            params=workflow.Params(
                note="The figure was 309, not 300.",
                verdict={"rating": Rating.objects.get(label="Mostly true"), "summary": "Corrected.", "explanation": ""},
            ),
        )
        claim.transition("retract", by=editor, expected_state="published", params=workflow.Params(note="Wrong claim."))
        deliveries = settle()

    assert [d.event for d in deliveries] == ["published", "corrected", "retracted"]
    assert all(d.status == "delivered" for d in deliveries)
    corrected = json.loads(deliveries[1].body)["claimReview"]
    assert corrected["reviewRating"]["alternateName"] == "Mostly true"


def test_a_failing_partner_is_retried_with_backoff_and_the_attempts_logged(
    celery_worker: Any, settings: Any, make_claim: Any, editor: Any
) -> None:
    settings.JOB_RETRY_BACKOFF = 0.01
    calls = {"count": 0}

    def flaky(handler: PageHandler) -> None:
        calls["count"] += 1
        status = 503 if calls["count"] < 3 else 200
        handler.send_page(Page(b"busy" if status == 503 else b"ok", status=status, content_type="text/plain"))

    with serving(settings, {"/hook": flaky}) as partner:
        Webhook.objects.create(url=partner.url("/hook"))
        publish(make_claim, editor)
        [delivery] = settle()

    assert delivery.status == "delivered"
    assert delivery.attempts == 3
    assert calls["count"] == 3


def test_a_webhook_pointing_inside_the_network_is_refused_and_logged(
    celery_worker: Any, make_claim: Any, editor: Any
) -> None:
    # Saved past the form (as an old row might be): the guarded fetcher still refuses.
    Webhook.objects.create(url="http://169.254.169.254/latest/meta-data/")
    publish(make_claim, editor)
    [delivery] = settle()
    assert delivery.status == "failed"
    assert "169.254.169.254" in delivery.last_error


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/hook", "http://10.0.0.5/hook", "ftp://partner.example/hook", "not a url"]
)
def test_the_webhook_form_refuses_addresses_that_can_never_be_delivered(url: str) -> None:
    form = WebhookForm(data={"url": url, "active": True})
    assert not form.is_valid()
    assert "url" in form.errors
