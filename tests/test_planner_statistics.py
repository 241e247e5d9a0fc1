"""PostgreSQL's estimate of how many claims the public lists hold, with the
statistics of state and publication date together (migration 0033): taken
for independent, the filters put the public claims at a third of what they
are at a million claims, and the planner then chose a search plan that read
every public claim."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from claims.models import Claim
from claims.workflow import State
from tests.conftest import ClaimFactory

pytestmark = pytest.mark.django_db


def estimated_rows(queryset: Any) -> float:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]


def test_the_public_lists_are_estimated_at_their_size(make_claim: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the planner's statistics are PostgreSQL's")
    article = make_claim().article
    now = timezone.now()
    published = [
        ClaimFactory.build(
            article=article, state=State.PUBLISHED, published_at=now - timedelta(minutes=n), slug=f"published-{n}"
        )
        for n in range(240)
    ]
    on_the_desk = [
        ClaimFactory.build(article=article, state=State.RESEARCHING, slug=f"on-the-desk-{n}") for n in range(160)
    ]
    Claim.objects.bulk_create([*published, *on_the_desk], batch_size=200)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")

    assert Claim.objects.standing().count() == Claim.objects.public().count() == 240
    # Independent, state and date would say 0.6 x 0.6 of the 401 claims: 144.
    assert estimated_rows(Claim.objects.standing()) >= 0.7 * 240
    assert estimated_rows(Claim.objects.public()) >= 0.7 * 240
