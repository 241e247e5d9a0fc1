"""A search's first matches (claims.search_matches): the same claims as the
list's own filters find, however they are read; on PostgreSQL read through
the trigram indexes with the list's other filters applied after, and the
planner's setting gone with the query."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from claims.search_matches import first_matches, through_trigrams
from claims.workflow import State
from tests.conftest import UserFactory

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


def test_a_text_with_no_trigram_is_left_to_the_planner() -> None:
    ids = Claim.objects.search("ab").order_by().values_list("pk", flat=True)
    assert through_trigrams(ids, Claim.objects.search("ab")) is None
    assert through_trigrams(ids, None) is None
    if connection.vendor == "postgresql":
        ids = Claim.objects.search("a 12% b").order_by().values_list("pk", flat=True)
        assert through_trigrams(ids, Claim.objects.search("a 12% b")) is None
        ids = Claim.objects.search("abc").order_by().values_list("pk", flat=True)
        assert through_trigrams(ids, Claim.objects.search("abc")) is not None


def plan(sql: str, params: list[Any] | None, *settings: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(setting)
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        found = cursor.fetchone()[0]
        transaction.set_rollback(True)
    return json.dumps(found) if not isinstance(found, str) else found


def test_postgresql_reads_the_matches_through_the_trigram_index(claims: dict[str, list[Claim]]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigram indexes are PostgreSQL's")
    listed = Claim.objects.standing().search("inflation")
    with CaptureQueriesContext(connection) as queries:
        first_matches(listed, Claim.objects.search("inflation"), 501)
    sql = next(query["sql"] for query in queries.captured_queries if "LIKE" in query["sql"])
    # As run (its values in place), under the setting it ran with, and without.
    forced = plan(sql, None, "SELECT set_config('enable_seqscan', 'off', true)")
    assert "claim_text_search_trgm" in forced
    assert "Bitmap Index Scan" in forced
    # The other filters apply to the subquery's rows, not as an index of their own.
    assert "claim_public_changed" not in forced
    assert "claim_public_list" not in forced
    # On a table this small the planner's own choice is to read it all.
    assert "Seq Scan" in plan(*listed.order_by().values_list("pk").query.sql_with_params())
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"
