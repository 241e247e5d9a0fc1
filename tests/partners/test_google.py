"""Google Fact Check Tools claim search, against a local stand-in answering
the API's JSON: asked only when a key is set, through the guard, cached, its
results kept as external verdicts of the "Google Fact Check Tools" source; on
a new claim, by a real worker once the claim is committed, without holding up
the request that made it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest

from claims.models import Claim, ExternalVerdict, PartnerSource
from claims.partners import google
from claims.partners.tasks import ask_google_factcheck
from tests.pages import Page, PageHandler, serving
from tests.partners.conftest import CLAIM_ON_WHEAT, google_answer

NEW_CLAIM = "Our wheat exports doubled in 2023 compared with the year before, the minister said."


@pytest.fixture
def stand_in(settings: Any) -> Iterator[Any]:
    with serving(settings) as server:
        server.routes["/v1alpha1/claims:search"] = google_answer(CLAIM_ON_WHEAT, "https://factcheck.afp.com/wheat")
        settings.GOOGLE_FACTCHECK_ENDPOINT = server.url("/v1alpha1/claims:search")
        settings.GOOGLE_FACTCHECK_API_KEY = "test-key"
        yield server


@pytest.mark.django_db
def test_results_are_kept_as_external_verdicts_of_the_google_source(stand_in: Any) -> None:
    assert google.store_matches(NEW_CLAIM) == 1

    verdict = ExternalVerdict.objects.select_related("partner").get()
    assert verdict.partner.kind == PartnerSource.Kind.GOOGLE
    assert verdict.partner.name == "Google Fact Check Tools"
    assert (verdict.claim_text, verdict.rating, verdict.organization) == (CLAIM_ON_WHEAT, "False", "AFP Fact Check")
    assert (verdict.claimant, verdict.review_url) == ("A minister", "https://factcheck.afp.com/wheat")
    assert verdict.reviewed_on.isoformat() == "2024-01-15"
    assert stand_in.paths() == ["/v1alpha1/claims:search"]


@pytest.mark.django_db
def test_the_query_carries_the_text_and_the_key_and_is_asked_once(stand_in: Any) -> None:
    asked: list[str] = []
    answer = stand_in.routes["/v1alpha1/claims:search"]

    def record(handler: PageHandler) -> None:
        asked.append(handler.path)
        handler.send_page(answer)

    stand_in.routes["/v1alpha1/claims:search"] = record
    google.store_matches(NEW_CLAIM)
    google.store_matches(NEW_CLAIM)  # cached

    assert len(asked) == 1
    query = parse_qs(asked[0].split("?", 1)[1])
    assert query["query"] == [NEW_CLAIM]
    assert query["key"] == ["test-key"]
    assert ExternalVerdict.objects.count() == 1


@pytest.mark.django_db
def test_nothing_is_asked_without_a_key(stand_in: Any, settings: Any, checker: Any) -> None:
    settings.GOOGLE_FACTCHECK_API_KEY = ""
    claim = Claim.objects.add(by=checker, text=NEW_CLAIM)

    assert ask_google_factcheck(claim.pk) == 0
    assert stand_in.paths() == []
    assert not PartnerSource.objects.exists()


@pytest.mark.django_db
def test_an_answer_that_is_not_json_is_recorded_without_the_key(stand_in: Any) -> None:
    stand_in.routes["/v1alpha1/claims:search"] = Page(b"<html>quota exceeded</html>")

    assert google.store_matches(NEW_CLAIM) == 0

    source = PartnerSource.objects.get(kind=PartnerSource.Kind.GOOGLE)
    assert "did not answer JSON" in source.last_error
    assert "test-key" not in source.last_error
    assert not ExternalVerdict.objects.exists()


@pytest.mark.django_db
def test_a_private_endpoint_is_refused(stand_in: Any, settings: Any) -> None:
    settings.GOOGLE_FACTCHECK_ENDPOINT = "http://10.1.2.3/v1alpha1/claims:search"
    assert google.store_matches(NEW_CLAIM) == 0
    assert "private network" in PartnerSource.objects.get().last_error


def test_a_new_claim_is_searched_by_the_worker_once_committed(
    start_workers: Any, stand_in: Any, checker: Any, client_for: Any, settings: Any
) -> None:
    answer = stand_in.routes["/v1alpha1/claims:search"]

    def slow(handler: PageHandler) -> None:
        time.sleep(1.5)  # a slow API must not hold up the desk
        handler.send_page(answer)

    stand_in.routes["/v1alpha1/claims:search"] = slow
    start_workers(GOOGLE_FACTCHECK_API_KEY="test-key", GOOGLE_FACTCHECK_ENDPOINT=settings.GOOGLE_FACTCHECK_ENDPOINT)
    client = client_for(checker)

    started = time.monotonic()
    response = client.post("/desk/claims/new/", {"text": NEW_CLAIM, "claimant": "A minister", "priority": "1"})
    assert response.status_code == 302
    assert time.monotonic() - started < 1.5

    deadline = time.monotonic() + 30
    while not ExternalVerdict.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    verdict = ExternalVerdict.objects.get()
    assert verdict.organization == "AFP Fact Check"
    assert stand_in.paths() == ["/v1alpha1/claims:search"]

    claim = Claim.objects.get(text=NEW_CLAIM)
    fragment = client.get("/desk/claims/similar/", {"others": "1", "text": claim.text}, HTTP_HX_REQUEST="true")
    assert "AFP Fact Check rated this False in 2024" in fragment.content.decode()


@pytest.mark.django_db
def test_a_slow_answer_is_given_up_after_the_short_timeout(stand_in: Any, settings: Any) -> None:
    settings.GOOGLE_FACTCHECK_TIMEOUT = 1.0
    answer = stand_in.routes["/v1alpha1/claims:search"]

    def slow(handler: PageHandler) -> None:
        if not handler.stopping(4):
            handler.send_page(answer)

    stand_in.routes["/v1alpha1/claims:search"] = slow
    started = time.monotonic()

    assert google.store_matches(NEW_CLAIM) == 0

    assert time.monotonic() - started < 3
    assert "took longer than 1.0 seconds" in PartnerSource.objects.get().last_error
