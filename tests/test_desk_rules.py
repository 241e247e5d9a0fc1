"""Rules found in review: each guards a way work could silently go wrong."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from claims import workflow
from claims.desk.forms import EvidenceForm
from claims.models import Claim, Claimant, Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db


def test_a_resubmitted_claim_goes_back_to_the_reviewer_who_asked_for_changes(
    make_claim: Any, checker: Any, second_checker: Any
) -> None:
    claim = make_claim(state="in_review")
    claim = claim.transition(
        "request_changes", by=second_checker, expected_state="in_review", params=workflow.Params(note="Add a source.")
    )
    claim = claim.transition("submit", by=checker, expected_state="researching")
    assert claim.reviewer == second_checker


@pytest.mark.parametrize("url", ["https://example.com:99999/", "https://example.com:-1/"])
def test_a_url_with_an_impossible_port_is_a_form_error(url: str) -> None:
    form = EvidenceForm(data={"url": url, "stance": "context"})
    assert not form.is_valid()
    assert "url" in form.errors


def test_two_claimants_cannot_be_merged_into_each_other(desk_defaults: None) -> None:
    a, b = Claimant.for_name("Asim Bajwa"), Claimant.for_name("Lt Gen Asim Bajwa")
    a.merge_into(b)
    with pytest.raises(ValueError, match="not themselves been merged"):
        Claimant.objects.get(pk=b.pk).merge_into(a)
    assert Claimant.objects.get(pk=b.pk).merged_into is None


def test_an_expired_session_on_an_htmx_request_redirects_the_whole_page(make_claim: Any) -> None:
    claim = make_claim(state="researching")
    response = Client().get(claim.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")


def test_a_late_duplicate_delivery_cannot_undo_a_recorded_outcome(make_claim: Any, editor: Any) -> None:
    Webhook.objects.create(url="https://partner.example/hook")
    claim: Claim = make_claim(state="approved").transition("publish", by=editor, expected_state="approved")
    delivery = WebhookDelivery.objects.get(claim=claim)
    assert delivery.take()
    duplicate = WebhookDelivery.objects.get(pk=delivery.pk)
    assert not duplicate.take()  # a second worker does not get it

    delivery.record(WebhookDelivery.Status.DELIVERED, http_status=200)
    assert duplicate.schedule_retry("timeout") is None

    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.attempts == 1


def test_the_claim_form_offers_recent_articles_only(desk_defaults: None) -> None:
    from claims.desk import forms
    from tests.conftest import ArticleFactory

    old, *recent = [ArticleFactory() for _ in range(forms.RECENT_ARTICLES + 1)]
    offered = set(forms.ClaimForm().fields["article"].queryset.values_list("pk", flat=True))
    assert old.pk not in offered
    assert {article.pk for article in recent} == offered


def test_the_desk_opens_any_stored_copy_as_a_sandboxed_download(
    settings: Any, make_claim: Any, checker: Any, outsider: Any, client_for: Any
) -> None:
    from tests.conftest import fetch_as_worker
    from tests.pages import Page, article_html, serving

    claim = make_claim(state="researching")
    with serving(settings, {"/article": Page(article_html())}) as site:
        evidence = claim.add_evidence(by=checker, url=site.url("/article"), stance="context")
        source = fetch_as_worker(evidence.source_id)
    url = f"/desk/sources/{source.pk}/snapshot/"

    download = client_for(checker).get(url)
    assert b"".join(download.streaming_content) == article_html()
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"
    text = client_for(checker).get(url, {"as": "text"})
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert source.text.encode() == text.content
    assert client_for(outsider).get(url).status_code == 403


def test_a_delivery_waiting_for_its_retry_is_not_sent_early_by_a_stray_copy(make_claim: Any, editor: Any) -> None:
    Webhook.objects.create(url="https://partner.example/hook")
    claim: Claim = make_claim(state="approved").transition("publish", by=editor, expected_state="approved")
    delivery = WebhookDelivery.objects.get(claim=claim)
    assert delivery.take()
    assert delivery.schedule_retry("timeout") is not None
    # Its retry is a minute away (the backoff is random; the time is what counts).
    WebhookDelivery.objects.filter(pk=delivery.pk).update(retry_at=timezone.now() + timedelta(seconds=60))

    assert not WebhookDelivery.objects.get(pk=delivery.pk).take()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(retry_at=timezone.now())
    assert WebhookDelivery.objects.get(pk=delivery.pk).take()


def test_a_late_sender_whose_delivery_the_sweeper_took_back_cannot_record_over_the_next(
    make_claim: Any, editor: Any
) -> None:
    Webhook.objects.create(url="https://partner.example/hook")
    claim: Claim = make_claim(state="approved").transition("publish", by=editor, expected_state="approved")
    late = WebhookDelivery.objects.get(claim=claim)
    assert late.take()
    # The late sender overran: the sweeper takes the delivery back and another sends it.
    WebhookDelivery.objects.filter(pk=late.pk).update(
        status=WebhookDelivery.Status.PENDING, updated_at=timezone.now() - timedelta(hours=1)
    )
    new = WebhookDelivery.objects.get(pk=late.pk)
    assert new.take()
    assert new.record(WebhookDelivery.Status.FAILED, http_status=410, error="Gone")

    assert late.record(WebhookDelivery.Status.DELIVERED, http_status=200) is False
    delivery = WebhookDelivery.objects.get(pk=late.pk)
    assert (delivery.status, delivery.http_status, delivery.attempts) == (WebhookDelivery.Status.FAILED, 410, 2)
