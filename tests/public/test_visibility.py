"""What the public sees: unpublished claims nowhere, retracted ones off lists and feeds; public URLs only read."""

from __future__ import annotations

from typing import Any

import feedparser
import pytest
from django.test import Client

from tests.public.conftest import SITE, page_url, retract

pytestmark = pytest.mark.django_db


UNPUBLISHED = ["submitted", "assigned", "researching", "in_review", "approved", "rejected"]


@pytest.mark.parametrize("url", ["/verdicts/", "/verdicts/feed/", "/verdicts.json", "/sitemap.xml"])
def test_public_urls_only_read(url: str, client: Client, desk_defaults: None) -> None:
    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_unpublished_claim_is_nowhere_in_public(state: str, make_claim: Any, publish: Any, client: Client) -> None:
    publish()  # something public, so the feeds and lists are not empty
    hidden = make_claim(state=state, text="A secret claim that is not published", claimant="Secret Person")

    assert client.get(page_url(hidden)).status_code == 404
    assert client.get(f"{page_url(hidden)}v/1/").status_code == 404
    for url in (
        "/verdicts/",
        "/verdicts/?q=secret",
        "/verdicts/feed/",
        "/verdicts/atom/",
        "/verdicts.json",
        "/sitemap-verdicts.xml",
    ):
        body = client.get(url).content.decode()
        assert hidden.slug not in body, url
        assert "secret claim" not in body.lower(), url


def test_retracted_claim_leaves_the_list_and_feeds_but_not_the_sitemap(
    publish: Any, client: Client, editor: Any
) -> None:
    claim = retract(publish(), editor)

    assert claim.slug not in client.get("/verdicts/").content.decode()
    for url in ("/verdicts/feed/", "/verdicts/atom/"):
        assert feedparser.parse(client.get(url).content).entries == []
    assert claim.slug in client.get("/sitemap-verdicts.xml").content.decode()
    data = client.get("/verdicts.json").json()
    assert data["results"] == []
    assert data["retracted"] == [
        {"url": f"{SITE}{page_url(claim)}", "dateRetracted": claim.retracted_at.isoformat(timespec="seconds")}
    ]
