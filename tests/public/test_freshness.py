"""Conditional GETs: public URLs answer 304 until a correction or a fetched source changes them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from claims.models import Claim, Source, Verdict
from tests.public.conftest import correct, page_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["{page}", "{page}v/1/", "/verdicts/", "/verdicts/feed/", "/verdicts/atom/", "/verdicts.json", "/sitemap.xml"],
)
def test_public_urls_answer_conditional_gets_with_304(url: str, publish: Any, client: Client) -> None:
    claim = publish()
    url = url.format(page=page_url(claim))

    first = client.get(url)

    assert first.status_code == 200
    assert first["ETag"]
    assert first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_a_correction_changes_the_etag_and_last_modified(publish: Any, client: Client, editor: Any) -> None:
    claim = publish()
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Claim.objects.filter(pk=claim.pk).update(updated_at=an_hour_ago, published_at=an_hour_ago)
    Verdict.objects.filter(claim=claim).update(published_at=an_hour_ago)
    before = client.get(page_url(claim))

    correct(claim, editor)

    after = client.get(page_url(claim), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert client.get(page_url(claim), HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]).status_code == 200


def test_a_fetched_source_changes_the_page_etag(publish: Any, client: Client) -> None:
    claim = publish(urls=("https://example.org/report",))
    before = client.get(page_url(claim))

    Source.objects.update(title="Now with a title", updated_at=timezone.now() + timedelta(seconds=5))

    assert client.get(page_url(claim), HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
