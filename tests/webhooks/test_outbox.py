"""A transition's consequences for partners: the deliveries are rows made in
the transition's own transaction, whoever calls it, sent only once it
commits, and their body is built by the worker from the version they tell of,
once, outside the claim's row lock."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from claims import workflow
from claims.models import Claim, Rating, Verdict, Webhook, WebhookDelivery
from claims.models.jobs import jobs_waiting
from claims.webhooks.jobs import body_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(desk_defaults: None) -> Webhook:
    Webhook.objects.create(url="https://off.example/hook", active=False)
    return Webhook.objects.create(url="https://partner.example/hook")


@pytest.fixture
def announced() -> Any:
    """The ids announced on `jobs_waiting` for webhook deliveries, in order."""
    seen: list[list[int]] = []

    def record(sender: Any, ids: list[int], **kwargs: Any) -> None:
        if sender is WebhookDelivery:
            seen.append(ids)

    jobs_waiting.connect(record)
    yield seen
    jobs_waiting.disconnect(record)


def correct(claim: Claim, editor: Any, label: str = "Mostly true") -> Claim:
    verdict = {"rating": Rating.objects.get(label=label), "summary": "Corrected.", "explanation": ""}
    params = workflow.Params(note="The figure was 309.", verdict=verdict)
    return claim.transition("correct", by=editor, expected_state="published", params=params)


def test_publishing_records_one_delivery_per_active_webhook_naming_the_published_version(
    partner: Webhook, make_claim: Any, editor: Any
) -> None:
    claim = make_claim(state="approved").transition("publish", by=editor, expected_state="approved")

    [delivery] = WebhookDelivery.objects.all()
    assert (delivery.webhook, delivery.event, delivery.status) == (partner, "published", "pending")
    assert delivery.verdict == Verdict.objects.get(claim=claim, version=1)
    assert delivery.verdict.published_at is not None
    # Not built under the claim's row lock: the worker builds it when it first sends.
    assert delivery.body == ""


def test_the_deliveries_are_announced_to_the_workers_only_once_the_transition_commits(
    partner: Webhook, make_claim: Any, editor: Any, announced: list[list[int]], django_capture_on_commit_callbacks: Any
) -> None:
    claim = make_claim(state="approved")
    with django_capture_on_commit_callbacks() as callbacks:
        claim.transition("publish", by=editor, expected_state="approved")
        assert announced == []
    assert announced == []  # nothing runs before the commit...
    for callback in callbacks:
        callback()
    assert announced == [[WebhookDelivery.objects.get().pk]]  # ...and then the job is sent


def test_a_transition_rolled_back_leaves_no_delivery(partner: Webhook, make_claim: Any, editor: Any) -> None:
    claim = make_claim(state="approved")

    def publish_then_fail() -> None:
        with transaction.atomic():
            claim.transition("publish", by=editor, expected_state="approved")
            raise RuntimeError("the caller's transaction fails after the transition")

    with pytest.raises(RuntimeError):
        publish_then_fail()
    assert not WebhookDelivery.objects.exists()
    assert Claim.objects.get(pk=claim.pk).state == "approved"


@pytest.mark.parametrize(
    ("action", "state", "who", "note"),
    [
        ("take", "submitted", "checker", ""),
        ("approve", "in_review", "second_checker", ""),
        ("send_back", "approved", "editor", "More sources."),
    ],
)
def test_only_what_readers_see_is_told_to_partners(
    partner: Webhook, make_claim: Any, request: Any, action: str, state: str, who: str, note: str
) -> None:
    claim = make_claim(state=state)
    by = request.getfixturevalue(who)
    claim.transition(action, by=by, expected_state=state, params=workflow.Params(note=note))
    assert not WebhookDelivery.objects.exists()


def test_a_refused_transition_records_no_delivery(partner: Webhook, make_claim: Any, checker: Any) -> None:
    claim = make_claim(state="approved")
    with pytest.raises(workflow.NotPermitted):
        claim.transition("publish", by=checker, expected_state="approved")
    assert not WebhookDelivery.objects.exists()


def test_each_body_tells_of_its_own_version_and_is_kept_for_every_retry(
    partner: Webhook, make_claim: Any, editor: Any
) -> None:
    claim = make_claim(state="approved", text="We have paid $106.9 billion on this war.")
    claim = claim.transition("publish", by=editor, expected_state="approved")
    claim = correct(claim, editor)
    claim.transition("retract", by=editor, expected_state="published", params=workflow.Params(note="Wrong claim."))
    published, corrected, retracted = WebhookDelivery.objects.order_by("pk")

    # Built after the correction, the publication's body still tells of version 1.
    first = json.loads(body_of(published))
    assert first["event"] == "published"
    assert first["claimReview"]["reviewRating"]["alternateName"] == "Unproven"  # as researched
    assert first["claimReview"]["claimReviewed"] == "We have paid $106.9 billion on this war."
    assert json.loads(body_of(corrected))["claimReview"]["reviewRating"]["alternateName"] == "Mostly true"
    assert json.loads(body_of(retracted))["event"] == "retracted"

    # Kept: a retry sends the same bytes, whatever changed since.
    kept = WebhookDelivery.objects.get(pk=published.pk).body
    Claim.objects.filter(pk=claim.pk).update(text="Edited since.")
    assert body_of(WebhookDelivery.objects.get(pk=published.pk)) == kept


def test_transitions_made_outside_the_desk_tell_partners_too(partner: Webhook) -> None:
    # seed_demo walks its claims through Claim.transition(), as a shell would.
    call_command("seed_demo", stdout=io.StringIO())

    events = sorted(WebhookDelivery.objects.values_list("event", flat=True))
    published = Claim.objects.filter(state__in=["published", "retracted"]).count()
    assert published >= 2
    assert events.count("published") == published
    assert "corrected" in events
    assert "retracted" in events
    assert all(delivery.verdict.published_at for delivery in WebhookDelivery.objects.select_related("verdict"))


def test_a_failure_on_our_side_is_a_counted_retry_not_an_endless_one(
    partner: Webhook, make_claim: Any, editor: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from claims.webhooks import tasks

    make_claim(state="approved").transition("publish", by=editor, expected_state="approved")
    delivery = WebhookDelivery.objects.get()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the ClaimReview could not be built")

    monkeypatch.setattr("claims.webhooks.jobs.claim_review", broken)
    # Each retry is sent to the real broker too; no worker takes it here, so
    # the test runs the job itself, as a worker would.
    for attempt in range(1, settings.JOB_MAX_RETRIES + 2):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(retry_at=None)
        tasks.deliver_webhook(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
    assert delivery.status == "failed"
    assert delivery.last_error == (
        f"Something went wrong on our side. (gave up after {settings.JOB_MAX_RETRIES + 1} attempts)"
    )
