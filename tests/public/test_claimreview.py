"""The ClaimReview JSON-LD on a verdict page: every field Google asks for; payloads cannot break out of it."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.public.conftest import PAYLOADS, SITE, json_ld, page_url

pytestmark = pytest.mark.django_db


def ld_blocks(html: str) -> list[str]:
    return re.findall(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', html, flags=re.S)


def test_claim_review_json_ld_has_every_field_google_asks_for(publish: Any, client: Client, settings: Any) -> None:
    settings.ORGANIZATION_NAME = "Sample Fact Desk"
    settings.ORGANIZATION_URL = "https://desk.example.org/"
    published_on = timezone.localdate() - timedelta(days=3)
    claim = publish(
        rating="False",
        claimant="Lt Gen Asim Bajwa",
        article__url="https://news.example.com/briefing",
        article__published_on=published_on,
    )
    verdict = claim.verdicts.get()

    [review] = json_ld(client.get(page_url(claim)).content.decode(), page_url(claim))

    assert review["@context"] in ("https://schema.org", "http://schema.org")
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"{SITE}{page_url(claim)}"
    assert review["claimReviewed"] == claim.text
    assert review["datePublished"] == claim.published_at.isoformat(timespec="seconds")
    assert review["dateModified"] == verdict.published_at.isoformat(timespec="seconds")
    assert review["author"] == {"@type": "Organization", "name": "Sample Fact Desk", "url": "https://desk.example.org/"}
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 0,
        "bestRating": 5,
        "worstRating": 0,
        "alternateName": "False",
    }
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Person", "name": "Lt Gen Asim Bajwa"}
    assert item["datePublished"] == published_on.isoformat()
    [appearance] = item["appearance"]
    assert appearance["@type"] == "CreativeWork"
    assert appearance["url"] == "https://news.example.com/briefing"


def test_a_rating_without_a_value_is_named_but_not_numbered(publish: Any, client: Client) -> None:
    claim = publish(rating="Unproven")

    [review] = json_ld(client.get(page_url(claim)).content.decode(), page_url(claim))

    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Unproven"}


def test_claim_without_article_url_has_no_appearance(publish: Any, client: Client) -> None:
    claim = publish(article__url="")

    [review] = json_ld(client.get(page_url(claim)).content.decode(), page_url(claim))

    assert "appearance" not in review["itemReviewed"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_claim_cannot_break_out_of_the_json_ld(payload: str, publish: Any, client: Client) -> None:
    claim = publish(text=f"Militants {payload} were killed", claimant=f"Spokesman {payload}")

    html = client.get(page_url(claim)).content.decode()

    [block] = ld_blocks(html)
    assert "</script" not in block
    assert "<" not in block
    assert ">" not in block
    [review] = json_ld(html, page_url(claim))
    assert review["claimReviewed"] == claim.text
    assert review["itemReviewed"]["author"]["name"] == claim.claimant


def test_json_ld_is_valid_json_when_read_raw(publish: Any, client: Client) -> None:
    claim = publish(text="Ünïcode “quotes” & ampersands", claimant="O'Brien")

    [block] = ld_blocks(client.get(page_url(claim)).content.decode())

    assert json.loads(block)["claimReviewed"] == claim.text
