"""A precompiled query reads what the ORM's own query reads, for whichever
id it is asked, on this thread's connection."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from claims.precompiled import Precompiled
from claims.workflow import State

desk_page = Precompiled(lambda pk: Claim.objects.for_desk_page().filter(pk=pk))
STAMPS = ("desk_policy", "repeats_changed", "last_logged", "sources_changed", "original_changed")


@pytest.mark.django_db
def test_it_reads_what_the_orm_reads_for_any_id(make_claim: Any, checker: Any) -> None:
    claims = [make_claim(state=State.IN_REVIEW), make_claim(state=State.SUBMITTED, text="Inflation fell.")]
    for claim in claims:
        (read,) = desk_page(claim.pk)
        expected = Claim.objects.for_desk_page().get(pk=claim.pk)
        for field in Claim._meta.concrete_fields:
            assert getattr(read, field.attname) == getattr(expected, field.attname)
        for name in STAMPS:
            assert getattr(read, name) == getattr(expected, name)
        with CaptureQueriesContext(connection) as asked:
            people = (read.assignee, read.reviewer, read.article)
        assert len(asked) == 0  # read with the claim
        assert people == (expected.assignee, expected.reviewer, expected.article)
    assert claims[0].assignee == checker
    assert list(desk_page(max(claim.pk for claim in claims) + 1)) == []
    with CaptureQueriesContext(connection) as asked:
        assert list(desk_page(2**63)) == list(desk_page(-(2**63) - 1)) == []  # past any id: not asked
    assert len(asked) == 0


@pytest.mark.django_db(transaction=True)
def test_another_thread_reads_on_its_own_connection(make_claim: Any) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("the test database on SQLite is in memory: another thread sees none of it")
    claim = make_claim(state=State.SUBMITTED)
    list(desk_page(claim.pk))  # compiled on this thread
    found: dict[str, Any] = {}

    def read() -> None:
        with CaptureQueriesContext(connections["default"]) as asked:
            found["claims"] = list(desk_page(claim.pk))
        found["queries"] = len(asked)
        connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert [c.pk for c in found["claims"]] == [claim.pk]
    assert found["queries"] == 1
