"""Costly requests are limited: citing URLs and asking for fetches again, per
person; the partners' JSON, per address. One too many gets 429 and a clear
message, and changes nothing; others are not held up."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from claims.models import Article, Evidence, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight(settings: Any) -> None:
    settings.RATE_LIMITS = {"cite": "3/m", "refetch": "2/m", "public_json": "3/m"}


def cite(client: Client, claim: Any, url: str) -> Any:
    return client.post(f"/desk/claims/{claim.pk}/evidence/", {"url": url, "stance": "context"})


def test_citing_urls_is_limited_per_person(
    tight: None, make_claim: Any, client_for: Any, checker: Any, editor: Any
) -> None:
    claim = make_claim(state="researching")
    client = client_for(checker)
    for n in range(3):
        assert cite(client, claim, f"https://example.org/report/{n}").status_code == 302
    refused = cite(client, claim, "https://example.org/report/3")
    assert refused.status_code == 429
    assert "That is more than 3 in a minute" in refused.content.decode()
    assert claim.evidence.count() == 3
    assert not Source.objects.filter(url="https://example.org/report/3").exists()
    # Evidence with no URL costs nothing, and a colleague is not held up.
    offline = client.post(f"/desk/claims/{claim.pk}/evidence/", {"offline_source": "A call", "stance": "context"})
    assert offline.status_code == 302
    assert cite(client_for(editor), claim, "https://example.org/report/3").status_code == 302


def test_asking_for_fetches_again_is_limited(tight: None, make_claim: Any, client_for: Any, checker: Any) -> None:
    claim = make_claim(state="researching")
    evidence = claim.add_evidence(by=checker, url="https://example.org/report", stance=Evidence.Stance.CONTEXT)
    client = client_for(checker)
    url = f"/desk/claims/{claim.pk}/evidence/{evidence.pk}/refetch/"
    for _ in range(2):
        Source.objects.update(status=Source.Status.FAILED)
        assert client.post(url, HTTP_HX_REQUEST="true").status_code in (200, 286)
    Source.objects.update(status=Source.Status.FAILED)
    refused = client.post(url, HTTP_HX_REQUEST="true")
    assert refused.status_code == 429
    assert Source.objects.get().status == Source.Status.FAILED  # not asked again


def test_articles_by_url_count_as_citations(tight: None, client_for: Any, checker: Any) -> None:
    client = client_for(checker)
    for n in range(3):
        assert client.post("/desk/articles/new/", {"url": f"https://example.org/story/{n}"}).status_code == 302
    refused = client.post("/desk/articles/new/", {"url": "https://example.org/story/3"})
    assert refused.status_code == 429
    assert "That is more than 3 in a minute" in refused.content.decode()
    assert Article.objects.count() == 3


def test_the_partners_json_is_limited_per_address(tight: None, client: Client, desk_defaults: None) -> None:
    partner = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(3):
        assert partner.get("/verdicts.json").status_code == 200
    refused = partner.get("/verdicts.json")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "wait a moment" in refused.json()["error"]
    assert Client(REMOTE_ADDR="198.51.100.7").get("/verdicts.json").status_code == 200
