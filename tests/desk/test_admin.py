"""The admin pages editors use: the delivery log and the lists, with a bounded number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db

LISTS = [
    "/admin/claims/claim/",
    "/admin/claims/evidence/",
    "/admin/claims/verdict/",
    "/admin/claims/activity/",
    "/admin/claims/claimant/",
    "/admin/claims/webhookdelivery/",
]


def publish_some(make_claim: Any, editor: Any, count: int) -> None:
    for _ in range(count):
        make_claim(state="approved").transition("publish", by=editor, expected_state="approved")


@pytest.mark.parametrize("url", LISTS)
def test_admin_lists_do_not_grow_in_queries_with_rows(
    url: str, make_claim: Any, editor: Any, client_for: Any, admin_user: Any
) -> None:
    Webhook.objects.create(url="https://partner.example/hook")
    client = client_for(admin_user)
    publish_some(make_claim, editor, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    publish_some(make_claim, editor, 4)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) <= len(few.captured_queries), url


def test_the_webhook_page_links_its_delivery_log(
    make_claim: Any, editor: Any, client_for: Any, admin_user: Any
) -> None:
    hook = Webhook.objects.create(url="https://partner.example/hook")
    publish_some(make_claim, editor, 2)
    client = client_for(admin_user)

    page = client.get(f"/admin/claims/webhook/{hook.pk}/change/").content.decode()
    log_url = f"/admin/claims/webhookdelivery/?webhook__id__exact={hook.pk}"
    assert log_url.replace("&", "&amp;") in page
    log = client.get(log_url).content.decode()

    assert WebhookDelivery.objects.filter(webhook=hook).count() == 2
    for claim in Claim.objects.filter(state="published"):
        assert str(claim)[:40] in log
