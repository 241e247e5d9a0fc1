"""Deep pages read their ids first, then their rows: the same rows, in the
same order, with what the list prefetches, as a plain OFFSET would give."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims import pagination
from claims.desk.forms import QueueFilterForm
from claims.models import Activity, Claim, ExternalVerdict, Notification
from claims.pagination import DeepPaginator, ends_with_pk
from tests.conftest import ClaimFactory

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


def _queue_with_ties() -> Any:
    """23 open claims whose sort keys tie (two priorities, two due dates and
    none, three creation times): only the id tells many of them apart."""
    moments = [timezone.now() - timedelta(days=n) for n in range(3)]
    dues = [None, date(2026, 1, 5), date(2026, 1, 9)]
    for n in range(23):
        claim = ClaimFactory(priority=1 + n % 2, due_on=dues[n % 3])
        Claim.objects.filter(pk=claim.pk).update(created_at=moments[n // 8])
    return QueueFilterForm().filter(Claim.objects.for_list())


def test_pages_from_the_back_are_the_slices_of_the_whole_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagination, "DEEP_OFFSET", 2)
    claims = _queue_with_ties()
    whole = list(claims.values_list("pk", flat=True))
    assert len(whole) == 23
    assert Claim.objects.filter(due_on=None).count() == 8
    paginator = DeepPaginator(claims, 3)
    assert paginator.num_pages == 8  # the last holds 2
    for number in paginator.page_range:  # first, middle, back half, partial last
        with CaptureQueriesContext(connection) as queries:
            page = paginator.page(number)
        assert [claim.pk for claim in page] == whole[(number - 1) * 3 : number * 3]
        # Past the middle the ids are read in the reversed order: the due
        # dates' NULLS LAST flips with the rest.
        reversed_read = any("NULLS FIRST" in query["sql"] for query in queries.captured_queries)
        assert reversed_read == ((number - 1) * 3 > 23 / 2), number


def test_a_deep_page_costs_the_same_queries_from_either_end(publish: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagination, "DEEP_OFFSET", 2)
    for n in range(9):
        publish(text=f"Claim {n}: {300 + n} people were arrested.")
    claims = Claim.objects.standing().with_verdicts().order_by("-published_at", "-pk")
    counts = []
    for number in (2, 3, 4, 5):  # deep from the front, then from the back; 5 holds one
        with CaptureQueriesContext(connection) as queries:
            page = DeepPaginator(claims, 2).page(number)
            assert all(claim.published_versions for claim in page)
        counts.append(len(queries.captured_queries))
    assert counts == [counts[0]] * 4  # count, ids, rows, their article and verdicts


def test_a_search_past_its_limit_pages_from_the_front(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past `count_limit` the count is the limit, not the list's: read from
    the back, the pages would end at the list's own end."""
    monkeypatch.setattr(pagination, "DEEP_OFFSET", 2)
    claims = _queue_with_ties()
    whole = list(claims.values_list("pk", flat=True))
    paginator = DeepPaginator(claims, 3, count_limit=10)
    assert paginator.more
    assert paginator.num_pages == 4
    for number in paginator.page_range:
        assert [claim.pk for claim in paginator.page(number)] == whole[:10][(number - 1) * 3 : number * 3]


def test_only_a_list_ordered_down_to_its_id_is_read_from_the_back() -> None:
    claims = Claim.objects.all()
    assert ends_with_pk(claims.queue_order())
    assert ends_with_pk(claims.by_demand())
    assert ends_with_pk(claims.order_by("-published_at", "-id"))
    assert ends_with_pk(claims.order_by(F("pk").desc()))
    assert ends_with_pk(Notification.objects.newest_first())
    assert ends_with_pk(ExternalVerdict.objects.order_by("-updated_at", "-pk"))
    assert ends_with_pk(Activity.objects.all())  # its Meta ordering
    assert not ends_with_pk(claims.order_by("priority", "-created_at"))
    assert not ends_with_pk(claims.order_by())


def test_the_team_queue_and_the_public_list_page_from_the_back(
    publish: Any, client_for: Any, checker: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "DEEP_OFFSET", 2)
    settings.DESK_PAGE_SIZE = settings.PUBLIC_PAGE_SIZE = 2
    made = [publish(text=f"Published claim number {n}.") for n in range(7)]
    queue = list(QueueFilterForm({"state": "published"}).filter(Claim.objects.all()).values_list("pk", flat=True))
    newest = [claim.pk for claim in sorted(made, key=lambda claim: (claim.published_at, claim.pk), reverse=True)]
    client = client_for(checker)
    for page in (1, 2, 3, 4):  # the public list counts on page 1, then reads its count from the cache
        html = client.get("/desk/claims/", {"state": "published", "page": page}).content.decode()
        shown = sorted((html.index(f'href="/desk/claims/{pk}/"'), pk) for pk in queue if f"/desk/claims/{pk}/" in html)
        assert [pk for _, pk in shown] == queue[(page - 1) * 2 : page * 2]
        html = client.get("/verdicts/", {"page": page}).content.decode()
        claims = {claim.pk: f"/verdicts/{claim.slug}/" for claim in made}
        shown = sorted((html.index(f'href="{url}"'), pk) for pk, url in claims.items() if f'href="{url}"' in html)
        assert [pk for _, pk in shown] == newest[(page - 1) * 2 : page * 2]
