"""The list of verdicts: newest first, paginated, filtered and searched; the public lists' query counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import Claim, Rating
from tests.public.conftest import correct

pytestmark = pytest.mark.django_db


def test_list_shows_newest_first_with_claimant_rating_and_summary(publish: Any, client: Client) -> None:
    older = publish(claimant="Older Person")
    newer = publish(claimant="Newer Person", rating="Half true")
    Claim.objects.filter(pk=older.pk).update(published_at=timezone.now() - timedelta(days=2))

    html = client.get("/verdicts/").content.decode()

    assert html.index(newer.slug) < html.index(older.slug)
    assert "Newer Person" in html
    assert "Half true" in html
    assert "The army gave no records for the figure." in html


def test_list_paginates(publish: Any, client: Client, settings: Any) -> None:
    settings.PUBLIC_PAGE_SIZE = 2
    claims = [publish() for _ in range(3)]

    first = client.get("/verdicts/").content.decode()
    second = client.get("/verdicts/?page=2").content.decode()

    assert sum(c.slug in first for c in claims) == 2
    assert sum(c.slug in second for c in claims) == 1
    assert "Page 1 of 2" in first


def test_list_filters_by_current_rating_and_searches(publish: Any, client: Client, editor: Any) -> None:
    false = publish(rating="False", text="Exports doubled last year", claimant="The minister")
    true = publish(rating="True", text="Inflation fell", claimant="The central bank")
    corrected = correct(publish(rating="False", text="Wages rose"), editor, rating="Half true")
    rating = Rating.objects.get(label="False")

    html = client.get(f"/verdicts/?rating={rating.pk}").content.decode()
    assert false.slug in html
    assert true.slug not in html
    assert corrected.slug not in html  # its current rating is Half true

    assert true.slug in client.get("/verdicts/?q=central+bank").content.decode()
    assert false.slug not in client.get("/verdicts/?q=central+bank").content.decode()
    assert false.slug in client.get("/verdicts/?q=exports").content.decode()
    assert client.get("/verdicts/?rating=nonsense&page=99").status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/verdicts/", "/verdicts/?q=militants", "/verdicts/feed/", "/verdicts/atom/", "/verdicts.json", "/sitemap.xml"],
)
def test_public_lists_have_bounded_query_counts(
    url: str, publish: Any, editor: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    publish(urls=("https://example.org/a",))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(5):
        claim = publish(urls=(f"https://example.org/{n}",))
        if n % 2:
            correct(claim, editor)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_search_with_more_matches_than_it_reads_lists_the_first_and_says_so(
    publish: Any, client: Client, settings: Any, monkeypatch: Any
) -> None:
    from claims import pagination

    settings.PUBLIC_PAGE_SIZE = 2
    monkeypatch.setattr(pagination, "SEARCH_COUNT_LIMIT", 3)
    claims = [publish(text=f"{300 + n} people were arrested in raids.") for n in range(5)]
    publish(text="The war cost 1.9 billion rupees.")
    newest_first = sorted(claims, key=lambda claim: (claim.published_at, claim.pk), reverse=True)

    first = client.get("/verdicts/", {"q": "arrested"}).content.decode()
    second = client.get("/verdicts/", {"q": "arrested", "page": 2}).content.decode()
    assert "More than 3 verdicts match: the first 3 are listed." in first
    assert "Page 1 of 2" in first
    assert [claim.slug in first for claim in newest_first] == [True, True, False, False, False]
    assert [claim.slug in second for claim in newest_first] == [False, False, True, False, False]
    assert "1.9 billion" not in first + second

    # Fewer matches than the limit: every one, in the list's order, without the note.
    few = client.get("/verdicts/", {"q": "rupees"}).content.decode()
    assert "1.9 billion" in few
    assert "More than" not in few
