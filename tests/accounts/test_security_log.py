"""The security log: log-ins, failed log-ins, lock-outs and refused requests
are written with who, from which address and where; whatever an attacker
types is stored without a 500; and the log is append-only, in the ORM and in
PostgreSQL itself."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client

from claims.models import SecurityEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

Kind = SecurityEvent.Kind
TABLE = SecurityEvent._meta.db_table


def log_in(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_a_login_and_a_logout_are_recorded_with_the_address(checker: Any) -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    log_in(client, "checker", PASSWORD)
    client.post("/accounts/logout/")
    events = list(SecurityEvent.objects.order_by("pk").values_list("kind", "user", "ip_address"))
    assert events == [(Kind.LOGGED_IN, checker.pk, "198.51.100.7"), (Kind.LOGGED_OUT, checker.pk, "198.51.100.7")]


def test_the_address_behind_the_proxy_is_the_clients(checker: Any, settings: Any) -> None:
    settings.TRUSTED_PROXIES = 1
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    log_in(client, "checker", "wrong")
    assert SecurityEvent.objects.get().ip_address == "203.0.113.5"


def test_failed_logins_and_the_lock_out_are_recorded_under_the_name_typed(checker: Any, settings: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "checker", "wrong")
    log_in(client, "checker", PASSWORD)
    failed = SecurityEvent.objects.filter(kind=Kind.LOGIN_FAILED)
    assert failed.count() == settings.AXES_FAILURE_LIMIT + 1  # the right password, refused while locked, too
    assert set(failed.values_list("username", "user")) == {("checker", None)}  # no session: nobody logged in
    assert SecurityEvent.objects.filter(kind=Kind.LOCKED_OUT, username="checker", ip_address="203.0.113.9").exists()
    assert not SecurityEvent.objects.filter(kind=Kind.LOGGED_IN).exists()
    assert "password" not in str(list(SecurityEvent.objects.values()))


def test_whatever_an_attacker_types_is_stored_cut_and_cleaned_without_a_500(desk_defaults: None) -> None:
    hostile = "<script>alert(1)</script>" + "x" * 120
    assert log_in(Client(), hostile, "wrong").status_code == 200
    assert SecurityEvent.objects.get(kind=Kind.LOGIN_FAILED).username == hostile
    # The log-in form refuses NUL and over-long names before any attempt;
    # the log itself must still take them (a path, a forwarded name...).
    entry = SecurityEvent.record(Kind.LOGIN_FAILED, None, username="a\x00b" + "x" * 10_000, note="\x00" * 400)
    entry.refresh_from_db()
    assert len(entry.username) == 150
    assert entry.username.startswith("a\N{REPLACEMENT CHARACTER}b")
    assert entry.note == "\N{REPLACEMENT CHARACTER}" * 300


def test_a_refused_request_is_recorded_with_the_path_and_the_reason(outsider: Any, client_for: Any) -> None:
    response = client_for(outsider).get("/desk/claims/")
    assert response.status_code == 403
    entry = SecurityEvent.objects.get(kind=Kind.REFUSED)
    assert (entry.user, entry.method, entry.path) == (outsider, "GET", "/desk/claims/")
    assert entry.note  # the reason the 403 page gives


def test_an_allowed_request_records_no_refusal(checker: Any, client_for: Any) -> None:
    assert client_for(checker).get("/desk/claims/").status_code == 200
    assert not SecurityEvent.objects.filter(kind=Kind.REFUSED).exists()


def test_the_orm_cannot_change_or_delete_an_entry(checker: Any) -> None:
    log_in(Client(), "checker", "wrong")
    entry = SecurityEvent.objects.get()
    with pytest.raises(TypeError, match="append-only"):
        SecurityEvent.objects.update(note="nothing happened")
    with pytest.raises(TypeError, match="append-only"):
        SecurityEvent.objects.all().delete()
    entry.note = "nothing happened"
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's; CI runs it there")
@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {TABLE} SET kind = 'logged_in' WHERE id = %s",  # noqa: S608
        f"UPDATE {TABLE} SET ip_address = '10.0.0.1' WHERE id = %s",  # noqa: S608
        f"UPDATE {TABLE} SET created_at = created_at - interval '1 day' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {TABLE} WHERE id = %s",  # noqa: S608
    ],
)
def test_sql_cannot_rewrite_or_erase_the_log(sql: str, checker: Any) -> None:
    log_in(Client(REMOTE_ADDR="203.0.113.9"), "checker", "wrong")
    entry = SecurityEvent.objects.get()
    before = SecurityEvent.objects.filter(pk=entry.pk).values().get()
    with pytest.raises(DatabaseError, match="pgtrigger"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk])
    assert SecurityEvent.objects.filter(pk=entry.pk).values().get() == before


def test_deleting_a_user_keeps_their_entries_without_the_link(checker: Any) -> None:
    log_in(Client(), "checker", PASSWORD)
    get_user_model().objects.filter(pk=checker.pk).delete()
    entry = SecurityEvent.objects.get(kind=Kind.LOGGED_IN)
    assert (entry.user, entry.username) == (None, "checker")
