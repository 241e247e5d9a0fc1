"""The partners' JSON: ClaimReviews with next links, filtered by rating or modification time, unescaped."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from claims.models import Claim, Rating
from tests.public.conftest import PAYLOADS, SITE, page_url, retract

pytestmark = pytest.mark.django_db


def test_json_lists_claim_reviews_with_next_links(publish: Any, client: Client, settings: Any) -> None:
    settings.PUBLIC_JSON_PAGE_SIZE = 2
    claims = [publish() for _ in range(3)]

    first = client.get("/verdicts.json").json()

    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert first["next"] == f"{SITE}/verdicts.json?page=2"
    for review in first["results"]:
        assert review["@type"] == "ClaimReview"
        assert review["reviewRating"]["alternateName"] == "False"
    second = client.get(first["next"].removeprefix(SITE)).json()
    assert second["next"] is None
    urls = {r["url"] for r in first["results"] + second["results"]}
    assert urls == {f"{SITE}{page_url(c)}" for c in claims}
    assert client.get("/verdicts.json?page=3").status_code == 404
    assert client.get("/verdicts.json?page=x").status_code == 400


def test_json_filters_by_rating(publish: Any, client: Client) -> None:
    false = publish(rating="False")
    publish(rating="True")
    rating = Rating.objects.get(label="False")

    data = client.get(f"/verdicts.json?rating={rating.pk}").json()

    assert [r["url"] for r in data["results"]] == [f"{SITE}{page_url(false)}"]
    assert client.get("/verdicts.json?rating=False").status_code == 400


def test_json_modified_since(publish: Any, client: Client, editor: Any) -> None:
    old, recent = publish(), publish()
    retracted = publish()
    long_ago = timezone.now() - timedelta(days=10)
    Claim.objects.filter(pk=old.pk).update(updated_at=long_ago)
    retracted = retract(retracted, editor)
    since = (timezone.now() - timedelta(days=1)).isoformat()

    data = client.get("/verdicts.json", {"modified_since": since}).json()

    assert [r["url"] for r in data["results"]] == [f"{SITE}{page_url(recent)}"]
    assert [r["url"] for r in data["retracted"]] == [f"{SITE}{page_url(retracted)}"]
    # An unescaped "+" in a query string arrives as a space.
    unescaped = client.get(f"/verdicts.json?modified_since={since}").json()
    assert [r["url"] for r in unescaped["results"]] == [f"{SITE}{page_url(recent)}"]
    zulu = client.get("/verdicts.json", {"modified_since": "2000-01-01T00:00:00Z"}).json()
    assert zulu["count"] == 3
    assert client.get("/verdicts.json", {"modified_since": "yesterday"}).status_code == 400


def test_json_escapes_nothing_away(publish: Any, client: Client) -> None:
    claim = publish(text=PAYLOADS[1])

    [review] = client.get("/verdicts.json").json()["results"]

    assert review["claimReviewed"] == claim.text
