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
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims import search_matches
from claims.models import Claim
from claims.pagination import DeepPaginator
from claims.search_matches import Search, read_from
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
    public = Search(Claim.objects.standing(), "inflation").first(100)
    assert sorted(public) == sorted(claim.pk for claim in claims["published"])
    researching = Search(Claim.objects.filter(state=State.RESEARCHING), "inflation").first(100)
    assert sorted(researching) == sorted(claim.pk for claim in claims["researching"])
    assert len(Search(Claim.objects.all(), "inflation").first(100)) == 6
    assert len(Search(Claim.objects.all(), "inflation").first(4)) == 4
    assert Search(Claim.objects.standing(), "stagflation").first(9) == []


def test_filters_that_join_another_table_still_apply(claims: dict[str, list[Claim]]) -> None:
    person = UserFactory(username="researcher")
    Claim.objects.filter(pk=claims["researching"][0].pk).update(assignee=person)
    listed = Claim.objects.filter(assignee__username="researcher").select_related("assignee", "article")
    assert Search(listed, "inflation").first(100) == [claims["researching"][0].pk]
    ordered = listed.order_by("-created_at", "-pk")
    assert Search(ordered, "inflation").page(0, 5) in (None, [claims["researching"][0].pk])


def test_the_team_queue_and_the_public_list_find_a_search_through_it(
    claims: dict[str, list[Claim]], client_for: Any, checker: Any, client: Any
) -> None:
    html = client_for(checker).get("/desk/claims/", {"q": "inflation", "state": "researching"}).content.decode()
    assert all(f"/desk/claims/{claim.pk}/" in html for claim in claims["researching"])
    assert not any(f"/desk/claims/{claim.pk}/" in html for claim in claims["published"] + claims["submitted"])
    html = client.get("/verdicts/", {"q": "inflation"}).content.decode()
    assert all(f"/verdicts/{claim.slug}/" in html for claim in claims["published"])
    assert f"/verdicts/{claims['other'][0].slug}/" not in html


def test_sqlite_reads_the_list_itself() -> None:
    ids = Claim.objects.search("inflation").order_by().values_list("pk", flat=True)
    fenced = read_from(ids, Claim.objects.search("inflation"))
    assert (fenced is None) == (connection.vendor != "postgresql")
    assert (Search(Claim.objects.order_by("-pk"), "inflation").page(0, 5) is None) == (fenced is None)


def plans(listed: Any, text: str) -> tuple[str, str]:
    """The plans of a search's first 501 matches: read from the text's
    matches (claims.search_matches), and asked as the list's own query."""
    search = Search(listed, text)
    ids = search.found.order_by().values_list("pk", flat=True)[:501]
    found = []
    for sql, params in (read_from(ids, search.matches), ids.query.sql_with_params()):
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        found.append(plan if isinstance(plan, str) else json.dumps(plan))
    return found[0], found[1]


# A claim's usual length: a table of short rows is read whole at once.
PADDING = "The figure comes from the ministry's annual report, which counts registered cases only. " * 4


def test_postgresql_reads_a_rare_words_matches_through_the_trigram_index(make_claim: Any) -> None:
    """The planner's statistics say the word is in one claim in 20; it is in
    one in 400 now, as when ANALYZE's sample guessed wrong. Asked as the
    list's own query, the planner walks an index of the public claims until
    501 turn up (or ANDs it with the matches); read from the matches, it
    reads the trigram index alone."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigram indexes are PostgreSQL's")
    article = make_claim().article
    now = timezone.now()
    claims = [
        ClaimFactory.build(
            article=article,
            text=f"{'Inflation' if n % 20 == 1 else 'Unemployment'} rose by {n}% in the province. {PADDING}",
            state=State.PUBLISHED if n % 2 else State.RESEARCHING,
            published_at=now - timedelta(minutes=n) if n % 2 else None,
            slug=f"claim-{n}",
        )
        for n in range(6000)
    ]
    Claim.objects.bulk_create(claims, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
    Claim.objects.filter(text__startswith="Inflation").exclude(slug__regex=r"-\d*(001|401|801)$").update(
        text=f"Unemployment fell. {PADDING}"
    )
    with connection.cursor() as cursor:
        # As autovacuum would: new rows wait in a GIN index's pending list.
        for index in ("claim_text_search_trgm", "claim_claimant_search_trgm"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
    read, own = plans(Claim.objects.standing(), "inflation")
    # Indexes of the public claims: walked until 501 matches turn up, or ANDed.
    public = ("claim_public_changed", "claim_public_list", "claim_time_to_publish")
    assert any(index in own for index in public)
    assert "claim_text_search_trgm" in read
    # The public filters apply to the matches' rows, not as an index of their own.
    assert not any(index in read for index in public)
    assert "claim_text_search_trgm" in plans(Claim.objects.all(), "inflation")[0]
    # In most claims, or nothing to look up: the table, read until 501 turn up.
    for common in ("unemployment", "ab"):
        assert "claim_text_search_trgm" not in plans(Claim.objects.all(), common)[0]
    found = Search(Claim.objects.standing(), "inflation").first(501)
    standing = Claim.objects.standing().search("inflation").values_list("pk", flat=True)
    assert len(found) == 17  # 401, 801, ..., 5801
    assert sorted(found) == sorted(standing)


@pytest.mark.parametrize("every", [2, 9])
def test_a_deep_page_of_a_search_is_the_lists_own(every: int, publish: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the probe, a word in every second claim is walked to in the
    list's order and one in every ninth read from its matches, sorted: the
    pages are the same either way."""
    monkeypatch.setattr(search_matches, "PROBE", 4)
    for n in range(45):
        publish(text=f"{'Inflation' if n % every == 0 else 'Unemployment'} rose by {n}% last year.")
    search = Search(Claim.objects.standing().with_verdicts().order_by("-published_at", "-pk"), "inflation")
    whole = list(search.found.values_list("pk", flat=True))
    paginator = DeepPaginator(search.found, 2, count_limit=4, search=search)
    assert paginator.more
    with CaptureQueriesContext(connection) as queries:
        pages = [[claim.pk for claim in paginator.page(number)] for number in paginator.page_range]
    assert pages == [whole[:4][:2], whole[:4][2:]]
    if connection.vendor == "postgresql":
        sorted_ = any("OFFSET 0) AS" in query["sql"] and "ORDER BY" in query["sql"] for query in queries)
        assert sorted_ == (every == 9)
