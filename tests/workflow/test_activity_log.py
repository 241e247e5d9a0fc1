"""The activity log is append-only: no row is changed or deleted, one at a time or in bulk."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from claims.models import Activity, Claim
from claims.workflow import State


@pytest.fixture
def logged(make_claim: Any) -> Claim:
    return make_claim(state=State.ASSIGNED)


def test_activity_rows_cannot_be_saved_again(logged: Claim) -> None:
    entry = Activity.objects.filter(claim=logged).first()
    entry.note = "rewritten"
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    assert Activity.objects.get(pk=entry.pk).note != "rewritten"


def test_activity_rows_cannot_be_deleted(logged: Claim) -> None:
    entry = Activity.objects.filter(claim=logged).first()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    assert Activity.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "attempt",
    [
        lambda claim: Activity.objects.filter(claim=claim).update(note="rewritten"),
        lambda claim: Activity.objects.all().update(note="rewritten"),
        lambda claim: claim.activities.update(note="rewritten"),
        lambda claim: Activity.objects.filter(claim=claim).delete(),
        lambda claim: Activity.objects.all().delete(),
        lambda claim: claim.activities.all().delete(),
        lambda claim: Activity.objects.bulk_update(
            [Activity(pk=a.pk, note="rewritten") for a in claim.activities.all()], ["note"]
        ),
    ],
    ids=[
        "filter-update",
        "all-update",
        "related-update",
        "filter-delete",
        "all-delete",
        "related-delete",
        "bulk-update",
    ],
)
def test_activity_log_refuses_bulk_changes(attempt: Callable[[Claim], Any], logged: Claim) -> None:
    before = list(Activity.objects.filter(claim=logged).values())
    # In a savepoint: bulk_update opens a transaction without one, and its
    # TypeError would otherwise spoil the test's own transaction.
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        attempt(logged)
    assert list(Activity.objects.filter(claim=logged).values()) == before
    assert before  # there was something to protect


def test_activity_log_accepts_new_rows(logged: Claim, checker: Any) -> None:
    count = Activity.objects.filter(claim=logged).count()
    logged.comment(by=checker, text="Still here.")
    assert Activity.objects.filter(claim=logged).count() == count + 1


def test_deleting_a_claim_does_not_erase_its_activity_log(make_claim: Any) -> None:
    claim = make_claim(state=State.PUBLISHED)
    log = list(Activity.objects.filter(claim=claim).values_list("pk", flat=True))
    assert log
    # However the fix refuses (PROTECT, an override, a trigger), the log must survive.
    with contextlib.suppress(Exception), transaction.atomic():
        claim.delete()
    assert list(Activity.objects.filter(pk__in=log).values_list("pk", flat=True)) == log
