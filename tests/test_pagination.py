"""Deep pages read their ids first, then their rows: the same rows, in the
same order, with what the list prefetches, as a plain OFFSET would give."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import pagination
from claims.models import Claim
from claims.pagination import DeepPaginator

pytestmark = pytest.mark.django_db


def test_deep_pages_hold_what_offset_pages_hold(publish: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagination, "DEEP_OFFSET", 3)
    for n in range(8):
        publish(text=f"Claim {n}: {300 + n} people were arrested.")
    claims = Claim.objects.standing().with_verdicts().order_by("-published_at", "-pk")
    plain, deep = Paginator(claims, 3), DeepPaginator(claims, 3)
    for number in plain.page_range:
        assert list(deep.page(number)) == list(plain.page(number))
    last = deep.page(3)
    with CaptureQueriesContext(connection) as queries:
        assert [claim.current_verdict.version for claim in last] == [1, 1]  # prefetched with the rows
    assert not queries.captured_queries


def test_the_team_queue_pages_deep_the_same(
    make_claim: Any, client_for: Any, checker: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "DEEP_OFFSET", 2)
    settings.DESK_PAGE_SIZE = 2
    made = [make_claim(text=f"Submitted claim number {n}.") for n in range(5)]
    client = client_for(checker)
    seen = []
    for page in (1, 2, 3):
        html = client.get("/desk/claims/", {"page": page}).content.decode()
        seen += [claim.pk for claim in made if f'href="/desk/claims/{claim.pk}/"' in html]
    assert sorted(seen) == sorted(claim.pk for claim in made)
