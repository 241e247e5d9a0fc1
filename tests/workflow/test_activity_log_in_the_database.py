"""The activity log is append-only in PostgreSQL itself (a trigger), so raw
SQL cannot rewrite or erase the history of a verdict; deleting a user still
works, and leaves their rows with no actor."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.utils import DatabaseError

from claims.models import Activity

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's; CI runs it there"),
]

TABLE = Activity._meta.db_table


def raw(sql: str, *params: Any) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        (f"UPDATE {TABLE} SET note = %s WHERE id = %s", ("Nothing happened.",)),  # noqa: S608
        (f"UPDATE {TABLE} SET action = %s WHERE id = %s", ("comment",)),  # noqa: S608
        (f"UPDATE {TABLE} SET created_at = created_at - interval '1 day' WHERE id = %s", ()),  # noqa: S608
        (f"UPDATE {TABLE} SET actor_id = %s WHERE id = %s", ("other",)),  # noqa: S608
        (f"DELETE FROM {TABLE} WHERE id = %s", ()),  # noqa: S608
    ],
)
def test_sql_cannot_rewrite_or_erase_the_log(
    sql: str, params: tuple[Any, ...], make_claim: Any, second_checker: Any
) -> None:
    claim = make_claim(state="assigned")
    entry = Activity.objects.filter(claim=claim, action="take").get()
    before = Activity.objects.filter(pk=entry.pk).values().get()
    values = [second_checker.pk if value == "other" else value for value in params]
    with pytest.raises(DatabaseError, match="pgtrigger"):
        raw(sql, *values, entry.pk)
    assert Activity.objects.filter(pk=entry.pk).values().get() == before


def test_deleting_a_user_keeps_their_entries_without_an_actor(make_claim: Any, desk_defaults: None) -> None:
    from tests.conftest import UserFactory

    leaver = UserFactory(groups=["Fact-checkers"])
    claim = make_claim(state="assigned", researcher=leaver)
    count = Activity.objects.filter(claim=claim).count()
    get_user_model().objects.filter(pk=leaver.pk).delete()
    assert Activity.objects.filter(claim=claim).count() == count
    assert Activity.objects.filter(claim=claim, action="take").get().actor is None


def test_new_entries_are_written_as_ever(make_claim: Any, checker: Any) -> None:
    claim = make_claim(state="researching")
    claim.comment(by=checker, text="Who has the ledger?")
    assert Activity.objects.filter(claim=claim, action="comment").exists()
