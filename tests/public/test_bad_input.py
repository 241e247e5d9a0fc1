"""What a reader or a crawler can type into a public address gets a clear
answer, never a 500: numbers past the id column, dates past year 9999 once in
UTC, NUL bytes (which PostgreSQL text refuses); and a merged spelling that was
never public does not point at anyone."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from claims.models import Claimant

pytestmark = pytest.mark.django_db

HUGE = "9223372036854775808"  # one past the largest id


@pytest.mark.parametrize(
    "since", ["0001-01-01T00:00:00%2B05:00", "9999-12-31T23:59:59-05:00", "2025-13-01T00:00:00Z", "yesterday", "%00"]
)
def test_an_impossible_modified_since_is_a_400_that_says_so(since: str, client: Client, desk_defaults: None) -> None:
    response = client.get(f"/verdicts.json?modified_since={since}")
    assert response.status_code == 400
    assert "modified_since must be an ISO 8601 date-time" in response.json()["error"]


def test_a_modified_since_at_the_edge_of_the_calendar_still_works(publish: Any, client: Client) -> None:
    claim = publish()
    response = client.get("/verdicts.json?modified_since=0001-01-02T00:00:00%2B05:00")
    assert response.status_code == 200
    assert [review["claimReviewed"] for review in response.json()["results"]] == [claim.text]


@pytest.mark.parametrize("rating", [HUGE, "99999999999999999999999", "-1", "0", "%00", "1e3"])
def test_an_impossible_rating_filter(rating: str, publish: Any, client: Client) -> None:
    claim = publish()
    listing = client.get(f"/verdicts/?rating={rating}")
    assert listing.status_code == 200
    assert claim.text in listing.content.decode()  # the filter is left out
    data = client.get(f"/verdicts.json?rating={rating}")
    assert data.status_code == 400
    assert data.json() == {"error": "rating must be a rating id."}


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/verdicts/?q=a%00b", 200),
        ("/verdicts/?q=%00", 200),
        ("/verdicts/?page=%00", 200),
        ("/verdicts.json?page=%00", 400),
    ],
)
def test_nul_bytes_in_the_query_string_are_no_error(url: str, status: int, publish: Any, client: Client) -> None:
    publish()
    assert client.get(url).status_code == status


def test_a_search_with_a_nul_byte_searches_for_the_rest(publish: Any, client: Client) -> None:
    claim = publish(text="We have paid $106.9 billion on this war.")
    assert claim.text in client.get("/verdicts/?q=bill%00ion").content.decode()


def test_a_merged_spelling_that_was_never_public_does_not_redirect(
    make_claim: Any, publish: Any, client: Client
) -> None:
    survivor = publish(claimant="Lt Gen Asim Bajwa").speaker
    hidden = Claimant.for_name("General Bajwa (unconfirmed)")
    make_claim(state="researching", claimant="General Bajwa (unconfirmed)", speaker=hidden)
    hidden.merge_into(survivor)

    response = client.get(f"/claimants/{hidden.slug}/")
    assert response.status_code == 404
    assert survivor.slug not in response.content.decode()
    assert client.get(f"/claimants/{survivor.slug}/").status_code == 200


def test_a_merged_spelling_that_was_public_still_redirects(publish: Any, client: Client) -> None:
    alias = publish(claimant="Asim Bajwa").speaker
    survivor = publish(claimant="Lt Gen Asim Bajwa").speaker
    alias.merge_into(survivor)
    assert Claimant.objects.get(pk=alias.pk).was_public
    assert client.get(f"/claimants/{alias.slug}/")["Location"] == f"/claimants/{survivor.slug}/"
