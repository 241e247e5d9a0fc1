"""A search's first matches (claims.search_matches): the same claims as the
list's own filters find, however they are read; on PostgreSQL read through
the trigram indexes for a word in few claims, the list's other filters
applied to the matches' rows."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from claims.models import Claim
from claims.search_matches import first_matches, from_matches
from claims.workflow import State
from tests.conftest import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(make_claim: Any, publish: Any) -> dict[str, list[Claim]]:
    """Claims about inflation in three states, and one that is not."""
    return {
        "published": [publish(text=f"Inflation rose by {n}% last year.") for n in range(3)],
        "researching": [make_claim(state=State.RESEARCHING, text=f"INFLATION fell {n}%.") for n in range(2)],
        "submitted": [make_claim(state=State.SUBMITTED, text="Deflation, not inflation.")],
        "other": [publish(text="Unemployment doubled.")],
    }


def test_the_first_matches_are_the_lists_own(claims: dict[str, list[Claim]]) -> None:
    matches = Claim.objects.search("inflation")
    public = first_matches(Claim.objects.standing().search("inflation"), matches, 100)
    assert sorted(public) == sorted(claim.pk for claim in claims["published"])
    researching = first_matches(Claim.objects.filter(state=State.RESEARCHING).search("inflation"), matches, 100)
    assert sorted(researching) == sorted(claim.pk for claim in claims["researching"])
    anywhere = first_matches(Claim.objects.search("inflation"), matches, 100)
    assert len(anywhere) == 6
    assert len(first_matches(Claim.objects.search("inflation"), matches, 4)) == 4
    assert first_matches(Claim.objects.standing().search("stagflation"), Claim.objects.search("stagflation"), 9) == []


def test_filters_that_join_another_table_still_apply(claims: dict[str, list[Claim]]) -> None:
    person = UserFactory(username="researcher")
    Claim.objects.filter(pk=claims["researching"][0].pk).update(assignee=person)
    listed = Claim.objects.filter(assignee__username="researcher").search("inflation")
    assert first_matches(listed, Claim.objects.search("inflation"), 100) == [claims["researching"][0].pk]


def test_the_team_queue_and_the_public_list_find_a_search_through_it(
    claims: dict[str, list[Claim]], client_for: Any, checker: Any, client: Any
) -> None:
    html = client_for(checker).get("/desk/claims/", {"q": "inflation", "state": "researching"}).content.decode()
    assert all(f"/desk/claims/{claim.pk}/" in html for claim in claims["researching"])
    assert not any(f"/desk/claims/{claim.pk}/" in html for claim in claims["published"] + claims["submitted"])
    html = client.get("/verdicts/", {"q": "inflation"}).content.decode()
    assert all(f"/verdicts/{claim.slug}/" in html for claim in claims["published"])
    assert f"/verdicts/{claims['other'][0].slug}/" not in html


def test_sqlite_and_a_list_with_no_search_read_the_list_itself() -> None:
    ids = Claim.objects.search("inflation").order_by().values_list("pk", flat=True)
    assert from_matches(ids, None) is None
    fenced = from_matches(ids, Claim.objects.search("inflation"))
    assert (fenced is None) == (connection.vendor != "postgresql")


def plan(queryset: Any, matches: Any) -> str:
    sql, params = from_matches(queryset.order_by().values_list("pk", flat=True)[:501], matches)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        found = cursor.fetchone()[0]
    return found if isinstance(found, str) else json.dumps(found)


# A claim's usual length: a table of short rows is read whole at once.
PADDING = "The figure comes from the ministry's annual report, which counts registered cases only. " * 4


def test_postgresql_reads_a_rare_words_matches_through_the_trigram_index(make_claim: Any) -> None:
    """What the subquery is planned as. At this size the list's own query is
    planned the same way: the guesses that made it read the table (bench/,
    a million claims, README "seventh pass") need a table that size."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigram indexes are PostgreSQL's")
    article = make_claim().article
    now = timezone.now()
    claims = [
        ClaimFactory.build(
            article=article,
            text=f"{'Inflation' if n % 200 == 0 else 'Unemployment'} rose by {n}% in the province. {PADDING}",
            state=State.PUBLISHED if n % 2 else State.RESEARCHING,
            published_at=now - timedelta(minutes=n) if n % 2 else None,
            slug=f"claim-{n}",
        )
        for n in range(6000)
    ]
    Claim.objects.bulk_create(claims, batch_size=2000)
    with connection.cursor() as cursor:
        # As autovacuum would: new rows wait in a GIN index's pending list.
        for index in ("claim_text_search_trgm", "claim_claimant_search_trgm"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE claims_claim")
    public = plan(Claim.objects.standing().search("inflation"), Claim.objects.search("inflation"))
    assert "claim_text_search_trgm" in public
    # The public filters apply to the matches' rows, not as an index of their own.
    assert "claim_public_changed" not in public
    assert "claim_public_list" not in public
    assert "claim_text_search_trgm" in plan(Claim.objects.search("inflation"), Claim.objects.search("inflation"))
    # In every claim, or nothing to look up: the table, read until 501 turn up.
    for common in ("rose", "ab"):
        assert "claim_text_search_trgm" not in plan(Claim.objects.search(common), Claim.objects.search(common))
    assert sorted(
        first_matches(Claim.objects.standing().search("inflation"), Claim.objects.search("inflation"), 501)
    ) == sorted(Claim.objects.standing().search("inflation").values_list("pk", flat=True))
