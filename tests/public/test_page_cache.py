"""Public pages are drawn once per state of what they show and then served
from the cache: a hit asks the database only for the freshness; publishing,
correcting, retracting or merging shows at once (a new state is a new
entry); each hit carries its own CSP nonce; the partners' JSON is counted
against its limit, hit or not."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims import workflow
from claims.models import Claim, Claimant, Rating

pytestmark = pytest.mark.django_db


def without_nonce(response: Any) -> str:
    return re.sub(r'nonce="[^"]+"', 'nonce=""', response.content.decode())


def get(client: Client, url: str) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(queries.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/verdicts/",
        "/verdicts/?q=arrested",
        "/verdicts.json",
        "/verdicts/feed/",
        "/verdicts/atom/",
        "/sitemap.xml",
        "/sitemap-verdicts.xml",
        "VERDICT",
        "CLAIMANT",
    ],
)
def test_a_second_reader_is_served_from_the_cache(url: str, publish: Any, client: Client) -> None:
    claim = publish(text="309 people were arrested.", claimant="Asim Bajwa")
    url = {"VERDICT": f"/verdicts/{claim.slug}/", "CLAIMANT": claim.speaker.get_absolute_url()}.get(url, url)
    first, drawn = get(client, url)
    second, served = get(Client(), url)
    # The same page but for the nonce, which is each answer's own.
    assert without_nonce(second) == without_nonce(first)
    assert served <= 3, f"{url}: {served} queries on a hit (the freshness only), {drawn} to draw it"
    assert served < drawn


def test_a_new_verdict_shows_at_once(publish: Any, client: Client) -> None:
    publish(text="309 people were arrested.")
    assert "516 soldiers" not in client.get("/verdicts/").content.decode()
    publish(text="516 soldiers were killed.")
    assert "516 soldiers" in client.get("/verdicts/").content.decode()
    assert '"count": 2' in client.get("/verdicts.json").content.decode()


def test_a_correction_and_a_retraction_show_at_once(publish: Any, editor: Any, client: Client) -> None:
    claim = publish(text="309 people were arrested.")
    page = f"/verdicts/{claim.slug}/"
    client.get(page)
    claim.transition(
        "correct",
        by=editor,
        expected_state="published",
        params=workflow.Params(
            note="New figures.",
            verdict={"rating": Rating.objects.get(label="Mostly false"), "summary": "Corrected.", "explanation": ""},
        ),
    )
    assert "Corrected." in client.get(page).content.decode()
    claim.transition("retract", by=editor, expected_state="published", params=workflow.Params(note="Wrong claim."))
    assert "Retracted" in client.get(page).content.decode()
    assert "309 people were arrested." not in client.get("/verdicts/").content.decode()


def test_a_merge_shows_at_once_on_the_claimant_page(publish: Any, client: Client) -> None:
    publish(text="309 people were arrested.", claimant="Lt Gen Asim Bajwa")
    publish(text="516 soldiers were killed.", claimant="Asim Bajwa")
    survivor = Claimant.for_name("Lt Gen Asim Bajwa")
    assert "516 soldiers" not in client.get(survivor.get_absolute_url()).content.decode()
    Claimant.for_name("Asim Bajwa").merge_into(survivor)
    assert "516 soldiers" in client.get(survivor.get_absolute_url()).content.decode()


def test_every_answer_carries_its_own_nonce(publish: Any, client: Client) -> None:
    claim = publish()
    nonces = []
    for _ in range(2):
        response = client.get(f"/verdicts/{claim.slug}/")
        header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert f'<script type="application/ld+json" nonce="{header}">' in response.content.decode()
        nonces.append(header)
    assert nonces[0] != nonces[1]


def test_each_filter_and_page_is_its_own_entry(publish: Any, client: Client, settings: Any) -> None:
    settings.PUBLIC_PAGE_SIZE = 1
    publish(text="309 people were arrested.")
    publish(text="516 soldiers were killed.")
    assert "516 soldiers" in client.get("/verdicts/").content.decode()
    assert "309 people" in client.get("/verdicts/?page=2").content.decode()
    searched = client.get("/verdicts/?q=arrested").content.decode()
    assert "309 people" in searched
    assert "516 soldiers" not in searched


def test_the_count_of_a_list_is_made_once_for_all_its_pages(publish: Any, client: Client, settings: Any) -> None:
    settings.PUBLIC_PAGE_SIZE = 1
    for n in range(3):
        publish(text=f"Claim {n}: 309 people were arrested.")
    rating = Claim.objects.get(text__startswith="Claim 0").current_verdict.rating_id

    def counts(path: str) -> list[int]:
        made = []
        for page in (1, 2, 3):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"{path}page={page}").status_code == 200
            made.append(sum("COUNT(" in query["sql"].upper() for query in queries.captured_queries))
        return made

    assert counts(f"/verdicts/?rating={rating}&") == [1, 0, 0]
    # The whole list's count is kept by PostgreSQL's triggers (claims.models.claim_counts).
    assert counts("/verdicts/?") == ([0, 0, 0] if connection.vendor == "postgresql" else [1, 0, 0])


def test_the_json_is_counted_against_its_limit_when_served_from_the_cache(
    publish: Any, client: Client, settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "public_json": "3/m"}
    publish()
    assert [client.get("/verdicts.json").status_code for _ in range(4)] == [200, 200, 200, 429]


@pytest.mark.parametrize(
    ("field", "value"),
    [("label", "Wholly false"), ("colour", "#123456"), ("order", 99), ("value", 5), ("retired", True)],
)
def test_a_change_to_the_scale_shows_on_a_cached_verdict_page(
    field: str, value: Any, publish: Any, client: Client
) -> None:
    claim = publish(text="309 people were arrested.")
    url = f"/verdicts/{claim.slug}/"
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    rating = Rating.objects.get(pk=claim.verdicts.get().rating_id)
    setattr(rating, field, value)
    rating.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    if field == "label":
        assert "Wholly false" in changed.content.decode()


def test_a_cached_verdict_page_asks_one_query_on_postgresql(publish: Any, client: Client) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the scale's stamp comes with the freshness row on PostgreSQL; SQLite reads the scale")
    claim = publish(text="309 people were arrested.")
    get(client, f"/verdicts/{claim.slug}/")
    _, served = get(Client(), f"/verdicts/{claim.slug}/")
    assert served == 1
